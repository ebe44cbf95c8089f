"""`kfn-gen generate tf-function` from the models a script really builds: run its migration under Keras 3 in
the verifier's sandbox, capture each model, render a TensorFlow-only module, run it against the model.

Every test here runs the sandbox (one Keras 3 subprocess) and a module check (one TensorFlow subprocess);
the numbers asserted are max abs differences between the generated module and the captured Keras 3 model on
seeded inputs, and the shapes Keras 2.2.4 gave (the migration that the generator starts from is verified
against genuine 2.2.4 in tests/numeric/test_verify_*.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

pytest.importorskip("tensorflow")

from kfn_gen.cli import main  # noqa: E402
from kfn_gen.generate.run import ATOL, check_module, generate  # noqa: E402
from kfn_gen.verify.options import VerifyOptions  # noqa: E402
from tests.helpers import ROOT  # noqa: E402

pytestmark = pytest.mark.tf
OPTIONS = VerifyOptions(timeout_s=240)


def _script(tmp_path, text: str, name: str = "script.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def test_shapes_from_data_and_keras2_conv_arguments_generate_what_2_2_4_built(tmp_path):
    """Conv2D(4, 3, 3): 2.2.4's conv2d_args_preprocessor (keras/legacy/interfaces.py) reads the two 3s as a
    (3, 3) kernel, so on 8x8 inputs 2.2.4 gave (None, 6, 6, 4); the input shape comes from the data
    (x_train.shape[1:]), which the earlier, static generator could not read."""
    path = _script(tmp_path, """\
        import numpy as np
        from keras.layers import Input, Conv2D
        from keras.models import Model
        x_train = np.zeros((10, 8, 8, 1))
        inp = Input(shape=x_train.shape[1:])
        conv = Conv2D(4, 3, 3, activation='relu')(inp)
        model = Model(inp, conv)
        """)
    captured, (m,) = generate(path, OPTIONS)
    assert m.error is None, m.error
    assert captured.models[0]["graph"]["nodes"][0]["out_shapes"] == [[None, 6, 6, 4]]
    assert m.max_abs_diff is not None and m.max_abs_diff <= ATOL
    assert m.saved_model_max_abs_diff is not None and m.saved_model_max_abs_diff <= ATOL
    assert "strides=[1, 1]" in m.code and "padding='VALID'" in m.code


def test_keras1_keywords_generate(tmp_path):
    """Keras-1 keywords (nb_filter, nb_row, nb_col, border_mode, output_dim): 2.2.4 built a (3, 3) kernel with
    'same' padding, so (None, 8, 8, 4), then Dense(3)."""
    path = _script(tmp_path, """\
        from keras.layers import Input, Convolution2D, Flatten, Dense
        from keras.models import Model
        inp = Input(shape=(8, 8, 2))
        c = Convolution2D(nb_filter=4, nb_row=3, nb_col=3, border_mode='same')(inp)
        out = Dense(output_dim=3, activation='softmax')(Flatten()(c))
        model = Model(input=inp, output=out)
        """)
    captured, (m,) = generate(path, OPTIONS)
    assert m.error is None, m.error
    shapes = [n["out_shapes"][0] for n in captured.models[0]["graph"]["nodes"]]
    assert shapes[0] == [None, 8, 8, 4] and shapes[-1] == [None, 3]
    assert m.max_abs_diff <= ATOL and m.saved_model_max_abs_diff <= ATOL


def test_shared_layers_nested_models_and_recurrent_layers(tmp_path):
    """A shared LSTM (one set of variables, two calls), a Sequential called as a layer (one method), an
    Embedding, a GRU with 2.2.4's gates, a Bidirectional LSTM, two outputs, models built in a function."""
    path = _script(tmp_path, """\
        from keras.layers import Input, LSTM, GRU, Dense, Embedding, Bidirectional, concatenate
        from keras.models import Model, Sequential

        def build(vocab):
            a = Input(shape=(6,), dtype='int32')
            b = Input(shape=(6,), dtype='int32')
            embed = Embedding(vocab, 4)
            shared = LSTM(5, return_sequences=True)
            ea, eb = shared(embed(a)), shared(embed(b))
            head = Sequential([Dense(3, activation='tanh', input_shape=(15,)), Dense(2)])
            both = concatenate([GRU(5)(ea), Bidirectional(LSTM(5))(eb)], axis=-1)
            return Model([a, b], [head(both), Dense(1, activation='sigmoid')(both)])

        model = build(30)
        """)
    captured, modules = generate(path, OPTIONS, only="model")
    (m,) = modules
    assert m.error is None, m.error
    assert m.max_abs_diff <= ATOL and m.saved_model_max_abs_diff <= ATOL
    assert m.code.count("    def sequential(self, x):") == 1  # the nested model: one method
    assert m.code.count("tf.Variable(") == len(captured.models[-1]["weights"])


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
print(float(np.abs(m(x).numpy() - tf.saved_model.load({str(tmp_path / 'sm')!r})(x).numpy()).max()))
assert not [m for m in set(sys.modules) - with_tf if m.startswith('keras')]
"""
    proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert float(proc.stdout.split()[-1]) <= ATOL


def test_the_check_fails_when_the_module_computes_something_else(tmp_path):
    path = _script(tmp_path, """\
        from keras.layers import Input, Dense
        from keras.models import Model
        inp = Input(shape=(4,))
        model = Model(inp, Dense(3, activation='relu')(inp))
        """)
    captured, (m,) = generate(path, OPTIONS, check=False)
    assert m.max_abs_diff is None
    m.code = m.code.replace("tf.nn.relu(", "tf.nn.elu(")
    check_module(m, captured, OPTIONS, saved_model=False)
    assert m.max_abs_diff > 1e-3 and not m.matches


@pytest.mark.parametrize("body, says", [
    ("model = Model(inp, Lambda(lambda t: np.flip(t))(inp))", "is a Lambda whose function is not translated"),
    ("class Twice(Model):\n    def call(self, x):\n        return x * 2\nmodel = Twice()\nmodel(np.zeros((1, 4)))",
     "subclassed"),
])
def test_what_cannot_be_generated_is_named_not_a_traceback(tmp_path, body, says):
    path = _script(tmp_path, "import numpy as np\nfrom keras.layers import Input, Lambda\nfrom keras.models import "
                             "Model\ninp = Input(shape=(4,))\n" + body + "\n")
    r = CliRunner().invoke(main, ["generate", "tf-function", path])
    assert r.exit_code == 2 and says in r.stderr and "Traceback" not in r.output + r.stderr


@pytest.mark.parametrize("case", ["mlp", "shared_vision", "residual", "multio"])
def test_seed_fixtures_generate_and_match(case):
    path = str(ROOT / "fixtures" / "tfgen" / case / "input.py")
    _, modules = generate(path, OPTIONS, last=True)
    (m,) = modules
    assert m.error is None, m.error
    assert m.max_abs_diff <= ATOL and m.saved_model_max_abs_diff <= ATOL, json.dumps(m.__dict__, default=str)[:500]


def test_lambdas_and_keras_ops_nodes_are_translated(tmp_path):
    """A def with tuple unpacking and K.epsilon() (mnist_siamese's euclidean_distance), a lambda reading a
    script constant, and a keras.ops call on Keras tensors (an op node of the graph)."""
    path = _script(tmp_path, """\
        import keras
        from keras.layers import Input, Dense, Lambda
        from keras.models import Model
        from keras import backend as K

        def euclidean_distance(vects):
            x, y = vects
            sum_square = K.sum(K.square(x - y), axis=1, keepdims=True)
            return K.sqrt(K.maximum(sum_square, K.epsilon()))

        SCALE = 0.5
        a = Input(shape=(4,))
        b = Input(shape=(4,))
        base = Dense(3, activation='relu')
        d = Lambda(euclidean_distance)([base(a), base(b)])
        h = Lambda(lambda t: K.sum(t * SCALE, axis=-1, keepdims=True) + 1.0)(base(a))
        both = keras.ops.concatenate([d, h], axis=-1)
        model = Model([a, b], both)
        """)
    _, (m,) = generate(path, OPTIONS)
    assert m.error is None, m.error
    assert "def euclidean_distance(vects):" in m.code and "1e-07" in m.code and "0.5" in m.code
    assert "tf.concat([" in m.code
    assert m.max_abs_diff <= ATOL and m.saved_model_max_abs_diff <= ATOL


def test_an_encoder_state_feeds_a_decoder(tmp_path):
    """lstm_seq2seq's pattern: LSTM(return_state=True) states as the decoder's initial_state."""
    path = _script(tmp_path, """\
        from keras.layers import Input, LSTM, Dense
        from keras.models import Model
        enc_in = Input(shape=(None, 5))
        _, h, c = LSTM(8, return_state=True)(enc_in)
        dec_in = Input(shape=(None, 6))
        dec_out, _, _ = LSTM(8, return_sequences=True, return_state=True)(dec_in, initial_state=[h, c])
        model = Model([enc_in, dec_in], Dense(6, activation='softmax')(dec_out))
        """)
    _, (m,) = generate(path, OPTIONS)
    assert m.error is None, m.error
    assert "initial_state=[h, c]" in m.code
    assert m.max_abs_diff <= ATOL and m.saved_model_max_abs_diff <= ATOL


def test_a_custom_layer_is_named_with_its_line(tmp_path):
    path = _script(tmp_path, """\
        from keras.layers import Input, Layer
        from keras.models import Model

        class Twice(Layer):
            def call(self, x):
                return x * 2

        inp = Input(shape=(4,))
        model = Model(inp, Twice()(inp))
        """)
    r = CliRunner().invoke(main, ["generate", "tf-function", path])
    assert r.exit_code == 2 and "(Twice from __main__, defined at script.py:4)" in r.stderr


def test_conv_lstm2d_generates(tmp_path):
    """conv_lstm's layers: ConvLSTM2D over frames ('same', then 'valid' with strides 2), BatchNormalization
    between them, Keras-2 module paths."""
    path = _script(tmp_path, """\
        from keras.models import Sequential
        from keras.layers.convolutional_recurrent import ConvLSTM2D
        from keras.layers.normalization import BatchNormalization
        seq = Sequential()
        seq.add(ConvLSTM2D(filters=4, kernel_size=(3, 3), input_shape=(None, 12, 12, 1), padding='same',
                           return_sequences=True))
        seq.add(BatchNormalization())
        seq.add(ConvLSTM2D(filters=4, kernel_size=(3, 3), padding='valid', strides=(2, 2)))
        """)
    captured, (m,) = generate(path, OPTIONS)
    assert m.error is None, m.error
    assert captured.models[0]["graph"]["nodes"][-1]["out_shapes"] == [[None, 5, 5, 4]]
    assert m.max_abs_diff <= ATOL and m.saved_model_max_abs_diff <= ATOL
