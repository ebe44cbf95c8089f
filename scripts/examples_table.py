#!/usr/bin/env python
"""Measure kfn-gen on the 42 examples/*.py of the Keras 2.2.4 source distribution.

For each example: migrate it (kfn_gen.migrate.pipeline.migrate_source), run the migration under Keras 3
and the original under genuine Keras 2.2.4 with offline stand-ins (kfn_gen.verify.verify_pair),
and write docs/examples-table.md with the status and the failing reason.  A measurement, not a
gate: the script exits 0 whatever the examples do (non-zero only when it cannot measure at all).

    python scripts/examples_table.py -j 2                  # all examples, two at a time
    python scripts/examples_table.py mnist_mlp imdb_lstm   # a few, table printed, docs untouched

The sdist is fetched once with `pip download --no-binary :all: --no-deps keras==2.2.4` into
$KFN_GEN_SDIST_DIR (default: <user cache>/kfn-gen/sdist); its files are never committed.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as _dt
import glob
import json
import os
import platform
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from kfn_gen.keras224.corpus import cache_dir, sdist_root  # noqa: E402
from kfn_gen.verify.oracle import ensure_legacy_keras  # noqa: E402
from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402
from kfn_gen.options import Options  # noqa: E402
from kfn_gen.verify import verify_pair  # noqa: E402


def fetch_examples(dest: str) -> str:
    """The examples/ directory of the Keras 2.2.4 sdist (kfn_gen.keras224.corpus), downloading it if needed."""
    return os.path.join(sdist_root(dest), "examples")


def measure(example: str, work: str, legacy_dir: str, timeout_s: float, memory_mb: int) -> dict:
    name = os.path.splitext(os.path.basename(example))[0]
    row = {"example": name, "migrates": "no", "legacy_runs": "-", "migrated_runs": "-", "verifies": "-",
           "models": "", "max_abs_diff": None, "reason": ""}
    t0 = time.perf_counter()
    with open(example, encoding="utf-8", newline="") as fh:
        source = fh.read()
    try:
        result = migrate_source(source, example, Options())
    except Exception as exc:  # noqa: BLE001 - a measurement: record and go on
        row["reason"] = f"migrator crashed: {type(exc).__name__}: {exc}"
        return row
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if result.code is None or errors:
        row["reason"] = "migration failed: " + (errors[0].format() if errors else "no output")
        return row
    row["migrates"] = "yes"
    warnings = [d for d in result.diagnostics if d.severity == "warning"]
    row["warnings"] = len(warnings)
    migrated = os.path.join(work, f"{name}.py")
    with open(migrated, "w", encoding="utf-8", newline="") as fh:
        fh.write(result.code)
    report = verify_pair(example, migrated, legacy_dir=legacy_dir, timeout_s=timeout_s, memory_mb=memory_mb)
    row["seconds"] = round(time.perf_counter() - t0, 1)
    row["status"] = report.status
    lerr = [e for e in report.script_errors if e.side == "keras 2.2.4"]
    merr = [e for e in report.script_errors if e.side == "keras 3"]
    reason = report.reason or ""
    if report.status == "error" and (reason.startswith("legacy side") or "legacy script built no" in reason):
        row["legacy_runs"] = "no"
    else:
        row["legacy_runs"] = "yes" if not lerr else f"partly ({len(lerr)} stmt errors)"
        if report.status == "error" and reason.startswith("keras3 side"):
            row["migrated_runs"] = "no"
        elif report.models or report.status != "error":
            row["migrated_runs"] = "yes" if not merr else f"partly ({len(merr)} stmt errors)"
    row["verifies"] = report.status
    cov = report.coverage or {}
    if cov.get("statements"):
        row["coverage"] = f"{cov['ran_on_both']}/{cov['statements']}"
    if report.models:
        outs_ok = [all(o.ok for o in m.outputs) and bool(m.outputs) for m in report.models]
        row["outputs"] = f"{sum(outs_ok)}/{len(outs_ok)}"
        steps = [m.train_step.status for m in report.models if m.train_step is not None]
        row["training"] = ", ".join(f"{steps.count(k)} {k}" for k in ("match", "differ", "error", "skipped")
                                    if steps.count(k)) or "-"
        n_match = sum(1 for m in report.models if m.status == "match")
        row["models"] = f"{n_match}/{len(report.models)}"
        diffs = [m.max_abs_diff for m in report.models if m.max_abs_diff is not None]
        row["max_abs_diff"] = max(diffs) if diffs else None
    reasons = []
    if report.status == "partial" and cov.get("causes"):
        reasons.append("not covered: " + "; ".join(cov["causes"]))
    if report.status != "match":
        if warnings:  # what the migrator itself reported as needing a hand migration comes first
            reasons.append("migration warns: " + "; ".join(
                f"line {d.line} [{d.rule}] {d.message[:90]}" for d in warnings[:2])
                + (f" (+{len(warnings) - 2} more)" if len(warnings) > 2 else ""))
        if reason:
            reasons.append(reason)
        for m in report.models:
            if m.status != "match":
                if m.problems:
                    reasons.append(f"{m.name}: {m.problems[0]}")
                if m.likely_cause:
                    reasons.append(f"{m.name}: likely cause: {m.likely_cause}")
        if merr and len(merr) > len(lerr):
            reasons.append("first Keras 3 error: " + merr[0].format())
        elif lerr and (row["legacy_runs"] != "yes" or report.status == "error"):
            reasons.append("first Keras 2.2.4 error: " + lerr[0].format())
    row["reason"] = " | ".join(reasons)
    return row


def _cell(text, limit=600) -> str:
    text = str(text).replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render(rows: list[dict], meta: dict) -> str:
    counts = {k: sum(1 for r in rows if r.get("verifies") == k) for k in ("match", "partial", "differ", "error")}
    outputs_equal = sum(1 for r in rows if r.get("outputs") and r["outputs"].split("/")[0] == r["outputs"].split("/")[1])
    migrated = sum(1 for r in rows if r["migrates"] == "yes")
    lines = [
        "# Keras 2.2.4 `examples/*.py`: migrate, run, verify",
        "",
        "Generated by `python scripts/examples_table.py` (do not edit by hand). A measurement, not a gate.",
        "",
        f"- measured: {meta['date']} on {meta['platform']}, Python {meta['python']}, "
        f"{meta['jobs']} job(s), per-side timeout {meta['timeout_s']:g}s, memory limit {meta['memory_mb']} MB",
        f"- examples: {len(rows)}; migrate: {migrated}; verify: {counts['match']} match (full coverage), "
        f"{counts['partial']} partial, {counts['differ']} differ, {counts['error']} could not run; every model's "
        "outputs equal: "
        f"{outputs_equal}; total {meta['elapsed_s']:.0f}s",
        "- columns: *migrates* = `migrate_source` produced code without an error diagnostic; *2.2.4 runs* / "
        "*Keras 3 runs* = the script ran top to bottom under genuine Keras 2.2.4 / Keras 3 with offline stand-ins "
        "(`partly` = some top-level statements raised and were skipped); *verifies* = `kfn-gen verify` verdict "
        "(match: every model equal within 1e-5, loss gradient and two optimizer steps included, and every top-level "
        "statement ran on both sides; partial: the models match but some statements ran on neither side); "
        "*coverage* = top-level statements that ran without error on both sides / all; the Keras 3 side runs "
        "with no NumPy or Python compatibility shim; *models* = models that "
        "match / models compared; *outputs equal* = models whose every output is within 1e-5 on seeded inputs "
        "with the legacy weights copied in; *training step* = per model: loss gradient and two optimizer "
        "steps fed the same gradients (skipped when the model is not compiled).",
        "",
        "| example | migrates | 2.2.4 runs | Keras 3 runs | verifies | coverage | models | outputs equal "
        "| max abs diff | training step | seconds | reason |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        diff = "-" if r.get("max_abs_diff") is None else f"{r['max_abs_diff']:.2e}"
        lines.append(f"| {r['example']} | {r['migrates']} | {r['legacy_runs']} | {r['migrated_runs']} | "
                     f"{r['verifies']} | {r.get('coverage', '-')} | {r['models'] or '-'} | {r.get('outputs', '-')} | {diff} | "
                     f"{r.get('training', '-')} | {r.get('seconds', '-')} | "
                     f"{_cell(r['reason']) or '-'} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="only these examples (file stem); docs/ is then left alone")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300, help="per side and example, seconds")
    ap.add_argument("--memory-mb", type=int, default=6000)
    ap.add_argument("--legacy-dir")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "examples-table.md"))
    ap.add_argument("--json", help="also write the rows as JSON here")
    args = ap.parse_args(argv)

    examples_dir = fetch_examples(cache_dir())
    examples = sorted(glob.glob(os.path.join(examples_dir, "*.py")))
    if args.names:
        examples = [e for e in examples if os.path.splitext(os.path.basename(e))[0] in set(args.names)]
    legacy_dir = ensure_legacy_keras(args.legacy_dir)
    t0 = time.perf_counter()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="kfn-gen-examples-") as work:
        with cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futs = {pool.submit(measure, e, work, legacy_dir, args.timeout, args.memory_mb): e for e in examples}
            for fut in cf.as_completed(futs):
                e = futs[fut]
                try:
                    row = fut.result()
                except Exception as exc:  # noqa: BLE001
                    row = {"example": os.path.splitext(os.path.basename(e))[0], "migrates": "?", "legacy_runs": "?",
                           "migrated_runs": "?", "verifies": "error", "models": "", "max_abs_diff": None,
                           "reason": f"measurement crashed: {type(exc).__name__}: {exc}"}
                rows[row["example"]] = row
                print(f"{row['example']:32s} {row['migrates']:4s} {row.get('verifies', '-'):7s} "
                      f"{row.get('seconds', '-')!s:>6s}s {row['reason'][:150]}", flush=True)
    ordered = [rows[k] for k in sorted(rows)]
    meta = {"date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "platform": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
            "python": platform.python_version(), "jobs": args.jobs, "timeout_s": args.timeout,
            "memory_mb": args.memory_mb, "elapsed_s": time.perf_counter() - t0}
    text = render(ordered, meta)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "rows": ordered}, fh, indent=1, default=str)
    if args.names:
        sys.stdout.write(text)
    else:
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
