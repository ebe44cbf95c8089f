"""The Keras 2.2.4 oracle: installed by the suite itself from PyPI, booted on tf.compat.v1.

The LSTM test checks the oracle against an independent numpy implementation with 2.2.4's
hard_sigmoid, so a broken shim (or Keras 3 sneaking in) cannot pass.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from kfn_gen.verify import oracle as runtime

from tests.helpers import ROOT as REPO  # noqa: E402

ROOT = str(REPO)


def test_default_dir_env_and_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("KFN_GEN_LEGACY_DIR", str(tmp_path / "mine"))
    assert runtime.default_legacy_dir() == str(tmp_path / "mine")
    monkeypatch.delenv("KFN_GEN_LEGACY_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert runtime.default_legacy_dir() == str(tmp_path / "xdg" / "kfn-gen" / "keras224")


def test_refuses_foreign_user_dir(tmp_path):
    (tmp_path / "keras").mkdir()
    (tmp_path / "keras" / "__init__.py").write_text("__version__ = '3.15.1'\n")
    with pytest.raises(runtime.LegacyRuntimeError, match="does not hold Keras 2.2.4"):
        runtime.ensure_legacy_keras(str(tmp_path))
    assert runtime.installed_version(str(tmp_path)) == "3.15.1"


@pytest.mark.legacy
def test_parallel_installs_share_one_tree(tmp_path):
    """Two concurrent installs into a fresh dir: one installs under the lock, both get a valid tree."""
    target = str(tmp_path / "k224")
    results, errors = [], []

    def go():
        try:
            results.append(runtime.ensure_legacy_keras(target))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors
    assert results == [target, target]
    assert runtime.installed_version(target) == "2.2.4"
    assert [p for p in os.listdir(tmp_path) if ".tmp-" in p] == []  # no half-installed leftovers


LSTM_PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
from kfn_gen.verify.worker.shim224 import boot
keras = boot(sys.argv[1])
import numpy as np
from keras.layers import Input, LSTM
from keras.models import Model
rng = np.random.RandomState(0)
units, feat, steps = 3, 4, 5
inp = Input(shape=(steps, feat))
lstm = LSTM(units)
model = Model(inp, lstm(inp))
w = [rng.uniform(-1, 1, (feat, 4 * units)), rng.uniform(-1, 1, (units, 4 * units)), rng.uniform(-1, 1, 4 * units)]
lstm.set_weights([a.astype('float32') for a in w])
x = rng.uniform(-2, 2, (2, steps, feat)).astype('float32')
print(json.dumps({"version": keras.__version__, "tf": type(sys.modules['tensorflow']).__name__,
                  "w": [a.tolist() for a in w], "x": x.tolist(), "y": model.predict(x).tolist(),
                  "recurrent_activation": lstm.cell.recurrent_activation.__name__}))
"""


def _numpy_lstm(x, kernel, rkernel, bias):
    def hard_sigmoid(z):  # Keras 2.2.4: backend/tensorflow_backend.py hard_sigmoid
        return np.clip(0.2 * z + 0.5, 0.0, 1.0)

    u = rkernel.shape[0]
    h = np.zeros((x.shape[0], u))
    c = np.zeros((x.shape[0], u))
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ rkernel + bias
        i, f, g, o = z[:, :u], z[:, u:2 * u], z[:, 2 * u:3 * u], z[:, 3 * u:]
        c = hard_sigmoid(f) * c + hard_sigmoid(i) * np.tanh(g)
        h = hard_sigmoid(o) * np.tanh(c)
    return h


@pytest.mark.tf
@pytest.mark.legacy
def test_legacy_lstm_matches_numpy_hard_sigmoid_reference(legacy_dir):
    pytest.importorskip("tensorflow")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1")
    proc = subprocess.run([sys.executable, "-c", LSTM_PROBE, legacy_dir, ROOT], capture_output=True, text=True,
                          timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["version"] == "2.2.4"
    assert out["recurrent_activation"] == "hard_sigmoid"
    w = [np.asarray(a, dtype=np.float64) for a in out["w"]]
    ref = _numpy_lstm(np.asarray(out["x"], dtype=np.float64), *[a.astype(np.float32).astype(np.float64) for a in w])
    got = np.asarray(out["y"])
    err = float(np.max(np.abs(got - ref)))
    assert err <= 1e-6, err
    # and the same numbers are NOT what a sigmoid recurrent activation gives (the test can fail)
    assert np.max(np.abs(ref)) > 0.05


def test_importing_verify_and_cli_does_not_import_tensorflow():
    code = ("import sys, kfn_gen.cli, kfn_gen.verify, kfn_gen.cli.verify, kfn_gen.verify.oracle;"
            "bad=[m for m in ('tensorflow','keras') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.tf
@pytest.mark.legacy
def test_keras224_loads_weights_it_saved_under_h5py3(tmp_path, legacy_dir):
    """2.2.4's load_weights calls .decode('utf8') on HDF5 string attributes (bytes under h5py 2, str under
    h5py 3): without the shim, mnist_dataset_api's save_weights/load_weights raised on the 2.2.4 side."""
    import h5py
    import numpy as np

    from tests.helpers import run_script_npz

    assert int(h5py.__version__.split(".")[0]) >= 3  # the premise: str attributes
    out = run_script_npz(
        "import numpy as np\nfrom keras.models import Sequential\nfrom keras.layers import Dense\n"
        "m = Sequential([Dense(2, input_shape=(3,))])\nm.save_weights('w.h5')\nw = m.get_weights()\n"
        "m2 = Sequential([Dense(2, input_shape=(3,))])\nm2.load_weights('w.h5')\n"
        "np.savez('out.npz', a=w[0], b=m2.get_weights()[0])\n", tmp_path, legacy_dir)
    np.testing.assert_array_equal(out["a"], out["b"])
