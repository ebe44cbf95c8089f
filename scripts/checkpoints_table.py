#!/usr/bin/env python
"""Checkpoints of real scripts, written by genuine Keras 2.2.4, converted by kfn-gen and checked.

Each of the 42 examples/*.py of the Keras 2.2.4 sdist runs under genuine 2.2.4 in the verifier's sandbox
(offline stand-ins, the verifier's bounded training), which saves every model it built with 2.2.4's own
model.save (kfn_gen.verify.options.VerifyOptions.save_models).  Each file is converted with
kfn_gen.checkpoints.convert and then loaded by genuine 2.2.4 and by plain Keras 3 and compared on seeded
inputs (kfn_gen.checkpoints.check.verify_conversions).  Writes docs/checkpoints-table.md; a measurement,
not a gate.

    python scripts/checkpoints_table.py                  # all 42
    python scripts/checkpoints_table.py mnist_mlp imdb_lstm   # a few, table printed, docs untouched
    python scripts/checkpoints_table.py --write NAME...      # a few, and the docs table of those
"""
from __future__ import annotations

import argparse
import datetime as _dt
import glob
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from kfn_gen.keras224.corpus import cache_dir, sdist_root  # noqa: E402
from kfn_gen.checkpoints.check import verify_conversions  # noqa: E402
from kfn_gen.checkpoints.convert import convert  # noqa: E402
from kfn_gen.checkpoints.h5file import CheckpointError  # noqa: E402
from kfn_gen.verify.oracle import ensure_legacy_keras  # noqa: E402
from kfn_gen.verify.options import VerifyOptions  # noqa: E402
from kfn_gen.verify.processes import run_side_batch  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="example names (default: all 42, and docs/checkpoints-table.md)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--memory-mb", type=int, default=8000)
    ap.add_argument("--keep", metavar="DIR", help="keep the checkpoints and converted files here")
    ap.add_argument("--write", action="store_true", help="write docs/checkpoints-table.md for the names given too")
    args = ap.parse_args(argv)
    examples = sorted(glob.glob(os.path.join(sdist_root(os.path.join(cache_dir(), "sdist")), "examples", "*.py")))
    if args.names:
        examples = [e for e in examples if os.path.splitext(os.path.basename(e))[0] in args.names]
    options = VerifyOptions(legacy_dir=ensure_legacy_keras(), timeout_s=args.timeout, memory_mb=args.memory_mb)
    t0 = time.perf_counter()
    work = tempfile.mkdtemp(prefix="kfn-gen-checkpoints-")
    from dataclasses import replace

    results = run_side_batch("legacy", examples, work, replace(options, save_models=True))
    rows, pairs = [], []
    for k, (example, (result, reason)) in enumerate(zip(examples, results)):
        name = os.path.splitext(os.path.basename(example))[0]
        row = {"example": name, "saved": 0, "converted": 0, "match": 0, "max_abs_diff": None, "reasons": []}
        rows.append(row)
        if result is None:
            row["reasons"].append(f"2.2.4 did not run it: {reason}")
            continue
        if not result.get("models"):
            errors = result.get("errors") or []
            row["reasons"].append("2.2.4 built no model here" + (f" ({errors[0].get('type')}: "
                                  f"{str(errors[0].get('message'))[:100]})" if errors else ""))
        for index, model in enumerate(result.get("models", [])):
            if model.get("save_error"):
                row["reasons"].append(f"m{index}: 2.2.4 could not save it: {model['save_error'][:120]}")
            if not model.get("saved"):
                continue
            row["saved"] += 1
            new = model["saved"][:-3] + ".keras"
            try:
                convert(model["saved"], new)
            except CheckpointError as exc:
                row["reasons"].append(f"m{index}: not converted: {str(exc).split(': ', 1)[-1][:160]}")
                continue
            row["converted"] += 1
            pairs.append((row, index, model["saved"], new))
    reports = verify_conversions([(o, n) for _, _, o, n in pairs], options) if pairs else []
    for (row, index, _, _), report in zip(pairs, reports):
        broken = [e for e in report.script_errors if e.side == "keras 2.2.4"]
        if broken:  # no reference: 2.2.4 cannot read back what it wrote
            row["reasons"].append(f"m{index}: genuine 2.2.4's own load_model fails on the file it saved "
                                  f"({broken[0].type}: {broken[0].message[:80]}), so there is nothing to compare")
            continue
        diffs = [m.max_abs_diff for m in report.models if m.max_abs_diff is not None]
        if report.status == "match":
            row["match"] += 1
        else:
            row["reasons"].append(f"m{index}: {report.status}: {(report.reason or '')[:160]}")
        if diffs:
            row["max_abs_diff"] = max([row["max_abs_diff"] or 0.0, *diffs])
    seconds = time.perf_counter() - t0
    table = _table(rows, seconds)
    print(table)
    if args.keep:
        shutil.copytree(work, args.keep, dirs_exist_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    if args.write or not args.names:
        with open(os.path.join(ROOT, "docs", "checkpoints-table.md"), "w", encoding="utf-8") as fh:
            fh.write(table)
    return 0


def _table(rows, seconds) -> str:
    full = [r for r in rows if r["saved"] and r["match"] == r["saved"]]
    lines = ["# Checkpoints of the Keras 2.2.4 examples, converted", "",
             f"Written by `python scripts/checkpoints_table.py` on {_dt.date.today()} in {seconds:.0f} s. Each example "
             "ran under genuine Keras 2.2.4 (offline stand-ins, bounded training), which saved every model it built "
             "with its own `model.save`; `kfn-gen convert` turned each file into a `.keras` file, and genuine 2.2.4 "
             "(loading the `.h5`) and plain Keras 3 (loading the `.keras`) were compared on seeded inputs.", "",
             f"**{len(full)} examples: every saved model converted and matched** "
             f"({sum(r['match'] for r in rows)} of {sum(r['saved'] for r in rows)} models).", "",
             "| example | saved by 2.2.4 | converted | match (<= 1e-5) | max abs diff | reason |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        diff = "-" if r["max_abs_diff"] is None else f"{r['max_abs_diff']:.2g}"
        reason = "; ".join(r["reasons"]).replace("|", "\\|")
        lines.append(f"| {r['example']} | {r['saved']} | {r['converted']} | {r['match']} | {diff} | {reason} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
