"""Where Keras 2.2.4 names live in Keras 3: whole modules, single names, and names Keras 3 spells differently.

Read from genuine Keras 2.2.4; every Keras 3 target is checked against the live Keras 3 API by
tests/package/test_tables_live.py.
"""

# Keras 2.2.4 module -> its Keras 3 home, where every public name moved as a whole.
MODULE_HOMES = {
    "keras.layers.core": "keras.layers",
    "keras.layers.convolutional": "keras.layers",
    "keras.layers.convolutional_recurrent": "keras.layers",
    "keras.layers.recurrent": "keras.layers",
    "keras.layers.cudnn_recurrent": "keras.layers",
    "keras.layers.merge": "keras.layers",
    "keras.layers.advanced_activations": "keras.layers",
    "keras.layers.normalization": "keras.layers",
    "keras.layers.embeddings": "keras.layers",
    "keras.layers.pooling": "keras.layers",
    "keras.layers.noise": "keras.layers",
    "keras.layers.local": "keras.layers",
    "keras.layers.wrappers": "keras.layers",
    "keras.engine.input_layer": "keras.layers",
    "keras.engine.base_layer": "keras.layers",
    "keras.engine.training": "keras.models",
    "keras.engine.sequential": "keras.models",
    "keras.engine.network": "keras.models",
    "keras.utils.np_utils": "keras.utils",
    "keras.utils.generic_utils": "keras.utils",
    "keras.utils.data_utils": "keras.utils",
    "keras.utils.vis_utils": "keras.utils",
    "keras.utils.layer_utils": "keras.utils",
    "keras.utils.io_utils": "keras.utils",
    "keras.objectives": "keras.losses",
}

# Modules of Keras 2's companion packages (not installed with Keras 3) -> their Keras 3 home.  keras_applications
# 1.0.6's imagenet_utils.preprocess_input / decode_predictions compute what keras.applications.imagenet_utils'
# do (tests/numeric/test_removed_functions_numeric.py); its model modules take backend=/layers= keywords Keras 3's
# do not, so they are not here.
COMPANION_HOMES = {
    "keras_applications.imagenet_utils": "keras.applications.imagenet_utils",
}

# Keras 2.2.4 identity -> Keras 3 dotted name, where the module mapping above does not say it.
NAME_HOMES = {
    "keras.engine.input_layer.Input": "keras.layers.Input",
    "keras.engine.input_layer.InputLayer": "keras.layers.InputLayer",
    "keras.engine.base_layer.Layer": "keras.layers.Layer",
    "keras.engine.base_layer.InputSpec": "keras.layers.InputSpec",
    "keras.engine.training.Model": "keras.models.Model",
    "keras.engine.sequential.Sequential": "keras.models.Sequential",
    "keras.engine.network.Network": "keras.models.Model",
    # keras.engine / keras.engine.topology re-exported it; applications code copied in 2018 imports it there
    "keras.utils.layer_utils.get_source_inputs": "keras.utils.get_source_inputs",
    "keras_preprocessing.sequence.pad_sequences": "keras.utils.pad_sequences",
    "keras_preprocessing.image.load_img": "keras.utils.load_img",
    "keras.preprocessing.image.img_to_array": "keras.utils.img_to_array",
    "keras.preprocessing.image.array_to_img": "keras.utils.array_to_img",
    # Keras 3 dropped these; TF 2.21 keeps the same (deprecated) classes under tf.keras: a documented
    # choice that keeps behaviour (see README), reported as a warning by the imports rule.
    "keras.preprocessing.image.ImageDataGenerator": "tensorflow.keras.preprocessing.image.ImageDataGenerator",
    "keras_preprocessing.text.Tokenizer": "tensorflow.keras.preprocessing.text.Tokenizer",
    "keras_preprocessing.text.one_hot": "tensorflow.keras.preprocessing.text.one_hot",
    "keras_preprocessing.text.text_to_word_sequence": "tensorflow.keras.preprocessing.text.text_to_word_sequence",
    "keras.preprocessing.sequence.TimeseriesGenerator": "tensorflow.keras.preprocessing.sequence.TimeseriesGenerator",
    "keras_preprocessing.sequence.skipgrams": "tensorflow.keras.preprocessing.sequence.skipgrams",
    "keras_preprocessing.sequence.make_sampling_table":
        "tensorflow.keras.preprocessing.sequence.make_sampling_table",
}

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
