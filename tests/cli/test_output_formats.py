"""`kfn-gen migrate --output-format`: each format on a small repository of legacy files (one that only needs
a hand change, one with edits, one clean) parses as what its consumer expects."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from kfn_gen.cli import main

EDITS = "from keras.optimizers import Adam\nopt = Adam(lr=0.1)\n"
HAND = "from keras import backend as K\nsess = K.get_session()\n"
CLEAN = "import keras\nx = keras.layers.Dense(3)\n"
WORKFLOW = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+(,endLine=\d+,endColumn=\d+)?"
                      r",title=[^:]*::.+$")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "edits.py").write_text(EDITS)
    (tmp_path / "pkg" / "hand.py").write_text(HAND)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args):
    return CliRunner().invoke(main, ["migrate", "--check", *args, "pkg"], catch_exceptions=False)


def test_github_lines_are_workflow_commands_on_the_right_lines(repo):
    r = _run("--output-format", "github")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert lines and all(WORKFLOW.match(line) for line in lines), lines
    (hand,) = [ln for ln in lines if ln.startswith("::warning") and "hand.py" in ln and "get_session" in ln]
    assert "file=pkg/hand.py,line=2,col=8" in hand and "KFN" in hand
    assert any(ln.startswith("::notice file=pkg/edits.py,line=2") for ln in lines)


def test_sarif_is_a_valid_2_1_0_log_with_rule_metadata(repo):
    sarif_pydantic = pytest.importorskip("sarif_pydantic")
    r = _run("--output-format", "sarif")
    assert r.exit_code == 1
    log = json.loads(r.stdout)
    sarif_pydantic.Sarif.model_validate(log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    ids = {d["id"] for d in run["tool"]["driver"]["rules"]}
    assert {"KFN005", "KFN900"} <= ids and all(re.fullmatch(r"KFN\d{3}", i) for i in ids)
    by_file = {}
    for res in run["results"]:
        loc = res["locations"][0]["physicalLocation"]
        by_file.setdefault(loc["artifactLocation"]["uri"], []).append((res["level"], loc["region"]["startLine"]))
        if "ruleIndex" in res:
            assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
    assert ("warning", 2) in by_file["pkg/hand.py"] and ("note", 2) in by_file["pkg/edits.py"]
    assert "pkg/clean.py" not in by_file


def test_json_has_codes_kinds_and_end_positions(repo):
    r = _run("--output-format", "json")
    findings = json.loads(r.stdout)
    (adam,) = [f for f in findings if f["path"].endswith("edits.py") and f["rule"] == "optimizers"]
    assert adam["code"] == "KFN005" and adam["kind"] == "fixed"
    assert (adam["line"], adam["end_line"]) == (2, 2) and adam["end_col"] > adam["col"]
    assert any(f["kind"] == "needs a hand change" and f["path"].endswith("hand.py") for f in findings)


def test_concise_prints_findings_not_edits(repo):
    r = _run("--output-format", "concise")
    lines = [ln for ln in r.stderr.splitlines() if re.match(r"^pkg/", ln)]
    assert lines and all(re.match(r"^pkg/\w+\.py:\d+:\d+: KFN\d{3} ", ln) for ln in lines), lines
    assert not any("edits.py" in ln for ln in lines)


def test_a_document_format_needs_stdout_free(repo):
    r = CliRunner().invoke(main, ["migrate", "--output-format", "json", "pkg/edits.py"])
    assert r.exit_code == 2 and "writes to stdout" in r.output


def test_the_format_can_come_from_configuration(repo):
    (repo / "pyproject.toml").write_text('[tool.kfn-gen]\noutput-format = "github"\n')
    assert _run().stdout.startswith("::")
    (repo / "pyproject.toml").write_text('[tool.kfn-gen]\noutput-format = "xml"\n')
    assert _run().exit_code == 2


def test_a_syntax_error_shows_its_line_with_a_caret(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import keras\nx = (1,\n")
    r = CliRunner().invoke(main, ["migrate", "--check", str(bad)])
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    i = next(i for i, ln in enumerate(lines) if "syntax error" in ln)
    assert lines[i + 1] == "    x = (1," and lines[i + 2] == "        ^"


def test_a_tree_without_python_files_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    r = CliRunner().invoke(main, ["migrate", "--check", str(tmp_path)])
    assert r.exit_code == 2 and "no Python files or notebooks found" in r.stderr
