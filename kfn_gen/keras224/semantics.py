"""What Keras 2.2.4 computed where Keras 3 computes something else under the same name: one definition
each, read from 2.2.4's source, that the migration's helpers, the tf.function renderer and the verifier's
cause-finder all write out from here."""
from __future__ import annotations

# keras/backend/tensorflow_backend.py:3394: hard_sigmoid(x) = clip(0.2 * x + 0.5, 0, 1), the default
# recurrent_activation of 2.2.4's LSTM/GRU/ConvLSTM2D.  Keras 3's hard_sigmoid is relu6(x + 3) / 6.
HARD_SIGMOID_SLOPE = 0.2
HARD_SIGMOID_OFFSET = 0.5
HARD_SIGMOID_TEXT = f"clip({HARD_SIGMOID_SLOPE}x+{HARD_SIGMOID_OFFSET}, 0, 1)"


def hard_sigmoid_code(x: str, clip: str) -> str:
    """2.2.4's hard_sigmoid of the expression `x` as code, with `clip` the clip function of the target
    ('keras.ops.clip', 'tf.clip_by_value')."""
    return f"{clip}({HARD_SIGMOID_SLOPE} * {x} + {HARD_SIGMOID_OFFSET}, 0.0, 1.0)"


def hard_sigmoid(x):
    """2.2.4's hard_sigmoid on a NumPy array."""
    import numpy as np

    return np.clip(HARD_SIGMOID_SLOPE * x + HARD_SIGMOID_OFFSET, 0, 1)
