"""One TensorFlow expression per Keras 3 layer call, from the layer's own Keras 3 config.

The configs come from the captured model (verify/worker/export.py): every argument is resolved, shapes are
the ones the model really has, and the meaning of a Keras 2.2.4 call was settled by the migration (which is
verified against genuine 2.2.4).  So this module knows Keras 3 only: no parameter orders, no legacy
defaults, no shape arithmetic.  Inference semantics: dropout and noise layers are the identity.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class GenError(Exception):
    """A layer the generator cannot turn into TensorFlow code; the message names it."""


@dataclass
class Call:
    """One node: the layer's class and config, its input expressions and shapes, its output shapes, and
    its weights as expressions (`self.dense_kernel`) in the layer's order, keyed by their path too."""

    cls: str
    cfg: dict
    xs: list[str]
    in_shapes: list[list]
    out_shapes: list[list]
    weights: list[tuple[str, str]]  # (path inside the layer, expression)
    helpers: set[str] = field(default_factory=set)
    kwargs: dict[str, str] = field(default_factory=dict)  # tensor keyword arguments (initial_state), as expressions

    @property
    def x(self) -> str:
        return self.xs[0]

    def w(self, name: str) -> str | None:
        """The weight whose path ends with `name` (kernel, bias, gamma, ...), or None when the layer has none."""
        for path, expr in self.weights:
            if path == name or path.endswith("/" + name):
                return expr
        return None


# ----- activations, by their Keras 3 names -----
ACTIVATIONS = {
    "linear": None, "relu": "tf.nn.relu({x})", "sigmoid": "tf.sigmoid({x})", "tanh": "tf.tanh({x})",
    "softmax": "tf.nn.softmax({x}, axis=-1)", "elu": "tf.nn.elu({x})", "selu": "tf.nn.selu({x})",
    "softplus": "tf.nn.softplus({x})", "softsign": "tf.nn.softsign({x})", "exponential": "tf.exp({x})",
    "relu6": "tf.nn.relu6({x})", "silu": "tf.nn.silu({x})", "swish": "tf.nn.silu({x})",
    "gelu": "tf.nn.gelu({x}, approximate=False)", "leaky_relu": "tf.nn.leaky_relu({x}, alpha=0.2)",
    "log_softmax": "tf.nn.log_softmax({x}, axis=-1)", "hard_sigmoid": "hard_sigmoid_keras3({x})",
    "hard_silu": "{x} * hard_sigmoid_keras3({x})", "hard_swish": "{x} * hard_sigmoid_keras3({x})",
    "mish": "mish({x})",
    # the migration's helper for Keras 2.2.4's hard_sigmoid (migrate/helpers/activations.py)
    "keras224>keras224_hard_sigmoid": "hard_sigmoid_224({x})",
}
HELPER_FUNCTIONS = ("hard_sigmoid_keras3", "mish", "hard_sigmoid_224")  # defined in the module when used


def _activation(c: Call, key: str) -> str | None:
    """The activation's template (None: the identity), its helper functions registered on the call."""
    value = c.cfg.get(key, "linear")
    if isinstance(value, dict):  # a registered function: {"class_name": "function", "config": "pkg>name"}
        value = value.get("config") if isinstance(value.get("config"), str) else value.get("class_name")
    if str(value) not in ACTIVATIONS:
        raise GenError(f"activation {str(value)!r} of {c.cls} has no TensorFlow translation")
    template = ACTIVATIONS[str(value)]
    c.helpers.update(h for h in HELPER_FUNCTIONS if template and h + "(" in template)
    return template


def activate(c: Call, expr: str, key: str = "activation") -> str:
    template = _activation(c, key)
    return expr if template is None else template.format(x=expr)


def activation_fn(c: Call, key: str) -> str:
    """The activation as a function value (for the recurrent helpers)."""
    template = _activation(c, key)
    if template is None:
        return "tf.identity"
    if template.endswith("({x})") and template.count("{x}") == 1:
        return template[:-len("({x})")]
    return "lambda v: " + template.format(x="v")


def _batch_shape(shape, x: str) -> str:
    """[tf.shape(x)[0], d1, ...] with -1 for an unknown dimension (at most one)."""
    dims = [("-1" if d is None else str(d)) for d in shape[1:]]
    return "[" + ", ".join([f"tf.shape({x})[0]", *dims]) + "]"


def _channels_last(c: Call) -> None:
    if c.cfg.get("data_format", "channels_last") != "channels_last":
        raise GenError(f"{c.cls} with data_format={c.cfg['data_format']!r}: only channels_last is generated")


def _bias(c: Call, expr: str) -> str:
    b = c.w("bias") if c.cfg.get("use_bias", True) else None
    return f"{expr} + {b}" if b else expr


# ----- core -----
def dense(c: Call) -> str:
    rank = len(c.in_shapes[0])
    mm = f"tf.matmul({c.x}, {c.w('kernel')})" if rank == 2 else f"tf.tensordot({c.x}, {c.w('kernel')}, 1)"
    return activate(c, _bias(c, mm))


def identity(c: Call) -> str:
    return c.x


def flatten(c: Call) -> str:
    _channels_last(c)
    return f"tf.reshape({c.x}, {_batch_shape(c.out_shapes[0], c.x)})"


def reshape(c: Call) -> str:
    return f"tf.reshape({c.x}, {_batch_shape(c.out_shapes[0], c.x)})"


def permute(c: Call) -> str:
    return f"tf.transpose({c.x}, {[0, *c.cfg['dims']]})"


def repeat_vector(c: Call) -> str:
    return f"tf.tile(tf.expand_dims({c.x}, 1), [1, {c.cfg['n']}, 1])"


def activation(c: Call) -> str:
    return activate(c, c.x)


def leaky_relu(c: Call) -> str:
    slope = c.cfg.get("negative_slope", c.cfg.get("alpha", 0.3))
    return f"tf.nn.leaky_relu({c.x}, alpha={slope!r})"


def relu_layer(c: Call) -> str:
    cfg = c.cfg
    if cfg.get("negative_slope", 0.0) or cfg.get("threshold", 0.0):
        raise GenError("ReLU with negative_slope or threshold is not generated")
    return f"tf.nn.relu({c.x})" if cfg.get("max_value") is None else \
        f"tf.clip_by_value({c.x}, 0.0, {float(cfg['max_value'])!r})"


def elu_layer(c: Call) -> str:
    alpha = c.cfg.get("alpha", 1.0)
    return f"tf.nn.elu({c.x})" if alpha == 1.0 else f"tf.where({c.x} > 0, {c.x}, {alpha!r} * tf.math.expm1({c.x}))"


def prelu(c: Call) -> str:
    a = c.w("alpha")
    return f"tf.maximum({c.x}, 0.0) + {a} * tf.minimum({c.x}, 0.0)"


def softmax_layer(c: Call) -> str:
    return f"tf.nn.softmax({c.x}, axis={c.cfg.get('axis', -1)})"


# ----- convolution and pooling -----
def _strides(v, n):
    return list(v) if isinstance(v, (list, tuple)) else [v] * n


def conv(rank: int):
    def emit(c: Call) -> str:
        _channels_last(c)
        if c.cfg.get("groups", 1) != 1:
            raise GenError(f"{c.cls} with groups={c.cfg['groups']} is not generated")
        x, padding = c.x, c.cfg["padding"]
        if padding == "causal":
            left = c.cfg["dilation_rate"][0] * (c.cfg["kernel_size"][0] - 1)
            x, padding = f"tf.pad({x}, [[0, 0], [{left}, 0], [0, 0]])", "valid"
        expr = (f"tf.nn.convolution({x}, {c.w('kernel')}, strides={_strides(c.cfg['strides'], rank)}, "
                f"padding={padding.upper()!r}, dilations={_strides(c.cfg['dilation_rate'], rank)})")
        return activate(c, _bias(c, expr))
    return emit


def conv_transpose(rank: int):
    def emit(c: Call) -> str:
        _channels_last(c)
        out = c.out_shapes[0]
        if any(d is None for d in out[1:]):
            raise GenError(f"{c.cls} with an unknown output size {out} is not generated")
        op = {1: "tf.nn.conv1d_transpose", 2: "tf.nn.conv2d_transpose", 3: "tf.nn.conv3d_transpose"}[rank]
        shape = "[" + ", ".join([f"tf.shape({c.x})[0]", *map(str, out[1:])]) + "]"
        expr = (f"{op}({c.x}, {c.w('kernel')}, {shape}, strides={[1, *_strides(c.cfg['strides'], rank), 1]}, "
                f"padding={c.cfg['padding'].upper()!r}, dilations={[1, *_strides(c.cfg['dilation_rate'], rank), 1]})")
        return activate(c, _bias(c, expr))
    return emit


def separable_conv2d(c: Call) -> str:
    _channels_last(c)
    s = _strides(c.cfg["strides"], 2)
    expr = (f"tf.nn.separable_conv2d({c.x}, {c.w('depthwise_kernel')}, {c.w('pointwise_kernel')}, "
            f"strides={[1, *s, 1]}, padding={c.cfg['padding'].upper()!r}, "
            f"dilations={_strides(c.cfg['dilation_rate'], 2)})")
    return activate(c, _bias(c, expr))


def depthwise_conv2d(c: Call) -> str:
    _channels_last(c)
    s = _strides(c.cfg["strides"], 2)
    expr = (f"tf.nn.depthwise_conv2d({c.x}, {c.w('kernel')}, strides={[1, *s, 1]}, "
            f"padding={c.cfg['padding'].upper()!r}, dilations={_strides(c.cfg['dilation_rate'], 2)})")
    return activate(c, _bias(c, expr))


def pool(op: str, rank: int):
    def emit(c: Call) -> str:
        _channels_last(c)
        size = _strides(c.cfg["pool_size"], rank)
        strides = _strides(c.cfg["strides"] if c.cfg.get("strides") is not None else c.cfg["pool_size"], rank)
        return f"tf.nn.{op}({c.x}, {size}, {strides}, {c.cfg['padding'].upper()!r})"
    return emit


def global_pool(op: str, rank: int):
    def emit(c: Call) -> str:
        _channels_last(c)
        axes = list(range(1, rank + 1))
        return f"tf.reduce_{op}({c.x}, axis={axes}, keepdims={bool(c.cfg.get('keepdims', False))})"
    return emit


def upsampling1d(c: Call) -> str:
    return f"tf.repeat({c.x}, {c.cfg['size']}, axis=1)"


def upsampling2d(c: Call) -> str:
    _channels_last(c)
    sh, sw = _strides(c.cfg["size"], 2)
    if c.cfg.get("interpolation", "nearest") == "nearest":
        return f"tf.repeat(tf.repeat({c.x}, {sh}, axis=1), {sw}, axis=2)"
    if c.cfg["interpolation"] == "bilinear":
        h, w = c.out_shapes[0][1:3]
        return f"tf.image.resize({c.x}, [{h}, {w}], method='bilinear')"
    raise GenError(f"UpSampling2D interpolation={c.cfg['interpolation']!r} is not generated")


def zero_padding(rank: int):
    def emit(c: Call) -> str:
        _channels_last(c)
        pad = c.cfg["padding"]  # Keras 3 configs: (a, b) in 1-D, ((a, b), (c, d), ...) above
        pairs = [list(pad)] if rank == 1 else [list(p) for p in pad]
        return f"tf.pad({c.x}, {[[0, 0], *pairs, [0, 0]]})"
    return emit


def cropping(rank: int):
    def emit(c: Call) -> str:
        _channels_last(c)
        crop = c.cfg["cropping"]
        pairs = [list(crop)] if rank == 1 else [list(p) for p in crop]
        index = ", ".join([":"] + [f"{a}:{-b if b else ''}" for a, b in pairs] + ["..."])
        return f"{c.x}[{index}]"
    return emit


def batch_normalization(c: Call) -> str:
    axis = c.cfg["axis"]
    axis = axis[0] if isinstance(axis, list) and len(axis) == 1 else axis
    rank = len(c.in_shapes[0])
    if not isinstance(axis, int):
        raise GenError(f"BatchNormalization over axes {axis} is not generated")
    axis = axis % rank

    def param(name):
        w = c.w(name)
        if w is None or axis == rank - 1:
            return w
        shape = [1] * rank
        shape[axis] = -1
        return f"tf.reshape({w}, {shape})"

    inv = f"tf.math.rsqrt({param('moving_variance')} + {float(c.cfg['epsilon'])!r})"
    if c.w("gamma") is not None:
        inv = f"{inv} * {param('gamma')}"
    expr = f"({c.x} - {param('moving_mean')}) * {inv}"
    return f"{expr} + {param('beta')}" if c.w("beta") is not None else expr


def embedding(c: Call) -> str:
    return f"tf.gather({c.w('embeddings')}, tf.cast({c.x}, tf.int32))"


def masking(c: Call) -> str:
    """Masking: the masked steps (every feature == mask_value) become zeros (its mask is a graph op)."""
    keep = f"tf.reduce_any(tf.not_equal({c.x}, {float(c.cfg['mask_value'])!r}), axis=-1, keepdims=True)"
    return f"tf.where({keep}, {c.x}, tf.zeros_like({c.x}))"


# ----- merging -----
def merge(op: str):
    def emit(c: Call) -> str:
        if op == "add":
            return "tf.add_n([" + ", ".join(c.xs) + "])"
        if op == "subtract":
            return f"{c.xs[0]} - {c.xs[1]}"
        if op == "average":
            return "tf.add_n([" + ", ".join(c.xs) + f"]) / {float(len(c.xs))!r}"
        expr = c.xs[0]
        for x in c.xs[1:]:
            expr = {"multiply": f"{expr} * {x}", "maximum": f"tf.maximum({expr}, {x})",
                    "minimum": f"tf.minimum({expr}, {x})"}[op]
        return expr
    return emit


def concatenate(c: Call) -> str:
    return "tf.concat([" + ", ".join(c.xs) + f"], axis={c.cfg.get('axis', -1)})"


def dot(c: Call) -> str:
    axes = c.cfg["axes"]
    axes = axes if isinstance(axes, (list, tuple)) else [axes, axes]
    ranks = {len(s) for s in c.in_shapes[:2]}
    if ranks not in ({2}, {3}):
        raise GenError(f"Dot over inputs of shapes {c.in_shapes}: only two 2-D or two 3-D inputs are generated")
    a, b = c.xs
    if c.cfg.get("normalize"):
        a, b = (f"tf.math.l2_normalize({a}, axis={axes[0]})", f"tf.math.l2_normalize({b}, axis={axes[1]})")
    rank = len(c.in_shapes[0])
    ax = [x % rank for x in axes]
    if rank == 2:
        return f"tf.reduce_sum({a} * {b}, axis=1, keepdims=True)"
    return f"tf.linalg.matmul({a}, {b}, transpose_a={ax[0] == 1}, transpose_b={ax[1] == 2})"


# ----- recurrent -----
RNN_HELPERS = {"LSTM": "run_lstm", "GRU": "run_gru", "SimpleRNN": "run_simple_rnn"}


def _rnn_call(c: Call, cls: str, cfg: dict, x: str, weights, initial_state: str | None = None,
              zero_output_for_mask: bool = False) -> str:
    """The helper call of one recurrent layer: (output, *states), as Keras returns them with return_state;
    the mask the layer receives (Call.kwargs["mask"]) skips steps as Keras' rnn does."""
    if cfg.get("stateful"):
        raise GenError(f"{cls}(stateful=True) is not generated")
    helper = RNN_HELPERS[cls]
    c.helpers |= {helper, "over_time", "time_major_matmul"}
    sub = Call(cls, cfg, [x], c.in_shapes, c.out_shapes, weights, c.helpers)
    bias = sub.w("bias") if cfg.get("use_bias", True) else None
    args = [x, sub.w("kernel"), sub.w("recurrent_kernel"), bias or "None", activation_fn(sub, "activation")]
    if cls != "SimpleRNN":
        args.append(activation_fn(sub, "recurrent_activation"))
    args.append(str(bool(cfg.get("return_sequences"))))
    args.append(f"go_backwards={bool(cfg.get('go_backwards'))}")
    if cls == "GRU":
        args.append(f"reset_after={bool(cfg.get('reset_after', True))}")
    if initial_state is not None:
        args.append(f"initial_state={initial_state}")
    if c.kwargs.get("mask"):
        args.append(f"mask={c.kwargs['mask']}")
        if zero_output_for_mask:
            args.append("zero_output_for_mask=True")
    return f"{helper}({', '.join(args)})"


def recurrent(c: Call) -> str:
    expr = _rnn_call(c, c.cls, c.cfg, c.x, c.weights, c.kwargs.get("initial_state"))
    return expr if c.cfg.get("return_state") else f"{expr}[0]"


def conv_lstm2d(c: Call) -> str:
    _channels_last(c)
    cfg = c.cfg
    if cfg.get("stateful"):
        raise GenError("ConvLSTM2D(stateful=True) is not generated")
    c.helpers |= {"run_conv_lstm2d", "over_time"}
    bias = c.w("bias") if cfg.get("use_bias", True) else None
    expr = (f"run_conv_lstm2d({c.x}, {c.w('kernel')}, {c.w('recurrent_kernel')}, {bias or 'None'}, "
            f"{activation_fn(c, 'activation')}, {activation_fn(c, 'recurrent_activation')}, "
            f"{bool(cfg.get('return_sequences'))}, strides={_strides(cfg['strides'], 2)}, "
            f"padding={cfg['padding'].upper()!r}, dilations={_strides(cfg['dilation_rate'], 2)}, "
            f"go_backwards={bool(cfg.get('go_backwards'))})")
    return expr if cfg.get("return_state") else f"{expr}[0]"


def bidirectional(c: Call) -> str:
    fwd, bwd = c.cfg["layer"], c.cfg.get("backward_layer")
    f_cls, f_cfg = fwd["class_name"], fwd["config"]
    b_cls, b_cfg = (bwd["class_name"], bwd["config"]) if bwd else (f_cls, dict(f_cfg, go_backwards=not f_cfg.get("go_backwards")))
    if f_cls not in RNN_HELPERS or b_cls not in RNN_HELPERS:
        raise GenError(f"Bidirectional({f_cls}) is not generated")
    if f_cfg.get("return_state"):
        raise GenError("Bidirectional(return_state=True) is not generated")
    half = len(c.weights) // 2
    # Keras 3's Bidirectional sets zero_output_for_mask = return_sequences (2.2.4's, migrated: False): the config
    f_expr = _rnn_call(c, f_cls, f_cfg, c.x, c.weights[:half], zero_output_for_mask=bool(
        f_cfg.get("zero_output_for_mask", f_cfg.get("return_sequences"))))
    b_expr = _rnn_call(c, b_cls, b_cfg, c.x, c.weights[half:], zero_output_for_mask=bool(
        b_cfg.get("zero_output_for_mask", b_cfg.get("return_sequences"))))
    f_out, b_out = f"{f_expr}[0]", f"{b_expr}[0]"
    if f_cfg.get("return_sequences"):
        b_out = f"tf.reverse({b_out}, [1])"
    mode = c.cfg.get("merge_mode", "concat")
    if mode == "concat":
        return f"tf.concat([{f_out}, {b_out}], axis=-1)"
    ops = {"sum": f"{f_out} + {b_out}", "mul": f"{f_out} * {b_out}", "ave": f"({f_out} + {b_out}) / 2.0"}
    if mode not in ops:
        raise GenError(f"Bidirectional(merge_mode={mode!r}) is not generated")
    return ops[mode]


def time_distributed(c: Call) -> str:
    inner = c.cfg["layer"]
    cls, cfg = inner["class_name"], inner["config"]
    if cls not in EMITTERS or cls in ("Bidirectional", "TimeDistributed"):
        raise GenError(f"TimeDistributed({cls}) is not generated")
    in_shape, out_shape = c.in_shapes[0], c.out_shapes[0]
    flat_in = [None, *in_shape[2:]]
    flat_out = [None, *out_shape[2:]]
    folded = f"tf.reshape({c.x}, [-1, {', '.join(str(-1 if d is None else d) for d in in_shape[2:])}])"
    sub = Call(cls, cfg, [folded], [flat_in], [flat_out], c.weights, c.helpers)
    body = EMITTERS[cls](sub)
    dims = ", ".join(str(-1 if d is None else d) for d in out_shape[2:])
    return f"tf.reshape({body}, [tf.shape({c.x})[0], tf.shape({c.x})[1], {dims}])"


EMITTERS = {
    "Dense": dense, "Activation": activation, "Flatten": flatten, "Reshape": reshape, "Permute": permute,
    "RepeatVector": repeat_vector, "LeakyReLU": leaky_relu, "ReLU": relu_layer, "ELU": elu_layer, "PReLU": prelu,
    "Softmax": softmax_layer,
    **{name: identity for name in ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                                   "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization")},
    "Conv1D": conv(1), "Conv2D": conv(2), "Conv3D": conv(3),
    "Conv1DTranspose": conv_transpose(1), "Conv2DTranspose": conv_transpose(2), "Conv3DTranspose": conv_transpose(3),
    "SeparableConv2D": separable_conv2d, "DepthwiseConv2D": depthwise_conv2d,
    **{f"{kind}Pooling{r}D": pool(op, r) for kind, op in (("Max", "max_pool"), ("Average", "avg_pool"))
       for r in (1, 2, 3)},
    **{f"Global{kind}Pooling{r}D": global_pool(op, r) for kind, op in (("Max", "max"), ("Average", "mean"))
       for r in (1, 2, 3)},
    "UpSampling1D": upsampling1d, "UpSampling2D": upsampling2d,
    "ZeroPadding1D": zero_padding(1), "ZeroPadding2D": zero_padding(2), "ZeroPadding3D": zero_padding(3),
    "Cropping1D": cropping(1), "Cropping2D": cropping(2), "Cropping3D": cropping(3),
    "BatchNormalization": batch_normalization, "Embedding": embedding, "Masking": masking,
    "Add": merge("add"), "Subtract": merge("subtract"), "Multiply": merge("multiply"), "Average": merge("average"),
    "Maximum": merge("maximum"), "Minimum": merge("minimum"), "Concatenate": concatenate, "Dot": dot,
    "LSTM": recurrent, "GRU": recurrent, "SimpleRNN": recurrent, "Bidirectional": bidirectional,
    "ConvLSTM2D": conv_lstm2d,
    "TimeDistributed": time_distributed,
}
# the tensor keyword arguments a layer's emitter takes
TENSOR_KWARGS = {"LSTM": {"initial_state"}, "GRU": {"initial_state"}, "SimpleRNN": {"initial_state"}}
# layers whose computation reads the mask they receive (Call.kwargs["mask"]: the graph computes it with
# keras.ops nodes from an Embedding(mask_zero=True) or a Masking, as Keras 3's compute_mask does)
MASK_CONSUMERS = {"LSTM", "GRU", "SimpleRNN", "Bidirectional"}
