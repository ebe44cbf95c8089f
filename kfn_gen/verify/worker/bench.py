"""Timing generated modules against the Keras 3 models they came from, inside the sandbox (bench/ only).

After the script has run again (the same capture as export.py), for each model that has a generated module:
median latency of the module's `__call__`, of `tf.function(model)`, of `model(x)` and of `model.predict(x)`,
at each batch size, measured round-robin (one call of each per round) so machine noise hits all alike.
"""
from __future__ import annotations

import importlib.util
import statistics
import time

import numpy as np

from kfn_gen.verify.worker.export import export_model
from kfn_gen.verify.worker.inputs import draw_inputs
from kfn_gen.verify.worker.sides import jsonable


def bench_captured(side, names, ns, result, arrays):
    import tensorflow as tf

    keras = side.keras
    spec = side.spec
    rng = np.random.default_rng(spec.get("seed", 0))
    out = {}
    for key, module in (spec.get("modules") or {}).items():
        index = int(key)
        if index >= len(side.captured):
            continue
        model = side.captured[index]
        try:
            desc, _ = export_model(keras, model, names.get(id(model)), ns, rng, 1)
            loader = importlib.util.spec_from_file_location(f"bench_module_{index}", module["path"])
            mod = importlib.util.module_from_spec(loader)
            loader.loader.exec_module(mod)
            gen = getattr(mod, module["class"])(model.get_weights())
            traced = tf.function(lambda *xs, m=model: m(list(xs) if len(xs) > 1 else xs[0], training=False))
            rows = {}
            for batch in spec.get("batches", [1, 32]):
                xs = [tf.constant(x) for x in draw_inputs(desc["inputs"], batch, rng)]
                arg = xs if len(xs) > 1 else xs[0]
                calls = {"gen": lambda: gen(*xs), "tf.function": lambda: traced(*xs),
                         "call": lambda: model(arg, training=False),
                         "predict": lambda: side.orig["predict"](model, arg, batch_size=batch, verbose=0)}
                for fn in calls.values():  # trace and warm up
                    fn()
                    fn()
                times = {k: [] for k in calls}
                for _ in range(int(spec.get("rounds", 15))):
                    for name, fn in calls.items():
                        t0 = time.perf_counter()
                        r = fn()
                        for o in (r if isinstance(r, (list, tuple)) else [r]):
                            np.asarray(o)  # wait for the result
                        times[name].append(time.perf_counter() - t0)
                rows[str(batch)] = {k: statistics.median(v) for k, v in times.items()}
            out[key] = {"var": names.get(id(model)), "name": model.name, "seconds": rows}
        except Exception as exc:  # noqa: BLE001 - reported per model
            out[key] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    result["bench"] = jsonable(out)
