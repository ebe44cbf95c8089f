"""Static migration speed: kfn-gen vs tf_upgrade_v2 vs a bare libcst round trip, on the 42
examples/*.py of the Keras 2.2.4 sdist, in one run.

    python bench/bench_static.py [--rounds 5] [--cache ~/.cache/kfn-gen/bench] [--no-cli]

The sdist is fetched once with `pip download --no-binary :all: --no-deps keras==2.2.4` into the
cache directory (outside the repository; never commit it) and extracted there.

Timed, best of --rounds, every tool reading the same files and writing its output tree:
  * libcst round trip     parse_module + .code for each file (the floor for a libcst-based tool)
  * kfn-gen migrate_source the migrator alone, in memory (no I/O)
  * kfn-gen batch -j 1    kfn_gen.files.batch: discover, read, decode, migrate, encode, write --out-dir
  * kfn-gen batch -j 2    the same with two worker processes (pool start-up included)
  * tf_upgrade_v2         ASTCodeUpgrader(TFAPIChangeSpec()).process_tree(in, out) in process
                          (TensorFlow import excluded)
and, once each, the two command lines as a user runs them (process start-up included):
  `kfn-gen migrate --out-dir` and `tf_upgrade_v2 --intree --outtree`.

Targets from issue 5: kfn-gen at least 5x faster than tf_upgrade_v2, within 2x of the libcst
round trip, and -j 2 scaling shown.  Nothing is asserted; the table says.
"""
from __future__ import annotations

import argparse
import contextlib
import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's start-up chatter out of the table

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

DEFAULT_CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "kfn-gen", "bench")


def fetch_examples(cache: str) -> str:
    """Directory holding Keras-2.2.4/examples/*.py, downloading the sdist on first use (kfn_gen.keras224.corpus)."""
    from kfn_gen.keras224.corpus import sdist_root

    return os.path.join(sdist_root(cache), "examples")


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cache", default=DEFAULT_CACHE)
    ap.add_argument("--no-cli", action="store_true", help="skip the end-to-end command-line timings")
    args = ap.parse_args()

    examples = fetch_examples(args.cache)
    work = tempfile.mkdtemp(prefix="kfn-bench-")
    src_dir = os.path.join(work, "examples")
    os.makedirs(src_dir)
    files = sorted(glob.glob(os.path.join(examples, "*.py")))
    for f in files:
        shutil.copy2(f, src_dir)
    sources = {}
    for f in sorted(glob.glob(os.path.join(src_dir, "*.py"))):
        with open(f, "rb") as fh:
            sources[f] = fh.read()
    n = len(sources)
    nbytes = sum(len(b) for b in sources.values())
    print(f"corpus: {n} files, {nbytes / 1024:.0f} KiB from {examples}")

    import libcst as cst

    from kfn_gen.files.batch import BatchConfig, run_batch
    from kfn_gen.files.discover import discover
    from kfn_gen.migrate.pipeline import migrate_source
    from kfn_gen.options import Options

    texts = {f: b.decode("utf-8") for f, b in sources.items()}

    def libcst_roundtrip():
        out = os.path.join(work, "out-libcst")
        os.makedirs(out, exist_ok=True)
        for f, data in sources.items():
            code = cst.parse_module(data.decode("utf-8")).code
            with open(os.path.join(out, os.path.basename(f)), "wb") as fh:
                fh.write(code.encode("utf-8"))

    def libcst_memory():
        for t in texts.values():
            cst.parse_module(t).code

    def kfn_memory():
        for f, t in texts.items():
            migrate_source(t, f, Options())

    outcome = {}

    def kfn_batch(jobs):
        def run():
            out = os.path.join(work, f"out-kfn-j{jobs}")
            shutil.rmtree(out, ignore_errors=True)
            res = run_batch(discover([src_dir]), BatchConfig(out_dir=out), jobs)
            outcome[jobs] = res
        return run

    rows = []
    rows.append(("libcst parse+codegen (in memory)", best(libcst_memory, args.rounds)))
    rows.append(("libcst round trip (files)", best(libcst_roundtrip, args.rounds)))
    rows.append(("kfn-gen migrate_source (in memory)", best(kfn_memory, args.rounds)))
    rows.append(("kfn-gen batch -j 1 (files)", best(kfn_batch(1), args.rounds)))
    rows.append(("kfn-gen batch -j 2 (files)", best(kfn_batch(2), args.rounds)))

    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        from tensorflow.tools.compatibility import ast_edits, tf_upgrade_v2
    tf_import = time.perf_counter() - t0

    def tf_upgrade():
        out = os.path.join(work, "out-tfup")
        shutil.rmtree(out, ignore_errors=True)
        upgrader = ast_edits.ASTCodeUpgrader(tf_upgrade_v2.TFAPIChangeSpec())
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            upgrader.process_tree(src_dir, out, copy_other_files=False)

    rows.append(("tf_upgrade_v2 process_tree (files)", best(tf_upgrade, args.rounds)))

    cli_rows = []
    if not args.no_cli:
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        for label, cmd in [
            ("kfn-gen migrate --out-dir (CLI, -j 1)",
             [sys.executable, "-m", "kfn_gen.cli", "migrate", "-q", "--out-dir", os.path.join(work, "cli-kfn"), src_dir]),
            ("kfn-gen migrate --out-dir (CLI, -j 2)",
             [sys.executable, "-m", "kfn_gen.cli", "migrate", "-q", "-j", "2", "--out-dir",
              os.path.join(work, "cli-kfn2"), src_dir]),
            ("tf_upgrade_v2 --intree --outtree (CLI)",
             ["tf_upgrade_v2", "--intree", src_dir, "--outtree", os.path.join(work, "cli-tfup"),
              "--reportfile", os.path.join(work, "tfup-report.txt")]),
        ]:
            t0 = time.perf_counter()
            p = subprocess.run(cmd, env=env, capture_output=True, cwd=os.path.dirname(HERE))
            cli_rows.append((label, time.perf_counter() - t0, p.returncode))

    res = outcome.get(1, [])
    status = {}
    for r in res:
        status[r.status] = status.get(r.status, 0) + 1
    edits = sum(len(r.edits) for r in res)
    same = [(r.rel, r.status) for r in outcome.get(1, [])] == [(r.rel, r.status) for r in outcome.get(2, [])]

    t = dict(rows)
    kfn = t["kfn-gen batch -j 1 (files)"]
    print(f"\nkfn-gen outcome: {status} ({edits} edits); -j 2 same outcome as -j 1: {same}")
    print(f"TensorFlow import for tf_upgrade_v2 (not timed below): {tf_import:.2f}s\n")
    w = max(len(r[0]) for r in rows + [(c[0], 0) for c in cli_rows])
    print(f"{'best of ' + str(args.rounds):<{w}}  {'seconds':>8}  {'ms/file':>8}  {'vs kfn-gen -j 1':>15}")
    for label, sec in rows:
        print(f"{label:<{w}}  {sec:8.3f}  {1000 * sec / n:8.2f}  {sec / kfn:14.2f}x")
    if cli_rows:
        print(f"\n{'command line, once (process start-up included)':<{w}}  {'seconds':>8}  {'rc':>8}")
        for label, sec, rc in cli_rows:
            print(f"{label:<{w}}  {sec:8.3f}  {rc:8d}")

    speedup = t["tf_upgrade_v2 process_tree (files)"] / kfn
    overhead = kfn / t["libcst round trip (files)"]
    overhead_mem = t["kfn-gen migrate_source (in memory)"] / t["libcst parse+codegen (in memory)"]
    scaling = kfn / t["kfn-gen batch -j 2 (files)"]
    print("\nratios:")
    print(f"  kfn-gen vs tf_upgrade_v2: {speedup:.2f}x faster          (target >= 5x: {'met' if speedup >= 5 else 'NOT met'})")
    print(f"  kfn-gen vs libcst round trip (files): {overhead:.2f}x slower (target <= 2x: {'met' if overhead <= 2 else 'NOT met'})")
    print(f"  kfn-gen migrate_source vs libcst parse+codegen (in memory): {overhead_mem:.2f}x")
    print(f"  -j 2 vs -j 1: {scaling:.2f}x speed-up on {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f})")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
