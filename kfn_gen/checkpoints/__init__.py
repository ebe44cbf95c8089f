"""Old checkpoints: Keras 2.0-2.2.x HDF5 models into Keras 3 files that plain Keras 3 loads.

h5file reads the file with h5py (no Keras 2 needed); layer_config migrates each layer's config with the
migrator's own tables; weights re-lays the weights as 2.2.4's loader did and folds 2.2.4's hard_sigmoid
into them; keras3_model builds, fills and saves the Keras 3 model; convert ties them together.
"""
