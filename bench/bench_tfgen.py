#!/usr/bin/env python
"""Latency of generated tf-function modules against Keras 3, on this machine, in one run.

For each model (fixtures/tfgen/* and the seed fixtures small enough to run as they are) and each
batch size: median latency of
  gen       the generated module (`kfn-gen generate tf-function`)
  gen-jit   the same with --jit (XLA)
  call      Keras 3 `model(x)` (eager)
  predict   Keras 3 `model.predict(x)`
  tf.fn     `tf.function(model)(x)`
measured round-robin (one call of each per round) so machine noise hits all alike, and printed as
ratios against `gen`, with the model's matmul/conv FLOPs per sample and the fraction of this
machine's measured float32 matmul rate that `gen` reaches.  No assertions: numbers only.

    python bench/bench_tfgen.py                    # all cases, batch 1 and 32
    python bench/bench_tfgen.py --cases mlp,video_qa --batches 1 --rounds 20 --json out.json
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kfn_gen.render import tfgen  # noqa: E402
from kfn_gen.render import tfgen_keras

SEEDS = ["func_shared_vision", "func_timedistributed_model", "func_shared_lstm", "func_multio_model",
         "seq_dense_mlp", "seq_vgg_convnet"]
VARIANTS = ["gen", "gen-jit", "call", "predict", "tf.fn"]


def cases() -> list[str]:
    out = [f"fixtures/tfgen/{p.name}/input.py" for p in sorted((ROOT / "fixtures" / "tfgen").iterdir())
           if (p / "input.py").exists()]
    return out + [f"fixtures/{s}/input.py" for s in SEEDS if (ROOT / "fixtures" / s / "input.py").exists()]


def load(code: str, name: str, where: str):
    path = Path(where) / f"{name}.py"
    path.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def materialize(out):
    return [t.numpy() if hasattr(t, "numpy") else t for t in tf.nest.flatten(out)]


def matmul_rate(n: int = 1024, reps: int = 20) -> float:
    """Peak FLOP/s of a float32 n x n matmul under tf.function on this machine (best of `reps`: the
    machine is shared, the best run is the one least disturbed)."""
    a = tf.random.normal([n, n])
    b = tf.random.normal([n, n])
    f = tf.function(lambda a, b: tf.matmul(a, b))
    f(a, b).numpy()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f(a, b).numpy()
        times.append(time.perf_counter() - t)
    return 2 * n ** 3 / min(times)


def bench_case(rel: str, batches: list[int], rounds: int, tmp: str, rate: float, budget: float) -> list[dict]:
    text = (ROOT / rel).read_text(encoding="utf-8")
    gen = tfgen.generate(text, rel)
    gen_jit = tfgen.generate(text, rel, jit=True)
    kmodel = tfgen_keras.keras_model(text, rel, gen.model.var)
    weights = kmodel.get_weights()
    stem = f"bench_{abs(hash(rel)) % 10**8}"
    m = getattr(load(gen.code, stem, tmp), gen.class_name)(weights)
    mj = getattr(load(gen_jit.code, stem + "_jit", tmp), gen_jit.class_name)(weights)
    tf_model = tf.function(kmodel)
    rows = []
    for batch in batches:
        xs_np = tfgen_keras.random_inputs(gen.inputs, batch=batch, seed=batch)
        xs = [tf.constant(x) for x in xs_np]
        kx = xs if len(xs) > 1 else xs[0]
        kx_np = xs_np if len(xs_np) > 1 else xs_np[0]
        calls = {
            "gen": lambda: materialize(m(*xs)),
            "gen-jit": lambda: materialize(mj(*xs)),
            "call": lambda: materialize(kmodel(kx)),
            "predict": lambda: materialize(kmodel.predict(kx_np, batch_size=batch, verbose=0)),
            "tf.fn": lambda: materialize(tf_model(kx)),
        }
        ref = calls["call"]()
        one_round = 0.0
        for name, fn in calls.items():  # warm up (tracing, XLA compilation) and check agreement
            out = fn()
            t = time.perf_counter()
            out = fn()
            one_round += time.perf_counter() - t
            err = max(float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) for a, b in zip(out, ref))
            if err > 1e-4:
                print(f"  warning: {rel} batch {batch}: {name} differs from model(x) by {err:.3g}", file=sys.stderr)
        times: dict[str, list[float]] = {v: [] for v in VARIANTS}
        n_rounds = max(5, min(rounds, int(budget / max(one_round, 1e-9))))
        for _ in range(n_rounds):
            for name in VARIANTS:
                t = time.perf_counter()
                calls[name]()
                times[name].append(time.perf_counter() - t)
        med = {v: statistics.median(ts) for v, ts in times.items()}
        row = {"case": rel.split("/")[-2], "model": gen.model.var, "batch": batch, "flops_per_sample": gen.flops,
               "rounds": n_rounds, "median_s": med,
               "ratio_vs_gen": {v: med[v] / med["gen"] for v in VARIANTS},
               "gen_fraction_of_matmul_rate": gen.flops * batch / med["gen"] / rate,
               "gen_jit_fraction_of_matmul_rate": gen.flops * batch / med["gen-jit"] / rate}
        rows.append(row)
        print(fmt_row(row), flush=True)
    return rows


HEADER = (f"{'case':<28}{'batch':>5}{'MFLOP/x':>10}{'gen ms':>9}  "
          f"{'gen-jit':>8}{'call':>8}{'predict':>8}{'tf.fn':>8}   {'%peak':>6}{'jit%pk':>7}")


def fmt_row(r: dict) -> str:
    ratio = r["ratio_vs_gen"]
    return (f"{r['case']:<28}{r['batch']:>5}{r['flops_per_sample'] / 1e6:>10.3f}{r['median_s']['gen'] * 1e3:>9.3f}  "
            f"{ratio['gen-jit']:>7.2f}x{ratio['call']:>7.2f}x{ratio['predict']:>7.2f}x{ratio['tf.fn']:>7.2f}x"
            f"   {100 * r['gen_fraction_of_matmul_rate']:>5.1f}%{100 * r['gen_jit_fraction_of_matmul_rate']:>6.1f}%")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", help="comma-separated case names (fixtures/tfgen/<case> or fixtures/<seed>)")
    ap.add_argument("--batches", default="1,32")
    ap.add_argument("--rounds", type=int, default=30, help="timed calls of each variant (median), at most")
    ap.add_argument("--budget", type=float, default=8.0,
                    help="seconds of timed calls per case and batch (fewer rounds for slow models, at least 5)")
    ap.add_argument("--json", help="also write the rows here")
    args = ap.parse_args()
    selected = cases()
    if args.cases:
        wanted = set(args.cases.split(","))
        selected = [c for c in selected if c.split("/")[-2] in wanted]
    batches = [int(b) for b in args.batches.split(",")]
    rate = matmul_rate()
    print(f"TensorFlow {tf.__version__}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"float32 1024^3 matmul (best of 20): {rate / 1e9:.1f} GFLOP/s")
    print("latency ratios are <variant> / gen (>1: gen is faster); %peak: gen's FLOP rate / matmul rate")
    print(HEADER)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for rel in selected:
            try:
                rows += bench_case(rel, batches, args.rounds, tmp, rate, args.budget)
            except Exception as exc:  # noqa: BLE001 - report and go on
                print(f"{rel}: skipped: {type(exc).__name__}: {exc}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps({"matmul_flops_per_s": rate, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
