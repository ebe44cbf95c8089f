"""Which Keras 3 script errors make a verification `differ` (fast: no TensorFlow).

A migrated statement is mapped back to the original by a line diff: an error at a statement that
also failed under Keras 2.2.4 (a missing optional module, a download) is not the migration's fault;
any other Keras 3 error is, however many unrelated errors the 2.2.4 run had.
"""
from __future__ import annotations

from kfn_gen.verify import ScriptError, _line_map, _new_errors, _overall

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
    assert _new_errors(lerrs, merrs, old, new) == []
    assert _overall([], [], 0) == ("match", None)


def test_a_keras3_error_hidden_behind_more_legacy_errors_is_found(tmp_path):
    old, new = _files(tmp_path)
    lerrs = [ScriptError("keras 2.2.4", 2, "ImportError", "pydot", 2),
             ScriptError("keras 2.2.4", 5, "ImportError", "pydot", 5)]
    merrs = [ScriptError("keras 3", 6, "NotImplementedError", "add_loss", 6)]
    new_errs = _new_errors(lerrs, merrs, old, new)
    assert new_errs == merrs  # two 2.2.4 errors, one Keras 3 error: counting would have hidden it
    status, reason = _overall([], new_errs, 0)
    assert status == "differ" and "keras 3 line 6: NotImplementedError" in reason


def test_error_in_an_inserted_statement_is_new(tmp_path):
    old, new = _files(tmp_path)
    merrs = [ScriptError("keras 3", 2, "NameError", "x", 2)]
    assert _new_errors([ScriptError("keras 2.2.4", 1, "E", "m", 1)], merrs, old, new) == merrs
