#!/usr/bin/env python
"""Measure the ground truth of every fixture case under GENUINE Keras 2.2.4 (or Keras 3 for
cases that must pass through unchanged) and write it into fixtures/<case>/case.json.

    python scripts/measure_fixtures.py                 # every valid case
    python scripts/measure_fixtures.py func_shared_lstm seq_vgg_convnet
    python scripts/measure_fixtures.py --dry-run ...   # print, do not write case.json

Each input.py runs in its own subprocess (``--run-one MODE FILE``), statement by statement:
the module body is split with ``ast`` and every top-level statement is exec'd in one namespace;
an exception is recorded (line, type, message) and execution goes on with the next statement.
Model.fit / fit_generator / evaluate / evaluate_generator / predict / predict_generator are
replaced by no-ops that record their call (the fixture inputs are never edited for that).
Models are tracked by hooking the network constructor (keras.engine.network.Network.__init__
under 2.2.4, keras.Model.__init__ under Keras 3) in creation order, and named after the
variable of the final namespace that refers to them (null when no variable does any more).

Result written to case.json["keras224"] (or ["keras3"] for "expect": "unchanged"):
    {"version", "models": [{"var", "class", "line", "params", "layers", "output_shapes",
                 "layer_output_shapes"}], "tensors": {var: shape},
     "errors": [{"line", "stmt_line", "error", "message"}],
     "calls": [{"method", "line", "model_var"}], "elapsed_s"}
  params: model.count_params() (null if the model is not built); layers: class names of
  model.layers; output_shapes: the model's output shape(s), one per model output;
  layer_output_shapes: layer.output_shape per layer (null where Keras says it is ill-defined);
  tensors: static shape of every Keras tensor (or list of them) left in the final namespace
  (under Keras 3 also eager tf tensors).  Shapes are lists, None for an unknown dimension.

Keras 2.2.4 comes from /tmp/k224/site (override with KFN_K224_SITE), installed with
    pip install --no-deps --target /tmp/k224/site keras==2.2.4 keras_applications==1.0.6 keras_preprocessing==1.0.5
and runs on TensorFlow 2.21 through the compat.v1 shim below (its ORDER matters: importing
Keras 2.2.4 before Keras 3 has been imported and evicted silently loads the wrong Keras).
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures")
K224_SITE = os.environ.get("KFN_K224_SITE", "/tmp/k224/site")
MARK = "@@MEASURE-RESULT@@ "
NOOP_METHODS = ("fit", "fit_generator", "evaluate", "evaluate_generator", "predict", "predict_generator")


# --------------------------------------------------------------------------- child side
def _shim_keras224():
    import collections
    import collections.abc

    for n in ("Iterable", "Mapping", "MutableMapping", "Sequence", "Callable"):
        setattr(collections, n, getattr(collections.abc, n))
    import tensorflow as tf

    tf.compat.v1.disable_v2_behavior()  # imports Keras 3 as a side effect
    sys.modules["tensorflow"] = tf.compat.v1
    from tensorflow.python.framework import ops, tensor
    from tensorflow.python.ops import control_flow_ops, variables, while_loop

    ops._TensorLike = (tensor.Tensor, variables.Variable)
    ops.is_dense_tensor_like = lambda t: isinstance(t, ops._TensorLike)
    control_flow_ops.while_loop = while_loop.while_loop
    for k in list(sys.modules):
        if k == "keras" or k.startswith("keras."):
            del sys.modules[k]
    sys.path.insert(0, K224_SITE)
    import numpy as np

    for alias, target in (("float_", "float64"), ("complex_", "complex128"), ("unicode_", "str_"),
                          ("string_", "bytes_")):
        if not hasattr(np, alias):
            setattr(np, alias, getattr(np, target))
    import keras

    if keras.__version__ != "2.2.4":
        raise SystemExit(f"expected Keras 2.2.4, got {keras.__version__} from {keras.__file__}")
    from keras.engine import network, training

    return keras, network.Network, training.Model


def _shim_keras3():
    import tensorflow  # noqa: F401  (the seed imports it itself; this only warms it up)
    import keras

    if not keras.__version__.startswith("3."):
        raise SystemExit(f"expected Keras 3, got {keras.__version__}")
    return keras, keras.Model, keras.Model


def _frame_line(path, tb=None):
    """Innermost line of the script itself (in a traceback, or in the current stack)."""
    line = None
    if tb is not None:
        for fs in traceback.extract_tb(tb):
            if fs.filename == path:
                line = fs.lineno
        return line
    f = sys._getframe()
    while f is not None:
        if f.f_code.co_filename == path:
            return f.f_lineno
        f = f.f_back
    return None


def _shape(s):
    if s is None:
        return None
    if isinstance(s, list) or (isinstance(s, tuple) and s and isinstance(s[0], (tuple, list))):
        return [_shape(x) for x in s]
    return [None if d is None else int(d) for d in s]


def run_one(mode: str, path: str) -> dict:
    path = os.path.abspath(path)
    keras, net_cls, model_cls = _shim_keras224() if mode == "keras224" else _shim_keras3()
    created: list = []
    seen: set = set()
    calls: list = []
    orig_init = net_cls.__init__

    def built_internally(obj):
        """True when obj is constructed inside another model's method (e.g. the Functional
        graph a Keras 3 Sequential builds for itself), not by the script."""
        f = sys._getframe(2)
        while f is not None and f.f_code.co_filename != path:
            owner = f.f_locals.get("self")
            if owner is not None and owner is not obj and isinstance(owner, net_cls):
                return True
            f = f.f_back
        return False

    def init(self, *a, **kw):
        orig_init(self, *a, **kw)
        if id(self) not in seen and not built_internally(self):
            seen.add(id(self))
            created.append((self, _frame_line(path)))

    net_cls.__init__ = init

    def make_noop(name):
        def noop(self, *a, **kw):
            calls.append({"method": name, "line": _frame_line(path), "model": self})
            return None
        noop.__name__ = name
        return noop

    for name in NOOP_METHODS:
        if hasattr(model_cls, name):
            setattr(model_cls, name, make_noop(name))

    src = open(path, encoding="utf-8").read()
    tree = ast.parse(src, path)
    ns = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    errors = []
    t0 = time.time()
    for stmt in tree.body:
        code = compile(ast.Module(body=[stmt], type_ignores=[]), path, "exec")
        try:
            exec(code, ns)
        except (Exception, SystemExit) as e:  # record and go on with the next statement
            errors.append({"line": _frame_line(path, e.__traceback__) or stmt.lineno, "stmt_line": stmt.lineno,
                           "error": type(e).__name__, "message": str(e).strip()[:300]})
    elapsed = time.time() - t0

    def var_of(obj):
        names = [k for k, v in ns.items() if v is obj and not k.startswith("__")]
        return names[0] if names else None

    def attempt(fn):
        try:
            return fn()
        except Exception:
            return None

    models = []
    for m, line in created:
        def out_shapes(m=m):
            s = m.output_shape
            return [_shape(x) for x in s] if isinstance(s, list) else [_shape(s)]

        def layer_shape(layer):
            try:
                return _shape(layer.output_shape)
            except Exception:
                return None

        models.append({
            "var": var_of(m),
            "class": type(m).__name__,
            "line": line,
            "params": attempt(lambda m=m: int(m.count_params())),
            "layers": [type(layer).__name__ for layer in m.layers],
            "output_shapes": attempt(out_shapes),
            "layer_output_shapes": [layer_shape(layer) for layer in m.layers],
        })
    def tensor_shape(v):
        if mode == "keras224":
            if hasattr(v, "_keras_history") and hasattr(v, "_keras_shape"):
                return _shape(v._keras_shape)
            return None
        if isinstance(v, keras.KerasTensor) or (type(v).__name__ in ("EagerTensor", "Tensor") and hasattr(v, "shape")):
            return _shape(tuple(v.shape))
        return None

    tensors = {}
    for k, v in ns.items():
        if k.startswith("_"):
            continue
        if isinstance(v, (list, tuple)) and v:
            shapes = [tensor_shape(x) for x in v]
            if all(sh is not None for sh in shapes):
                tensors[k] = shapes
        else:
            sh = tensor_shape(v)
            if sh is not None:
                tensors[k] = sh
    return {
        "version": keras.__version__,
        "models": models,
        "tensors": tensors,
        "errors": errors,
        "calls": [{"method": c["method"], "line": c["line"], "model_var": var_of(c["model"])} for c in calls],
        "elapsed_s": round(elapsed, 2),
    }


# --------------------------------------------------------------------------- parent side
def measure(case_dir: str, timeout: int) -> tuple[str, dict]:
    meta = json.load(open(os.path.join(case_dir, "case.json"), encoding="utf-8"))
    mode = "keras3" if meta.get("expect") == "unchanged" else "keras224"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", PYTHONHASHSEED="0")
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "--run-one", mode,
                        os.path.join(case_dir, "input.py")],
                       capture_output=True, text=True, timeout=timeout, env=env, cwd=case_dir)
    for line in p.stdout.splitlines():
        if line.startswith(MARK):
            return mode, json.loads(line[len(MARK):])
    raise RuntimeError(f"{case_dir}: no result (rc={p.returncode})\n{p.stderr[-3000:]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cases", nargs="*", help="case names (default: every case that is not expect=error)")
    ap.add_argument("--run-one", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args(argv)
    if args.run_one:
        mode, path = args.run_one
        result = run_one(mode, path)
        sys.stdout.flush()
        print(MARK + json.dumps(result), flush=True)
        return 0
    names = args.cases or sorted(d for d in os.listdir(FIXTURES) if os.path.isfile(os.path.join(FIXTURES, d, "case.json")))
    failed = 0
    for name in names:
        d = os.path.join(FIXTURES, name)
        cpath = os.path.join(d, "case.json")
        meta = json.load(open(cpath, encoding="utf-8"))
        if meta.get("expect") == "error":
            continue
        try:
            mode, res = measure(d, args.timeout)
        except Exception as e:  # keep going; report at the end
            failed += 1
            print(f"{name}: FAILED {e}", file=sys.stderr)
            continue
        summary = ", ".join(f"{m['var']}:{m['class']}:{m['params']}" for m in res["models"]) or "-"
        errs = ", ".join(f"{e['error']}@{e['line']}" for e in res["errors"]) or "-"
        print(f"{name:34s} {mode:8s} models[{summary}] errors[{errs}] {res['elapsed_s']}s", flush=True)
        if not args.dry_run:
            meta[mode] = res
            with open(cpath, "w", encoding="utf-8") as f:
                json.dump(meta, f, indent=2, ensure_ascii=False)
                f.write("\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
