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
