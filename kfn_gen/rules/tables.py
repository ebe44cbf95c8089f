"""Rules that are simple enough to be data.  tests/test_tables_live.py checks every Keras 3 target
named here against the live Keras 3 API (the name exists; every argument exists in its signature).
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

# Keras 2.2.4 optimizer signatures (positional order) and their learning-rate defaults.
# Source: keras/optimizers.py of 2.2.4.  Keras 3 changed several defaults (see LR_224).
OPTIMIZER_ARGS = {
    "SGD": ["lr", "momentum", "decay", "nesterov"],
    "RMSprop": ["lr", "rho", "epsilon", "decay"],
    "Adagrad": ["lr", "epsilon", "decay"],
    "Adadelta": ["lr", "rho", "epsilon", "decay"],
    "Adam": ["lr", "beta_1", "beta_2", "epsilon", "decay", "amsgrad"],
    "Adamax": ["lr", "beta_1", "beta_2", "epsilon", "decay"],
    "Nadam": ["lr", "beta_1", "beta_2", "epsilon", "schedule_decay"],
}
LR_224 = {"SGD": 0.01, "RMSprop": 0.001, "Adagrad": 0.01, "Adadelta": 1.0, "Adam": 0.001, "Adamax": 0.002,
          "Nadam": 0.002}
LR_KERAS3 = {"SGD": 0.01, "RMSprop": 0.001, "Adagrad": 0.001, "Adadelta": 0.001, "Adam": 0.001, "Adamax": 0.001,
             "Nadam": 0.001}
OPTIMIZER_STRINGS = {"sgd": "SGD", "rmsprop": "RMSprop", "adagrad": "Adagrad", "adadelta": "Adadelta",
                     "adam": "Adam", "adamax": "Adamax", "nadam": "Nadam"}

# Keras 2.2.4 backend functions (K.*): rules/tables_backend.py

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
