"""MaxoutDense and Highway (keras/legacy/layers.py, gone in Keras 3) migrated to 2.2.4's own layers
defined in the script (migrate/helpers/legacy_layers.py) compute what genuine Keras 2.2.4 computes: outputs,
loss gradient and two optimizer steps.  Control: Highway's transform gate on the other weight
(x W instead of x W_carry) differs."""
from __future__ import annotations

import pytest

from tests.helpers import assert_layer_migration_matches

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
    assert_layer_migration_matches(
        SCRIPT, tmp_path, legacy_dir,
        ["model.add(keras224_MaxoutDense(6, nb_feature=3))\n", "model.add(keras224_Highway(activation='tanh'))\n"],
        control=("y = keras.ops.matmul(x, self.W_carry)", "y = keras.ops.matmul(x, self.W)"))
