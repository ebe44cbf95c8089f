"""Robustness sweep: the whole CPython standard library through `kfn-gen migrate --check`.

Every .py file is read and decoded, in check mode into a temporary --out-dir (so every file is
also mirrored); files that mention keras are migrated.  With KFN_GEN_SWEEP_ALL=1 every file goes
through the migrator (``--all-files``: no "mentions keras" shortcut) -- a much longer run.  Expected: no internal error (a crash of kfn-gen or of a rule), no
file would change (the stdlib has no Keras), and not a byte of Lib/ touched.  Files Python
itself cannot read (bad coding cookies, Python 2 test data, deliberate syntax errors) are
reported as failures with a diagnostic, which is fine.  The wall time is printed (-s to see it).
"""
from __future__ import annotations

import json
import os
import sysconfig
import time

import pytest
from click.testing import CliRunner

from kfn_gen.cli import main

pytestmark = pytest.mark.slow


def _snapshot(root: str) -> dict[str, tuple[int, int]]:
    snap = {}
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x not in ("site-packages", "__pycache__")]
        for f in files:
            if f.endswith((".py", ".ipynb")):
                st = os.stat(os.path.join(d, f))
                snap[os.path.join(d, f)] = (st.st_size, st.st_mtime_ns)
    return snap


def test_stdlib_sweep(tmp_path):
    lib = sysconfig.get_paths()["stdlib"]
    before = _snapshot(lib)
    report = tmp_path / "report.json"
    jobs = os.environ.get("KFN_GEN_SWEEP_JOBS", str(min(2, os.cpu_count() or 1)))
    all_files = ["--all-files"] if os.environ.get("KFN_GEN_SWEEP_ALL") == "1" else []
    t0 = time.perf_counter()
    result = CliRunner().invoke(
        main, ["migrate", "--check", *all_files, "-q", "-j", jobs, "--no-respect-gitignore",
               "--out-dir", str(tmp_path / "out"), "--report", str(report), lib],
        catch_exceptions=False)
    wall = time.perf_counter() - t0
    data = json.loads(report.read_text())
    s = data["summary"]
    internal = [d for f in data["files"] for d in f["diagnostics"] if d["rule"] == "internal"]
    changed = [f["path"] for f in data["files"] if f["status"] == "changed"]
    failed = [f for f in data["files"] if f["status"] == "failed"]
    print(f"\nstdlib sweep{' (--all-files)' if all_files else ''} of {lib}: {s['migratable']} Python files "
          f"in {wall:.1f}s with -j {jobs}: "
          f"{s['unchanged']} unchanged, {s['changed']} changed, {s['failed']} unreadable/unparseable "
          f"(expected: bad-encoding and syntax-error test data), {len(internal)} internal errors")
    for f in failed[:50]:
        print("  ", f["diagnostics"][0]["path"], f["diagnostics"][0]["line"], f["diagnostics"][0]["message"][:100])
    assert not internal, internal[:5]
    assert changed == []
    assert result.exit_code in (0, 2)  # 2 only because of the deliberately broken test data
    assert _snapshot(lib) == before  # not a byte touched
