"""Measure kfn-gen on a public breadth corpus that is not the examples: the pinned 2017-2019 PyPI releases in
kfn_gen.keras224.corpus.BREADTH (downloaded into the user cache, never committed).  Writes docs/breadth-table.md.

    python scripts/breadth_table.py [--out docs/breadth-table.md] [--json rows.json] [--no-import]

Per package: files; files refused (errors; each reason listed); files migrated; warnings; leftover Keras
names the unresolved-name invariant reported; *silent* leftovers (a Keras 3 miss with no diagnostic on its
line: must be 0); and, in one Keras 3 process with every migrated package on sys.path, the package's own
modules that import.  An import that fails on a third-party module that is not installed here (gym, tqdm,
...) is counted apart: it says nothing about the migration.  A measurement, not a gate.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from kfn_gen.keras224.corpus import BREADTH, package_modules, package_root  # noqa: E402
from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402
from kfn_gen.frontend.unresolved import silent_leftovers  # noqa: E402

IMPORTER = r"""
import importlib, json, sys, traceback
roots, mods, out = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
sys.path[:0] = roots
res = {}
for name in mods:
    try:
        importlib.import_module(name)
        res[name] = ["ok", ""]
    except BaseException as exc:  # noqa: BLE001
        missing = getattr(exc, "name", None) if isinstance(exc, ModuleNotFoundError) else None
        res[name] = [type(exc).__name__, (missing or "") + "|" + str(exc).splitlines()[0][:200] if str(exc) else ""]
json.dump(res, open(out, "w"))
"""


def migrate_package(spec: str, out_root: str) -> dict:
    root = package_root(spec)
    row = {"package": spec, "files": 0, "refused": {}, "migrated": 0, "changed": 0, "warnings": 0,
           "unresolved": 0, "silent": [], "seconds": 0.0}
    t0 = time.perf_counter()
    for dirpath, _, names in os.walk(root):
        for n in sorted(names):
            if not n.endswith(".py"):
                continue
            path = os.path.join(dirpath, n)
            rel = os.path.relpath(path, root)
            with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                source = fh.read()
            row["files"] += 1
            res = migrate_source(source, rel)
            target = os.path.join(out_root, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if res.code is None:
                errors = [d for d in res.diagnostics if d.severity == "error"]
                row["refused"][rel] = f"{errors[0].line}:{errors[0].col} {errors[0].message}" if errors else "?"
                code = source
            else:
                row["migrated"] += 1
                row["changed"] += res.code != source
                code = res.code
                row["warnings"] += sum(1 for d in res.diagnostics if d.severity == "warning")
                row["unresolved"] += sum(1 for d in res.diagnostics if d.rule == "unresolved")
                row["silent"] += [f"{rel}:{s}" for s in silent_leftovers(res)]
            with open(target, "w", encoding="utf-8", errors="surrogateescape") as fh:
                fh.write(code)
    row["seconds"] = round(time.perf_counter() - t0, 2)
    return row


def import_all(rows, roots, out_dir) -> None:
    mods = {spec: [m for m, _ in package_modules(package_root(spec))] for spec in BREADTH}
    tops = {m.split(".")[0] for ms in mods.values() for m in ms}
    own = {m for ms in mods.values() for m in ms}
    result = os.path.join(out_dir, "imports.json")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1", MPLBACKEND="Agg")
    subprocess.run([sys.executable, "-c", IMPORTER, json.dumps(roots), json.dumps(sum(mods.values(), [])), result],
                   env=env, timeout=900, capture_output=True, cwd=out_dir)
    with open(result) as fh:
        res = json.load(fh)
    for row in rows:
        ok, dep, failed = 0, {}, []
        for m in mods[row["package"]]:
            kind, msg = res.get(m, ["not run", ""])
            missing = msg.split("|", 1)[0] if kind == "ModuleNotFoundError" else ""
            if kind == "ok":
                ok += 1
            elif missing and missing.split(".")[0] not in tops | {"keras", "keras_applications", "keras_preprocessing"}:
                dep[missing.split(".")[0]] = dep.get(missing.split(".")[0], 0) + 1
            elif missing and missing.split(".")[0] in tops and missing not in own:
                # the package's own compiled extension (a Cython .pyx, never built here): not a migration gap
                dep[f"{missing} (unbuilt extension)"] = dep.get(f"{missing} (unbuilt extension)", 0) + 1
            else:
                failed.append(f"{m}: {kind}: {msg.split('|', 1)[-1]}")
        row.update(modules=len(mods[row["package"]]), imports_ok=ok, dependency_missing=dep, import_failures=failed)


def render(rows, meta) -> str:
    tot = lambda k: sum(r[k] for r in rows)  # noqa: E731
    judged = sum(r.get("modules", 0) - sum(r.get("dependency_missing", {}).values()) for r in rows)
    ok = tot("imports_ok") if rows and "imports_ok" in rows[0] else 0
    lines = [
        "# Breadth corpus: 2017-2019 PyPI packages written against `import keras`",
        "",
        "Generated by `python scripts/breadth_table.py` (do not edit by hand). A measurement, not a gate.",
        "",
        f"- measured: {meta['date']} on {meta['platform']}, Python {meta['python']}; {len(rows)} packages "
        "(pinned in `kfn_gen/keras224/corpus.py`, downloaded from PyPI into the user cache, never committed)",
        f"- files: {tot('files')}; refused: {sum(len(r['refused']) for r in rows)}; migrated: {tot('migrated')} "
        f"({tot('changed')} changed); warnings: {tot('warnings')}, of which unresolved Keras names: "
        f"{tot('unresolved')}; silent leftovers (a Keras 3 miss with no diagnostic): "
        f"{sum(len(r['silent']) for r in rows)}",
        f"- package modules importing under Keras 3 (all migrated packages on sys.path, one process): {ok} of "
        f"{judged} whose third-party dependencies are installed here"
        + (f" ({100.0 * ok / judged:.1f}%)" if judged else ""),
        "",
        "| package | files | refused | migrated (changed) | warnings | unresolved | silent | modules import | "
        "dependency not installed | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        dep = ", ".join(f"{k} ({v})" for k, v in sorted(r.get("dependency_missing", {}).items())) or "-"
        lines.append(f"| {r['package']} | {r['files']} | {len(r['refused'])} | {r['migrated']} ({r['changed']}) | "
                     f"{r['warnings']} | {r['unresolved']} | {len(r['silent'])} | "
                     f"{r.get('imports_ok', '-')}/{r.get('modules', '-')} | {dep} | {r['seconds']} |")
    lines += ["", "## Refused files and their reasons", ""]
    for r in rows:
        for rel, why in sorted(r["refused"].items()):
            lines.append(f"- `{r['package']}` {rel}:{why}")
    lines += ["", "## Modules that do not import under Keras 3 (not a missing third-party package)", ""]
    for r in rows:
        for f in r.get("import_failures", []):
            lines.append(f"- `{r['package']}` {f}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "breadth-table.md"))
    ap.add_argument("--json")
    ap.add_argument("--no-import", action="store_true", help="skip the Keras 3 import check (no TensorFlow)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kfn-gen-breadth-") as work:
        rows, roots = [], []
        for spec in BREADTH:
            out_root = os.path.join(work, spec.replace("==", "-"))
            rows.append(migrate_package(spec, out_root))
            roots.append(out_root)
            print(f"{spec}: {rows[-1]['files']} files, {len(rows[-1]['refused'])} refused, "
                  f"{len(rows[-1]['silent'])} silent", file=sys.stderr)
        if not args.no_import:
            import_all(rows, roots, work)
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "platform": f"{platform.system()} {platform.machine()}", "python": platform.python_version()}
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(render(rows, meta))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
