"""`kfn-gen generate tf-function`: run the migrated script (or load a saved Keras 3 model) in the verifier's
sandbox, capture each model as data, render one TensorFlow-only module per model, and check each module
against the model it came from."""
