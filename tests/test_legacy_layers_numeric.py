"""MaxoutDense and Highway (keras/legacy/layers.py, gone in Keras 3) migrated to 2.2.4's own layers
defined in the script (rules/legacy_layers.py) compute what genuine Keras 2.2.4 computes: outputs,
loss gradient and two optimizer steps.  Control: Highway's transform gate on the other weight
(x W instead of x W_carry) differs."""
from __future__ import annotations

import pytest

from kfn_gen.migrate import migrate_source
from tests.helpers import verify_sources

pytest.importorskip("tensorflow")
pytestmark = [pytest.mark.tf, pytest.mark.legacy]

SCRIPT = '''\
from keras.models import Sequential
from keras.layers import MaxoutDense, Highway, Dense
model = Sequential()
model.add(MaxoutDense(6, nb_feature=3, input_dim=4))
model.add(Highway(activation='tanh'))
model.add(Highway())
model.add(Dense(2, activation='softmax'))
model.compile('sgd', 'categorical_crossentropy')
'''


def test_maxout_and_highway_match_keras224(legacy_dir, tmp_path):
    result = migrate_source(SCRIPT, "old.py")
    assert not [d for d in result.diagnostics if d.severity != "info"], result.diagnostics
    code = result.code
    assert "model.add(keras224_MaxoutDense(6, nb_feature=3))\n" in code
    assert "model.add(keras224_Highway(activation='tanh'))\n" in code
    r = verify_sources(SCRIPT, code, tmp_path, legacy_dir)
    assert r.status == "match", r.format_table()
    (m,) = r.models
    assert m.max_abs_diff <= 1e-5 and m.train_step.status == "match", r.format_table()
    gate = "y = keras.ops.matmul(x, self.W_carry)"
    assert code.count(gate) == 1
    r = verify_sources(SCRIPT, code.replace(gate, "y = keras.ops.matmul(x, self.W)"), tmp_path, legacy_dir,
                       name="control.py")
    assert r.status == "differ" and r.models[0].max_abs_diff > 1e-3, r.format_table()
