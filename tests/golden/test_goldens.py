"""Tier 1: migrated text equals the golden files (regenerate with scripts/regen_goldens.py)."""
from __future__ import annotations

import pytest

from kfn_gen.migrate.pipeline import migrate_source
from tests.helpers import case_meta, seed_cases

CASES = seed_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_output_equals_golden(case):
    source = (case / "input.py").read_bytes().decode("utf-8")
    result = migrate_source(source, "input.py")
    diags = "".join(d.format() + "\n" for d in result.diagnostics)
    assert diags == (case / "expected.txt").read_bytes().decode("utf-8")
    expected = case / "expected.py"
    if result.code is None:
        assert not expected.exists()
    else:
        assert result.code == expected.read_bytes().decode("utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_expectation(case):
    """What case.json promises: errors at the right place, named typos, untouched modern code."""
    meta = case_meta(case)
    source = (case / "input.py").read_bytes().decode("utf-8")
    result = migrate_source(source, "input.py")
    expect = meta.get("expect", "migrates")
    if expect == "error":
        assert result.code is None
        (err,) = [d for d in result.diagnostics if d.severity == "error"]
        assert (err.line, err.col) == (meta["error_line"], meta["error_col"])
    elif expect == "diagnostics":
        assert result.code is None
        errors = {(d.line, d.message.split("'")[1]) for d in result.diagnostics if d.severity == "error"}
        for want in meta["diagnostics"]:
            assert (want["line"], want["name"]) in errors
        assert all("Traceback" not in d.message for d in result.diagnostics)
    elif expect == "unchanged":
        assert result.code == source and result.diagnostics == ()
    else:
        assert result.ok, [d.format() for d in result.diagnostics]


@pytest.mark.parametrize("case", [c for c in CASES if (c / "expected.py").exists()],
                         ids=[c.name for c in CASES if (c / "expected.py").exists()])
def test_second_run_changes_nothing(case):
    migrated = (case / "expected.py").read_bytes().decode("utf-8")
    again = migrate_source(migrated, "expected.py")
    assert again.code == migrated
    assert not again.edits
