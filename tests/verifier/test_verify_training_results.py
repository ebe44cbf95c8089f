"""Training calls are stand-ins on both sides (no real training), but what they return must have the
structure the real call returns, or a script that unpacks or indexes it stops where the real one ran on.

mnist_acgan (keras 2.2.4 examples) was PARTIAL for this: `train_on_batch` of its two-output discriminator
returned one number, and `print(ROW_FMT.format(..., *train_history[-1]))` raised on both sides, so the
rest of the script (its per-epoch `save_weights`, which the migration had left failing) never ran. 2.2.4
returns one value per name of `metrics_names`, known at compile(); Keras 3 builds its loss and metric names
at the first real step. The scripts below use each shape of result after the models are built; the verdict
must be MATCH with every statement covered, on both sides.
"""
from __future__ import annotations

import pytest

from kfn_gen.migrate.pipeline import migrate_source
from tests.helpers import verify_in_one_batch

pytestmark = [pytest.mark.tf, pytest.mark.legacy]

LEGACY = '''\
import numpy as np
from keras.layers import Input, Dense
from keras.models import Model, Sequential

x = np.random.rand(8, 4).astype('float32')
i = Input((4,))
disc = Model(i, [Dense(1, activation='sigmoid', name='gen')(i), Dense(3, activation='softmax', name='aux')(i)])
disc.compile('adam', ['binary_crossentropy', 'sparse_categorical_crossentropy'])
targets = [np.ones((8, 1)), np.zeros((8,))]
total, gen_loss, aux_loss = disc.train_on_batch(x, targets)
history = [disc.test_on_batch(x, targets)]
print('{} {} {}'.format(*disc.metrics_names))
print('{:.2f} {:.2f} {:.2f}'.format(*np.mean(np.array(history), axis=0)))
assert len(disc.evaluate(x, targets, verbose=0)) == len(disc.metrics_names) == 3
seq = Sequential([Dense(2, activation='softmax', input_shape=(4,))])
seq.compile('sgd', 'sparse_categorical_crossentropy', metrics=['accuracy'])
loss, acc = seq.train_on_batch(x, np.zeros((8,)))
score = seq.evaluate(x, np.zeros((8,)), verbose=0)
print('Test loss:', score[0], 'Test accuracy:', score[1])
plain = Sequential([Dense(1, input_shape=(4,))])
plain.compile('sgd', 'mse')
print('%.3f' % plain.train_on_batch(x, np.ones((8, 1))))
'''


@pytest.fixture(scope="module")
def report(tmp_path_factory, legacy_dir):
    def build(tmp):
        res = migrate_source(LEGACY, "results.py")
        assert res.ok, [d.format() for d in res.diagnostics]
        old, new = tmp / "results.py", tmp / "results_k3.py"
        old.write_text(LEGACY, encoding="utf-8")
        new.write_text(res.code, encoding="utf-8")
        return old, new

    return verify_in_one_batch(tmp_path_factory, legacy_dir, {"results": build}, timeout_s=300)["results"]


def test_unpacked_and_indexed_training_results_run_on_both_sides(report):
    assert report.status == "match", report.format_table()
    assert report.coverage["statements"] == 21, report.coverage
    assert report.coverage["ran_on_both"] == 21, report.coverage
