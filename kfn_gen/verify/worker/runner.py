"""Subprocess entry point of ``kfn-gen verify``: ``python runner.py SPEC.json``.

One process runs ONE side: ``side='legacy'`` boots genuine Keras 2.2.4 (``shim224``),
``side='keras3'`` imports Keras 3.  The parent (``kfn_gen.verify``) sets cwd to a temp dir,
the memory limit and the wall-clock limit.

Steps: install offline stand-ins, execute the user's script top-level statement by statement
(one namespace, ``__name__ == '__main__'``; a failing statement is recorded with its line and
execution goes on), capture every Model/Sequential constructed (``__init__`` hooks, creation
order, named after the variable last bound to it), then

* legacy: record structure, draw seeded inputs (ints in range for the Embedding they feed; the
  labels / input_length / label_length inputs of a K.ctc_batch_cost drawn so CTC can align them),
  predict in inference mode, compute the gradient of the compiled loss on a seeded batch
  (learning phase 0, so Dropout is off; 1 for a BatchNormalization model with nothing random, see
  training_mode) and take two optimizer steps fed with exactly those gradients; save
  weights/inputs/outputs/gradients/updated weights to ``legacy.npz``;
* keras3: pair models with the legacy ones, copy weights layer by layer, predict on the same
  inputs, compute Keras 3's own gradient at the same weights, of the weights its first training
  call after compile() trained (compared with the legacy one: catches loss changes), then apply
  the LEGACY gradients with the migrated optimizer for two steps (catches lr/decay/epsilon/clipnorm
  changes without amplifying float noise through Adam's g/sqrt(v)); save to ``keras3.npz``.

Stand-ins for training calls (both sides): ``fit``/``fit_generator``/``train_on_batch``/
``test_on_batch``/``evaluate*`` do NOT train: the call's arguments are bound against the real
signature (so ``fit(nb_epoch=...)`` still raises under Keras 3), a generator argument (2.2.4's
``fit_generator(generator=...)``, Keras 3's ``fit(x=...)``) yields one batch, and a fake History / zero losses come back.  Skipping training keeps the optimizer fresh
for the one-step comparison and bounds time.  ``predict*`` really run, on at most 8 rows, and the
result is tiled to the requested row count; after 3 real calls per model and input shape, the
cached result is reused (text-generation loops call predict thousands of times).

What a script needs from outside its model (``kfn_gen/verify/worker/scriptenv.py``, identical on both
sides): argparse arguments (synthetic, with placeholder files, unless the spec gives ``argv``),
stand-ins for optional modules that are not installed (cairocffi, editdistance, pylab,
matplotlib), keras.applications models built with ``weights='imagenet'`` but nothing
downloaded, and (legacy) the script's own ``K.function`` loops after one real call per shape.

Random draws (both sides, ``install_random_standin``): the script's ``K.random_normal``/
``random_uniform``/``truncated_normal`` (2.2.4) and ``keras.random.normal``/``uniform``/
``truncated_normal`` (Keras 3) return the SAME deterministic function of the shape (a sin of the
flat index, by TF ops), so a model that samples in its forward pass (a VAE) can be compared; the
report notes it as a stand-in.  Keras' own internal draws (initializers, noise layers) are real.
"""
from __future__ import annotations

import collections
import json
import os
import signal
import sys
import time
import traceback

if __name__ == "__main__":
    # Do not let the user's `import runtime` etc. find this package's modules.
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    _pkg_root = os.path.dirname(os.path.dirname(os.path.dirname(_here)))
    try:
        import kfn_gen  # noqa: F401
    except ImportError:
        sys.path.append(_pkg_root)

import numpy as np

from kfn_gen.verify.worker.capture import keras3_capture, legacy_capture
from kfn_gen.verify.worker.bench import bench_captured
from kfn_gen.verify.worker.export import export_captured
from kfn_gen.verify.worker import guard as sandbox_guard
from kfn_gen.verify.worker.keras3_side import Keras3
from kfn_gen.verify.worker.legacy_side import Legacy
from kfn_gen.verify.worker.random_standin import install_random_standin
from kfn_gen.verify.worker.script import run_script
from kfn_gen.verify.worker.sides import FatalRun


class JobTimeout(BaseException):
    """Raised by SIGALRM when one script of a batch runs past its own limit."""


def reset_side(side):
    """Between the scripts of a batch: forget models and caches, reset Keras global state."""
    side.captured, side._seen, side._depth = [], set(), 0
    side.calls, side.predict_cache = collections.Counter(), {}
    side.ctc_calls = []
    side.trained_at = {}
    side.clear_session()


def run_job(side, job, boot_s):
    """Run one script (job: script, out_dir, cwd, optional reference_json/npz) and write its results."""
    side.spec = {**side.base_spec, **job}
    out_dir = job["out_dir"]
    os.makedirs(out_dir, exist_ok=True)
    result = {"side": side.name, "script": job["script"], "errors": [], "statements_run": 0, "fatal": None,
              "timings": {"boot_s": boot_s}}
    arrays = {}
    limit = int(job.get("timeout_s") or 0)
    try:
        if job.get("cwd"):
            os.chdir(job["cwd"])
        side.seed_everything(side.spec.get("seed", 0))
        if limit:
            signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(limit)
        t1 = time.perf_counter()
        if job.get("load"):  # a saved Keras 3 model (generate tf-function model.keras): loaded, not a script
            names, ns = load_saved(side, job["load"])
        else:
            guard = side.guard
            seen = len(guard.events()) if guard else 0
            if guard:
                guard.arm(job["script"], job.get("cwd") or os.getcwd())
            try:
                names, ns = run_script(side, job["script"], result)
            finally:
                if guard:
                    if os.getpid() != guard.owner:  # a process the script forked: its work is not ours
                        os._exit(0)
                    guard.disarm()
                    result["blocked"] = guard.events()[seen:]
        result["timings"]["script_s"] = round(time.perf_counter() - t1, 3)
        result["calls"] = {k: v for k, v in side.calls.items() if isinstance(k, str)}
        t2 = time.perf_counter()
        if side.spec.get("task") == "export":
            export_captured(side, names, ns, result, arrays)
        elif side.spec.get("task") == "bench":
            bench_captured(side, names, ns, result, arrays)
        elif side.name == "legacy":
            legacy_capture(side, names, ns, result, arrays)
        else:
            keras3_capture(side, names, ns, result, arrays)
        result["timings"]["capture_s"] = round(time.perf_counter() - t2, 3)
    except JobTimeout:
        result["fatal"] = f"timed out after {limit}s (wall-clock limit)"
    except FatalRun as exc:
        result["fatal"] = str(exc)
    except MemoryError:
        result["fatal"] = "memory limit exceeded (MemoryError)"
    except Exception as exc:  # noqa: BLE001
        result["fatal"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()[-2000:]
    finally:
        if limit:
            signal.alarm(0)
    _write_results(side, out_dir, result, arrays)


def load_saved(side, path):
    """A .keras file, loaded by Keras 3 in safe mode (no Lambda bytecode runs): its model is the one captured."""
    model = side.keras.saving.load_model(path, compile=False)
    side.captured = [model]
    return {id(model): None}, {}


def _alarm(signum, frame):
    raise JobTimeout()


def _write_results(side, out_dir, result, arrays):
    if side.guard is not None and os.getpid() != side.guard.owner:
        os._exit(0)  # a process the script forked never writes the run's results
    tmp = os.path.join(out_dir, f"{side.name}.tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, os.path.join(out_dir, f"{side.name}.npz"))
    with open(os.path.join(out_dir, f"{side.name}.json.tmp"), "w") as fh:
        json.dump(result, fh, default=str)
    os.replace(os.path.join(out_dir, f"{side.name}.json.tmp"), os.path.join(out_dir, f"{side.name}.json"))


# what a missing module at boot is installed by: Keras 2.2.4's own imports and TensorFlow's
BOOT_PACKAGES = {"scipy": "scipy", "yaml": "pyyaml", "h5py": "h5py", "PIL": "pillow", "six": "six",
                 "tensorflow": "tensorflow-cpu", "keras": "tensorflow-cpu", "numpy": "numpy"}


def boot_hint(exc) -> str:
    """'; install it with: pip install "kfn-gen[tf]"' for a module the [tf] extra installs, else the package."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return ""
    top = exc.name.split(".")[0]
    if top in BOOT_PACKAGES:
        return f" (the {BOOT_PACKAGES[top]} package; install it with: pip install \"kfn-gen[tf]\")"
    return f" (install it with: pip install {top})"


def main(argv):
    """SPEC: side, legacy_dir, seed, batch, and either one job's keys (script, out_dir, ...) or
    ``jobs``: a list of them, run one after another in this process (batch mode; the file named by
    ``progress`` gets each job's index as it starts, so the parent knows which one killed the process)."""
    spec = json.load(open(argv[1]))
    jobs = spec.pop("jobs", None) or [spec]
    side = Legacy(spec) if spec["side"] == "legacy" else Keras3(spec)
    side.base_spec = spec
    side.guard = sandbox_guard.install(spec["guard_log"], os.environ.get("HOME", os.getcwd())) \
        if spec.get("guard_log") else None
    t0 = time.perf_counter()
    try:
        side.boot()
        install_random_standin(side)
        time.sleep = lambda *a, **k: None  # scripts that wait for nothing
    except Exception as exc:  # noqa: BLE001
        for job in jobs:
            os.makedirs(job["out_dir"], exist_ok=True)
            _write_results(side, job["out_dir"], {"side": side.name, "script": job["script"], "errors": [],
                                                  "statements_run": 0, "timings": {},
                                                  "fatal": f"could not boot: {type(exc).__name__}: {exc}"
                                                           + boot_hint(exc)}, {})
        os._exit(0)
    boot_s = round(time.perf_counter() - t0, 3)
    for i, job in enumerate(jobs):
        if i:
            reset_side(side)
        if spec.get("progress"):
            with open(spec["progress"], "a") as fh:
                fh.write(f"{i}\n")
        run_job(side, job, boot_s if i == 0 else 0.0)
    sys.stdout.flush()
    os._exit(0)  # skip TF's atexit handlers and user threads


if __name__ == "__main__":
    main(sys.argv)
