"""The fold weights.py relies on: 2.2.4's hard_sigmoid of z is Keras 3's hard_sigmoid of 1.2z, to float32
rounding, everywhere (in the clipped regions and the linear one)."""
from __future__ import annotations

import numpy as np

from kfn_gen.checkpoints.layer_config import HARD_SIGMOID_FOLD
from kfn_gen.keras224.semantics import hard_sigmoid


def keras3_hard_sigmoid(x):
    """Keras 3 (keras/src/backend/tensorflow/nn.py): relu6(x + 3) / 6."""
    return np.minimum(np.maximum(x + np.float32(3), 0), 6) / np.float32(6)


def test_fold_is_exact_to_float32_rounding():
    z = np.linspace(-6, 6, 100_001, dtype=np.float32)
    assert HARD_SIGMOID_FOLD == 1.2
    err = np.abs(hard_sigmoid(z) - keras3_hard_sigmoid(np.float32(HARD_SIGMOID_FOLD) * z)).max()
    assert err < 2e-7, err
    # and without the fold they differ by up to 1/12 (at |z| = 2.5)
    assert np.abs(hard_sigmoid(z) - keras3_hard_sigmoid(z)).max() > 0.08
