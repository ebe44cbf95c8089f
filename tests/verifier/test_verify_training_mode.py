"""The verifier's loss-gradient check runs in training mode for BatchNormalization models
(kfn_gen/verify/worker/describe.py: training_mode), and what it trains in Keras 3 is what the model's first
training call after compile() trains.

Why training mode (cifar10_resnet: "loss gradient differs: 7.59 x the largest legacy gradient"):
in inference mode BatchNormalization's initial moving statistics (mean 0, variance 1) normalize
nothing, a residual network's activations grow block after block and the softmax saturates.  There
2.2.4's categorical crossentropy clips the probabilities to [1e-7, 1 - 1e-7] (backend
tensorflow_backend.py categorical_crossentropy) so a saturated sample has no gradient, while
Keras 3 computes it from the logits.  Training (the first step of fit) normalizes with the batch
statistics and never sees that regime.  Both the mechanism and the verdicts are checked here.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.verify import verify_pair

pytestmark = [pytest.mark.tf, pytest.mark.legacy]
from tests.helpers import ROOT as REPO  # noqa: E402

ROOT = str(REPO)


DEEP_BN = """\
    from keras.layers import Input, Conv2D, BatchNormalization, Activation, Add, Flatten, Dense, Dropout
    from keras.models import Model
    inp = Input(shape=(6, 6, 3))
    x = Conv2D(8, 3, padding='same', kernel_initializer='he_normal')(inp)
    for _ in range(8):
        y = Conv2D(8, 3, padding='same', kernel_initializer='he_normal')(x)
        y = Activation('relu')(BatchNormalization()(y))
        x = Add()([x, y])
    out = Dense(10, activation='softmax', kernel_initializer='he_normal')(Flatten()(x))
    model = Model(inp, out)
    model.compile(loss='categorical_crossentropy', optimizer='sgd')
    """


def _verify(tmp_path, legacy_dir, src, name):
    old = tmp_path / f"{name}.py"
    old.write_text(textwrap.dedent(src))
    result = migrate_source(old.read_text(), str(old))
    assert result.ok, [d.format() for d in result.diagnostics]
    new = tmp_path / f"{name}_k3.py"
    new.write_text(result.code)
    return verify_pair(str(old), str(new), legacy_dir=legacy_dir, timeout_s=240)


def test_deep_batchnorm_model_matches_in_training_mode(tmp_path, legacy_dir):
    report = _verify(tmp_path, legacy_dir, DEEP_BN, "deep_bn")
    assert report.status == "match", report.format_table()


def test_same_model_in_inference_mode_differs(tmp_path, legacy_dir):
    """Control: Dropout(0.0) computes the identity but keeps the check in inference mode, where the
    saturated softmax shows the crossentropy clip."""
    src = DEEP_BN.replace("(Flatten()(x))", "(Dropout(0.0)(Flatten()(x)))")
    report = _verify(tmp_path, legacy_dir, src, "deep_bn_dropout")
    assert report.status == "differ", report.format_table()
    assert "loss gradient differs" in report.format_table()


CCE_224 = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
from kfn_gen.verify.worker.shim224 import boot
keras = boot(sys.argv[1])
import numpy as np
from keras import backend as K
z = K.placeholder(shape=(1, 3))
y = K.constant([[0.0, 1.0, 0.0]])
loss = K.mean(keras.losses.categorical_crossentropy(y, K.softmax(z)))
g = K.function([z], K.gradients(loss, [z]))([np.array([[30.0, 0.0, 0.0]], "float32")])[0]
print(json.dumps(g.tolist()))
"""


def test_keras224_crossentropy_has_no_gradient_past_the_clip(legacy_dir):
    """The mechanism: a softmax saturated on the wrong class (p_true = e^-30 < 1e-7)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1")
    proc = subprocess.run([sys.executable, "-c", CCE_224, legacy_dir, ROOT], capture_output=True, text=True,
                          timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    g224 = np.array(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert np.max(np.abs(g224)) == 0.0

    keras = pytest.importorskip("keras")
    import tensorflow as tf

    z = tf.Variable([[30.0, 0.0, 0.0]])
    with tf.GradientTape() as tape:
        p = keras.layers.Softmax()(z)
        loss = keras.losses.CategoricalCrossentropy()(tf.constant([[0.0, 1.0, 0.0]]), p)
    g3 = tape.gradient(loss, z).numpy()
    assert np.allclose(g3, [[1.0, -1.0, 0.0]], atol=1e-5)  # softmax(z) - y, from the logits


def test_training_mode_selection():
    keras = pytest.importorskip("keras")
    from kfn_gen.verify.worker.describe import training_mode

    L = keras.layers
    bn = [("0", L.Conv2D(2, 3)), ("1", L.BatchNormalization())]
    assert training_mode(bn)
    assert not training_mode([("0", L.Dense(2))])  # nothing changes between the modes
    assert not training_mode(bn + [("2", L.Dropout(0.5))])
    assert not training_mode(bn + [("2", L.LSTM(2, dropout=0.2))])
    assert not training_mode(bn + [("2", L.Lambda(lambda t: t))])
    assert not training_mode(bn + [("2", L.TimeDistributed(L.Dropout(0.1)))])
