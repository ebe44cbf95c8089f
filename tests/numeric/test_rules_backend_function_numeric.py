"""K.function migrated by migrate/rules/backend_function.py computes what genuine Keras 2.2.4's K.function did.

One script runs under Keras 2.2.4 (tf.compat.v1, kfn_gen.verify.worker.shim224) and, migrated by
kfn-gen, under Keras 3; both set the same seeded weights and save what their functions return.
Compared: list in / list out, a learning phase of 0 and of 1 (BatchNormalization on batch
statistics), an intermediate layer's output, float64 values cast to the input's float32, and
that a training-phase call moves no moving statistics (a later phase-0 call still equals 2.2.4's).
"""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402
from tests.helpers import assert_migration_verifies_one_model, run_script_npz  # noqa: E402

pytestmark = [pytest.mark.tf, pytest.mark.legacy]

SCRIPT = textwrap.dedent("""\
    import numpy as np
    from keras import backend as K
    from keras.layers import Input, Dense, BatchNormalization
    from keras.models import Model

    inp = Input(shape=(6,))
    hidden = Dense(5, activation='relu')(inp)
    normed = BatchNormalization()(hidden)
    out = Dense(3)(normed)
    model = Model(inp, out)
    rng = np.random.RandomState(0)
    for layer in model.layers[1:]:
        layer.set_weights([rng.uniform(0.5, 1.5, w.shape).astype('float32') for w in layer.get_weights()])
    x = rng.uniform(-2, 2, (8, 6))
    f = K.function([model.input, K.learning_phase()], [model.layers[2].output, model.output])
    g = K.function([inp], [hidden])
    train = f([x, 1])
    test = f([x, 0])
    h = g([x])
    np.savez('out.npz', n=len(train), kind=type(h).__name__, t0=train[0], t1=train[1], e0=test[0], e1=test[1],
             h=h[0])
    """)


def test_k_function_matches_keras224(legacy_dir, tmp_path):
    migrated = migrate_source(SCRIPT, "script.py")
    assert migrated.ok and "= K.function(" not in migrated.code and "K.learning_phase()]" not in migrated.code
    old = run_script_npz(SCRIPT, tmp_path / "old", legacy_dir)
    new = run_script_npz(migrated.code, tmp_path / "new")
    assert int(new["n"]) == int(old["n"]) == 2 and str(new["kind"]) == str(old["kind"]) == "list"
    for key in ("t0", "t1", "e0", "e1", "h"):
        assert new[key].dtype == old[key].dtype == np.float32, key
        assert new[key].shape == old[key].shape, key
        assert np.max(np.abs(new[key] - old[key])) <= 1e-5, (key, np.max(np.abs(new[key] - old[key])))
    # the learning phase matters here (batch statistics vs moving statistics): the test can fail
    assert np.max(np.abs(old["t0"] - old["e0"])) > 0.1


@pytest.mark.slow  # a sandboxed verification for a pairing detail (13 s): the default tier's budget
def test_verifier_does_not_count_the_helpers_model(legacy_dir, tmp_path):
    """2.2.4's K.function built no model; the migrated helper's keras.Model is not one of the script's
    (verify/worker/sides.py: HELPER_BUILDERS): the script's one model pairs with the legacy one and matches."""
    assert_migration_verifies_one_model(SCRIPT.split("np.savez(")[0], tmp_path, legacy_dir)
