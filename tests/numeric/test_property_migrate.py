"""Property-based tests: random legacy functional scripts migrate, stay stable, and (a few of them,
in CI) compute what genuine Keras 2.2.4 computes.  bench/bench_property.py runs many more."""
from __future__ import annotations

import ast

import pytest
from hypothesis import HealthCheck, given, settings

from kfn_gen.ir import build
from kfn_gen.frontend import source as frontend
from kfn_gen.migrate.pipeline import migrate_source
from tests.strategies import legacy_scripts


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(legacy_scripts(models=2))
def test_random_scripts_migrate_and_are_stable(script):
    result = migrate_source(script, "gen.py")
    assert result.ok, [d.format() for d in result.diagnostics] + [script]
    ast.parse(result.code)
    # every LSTM/GRU got 2.2.4's gate, every GRU the 2.2.4 bias layout
    n_rnn = script.count(" = LSTM(") + script.count(" = GRU(")
    assert result.code.count("recurrent_activation=keras224_hard_sigmoid") == n_rnn
    assert result.code.count("reset_after=False") == script.count(" = GRU(")
    assert migrate_source(result.code, "gen.py").code == result.code  # a second run changes nothing
    # the graph has one model per Model(...) call and no disconnected inputs
    src, _ = frontend.parse(script, "gen.py")
    graph, facts = build.build(src)
    assert len(graph.models) == script.count("Model(")
    assert not facts.diagnostics


@pytest.mark.tf
@pytest.mark.legacy
@pytest.mark.slow  # two sandboxed verifications (28 s): the default tier's budget
@settings(max_examples=2, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(legacy_scripts(models=3))
def test_random_scripts_verify_against_keras224(tmp_path_factory, script):
    pytest.importorskip("tensorflow")
    from kfn_gen.verify import verify_pair

    tmp = tmp_path_factory.mktemp("prop")
    old, new = tmp / "legacy.py", tmp / "migrated.py"
    old.write_text(script)
    new.write_text(migrate_source(script, str(old)).code)
    report = verify_pair(str(old), str(new), timeout_s=300)
    assert report.status == "match", report.format_table() + "\n" + script
    assert all(m.max_abs_diff is not None and m.max_abs_diff <= 1e-5 for m in report.models)
