"""Which Keras 3 script errors make a verification `differ` (fast: no TensorFlow).

A migrated statement is mapped back to the original by a line diff: an error at a statement that
also failed under Keras 2.2.4 (a missing optional module, a download) is not the migration's fault;
any other Keras 3 error is, however many unrelated errors the 2.2.4 run had.
"""
from __future__ import annotations

from kfn_gen.linemap import line_map as _line_map
from kfn_gen.verify import EXIT_CODES, ScriptError, VerifyReport, coverage
from kfn_gen.verify.verdict import _map_to_original, _new_errors, _overall

OLD = """\
import keras
import pydot
x = 1
model.add_loss(loss)
plot(model)
"""
NEW = """\
import keras
def keras224_add_loss(model, loss):
    pass
import pydot
x = 1
keras224_add_loss(model, loss)
plot(model)
"""


def _files(tmp_path):
    old, new = tmp_path / "old.py", tmp_path / "new.py"
    old.write_text(OLD)
    new.write_text(NEW)
    return str(old), str(new)


def test_line_map_follows_inserted_and_rewritten_lines():
    m = _line_map(NEW, OLD)
    assert m[1] == 1 and m[4] == 2 and m[5] == 3 and m[7] == 5
    assert m[2] is None and m[3] is None  # the helper the migration inserted
    assert m[6] == 4  # the rewritten statement maps to the original one


def test_same_statement_failing_on_both_sides_is_not_a_difference(tmp_path):
    old, new = _files(tmp_path)
    lerrs = [ScriptError("keras 2.2.4", 2, "ImportError", "No module named 'pydot'", 2)]
    merrs = [ScriptError("keras 3", 4, "ImportError", "No module named 'pydot'", 4)]
    mapped = _map_to_original(merrs, old, new)
    assert _new_errors(lerrs, mapped) == []
    cov = coverage({"statements_total": 5}, lerrs, mapped)
    assert cov == {"statements": 5, "ran_on_both": 4, "same_error_on_both": 0, "failed_on_both": 1,
                   "failed_legacy_only": 0, "causes": ["pydot is not installed: pip install pydot"]}
    # not a difference, but not a MATCH either: a statement ran on neither side
    status, reason = _overall([], [], 0, cov)
    assert status == "partial" and "4 of 5 top-level statements ran on both sides" in reason
    assert "pip install pydot" in reason


def test_a_keras3_error_hidden_behind_more_legacy_errors_is_found(tmp_path):
    old, new = _files(tmp_path)
    lerrs = [ScriptError("keras 2.2.4", 2, "ImportError", "pydot", 2),
             ScriptError("keras 2.2.4", 5, "ImportError", "pydot", 5)]
    merrs = [ScriptError("keras 3", 6, "NotImplementedError", "add_loss", 6)]
    new_errs = _new_errors(lerrs, _map_to_original(merrs, old, new))
    assert new_errs == merrs  # two 2.2.4 errors, one Keras 3 error: counting would have hidden it
    status, reason = _overall([], new_errs, 0)
    assert status == "differ" and "keras 3 line 6: NotImplementedError" in reason


def test_error_in_an_inserted_statement_is_new(tmp_path):
    old, new = _files(tmp_path)
    merrs = [ScriptError("keras 3", 2, "NameError", "x", 2)]
    lerrs = [ScriptError("keras 2.2.4", 1, "E", "m", 1)]
    assert _new_errors(lerrs, _map_to_original(merrs, old, new)) == merrs


def test_full_coverage_is_match_and_says_so():
    cov = coverage({"statements_total": 5}, [], [])
    assert cov["ran_on_both"] == 5 and _overall([], [], 0, cov) == ("match", None)
    report = VerifyReport("old.py", "new.py", "match", coverage=cov)
    assert "coverage: 5 of 5 top-level statements ran on both sides" in report.format_table()
    assert report.exit_code == 0


def test_the_script_work_that_never_ran_is_partial_with_its_root_cause(tmp_path):
    """lstm_stateful's shape: `import pandas` fails on both sides, every later use is a NameError."""
    old, new = _files(tmp_path)
    lerrs = [ScriptError("keras 2.2.4", 2, "ModuleNotFoundError", "No module named 'sklearn.model_selection'", 2),
             ScriptError("keras 2.2.4", 5, "NameError", "name 'pd' is not defined", 5)]
    merrs = [ScriptError("keras 3", 4, "ModuleNotFoundError", "No module named 'sklearn.model_selection'", 4),
             ScriptError("keras 3", 7, "NameError", "name 'pd' is not defined", 7)]
    mapped = _map_to_original(merrs, old, new)
    cov = coverage({"statements_total": 5}, lerrs, mapped)
    assert (cov["ran_on_both"], cov["failed_on_both"]) == (3, 2)
    assert cov["causes"] == ["sklearn is not installed: pip install scikit-learn"]  # not the NameError
    status, reason = _overall([], _new_errors(lerrs, mapped), 0, cov)
    assert status == "partial"
    assert VerifyReport(old, new, status, coverage=cov).exit_code == EXIT_CODES["partial"] == 3


def test_a_statement_that_failed_only_under_224_is_not_covered(tmp_path):
    old, new = _files(tmp_path)
    lerrs = [ScriptError("keras 2.2.4", 3, "FileNotFoundError", "[Errno 2] No such file: 'data.csv'", 3)]
    cov = coverage({"statements_total": 5}, lerrs, [])
    assert cov["failed_legacy_only"] == 1 and cov["ran_on_both"] == 4
    assert "a file the script reads is missing" in cov["causes"][0]
    assert _overall([], [], 0, cov)[0] == "partial"


def test_a_new_keras3_error_still_differs_whatever_the_coverage(tmp_path):
    old, new = _files(tmp_path)
    merrs = [ScriptError("keras 3", 5, "AttributeError", "'Sequential' object has no attribute 'reset_states'", 5)]
    mapped = _map_to_original(merrs, old, new)
    cov = coverage({"statements_total": 5}, [], mapped)
    status, reason = _overall([], _new_errors([], mapped), 0, cov)
    assert status == "differ" and "reset_states" in reason


def test_the_same_error_of_the_script_itself_on_both_sides_is_covered(tmp_path):
    """The 2.2.4 guide reads `.output` of a layer called twice, which raises on purpose; Keras 3 raises too."""
    old, new = _files(tmp_path)
    lerrs = [ScriptError("keras 2.2.4", 3, "AttributeError", "Layer lstm_3 has no inbound nodes.", 3)]
    merrs = [ScriptError("keras 3", 5, "AttributeError", "The layer lstm_2 has never been called", 5)]
    mapped = _map_to_original(merrs, old, new)
    cov = coverage({"statements_total": 5}, lerrs, mapped)
    assert (cov["ran_on_both"], cov["same_error_on_both"], cov["causes"]) == (5, 1, [])
    assert _overall([], _new_errors(lerrs, mapped), 0, cov) == ("match", None)
    assert "(1 raising the same error on both, as 2.2.4 did)" in VerifyReport(old, new, "match", coverage=cov).format_table()
    # a different exception at that statement is not the same behaviour
    other = [ScriptError("keras 3", 5, "TypeError", "x", 5)]
    cov = coverage({"statements_total": 5}, lerrs, _map_to_original(other, old, new))
    assert cov["ran_on_both"] == 4 and _overall([], [], 0, cov)[0] == "partial"


def test_the_table_says_why_a_train_step_was_skipped():
    from kfn_gen.verify.report import ModelEntry, TrainStep, VerifyReport

    report = VerifyReport("old.py", "new.py", "match", models=(
        ModelEntry("model", "match", max_abs_diff=0.0,
                   train_step=TrainStep("skipped", detail="Keras 2.2.4 step failed: the model is not compiled")),))
    table = report.format_table()
    assert "skipped" in table
    assert "  model: train step skipped: Keras 2.2.4 step failed: the model is not compiled" in table.splitlines()
