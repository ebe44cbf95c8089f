"""LocallyConnected1D/2D (removed in Keras 3) migrated to 2.2.4's own layer defined in the script
(migrate/helpers/locally_connected.py) compute what genuine Keras 2.2.4 computes: outputs, loss gradient and
two optimizer steps, with strides, a Keras-1 positional kernel size, channels_first and random
biases.  Control: 2.2.4's channels_first bias is reshaped to (1, filters, rows, cols), not
transposed; the transposed bias differs."""
from __future__ import annotations

import pytest

from tests.helpers import assert_layer_migration_matches

pytest.importorskip("tensorflow")
pytestmark = [pytest.mark.tf, pytest.mark.legacy]

SCRIPT = '''\
from keras.models import Model
from keras.layers import Input, LocallyConnected1D, LocallyConnected2D, Flatten, Dense, concatenate
a = Input(shape=(10, 4))
x = LocallyConnected1D(5, 3, strides=2, activation='tanh', bias_initializer='random_uniform')(a)
b = Input(shape=(7, 6, 3))
y = LocallyConnected2D(4, 3, 2, subsample=(2, 1), activation='relu', bias_initializer='random_uniform')(b)
z = LocallyConnected2D(2, (2, 2), data_format='channels_first', bias_initializer='random_uniform')(b)
out = concatenate([Flatten()(x), Flatten()(y), Flatten()(z)])
model = Model([a, b], Dense(3, activation='softmax')(out))
model.compile('sgd', 'categorical_crossentropy')
'''


def test_locally_connected_layers_match_keras224(legacy_dir, tmp_path):
    # control: the channels_first bias transposed (the "natural" layout) instead of 2.2.4's reshape
    assert_layer_migration_matches(
        SCRIPT, tmp_path, legacy_dir,
        ["import Input, Flatten, Dense, concatenate\n",
         "y = keras224_LocallyConnected2D(4, (3, 2), strides=(2, 1), activation='relu'"],
        control=("keras.ops.reshape(self.bias, (1, self.filters, rows, cols))",
                 "keras.ops.transpose(self.bias, (2, 0, 1))[None]"))
