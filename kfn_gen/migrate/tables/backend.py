"""Keras 2.2.4 backend (`K.*`) -> Keras 3, as data (used by migrate/rules/backend_ops.py).

Every entry was read from genuine 2.2.4 `keras/backend/tensorflow_backend.py` (signature, defaults,
what it computes); tests/package/test_tables_live.py checks every Keras 3 target and keyword against the live
Keras 3 API, and that an entry without `keywords=True` lines up positionally with its target.
tests/numeric/test_backend_ops_numeric.py runs the mappings under both Keras versions and compares numbers.

Three kinds of mapping:

* BACKEND_OPS: a call of a Keras 3 function, the call's own arguments kept (renamed where the
  keyword differs), 2.2.4 defaults written out where Keras 3's differ.
* BACKEND_TEMPLATES: an expression built from the bound arguments (`{x}` as written, `{x_}`
  parenthesized when needed inside an operator or before `.attr`).
* BACKEND_HELPERS: a function with 2.2.4's semantics emitted once into the migrated script.

Anything else in BACKEND_NO_EQUIVALENT (and any other backend name) is reported, line and column,
for a hand migration; tables/backend.py: BACKEND_MANUAL holds the TF1-session idioms.
"""
from __future__ import annotations

from typing import NamedTuple

from kfn_gen.keras224.semantics import hard_sigmoid_code


class BackendOp(NamedTuple):
    target: str                     # Keras 3 dotted name
    params: tuple                   # 2.2.4 signature, positional order
    renames: dict = {}              # 2.2.4 keyword -> Keras 3 keyword
    defaults: dict = {}             # 2.2.4 param -> code to write when the call leaves it out
    keywords: bool = False          # Keras 3's positional order differs: write every argument as keyword
    drop: tuple = ()                # 2.2.4 params without a Keras 3 counterpart and without numeric effect


def _op(target, params, **kw):
    return BackendOp(target, tuple(params.split()), **kw)


_X = {"x": "x1", "y": "x2"}
_INPUTS = {"x": "inputs"}

BACKEND_OPS = {
    # reductions: (x, axis=None, keepdims=False) in both
    **{fn: _op(f"keras.ops.{fn}", "x axis keepdims") for fn in ("max", "min", "sum", "prod", "var", "std", "mean",
                                                                 "any", "all", "logsumexp")},
    "argmax": _op("keras.ops.argmax", "x axis", defaults={"axis": "-1"}),
    "argmin": _op("keras.ops.argmin", "x axis", defaults={"axis": "-1"}),
    "cumsum": _op("keras.ops.cumsum", "x axis", defaults={"axis": "0"}),     # Keras 3: None = flattened
    "cumprod": _op("keras.ops.cumprod", "x axis", defaults={"axis": "0"}),
    # elementwise
    **{fn: _op(f"keras.ops.{fn}", "x") for fn in ("square", "abs", "exp", "log", "round", "sign", "sin", "cos",
                                                  "tanh", "sigmoid", "softplus", "softsign")},
    "pow": _op("keras.ops.power", "x a", renames={"x": "x1", "a": "x2"}),
    "clip": _op("keras.ops.clip", "x min_value max_value", renames={"min_value": "x_min", "max_value": "x_max"}),
    **{fn: _op(f"keras.ops.{fn}", "x y", renames=_X) for fn in ("equal", "not_equal", "greater", "greater_equal",
                                                               "less", "less_equal", "maximum", "minimum")},
    # activations
    "softmax": _op("keras.ops.softmax", "x axis", defaults={"axis": "-1"}),
    "relu": _op("keras.activations.relu", "x alpha max_value threshold", renames={"alpha": "negative_slope"}),
    "elu": _op("keras.activations.elu", "x alpha"),
    # shapes and layout
    "concatenate": _op("keras.ops.concatenate", "tensors axis", renames={"tensors": "xs"},
                       defaults={"axis": "-1"}),
    "stack": _op("keras.ops.stack", "x axis"),
    "expand_dims": _op("keras.ops.expand_dims", "x axis", defaults={"axis": "-1"}),
    "squeeze": _op("keras.ops.squeeze", "x axis"),
    "reshape": _op("keras.ops.reshape", "x shape", renames={"shape": "newshape"}),
    "permute_dimensions": _op("keras.ops.transpose", "x pattern", renames={"pattern": "axes"}),
    "transpose": _op("keras.ops.transpose", "x"),
    "tile": _op("keras.ops.tile", "x n", renames={"n": "repeats"}),
    "repeat_elements": _op("keras.ops.repeat", "x rep axis", renames={"rep": "repeats"}),
    "reverse": _op("keras.ops.flip", "x axes", renames={"axes": "axis"}),
    "slice": _op("keras.ops.slice", "x start size", renames={"x": "inputs", "start": "start_indices",
                                                              "size": "shape"}),
    "one_hot": _op("keras.ops.one_hot", "indices num_classes", renames={"indices": "x"}),
    "arange": _op("keras.ops.arange", "start stop step dtype", defaults={"dtype": "'int32'"}),
    "cast": _op("keras.ops.cast", "x dtype"),
    "gather": _op("keras.ops.take", "reference indices", renames={"reference": "x"},
                  defaults={"axis": "0"}),      # tf.nn.embedding_lookup: rows; Keras 3 axis=None flattens
    "stop_gradient": _op("keras.ops.stop_gradient", "variables", renames={"variables": "variable"}),
    "zeros": _op("keras.ops.zeros", "shape dtype name", drop=("name",)),
    "ones": _op("keras.ops.ones", "shape dtype name", drop=("name",)),
    "eye": _op("keras.ops.eye", "size dtype name", renames={"size": "N"}, drop=("name",), keywords=True),
    "zeros_like": _op("keras.ops.zeros_like", "x dtype name", drop=("name",)),
    "ones_like": _op("keras.ops.ones_like", "x dtype name", drop=("name",)),
    "identity": _op("keras.ops.copy", "x name", drop=("name",)),   # keras.ops.identity is the identity MATRIX
    "is_tensor": _op("keras.ops.is_tensor", "x"),
    # linear algebra
    "dot": _op("keras.ops.dot", "x y", renames=_X),   # 2.2.4 reshapes to numpy.dot semantics, as Keras 3
    # losses: (target, output, from_logits=False[, axis=-1]) in both; epsilon 1e-7 clipping in both
    "categorical_crossentropy": _op("keras.ops.categorical_crossentropy", "target output from_logits axis"),
    "sparse_categorical_crossentropy": _op("keras.ops.sparse_categorical_crossentropy",
                                           "target output from_logits axis"),
    "binary_crossentropy": _op("keras.ops.binary_crossentropy", "target output from_logits"),
    # tf.nn.l2_normalize: x * rsqrt(max(sum(x**2), 1e-12)); Keras 3: x * min(rsqrt(sum), 1/epsilon)
    # 2.2.4 re-exported TensorFlow's (v1) name_scope; it names ops and weights only (no numeric effect)
    "name_scope": _op("keras.name_scope", "name values", drop=("values",)),
    "l2_normalize": _op("keras.ops.normalize", "x axis", defaults={"axis": "None", "epsilon": "1e-6"}),
    "in_top_k": _op("keras.ops.in_top_k", "predictions targets k", keywords=True),  # Keras 3: (targets, predictions, k)
    # convolutions: same arguments (x -> inputs); data_format=None means image_data_format() in both
    "conv1d": _op("keras.ops.conv", "x kernel strides padding data_format dilation_rate", renames=_INPUTS),
    "conv2d": _op("keras.ops.conv", "x kernel strides padding data_format dilation_rate", renames=_INPUTS),
    "conv3d": _op("keras.ops.conv", "x kernel strides padding data_format dilation_rate", renames=_INPUTS),
    "separable_conv2d": _op("keras.ops.separable_conv", "x depthwise_kernel pointwise_kernel strides padding "
                            "data_format dilation_rate", renames=_INPUTS),
    "depthwise_conv2d": _op("keras.ops.depthwise_conv", "x depthwise_kernel strides padding data_format "
                            "dilation_rate", renames={"x": "inputs", "depthwise_kernel": "kernel"}),
    # random: same distributions and arguments; a stream of numbers never equals another runtime's
    "random_normal": _op("keras.random.normal", "shape mean stddev dtype seed"),
    "random_uniform": _op("keras.random.uniform", "shape minval maxval dtype seed"),
    "truncated_normal": _op("keras.random.truncated_normal", "shape mean stddev dtype seed"),
}

# fn -> (2.2.4 params with their default code, or None when required, or DROP; template)
DROP = "<dropped>"
BACKEND_TEMPLATES = {
    # 2.2.4 clips to [0, inf) first: K.sqrt(-1e-9) == 0 where keras.ops.sqrt gives nan
    "sqrt": ((("x", None),), "keras.ops.sqrt(keras.ops.maximum({x}, 0.0))"),
    # 2.2.4: clip(0.2 * x + 0.5, 0, 1); Keras 3's hard_sigmoid is relu6(x + 3) / 6
    "hard_sigmoid": ((("x", None),), hard_sigmoid_code("{x_}", "keras.ops.clip")),
    # a tuple of ints / None (2.2.4 returned _keras_shape or get_shape().as_list())
    "int_shape": ((("x", None),), "tuple({x_}.shape)"),
    # 2.2.4: len(x.get_shape()._dims), a Python int; keras.ops.ndim(KerasTensor) is a KerasTensor, so
    # `assert K.ndim(x) == 3` (neural_style_transfer's gram_matrix) failed
    "ndim": ((("x", None),), "len({x_}.shape)"),
    "get_variable_shape": ((("x", None),), "tuple({x_}.shape)"),
    "dtype": ((("x", None),), "keras.backend.standardize_dtype({x_}.dtype)"),
    "flatten": ((("x", None),), "keras.ops.reshape({x}, (-1,))"),
    # tile(expand_dims(x, 1), [1, n, 1]) (2-D x)
    "repeat": ((("x", None), ("n", None)), "keras.ops.repeat(keras.ops.expand_dims({x}, 1), {n}, axis=1)"),
    "constant": ((("value", None), ("dtype", "keras.backend.floatx()"), ("shape", "None"), ("name", DROP)),
                 "keras.ops.convert_to_tensor({value}, dtype={dtype})"),
    # tf.placeholder(dtype or floatx, shape): fed only through K.function, so a Keras 3 symbolic input
    # of the same full shape (batch axis included) and dtype; ndim-only / sparse placeholders are not mapped
    "placeholder": ((("shape", None), ("ndim", "None"), ("dtype", "keras.backend.floatx()"), ("sparse", "False"),
                     ("name", DROP)), "keras.Input(batch_shape={shape}, dtype={dtype})"),
    "update": ((("x", None), ("new_x", None)), "{x_}.assign({new_x})"),
    "update_add": ((("x", None), ("increment", None)), "{x_}.assign_add({increment})"),
    "update_sub": ((("x", None), ("decrement", None)), "{x_}.assign_sub({decrement})"),
    # K.shape(x) is tf.shape(x), an int32 tensor; keras.ops.shape(x) a tuple (ints where static).
    # Subscripted, both give the same dimension; elsewhere BACKEND_HELPERS["shape"] packs it into a tensor.
    "shape": ((("x", None),), "keras.ops.shape({x})"),
}
TEMPLATE_SUBSCRIPTED = {"shape": "keras.ops.shape({x})"}   # K.shape(x)[i]: the template, not the helper
# a template that cannot express an argument value: (fn, param) -> value code it accepts
TEMPLATE_ONLY = {("constant", "shape"): "None", ("placeholder", "ndim"): "None", ("placeholder", "sparse"): "False"}

# fn -> (helper name, code with {name} for the helper's name; it uses `keras.`)
BACKEND_HELPERS = {
    # 2.2.4's K.shape is tf.shape(x): an int32 tensor computed when the graph runs.  On a Keras
    # tensor with unknown dimensions (an image model's (None, None, None, 3) input) keras.ops.shape
    # gives None there, so a Keras tensor gets a small Operation that packs the run-time shape.
    "shape": ("keras224_shape", '''\
def {name}(x):
    """Keras 2.2.4's K.shape(x) (tf.shape): the shape as an int32 tensor; on a Keras tensor a symbolic
    one, computed when the model runs (unknown dimensions included)."""
    class Shape(keras.Operation):
        def call(self, x):
            return keras.ops.convert_to_tensor(keras.ops.shape(x), dtype="int32")

        def compute_output_spec(self, x):
            return keras.KerasTensor((len(x.shape),), dtype="int32")

    if isinstance(x, keras.KerasTensor):
        return Shape()(x)
    return keras.ops.convert_to_tensor(keras.ops.shape(x), dtype="int32")'''),
    "batch_dot": ("keras224_batch_dot", '''\
def {name}(x, y, axes=None):
    """Keras 2.2.4's K.batch_dot (keras/backend/tensorflow_backend.py), with keras.ops.

    Keras 3 has no batch_dot, and tf.keras' later one differs from 2.2.4's for tensors of rank > 2:
    2.2.4 pads the lower rank with trailing 1s, then calls matmul, transposing the last two axes of
    x unless axes[0] is its last axis and those of y when axes[1] is its last axis.  Ranks are
    static (len(shape)): keras.ops.ndim of a Keras tensor is itself a Keras tensor.
    """
    if isinstance(axes, int):
        axes = (axes, axes)
    x_ndim, y_ndim = len(x.shape), len(y.shape)
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 2]
    diff = abs(x_ndim - y_ndim)
    for _ in range(diff):
        if x_ndim > y_ndim:
            y = keras.ops.expand_dims(y, -1)
        else:
            x = keras.ops.expand_dims(x, -1)
    if len(x.shape) == 2 and len(y.shape) == 2:
        if axes[0] == axes[1]:
            out = keras.ops.sum(keras.ops.multiply(x, y), axes[0])
        else:
            out = keras.ops.sum(keras.ops.multiply(keras.ops.transpose(x, [1, 0]), y), axes[1])
    else:
        if axes[0] != len(x.shape) - 1:
            x = keras.ops.swapaxes(x, -1, -2)
        if axes[1] == len(y.shape) - 1:
            y = keras.ops.swapaxes(y, -1, -2)
        out = keras.ops.matmul(x, y)
    if diff:
        idx = x_ndim + y_ndim - 3 if x_ndim > y_ndim else x_ndim - 1
        out = keras.ops.squeeze(out, tuple(range(idx, idx + diff)))
    if len(out.shape) == 1:
        out = keras.ops.expand_dims(out, 1)
    return out'''),
    "batch_flatten": ("keras224_batch_flatten", '''\
def {name}(x):
    """Keras 2.2.4's K.batch_flatten: (batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""
    return keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))'''),
    "ctc_batch_cost": ("keras224_ctc_batch_cost", '''\
def {name}(y_true, y_pred, input_length, label_length):
    """Keras 2.2.4's K.ctc_batch_cost: the CTC loss of each batch element, shape (batch, 1).

    As in 2.2.4: y_pred (batch, time, classes) holds softmax probabilities, the logits are
    log(y_pred + epsilon), the blank is the LAST class, y_true (batch, max_label_length) is padded
    and only its first label_length entries count; input_length and label_length are (batch, 1).
    """
    label_length = keras.ops.cast(keras.ops.squeeze(label_length, axis=-1), "int32")
    input_length = keras.ops.cast(keras.ops.squeeze(input_length, axis=-1), "int32")
    logits = keras.ops.log(y_pred + keras.backend.epsilon())
    loss = keras.ops.ctc_loss(keras.ops.cast(y_true, "int32"), logits, label_length, input_length,
                              mask_index=y_pred.shape[-1] - 1)
    return keras.ops.expand_dims(loss, 1)'''),
}

# Names 2.2.4 had that Keras 3 does not map faithfully: why, for the warning.
BACKEND_NO_EQUIVALENT = {
    "conv2d_transpose": "Keras 3's keras.ops.conv_transpose takes output_padding, not 2.2.4's output_shape",
    "conv3d_transpose": "Keras 3's keras.ops.conv_transpose takes output_padding, not 2.2.4's output_shape",
    "separable_conv1d": "Keras 3's keras.ops.separable_conv works on 1-D inputs with (kernel, in, mult) kernels: "
                        "check the kernel shapes",
    "pool2d": "use keras.ops.max_pool / keras.ops.average_pool (pool_mode) with strides=(1, 1) written out "
              "(2.2.4's default; Keras 3's is pool_size)",
    "pool3d": "use keras.ops.max_pool / keras.ops.average_pool (pool_mode) with strides=(1, 1, 1) written out "
              "(2.2.4's default; Keras 3's is pool_size)",
    "bias_add": "add the bias with broadcasting: x + bias for channels_last, x + keras.ops.reshape(bias, "
                "(1, -1, 1, 1)) for channels_first 4-D",
    "resize_images": "use keras.layers.UpSampling2D(size, interpolation=) or keras.ops.image.resize",
    "resize_volumes": "use keras.layers.UpSampling3D or keras.ops.repeat on each spatial axis",
    "temporal_padding": "use keras.ops.pad(x, [[0, 0], [left, right], [0, 0]])",
    "spatial_2d_padding": "use keras.ops.pad with [[0, 0], top/bottom, left/right, [0, 0]] (channels_last)",
    "spatial_3d_padding": "use keras.ops.pad with one [before, after] pair per axis",
    "switch": "use keras.ops.where(condition, then, else) for tensors, keras.ops.cond for a scalar condition "
              "(2.2.4 chose between them by the condition's rank)",
    "in_train_phase": "the learning phase is gone: take `training` as a call() argument and branch on it",
    "in_test_phase": "the learning phase is gone: take `training` as a call() argument and branch on it",
    "dropout": "use keras.random.dropout(x, rate, noise_shape, seed) or a Dropout layer",
    "random_binomial": "use keras.ops.cast(keras.random.uniform(shape) <= p, dtype)",
    "random_uniform_variable": "use keras.Variable(keras.random.uniform(shape, low, high))",
    "random_normal_variable": "use keras.Variable(keras.random.normal(shape, mean, scale))",
    "local_conv1d": "Keras 3 has no local convolution op: copy 2.2.4's definition (slices, concatenate, "
                    "batch_dot) into the script",
    "local_conv2d": "Keras 3 has no local convolution op: copy 2.2.4's definition (slices, concatenate, "
                    "batch_dot) into the script",
    "ctc_decode": "use keras.ops.ctc_decode(log(y_pred + epsilon), input_length, mask_index=classes - 1) "
                  "(2.2.4's blank is the last class)",
    "ctc_label_dense_to_sparse": "keras.ops.ctc_loss takes dense labels with their lengths",
    "map_fn": "use keras.ops.map(f, xs) (no dtype argument) or keras.ops.vectorized_map",
    "foldl": "use keras.ops.fori_loop or a Python loop",
    "foldr": "use keras.ops.fori_loop or a Python loop",
    "count_params": "use keras.utils.count_params / int(numpy.prod(x.shape))",
    "moving_average_update": "use v.assign(v * momentum + x * (1 - momentum))",
    "print_tensor": "use keras.ops.print or tf.print",
    "is_sparse": "Keras 3 has no sparse-tensor check in keras.ops",
    "to_dense": "Keras 3 has no sparse-to-dense op in keras.ops",
    "normalize_batch_in_training": "use keras.ops.moments and keras.ops.batch_normalization",
    "batch_normalization": "use keras.ops.batch_normalization(x, mean, variance, axis, offset, scale, epsilon) "
                           "(2.2.4 had no axis argument: check the broadcasting)",
}

# Backend names Keras 3 still has under keras.backend: left as they are.
BACKEND_KEPT = {"epsilon", "floatx", "set_floatx", "set_epsilon", "image_data_format", "set_image_data_format",
                "clear_session", "backend", "is_keras_tensor"}

# ---------------------------------------------------------------------------------------------
# Backend breadth (keras/backend/common.py, tensorflow_backend.py)
# ---------------------------------------------------------------------------------------------
DIM_ORDERING = {"tf": "channels_last", "th": "channels_first"}
DIM_ORDERING_BACK = {"channels_last": "tf", "channels_first": "th"}
BACKEND_MANUAL = {
    "function": "K.function(inputs, outputs) has no Keras 3 equivalent: build `keras.Model(inputs, outputs)` and "
                "call it (`model(x, training=False)`) or use `model.predict(x)`",
    "learning_phase": "K.learning_phase() was removed: pass `training=True/False` when calling a layer or model",
    "set_learning_phase": "K.set_learning_phase() was removed: pass `training=` to layer/model calls",
    "get_session": "K.get_session() (TF1 sessions) has no Keras 3 equivalent: Keras 3 runs eagerly",
    "set_session": "K.set_session() (TF1 sessions) has no Keras 3 equivalent: Keras 3 runs eagerly",
    "gradients": "K.gradients() was removed: use tf.GradientTape (TensorFlow backend)",
    "get_value": "K.get_value(v) was removed: use `keras.ops.convert_to_numpy(v)` or `v.numpy()`",
    "set_value": "K.set_value(v, x) was removed: use `v.assign(x)`",
    "batch_get_value": "K.batch_get_value() was removed: use `[keras.ops.convert_to_numpy(v) for v in vs]`",
    "batch_set_value": "K.batch_set_value() was removed: use `v.assign(x)` for each pair",
    "variable": "K.variable() was removed: use keras.Variable(value)",
    "eval": "K.eval(x) was removed: use keras.ops.convert_to_numpy(x)",
    "rnn": "K.rnn() was removed: use keras.layers.RNN with a cell",
}
