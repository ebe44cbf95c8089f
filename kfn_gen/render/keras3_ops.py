"""keras.ops functions as TensorFlow calls: for ops applied to Keras tensors in a functional graph
(`keras.ops.concatenate([a, b])` is a node of the model) and for the bodies of Lambda layers.

OPS is data: keras.ops name -> (TensorFlow function or infix operator, the keras.ops parameters in order
as (name, TensorFlow keyword or None for positional, Keras' default)).  tests/package/test_keras3_ops_live.py
checks every name against the installed keras.ops and TensorFlow, and every parameter list against
keras.ops' own signature.
"""
from __future__ import annotations

from kfn_gen.render.namespace import snake

REQUIRED = object()

_X = ("x", None, REQUIRED)
_XY = (("x1", None, REQUIRED), ("x2", None, REQUIRED))
_REDUCE = (_X, ("axis", "axis", None), ("keepdims", "keepdims", False))

OPS: dict[str, tuple[str, tuple]] = {
    # elementwise, one argument
    **{name: (tf, (_X,)) for name, tf in {
        "abs": "tf.abs", "absolute": "tf.abs", "square": "tf.square", "sqrt": "tf.sqrt", "exp": "tf.exp",
        "log": "tf.math.log", "log1p": "tf.math.log1p", "expm1": "tf.math.expm1", "negative": "tf.negative",
        "sign": "tf.sign", "tanh": "tf.tanh", "sigmoid": "tf.sigmoid", "relu": "tf.nn.relu", "relu6": "tf.nn.relu6",
        "softplus": "tf.nn.softplus", "softsign": "tf.nn.softsign", "elu": "tf.nn.elu", "selu": "tf.nn.selu",
        "floor": "tf.floor", "ceil": "tf.math.ceil", "sin": "tf.sin", "cos": "tf.cos", "reciprocal": "tf.math.reciprocal",
        "rsqrt": "tf.math.rsqrt", "silu": "tf.nn.silu", "logical_not": "tf.logical_not"}.items()},
    # elementwise, two arguments
    "add": ("+", _XY), "subtract": ("-", _XY), "multiply": ("*", _XY), "divide": ("/", _XY),
    "true_divide": ("/", _XY), "power": ("**", _XY), "matmul": ("tf.linalg.matmul", _XY),
    "maximum": ("tf.maximum", _XY), "minimum": ("tf.minimum", _XY), "equal": ("tf.equal", _XY),
    "not_equal": ("tf.not_equal", _XY), "greater": ("tf.greater", _XY), "less": ("tf.less", _XY),
    "greater_equal": ("tf.greater_equal", _XY), "less_equal": ("tf.less_equal", _XY),
    # reductions
    "sum": ("tf.reduce_sum", _REDUCE), "mean": ("tf.reduce_mean", _REDUCE), "max": ("tf.reduce_max", _REDUCE),
    "min": ("tf.reduce_min", _REDUCE), "prod": ("tf.reduce_prod", _REDUCE),
    "logsumexp": ("tf.reduce_logsumexp", _REDUCE),
    "any": ("tf.reduce_any", _REDUCE), "all": ("tf.reduce_all", _REDUCE),  # Masking's mask
    # shapes
    "concatenate": ("tf.concat", (("xs", None, REQUIRED), ("axis", "axis", 0))),
    "stack": ("tf.stack", (("x", None, REQUIRED), ("axis", "axis", 0))),
    "expand_dims": ("tf.expand_dims", (_X, ("axis", "axis", REQUIRED))),
    "squeeze": ("tf.squeeze", (_X, ("axis", "axis", None))),
    "reshape": ("tf.reshape", (_X, ("newshape", None, REQUIRED))),
    "transpose": ("tf.transpose", (_X, ("axes", "perm", None))),
    "clip": ("tf.clip_by_value", (_X, ("x_min", None, REQUIRED), ("x_max", None, REQUIRED))),
    "softmax": ("tf.nn.softmax", (_X, ("axis", "axis", -1))),
    "log_softmax": ("tf.nn.log_softmax", (_X, ("axis", "axis", -1))),
    "cast": ("tf.cast", (_X, ("dtype", None, REQUIRED))),
    "shape": ("tf.shape", (_X,)),  # in a Lambda: `keras.ops.shape(x)[0]`, a dynamic batch size
}
INFIX = {"+", "-", "*", "/", "**"}
# keras.ops functions that are several TensorFlow ops: name -> (expression over {param}, parameters as in OPS).
# An argument used twice in the expression must be a plain name (it is not evaluated twice).
COMPOSITE: dict[str, tuple[str, tuple]] = {
    # keras.ops.normalize with order 2 (keras/src/ops/nn.py _normalize): x * min(rsqrt(sum(x^2)), 1/epsilon)
    "normalize": ("{x} * tf.minimum(tf.math.rsqrt(tf.reduce_sum(tf.square({x}), axis={axis}, keepdims=True)), "
                  "1.0 / {epsilon})", (_X, ("axis", "axis", -1), ("order", "order", 2), ("epsilon", "epsilon", None))),
    # keras.ops.ctc_loss (keras/src/backend/tensorflow/nn.py): batch-major logits, int32 labels
    "ctc_loss": ("tf.nn.ctc_loss(labels=tf.cast({target}, tf.int32), logits={output}, label_length={target_length}, "
                 "logit_length={output_length}, blank_index={mask_index}, logits_time_major=False)",
                 (("target", None, REQUIRED), ("output", None, REQUIRED), ("target_length", None, REQUIRED),
                  ("output_length", None, REQUIRED), ("mask_index", None, 0))),
}


class OpError(Exception):
    pass


def call(name: str, args: list[str], kwargs: dict[str, str], epsilon: float = 1e-7) -> str:
    """The TensorFlow expression of keras.ops.<name>(*args, **kwargs), arguments already as expressions;
    `epsilon`: Keras' epsilon(), what an epsilon=None argument means."""
    if name in COMPOSITE:
        return _composite(name, args, kwargs, epsilon)
    if name not in OPS:
        raise OpError(f"keras.ops.{name} has no TensorFlow translation")
    fn, params = OPS[name]
    bound: dict[str, str] = {}
    for (pname, _, _), value in zip(params, args):
        bound[pname] = value
    if len(args) > len(params):
        raise OpError(f"keras.ops.{name}: {len(args)} positional arguments, it takes {len(params)}")
    for key, value in kwargs.items():
        if key not in {p[0] for p in params}:
            raise OpError(f"keras.ops.{name}: argument {key}= is not translated")
        bound[key] = value
    positional, keywords = [], []
    for pname, tf_name, default in params:
        if pname not in bound:
            if default is REQUIRED:
                raise OpError(f"keras.ops.{name}: missing argument {pname}")
            bound[pname] = repr(default)
        (positional if tf_name is None else keywords).append(bound[pname] if tf_name is None
                                                             else f"{tf_name}={bound[pname]}")
    if fn in INFIX:
        return f"({positional[0]} {fn} {positional[1]})"
    return f"{fn}({', '.join(positional + keywords)})"


def _composite(name: str, args: list[str], kwargs: dict[str, str], epsilon: float) -> str:
    template, params = COMPOSITE[name]
    names = [p[0] for p in params]
    if len(args) > len(names) or set(kwargs) - set(names):
        raise OpError(f"keras.ops.{name}: arguments not understood")
    bound = {**{p[0]: repr(p[2]) for p in params if p[2] is not REQUIRED}, **dict(zip(names, args)), **kwargs}
    if set(names) - set(bound):
        raise OpError(f"keras.ops.{name}: missing argument {sorted(set(names) - set(bound))[0]}")
    if name == "normalize" and bound["order"] != "2":
        raise OpError(f"keras.ops.normalize(order={bound['order']}) is not translated (order 2 is)")
    if bound.get("epsilon") == "None":
        bound["epsilon"] = repr(epsilon)
    for p in names:
        if template.count("{" + p + "}") > 1 and not bound[p].isidentifier():
            raise OpError(f"keras.ops.{name} of an expression is not translated: assign {bound[p]} to a name first")
    return "(" + template.format(**bound) + ")"


def op_node(class_name: str, config: dict, args: list[str]) -> str:
    """A keras.ops op recorded as a functional-graph node: its tensors (and constants) are `args`, the rest
    of its arguments are its config (the op's __init__ arguments: axis, keepdims, ...)."""
    name = snake(class_name)
    if name not in OPS:
        raise OpError(f"keras.ops.{name} has no TensorFlow translation")
    params = [p[0] for p in OPS[name][1]]
    kwargs = {k: repr(v) for k, v in config.items() if k in params}
    free = [p for p in params if p not in kwargs]
    return call(name, [], {**dict(zip(free, args)), **kwargs})
