"""`kfn-gen generate tf-function` from the models a script really builds: run its migration under Keras 3 in
the verifier's sandbox, capture each model, render a TensorFlow-only module, run it against the model.

Every test here runs the sandbox (one Keras 3 subprocess) and a module check (one TensorFlow subprocess);
the numbers asserted are max abs differences between the generated module and the captured Keras 3 model on
seeded inputs, and the shapes Keras 2.2.4 gave (the migration that the generator starts from is verified
against genuine 2.2.4 in tests/numeric/test_verify_*.py).
"""
from __future__ import annotations

import copy
import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

pytest.importorskip("tensorflow")

from kfn_gen.cli import main  # noqa: E402
from kfn_gen.generate.run import ATOL, check_module, generate  # noqa: E402
from kfn_gen.verify.options import VerifyOptions  # noqa: E402
from tests.helpers import ROOT  # noqa: E402

pytestmark = pytest.mark.tf
OPTIONS = VerifyOptions(timeout_s=240)


# Several legacy idioms in one script: one sandbox run and one TensorFlow process check every model.
IDIOMS = """\
import numpy as np
import keras
from keras.layers import (Input, Conv2D, Convolution2D, Flatten, Dense, LSTM, GRU, Embedding, Bidirectional,
                          Lambda, Layer, TimeDistributed, concatenate, Masking, SimpleRNN, Dropout)
from keras.layers.convolutional_recurrent import ConvLSTM2D
from keras.layers.normalization import BatchNormalization
from keras.models import Model, Sequential
from keras import backend as K

# Conv2D(4, 3, 3): 2.2.4's conv2d_args_preprocessor (keras/legacy/interfaces.py) reads a (3, 3) kernel;
# the input shape comes from the data, which the static generator could not read
x_train = np.zeros((10, 8, 8, 1))
inp = Input(shape=x_train.shape[1:])
conv_model = Model(inp, Conv2D(4, 3, 3, activation='relu')(inp))

# Keras-1 keywords: a (3, 3) kernel with 'same' padding, then Dense(3)
k1_in = Input(shape=(8, 8, 2))
c = Convolution2D(nb_filter=4, nb_row=3, nb_col=3, border_mode='same')(k1_in)
keras1_model = Model(input=k1_in, output=Dense(output_dim=3, activation='softmax')(Flatten()(c)))

# a shared LSTM, a Sequential called as a layer, an Embedding, a GRU with 2.2.4's gates, a Bidirectional
# LSTM, two outputs, built in a function
def build(vocab):
    a = Input(shape=(6,), dtype='int32')
    b = Input(shape=(6,), dtype='int32')
    embed = Embedding(vocab, 4)
    shared = LSTM(5, return_sequences=True)
    ea, eb = shared(embed(a)), shared(embed(b))
    head = Sequential([Dense(3, activation='tanh', input_shape=(15,)), Dense(2)])
    both = concatenate([GRU(5)(ea), Bidirectional(LSTM(5))(eb)], axis=-1)
    return Model([a, b], [head(both), Dense(1, activation='sigmoid')(both)])

shared_model = build(30)

# Lambdas (mnist_siamese's euclidean_distance, a lambda reading a script constant) and a keras.ops node
def euclidean_distance(vects):
    x, y = vects
    sum_square = K.sum(K.square(x - y), axis=1, keepdims=True)
    return K.sqrt(K.maximum(sum_square, K.epsilon()))

SCALE = 0.5
la = Input(shape=(4,))
lb = Input(shape=(4,))
base = Dense(3, activation='relu')
d = Lambda(euclidean_distance)([base(la), base(lb)])
h = Lambda(lambda t: K.sum(t * SCALE, axis=-1, keepdims=True) + 1.0)(base(la))
lambda_model = Model([la, lb], keras.ops.concatenate([d, h], axis=-1))

# lstm_seq2seq: an encoder's states as the decoder's initial_state
enc_in = Input(shape=(None, 5))
_, state_h, state_c = LSTM(8, return_state=True)(enc_in)
dec_in = Input(shape=(None, 6))
dec_out, _, _ = LSTM(8, return_sequences=True, return_state=True)(dec_in, initial_state=[state_h, state_c])
seq2seq_model = Model([enc_in, dec_in], Dense(6, activation='softmax')(dec_out))

# conv_lstm: ConvLSTM2D 'same', BatchNormalization, ConvLSTM2D 'valid' with strides 2
conv_lstm_model = Sequential()
conv_lstm_model.add(ConvLSTM2D(filters=4, kernel_size=(3, 3), input_shape=(None, 12, 12, 1), padding='same',
                               return_sequences=True))
conv_lstm_model.add(BatchNormalization())
conv_lstm_model.add(ConvLSTM2D(filters=4, kernel_size=(3, 3), padding='valid', strides=(2, 2)))

# video_qa: a Sequential applied to every frame (TimeDistributed of a model)
frames = Input(shape=(3, 6, 6, 1))
cnn = Sequential([Conv2D(2, (3, 3), activation='relu', input_shape=(6, 6, 1)), Flatten()])
frames_model = Model(frames, LSTM(3)(TimeDistributed(cnn)(frames)))

# a float64 input: Keras casts it to the layer's float32
wide = Input(shape=(4,), dtype='float64')
float64_model = Model(wide, Dense(2)(wide))

# variational_autoencoder: a Lambda that samples (K.shape, K.int_shape, K.random_normal), and seeded noise
# through the migration's K.shape helper
def sampling(args):
    z_mean, z_log_var = args
    batch = K.shape(z_mean)[0]
    dim = K.int_shape(z_mean)[1]
    epsilon = K.random_normal(shape=(batch, dim))
    return z_mean + K.exp(0.5 * z_log_var) * epsilon

v_in = Input(shape=(6,))
z_mean, z_log_var = Dense(2)(v_in), Dense(2)(v_in)
noisy = Lambda(lambda t: t + K.random_uniform(K.shape(t), -1.0, 1.0, seed=3))(z_mean)
vae_model = Model(v_in, [z_mean, z_log_var, Lambda(sampling)([z_mean, z_log_var]), noisy])

# neural_style_transfer: a K.variable image concatenated with a placeholder feeds the model
base_image = K.variable(np.random.RandomState(0).rand(1, 6, 6, 3))
combination = K.placeholder((1, 6, 6, 3))
style_model = Model(combination, Conv2D(2, (3, 3))(K.concatenate([base_image, combination], axis=0)))

# antirectifier: custom layers whose call() is backend arithmetic; one reads its weights, a constant attribute
# and has a parameter with a default
class Antirectifier(Layer):
    def compute_output_shape(self, input_shape):
        return (input_shape[0], 2 * input_shape[1])

    def call(self, inputs):
        inputs -= K.mean(inputs, axis=1, keepdims=True)
        inputs = K.l2_normalize(inputs, axis=1)
        return K.concatenate([K.relu(inputs), K.relu(-inputs)], axis=1)

class Scale(Layer):
    def __init__(self, offset=0.5, **kwargs):
        super(Scale, self).__init__(**kwargs)
        self.offset = offset

    def build(self, input_shape):
        self.gamma = self.add_weight(name='gamma', shape=(input_shape[-1],), initializer='uniform')
        self.beta = self.add_weight(name='beta', shape=(input_shape[-1],), initializer='uniform')
        super(Scale, self).build(input_shape)

    def call(self, x, mask=None):
        return K.tanh(x * self.gamma + self.beta) + self.offset

custom_in = Input(shape=(5,))
custom_model = Model(custom_in, Dense(2)(Scale(offset=0.25)(Antirectifier()(Dense(6)(custom_in)))))

# capsule's squash/softmax: a Lambda that calls the script's own functions (a default argument, a nested call)
def own_softmax(x, axis=-1):
    ex = K.exp(x - K.max(x, axis=axis, keepdims=True))
    return ex / K.sum(ex, axis=axis, keepdims=True)

def squash(x, axis=-1):
    s_squared_norm = K.sum(K.square(x), axis, keepdims=True) + K.epsilon()
    return K.sqrt(s_squared_norm) / (0.5 + s_squared_norm) * own_softmax(x, axis)

fn_in = Input(shape=(3, 4))
functions_model = Model(fn_in, Lambda(lambda t: squash(t, 1) + own_softmax(t))(fn_in))

# masks: Embedding(mask_zero=True) and Masking reach recurrent layers through layers that pass them on (the
# inputs hold zero ids and padded steps)
mask_ids = Input(shape=(7,), dtype='int32')
m_seq = LSTM(5, return_sequences=True)(Embedding(20, 4, mask_zero=True)(mask_ids))
mask_model = Model(mask_ids, [GRU(3, go_backwards=True)(Dropout(0.2)(m_seq)),
                              Bidirectional(SimpleRNN(2, return_sequences=True))(m_seq)])
masking_model = Sequential([Masking(mask_value=0.0, input_shape=(6, 3)), TimeDistributed(Dense(4)), LSTM(3)])

# lstm_stateful: stateful recurrent layers with a fixed batch
stateful_model = Sequential()
stateful_model.add(LSTM(5, batch_input_shape=(4, 3, 1), return_sequences=True, stateful=True))
stateful_model.add(GRU(3, stateful=True))
stateful_model.add(Dense(1))
"""


@pytest.fixture(scope="module")
def idioms(tmp_path_factory):
    path = tmp_path_factory.mktemp("idioms") / "idioms.py"
    path.write_text(IDIOMS, encoding="utf-8")
    captured, modules = generate(str(path), OPTIONS)
    return captured, {m.var: m for m in modules}


def _model(idioms, var):
    captured, modules = idioms
    m = modules[var]
    assert m.error is None, m.error
    assert m.max_abs_diff is not None and m.max_abs_diff <= ATOL, m.max_abs_diff
    assert m.saved_model_max_abs_diff is not None and m.saved_model_max_abs_diff <= ATOL
    return captured.models[m.index], m


def _shapes(desc) -> list:
    return [n["out_shapes"][0] for n in desc["graph"]["nodes"]]


def test_shapes_from_data_and_keras2_conv_arguments_generate_what_2_2_4_built(idioms):
    desc, m = _model(idioms, "conv_model")
    assert _shapes(desc) == [[None, 6, 6, 4]]
    assert "strides=[1, 1]" in m.code and "padding='VALID'" in m.code


def test_keras1_keywords_generate(idioms):
    desc, _ = _model(idioms, "keras1_model")
    assert _shapes(desc)[0] == [None, 8, 8, 4] and _shapes(desc)[-1] == [None, 3]


def test_shared_layers_nested_models_and_recurrent_layers(idioms):
    desc, m = _model(idioms, "shared_model")
    assert m.code.count("    def sequential(self, x):") == 1  # the nested model: one method
    assert m.code.count("tf.Variable(") == len(desc["weights"])
    assert m.code.count("self.lstm_lstm_cell_kernel,") == 2  # the shared LSTM: one set of variables


def test_lambdas_and_keras_ops_nodes_are_translated(idioms):
    _, m = _model(idioms, "lambda_model")
    assert "def euclidean_distance(vects):" in m.code and "1e-07" in m.code and "0.5" in m.code
    assert "tf.concat([" in m.code


def test_an_encoder_state_feeds_a_decoder(idioms):
    _, m = _model(idioms, "seq2seq_model")
    assert "initial_state=[state_h, state_c]" in m.code


def test_conv_lstm2d_generates(idioms):
    desc, _ = _model(idioms, "conv_lstm_model")
    assert _shapes(desc)[-1] == [None, 5, 5, 4]


def test_a_model_applied_to_every_frame(idioms):
    _, m = _model(idioms, "frames_model")
    assert "tf.reshape(self.cnn(tf.reshape(frames, [-1, 6, 6, 1]))" in m.code


def test_a_float64_input_is_cast_as_keras_casts_it(idioms):
    _, m = _model(idioms, "float64_model")
    assert "tf.cast(wide, tf.float32)" in m.code


def _module(code: str, path):
    import importlib.util

    path.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_sampling_lambda_is_compared_with_the_draws_its_model_had(idioms):
    """The Keras 3 model's outputs were captured with the verifier's deterministic stand-in for keras.random;
    the check puts the same stand-in in place of the module's random helpers (max abs diff asserted in
    _model), so the sampled output is compared too, not skipped."""
    _, m = _model(idioms, "vae_model")
    assert "batch = tf.shape(z_mean)[0]" in m.code and "dim = tuple(z_mean.shape)[1]" in m.code
    assert "epsilon = random_normal(shape=(batch, dim))" in m.code
    assert "random_uniform(tf.shape(t), (-1.0), 1.0, seed=3)" in m.code


@pytest.mark.slow  # one more TensorFlow process and a SavedModel: the default tier's budget
def test_the_generated_sampling_draws_real_numbers_and_so_does_its_saved_model(idioms, tmp_path):
    import numpy as np
    import tensorflow as tf

    captured, modules = idioms
    m = copy.copy(modules["vae_model"])
    check_module(m, captured, OPTIONS, saved_model=str(tmp_path / "sm"))
    assert m.matches, m.error
    module = _module(m.code, tmp_path / "vae_module.py")
    x = np.random.default_rng(1).random((4000, 6)).astype("float32")
    served = tf.saved_model.load(str(tmp_path / "sm")).signatures["serving_default"]
    for run in (module.__dict__[m.class_name](captured.weights(m.index)),
                lambda v: [o for _, o in sorted(served(v_in=tf.constant(v)).items(),
                                                key=lambda kv: int(kv[0].rsplit("_", 1)[1]))]):
        first, second = [[np.asarray(o) for o in run(x)] for _ in range(2)]
        eps = (first[2] - first[0]) / np.exp(0.5 * first[1])
        assert abs(eps.mean()) < 0.05 and abs(eps.std() - 1.0) < 0.05, (eps.mean(), eps.std())
        assert np.abs(first[2] - second[2]).max() > 1.0  # a new draw per call
        np.testing.assert_array_equal(first[3], second[3])  # seed=3: the same draw per call, as Keras 3's


def test_an_int_seed_draws_what_keras_3_draws():
    import keras
    import numpy as np
    import tensorflow as tf

    from kfn_gen.render.tf_helpers import HELPERS, RANDOM_HELPERS

    ns = {"tf": tf}
    for draw, helper in RANDOM_HELPERS.items():
        exec(HELPERS[helper], ns)
        want = np.asarray(getattr(keras.random, draw)((5, 3), 0.5, 2.0, seed=7))
        np.testing.assert_array_equal(ns[helper]((5, 3), 0.5, 2.0, seed=7).numpy(), want)
        assert np.abs(ns[helper]((5, 3), 0.5, 2.0, seed=8).numpy() - want).max() > 0.1  # the seed matters


def test_constant_arrays_the_script_fed_to_ops_travel_with_the_module(idioms, tmp_path):
    import numpy as np

    from kfn_gen.generate.run import write_weights

    captured, modules = idioms
    desc, m = _model(idioms, "style_model")
    assert desc["constants"] == [{"shape": [1, 6, 6, 3], "dtype": "float32"}]
    assert "= tf.concat([self.constant_0, combination], axis=0)" in m.code
    write_weights(str(tmp_path / "style.weights.npz"), captured, m.index)
    module = _module(m.code, tmp_path / "style_module.py")
    built = module.__dict__[m.class_name].from_file(str(tmp_path / "style.weights.npz"))
    (x,), (want,) = captured.reference(m.index)
    assert np.abs(np.asarray(built(x)) - want).max() <= ATOL
    other = module.__dict__[m.class_name](captured.weights(m.index), [np.zeros((1, 6, 6, 3), "float32")])
    assert np.abs(np.asarray(other(x)) - want).max() > 1e-2  # the constant is used, not baked in


def test_custom_layers_whose_call_translates_generate(idioms):
    _, m = _model(idioms, "custom_model")
    assert "def antirectifier(inputs):" in m.code and "tf.math.rsqrt(" in m.code
    assert "def scale(x, self_gamma, self_beta):" in m.code and "+ 0.25)" in m.code  # the instance's offset
    assert "Scale.call() (the script's class at idioms.py:" in m.code


def test_a_lambda_calling_the_scripts_own_functions_generates(idioms):
    _, m = _model(idioms, "functions_model")
    assert m.code.count("def own_softmax(x, axis=-1):") == 1 and "def squash(x, axis=-1):" in m.code
    assert "(squash(t, 1) + own_softmax(t))" in m.code


@pytest.fixture(scope="module")
def mutants(idioms):
    """Modules changed to compute something else, checked in one TensorFlow process: the check must fail
    each.  conv_model: elu for relu; masking_model: the mask ignored; stateful_model: the states dropped."""
    from kfn_gen.generate.run import check_modules

    captured, modules = idioms
    changed = {}
    for var, change in (("conv_model", lambda code: code.replace("tf.nn.relu(", "tf.nn.elu(")),
                        ("masking_model", lambda code: code.split("def serve(")[0] + "def serve(" + re.sub(
                            r", mask=\w+", "", code.split("def serve(")[1])),
                        ("stateful_model", lambda code: code.replace("self.states = list(outputs[1:])", "pass"))):
        m = copy.copy(modules[var])
        m.code, m.max_abs_diff, m.saved_model_max_abs_diff = change(m.code), None, None
        assert m.code != modules[var].code
        changed[var] = m
    check_modules(list(changed.values()), captured, OPTIONS, saved_model=False)
    return changed


def test_masks_from_embedding_and_masking_reach_the_recurrent_layers(idioms, mutants):
    """The mask is computed by the graph's own ops and skips steps in the recurrent helpers as Keras does;
    padded steps are in the inputs (a module that ignored the mask fails the check)."""
    captured, modules = idioms
    for var in ("mask_model", "masking_model"):
        _, m = _model(idioms, var)
        assert m.code.split("def serve(")[1].count(", mask=") == (4 if var == "mask_model" else 1)
    m = modules["masking_model"]
    (x,), _ = captured.reference(m.index)
    padded = (x == 0.0).all(axis=-1)
    assert padded.any() and not padded.all()
    unmasked = mutants["masking_model"]
    assert unmasked.max_abs_diff > 1e-3 and not unmasked.matches


def test_stateful_recurrent_layers_take_and_return_their_states(idioms, mutants):
    """serve() takes the states and returns the new ones; __call__ carries them as Keras does.  The check
    calls the module twice and compares both calls with the model's (the second starts from the states the
    first left); a module that dropped the states fails it."""
    import numpy as np

    captured, modules = idioms
    desc, m = _model(idioms, "stateful_model")
    serve = re.search(r"def serve\(self, \w+, (lstm\w*)_h, \1_c, gru\w*_h\):", m.code)
    assert serve, m.code
    assert f"initial_state=[{serve[1]}_h, {serve[1]}_c])" in m.code and "self.states = list(outputs[1:])" in m.code
    first, second = captured.arrays[f"m{m.index}/out/0"], captured.arrays[f"m{m.index}/again/0"]
    assert np.abs(first - second).max() > 1e-3  # the model's second call depends on its states
    stateless = mutants["stateful_model"]
    assert stateless.max_abs_diff > 1e-3 and not stateless.matches


def test_the_check_fails_when_the_module_computes_something_else(mutants):
    m = mutants["conv_model"]
    assert m.max_abs_diff > 1e-3 and not m.matches


def test_a_saved_keras3_model_generates(tmp_path):
    """`generate tf-function model.keras`: the module, its weights file and a SavedModel; the module loads the
    weights with from_file() in a process where it loads no Keras module beyond what TensorFlow loads."""
    import keras

    inp = keras.Input((5,))
    out = keras.layers.Dense(3, activation="relu")(keras.layers.BatchNormalization()(inp))
    model = keras.Model(inp, out)
    model.layers[1].set_weights([w + 0.5 for w in model.layers[1].get_weights()])
    model.save(tmp_path / "m.keras")
    r = CliRunner().invoke(main, ["generate", "tf-function", str(tmp_path / "m.keras"), "-o",
                                  str(tmp_path / "mod.py"), "--saved-model", str(tmp_path / "sm")])
    assert r.exit_code == 0, r.output
    assert "max abs diff" in r.stderr and (tmp_path / "sm" / "saved_model.pb").exists()
    check = f"""
import sys, numpy as np, tensorflow as tf
with_tf = set(sys.modules)  # TensorFlow 2.21 itself imports part of keras.src
sys.path.insert(0, {str(tmp_path)!r})
import mod
m = mod.{r.stderr.split('class ')[1].split()[0]}.from_file({str(tmp_path / 'mod.weights.npz')!r})
x = np.random.default_rng(0).random((2, 5)).astype('float32')
served = tf.saved_model.load({str(tmp_path / 'sm')!r}).signatures['serving_default']
print(float(np.abs(m(x).numpy() - list(served(**{{m.serve.input_signature[0].name: tf.constant(x)}}).values())[0].numpy()).max()))
assert not [m for m in set(sys.modules) - with_tf if m.startswith('keras')]
"""
    proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert float(proc.stdout.split()[-1]) <= ATOL


CANNOT = """\
import numpy as np
from keras.layers import Input, Lambda, Layer, Dense
from keras.models import Model

class Twice(Layer):
    def call(self, x):
        for _ in range(2):  # a Python loop: not translated
            x = x + x
        return x

class Subclassed(Model):
    def call(self, x):
        return x * 2

inp = Input(shape=(4,))
custom_model = Model(inp, Twice()(inp))
lambda_model = Model(inp, Lambda(lambda t: np.flip(t))(inp))
sub_model = Subclassed()
sub_model(np.zeros((1, 4)))

# script names that a generated module must not reuse as they are: Python's, tf, self, its helpers
list = Input(shape=(3,))
tf = Dense(2)(list)
self = Dense(2, name='class')(tf)
check_weights = Dense(2)(self)
names_model = Model(list, check_weights)
"""


def test_what_cannot_be_generated_is_named_not_a_traceback(tmp_path):
    path = tmp_path / "cannot.py"
    path.write_text(CANNOT, encoding="utf-8")
    _, modules = generate(str(path), OPTIONS)
    said = {m.var: m.error for m in modules}
    assert "(Twice from __main__, defined at cannot.py:5): its call() is not translated" in said["custom_model"]
    assert "line 7: For statements are not translated" in said["custom_model"]
    assert "is a Lambda whose function is not translated" in said["lambda_model"]
    assert "subclassed" in said["sub_model"]
    (names,) = [m for m in modules if m.var == "names_model"]
    assert names.matches, names.error
    assert "def __call__(self, list_1):" in names.code and "tf_1 = tf.matmul(list_1, " in names.code
    r = CliRunner().invoke(main, ["generate", "tf-function", str(path), "--model", "custom_model"])
    assert r.exit_code == 2 and "Twice" in r.stderr and "Traceback" not in r.output + r.stderr
    listed = CliRunner().invoke(main, ["generate", "tf-function", str(path), "--list"])
    assert listed.exit_code == 0
    lines = dict(line.split("\t", 1) for line in listed.stdout.splitlines())
    assert "cannot generate" in lines["sub_model"] and "1 input(s)" in lines["names_model"]


@pytest.mark.parametrize("case", ["mlp", pytest.param("shared_vision", marks=pytest.mark.slow)])  # budget
def test_seed_fixtures_generate_and_match(case):
    path = str(ROOT / "fixtures" / "tfgen" / case / "input.py")
    _, modules = generate(path, OPTIONS, last=True)
    (m,) = modules
    assert m.error is None, m.error
    assert m.max_abs_diff <= ATOL and m.saved_model_max_abs_diff <= ATOL, json.dumps(m.__dict__, default=str)[:500]


# Every emitter the idioms above do not reach, in Keras 2.2.4 spelling (one sandbox run, one check).
ZOO = """\
import keras
from keras.layers import (Input, Conv1D, Conv2D, Conv3D, Conv2DTranspose, SeparableConv2D, DepthwiseConv2D,
                          MaxPooling1D, AveragePooling1D, MaxPooling3D, GlobalMaxPooling1D, GlobalAveragePooling2D,
                          GlobalMaxPooling3D, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D, Cropping1D,
                          Cropping2D, Permute, RepeatVector, Reshape, Flatten, LeakyReLU, PReLU, ELU, ReLU, Softmax,
                          Dense, SimpleRNN, GRU, LSTM, Bidirectional, TimeDistributed, Dot, subtract, multiply,
                          average, maximum, minimum, add, BatchNormalization)
from keras.models import Model

seq = Input(shape=(8, 3))
a = Conv1D(4, 3, padding='causal', dilation_rate=2)(seq)
a = ZeroPadding1D((1, 2))(a)
a = Cropping1D((2, 1))(a)
a = MaxPooling1D(2)(a)
a = UpSampling1D(2)(a)
a = AveragePooling1D(2, strides=1, padding='same')(a)
b = SimpleRNN(4, return_sequences=True, go_backwards=True)(seq)
c = GRU(4, reset_after=True, return_sequences=True)(seq)
d = Bidirectional(LSTM(4, return_sequences=True), merge_mode='sum')(seq)
e = Bidirectional(GRU(2), merge_mode='ave')(seq)
f = TimeDistributed(Dense(4))(seq)
m = subtract([a, b])
m = multiply([m, c])
m = average([m, f, d])
m = maximum([m, a])
m = minimum([m, c])
m = add([m, b])
p = Permute((2, 1))(m)
g = GlobalMaxPooling1D()(p)
r = RepeatVector(3)(e)
r = Reshape((6,))(r)
dot2 = Dot(axes=1, normalize=True)([g, Dense(8)(r)])
dot3 = Dot(axes=(2, 2))([m, f])
vec = keras.layers.concatenate([g, r, dot2, Flatten()(dot3)])
vec = LeakyReLU(0.1)(vec)
vec = PReLU()(vec)
vec = ELU(0.5)(vec)
vec = ReLU(max_value=2.0)(Dense(5)(vec))
seq_model = Model(seq, Softmax()(vec))

img = Input(shape=(10, 10, 3))
i = ZeroPadding2D(((1, 0), (2, 1)))(img)
i = Cropping2D(((1, 1), (0, 2)))(i)
i = SeparableConv2D(4, 3, padding='same', depth_multiplier=2)(i)
i = DepthwiseConv2D(3, strides=2)(i)
i = BatchNormalization(axis=1)(i)
i = Conv2DTranspose(3, 3, strides=2, padding='same')(i)
i = UpSampling2D(2)(i)
i = Conv2D(2, 3, dilation_rate=2)(i)
image_model = Model(img, GlobalAveragePooling2D()(i))

vol = Input(shape=(6, 6, 6, 2))
v = Conv3D(3, 3, padding='same')(vol)
v = MaxPooling3D(2)(v)
volume_model = Model(vol, GlobalMaxPooling3D()(v))
"""
ZOO_CLASSES = {"Conv1D", "Conv3D", "Conv2DTranspose", "SeparableConv2D", "DepthwiseConv2D", "MaxPooling1D",
               "AveragePooling1D", "MaxPooling3D", "GlobalMaxPooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling3D",
               "UpSampling1D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D", "Permute",
               "RepeatVector", "Reshape", "LeakyReLU", "PReLU", "ELU", "ReLU", "Softmax", "SimpleRNN", "GRU",
               "Bidirectional", "TimeDistributed", "Dot", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
               "Add", "BatchNormalization"}


def test_every_other_layer_emitter_matches_its_keras_layer(tmp_path):
    """Causal and dilated convolutions, transposed/separable/depthwise convolutions, 1-D and 3-D pooling,
    padding and cropping pairs, every merge, Dot on 2-D (normalized) and 3-D inputs, SimpleRNN going backwards,
    GRU(reset_after=True), Bidirectional sum/ave, the advanced activations, BatchNormalization on axis 1."""
    path = tmp_path / "zoo.py"
    path.write_text(ZOO, encoding="utf-8")
    captured, modules = generate(str(path), OPTIONS)
    assert captured.script_errors == []
    seen = {layer["class"] for m in captured.models for layer in m["graph"]["layers"].values()}
    assert ZOO_CLASSES <= seen, sorted(ZOO_CLASSES - seen)
    assert [m.var for m in modules] == ["seq_model", "image_model", "volume_model"]
    for m in modules:
        assert m.matches, (m.var, m.error, m.max_abs_diff, m.saved_model_max_abs_diff)
