"""Per-layer knowledge for `kfn-gen generate tf-function`: signatures, weights, shapes, TF expressions.

Every supported Keras 2.2.4 layer class has a `Spec`: its positional parameters and defaults (so
`Dense(64)` binds `units=64` exactly as 2.2.4 did), the weights the migrated Keras 3 layer owns
(in `get_weights()` order, with shapes), its output shapes, and one TensorFlow expression per call.
Semantics are Keras 2.2.4's (hard_sigmoid = clip(0.2x + 0.5, 0, 1), GRU reset_after=False), which
is what the migrated Keras 3 model computes.  Pure data and string building: no TensorFlow here.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from kfn_gen.render.tf_helpers import HELPERS  # noqa: F401 - re-exported to tfgen

Shape = tuple  # (None, d1, d2, ...): batch first, None where unknown

# Keras 2.2.4 activation name -> (function reference, helper it needs).  'linear' is the identity.
ACTIVATIONS: dict[str, tuple[str, str | None]] = {
    "linear": ("tf.identity", None),
    "relu": ("tf.nn.relu", None),
    "softmax": ("tf.nn.softmax", None),
    "sigmoid": ("tf.sigmoid", None),
    "tanh": ("tf.tanh", None),
    "elu": ("tf.nn.elu", None),
    "selu": ("tf.nn.selu", None),
    "softplus": ("tf.nn.softplus", None),
    "softsign": ("tf.nn.softsign", None),
    "exponential": ("tf.exp", None),
    "hard_sigmoid": ("hard_sigmoid_224", "hard_sigmoid_224"),
}

DTYPES = {"float32": "tf.float32", "float64": "tf.float64", "float16": "tf.float16", "int32": "tf.int32",
          "int64": "tf.int64", "int8": "tf.int8", "uint8": "tf.uint8", "int16": "tf.int16", "bool": "tf.bool"}

# Arguments that never change what a layer computes at inference (or are handled elsewhere).
INERT = {"name", "trainable", "input_shape", "batch_input_shape", "batch_size", "input_dim", "input_length",
         "dtype", "weights", "kernel_initializer", "bias_initializer", "recurrent_initializer",
         "embeddings_initializer", "kernel_regularizer", "bias_regularizer", "recurrent_regularizer",
         "activity_regularizer", "embeddings_regularizer", "kernel_constraint", "bias_constraint",
         "recurrent_constraint", "embeddings_constraint", "unit_forget_bias", "dropout", "recurrent_dropout",
         "implementation", "unroll", "seed", "noise_shape", "beta_initializer", "gamma_initializer",
         "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
         "beta_constraint", "gamma_constraint", "momentum", "rate", "stddev"}


class GenError(Exception):
    """A layer (or argument) the generator cannot turn into TensorFlow code; message names it."""


@dataclass(frozen=True)
class NonLiteral:
    source: str


class Config(dict):
    """A layer's bound arguments; reading a non-literal one is an error naming the layer and line."""

    def __init__(self, what: str, values: dict):
        super().__init__(values)
        self.what = what

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if isinstance(value, NonLiteral):
            raise GenError(f"{self.what}: argument {key}={value.source} is not a literal; "
                           "kfn-gen generates code from literal layer arguments only")
        return value

    def get(self, key, default=None):
        return self[key] if key in self else default


@dataclass
class Emit:
    """What a layer's call turns into."""

    expr: str  # one TF expression (a tuple expression when the node has several outputs)
    helpers: tuple[str, ...] = ()


@dataclass
class Spec:
    params: tuple[str, ...]  # Keras 2.2.4 positional parameter order
    defaults: dict[str, Any]
    weights: Callable[[Config, list[Shape]], list[tuple[str, Shape]]]
    shape: Callable[[Config, list[Shape]], list[Shape]]
    emit: Callable[["Call"], Emit]
    check: Callable[[Config], str | None] = lambda cfg: None
    n_inputs: int | None = 1  # None: a list of inputs (merge layers)


@dataclass
class Call:
    """One node to emit: bound config, input expressions/shapes, weight attribute names."""

    cfg: Config
    xs: list[str]
    in_shapes: list[Shape]
    out_shapes: list[Shape]
    w: dict[str, str] = field(default_factory=dict)  # weight name -> 'self.attr'
    input_dtypes: list[str] = field(default_factory=list)

    @property
    def x(self) -> str:
        return self.xs[0]

    @property
    def in_shape(self) -> Shape:
        return self.in_shapes[0]


# ----- shape arithmetic (keras.utils.conv_utils) -----
def _tuple(v, n: int) -> tuple:
    if isinstance(v, int):
        return (v,) * n
    return tuple(v)


def conv_length(n, k: int, padding: str, stride: int, dilation: int = 1):
    if n is None:
        return None
    dk = k + (k - 1) * (dilation - 1)
    if padding == "same":
        out = n
    elif padding == "valid":
        out = n - dk + 1
    elif padding == "full":
        out = n + dk - 1
    else:
        raise GenError(f"unknown padding {padding!r}")
    return (out + stride - 1) // stride


def activation_ref(cfg: Config, key: str = "activation") -> tuple[str, str | None]:
    name = cfg[key]
    if name is None:
        name = "linear"
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise GenError(f"{cfg.what}: activation {name!r} has no tf-function template "
                       f"(known: {', '.join(sorted(ACTIVATIONS))})")
    return ACTIVATIONS[name]


def apply_activation(cfg: Config, expr: str, key: str = "activation") -> Emit:
    ref, helper = activation_ref(cfg, key)
    if ref == "tf.identity":
        return Emit(expr)
    return Emit(f"{ref}({expr})", (helper,) if helper else ())


# ----- Dense -----
def _dense_weights(cfg, shapes):
    w = [("kernel", (shapes[0][-1], cfg["units"]))]
    if cfg["use_bias"]:
        w.append(("bias", (cfg["units"],)))
    return w


def _dense_emit(c: Call) -> Emit:
    if len(c.in_shape) == 2:
        expr = f"tf.matmul({c.x}, {c.w['kernel']})"
    else:  # Dense on the last axis of a (batch, ..., features) tensor
        expr = f"tf.tensordot({c.x}, {c.w['kernel']}, 1)"
    if c.cfg["use_bias"]:
        expr += f" + {c.w['bias']}"
    return apply_activation(c.cfg, expr)


# ----- Conv2D / Conv1D -----
def _channels_last(cfg: Config) -> str | None:
    fmt = cfg.get("data_format")
    if fmt not in (None, "channels_last"):
        return f"{cfg.what}: data_format={fmt!r} has no tf-function template (channels_last only)"
    return None


def _conv_weights(rank):
    def weights(cfg, shapes):
        k = _tuple(cfg["kernel_size"], rank)
        w = [("kernel", (*k, shapes[0][-1], cfg["filters"]))]
        if cfg["use_bias"]:
            w.append(("bias", (cfg["filters"],)))
        return w
    return weights


def _conv_shape(rank):
    def shape(cfg, shapes):
        s = shapes[0]
        k, st, d = _tuple(cfg["kernel_size"], rank), _tuple(cfg["strides"], rank), _tuple(cfg["dilation_rate"], rank)
        dims = tuple(conv_length(s[1 + i], k[i], cfg["padding"], st[i], d[i]) for i in range(rank))
        return [(s[0], *dims, cfg["filters"])]
    return shape


def _conv_check(cfg):
    if cfg["padding"] not in ("same", "valid"):
        return f"{cfg.what}: padding={cfg['padding']!r} has no tf-function template (same/valid only)"
    return _channels_last(cfg)


def _conv2d_emit(c: Call) -> Emit:
    st = list(_tuple(c.cfg["strides"], 2))
    d = list(_tuple(c.cfg["dilation_rate"], 2))
    extra = f", dilations={d}" if d != [1, 1] else ""
    expr = f"tf.nn.conv2d({c.x}, {c.w['kernel']}, strides={st}, padding={c.cfg['padding'].upper()!r}{extra})"
    if c.cfg["use_bias"]:
        expr = f"tf.nn.bias_add({expr}, {c.w['bias']})"
    return apply_activation(c.cfg, expr)


def _conv1d_emit(c: Call) -> Emit:
    st = _tuple(c.cfg["strides"], 1)[0]
    d = _tuple(c.cfg["dilation_rate"], 1)[0]
    extra = f", dilations={d}" if d != 1 else ""
    expr = f"tf.nn.conv1d({c.x}, {c.w['kernel']}, stride={st}, padding={c.cfg['padding'].upper()!r}{extra})"
    if c.cfg["use_bias"]:
        expr = f"tf.nn.bias_add({expr}, {c.w['bias']})"
    return apply_activation(c.cfg, expr)


# ----- pooling -----
def _pool_shape(rank):
    def shape(cfg, shapes):
        s = shapes[0]
        p = _tuple(cfg["pool_size"], rank)
        st = _tuple(cfg["strides"] if cfg["strides"] is not None else cfg["pool_size"], rank)
        dims = tuple(conv_length(s[1 + i], p[i], cfg["padding"], st[i]) for i in range(rank))
        return [(s[0], *dims, s[-1])]
    return shape


def _pool_emit(op: str, rank: int):
    def emit(c: Call) -> Emit:
        p = list(_tuple(c.cfg["pool_size"], rank))
        st = list(_tuple(c.cfg["strides"] if c.cfg["strides"] is not None else c.cfg["pool_size"], rank))
        if rank == 1:
            p, st = p[0], st[0]
        return Emit(f"tf.nn.{op}({c.x}, ksize={p}, strides={st}, padding={c.cfg['padding'].upper()!r})")
    return emit


def _pool_check(cfg):
    if cfg["padding"] not in ("same", "valid"):
        return f"{cfg.what}: padding={cfg['padding']!r} has no tf-function template"
    return _channels_last(cfg)


def _global_pool(op: str, rank: int):
    axes = list(range(1, rank + 1))
    return Spec((), {"data_format": None}, _no_weights, lambda cfg, s: [(s[0][0], s[0][-1])],
                lambda c: Emit(f"tf.{op}({c.x}, axis={axes})"), _channels_last)


# ----- shape-only layers -----
def _prod(dims) -> int | None:
    out = 1
    for d in dims:
        if d is None:
            return None
        out *= d
    return out


def _flatten_shape(cfg, shapes):
    return [(shapes[0][0], _prod(shapes[0][1:]))]


def _flatten_emit(c: Call) -> Emit:
    n = c.out_shapes[0][1]
    if n is None:
        return Emit(f"tf.reshape({c.x}, [tf.shape({c.x})[0], -1])")
    return Emit(f"tf.reshape({c.x}, [-1, {n}])")


def _reshape_shape(cfg, shapes):
    target = tuple(cfg["target_shape"])
    if -1 in target:
        known = _prod(d for d in target if d != -1)
        total = _prod(shapes[0][1:])
        target = tuple((total // known if total is not None and known else None) if d == -1 else d for d in target)
    return [(shapes[0][0], *target)]


def _reshape_emit(c: Call) -> Emit:
    return Emit(f"tf.reshape({c.x}, [-1, {', '.join(str(d) for d in c.cfg['target_shape'])}])")


def _identity(c: Call) -> Emit:
    return Emit(c.x)


def _no_weights(cfg, shapes):
    return []


def _same_shape(cfg, shapes):
    return [shapes[0]]


# ----- Embedding -----
def _embedding_check(cfg):
    if cfg["mask_zero"]:
        return f"{cfg.what}: mask_zero=True has no tf-function template (masks are not generated)"
    return None


def _embedding_emit(c: Call) -> Emit:
    ids = c.x
    if c.input_dtypes and c.input_dtypes[0] not in ("int32", "int64"):
        ids = f"tf.cast({c.x}, tf.int32)"
    return Emit(f"tf.gather({c.w['embeddings']}, {ids})")


# ----- recurrent -----
RNN_FLAGS = ("return_sequences", "return_state", "go_backwards", "stateful")


def _rnn_check(cfg):
    if cfg["stateful"]:
        return f"{cfg.what}: stateful=True has no tf-function template"
    return None


def _rnn_weights(gates: int):
    def weights(cfg, shapes):
        u = cfg["units"]
        w = [("kernel", (shapes[0][-1], gates * u)), ("recurrent_kernel", (u, gates * u))]
        if cfg["use_bias"]:
            w.append(("bias", (2, gates * u) if cfg.get("reset_after") else (gates * u,)))
        return w
    return weights


def _rnn_shape(n_states: int):
    def shape(cfg, shapes):
        s = shapes[0]
        u = cfg["units"]
        out = (s[0], s[1], u) if cfg["return_sequences"] else (s[0], u)
        if cfg["return_state"]:
            return [out] + [(s[0], u)] * n_states
        return [out]
    return shape


def _rnn_emit(helper: str, recurrent: bool, extra: tuple[str, ...] = ()):
    def emit(c: Call) -> Emit:
        act, h1 = activation_ref(c.cfg)
        args = [c.x, c.w["kernel"], c.w["recurrent_kernel"], c.w["bias"] if c.cfg["use_bias"] else "None", act]
        helpers = ["time_major_matmul", "over_time", helper] + ([h1] if h1 else [])
        if recurrent:
            ract, h2 = activation_ref(c.cfg, "recurrent_activation")
            args.append(ract)
            helpers += [h2] if h2 else []
        args.append(f"return_sequences={c.cfg['return_sequences']}")
        if c.cfg["go_backwards"]:
            args.append("go_backwards=True")
        for key in extra:
            if c.cfg.get(key):
                args.append(f"{key}=True")
        call = f"{helper}({', '.join(args)})"
        if c.cfg["return_state"]:
            return Emit(call, tuple(helpers))
        return Emit(f"{call}[0]", tuple(helpers))
    return emit


RNN_DEFAULTS = {"activation": "tanh", "use_bias": True, "return_sequences": False, "return_state": False,
                "go_backwards": False, "stateful": False}


# ----- merge -----
def _concat_shape(cfg, shapes):
    axis = cfg["axis"]
    rank = len(shapes[0])
    ax = axis % rank
    dims = [s[ax] for s in shapes]
    total = None if any(d is None for d in dims) else sum(dims)
    out = list(shapes[0])
    out[ax] = total
    return [tuple(out)]


def _concat_emit(c: Call) -> Emit:
    return Emit(f"tf.concat([{', '.join(c.xs)}], axis={c.cfg['axis']})")


def _merge(op: str):
    def emit(c: Call) -> Emit:
        if op in ("+", "*"):
            return Emit(f" {op} ".join(c.xs))
        if op == "-":
            return Emit(f"{c.xs[0]} - {c.xs[1]}")
        if op == "mean":
            return Emit(f"({' + '.join(c.xs)}) / {len(c.xs)}")
        expr = c.xs[0]
        for x in c.xs[1:]:
            expr = f"tf.{op}({expr}, {x})"
        return Emit(expr)
    return Spec((), {}, _no_weights, _same_shape, emit, n_inputs=None)


# ----- normalization -----
def _bn_weights(cfg, shapes):
    n = (shapes[0][cfg["axis"]],)
    w = []
    if cfg["scale"]:
        w.append(("gamma", n))
    if cfg["center"]:
        w.append(("beta", n))
    return w + [("moving_mean", n), ("moving_variance", n)]


def _bn_check(cfg):
    if cfg["axis"] not in (-1,):
        return f"{cfg.what}: axis={cfg['axis']!r} has no tf-function template (axis=-1 only)"
    return None


def _bn_emit(c: Call) -> Emit:
    scale = c.w.get("gamma", "None")
    offset = c.w.get("beta", "None")
    return Emit(f"tf.nn.batch_normalization({c.x}, {c.w['moving_mean']}, {c.w['moving_variance']}, "
                f"{offset}, {scale}, {c.cfg['epsilon']})")


def _zero_pad_emit(c: Call) -> Emit:
    p = c.cfg["padding"]
    if isinstance(p, int):
        p = ((p, p), (p, p))
    elif isinstance(p[0], int):
        p = ((p[0], p[0]), (p[1], p[1]))
    pads = [[0, 0], list(p[0]), list(p[1]), [0, 0]]
    return Emit(f"tf.pad({c.x}, {pads})")


def _zero_pad_shape(cfg, shapes):
    p = cfg["padding"]
    if isinstance(p, int):
        p = ((p, p), (p, p))
    elif isinstance(p[0], int):
        p = ((p[0], p[0]), (p[1], p[1]))
    s = shapes[0]
    h = None if s[1] is None else s[1] + sum(p[0])
    w = None if s[2] is None else s[2] + sum(p[1])
    return [(s[0], h, w, s[3])]


SPECS: dict[str, Spec] = {
    "Dense": Spec(("units", "activation", "use_bias"), {"activation": None, "use_bias": True},
                  _dense_weights, lambda cfg, s: [(*s[0][:-1], cfg["units"])], _dense_emit),
    "Conv2D": Spec(("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
                    "use_bias"),
                   {"strides": (1, 1), "padding": "valid", "data_format": None, "dilation_rate": (1, 1),
                    "activation": None, "use_bias": True},
                   _conv_weights(2), _conv_shape(2), _conv2d_emit, _conv_check),
    "Conv1D": Spec(("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
                    "use_bias"),
                   {"strides": 1, "padding": "valid", "data_format": "channels_last", "dilation_rate": 1,
                    "activation": None, "use_bias": True},
                   _conv_weights(1), _conv_shape(1), _conv1d_emit, _conv_check),
    "MaxPooling2D": Spec(("pool_size", "strides", "padding", "data_format"),
                         {"pool_size": (2, 2), "strides": None, "padding": "valid", "data_format": None},
                         _no_weights, _pool_shape(2), _pool_emit("max_pool2d", 2), _pool_check),
    "AveragePooling2D": Spec(("pool_size", "strides", "padding", "data_format"),
                             {"pool_size": (2, 2), "strides": None, "padding": "valid", "data_format": None},
                             _no_weights, _pool_shape(2), _pool_emit("avg_pool2d", 2), _pool_check),
    "MaxPooling1D": Spec(("pool_size", "strides", "padding", "data_format"),
                         {"pool_size": 2, "strides": None, "padding": "valid", "data_format": "channels_last"},
                         _no_weights, _pool_shape(1), _pool_emit("max_pool1d", 1), _pool_check),
    "AveragePooling1D": Spec(("pool_size", "strides", "padding", "data_format"),
                             {"pool_size": 2, "strides": None, "padding": "valid", "data_format": "channels_last"},
                             _no_weights, _pool_shape(1), _pool_emit("avg_pool1d", 1), _pool_check),
    "GlobalAveragePooling2D": _global_pool("reduce_mean", 2),
    "GlobalMaxPooling2D": _global_pool("reduce_max", 2),
    "GlobalAveragePooling1D": _global_pool("reduce_mean", 1),
    "GlobalMaxPooling1D": _global_pool("reduce_max", 1),
    "Flatten": Spec(("data_format",), {"data_format": None}, _no_weights, _flatten_shape, _flatten_emit,
                    _channels_last),
    "Reshape": Spec(("target_shape",), {}, _no_weights, _reshape_shape, _reshape_emit),
    "Dropout": Spec(("rate", "noise_shape", "seed"), {}, _no_weights, _same_shape, _identity),
    "SpatialDropout1D": Spec(("rate",), {}, _no_weights, _same_shape, _identity),
    "SpatialDropout2D": Spec(("rate", "data_format"), {}, _no_weights, _same_shape, _identity),
    "GaussianNoise": Spec(("stddev",), {}, _no_weights, _same_shape, _identity),
    "GaussianDropout": Spec(("rate",), {}, _no_weights, _same_shape, _identity),
    "AlphaDropout": Spec(("rate", "noise_shape", "seed"), {}, _no_weights, _same_shape, _identity),
    "Activation": Spec(("activation",), {}, _no_weights, _same_shape, lambda c: apply_activation(c.cfg, c.x)),
    "LeakyReLU": Spec(("alpha",), {"alpha": 0.3}, _no_weights, _same_shape,
                      lambda c: Emit(f"tf.nn.leaky_relu({c.x}, alpha={c.cfg['alpha']})")),
    "Embedding": Spec(("input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
                       "activity_regularizer", "embeddings_constraint", "mask_zero", "input_length"),
                      {"mask_zero": False},
                      lambda cfg, s: [("embeddings", (cfg["input_dim"], cfg["output_dim"]))],
                      lambda cfg, s: [(*s[0], cfg["output_dim"])], _embedding_emit, _embedding_check),
    "LSTM": Spec(("units", "activation", "recurrent_activation", "use_bias"), {**RNN_DEFAULTS, "recurrent_activation": "hard_sigmoid"},
                 _rnn_weights(4), _rnn_shape(2), _rnn_emit("run_lstm", True), _rnn_check),
    "GRU": Spec(("units", "activation", "recurrent_activation", "use_bias"), {**RNN_DEFAULTS, "recurrent_activation": "hard_sigmoid", "reset_after": False},
                _rnn_weights(3), _rnn_shape(1), _rnn_emit("run_gru", True, ("reset_after",)), _rnn_check),
    "SimpleRNN": Spec(("units", "activation", "use_bias"), dict(RNN_DEFAULTS), _rnn_weights(1), _rnn_shape(1),
                      _rnn_emit("run_simple_rnn", False), _rnn_check),
    "Concatenate": Spec(("axis",), {"axis": -1}, _no_weights, _concat_shape, _concat_emit, n_inputs=None),
    "Add": _merge("+"),
    "Subtract": _merge("-"),
    "Multiply": _merge("*"),
    "Average": _merge("mean"),
    "Maximum": _merge("maximum"),
    "Minimum": _merge("minimum"),
    "BatchNormalization": Spec(("axis", "momentum", "epsilon", "center", "scale"),
                               {"axis": -1, "epsilon": 1e-3, "center": True, "scale": True},
                               _bn_weights, _same_shape, _bn_emit, _bn_check),
    "ZeroPadding2D": Spec(("padding", "data_format"), {"padding": (1, 1), "data_format": None}, _no_weights,
                          _zero_pad_shape, _zero_pad_emit, _channels_last),
    "RepeatVector": Spec(("n",), {}, _no_weights, lambda cfg, s: [(s[0][0], cfg["n"], s[0][1])],
                         lambda c: Emit(f"tf.repeat(tf.expand_dims({c.x}, 1), {c.cfg['n']}, axis=1)")),
    "Permute": Spec(("dims",), {}, _no_weights,
                    lambda cfg, s: [(s[0][0], *(s[0][d] for d in cfg["dims"]))],
                    lambda c: Emit(f"tf.transpose({c.x}, [0, {', '.join(str(d) for d in c.cfg['dims'])}])")),
}

IDENTITY_LAYERS = {name for name, spec in SPECS.items() if spec.emit is _identity}


def snake(name: str) -> str:
    """Keras' auto-name for a class: 'MaxPooling2D' -> 'max_pooling2d', 'LSTM' -> 'lstm'."""
    s = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", s).lower()


def is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def flops(name: str, cfg: Config, in_shapes: list[Shape], out_shapes: list[Shape]) -> int:
    """Multiply-add FLOPs (2 per MAC) of one call for ONE sample; matmuls and convolutions only."""
    def prod(dims):
        out = 1
        for d in dims:
            out *= d if d is not None else 1
        return out

    s, o = in_shapes[0], out_shapes[0]
    if name == "Dense":
        return 2 * prod(o[1:-1]) * s[-1] * cfg["units"]
    if name in ("Conv2D", "Conv1D"):
        k = _tuple(cfg["kernel_size"], len(s) - 2)
        return 2 * prod(o[1:-1]) * prod(k) * s[-1] * cfg["filters"]
    gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}.get(name)
    if gates:
        u = cfg["units"]
        return 2 * (s[1] or 1) * gates * u * (s[-1] + u)
    return 0
