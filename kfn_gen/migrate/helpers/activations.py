"""Keras 2.2.4's hard_sigmoid, defined in the migrated script where a layer used it (its LSTM/GRU gate default).

2.2.4's hard_sigmoid is clip(0.2x + 0.5, 0, 1) (keras/backend/tensorflow_backend.py:3394); Keras 3's
'hard_sigmoid' is relu6(x + 3) / 6, a different function.  Registered as serializable, so a migrated
model saves and loads without kfn-gen.
"""
from __future__ import annotations

from kfn_gen.keras224.semantics import hard_sigmoid_code

HELPER = "keras224_hard_sigmoid"
PRELUDE = '''@keras.utils.register_keras_serializable(package="keras224")
def {name}(x):
    """Keras 2.2.4's hard_sigmoid, clip(0.2 * x + 0.5, 0, 1) (Keras 3's differs)."""
    return ''' + hard_sigmoid_code("x", "keras.ops.clip")


def hard_sigmoid_name(ctx, use) -> str:
    """The name of the 2.2.4 hard_sigmoid helper, defined once in the migrated script."""
    return ctx.define(HELPER, PRELUDE, use)
