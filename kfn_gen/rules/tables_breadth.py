"""Data for the breadth rules (Keras-1 arguments, training API, removed layers, regularizers, backend).

Every claim here was read from genuine Keras 2.2.4 (paths relative to its `keras/` package) and
every Keras 3 target is checked against the live Keras 3 API by tests/test_tables_live.py.
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
# Names 2.2.4 had that Keras 3 spells differently: (spelled name, 2.2.4 identity) -> Keras 3 name
# ---------------------------------------------------------------------------------------------
RENAMED = {
    ("Deconvolution2D", "keras.layers.convolutional.Conv2DTranspose"): "Conv2DTranspose",
    ("Deconv2D", "keras.layers.convolutional.Conv2DTranspose"): "Conv2DTranspose",
    ("Deconvolution3D", "keras.layers.convolutional.Conv3DTranspose"): "Conv3DTranspose",
    ("Deconv3D", "keras.layers.convolutional.Conv3DTranspose"): "Conv3DTranspose",
    ("AtrousConvolution1D", "keras.legacy.layers.AtrousConvolution1D"): "Conv1D",
    ("AtrousConv1D", "keras.legacy.layers.AtrousConvolution1D"): "Conv1D",
    ("AtrousConvolution2D", "keras.legacy.layers.AtrousConvolution2D"): "Conv2D",
    ("AtrousConv2D", "keras.legacy.layers.AtrousConvolution2D"): "Conv2D",
    # removed layers with a faithful Keras 3 replacement (layers_removed.py adjusts the arguments)
    ("CuDNNLSTM", "keras.layers.cudnn_recurrent.CuDNNLSTM"): "LSTM",
    ("CuDNNGRU", "keras.layers.cudnn_recurrent.CuDNNGRU"): "GRU",
    ("ThresholdedReLU", "keras.layers.advanced_activations.ThresholdedReLU"): "ReLU",
    # optimizers: lowercase aliases (keras/optimizers.py: sgd = SGD, ...)
    ("sgd", "keras.optimizers.SGD"): "SGD", ("rmsprop", "keras.optimizers.RMSprop"): "RMSprop",
    ("adagrad", "keras.optimizers.Adagrad"): "Adagrad", ("adadelta", "keras.optimizers.Adadelta"): "Adadelta",
    ("adam", "keras.optimizers.Adam"): "Adam", ("adamax", "keras.optimizers.Adamax"): "Adamax",
    ("nadam", "keras.optimizers.Nadam"): "Nadam",
    # losses / metrics aliases Keras 3 dropped (keras/losses.py: mse = MSE = mean_squared_error, ...)
    ("mse", "keras.losses.mean_squared_error"): "mean_squared_error",
    ("MSE", "keras.losses.mean_squared_error"): "mean_squared_error",
    ("mae", "keras.losses.mean_absolute_error"): "mean_absolute_error",
    ("MAE", "keras.losses.mean_absolute_error"): "mean_absolute_error",
    ("mape", "keras.losses.mean_absolute_percentage_error"): "mean_absolute_percentage_error",
    ("MAPE", "keras.losses.mean_absolute_percentage_error"): "mean_absolute_percentage_error",
    ("msle", "keras.losses.mean_squared_logarithmic_error"): "mean_squared_logarithmic_error",
    ("MSLE", "keras.losses.mean_squared_logarithmic_error"): "mean_squared_logarithmic_error",
    ("kld", "keras.losses.kullback_leibler_divergence"): "kl_divergence",
    ("KLD", "keras.losses.kullback_leibler_divergence"): "kl_divergence",
    ("kullback_leibler_divergence", "keras.losses.kullback_leibler_divergence"): "kl_divergence",
    ("logcosh", "keras.losses.logcosh"): "log_cosh",
    # 2.2.4 cosine_proximity = -sum(l2n(y_true) * l2n(y_pred)) (losses.py:76) = Keras 3 losses.cosine_similarity
    ("cosine", "keras.losses.cosine_proximity"): "cosine_similarity",
    ("cosine_proximity", "keras.losses.cosine_proximity"): "cosine_similarity",
    # initializers / constraints (keras/initializers.py: zero = zeros = Zeros; constraints.py: maxnorm = MaxNorm)
    ("zero", "keras.initializers.Zeros"): "Zeros", ("one", "keras.initializers.Ones"): "Ones",
    ("normal", "keras.initializers.RandomNormal"): "RandomNormal",
    ("uniform", "keras.initializers.RandomUniform"): "RandomUniform",
    ("maxnorm", "keras.constraints.MaxNorm"): "MaxNorm", ("nonneg", "keras.constraints.NonNeg"): "NonNeg",
    ("unitnorm", "keras.constraints.UnitNorm"): "UnitNorm",
}
# Keras 3 home of each renamed target (for the live-API test)
RENAMED_HOMES = {
    "Conv2DTranspose": "keras.layers", "Conv3DTranspose": "keras.layers", "Conv1D": "keras.layers",
    "Conv2D": "keras.layers", "LSTM": "keras.layers", "GRU": "keras.layers", "ReLU": "keras.layers",
    "SGD": "keras.optimizers", "RMSprop": "keras.optimizers",
    "Adagrad": "keras.optimizers", "Adadelta": "keras.optimizers", "Adam": "keras.optimizers",
    "Adamax": "keras.optimizers", "Nadam": "keras.optimizers", "mean_squared_error": "keras.losses",
    "mean_absolute_error": "keras.losses", "mean_absolute_percentage_error": "keras.losses",
    "mean_squared_logarithmic_error": "keras.losses", "kl_divergence": "keras.losses", "log_cosh": "keras.losses",
    "cosine_similarity": "keras.losses",
    "Zeros": "keras.initializers", "Ones": "keras.initializers", "RandomNormal": "keras.initializers",
    "RandomUniform": "keras.initializers", "MaxNorm": "keras.constraints", "NonNeg": "keras.constraints",
    "UnitNorm": "keras.constraints",
}
# String identifiers 2.2.4 accepted that Keras 3's get() rejects: (kind, string) -> Keras 3 string
STRING_ALIASES = {
    ("loss", "logcosh"): "log_cosh", ("loss", "kullback_leibler_divergence"): "kl_divergence",
    ("metric", "logcosh"): "log_cosh_error",  # Keras 3's LogCoshError logs as 'logcosh', like 2.2.4
    ("metric", "kullback_leibler_divergence"): "kl_divergence",
    ("constraint", "maxnorm"): "max_norm", ("constraint", "nonneg"): "non_neg", ("constraint", "unitnorm"): "unit_norm",
}
# 2.2.4 cosine_proximity = -sum(l2n(y_true) * l2n(y_pred), axis=-1) (losses.py:76) == Keras 3 cosine_similarity
COSINE_NAMES = {"cosine", "cosine_proximity"}

# ---------------------------------------------------------------------------------------------
# Keras 1 `merge(inputs, mode=...)` (absent from 2.2.4; Keras 2.0/2.1 scripts) -> function form
# Keras 1 signature: merge(inputs, mode='sum', concat_axis=-1, dot_axes=-1, output_shape=None,
#                          output_mask=None, arguments=None, node_indices=None, tensor_indices=None, name=None)
# ---------------------------------------------------------------------------------------------
MERGE_MODES = {"sum": "add", "mul": "multiply", "concat": "concatenate", "ave": "average", "max": "maximum",
               "dot": "dot"}
MERGE_MODE_KWARGS = {"concat": ("concat_axis", "axis", "-1"), "dot": ("dot_axes", "axes", "-1")}

# ---------------------------------------------------------------------------------------------
# Training API (legacy_generator_methods_support; engine/training.py; engine/sequential.py)
# ---------------------------------------------------------------------------------------------
FIT_RENAMES = {"nb_epoch": "epochs"}
GENERATOR_METHODS = {"fit_generator": "fit", "evaluate_generator": "evaluate", "predict_generator": "predict"}
GENERATOR_RENAMES = {"nb_epoch": "epochs", "val_samples": "steps", "nb_val_samples": "validation_steps"}
# generator-method arguments Keras 3's fit/evaluate/predict do not take (a PyDataset handles them)
GENERATOR_DROPPED = {"workers", "use_multiprocessing", "max_queue_size", "nb_worker", "pickle_safe", "max_q_size"}
# positional order of the 2.2.4 generator methods (training.py:1278, 1421, 1475)
GENERATOR_ARGS = {
    "fit_generator": ["generator", "steps_per_epoch", "epochs", "verbose", "callbacks", "validation_data",
                      "validation_steps", "class_weight", "max_queue_size", "workers", "use_multiprocessing",
                      "shuffle", "initial_epoch"],
    "evaluate_generator": ["generator", "steps", "max_queue_size", "workers", "use_multiprocessing", "verbose"],
    "predict_generator": ["generator", "steps", "max_queue_size", "workers", "use_multiprocessing", "verbose"],
}
# the Keras 3 keyword the generator argument becomes
GENERATOR_TARGET_ARG = {"fit_generator": "x", "evaluate_generator": "x", "predict_generator": "x"}
# layers that keep the last dimension (walked back to find predict_classes' output width)
SHAPE_KEEPING = {"Activation", "Dropout", "BatchNormalization", "GaussianNoise", "GaussianDropout", "AlphaDropout",
                 "LeakyReLU", "PReLU", "ELU", "ReLU", "ThresholdedReLU", "Softmax", "ActivityRegularization"}

# Callbacks (keras/callbacks.py)
CALLBACK_IDS = {"keras.callbacks.ModelCheckpoint", "keras.callbacks.EarlyStopping", "keras.callbacks.ReduceLROnPlateau"}
TENSORBOARD = "keras.callbacks.TensorBoard"
# 2.2.4 TensorBoard(log_dir, histogram_freq, batch_size, write_graph, write_grads, write_images, embeddings_freq,
# embeddings_layer_names, embeddings_metadata, embeddings_data, update_freq) (callbacks.py:730)
TENSORBOARD_ARGS = ["log_dir", "histogram_freq", "batch_size", "write_graph", "write_grads", "write_images",
                    "embeddings_freq", "embeddings_layer_names", "embeddings_metadata", "embeddings_data",
                    "update_freq"]
TENSORBOARD_DROPPED = {"batch_size", "write_grads", "embeddings_layer_names", "embeddings_data"}

# ---------------------------------------------------------------------------------------------
# Removed layers (keras/layers/cudnn_recurrent.py, local.py, advanced_activations.py, legacy/layers.py)
# ---------------------------------------------------------------------------------------------
CUDNN = {
    # identity -> (Keras 3 layer, 2.2.4 positional names after units, explicit Keras 3 arguments that make the cell
    # the cuDNN one)
    "keras.layers.cudnn_recurrent.CuDNNLSTM": (
        "LSTM", ["kernel_initializer", "recurrent_initializer", "bias_initializer", "unit_forget_bias",
                 "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
                 "kernel_constraint", "recurrent_constraint", "bias_constraint", "return_sequences",
                 "return_state", "stateful"],
        {"activation": "'tanh'", "recurrent_activation": "'sigmoid'"}),
    "keras.layers.cudnn_recurrent.CuDNNGRU": (
        "GRU", ["kernel_initializer", "recurrent_initializer", "bias_initializer", "kernel_regularizer",
                "recurrent_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                "recurrent_constraint", "bias_constraint", "return_sequences", "return_state", "stateful"],
        {"activation": "'tanh'", "recurrent_activation": "'sigmoid'", "reset_after": "True"}),
}
THRESHOLDED_RELU = "keras.layers.advanced_activations.ThresholdedReLU"
REMOVED_LAYERS = {
    "keras.legacy.layers.Recurrent": "keras.layers.Recurrent (Keras 1 base class) was removed: subclass "
                                     "keras.layers.RNN with a cell instead",
    "keras.legacy.layers.ConvRecurrent2D": "ConvRecurrent2D (Keras 1 base class) was removed: use ConvLSTM2D",
}

# Removed functions and classes: identity -> (message, rewrite) where rewrite is None (report only)
REMOVED_API = {
    "keras.utils.multi_gpu_utils.multi_gpu_model":
        "multi_gpu_model was removed in Keras 3: build and compile the model inside "
        "`tf.distribute.MirroredStrategy().scope()` instead",
    "keras.engine.saving.model_from_yaml":
        "model_from_yaml was removed in Keras 3 (YAML is unsafe): save the architecture with to_json / "
        "model_from_json, or the whole model with model.save('m.keras')",
    "keras.wrappers.scikit_learn.KerasClassifier":
        "keras.wrappers.scikit_learn was removed in Keras 3: use scikeras.wrappers.KerasClassifier (pip install "
        "scikeras; its build_fn is called `model`)",
    "keras.wrappers.scikit_learn.KerasRegressor":
        "keras.wrappers.scikit_learn was removed in Keras 3: use scikeras.wrappers.KerasRegressor (pip install "
        "scikeras; its build_fn is called `model`)",
}
PRINT_SUMMARY = "keras.utils.layer_utils.print_summary"
PRINT_SUMMARY_ARGS = ["model", "line_length", "positions", "print_fn"]

# ---------------------------------------------------------------------------------------------
# Regularizers (keras/regularizers.py:53-62): 2.2.4 defaults l1(l=0.01), l2(l=0.01), l1_l2(l1=0.01, l2=0.01)
# ---------------------------------------------------------------------------------------------
REGULARIZER_FUNCS = {"keras.regularizers.l1": ("l1", 0.01), "keras.regularizers.l2": ("l2", 0.01)}
L1_L2 = "keras.regularizers.l1_l2"
L1_L2_224 = {"l1": "0.01", "l2": "0.01"}
L1_L2_KERAS3 = {"l1": "0.0", "l2": "0.0"}
ACTIVITY_REGULARIZATION = "keras.layers.core.ActivityRegularization"

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

# ---------------------------------------------------------------------------------------------
# Keras 1 names absent from 2.2.4 itself: the front end's name check reports them as unknown
# before any rule runs.  These messages are what that report should say (see the issue-6 notes).
# ---------------------------------------------------------------------------------------------
KERAS1_ONLY_NAMES = {
    "Merge": "the Keras 1 `Merge` layer was removed in Keras 2: use the merge layers Concatenate, Add, Multiply, "
             "Average, Maximum or Dot (Merge(mode='concat') -> Concatenate(axis=concat_axis), 'sum' -> Add, "
             "'mul' -> Multiply, 'ave' -> Average, 'max' -> Maximum, 'dot' -> Dot(axes=dot_axes)); a Sequential "
             "of branches becomes a functional Model",
    "merge": "Keras 1 `merge(inputs, mode=...)` was removed in Keras 2: kfn-gen rewrites calls with a literal mode "
             "to concatenate/add/multiply/average/maximum/dot",
}

# ---------------------------------------------------------------------------------------------
# Integer arguments Keras 3 checks with isinstance(x, int), so a numpy integer (`np.max(y) + 1`)
# is rejected where 2.2.4 took it.  identity -> (the Keras 3 class tests/test_tables_live.py builds,
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
