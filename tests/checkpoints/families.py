"""Keras 2.2.4 models, one per layer family kfn-gen convert handles, as a script genuine 2.2.4 runs at test
time (tests/helpers.run_script_npz) to write <family>.h5 in its directory.  Every weight is drawn at random
(moving variances positive), so that gates, biases and running statistics all count in the outputs."""

# a script that builds its model and loads weights saved by 2.2.4 (model.load_weights): its migration must load
# them into the migrated model and compute 2.2.4's numbers
LOADS_WEIGHTS = """
from keras.models import Sequential
from keras.layers import Embedding, LSTM, GRU, Bidirectional, Dense, Conv1D, BatchNormalization
model = Sequential([Embedding(30, 5, input_length=9), Conv1D(6, 3), BatchNormalization(),
                    Bidirectional(LSTM(4, return_sequences=True)), GRU(3), Dense(2, activation="hard_sigmoid")])
"""
WEIGHTS_ONLY = ["bidirectional", "nested_shared", "conv_pool_bn"]

WRITE_224 = f"LOADS_WEIGHTS = {LOADS_WEIGHTS!r}\nWEIGHTS_ONLY = {WEIGHTS_ONLY!r}\n" + r'''
import json
import numpy as np
import h5py
from keras import backend as K
from keras.models import Sequential, Model
from keras.layers import *

rng = np.random.RandomState(0)


def randomize(model):
    for layer in model.layers:
        ws = layer.get_weights()
        if isinstance(layer, (Model, Sequential)):
            randomize(layer)
            continue
        names = [w.name for w in layer.weights]
        layer.set_weights([np.abs(rng.normal(0.5, 0.2, w.shape)) + 0.1 if "variance" in n
                           else rng.normal(0, 0.6, w.shape) for w, n in zip(ws, names)])


from keras.optimizers import SGD, RMSprop, Adam

COMPILED = {  # saved with their training config: the converted file must load compiled the same way
    "lstm": dict(optimizer=SGD(lr=0.05, momentum=0.9, decay=1e-3, nesterov=True), loss="mse", metrics=["acc"]),
    "gru": dict(optimizer=RMSprop(lr=0.002), loss="binary_crossentropy"),
    "conv_pool_bn": dict(optimizer=Adam(amsgrad=True, clipnorm=1.0), loss="categorical_crossentropy",
                         metrics=["accuracy"]),
    "nested_shared": dict(optimizer="adam", loss="mae"),
}


def save(name, model):
    randomize(model)
    if name in COMPILED:
        model.compile(**COMPILED[name])
    model.save(name + ".h5")
    if name in WEIGHTS_ONLY:  # the 2017 pattern: model.json + weights.h5
        model.save_weights(name + "_weights.h5")
        with open(name + ".json", "w") as fh:
            fh.write(model.to_json())


exec(LOADS_WEIGHTS)
randomize(model)
model.save_weights("script_weights.h5")


x = Input((12,))
save("dense_hard_sigmoid", Model(x, Dense(3, activation="hard_sigmoid")(Dense(5, activation="relu")(x))))

save("conv_pool_bn", Sequential([
    Conv2D(4, (3, 3), padding="same", input_shape=(8, 8, 3)), BatchNormalization(), LeakyReLU(alpha=0.2),
    MaxPooling2D(), Conv2D(3, 3, 3, activation="hard_sigmoid"), AveragePooling2D(), Flatten(),
    Dense(2, activation="softmax")]))
save("conv1d_embedding", Sequential([
    Embedding(40, 6, input_length=10), Conv1D(5, 3, activation="tanh"), GlobalMaxPooling1D(),
    ThresholdedReLU(theta=0.3), Dense(2)]))
save("simple_rnn", Sequential([SimpleRNN(4, activation="hard_sigmoid", return_sequences=True, input_shape=(6, 3)),
                               SimpleRNN(3)]))
save("lstm", Sequential([Embedding(50, 8, input_length=10), LSTM(6, return_sequences=True), LSTM(4), Dense(2)]))
save("gru", Sequential([GRU(5, input_shape=(7, 3), return_sequences=True), GRU(4, activation="hard_sigmoid"),
                        Dense(1, activation="sigmoid")]))
save("gru_reset_after", Sequential([GRU(5, input_shape=(7, 3), reset_after=True, recurrent_activation="sigmoid"),
                                    Dense(2)]))
save("bidirectional", Sequential([Embedding(30, 5, input_length=9), Bidirectional(LSTM(4, return_sequences=True)),
                                  Bidirectional(GRU(3), merge_mode="sum"), Dense(2)]))
save("time_distributed", Sequential([TimeDistributed(Dense(4, activation="hard_sigmoid"), input_shape=(5, 3)),
                                     TimeDistributed(Dense(2)), LSTM(3)]))
save("convlstm2d", Sequential([ConvLSTM2D(3, (3, 3), padding="same", return_sequences=False,
                                          input_shape=(4, 6, 6, 2)), Flatten(), Dense(2)]))

inner = Sequential([Dense(6, activation="relu", input_shape=(4,)), BatchNormalization(), Dense(3)], name="inner")
a, b = Input((4,)), Input((4,))
shared = Dense(3, activation="tanh", name="shared")
merged = concatenate([inner(a), inner(b), shared(a), shared(b)])
save("nested_shared", Model([a, b], Dense(2, name="head")(merged)))

enc_in, dec_in = Input((None, 4)), Input((None, 5))
_, h, c = LSTM(6, return_state=True)(enc_in)
dec = LSTM(6, return_sequences=True)(dec_in, initial_state=[h, c])
save("seq2seq_initial_state", Model([enc_in, dec_in], TimeDistributed(Dense(3, activation="softmax"))(dec)))

# trained a few steps, so the file holds optimizer state; then one more step, whose result the converted model's
# first step must reproduce (trained_step.npz: the batch and the weights after it).  One trainable layer each:
# with two, 2.2.4's step of the lower one differs from Keras 3's by ~2.5% even with plain SGD and no state, while
# the upper one matches exactly (measured; we believe TF1 reference variables let the upper layer's update land
# before the lower layer's gradient reads it), which is not what these files test.
step = {}
for name, model, optimizer in (
        ("trained_adam", Sequential([Dense(3, activation="softmax", input_shape=(5,))]), "adam"),
        ("trained_sgd", Sequential([Conv1D(2, 3, activation="tanh", input_shape=(8, 2)), Flatten()]),
         SGD(lr=0.05, momentum=0.9, nesterov=True, decay=0.01))):
    randomize(model)
    model.compile(optimizer, "mse")
    xs = rng.normal(size=(4, 16) + model.input_shape[1:]).astype("float32")
    ys = rng.uniform(size=(4, 16) + model.output_shape[1:]).astype("float32")
    for k in range(3):
        model.train_on_batch(xs[k], ys[k])
    model.save(name + ".h5")
    # what a user resuming from the file gets: 2.2.4 loads it and takes the step (not the in-memory model, whose
    # BatchNormalization keeps zero-debiasing state of its moving averages that the file does not hold)
    from keras.models import load_model
    resumed = load_model(name + ".h5")
    resumed.train_on_batch(xs[3], ys[3])
    step[name + "/x"], step[name + "/y"] = xs[3], ys[3]
    for k, w in enumerate(resumed.get_weights()):
        step[f"{name}/w/{k}"] = w
np.savez("trained_step.npz", **step)

# CuDNN layers cannot even be built here (2.2.4 imports tensorflow.contrib for them), so their files are
# written as 2.2.4 would have: the twin LSTM / GRU(reset_after=True) model is saved (cudnn_*_as_224.h5, what
# the oracle loads), then copied with the CuDNN class, the CuDNN config keys and the weights put into the
# CuDNN layout by 2.2.4's own converter (engine/saving.py:_convert_rnn_weights, exact in both directions).
from keras.engine.saving import _convert_rnn_weights
import inspect
for kind, twin, cudnn in (("lstm", LSTM, "CuDNNLSTM"), ("gru", GRU, "CuDNNGRU")):
    name = "cudnn_" + kind
    extra = {"reset_after": True} if kind == "gru" else {}
    layer = twin(5, recurrent_activation="sigmoid", name="rnn", **extra)
    save(name + "_as_224", Model(x, Dense(2)(layer(Reshape((3, 4))(x)))))
    keys = set(inspect.signature(getattr(__import__("keras.layers", fromlist=[cudnn]), cudnn).__init__).parameters)
    with h5py.File(name + "_as_224.h5", "r") as src, h5py.File(name + ".h5", "w") as dst:
        for key in src:
            src.copy(key, dst)
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        config = json.loads(dst.attrs["model_config"])
        for entry in config["config"]["layers"]:
            if entry["name"] == "rnn":
                entry["class_name"] = cudnn
                entry["config"] = {k: v for k, v in entry["config"].items() if k in keys | {"name", "trainable"}}
        dst.attrs["model_config"] = json.dumps(config).encode("utf8")
        group = dst["model_weights"]["rnn"]
        names = [n.decode("utf8") if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]
        target = type(cudnn, (), {})()
        converted = _convert_rnn_weights(target, [group[n][()] for n in names])
        for n, w in zip(names, converted):
            del group[n]
            group[n] = w
np.savez("out.npz", done=np.ones(1))
'''

# every family written above, and whether plain Keras 3 (keras.models.load_model of the .h5) gets it right
# saved with optimizer state (trained three steps by 2.2.4)
TRAINED = ["trained_adam", "trained_sgd"]
FAMILIES = ["dense_hard_sigmoid", "conv_pool_bn", "conv1d_embedding", "simple_rnn", "lstm", "gru",
            "gru_reset_after", "bidirectional", "time_distributed", "convlstm2d", "nested_shared",
            "seq2seq_initial_state", "cudnn_lstm", "cudnn_gru"]
