"""docs/coverage.md: every "fixed and verified" row names a test that exists (a file, and a test function in it
when one is named), and every rule code it cites is a real rule."""
from __future__ import annotations

import re

from kfn_gen.migrate.rules import all_rules
from tests.helpers import ROOT

TABLE = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
ROWS = [line for line in TABLE.splitlines() if line.startswith("| ") and not line.startswith("| difference")]


def _tests_named(cell: str) -> list[tuple[str, str | None]]:
    out = []
    for ref in re.findall(r"`([^`]+)`", cell):
        m = re.fullmatch(r"(?:tests/\w+/)?(test_\w+\.py)(?:::(\w+)(?:\[[^\]]*\])?)?", ref)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def test_every_verified_row_names_an_existing_test():
    verified = [r for r in ROWS if "| fixed and verified" in r]
    assert len(verified) >= 30
    for row in verified:
        named = _tests_named(row.split("|")[4])
        assert named, f"no test named: {row}"
        for filename, function in named:
            hits = list((ROOT / "tests").rglob(filename))
            assert hits, f"{filename} does not exist: {row}"
            if function:
                assert any(f"def {function}(" in h.read_text(encoding="utf-8") for h in hits), \
                    f"{filename} has no {function}: {row}"


def test_every_cited_rule_exists():
    known = {f"{r.code} {r.name}" for r in all_rules()} | {"KFN900 unresolved"}
    cited = set(re.findall(r"KFN\d{3} [a-z0-9-]+", TABLE))
    assert cited <= known, sorted(cited - known)
