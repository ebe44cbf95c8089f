#!/usr/bin/env python
"""Latency of `kfn-gen generate tf-function` modules against the Keras 3 models they came from, in one run.

For each Keras 2.2.4 example (the sdist's examples/*.py): generate a module per model it builds (captured
in the sandbox, checked <= 1e-5), run the script again in the sandbox and time, round-robin, at each batch
size: the generated module (`gen`), `tf.function(model)` (`tf.fn`), `model(x)` (`call`, eager) and
`model.predict(x)`.  Prints medians and ratios against `tf.fn`.  No assertions: numbers only.

    python bench/bench_generate.py                                   # a representative set
    python bench/bench_generate.py --examples mnist_mlp,imdb_lstm --rounds 30
    python bench/bench_generate.py --all --json out.json
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from kfn_gen.generate.capture import migrate  # noqa: E402
from kfn_gen.generate.run import generate  # noqa: E402
from kfn_gen.keras224.corpus import cache_dir, sdist_root  # noqa: E402
from kfn_gen.verify.options import VerifyOptions  # noqa: E402
from kfn_gen.verify.processes import run_side  # noqa: E402

DEFAULT = ["mnist_mlp", "mnist_cnn", "imdb_lstm", "imdb_bidirectional_lstm", "addition_rnn", "imdb_cnn",
           "cifar10_resnet", "lstm_seq2seq"]


def bench(example: str, options: VerifyOptions, batches, rounds) -> list[dict]:
    _, modules = generate(example, options)
    work = tempfile.mkdtemp(prefix="kfn-gen-bench-")
    try:
        chosen = {}
        for m in modules:
            if m.matches:
                path = os.path.join(work, f"module_{m.index}.py")
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(m.code)
                chosen[str(m.index)] = {"path": path, "class": m.class_name}
        if not chosen:
            return [{"example": os.path.basename(example), "error": "; ".join(m.error or "?" for m in modules)
                     or "no model"}]
        migrated = os.path.join(work, os.path.basename(example))
        with open(migrated, "w", encoding="utf-8") as fh:
            fh.write(migrate(example)[1])
        result, reason = run_side("keras3", migrated, os.path.join(work, "run"), options, task="bench",
                                  extra={"modules": chosen, "batches": batches, "rounds": rounds})
        if result is None:
            return [{"example": os.path.basename(example), "error": reason}]
        rows = []
        for key, entry in sorted(result.get("bench", {}).items(), key=lambda kv: int(kv[0])):
            rows.append({"example": os.path.splitext(os.path.basename(example))[0],
                         "model": entry.get("var") or entry.get("name"), **entry})
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", help="comma separated example names (default: a representative set)")
    ap.add_argument("--all", action="store_true", help="every example")
    ap.add_argument("--batches", default="1,32")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--json", help="also write the raw figures here")
    args = ap.parse_args(argv)
    examples_dir = os.path.join(sdist_root(cache_dir()), "examples")
    names = (sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(examples_dir, "*.py")))
             if args.all else (args.examples.split(",") if args.examples else DEFAULT))
    batches = [int(b) for b in args.batches.split(",")]
    options = VerifyOptions(timeout_s=600)
    rows = []
    for name in names:
        rows += bench(os.path.join(examples_dir, name + ".py"), options, batches, args.rounds)
    print(f"{'example':<26} {'model':<18} {'batch':>5} {'tf.fn ms':>9} {'gen/tf.fn':>9} {'call/tf.fn':>10} "
          f"{'predict/tf.fn':>13}")
    for r in rows:
        if "error" in r:
            print(f"{r['example']:<26} {r.get('model') or '-':<18} error: {r['error'][:80]}")
            continue
        for batch, t in r["seconds"].items():
            base = t["tf.function"]
            print(f"{r['example']:<26} {str(r['model'])[:18]:<18} {batch:>5} {base * 1e3:>9.3f} {t['gen'] / base:>9.2f} "
                  f"{t['call'] / base:>10.2f} {t['predict'] / base:>13.2f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
