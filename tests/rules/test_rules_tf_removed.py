"""tf-removed: tf.contrib (TensorFlow 1 only) is reported with its line, and nothing is rewritten for it."""
from __future__ import annotations

from kfn_gen.migrate.pipeline import migrate_source

SCRIPT = '''\
import tensorflow as tf
from tensorflow.contrib.learn.python.learn.datasets import mnist
from keras.layers import Lambda

def augment(x):
    t = tf.contrib.image.angles_to_projective_transforms(0.1, 32, 32)
    return tf.contrib.image.transform(x, t)  # comment kept

aug = Lambda(augment)
'''


def _tf_removed(res):
    return [(d.line, d.col, d.severity, d.message) for d in res.diagnostics if d.rule == "tf-removed"]


def test_contrib_uses_are_warned_once_a_line_with_the_full_name():
    res = migrate_source(SCRIPT, "aug.py")
    got = _tf_removed(res)
    assert [(line, col, sev) for line, col, sev, _ in got] == [(2, 1, "warning"), (6, 9, "warning"),
                                                                (7, 12, "warning")]
    assert "`tensorflow.contrib.learn.python.learn.datasets`" in got[0][3]
    assert "`tensorflow.contrib.image.angles_to_projective_transforms`" in got[1][3]
    assert "`tensorflow.contrib.image.transform`" in got[2][3]
    assert all("removed in TensorFlow 2.0" in m for *_, m in got)
    # reported, not rewritten: the TF lines stay byte-identical
    out = res.code
    for line in SCRIPT.splitlines()[1:7]:
        assert line in out.splitlines()


def test_a_local_name_called_contrib_is_not_tensorflow():
    src = "import keras\nclass A:\n    contrib = 1\nA.contrib\nx = keras.layers.Dense(2)\n"
    assert _tf_removed(migrate_source(src, "a.py")) == []


def test_import_tensorflow_contrib_module():
    src = "import keras\nimport tensorflow.contrib.slim as slim\n"
    got = _tf_removed(migrate_source(src, "a.py"))
    assert [(g[0], g[1]) for g in got] == [(2, 1)] and "`tensorflow.contrib.slim`" in got[0][3]
