"""Every rule has an example for `kfn-gen rule CODE`, and its example makes that rule act (an edit, or for a
rule that only reports, a warning), so the documentation shows what the rule really does."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from kfn_gen.cli import main
from kfn_gen.migrate.examples import EXAMPLES
from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.migrate.rules import all_rules


def test_every_rule_has_an_example():
    assert sorted(EXAMPLES) == sorted(r.name for r in all_rules())


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.name)
def test_each_example_makes_its_rule_act(rule):
    result = migrate_source(EXAMPLES[rule.name], "example.py", rules=[rule])
    assert result.code is not None
    said = [d for d in result.diagnostics if d.rule == rule.name]
    assert said, f"{rule.name}: its example gives no edit or finding"
    if any(d.severity == "info" for d in said):
        assert result.code != EXAMPLES[rule.name]


def test_rule_command_prints_documentation_and_before_after():
    r = CliRunner().invoke(main, ["rule", "KFN005"])
    assert r.exit_code == 0
    assert "KFN005  optimizers" in r.output and "SGD(lr=0.01" in r.output and "+sgd = SGD(learning_rate=0.01" in r.output
    assert CliRunner().invoke(main, ["rule", "optimizers"]).output == r.output
    bad = CliRunner().invoke(main, ["rule", "KFN999"])
    assert bad.exit_code == 2 and "no rule" in bad.output
