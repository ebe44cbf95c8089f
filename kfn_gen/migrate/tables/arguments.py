"""Keras 2.2.4 call arguments: the Keras-1 spellings 2.2.4 still translated, positional meanings, defaults
Keras 3 changed, and the integer arguments Keras 3 checks.

Read from genuine Keras 2.2.4 (paths relative to its `keras/` package); every Keras 3 target is checked
against the live Keras 3 API by tests/package/test_tables_live.py.
"""

# ---------------------------------------------------------------------------------------------
# Keras-1 keyword arguments 2.2.4 still translated (legacy/interfaces.py).  identity -> [(old, new)]
# ---------------------------------------------------------------------------------------------
_L = "keras.layers."
_W_B = [("init", "kernel_initializer"), ("W_regularizer", "kernel_regularizer"),
        ("b_regularizer", "bias_regularizer"), ("W_constraint", "kernel_constraint"),
        ("b_constraint", "bias_constraint"), ("bias", "use_bias")]
_DENSE = [("output_dim", "units"), *_W_B]                                       # legacy_dense_support
_RECURRENT = [("output_dim", "units"), ("init", "kernel_initializer"), ("inner_init", "recurrent_initializer"),
              ("inner_activation", "recurrent_activation"), ("W_regularizer", "kernel_regularizer"),
              ("b_regularizer", "bias_regularizer"), ("U_regularizer", "recurrent_regularizer"),
              ("dropout_W", "dropout"), ("dropout_U", "recurrent_dropout")]      # legacy_recurrent_support
_CONV1D = [("nb_filter", "filters"), ("filter_length", "kernel_size"), ("subsample_length", "strides"),
           ("border_mode", "padding"), *_W_B]                                   # legacy_conv1d_support
_CONV2D = [("nb_filter", "filters"), ("subsample", "strides"), ("border_mode", "padding"),
           ("dim_ordering", "data_format"), *_W_B]                              # legacy_conv2d/3d/deconv2d
_SEPARABLE2D = [("nb_filter", "filters"), ("subsample", "strides"), ("border_mode", "padding"),
                ("dim_ordering", "data_format"), ("b_regularizer", "bias_regularizer"),
                ("b_constraint", "bias_constraint"), ("bias", "use_bias")]      # + init -> depthwise & pointwise
_CONVLSTM2D = [("nb_filter", "filters"), ("subsample", "strides"), ("border_mode", "padding"),
               ("dim_ordering", "data_format"), ("init", "kernel_initializer"),
               ("inner_init", "recurrent_initializer"), ("W_regularizer", "kernel_regularizer"),
               ("U_regularizer", "recurrent_regularizer"), ("b_regularizer", "bias_regularizer"),
               ("inner_activation", "recurrent_activation"), ("dropout_W", "dropout"),
               ("dropout_U", "recurrent_dropout"), ("bias", "use_bias")]
_DIM = [("dim_ordering", "data_format")]
_POOL1D = [("pool_length", "pool_size"), ("stride", "strides"), ("border_mode", "padding")]
_POOL2D = [("border_mode", "padding"), ("dim_ordering", "data_format")]

LEGACY_KWARGS: dict[str, list[tuple[str, str]]] = {
    "keras.layers.core.Dense": _DENSE,
    "keras.layers.core.Dropout": [("p", "rate")],
    "keras.layers.core.SpatialDropout1D": [("p", "rate")],
    "keras.layers.core.SpatialDropout2D": [("p", "rate"), *_DIM],
    "keras.layers.core.SpatialDropout3D": [("p", "rate"), *_DIM],
    "keras.layers.embeddings.Embedding": [("init", "embeddings_initializer"),
                                          ("W_regularizer", "embeddings_regularizer"),
                                          ("W_constraint", "embeddings_constraint")],
    "keras.layers.pooling.MaxPooling1D": _POOL1D,
    "keras.layers.pooling.AveragePooling1D": _POOL1D,
    "keras.layers.pooling.MaxPooling2D": _POOL2D,
    "keras.layers.pooling.AveragePooling2D": _POOL2D,
    "keras.layers.pooling.MaxPooling3D": _POOL2D,
    "keras.layers.pooling.AveragePooling3D": _POOL2D,
    "keras.layers.pooling.GlobalAveragePooling2D": _DIM,
    "keras.layers.pooling.GlobalMaxPooling2D": _DIM,
    "keras.layers.pooling.GlobalAveragePooling3D": _DIM,
    "keras.layers.pooling.GlobalMaxPooling3D": _DIM,
    "keras.layers.advanced_activations.PReLU": [("init", "alpha_initializer")],
    "keras.layers.noise.GaussianNoise": [("sigma", "stddev")],
    "keras.layers.noise.GaussianDropout": [("p", "rate")],
    "keras.layers.recurrent.SimpleRNN": [c for c in _RECURRENT if c[1] != "recurrent_activation"],  # no gates
    "keras.layers.recurrent.GRU": _RECURRENT,
    "keras.layers.recurrent.LSTM": _RECURRENT,
    "keras.layers.convolutional.Conv1D": _CONV1D,
    "keras.layers.convolutional.Conv2D": _CONV2D,
    "keras.layers.convolutional.Conv3D": _CONV2D,
    "keras.layers.convolutional.Conv2DTranspose": _CONV2D,
    "keras.layers.convolutional.SeparableConv2D": _SEPARABLE2D,
    "keras.layers.convolutional.UpSampling1D": [("length", "size")],
    "keras.layers.convolutional.UpSampling2D": _DIM,
    "keras.layers.convolutional.UpSampling3D": _DIM,
    "keras.layers.convolutional.ZeroPadding2D": _DIM,
    "keras.layers.convolutional.ZeroPadding3D": _DIM,
    "keras.layers.convolutional.Cropping2D": _DIM,
    "keras.layers.convolutional.Cropping3D": _DIM,
    "keras.layers.convolutional_recurrent.ConvLSTM2D": _CONVLSTM2D,
    "keras.layers.normalization.BatchNormalization": [("beta_init", "beta_initializer"),
                                                      ("gamma_init", "gamma_initializer")],
    "keras.layers.local.LocallyConnected1D": _CONV1D,
    "keras.layers.local.LocallyConnected2D": _CONV2D,
    "keras.legacy.layers.AtrousConvolution1D": [*_CONV1D, ("atrous_rate", "dilation_rate")],
    "keras.legacy.layers.AtrousConvolution2D": [*_CONV2D, ("atrous_rate", "dilation_rate")],
    "keras.engine.training.Model": [("input", "inputs"), ("output", "outputs")],   # legacy_model_constructor_support
    "keras.engine.network.Network": [("input", "inputs"), ("output", "outputs")],
    "keras.engine.input_layer.Input": [("input_dtype", "dtype")],                # legacy_input_support
    "keras.engine.input_layer.InputLayer": [("input_dtype", "dtype")],
}
# 2.2.4 value_conversions, applied before the rename (dim_ordering 'default' -> None = drop the argument)
LEGACY_VALUES = {"dim_ordering": {"tf": "'channels_last'", "th": "'channels_first'", "default": None}}
# consume_less -> implementation (a computation layout; Keras 3 LSTM/GRU ignore `implementation`)
LEGACY_DROPPED = {
    "consume_less": "consume_less= dropped (2.2.4 mapped it to `implementation`, a computation layout with no "
                    "numeric effect; Keras 3 chooses its own)",
}
RECURRENT_IDS = {"keras.layers.recurrent.SimpleRNN", "keras.layers.recurrent.GRU", "keras.layers.recurrent.LSTM",
                 "keras.layers.convolutional_recurrent.ConvLSTM2D"}
# Positional kernel sizes (legacy conv2d/conv3d_args_preprocessor): identity -> number of kernel dims
POSITIONAL_KERNEL = {
    "keras.layers.convolutional.Conv2D": 2, "keras.layers.convolutional.Conv2DTranspose": 2,
    "keras.layers.convolutional.SeparableConv2D": 2, "keras.layers.convolutional_recurrent.ConvLSTM2D": 2,
    "keras.layers.local.LocallyConnected2D": 2, "keras.legacy.layers.AtrousConvolution2D": 2,
    "keras.layers.convolutional.Conv3D": 3,
}
KERNEL_KWARGS = {2: ("nb_row", "nb_col"), 3: ("kernel_dim1", "kernel_dim2", "kernel_dim3")}

# ---------------------------------------------------------------------------------------------
# Keras 1 `merge(inputs, mode=...)` (absent from 2.2.4; Keras 2.0/2.1 scripts) -> function form
# Keras 1 signature: merge(inputs, mode='sum', concat_axis=-1, dot_axes=-1, output_shape=None,
#                          output_mask=None, arguments=None, node_indices=None, tensor_indices=None, name=None)
# ---------------------------------------------------------------------------------------------
MERGE_MODES = {"sum": "add", "mul": "multiply", "concat": "concatenate", "ave": "average", "max": "maximum",
               "dot": "dot"}
MERGE_MODE_KWARGS = {"concat": ("concat_axis", "axis", "-1"), "dot": ("dot_axes", "axes", "-1")}

# ---------------------------------------------------------------------------------------------
# Regularizers (keras/regularizers.py:53-62): 2.2.4 defaults l1(l=0.01), l2(l=0.01), l1_l2(l1=0.01, l2=0.01)
# ---------------------------------------------------------------------------------------------
REGULARIZER_FUNCS = {"keras.regularizers.l1": ("l1", 0.01), "keras.regularizers.l2": ("l2", 0.01)}
L1_L2 = "keras.regularizers.l1_l2"
L1_L2_224 = {"l1": "0.01", "l2": "0.01"}
L1_L2_KERAS3 = {"l1": "0.0", "l2": "0.0"}
ACTIVITY_REGULARIZATION = "keras.layers.core.ActivityRegularization"

# ---------------------------------------------------------------------------------------------
# Integer arguments Keras 3 checks with isinstance(x, int), so a numpy integer (`np.max(y) + 1`)
# is rejected where 2.2.4 took it.  identity -> (the Keras 3 class tests/package/test_tables_live.py builds,
# [(2.2.4 position, keyword, Keras-1 keyword or None)]).  Found by building every candidate layer
# with np.int64 arguments under Keras 3.15 and under genuine 2.2.4: Keras 3 rejects Dense units
# ("expected a positive integer"), Embedding input_dim/output_dim, LSTM/LSTMCell units (state_size
# check when built), RepeatVector n and UpSampling1D size ("Expected an integer value"); 2.2.4 took
# all of these (its UpSampling1D did int(size) itself, convolutional.py:1960).  Not listed: SimpleRNN/
# GRU (and their cells, CuDNNGRU) units, which 2.2.4 rejected too (`len(self.cell.state_size)` on a
# numpy integer, recurrent.py:429: "object of type 'numpy.int64' has no len()"), and what Keras 3
# accepts (Conv filters, depth_multiplier, BatchNormalization/Concatenate axis).
# ---------------------------------------------------------------------------------------------
INT_ARGS = {
    "keras.layers.core.Dense": ("Dense", [(0, "units", "output_dim")]),
    "keras.layers.embeddings.Embedding": ("Embedding", [(0, "input_dim", None), (1, "output_dim", None)]),
    "keras.layers.recurrent.LSTM": ("LSTM", [(0, "units", "output_dim")]),
    "keras.layers.recurrent.LSTMCell": ("LSTMCell", [(0, "units", None)]),
    "keras.layers.cudnn_recurrent.CuDNNLSTM": ("LSTM", [(0, "units", None)]),
    "keras.layers.core.RepeatVector": ("RepeatVector", [(0, "n", None)]),
    "keras.layers.convolutional.UpSampling1D": ("UpSampling1D", [(0, "size", "length")]),
}

# Layers whose gate default was hard_sigmoid in 2.2.4 (keras/layers/recurrent.py, convolutional_recurrent.py)
RECURRENT_HARD_SIGMOID = {
    "keras.layers.recurrent.LSTM", "keras.layers.recurrent.GRU", "keras.layers.recurrent.LSTMCell",
    "keras.layers.recurrent.GRUCell", "keras.layers.convolutional_recurrent.ConvLSTM2D",
}
# GRU: 2.2.4 reset_after=False (one bias of 3*units), Keras 3 defaults to True
GRU_RESET_AFTER = {"keras.layers.recurrent.GRU", "keras.layers.recurrent.GRUCell"}
# positional index of recurrent_activation in the 2.2.4 signatures (LSTM(units, activation,
# recurrent_activation, ...); ConvLSTM2D(filters, kernel_size, strides, padding, data_format,
# dilation_rate, activation, recurrent_activation, ...))
RECURRENT_ACTIVATION_POS = {"keras.layers.convolutional_recurrent.ConvLSTM2D": 7}
RECURRENT_ACTIVATION_POS_DEFAULT = 2
# Keras-1 spelling 2.2.4 still translated to recurrent_activation (keras/legacy/interfaces.py)
RECURRENT_ACTIVATION_KEYWORDS = ("recurrent_activation", "inner_activation")
