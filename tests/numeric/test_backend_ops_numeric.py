"""K.* calls migrated by backend-ops compute what genuine Keras 2.2.4's backend computed.

One script per group puts many backend calls into Lambda layers of one multi-output model; kfn-gen
migrates it; `kfn_gen.verify` runs (all pairs in one batch) the original under Keras 2.2.4 (tf.compat.v1) and the migration
under Keras 3 and compares every output on seeded inputs (max abs diff <= 1e-5).  Each group has a
control: the migration with one of the rule's semantic choices undone must NOT match (so the test
can fail, and the choice is what makes it pass).
"""
from __future__ import annotations

import textwrap

import pytest

pytest.importorskip("tensorflow")

from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402
from tests.helpers import verify_in_one_batch  # noqa: E402

pytestmark = [pytest.mark.tf, pytest.mark.legacy]

# batch_dot in every rank/axes case 2.2.4 handles (its algorithm, not a general contraction), and the
# capsule example's two calls; then reductions/layout ops whose Keras 3 defaults differ.
BATCH_DOT = """\
    from keras.layers import Input, Lambda
    from keras.models import Model
    from keras import backend as K
    a = Input(shape=(3, 4))
    b = Input(shape=(3, 4))
    c = Input(shape=(2, 3, 4))
    v = Input(shape=(4,))
    w = Input(shape=(4,))
    outs = [
        Lambda(lambda t: K.batch_dot(t[0], t[1], axes=1))([v, w]),                              # 2-D
        Lambda(lambda t: K.batch_dot(t[0], K.permute_dimensions(t[1], (0, 2, 1))))([a, b]),    # axes None
        Lambda(lambda t: K.batch_dot(t[0], t[1], [2, 2]))([a, b]),
        Lambda(lambda t: K.batch_dot(t[0], t[1], [1, 1]))([a, b]),
        Lambda(lambda t: K.batch_dot(t[0], K.permute_dimensions(t[1], (0, 2, 1)), (2, 1)))([a, b]),
        Lambda(lambda t: K.batch_dot(t[0][:, :2, :], t[1], [2, 3]))([a, c]),                   # capsule
        Lambda(lambda t: K.batch_dot(t[0][:, :2, :3], t[1], [2, 2]))([a, c]),                  # capsule
        Lambda(lambda t: K.batch_dot(t[0], t[1], [2, 1]))([a, v]),                              # 3-D x 2-D
        Lambda(lambda t: K.batch_dot(t[0], t[1], 2))([a, b]),
    ]
    model = Model([a, b, c, v, w], outs)
    """

OPS = """\
    import numpy as np
    from keras.layers import Input, Lambda
    from keras.models import Model
    from keras import backend as K
    a = Input(shape=(3, 4))
    v = Input(shape=(5,))
    p = Input(shape=(5,))
    kernel = K.constant(np.arange(24, dtype='float32').reshape(2, 4, 3) / 10.0)
    outs = [
        Lambda(lambda t: K.sqrt(t - 0.2))(v),                             # 2.2.4 clips at 0: no nan
        Lambda(lambda t: K.gather(t, K.arange(K.shape(t)[0])[::-1]))(v),  # rows (batch reversed)
        Lambda(lambda t: K.cumsum(t) + K.cumprod(t))(v),                  # axis 0 (the batch axis)
        Lambda(lambda t: K.l2_normalize(t) + K.l2_normalize(t, axis=1))(v),
        Lambda(lambda t: K.hard_sigmoid(3.0 * t))(v),
        Lambda(lambda t: K.relu(t - 0.5, alpha=0.1, max_value=0.3) + K.elu(t - 0.5, alpha=0.5))(v),
        Lambda(lambda t: K.softmax(t) + K.cast(K.expand_dims(K.argmax(t), -1), 'float32'))(v),
        Lambda(lambda t: K.concatenate([t, K.square(t), K.abs(t - 0.5)]))(v),
        Lambda(lambda t: K.pow(t, 3) + K.clip(t, 0.2, 0.6) + K.std(t, axis=1, keepdims=True)
               + K.var(t, 1, True) + K.logsumexp(t, axis=-1, keepdims=True))(v),
        Lambda(lambda t: K.permute_dimensions(K.reverse(t, 1), (0, 2, 1)))(a),
        Lambda(lambda t: K.repeat_elements(t, 2, axis=1) + K.tile(t, (1, 2, 1)))(a),
        Lambda(lambda t: K.repeat(t, 3))(v),
        Lambda(lambda t: K.batch_flatten(t))(a),
        Lambda(lambda t: K.reshape(t, (K.shape(t)[0], K.int_shape(t)[1] * 2, 2)))(a),
        Lambda(lambda t: t[:, 0, :3] * 0.0 + K.cast(K.shape(t), 'float32') + K.sum(t, axis=[1, 2])[0])(a),
        Lambda(lambda t: K.dot(t, kernel[0, :, :2]) + K.ones_like(t[:, :, :2]) + K.zeros_like(t[:, :, :2]))(a),
        Lambda(lambda t: K.conv1d(t, kernel, padding='same'))(a),
        Lambda(lambda t: K.categorical_crossentropy(K.softmax(t[0]), K.softmax(t[1]))
               + K.binary_crossentropy(K.sigmoid(t[0]), K.sigmoid(t[1]))[:, 0])([p, v]),
        Lambda(lambda t: K.sparse_categorical_crossentropy(K.argmax(t[0]), K.softmax(t[1])) +
               K.categorical_crossentropy(K.softmax(t[0]), t[1], from_logits=True))([p, v]),
        Lambda(lambda t: K.random_normal(shape=K.shape(t), mean=1.0, stddev=0.5) * t
               + K.random_uniform((K.shape(t)[0], 5)))(v),
    ]
    model = Model([a, v, p], outs)
    """


def _migrate(tmp_path, name, src):
    old = tmp_path / f"{name}.py"
    old.write_text(textwrap.dedent(src))
    result = migrate_source(old.read_text(), str(old))
    assert result.ok, [d.format() for d in result.diagnostics if d.severity in ("error", "warning")]
    new = tmp_path / f"{name}_k3.py"
    new.write_text(result.code)
    return old, new


def _pair(name, src, edit=None):
    """A builder for verify_in_one_batch: migrate `src`; `edit` (text -> text) makes a control."""
    def build(tmp_path):
        old, new = _migrate(tmp_path, name, src)
        if edit is not None:
            new.write_text(edit(new.read_text()))
        return old, new
    return build


def _replace(done, undone, prefix=""):
    def edit(text):
        assert done in text, done  # the control undoes an edit the migration really made
        return prefix + text.replace(done, undone)
    return edit


OPS_UNDO = [
    ("keras.ops.sqrt(keras.ops.maximum(t - 0.2, 0.0))", "keras.ops.sqrt(t - 0.2)"),      # nan below 0
    ("keras.ops.cumsum(t, axis=0)", "keras.ops.cumsum(t)"),                            # flattened
    ("keras.ops.clip(0.2 * (3.0 * t) + 0.5, 0.0, 1.0)", "keras.ops.hard_sigmoid(3.0 * t)"),
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory, legacy_dir):
    pairs = {
        "batch_dot": _pair("batch_dot", BATCH_DOT),
        "batch_dot control": _pair("batch_dot", BATCH_DOT, _replace(
            "keras224_batch_dot(t[0]", "tf.keras.backend.batch_dot(t[0]", prefix="import tensorflow as tf\n")),
        "ops": _pair("ops", OPS),
        **{("ops control", i): _pair("ops", OPS, _replace(*undo)) for i, undo in enumerate(OPS_UNDO)},
        "add_loss": _pair("add_loss", ADD_LOSS),
        "add_loss control": _pair("add_loss", ADD_LOSS, lambda t: t.replace(
            "keras224_add_loss(alone, ", "alone.add_loss(").replace("keras224_add_loss(both, ", "both.add_loss(")),
        "ctc": _pair("ctc", CTC),
        "ctc control": _pair("ctc", CTC, _replace("mask_index=y_pred.shape[-1] - 1", "mask_index=0")),
    }
    return verify_in_one_batch(tmp_path_factory, legacy_dir, pairs, timeout_s=240)


def _text(report) -> str:
    with open(report.new_path, encoding="utf-8") as fh:
        return fh.read()


def _assert_match(report):
    assert report.status == "match", report.format_table()
    (model,) = report.models
    assert len(model.outputs) >= 9
    assert model.max_abs_diff is not None and model.max_abs_diff <= 1e-5, report.format_table()


def test_batch_dot_helper_matches_keras224(reports):
    report = reports["batch_dot"]
    assert "def keras224_batch_dot(x, y, axes=None):" in _text(report)
    _assert_match(report)
    assert all(o.ok for o in report.models[0].outputs)


def test_batch_dot_control_later_tf_keras_semantics_differ(reports):
    """tf.keras' batch_dot (the 'fixed' one Keras 2.3+ shipped) is not 2.2.4's for rank > 2."""
    report = reports["batch_dot control"]
    assert report.status != "match", report.format_table()


def test_backend_ops_match_keras224(reports):
    report = reports["ops"]
    text = _text(report)
    for expected in ("keras.ops.sqrt(keras.ops.maximum(t - 0.2, 0.0))", "axis=0)", "keras.ops.cumsum(t, axis=0)",
                     "epsilon=1e-6", "keras.ops.clip(0.2 * (3.0 * t) + 0.5, 0.0, 1.0)",
                     "keras.ops.shape(t)[0]", "tuple(t.shape)[1]", "keras.ops.conv(t, kernel, padding='same')"):
        assert expected in text, expected
    _assert_match(report)
    notes = " ".join(report.models[0].notes)
    assert "random stand-in (normal, random_normal, random_uniform, uniform)" in notes


@pytest.mark.parametrize("i", range(len(OPS_UNDO)))
def test_backend_ops_control_without_the_2_2_4_semantics_differs(reports, i):
    report = reports[("ops control", i)]
    assert report.status != "match", report.format_table()


# model.add_loss(symbolic tensor): alone (VAE style, compile(optimizer=) without a loss) and on top of
# a compiled loss; the training step (loss gradient, two optimizer steps) is what checks it.
ADD_LOSS = """\
    from keras.layers import Input, Dense
    from keras.models import Model
    from keras import backend as K
    x = Input(shape=(6,))
    h = Dense(4, activation='tanh')(x)
    y = Dense(3)(h)
    alone = Model(x, y)
    alone.add_loss(K.mean(K.sum(K.square(y - x[:, :3]), axis=-1)))
    alone.compile(optimizer='adam')
    u = Input(shape=(5,))
    hu = Dense(4, activation='relu')(u)
    both = Model(u, Dense(2)(hu))
    both.add_loss(0.1 * K.mean(K.abs(hu)))
    both.compile(optimizer='sgd', loss='mse')
    """


def test_add_loss_matches_keras224_training_step(reports):
    report = reports["add_loss"]
    assert "keras224_add_loss(alone, keras.ops.mean(" in _text(report)
    assert report.status == "match", report.format_table()
    for model in report.models:
        assert model.train_step.status == "match", report.format_table()
        assert model.train_step.grad_rel_diff is not None and model.train_step.grad_rel_diff <= 1e-3


def test_add_loss_control_keras3_add_loss_fails(reports):
    report = reports["add_loss control"]
    assert report.status != "match", report.format_table()


# K.ctc_batch_cost as image_ocr uses it (a Lambda whose output is the loss, compiled with an identity
# loss): 12 classes, the blank is class 11 in 2.2.4; labels 0..9 with lengths 1..4 (padding ignored).
CTC = """\
    from keras.layers import Input, Dense, Lambda, Activation
    from keras.models import Model
    from keras import backend as K
    x = Input(shape=(8, 5))
    labels = Input(shape=(4,), dtype='int32')
    y_pred = Activation('softmax')(Dense(12)(x))
    def ctc(args):
        labels, y_pred = args
        ones = K.ones_like(labels[:, :1])
        return K.ctc_batch_cost(labels, y_pred, ones * 8, 1 + labels[:, :1] % 4)
    loss = Lambda(ctc, output_shape=(1,), name='ctc')([labels, y_pred])
    model = Model([x, labels], loss)
    model.compile(loss={'ctc': lambda y_true, y_pred: y_pred}, optimizer='sgd')
    """


def test_ctc_batch_cost_helper_matches_keras224(reports):
    report = reports["ctc"]
    assert "keras224_ctc_batch_cost(labels, y_pred, ones * 8" in _text(report)
    assert report.status == "match", report.format_table()
    (model,) = report.models
    assert model.outputs[0].shape == (4, 1) and model.max_abs_diff <= 1e-5
    assert model.train_step.status == "match", report.format_table()


def test_ctc_control_keras3_blank_index_differs(reports):
    """keras.ops.ctc_loss's default blank (mask_index=0) is not 2.2.4's (the last class)."""
    report = reports["ctc control"]
    assert report.status != "match", report.format_table()


TOP_LEVEL_BATCH_DOT = '''\
import numpy as np
from keras import backend as K
from keras.layers import Input
a = Input(shape=(3, 4))
b = Input(shape=(4, 5))
v = Input(shape=(4,))
w = Input(shape=(4,))
f = K.function([a, b, v, w], [K.batch_dot(a, b, axes=(2, 1)), K.batch_dot(v, w, axes=1), K.batch_dot(a, v, [2, 1])])
rng = np.random.RandomState(0)
xs = [rng.uniform(-1, 1, s) for s in ((2, 3, 4), (2, 4, 5), (2, 4), (2, 4))]
np.savez('out.npz', *f(xs))
'''


def test_batch_dot_helper_on_top_level_keras_tensors_matches_keras224(legacy_dir, tmp_path):
    """On Keras tensors outside a Lambda (the K.function idiom) the helper's ranks must be static:
    keras.ops.ndim of a Keras tensor is a Keras tensor, and range() of it raised."""
    import numpy as np

    from kfn_gen.migrate.pipeline import migrate_source
    from tests.helpers import run_script_npz

    code = migrate_source(TOP_LEVEL_BATCH_DOT, "s.py").code
    assert "keras.ops.ndim(" not in code and "keras224_function([a, b, v, w], [keras224_batch_dot(a, b" in code
    old = run_script_npz(TOP_LEVEL_BATCH_DOT, tmp_path / "old", legacy_dir)
    new = run_script_npz(code, tmp_path / "new")
    assert [old[k].shape for k in sorted(old)] == [(2, 3, 5), (2, 1), (2, 3)]
    for k in old:
        assert new[k].shape == old[k].shape and np.abs(new[k] - old[k]).max() <= 1e-5, k
