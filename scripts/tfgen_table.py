#!/usr/bin/env python
"""Measure `kfn-gen generate tf-function` on the 42 examples/*.py of the Keras 2.2.4 source distribution.

For each example: migrate it, run the migration under Keras 3 in the verifier's sandbox, capture every
model it builds, render one module per model, and run each module against its model on the captured
inputs (max abs diff), before and after a SavedModel round trip.  Writes docs/tfgen-table.md.  A
measurement, not a gate: exits 0 whatever the examples do.

    python scripts/tfgen_table.py -j 2                  # all examples, two at a time
    python scripts/tfgen_table.py mnist_mlp imdb_lstm   # a few, table printed, docs untouched
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as _dt
import glob
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from kfn_gen.generate.capture import CaptureError  # noqa: E402
from kfn_gen.generate.run import ATOL, generate  # noqa: E402
from kfn_gen.keras224.corpus import cache_dir, sdist_root  # noqa: E402
from kfn_gen.verify.options import VerifyOptions  # noqa: E402


def measure(example: str, options: VerifyOptions) -> dict:
    name = os.path.splitext(os.path.basename(example))[0]
    row = {"example": name, "models": 0, "generated": 0, "matched": 0, "max_abs_diff": None, "reasons": []}
    t0 = time.perf_counter()
    try:
        captured, modules = generate(example, options)
        if not modules:
            first = captured.script_errors[0] if captured.script_errors else None
            row["reasons"].append("builds no model under Keras 3" + (
                f" (line {first['line']}: {first['type']}: {first['message'][:120]})" if first else ""))
    except CaptureError as exc:
        row["reasons"].append(f"could not run: {str(exc)[:200]}")
        modules = []
    except Exception as exc:  # noqa: BLE001 - a measurement: record and go on
        row["reasons"].append(f"kfn-gen crashed: {type(exc).__name__}: {str(exc)[:200]}")
        modules = []
    row["models"] = len(modules)
    for m in modules:
        if m.code is not None:
            row["generated"] += 1
        if m.matches:
            row["matched"] += 1
        diffs = [d for d in (m.max_abs_diff, m.saved_model_max_abs_diff) if d is not None]
        if diffs:
            row["max_abs_diff"] = max(diffs + ([row["max_abs_diff"]] if row["max_abs_diff"] is not None else []))
        if m.error:
            row["reasons"].append(f"{m.label}: {m.error[:160]}")
        elif not m.matches:
            row["reasons"].append(f"{m.label}: differs by {m.max_abs_diff}")
    row["seconds"] = round(time.perf_counter() - t0, 1)
    return row


def status(row) -> str:
    if row["models"] and row["matched"] == row["models"]:
        return "all"
    return "some" if row["matched"] else "none"


def table(rows) -> str:
    lines = ["| example | models | generated | match (<= 1e-5, SavedModel too) | max abs diff | why not all |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        diff = "-" if r["max_abs_diff"] is None else f"{r['max_abs_diff']:.1e}"
        why = "; ".join(r["reasons"]).replace("|", "\\|").replace("\n", " ") or ""
        lines.append(f"| {r['example']} | {r['models']} | {r['generated']} | {r['matched']} | {diff} | {why} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args(argv)
    examples = sorted(glob.glob(os.path.join(sdist_root(cache_dir()), "examples", "*.py")))
    if args.names:
        examples = [e for e in examples if os.path.splitext(os.path.basename(e))[0] in args.names]
    options = VerifyOptions(timeout_s=args.timeout)
    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(lambda e: measure(e, options), examples))
    total = round(time.perf_counter() - t0)
    text = table(rows)
    every = sum(1 for r in rows if status(r) == "all")
    models = sum(r["models"] for r in rows)
    matched = sum(r["matched"] for r in rows)
    summary = (f"{every} of {len(rows)} examples generate every model they build and match within {ATOL:g} "
               f"(SavedModel round trip included); {matched} of {models} models match. {total} s, -j {args.jobs}.")
    print(text)
    print(summary)
    if not args.names:
        with open(os.path.join(ROOT, "docs", "tfgen-table.md"), "w", encoding="utf-8") as fh:
            fh.write("# `kfn-gen generate tf-function` on the Keras 2.2.4 examples\n\n"
                     "Written by `python scripts/tfgen_table.py -j 2`; do not edit by hand.  Each example is "
                     "migrated, run under Keras 3 in the verifier's sandbox (offline stand-ins, bounded training), "
                     "every model it builds is captured and rendered as a TensorFlow-only module, and each module "
                     f"is run against its model on seeded inputs.\n\nMeasured {_dt.date.today()} on "
                     f"{platform.machine()}, Python {platform.python_version()}.\n\n**{summary}**\n\n{text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
