"""Run migrated seed scripts under Keras 3, training calls included, on small data (a test helper).

Usage: python tests/keras3_smoke.py CASE_DIR...   (prints one JSON line per case)

Executed by tests/numeric/test_seeds_run_keras3.py in a subprocess: TensorFlow is imported once and each
script runs in a fresh namespace in a temp dir.  `fit`/`evaluate`/`predict` keep their real
arguments but see only the first ROWS rows, and `fit` runs one epoch: the training code path runs
for real on Keras 3, in bounded time.  At the end the script's variables are read: every Keras
model (name, parameter count) and every symbolic tensor's shape.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402

ROWS = 4


def _cut(x):
    if isinstance(x, np.ndarray) and x.ndim:
        return x[:ROWS]
    if isinstance(x, list):
        return [_cut(v) for v in x]
    if isinstance(x, tuple):
        return tuple(_cut(v) for v in x)
    if isinstance(x, dict):
        return {k: _cut(v) for k, v in x.items()}
    return x


def _patch():
    fit, evaluate, predict = keras.Model.fit, keras.Model.evaluate, keras.Model.predict

    def small_fit(self, x=None, y=None, *args, **kwargs):
        kwargs["epochs"] = 1
        kwargs["verbose"] = 0
        kwargs.pop("batch_size", None)
        return fit(self, _cut(x), _cut(y), *args, batch_size=ROWS, **kwargs)

    def small_evaluate(self, x=None, y=None, *args, **kwargs):
        kwargs["verbose"] = 0
        kwargs.pop("batch_size", None)
        return evaluate(self, _cut(x), _cut(y), *args, batch_size=ROWS, **kwargs)

    def small_predict(self, x, *args, **kwargs):
        kwargs["verbose"] = 0
        return predict(self, _cut(x), *args, **kwargs)

    keras.Model.fit, keras.Model.evaluate, keras.Model.predict = small_fit, small_evaluate, small_predict


def run(case: str) -> dict:
    path = os.path.join(case, "expected.py")
    code = compile(open(path, encoding="utf-8").read(), path, "exec")
    keras.backend.clear_session()
    namespace = {"__name__": "__main__", "__file__": path}
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            exec(code, namespace)
            error = None
        except BaseException:  # noqa: BLE001 - reported to the test
            error = traceback.format_exc(limit=-3)
        finally:
            os.chdir(cwd)
    models, tensors = {}, {}
    for name, value in namespace.items():
        if isinstance(value, keras.Model):
            models[name] = value.count_params() if value.built else None
        elif isinstance(value, keras.KerasTensor):
            tensors[name] = list(value.shape)
    return {"case": os.path.basename(case), "error": error, "models": models, "tensors": tensors}


if __name__ == "__main__":
    _patch()
    for case in sys.argv[1:]:
        print(json.dumps(run(case)), flush=True)
