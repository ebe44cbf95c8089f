"""A model built on Input(tensor=...) over a computed tensor (keras/examples/neural_style_transfer.py:
VGG19(input_tensor=K.concatenate([base, style, combination_placeholder]))).  In 2.2.4 the model's
input is the whole concatenation; the Keras 3 migration bakes the constants in and its input is
the placeholder's keras.Input.  The verifier compares both as functions of that placeholder
(runner Legacy.feed_tensors): a match, and a control whose constant differs is caught."""
from __future__ import annotations

from tests.helpers import verify_sources

OLD = '''\
import numpy as np
from keras import backend as K
from keras.layers import Input, Conv2D
from keras.models import Model
base = K.variable(np.linspace(-1, 1, 2 * 6 * 5 * 3).reshape(2, 6, 5, 3))
combination = K.placeholder((1, 6, 5, 3))
img = Input(tensor=K.concatenate([base, combination], axis=0))
model = Model(img, Conv2D(4, 3, activation='relu')(img))
'''

NEW = '''\
import numpy as np
import keras
base = keras.ops.convert_to_tensor(np.linspace(-1, 1, 2 * 6 * 5 * 3).reshape(2, 6, 5, 3), dtype="float32")
combination = keras.Input(batch_shape=(1, 6, 5, 3))
x = keras.ops.concatenate([SCALE * base, combination], axis=0)
model = keras.Model(combination, keras.layers.Conv2D(4, 3, activation='relu')(x))
'''


def _verify(tmp_path, legacy_dir, scale):
    return verify_sources(OLD, NEW.replace("SCALE", scale), tmp_path, legacy_dir, name=f"new{scale}.py")


def test_tensor_fed_model_is_compared_through_its_placeholder(legacy_dir, tmp_path):
    r = _verify(tmp_path, legacy_dir, "1.0")
    assert r.status == "match", r.format_table()
    (m,) = r.models
    # TF's static shape of the 2.2.4 output (Keras says (None, None, None, 4)): the whole batch of 3
    assert m.legacy_output_shape == m.migrated_output_shape == (3, 4, 3, 4)
    assert m.max_abs_diff <= 1e-5


def test_tensor_fed_model_with_a_different_constant_differs(legacy_dir, tmp_path):
    r = _verify(tmp_path, legacy_dir, "0.5")
    assert r.status == "differ", r.format_table()
    assert r.models[0].max_abs_diff > 1e-2


def test_migration_that_keeps_the_input_tensor_is_fed_its_values(legacy_dir, tmp_path):
    # kfn-gen's own migration of OLD: Input(tensor=concatenation) -> keras224_tensor_input, which wraps
    # the Keras tensor as 2.2.4's InputLayer did: the Keras 3 model takes the whole (3, 6, 5, 3) batch,
    # so it is fed the values 2.2.4's input tensor had (constants and the placeholder's draw)
    from kfn_gen.migrate.pipeline import migrate_source

    code = migrate_source(OLD, "old.py").code
    assert "img = keras224_tensor_input(tensor=keras.ops.concatenate([base, combination], axis=0))" in code
    r = verify_sources(OLD, code, tmp_path, legacy_dir)
    assert r.status == "match", r.format_table()
    (m,) = r.models
    assert m.migrated_output_shape == (3, 4, 3, 4) and m.max_abs_diff <= 1e-5
    # the model starts at the concatenation, so a change before it is outside the model's function;
    # control: a change inside it (the conv's relu dropped) differs on those fed values
    assert code.count("activation='relu'") == 1
    r = verify_sources(OLD, code.replace("activation='relu'", "activation='linear'"), tmp_path, legacy_dir,
                       name="control.py")
    assert r.status == "differ" and r.models[0].max_abs_diff > 1e-2, r.format_table()
