#!/usr/bin/env python
"""Verifier wall time over the seed fixtures: batched vs naive, measured in one run.

* naive   = ``verify_pair`` per case: one fresh process per script per side (2 per case), each
            paying ``import tensorflow`` (+ booting Keras 2.2.4 on the legacy side);
* batched = ``verify_many(batch=True)``: one process per side runs every script in order
            (Keras session cleared between scripts), so TF/Keras boot twice in all.

Both modes must give the same verdicts; the script checks that and prints a table of wall
times and ratios.  Run from the repository root:

    python bench/bench_verify.py            # every fixture case with expect == "migrate"
    python bench/bench_verify.py -n 6       # the first 6 cases only
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from kfn_gen.verify.oracle import ensure_legacy_keras  # noqa: E402
from kfn_gen.verify import verify_many, verify_pair  # noqa: E402


def cases():
    root = os.path.join(ROOT, "fixtures")
    out = []
    for case in sorted(os.listdir(root)):
        d = os.path.join(root, case)
        try:
            meta = json.load(open(os.path.join(d, "case.json"), encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("expect") == "migrate" and all(os.path.isfile(os.path.join(d, f)) for f in ("input.py", "expected.py")):
            out.append((case, os.path.join(d, "input.py"), os.path.join(d, "expected.py")))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=0, help="only the first N cases")
    ap.add_argument("--timeout", type=float, default=480)
    ap.add_argument("--memory-mb", type=int, default=16000, help="as tests/verifier/test_verify_fixtures.py (video case)")
    args = ap.parse_args(argv)
    todo = cases()
    if args.n:
        todo = todo[: args.n]
    if not todo:
        print("no fixture cases")
        return 1
    legacy_dir = ensure_legacy_keras()
    pairs = [(o, n) for _, o, n in todo]
    kw = dict(legacy_dir=legacy_dir, timeout_s=args.timeout, memory_mb=args.memory_mb, check_training=False)

    t0 = time.perf_counter()
    naive = [verify_pair(o, n, **kw) for o, n in pairs]
    t_naive = time.perf_counter() - t0

    t1 = time.perf_counter()
    batched = verify_many(pairs, batch=True, **kw)
    t_batch = time.perf_counter() - t1

    same = [a.status == b.status and [m.max_abs_diff for m in a.models] == [m.max_abs_diff for m in b.models]
            for a, b in zip(naive, batched)]
    print(f"kfn-gen verify benchmark: {len(pairs)} seed cases, {platform.machine()} {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    print()
    print(f"| mode | processes | wall s | s / case | ratio vs naive |")
    print(f"|---|---|---|---|---|")
    print(f"| naive: verify_pair per case | {2 * len(pairs)} | {t_naive:.1f} | {t_naive / len(pairs):.2f} | 1.00 |")
    print(f"| batched: verify_many | 2 (+ re-runs of failing scripts) | {t_batch:.1f} | {t_batch / len(pairs):.2f} | "
          f"{t_batch / t_naive:.2f} |")
    print()
    print(f"speed-up {t_naive / t_batch:.2f}x; identical verdicts and diffs: {sum(same)}/{len(same)}")
    for (case, _, _), a, b, ok in zip(todo, naive, batched, same):
        if not ok:
            print(f"  MISMATCH {case}: naive {a.status} {a.reason}; batched {b.status} {b.reason}")
    status = {}
    for r in batched:
        status[r.status] = status.get(r.status, 0) + 1
    print("verdicts (batched):", ", ".join(f"{k} {v}" for k, v in sorted(status.items())))
    for (case, _, _), r in zip(todo, batched):
        if r.status != "match":
            print(f"  {case}: {r.status}: {r.reason}")
    return 0 if all(same) else 1


if __name__ == "__main__":
    sys.exit(main())
