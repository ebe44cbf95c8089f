"""Breadth rules that change numbers: the migrated script computes what genuine Keras 2.2.4 computed.

Each legacy script is migrated by kfn-gen; `kfn_gen.verify` runs the original under
Keras 2.2.4 (tf.compat.v1) and the migration under Keras 3, copies the weights, and compares
outputs, the loss gradient (regularization penalties included) and optimizer steps.  A control
shows the rule matters: the same script with the rule's edit undone (or migrated with
`--defaults keras3`) must NOT match.

Cases: Keras-1 positional `Convolution2D(f, 3, 3)` (Keras 3 reads the 2nd 3 as strides) and
Keras-1 keyword arguments, `Deconvolution2D(f, r, c, output_shape)`, `merge(mode=)`,
`inner_activation='hard_sigmoid'`, numpy integers as `units`, `l1_l2()` defaults (0.01 in 2.2.4, 0 in Keras 3), activity
penalties (Keras 3 divides them by the batch size), `ThresholdedReLU` -> `ReLU(threshold=)`.
"""
from __future__ import annotations

import os
import textwrap

import pytest

pytest.importorskip("tensorflow")

from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402
from kfn_gen.options import Options  # noqa: E402
from kfn_gen.verify import verify_many, verify_pair  # noqa: E402
from tests.helpers import ROOT as REPO  # noqa: E402

pytestmark = [pytest.mark.tf, pytest.mark.legacy]



# The discriminator is one Dense layer: 2.2.4's own train function (tf.compat.v1, ref variables)
# may read a later layer's kernel after its update when computing an earlier layer's gradient, a
# race that makes real multi-layer 2.2.4 training nondeterministic; one trainable layer per model
# has none.  (The verifier feeds gradients computed apart from the updates and is not affected.)
GAN = """\
    import json
    import numpy as np
    from keras.models import Model, Sequential
    from keras.layers import Dense, Input
    from keras.optimizers import SGD
    rng = np.random.RandomState(0)
    d = Sequential([Dense(1, activation='sigmoid', input_shape=(3,))])
    d.compile(optimizer=SGD(lr=0.5), loss='binary_crossentropy')
    g = Sequential([Dense(3, input_shape=(2,))])
    d.trainable = False
    z = Input(shape=(2,))
    combined = Model(z, d(g(z)))
    combined.compile(optimizer=SGD(lr=0.5), loss='binary_crossentropy')
    d.set_weights([rng.uniform(-1, 1, w.shape).astype('float32') for w in d.get_weights()])
    g.set_weights([rng.uniform(-1, 1, w.shape).astype('float32') for w in g.get_weights()])
    x = rng.uniform(-1, 1, (8, 3)).astype('float32')
    y = (rng.uniform(size=(8, 1)) > 0.5).astype('float32')
    noise = rng.uniform(-1, 1, (8, 2)).astype('float32')
    for step in range(3):
        d.train_on_batch(x, y)
        combined.train_on_batch(noise, np.ones((8, 1), 'float32'))
    print(json.dumps({"d": [w.tolist() for w in d.get_weights()], "g": [w.tolist() for w in g.get_weights()]}))
    """

SCRIPTS = {
    # Keras-1 positional kernel + border_mode/init/output_dim; control: Keras 3's reading (strides 3)
    "conv2d_positional": ("""\
        from keras.models import Sequential
        from keras.layers import Convolution2D, MaxPooling2D, Flatten, Dense
        model = Sequential()
        model.add(Convolution2D(6, 3, 3, border_mode='same', input_shape=(12, 12, 2), init='he_normal'))
        model.add(MaxPooling2D(pool_size=(2, 2), dim_ordering='tf'))
        model.add(Flatten())
        model.add(Dense(output_dim=3, activation='softmax'))
        model.compile(loss='categorical_crossentropy', optimizer='sgd')
        """, ("Convolution2D(6, (3, 3),", "Convolution2D(6, 3, 3,")),
    "deconv2d_atrous": ("""\
        from keras.models import Sequential
        from keras.layers import Deconvolution2D, AtrousConvolution2D, Flatten, Dense
        model = Sequential()
        model.add(AtrousConvolution2D(4, 3, 3, atrous_rate=(2, 2), input_shape=(10, 10, 2)))
        model.add(Deconvolution2D(3, 2, 2, (None, 12, 12, 3), subsample=(2, 2)))
        model.add(Flatten())
        model.add(Dense(2))
        model.compile(loss='mse', optimizer='sgd')
        """, ("Conv2DTranspose(3, (2, 2),", "Conv2DTranspose(3, 2, 2,")),
    "lstm_keras1_hard_sigmoid": ("""\
        from keras.layers import Input, LSTM, Dense
        from keras.models import Model
        x = Input(shape=(7, 3))
        h = LSTM(output_dim=5, inner_activation='hard_sigmoid', init='glorot_uniform')(x)
        model = Model(input=x, output=Dense(2)(h))
        model.compile(loss='mse', optimizer='sgd')
        """, "keras3"),
    "l1_l2_defaults": ("""\
        from keras.models import Sequential
        from keras.layers import Dense
        from keras.regularizers import l1_l2
        model = Sequential()
        model.add(Dense(8, input_dim=6, activation='tanh', kernel_regularizer=l1_l2()))
        model.add(Dense(2, kernel_regularizer=l1_l2(l1=0.05)))
        model.compile(loss='mse', optimizer='sgd')
        """, "keras3"),
    "activity_regularizer": ("""\
        from keras.models import Sequential
        from keras.layers import Dense, ActivityRegularization
        from keras import regularizers
        model = Sequential()
        model.add(Dense(8, input_dim=6, activation='relu', activity_regularizer=regularizers.l2(0.1)))
        model.add(ActivityRegularization(l1=0.05))
        model.add(Dense(2))
        model.compile(loss='mse', optimizer='sgd')
        """, "keras3"),
    "thresholded_relu": ("""\
        from keras.models import Sequential
        from keras.layers import Dense
        from keras.layers.advanced_activations import ThresholdedReLU
        model = Sequential()
        model.add(Dense(16, input_dim=4))
        model.add(ThresholdedReLU(theta=0.3))
        model.add(Dense(3))
        model.compile(loss='mse', optimizer='sgd')
        """, ("ReLU(threshold=0.3)", "ReLU()")),
    "thresholded_relu_default": ("""\
        from keras.models import Sequential
        from keras.layers import Dense, ThresholdedReLU
        model = Sequential()
        model.add(Dense(16, input_dim=4))
        model.add(ThresholdedReLU())
        model.add(Dense(3))
        model.compile(loss='mse', optimizer='sgd')
        """, ("ReLU(threshold=1.0)", "ReLU()")),
    # numpy integers as units/output_dim (reuters_mlp: `num_classes = np.max(y_train) + 1`): 2.2.4 took
    # them, Keras 3 rejects them; control: the migration without int() raises in Keras 3
    "numpy_integer_units": ("""\
        import numpy as np
        from keras.models import Sequential
        from keras.layers import Dense, Embedding, LSTM
        y = np.array([3, 1, 2, 4])
        num_classes = np.max(y) + 1
        model = Sequential()
        model.add(Embedding(20, num_classes, input_length=6))
        model.add(LSTM(num_classes - 2))
        model.add(Dense(num_classes, activation='softmax'))
        model.compile(loss='categorical_crossentropy', optimizer='sgd')
        """, ("Dense(int(num_classes)", "Dense(num_classes")),
    # a GAN: the discriminator is compiled, then frozen for the combined model; 2.2.4 kept training it
    # through its own train_on_batch (weights collected at compile); control: without the helper the
    # migrated discriminator trains nothing (Keras 3 takes the weights when it first trains)
    "gan_trainable_after_compile": (GAN, ("keras224_train_as_compiled(d)\n", "\n")),
    # 2.2.4's cosine_proximity (losses.py:76, re-exported by keras.metrics) is -sum(l2n(t) * l2n(p));
    # `metrics.cosine_proximity` -> keras.losses.cosine_similarity (Keras 3's keras.metrics has none);
    # control: the positive cosine (keras.metrics.CosineSimilarity's sign) trains the other way
    # a backend function passed as a value (not called): Keras 3's keras.backend has neither
    "backend_function_reference": ("""\
        from keras import backend as K
        from keras.models import Sequential
        from keras.layers import Dense, Lambda
        model = Sequential([Dense(6, input_shape=(5,)), Lambda(K.exp), Lambda(K.tanh), Dense(2)])
        model.compile(loss='mse', optimizer='sgd')
        """, ("Lambda(keras.ops.exp)", "Lambda(K.exp)")),
    # a default Keras 3 made required: AveragePooling2D() pooled 2x2 in 2.2.4, raises TypeError in Keras 3
    "average_pooling_default": ("""\
        from keras.models import Sequential
        from keras.layers import Conv2D, AveragePooling2D, Flatten, Dense
        from keras.layers.pooling import AveragePooling1D
        from keras.layers import Reshape
        model = Sequential([Conv2D(3, (3, 3), input_shape=(8, 8, 1)), AveragePooling2D(), Reshape((9, 3)),
                            AveragePooling1D(), Flatten(), Dense(2)])
        model.compile(loss='mse', optimizer='sgd')
        """, ("AveragePooling2D(pool_size=(2, 2))", "AveragePooling2D()")),
    # a Bidirectional's sequences at padded steps (the verifier draws padded steps for a Masking input):
    # 2.2.4 repeats the last output, Keras 3's Bidirectional outputs zeros
    "masked_bidirectional": ("""\
        from keras.models import Sequential
        from keras.layers import Masking, LSTM, Bidirectional, Dense, TimeDistributed
        model = Sequential()
        model.add(Masking(mask_value=0.0, input_shape=(6, 3)))
        model.add(Bidirectional(LSTM(4, return_sequences=True)))
        model.add(TimeDistributed(Dense(2)))
        model.compile(loss='mse', optimizer='sgd')
        """, ("model.add(keras224_Bidirectional(", "model.add(Bidirectional(")),
    # a Bidirectional of a layer that already runs backwards: 2.2.4's backward copy runs forwards; Keras 3
    # raises (both backwards) unless given that copy
    "bidirectional_go_backwards": ("""\
        from keras.models import Sequential
        from keras.layers import LSTM, Bidirectional, Dense
        model = Sequential()
        model.add(Bidirectional(LSTM(3, return_sequences=True, go_backwards=True), input_shape=(6, 3)))
        model.add(Dense(2))
        model.compile(loss='mse', optimizer='sgd')
        """, (", backward_layer=LSTM(3, return_sequences=True, go_backwards=False, "
              "recurrent_activation=keras224_hard_sigmoid)", "")),
    # shapes read from layers known only at run time: Keras 3 layers have no input_shape/output_shape
    "run_time_layer_shapes": ("""\
        from keras.models import Sequential
        from keras.layers import Dense, Reshape
        model = Sequential([Dense(6, input_shape=(5,)), Reshape((2, 3)), Dense(4)])
        model.compile(loss='mse', optimizer='sgd')
        shapes = [(layer.input_shape, layer.output_shape) for layer in model.layers]
        assert shapes == [((None, 5), (None, 6)), ((None, 6), (None, 2, 3)), ((None, 2, 3), (None, 2, 4))], shapes
        """, ("keras224_shape(layer, 'output_shape')", "layer.output_shape")),
    # a layer on 2.2.4's private merge base (2.2.4: keras.layers.merge._Merge; Keras 3 has none): 2.2.4's class is
    # defined in the script; inputs of lower rank get axes after the batch axis.  Control: the helper with the
    # axes inserted last instead
    "merge_subclass": ("""\
        from keras.layers import Input, Dense
        from keras.layers.merge import _Merge
        from keras.models import Model
        class WeightedSum(_Merge):
            def _merge_function(self, inputs):
                return 0.3 * inputs[0] + 0.7 * inputs[1]
        a = Input(shape=(4, 3))
        b = Input(shape=(3,))
        s = WeightedSum()([Dense(3)(a), Dense(3)(b)])
        model = Model([a, b], Dense(2)(s))
        model.compile(loss='mse', optimizer='sgd')
        """, ("x = keras.ops.expand_dims(x, 1)", "x = keras.ops.expand_dims(x, -1)")),
    # a Keras 1 recurrent layer on 2.2.4's Recurrent base (step() returns an output that is not its state),
    # behind a mask: at padded steps 2.2.4 kept the states and output states[0].  Control: zeros there
    # (what Keras 3's own RNN layers output)
    "recurrent_subclass": ("""\
        from keras import backend as K
        from keras.layers import Masking, Dense, TimeDistributed
        from keras.layers.recurrent import Recurrent
        from keras.models import Sequential
        class MinimalRNN(Recurrent):
            def __init__(self, units, **kwargs):
                super(MinimalRNN, self).__init__(**kwargs)
                self.units = units
            def build(self, input_shape):
                self.states = [None]
                self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer='glorot_uniform',
                                              name='kernel')
                self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer='orthogonal',
                                                        name='recurrent_kernel')
                self.built = True
            def step(self, inputs, states):
                h = K.tanh(K.dot(inputs, self.kernel) + K.dot(states[0], self.recurrent_kernel))
                return 2.0 * h, [h]
        model = Sequential()
        model.add(Masking(mask_value=0.0, input_shape=(6, 3)))
        model.add(MinimalRNN(4, return_sequences=True))
        model.add(TimeDistributed(Dense(2)))
        model.compile(loss='mse', optimizer='sgd')
        """, ("output = keras.ops.where(masks[t], output, kept)",
              "output = keras.ops.where(masks[t], output, keras.ops.zeros_like(output))")),
    # a feature extractor cut from a Sequential: Keras 3's Sequential has no .input/.output until called
    "sequential_input_output": ("""\
        from keras.models import Sequential, Model
        from keras.layers import Dense
        model = Sequential()
        model.add(Dense(8, input_shape=(5,), activation='tanh'))
        model.add(Dense(3))
        model.compile(loss='mse', optimizer='sgd')
        features = Model(inputs=model.input, outputs=model.layers[0].output)
        head = Model(model.input, model.output)
        """, ("Model(inputs=model.inputs[0],", "Model(inputs=model.input,")),
    "cosine_proximity_attribute": ("""\
        from keras import metrics
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential([Dense(4, input_shape=(5,)), Dense(3)])
        model.compile(loss=metrics.cosine_proximity, optimizer='sgd')
        """, ("loss=keras.losses.cosine_similarity", "loss=lambda t, p: -keras.losses.cosine_similarity(t, p)")),
}


# Keras 1 `merge(mode=)` cannot run under 2.2.4 (it was removed in Keras 2.2): the oracle is the
# Keras 2 function form that Keras 2.0's deprecation message pointed to, run by genuine 2.2.4.
MERGE_KERAS1 = """\
    from keras.layers import Input, Dense, merge
    from keras.models import Model
    a = Input(shape=(5,))
    b = Input(shape=(5,))
    ha = Dense(4)(a)
    hb = Dense(4)(b)
    s = merge([ha, hb], mode='sum')
    m = merge([ha, hb], mode='mul')
    d = merge([ha, hb], mode='dot', dot_axes=1)
    c = merge([s, m, ha], mode='concat', concat_axis=-1)
    model = Model(input=[a, b], output=[Dense(2)(c), d])
    model.compile(loss='mse', optimizer='sgd')
    """
MERGE_KERAS2 = """\
    from keras.layers import Input, Dense, add, multiply, dot, concatenate
    from keras.models import Model
    a = Input(shape=(5,))
    b = Input(shape=(5,))
    ha = Dense(4)(a)
    hb = Dense(4)(b)
    s = add([ha, hb])
    m = multiply([ha, hb])
    d = dot([ha, hb], axes=1)
    c = concatenate([s, m, ha], axis=-1)
    model = Model(inputs=[a, b], outputs=[Dense(2)(c), d])
    model.compile(loss='mse', optimizer='sgd')
    """


def test_keras1_merge_matches_keras224_function_form(tmp_path, legacy_dir):
    old = tmp_path / "merge_keras2.py"
    old.write_text(textwrap.dedent(MERGE_KERAS2))
    result = migrate_source(textwrap.dedent(MERGE_KERAS1), "merge_keras1.py")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert "merge" not in result.code.replace("keras224", "")
    new = tmp_path / "merge_keras1_k3.py"
    new.write_text(result.code)
    report = verify_pair(str(old), str(new), legacy_dir=legacy_dir, timeout_s=240)
    assert report.status == "match", report.format_table()


def _write_pair(tmp_path, name, options=Options(), undo=None):
    src, _ = SCRIPTS[name]
    old = tmp_path / f"{name}.py"
    old.write_text(textwrap.dedent(src))
    result = migrate_source(old.read_text(), str(old), options)
    assert result.ok, [d.format() for d in result.diagnostics]
    code = result.code
    if undo is not None:
        done, undone = undo
        assert done in code, code
        code = code.replace(done, undone)
    new = tmp_path / f"{name}_k3.py"
    new.write_text(code)
    return str(old), str(new)


CONTROLS = sorted(n for n, (_, control) in SCRIPTS.items() if control is not None)


@pytest.fixture(scope="module")
def reports(tmp_path_factory, legacy_dir):
    """Every migration, every control and the CuDNN pairs verified in one batch: each side boots TensorFlow
    once for all of them instead of once per pair (verify_many gives verify_pair's verdicts; a script that
    crashes its process is re-run alone)."""
    keys, pairs = [], []
    for name in sorted(SCRIPTS):
        keys.append(("migrated", name))
        pairs.append(_write_pair(tmp_path_factory.mktemp("migrated"), name))
    for name in CONTROLS:
        control = SCRIPTS[name][1]
        tmp = tmp_path_factory.mktemp("control")
        keys.append(("control", name))
        pairs.append(_write_pair(tmp, name, Options(defaults="keras3")) if control == "keras3"
                     else _write_pair(tmp, name, undo=control))
    for name in sorted(CUDNN_PAIRS):
        keys.append(("cudnn", name))
        pairs.append(_write_cudnn_pair(tmp_path_factory.mktemp("cudnn"), name))
    return dict(zip(keys, verify_many(pairs, legacy_dir=legacy_dir, timeout_s=240)))


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_migrated_matches_keras224(reports, name):
    report = reports[("migrated", name)]
    assert report.status == "match", report.format_table()


@pytest.mark.parametrize("name", CONTROLS)
def test_control_without_the_rule_differs(reports, name):
    report = reports[("control", name)]
    assert report.status != "match", report.format_table()


# CuDNNLSTM/CuDNNGRU cannot run under 2.2.4 today (they call tf.contrib.cudnn_rnn, gone from TF 2).
# 2.2.4 defines their plain-TF equivalent itself: engine/saving.py:_convert_rnn_weights converts
# CuDNNLSTM weights into `LSTM` (tanh, sigmoid gates, unit_forget_bias) and CuDNNGRU weights into
# `GRU(reset_after=True)` with sigmoid gates.  The migrated CuDNN script must compute what those
# 2.2.4 layers compute.
CUDNN_PAIRS = {
    "lstm": ("""\
        from keras.layers import Input, CuDNNLSTM, Dense
        from keras.models import Model
        x = Input(shape=(6, 3))
        h = CuDNNLSTM(5, return_sequences=True)(x)
        model = Model(x, Dense(2)(h))
        model.compile(loss='mse', optimizer='sgd')
        """, """\
        from keras.layers import Input, LSTM, Dense
        from keras.models import Model
        x = Input(shape=(6, 3))
        h = LSTM(5, recurrent_activation='sigmoid', unit_forget_bias=True, return_sequences=True)(x)
        model = Model(x, Dense(2)(h))
        model.compile(loss='mse', optimizer='sgd')
        """),
    "gru": ("""\
        from keras.layers import Input, CuDNNGRU, Dense
        from keras.models import Model
        x = Input(shape=(6, 3))
        h = CuDNNGRU(4)(x)
        model = Model(x, Dense(2)(h))
        model.compile(loss='mse', optimizer='sgd')
        """, """\
        from keras.layers import Input, GRU, Dense
        from keras.models import Model
        x = Input(shape=(6, 3))
        h = GRU(4, recurrent_activation='sigmoid', reset_after=True)(x)
        model = Model(x, Dense(2)(h))
        model.compile(loss='mse', optimizer='sgd')
        """),
}


def _write_cudnn_pair(tmp_path, name):
    cudnn, equivalent = CUDNN_PAIRS[name]
    old = tmp_path / f"{name}_224.py"
    old.write_text(textwrap.dedent(equivalent))
    result = migrate_source(textwrap.dedent(cudnn), f"{name}_cudnn.py")
    assert result.ok and "CuDNN" not in result.code
    new = tmp_path / f"{name}_cudnn_k3.py"
    new.write_text(result.code)
    return str(old), str(new)


@pytest.mark.parametrize("name", sorted(CUDNN_PAIRS))
def test_cudnn_migration_matches_keras224_equivalent(reports, name):
    report = reports[("cudnn", name)]
    assert report.status == "match", report.format_table()


# `weights=` layer argument: 2.2.4 set the weights in Layer.__call__ right after build
# (engine/base_layer.py:435); the migration wraps the layer in a helper that does the same.  The
# verifier copies the legacy weights into the migrated model, so it cannot see this: the script
# prints its own predictions, run under genuine 2.2.4 and under Keras 3.  Three build paths:
# Sequential.add with an input shape, a functional call, and a Sequential without one (built inside
# the first traced predict under Keras 3).
LAYER_WEIGHTS = """\
    import json
    import numpy as np
    from keras.models import Sequential, Model
    from keras.layers import Conv2D, Dense, Flatten, Input
    rng = np.random.RandomState(0)
    wc = [rng.uniform(-1, 1, (3, 3, 2, 4)).astype('float32'), rng.uniform(-1, 1, 4).astype('float32')]
    wd = [rng.uniform(-1, 1, (100, 3)).astype('float32'), rng.uniform(-1, 1, 3).astype('float32')]
    x = rng.uniform(-1, 1, (2, 5, 5, 2)).astype('float32')
    a = Sequential()
    a.add(Conv2D(4, 3, padding='same', input_shape=(5, 5, 2), weights=wc))
    a.add(Flatten())
    a.add(Dense(3, weights=wd))
    b = Sequential()
    b.add(Dense(3, weights=[wd[0][:50], wd[1]]))
    inp = Input(shape=(7,))
    c = Model(inp, Dense(3, weights=[wd[0][:7], wd[1]])(inp))
    flat = x.reshape(2, -1)
    print(json.dumps({"a": a.predict(x, verbose=0).tolist(), "b": b.predict(flat[:, :50], verbose=0).tolist(),
                      "c": c.predict(flat[:, :7], verbose=0).tolist(),
                      "w": [float(np.abs(w - v).max()) for w, v in zip(a.layers[0].get_weights(), wc)]}))
    """
_BOOT_224 = "import sys; sys.path.insert(0, sys.argv[2]); from kfn_gen.verify.worker.shim224 import boot; boot(sys.argv[1]); " \
            "exec(compile(open(sys.argv[3]).read(), sys.argv[3], 'exec'))"


def _last_json(cmd, cwd):
    import json
    import subprocess
    import sys

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1")
    proc = subprocess.run([sys.executable, *cmd], capture_output=True, text=True, timeout=300, env=env, cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_layer_weights_argument_matches_keras224(tmp_path, legacy_dir):
    import numpy as np

    root = str(REPO)
    old = tmp_path / "layer_weights.py"
    old.write_text(textwrap.dedent(LAYER_WEIGHTS))
    result = migrate_source(old.read_text(), str(old))
    assert result.ok, [d.format() for d in result.diagnostics]
    assert ", weights=" not in result.code and result.code.count("keras224_initial_weights(") == 1 + 4  # the def, 4 layers
    new = tmp_path / "layer_weights_k3.py"
    new.write_text(result.code)
    control = tmp_path / "layer_weights_control.py"  # the helper made a no-op: Keras 3's own initial weights
    assert "    layer.build = build_then_set_weights\n" in result.code
    control.write_text(result.code.replace("    layer.build = build_then_set_weights\n", ""))

    legacy = _last_json(["-c", _BOOT_224, legacy_dir, root, str(old)], str(tmp_path))
    migrated = _last_json([str(new)], str(tmp_path))
    undone = _last_json([str(control)], str(tmp_path))
    eager = tmp_path / "layer_weights_no_init_scope.py"  # set_weights inside the trace: lost for `b`
    eager.write_text(result.code.replace('if keras.backend.backend() == "tensorflow":', 'if False:'))
    assert _last_json([str(eager)], str(tmp_path))["b"] != legacy["b"]
    assert legacy["w"] == [0.0, 0.0] and migrated["w"] == [0.0, 0.0]
    for key in ("a", "b", "c"):
        assert np.max(np.abs(np.array(legacy[key]) - np.array(migrated[key]))) <= 1e-5, key
        assert np.max(np.abs(np.array(legacy[key]) - np.array(undone[key]))) > 1e-2, key


def test_gan_training_matches_keras224(tmp_path, legacy_dir):
    """Real training (the verifier stubs fit/train_on_batch): three alternating discriminator and
    combined steps give 2.2.4's weights; without the helper the discriminator never trains."""
    import numpy as np

    root = str(REPO)
    old = tmp_path / "gan.py"
    old.write_text(textwrap.dedent(GAN))
    result = migrate_source(old.read_text(), str(old))
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.code.count("keras224_train_as_compiled(") == 1 + 1  # the def, after d.compile only
    new = tmp_path / "gan_k3.py"
    new.write_text(result.code)
    control = tmp_path / "gan_control.py"
    control.write_text(result.code.replace("keras224_train_as_compiled(d)\n", "\n"))
    legacy = _last_json(["-c", _BOOT_224, legacy_dir, root, str(old)], str(tmp_path))
    migrated = _last_json([str(new)], str(tmp_path))
    undone = _last_json([str(control)], str(tmp_path))

    def diff(a, b, key):
        return max(float(np.max(np.abs(np.array(u) - np.array(v)))) for u, v in zip(a[key], b[key]))

    for key in ("d", "g"):
        assert diff(legacy, migrated, key) <= 1e-5, key
        assert diff(legacy, undone, key) > 1e-2, key
