"""Layers, functions and classes Keras 3 removed: what replaces each, or what the report says.

Read from genuine Keras 2.2.4; every Keras 3 target is checked against the live Keras 3 API by
tests/package/test_tables_live.py.
"""

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
    # (keras.legacy.layers.Recurrent: removed-functions defines 2.2.4's class for its subclasses)
    "keras.legacy.layers.ConvRecurrent2D": "ConvRecurrent2D (Keras 1 base class) was removed: use ConvLSTM2D",
}

# Removed functions and classes: identity -> (message, rewrite) where rewrite is None (report only).
# (multi_gpu_model: removed-functions defines 2.2.4's as far as its numbers go, and warns.)
REMOVED_API = {
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
