"""Subprocess: ``python check_module.py JOBS.json`` -> one JSON line per job (TensorFlow boots once).

A job: {"module": MODULE.py, "class": CLASS, "case": CASE.npz, "saved_model": DIR or null}.

Builds the generated class from the captured weights (w/<j>) and constants (c/<k>, where the graph has any),
calls it on the captured inputs (in/<k>) and compares with the captured Keras 3 outputs (out/<k>): max abs
diff per output.  With SAVED_MODEL_DIR, also saves the module as a SavedModel there (serving signature: its
serve()), reloads it with tf.saved_model.load (no Python class, no Keras), calls the serving signature and
compares again.  Only TensorFlow and NumPy are imported, as a user of the module would.  A stateful model
(again/<k>: its outputs on a second call) is called twice; its SavedModel is fed zero states.

A module that draws random numbers (its random_* helpers, from a Lambda's keras.random call) is compared with
those helpers replaced by the verifier's deterministic stand-in, which the Keras 3 model had when its outputs
were captured (random_standin.py, loaded from its file: the sandbox imports no kfn-gen).  The SavedModel left
in SAVED_MODEL_DIR is then written again from the module as generated, so that it draws real numbers."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys

import numpy as np


def _arrays(npz, kind):
    out, k = [], 0
    while f"{kind}/{k}" in npz.files:
        out.append(npz[f"{kind}/{k}"])
        k += 1
    return out


def _diffs(got, want):
    got = list(got) if isinstance(got, (list, tuple)) else [got]
    if len(got) != len(want):
        return None, f"{len(got)} outputs, the model gives {len(want)}"
    worst = 0.0
    for g, w in zip(got, want):
        g = np.asarray(g)
        if g.shape != w.shape:
            return None, f"output shape {g.shape}, the model gives {w.shape}"
        worst = max(worst, float(np.max(np.abs(g.astype(np.float64) - w.astype(np.float64)))) if w.size else 0.0)
    return worst, None


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RANDOM_HELPERS = {"random_normal": "normal", "random_truncated_normal": "truncated_normal",
                  "random_uniform": "uniform"}


def _standin_random(module, tf) -> dict:
    """Put the verifier's deterministic draws in place of the module's random helpers; -> the originals."""
    present = {h: getattr(module, h) for h in RANDOM_HELPERS if callable(getattr(module, h, None))}
    if present:
        standin = _load(os.path.join(os.path.dirname(os.path.abspath(__file__)), "random_standin.py"),
                        "kfn_gen_random_standin").draws(tf)
        for helper in present:
            setattr(module, helper, standin[RANDOM_HELPERS[helper]])
    return present


def check(job, tf):
    module_path, class_name, case = job["module"], job["class"], job["case"]
    module = _load(module_path, f"generated_{abs(hash(module_path))}")
    originals = _standin_random(module, tf)
    npz = np.load(case)
    weights, constants, xs, want = _arrays(npz, "w"), _arrays(npz, "c"), _arrays(npz, "in"), _arrays(npz, "out")
    data = (weights, constants) if constants else (weights,)
    instance = getattr(module, class_name)(*data)
    out = {}
    out["max_abs_diff"], out["error"] = _diffs(instance(*[tf.constant(x) for x in xs]), want)
    again = _arrays(npz, "again")  # a stateful model: the second call, from the states the first one left
    if again and out["error"] is None:
        diff, out["error"] = _diffs(instance(*[tf.constant(x) for x in xs]), again)
        out["max_abs_diff"] = max(out["max_abs_diff"], diff) if diff is not None else None
    if job.get("saved_model") and out["error"] is None:
        tf.saved_model.save(instance, job["saved_model"], signatures=instance.serve)
        loaded = tf.saved_model.load(job["saved_model"])
        specs = instance.serve.input_signature  # the inputs, then a stateful model's states (zero at first)
        feed = {s.name: tf.constant(x) for s, x in zip(specs, xs)}
        feed.update({s.name: tf.zeros(s.shape, s.dtype) for s in specs[len(xs):]})
        got = loaded.signatures["serving_default"](**feed)
        got = [got[k] for k in sorted(got, key=lambda k: int(k.rsplit("_", 1)[-1]))][:len(want)]  # output_0, ...
        out["saved_model_max_abs_diff"], out["error"] = _diffs(got if len(got) > 1 else got[0], want)
        if originals:  # what is left there draws real random numbers
            for helper, fn in originals.items():
                setattr(module, helper, fn)
            shutil.rmtree(job["saved_model"])
            real = getattr(module, class_name)(*data)
            tf.saved_model.save(real, job["saved_model"], signatures=real.serve)
    return out


def main(argv):
    import tensorflow as tf

    with open(argv[1]) as fh:
        jobs = json.load(fh)
    for job in jobs:
        try:
            out = check(job, tf)
        except Exception as exc:  # noqa: BLE001 - reported per module; the others are still checked
            out = {"max_abs_diff": None, "error": f"the generated module failed to run: {type(exc).__name__}: "
                                                  f"{str(exc).strip().splitlines()[-1][:300] if str(exc).strip() else ''}"}
        print(json.dumps({"index": job["index"], **out}), flush=True)


if __name__ == "__main__":
    main(sys.argv)
