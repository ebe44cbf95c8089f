"""Every migrated seed script runs on Keras 3 (training calls included, on small data) and builds
the models Keras 2.2.4 built: same variables, same parameter counts, same tensor shapes.

The 2.2.4 figures are ground truth in fixtures/<case>/case.json, measured by
scripts/measure_fixtures.py running genuine Keras 2.2.4.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import ROOT, case_meta, seed_cases

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tf

CASES = [c for c in seed_cases() if (c / "expected.py").exists() and "keras224" in case_meta(c)]


@pytest.fixture(scope="module")
def runs():
    out = subprocess.run([sys.executable, str(ROOT / "tests" / "keras3_smoke.py"), *map(str, CASES)],
                         capture_output=True, text=True, cwd=ROOT, timeout=1200)
    assert out.returncode == 0, out.stderr[-3000:]
    return {r["case"]: r for r in map(json.loads, out.stdout.splitlines())}


def test_every_migrated_seed_was_run(runs):
    assert sorted(runs) == sorted(c.name for c in CASES)
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_runs_and_builds_the_keras224_models(runs, case):
    run = runs[case.name]
    assert run["error"] is None, run["error"]
    truth = case_meta(case)["keras224"]
    named = {m["var"]: m["params"] for m in truth["models"] if m.get("var")}
    assert {k: v for k, v in run["models"].items() if k in named} == named
    assert len(run["models"]) == len(named)
    for var, shape in truth.get("tensors", {}).items():
        if var in run["tensors"]:
            assert run["tensors"][var] == shape, var
