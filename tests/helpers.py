"""Shared test helpers (plain functions; fixtures live in conftest.py)."""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def seed_cases() -> list[Path]:
    return sorted(p.parent for p in FIXTURES.glob("*/input.py"))


def case_meta(case: Path) -> dict:
    return json.loads((case / "case.json").read_text(encoding="utf-8"))


# Run one script as a program: under genuine Keras 2.2.4 (booted by kfn_gen.verify.worker.shim224) or under
# Keras 3, in its own directory; the script writes its figures to out.npz.
BOOT_224 = "import runpy, sys; sys.path.insert(0, sys.argv[2]); from kfn_gen.verify.worker.shim224 import boot; " \
           "boot(sys.argv[1]); runpy.run_path('script.py', run_name='__main__')"


def run_script_npz(source: str, cwd, legacy_dir: str | None = None) -> dict:
    """Run `source` as script.py in `cwd` (Keras 2.2.4 when legacy_dir is given, else Keras 3);
    return the arrays it saved to out.npz."""
    import os
    import subprocess
    import sys

    import numpy as np

    cwd = str(cwd)
    os.makedirs(cwd, exist_ok=True)
    with open(os.path.join(cwd, "script.py"), "w", encoding="utf-8") as fh:
        fh.write(source)
    cmd = [sys.executable, "-c", BOOT_224, legacy_dir, str(ROOT)] if legacy_dir else [sys.executable, "script.py"]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1")
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(np.load(os.path.join(cwd, "out.npz")))


def verify_sources(old_source: str, new_source: str, tmp_path, legacy_dir: str, name: str = "new.py"):
    """Write both scripts (old.py, `name`) and verify the new one against the old one under genuine 2.2.4."""
    from kfn_gen.verify import verify_pair

    old, new = tmp_path / "old.py", tmp_path / name
    old.write_text(old_source)
    new.write_text(new_source)
    return verify_pair(str(old), str(new), legacy_dir=legacy_dir)


def assert_migration_verifies_one_model(source: str, tmp_path, legacy_dir: str) -> None:
    """Migrate `source`, verify it against genuine 2.2.4: a match with exactly one model compared (the
    models that migrated helpers build internally, verify/worker/sides.py: HELPER_BUILDERS, are not the script's)."""
    from kfn_gen.migrate.pipeline import migrate_source

    r = verify_sources(source, migrate_source(source, "old.py").code, tmp_path, legacy_dir)
    assert r.status == "match", r.format_table()
    assert len(r.models) == 1 and r.models[0].max_abs_diff <= 1e-5


def assert_layer_migration_matches(source: str, tmp_path, legacy_dir: str, expected: list[str],
                                   control: tuple[str, str]) -> None:
    """Migrate `source` (info diagnostics only; each `expected` line in the output) and verify it against
    genuine 2.2.4: one model, outputs within 1e-5, the training step matching.  Then the control: the
    migrated code with `control[0]` (which must occur once) replaced by `control[1]` must differ."""
    from kfn_gen.migrate.pipeline import migrate_source

    result = migrate_source(source, "old.py")
    assert not [d for d in result.diagnostics if d.severity != "info"], result.diagnostics
    code = result.code
    for line in expected:
        assert line in code, line
    r = verify_sources(source, code, tmp_path, legacy_dir)
    assert r.status == "match", r.format_table()
    (m,) = r.models
    assert m.max_abs_diff <= 1e-5 and m.train_step.status == "match", r.format_table()
    assert code.count(control[0]) == 1, control[0]
    r = verify_sources(source, code.replace(*control), tmp_path, legacy_dir, name="control.py")
    assert r.status == "differ" and r.models[0].max_abs_diff > 1e-3, r.format_table()


class FakeReport:
    """A stand-in for kfn_gen.verify.VerifyReport in CLI tests that fake verification (no TensorFlow)."""

    def __init__(self, status):
        self.status, self.ok = status, status == "match"

    def format_table(self):
        return f"| table | {self.status} |"

    def to_json(self):
        return {"status": self.status, "rows": []}


def fake_verify_module(monkeypatch, verify_pair) -> None:
    """Make `from kfn_gen.verify import verify_pair` (done lazily by the CLI) return `verify_pair`."""
    import kfn_gen.verify

    monkeypatch.setattr(kfn_gen.verify, "verify_pair", verify_pair)


def verify_in_one_batch(tmp_path_factory, legacy_dir: str, builders: dict, **kw) -> dict:
    """{key: builder(tmp_dir) -> (old_path, new_path)} -> {key: VerifyReport}, every pair verified in ONE batch:
    each side boots TensorFlow once for all of them instead of once per pair (verify_many gives verify_pair's
    verdicts; a script that crashes its process is re-run alone).  For module-scoped fixtures."""
    from kfn_gen.verify import verify_many

    keys, pairs = [], []
    for key, build in builders.items():
        old, new = build(tmp_path_factory.mktemp("pair"))
        keys.append(key)
        pairs.append((str(old), str(new)))
    return dict(zip(keys, verify_many(pairs, legacy_dir=legacy_dir, **kw)))
