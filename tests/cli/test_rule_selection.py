"""Choosing rules (--select/--ignore/--extend-select, [tool.kfn-gen]) and switching one off on one line
(`# kfn-gen: ignore[...]`, `# noqa: KFN...`), as ruff users expect; the gate follows both."""
from __future__ import annotations

from click.testing import CliRunner

from kfn_gen.cli import main
from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.options import Options

LSTM_AND_ADAM = """\
from keras.layers import LSTM, Input
from keras.optimizers import Adam
x = Input(shape=(5, 4))
y = LSTM(3)(x){y}
o = Adam(lr=0.1){o}
"""
HAND = "from keras import backend as K\nsess = K.get_session(){c}\n"  # only a "needs a hand change" warning


def _src(y="", o=""):
    return LSTM_AND_ADAM.format(y=y, o=o)


def _cli(*args, cwd=None):
    runner = CliRunner()
    return runner.invoke(main, ["migrate", *map(str, args)], catch_exceptions=False)


def test_a_suppression_comment_leaves_its_line_untouched_and_silent():
    r = migrate_source(_src(y="  # kfn-gen: ignore[recurrent-224]", o="  # noqa: KFN005, E501"), "s.py")
    assert "y = LSTM(3)(x)  # kfn-gen: ignore[recurrent-224]\n" in r.code
    assert "o = Adam(lr=0.1)  # noqa: KFN005, E501\n" in r.code
    assert not [d for d in r.diagnostics if d.line in (4, 5)]
    # the same script without the comments: both lines change
    plain = migrate_source(_src(), "s.py")
    assert "LSTM(3, recurrent_activation=" in plain.code and "Adam(learning_rate=0.1)" in plain.code


def test_only_our_codes_count_in_a_noqa():
    """Legacy code is full of `# noqa` and `# noqa: E501`: they must not stop a migration."""
    r = migrate_source(_src(o="  # noqa"), "s.py")
    assert "Adam(learning_rate=0.1)  # noqa\n" in r.code
    r = migrate_source(_src(o="  # noqa: E501"), "s.py")
    assert "Adam(learning_rate=0.1)  # noqa: E501\n" in r.code
    assert not [d for d in r.diagnostics if d.rule == "unused-suppression"]


def test_a_bare_kfn_gen_ignore_switches_every_rule_off_on_its_line():
    r = migrate_source(_src(y="  # kfn-gen: ignore"), "s.py")
    assert "y = LSTM(3)(x)  # kfn-gen: ignore\n" in r.code and "Adam(learning_rate=0.1)" in r.code


def test_an_unused_suppression_is_reported_unless_its_rule_did_not_run():
    src = _src(y="  # kfn-gen: ignore[optimizers]")
    (d,) = [d for d in migrate_source(src, "s.py").diagnostics if d.rule == "unused-suppression"]
    assert (d.line, d.severity) == (4, "warning") and "optimizers" in d.message
    deselected = migrate_source(src, "s.py", Options(ignore=("optimizers",)))
    assert not [d for d in deselected.diagnostics if d.rule == "unused-suppression"]


def test_a_string_that_looks_like_a_suppression_is_not_one():
    r = migrate_source(_src(o="; t = '# noqa: KFN005'"), "s.py")
    assert "Adam(learning_rate=0.1)" in r.code


def test_select_and_ignore_by_code_prefix_or_name():
    assert "learning_rate" not in migrate_source(_src(), "s.py", Options(ignore=("KFN005",))).code
    assert "learning_rate" not in migrate_source(_src(), "s.py", Options(ignore=("optimizers",))).code
    only = migrate_source(_src(), "s.py", Options(select=("optimizers",))).code
    assert "learning_rate=0.1" in only and "recurrent_activation" not in only
    # the more specific selector wins: every KFN0.. rule but optimizers, then optimizers back by its code
    assert "learning_rate" in migrate_source(_src(), "s.py", Options(ignore=("KFN0",), select=("KFN005",))).code


def test_the_gate_fails_on_a_hand_change_and_passes_when_it_is_suppressed_or_ignored(tmp_path):
    (tmp_path / "w.py").write_text(HAND.format(c=""))
    assert _cli("--check", tmp_path / "w.py").exit_code == 1
    # switching the rule off alone does not pass: the output check still sees a name Keras 3 lacks
    (tmp_path / "w.py").write_text(HAND.format(c="  # kfn-gen: ignore[backend-breadth]"))
    r = _cli("--check", tmp_path / "w.py")
    assert r.exit_code == 1 and "[unresolved]" in r.stderr
    (tmp_path / "w.py").write_text(HAND.format(c="  # kfn-gen: ignore[backend-breadth, unresolved]"))
    assert _cli("--check", tmp_path / "w.py").exit_code == 0
    (tmp_path / "w.py").write_text(HAND.format(c="  # kfn-gen: ignore"))
    assert _cli("--check", tmp_path / "w.py").exit_code == 0
    (tmp_path / "w.py").write_text(HAND.format(c=""))
    assert _cli("--check", "--ignore", "backend-breadth,KFN900", tmp_path / "w.py").exit_code == 0
    (tmp_path / "pyproject.toml").write_text('[tool.kfn-gen]\nignore = ["KFN017", "unresolved"]\n')
    assert _cli("--check", tmp_path / "w.py").exit_code == 0


def test_configuration_is_found_upward_and_the_command_line_wins(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.kfn-gen]\nignore = ["optimizers"]\nimport-style = "tf.keras"\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(_src())
    r = _cli(tmp_path / "pkg" / "a.py", "--show-settings")
    assert r.exit_code == 0 and f"config: {tmp_path / 'pyproject.toml'}" in r.output
    assert "ignore = ['optimizers']" in r.output and "import-style = 'tf.keras'" in r.output
    out = _cli(tmp_path / "pkg" / "a.py").stdout
    assert "from tensorflow.keras.layers import" in out and "Adam(lr=0.1)" in out
    out = _cli(tmp_path / "pkg" / "a.py", "--select", "optimizers", "--import-style", "keras").stdout
    assert "Adam(learning_rate=0.1)" in out and "from keras.layers import" in out


def test_a_selector_or_setting_that_names_nothing_is_a_usage_error(tmp_path):
    (tmp_path / "a.py").write_text(_src())
    r = _cli("--select", "KFN9x", tmp_path / "a.py")
    assert r.exit_code == 2 and "no rule matches 'KFN9x'" in r.output
    (tmp_path / "pyproject.toml").write_text('[tool.kfn-gen]\nignroe = ["optimizers"]\n')
    r = _cli(tmp_path / "a.py")
    assert r.exit_code == 2 and "unknown [tool.kfn-gen] key(s): ignroe" in r.output


def test_configured_excludes_and_command_line_excludes_add_up(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.kfn-gen]\nexclude = ["vendored/"]\n')
    for folder in ("vendored", "old", "mine"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.py").write_text(_src())
    r = _cli(tmp_path, "--show-settings", "--exclude", "old/")
    assert "exclude = ['vendored/', 'old/']" in r.output
    r = _cli("--check", tmp_path, "--exclude", "old/")
    assert r.exit_code == 1
    said = r.stderr + r.stdout
    assert "/mine/a.py" in said and "/vendored/a.py" not in said and "/old/a.py" not in said


def test_an_explicit_jobs_1_wins_over_the_configuration(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.kfn-gen]\njobs = 2\n')
    (tmp_path / "a.py").write_text(_src())
    assert "jobs = 2" in _cli(tmp_path / "a.py", "--show-settings").output
    assert "jobs = 1" in _cli(tmp_path / "a.py", "--show-settings", "-j", "1").output


def test_rules_json_lists_the_unresolved_check_too():
    import json

    listed = json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).output)
    assert listed[-1]["code"] == "KFN900" and len({r["code"] for r in listed}) == len(listed)
