"""reset-states: `model.reset_states()` (gone from Keras 3 models) resets what 2.2.4 reset.

Text tier: which receivers are rewritten.  Numeric tier: a stateful LSTM in a functional model, predicted
twice (state carried), reset, predicted again, under genuine Keras 2.2.4 and under the migration: the
three predictions agree within 1e-5; the control (the reset left out) does not.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

from kfn_gen.migrate.pipeline import migrate_source
from tests.helpers import run_script_npz

SCRIPT = textwrap.dedent("""\
    import numpy as np
    from keras.models import Model
    from keras.layers import LSTM, Dense, Input
    inp = Input(batch_shape=(2, 3, 1))
    model = Model(inp, Dense(1)(LSTM(4, stateful=True)(inp)))
    model.set_weights([np.linspace(-1, 1, w.size).reshape(w.shape).astype('float32') for w in model.get_weights()])
    x = np.linspace(-2, 2, 6).reshape(2, 3, 1).astype('float32')
    p1 = model.predict_on_batch(x)
    p2 = model.predict_on_batch(x)
    model.reset_states()
    p3 = model.predict_on_batch(x)
    np.savez('out.npz', p1=p1, p2=p2, p3=p3)
    """)


def test_models_go_through_the_helper_layers_do_not():
    res = migrate_source(textwrap.dedent("""\
        from keras.models import Sequential
        from keras.layers import LSTM
        model = Sequential()
        model.add(LSTM(4, batch_input_shape=(2, 3, 1), stateful=True))
        model.reset_states()
        model.layers[0].reset_states()
        lstm = LSTM(3, stateful=True)
        lstm.reset_states()
        """), "t.py")
    assert res.ok
    assert "\nkeras224_reset_states(model)\n" in res.code
    assert "\nmodel.layers[0].reset_states()\n" in res.code and "\nlstm.reset_states()" in res.code
    assert [d.line for d in res.edits if d.rule == "reset-states"] == [5]
    assert migrate_source(res.code, "t.py").code == res.code


@pytest.mark.tf
@pytest.mark.legacy
def test_reset_states_matches_keras224(tmp_path, legacy_dir):
    legacy = run_script_npz(SCRIPT, tmp_path / "legacy", legacy_dir)
    assert not np.allclose(legacy["p1"], legacy["p2"], atol=1e-4)  # the state was carried: a real test
    np.testing.assert_allclose(legacy["p3"], legacy["p1"], atol=1e-6)  # 2.2.4 reset it
    migrated = migrate_source(SCRIPT, "script.py")
    assert migrated.ok and "keras224_reset_states(model)" in migrated.code
    new = run_script_npz(migrated.code, tmp_path / "keras3")
    for key in ("p1", "p2", "p3"):
        assert float(np.max(np.abs(new[key] - legacy[key]))) <= 1e-5, key
    # control: without the reset, the third prediction differs from 2.2.4's
    control = run_script_npz(migrated.code.replace("keras224_reset_states(model)\n", "pass\n"), tmp_path / "control")
    assert float(np.max(np.abs(control["p3"] - legacy["p3"]))) > 1e-3
