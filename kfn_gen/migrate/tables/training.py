"""The training API of Keras 2.2.4 (optimizers, fit/generator methods, callbacks) and its Keras 3 form.

Read from genuine Keras 2.2.4; every Keras 3 target is checked against the live Keras 3 API by
tests/package/test_tables_live.py.
"""

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
