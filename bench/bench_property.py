"""Property sweep at scale: N random legacy functional scripts -> migrate -> verify vs Keras 2.2.4.

Prints one table: how many matched / differed / failed to run, the worst output difference, and
where the time goes (static migration vs verification), measured side by side in this run.
Usage: python bench/bench_property.py [N=20] [MODELS_PER_SCRIPT=3] [SEED=0]
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402
from kfn_gen.verify import verify_pair  # noqa: E402
from tests.strategies import legacy_scripts  # noqa: E402


def draw_scripts(n: int, models: int, seed: int) -> list[str]:
    """n distinct scripts, reproducibly (hypothesis' public API: seed + generate phase only)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    out: list[str] = []

    @hseed(seed)
    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(legacy_scripts(models=models))
    def collect(script):
        if script not in out:
            out.append(script)

    collect()
    return out[:n]


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    models = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    scripts = draw_scripts(n, models, seed)
    status, diffs, t_migrate, t_verify = {}, [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i, script in enumerate(scripts):
            old, new = Path(tmp, f"s{i}.py"), Path(tmp, f"s{i}_k3.py")
            old.write_text(script)
            t0 = time.perf_counter()
            result = migrate_source(script, str(old))
            t_migrate.append(time.perf_counter() - t0)
            if not result.ok:
                status["migrate-failed"] = status.get("migrate-failed", 0) + 1
                continue
            new.write_text(result.code)
            t0 = time.perf_counter()
            report = verify_pair(str(old), str(new), timeout_s=300)
            t_verify.append(time.perf_counter() - t0)
            status[report.status] = status.get(report.status, 0) + 1
            diffs += [m.max_abs_diff for m in report.models if m.max_abs_diff is not None]
            if report.status != "match":
                print(f"--- script {i}: {report.status}\n{script}\n{report.format_table()}", file=sys.stderr)
    print(f"random legacy scripts: {n} x {models} models (seed {seed})")
    print("| outcome | scripts |\n|---|---|")
    for key in sorted(status):
        print(f"| {key} | {status[key]} |")
    print(f"\n| measure | value |\n|---|---|")
    print(f"| models compared | {len(diffs)} |")
    print(f"| worst max abs diff | {max(diffs) if diffs else float('nan'):.3g} |")
    print(f"| median migrate time (s) | {statistics.median(t_migrate):.3f} |")
    if t_verify:
        print(f"| median verify time (s) | {statistics.median(t_verify):.1f} |")
        print(f"| verify / migrate time ratio | {statistics.median(t_verify) / statistics.median(t_migrate):.0f}x |")
    return 0 if set(status) <= {"match"} else 1


if __name__ == "__main__":
    raise SystemExit(main())
