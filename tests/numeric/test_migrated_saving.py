"""A migrated model that uses kfn-gen's 2.2.4 helpers saves and loads without kfn-gen."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from kfn_gen.migrate.pipeline import migrate_source

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tf

LEGACY = """\
import numpy as np
from keras.layers import Input, LSTM, GRU, Dense, concatenate
from keras.models import Model
x = Input(shape=(7, 3))
h = concatenate([LSTM(5)(x), GRU(4)(x)])
model = Model(x, Dense(2, activation='softmax')(h))
model.compile(optimizer='rmsprop', loss='categorical_crossentropy')
data = np.random.RandomState(0).rand(8, 7, 3).astype('float32')
model.fit(data, np.eye(2)[np.arange(8) % 2], epochs=1, verbose=0)
"""

CHECK = """
model.save("m.keras")
before = model.predict(data, verbose=0)
import keras
del model
loaded = keras.models.load_model("m.keras")
after = loaded.predict(data, verbose=0)
print("MAXDIFF", float(np.abs(before - after).max()))
print("OPT", type(loaded.optimizer).__name__)
print("GATE", loaded.layers[1].cell.recurrent_activation.__name__)
"""


def test_migrated_model_with_224_helpers_round_trips_through_keras_format(tmp_path):
    result = migrate_source(LEGACY, "legacy.py")
    assert "keras224_hard_sigmoid" in result.code and "Keras224RMSprop" in result.code
    script = tmp_path / "migrated.py"
    script.write_text(result.code + textwrap.dedent(CHECK))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "import kfn_gen" not in result.code
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if line.split(" ")[0] in ("MAXDIFF", "OPT", "GATE"))
    assert float(lines["MAXDIFF"]) == 0.0
    assert lines["OPT"] == "Keras224RMSprop"
    assert lines["GATE"] == "keras224_hard_sigmoid"
