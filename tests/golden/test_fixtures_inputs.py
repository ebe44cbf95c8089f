"""Static checks of fixtures/<case>/{input.py,case.json} (fast: no TensorFlow, no Keras).

The measured ground truth in case.json ("keras224" / "keras3") is produced by
scripts/measure_fixtures.py; here we only check that it is present and well formed.
"""
from __future__ import annotations

import json
import re

import pytest
from tests.helpers import ROOT as REPO  # noqa: E402

ROOT = REPO
FIXTURES = ROOT / "fixtures"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"  # CI: a clean clone with ../shared beside it
SEED_FILES = (
    "000_41e9730e12cb700f.txt",
    "001_b1ed2d2346aa5f60.txt",
    "002_9eaf3c28efc4f9a6.txt",
    "003_ebba88815370adcd.txt",
    "004_ec645a9e1681533e.txt",
)
EXPECTS = {"migrate", "error", "diagnostics", "unchanged"}
CTX_HEAD = "# --- context from earlier in the guide (not part of this example) ---"
CTX_TAIL = "# --- example ---"
CASE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

CASES = sorted(p.name for p in FIXTURES.iterdir()
               if p.is_dir() and not p.name.startswith((".", "_")) and (p / "case.json").exists())


def load(case: str) -> tuple[str, dict]:
    d = FIXTURES / case
    return (d / "input.py").read_text(encoding="utf-8"), json.loads((d / "case.json").read_text(encoding="utf-8"))


def cases_with(expect: str) -> list[str]:
    return [c for c in CASES if load(c)[1]["expect"] == expect]


def test_there_are_cases():
    assert len(CASES) >= 30
    for kind in EXPECTS:
        assert cases_with(kind), kind


@pytest.mark.parametrize("case", CASES)
def test_case_dir_is_complete(case):
    assert CASE_NAME.match(case), case
    d = FIXTURES / case
    assert (d / "input.py").is_file()
    assert (d / "case.json").is_file()
    src, meta = load(case)
    assert src.endswith("\n")
    assert meta["expect"] in EXPECTS
    assert meta["sources"], "every case names the seed example(s) it comes from"
    for s in meta["sources"]:
        assert s["seed"] in SEED_FILES
        assert isinstance(s["line"], int) and s["line"] >= 1
        assert s["first_line"]
        assert s["form"] in ("verbatim", "flattened")


@pytest.mark.parametrize("case", [c for c in CASES if load(c)[1]["expect"] != "error"])
def test_valid_input_parses(case):
    src, meta = load(case)
    compile(src, f"fixtures/{case}/input.py", "exec")


@pytest.mark.parametrize("case", [c for c in CASES if load(c)[1]["expect"] == "error"])
def test_invalid_input_fails_at_recorded_position(case):
    src, meta = load(case)
    # A filename that is not a file on disk: CPython re-reads the offending line from the
    # named file to convert the column, so a wrong existing file gives a wrong column.
    with pytest.raises(SyntaxError) as info:
        compile(src, "<input>", "exec")
    assert (info.value.lineno, info.value.offset) == (meta["error_line"], meta["error_col"])
    assert case.startswith("invalid_")


@pytest.mark.parametrize("case", [c for c in CASES if load(c)[1]["expect"] == "diagnostics"])
def test_typo_names_at_recorded_lines(case):
    src, meta = load(case)
    lines = src.splitlines()
    assert meta["diagnostics"]
    for d in meta["diagnostics"]:
        line = lines[d["line"] - 1]
        assert re.search(r"\b%s\b" % re.escape(d["name"]), line), (d, line)
        if "col" in d:
            assert line[d["col"] - 1:].startswith(d["name"])
    # and nowhere else in the script
    for name in {d["name"] for d in meta["diagnostics"]}:
        found = {i for i, ln in enumerate(lines, 1) if re.search(r"\b%s\b" % re.escape(name), ln)}
        assert found == {d["line"] for d in meta["diagnostics"] if d["name"] == name}


@pytest.mark.parametrize("case", [c for c in CASES if "legacy_raises" in load(c)[1]])
def test_legacy_raises_line_exists(case):
    src, meta = load(case)
    lines = src.splitlines()
    for r in meta["legacy_raises"]:
        assert 1 <= r["line"] <= len(lines) and lines[r["line"] - 1].strip()
        assert r["error"].endswith("Error")


@pytest.mark.parametrize("case", [c for c in CASES if "example_lines" in load(c)[1]])
def test_context_block_is_marked(case):
    src, meta = load(case)
    lines = src.splitlines()
    start, end = meta["example_lines"]
    assert end == len(lines)
    if meta["has_context"]:
        assert lines[0] == CTX_HEAD
        assert lines[start - 2] == CTX_TAIL
        assert lines.count(CTX_HEAD) == 1 and lines.count(CTX_TAIL) == 1
    else:
        assert start == 1 and CTX_HEAD not in lines
    assert lines[start - 1] == meta["sources"][0]["first_line"]


def test_every_seed_is_referenced():
    referenced = {s["seed"] for c in CASES for s in load(c)[1]["sources"]}
    assert referenced == set(SEED_FILES)
    if SEEDS_DIR.is_dir():
        assert set(SEED_FILES) == {p.name for p in SEEDS_DIR.iterdir() if p.suffix == ".txt"}


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="seed documents not available")
@pytest.mark.parametrize("case", CASES)
def test_sources_match_seeds(case):
    src, meta = load(case)
    for s in meta["sources"]:
        seed_lines = (SEEDS_DIR / s["seed"]).read_text(encoding="utf-8").split("\n")
        assert seed_lines[s["line"] - 1] == s["first_line"]
    if "example_lines" in meta:  # the example itself is verbatim from its first source
        first = meta["sources"][0]
        seed_lines = (SEEDS_DIR / first["seed"]).read_text(encoding="utf-8").split("\n")
        start, end = meta["example_lines"]
        example = src.splitlines()[start - 1:end]
        assert example == seed_lines[first["line"] - 1:first["line"] - 1 + len(example)]
    elif meta["expect"] == "error":
        first = meta["sources"][0]
        seed_text = (SEEDS_DIR / first["seed"]).read_text(encoding="utf-8")
        assert src in seed_text + "\n"


@pytest.mark.parametrize("case", [c for c in CASES if load(c)[1]["expect"] != "error"])
def test_ground_truth_recorded(case):
    _, meta = load(case)
    key = "keras3" if meta["expect"] == "unchanged" else "keras224"
    truth = meta.get(key)
    assert truth is not None, f"run scripts/measure_fixtures.py {case}"
    assert truth["version"].startswith("3.") if key == "keras3" else truth["version"] == "2.2.4"
    for m in truth["models"]:
        assert m["class"] in ("Model", "Sequential", "Functional")
        assert len(m["layers"]) == len(m["layer_output_shapes"])
    recorded = {(e["line"], e["error"]) for e in truth["errors"]}
    for r in meta.get("legacy_raises", []):
        assert (r["line"], r["error"]) in recorded
    if meta["expect"] == "diagnostics":  # the typos crash genuine 2.2.4 too
        assert {e["error"] for e in truth["errors"]} == {"NameError"}
    elif not meta.get("legacy_raises"):
        assert truth["errors"] == [], truth["errors"]
