"""numpy-removed and stdlib-removed: names today's NumPy and Python removed, rewritten to what they meant.

Three kinds of check: the table against the live NumPy (a removed name is really gone, a replacement
really resolves); before/after text; and the migrated code runs under today's NumPy and Python
computing the values the old spelling meant (written out here from NumPy 1.x's definitions).
"""
from __future__ import annotations

import builtins
import inspect
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.migrate.tables.numpy_names import ALIASES, CALLS, HINTS

# names NumPy 2 defines again, with another meaning than the builtin the scripts meant
REDEFINED = {"bool": np.bool_, "long": np.long if hasattr(np, "long") else None}


def migrate(code: str):
    res = migrate_source(textwrap.dedent(code), "t.py")
    assert res.ok, [d.format() for d in res.diagnostics]
    return res


@pytest.mark.filterwarnings("ignore:In the future:FutureWarning")  # np.object/np.str: "gone, may come back"
@pytest.mark.parametrize("name", sorted({*ALIASES, *CALLS, *HINTS}))
def test_removed_name_is_gone_from_live_numpy(name):
    if name in REDEFINED:
        assert getattr(np, name) is not getattr(builtins, {"long": "int"}.get(name, name))
    else:
        assert not hasattr(np, name), f"np.{name} exists in NumPy {np.__version__}: not a removal"


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_alias_replacement_resolves(name):
    value = eval(ALIASES[name].format(np="np"), {"np": np})  # noqa: S307 - our own table
    assert value is not None or ALIASES[name] == "None"


def test_alias_values_mean_what_numpy_1_meant():
    ev = lambda name: eval(ALIASES[name].format(np="np"), {"np": np})  # noqa: E731,S307
    assert ev("float") is float and ev("int") is int and ev("bool") is bool and ev("long") is int
    assert ev("float_") is np.float64 and ev("complex_") is np.complex128 and ev("unicode_") is np.str_
    assert np.isnan(ev("NaN")) and ev("Inf") == np.inf and ev("NINF") == -np.inf
    assert ev("NZERO") == 0.0 and np.signbit(ev("NZERO")) and not np.signbit(ev("PZERO"))
    assert ev("product")([2, 3, 4]) == 24 and list(ev("cumproduct")([2, 3, 4])) == [2, 6, 24]
    assert ev("sometrue")([0, 1]) and not ev("alltrue")([0, 1])


def test_call_templates_compute_the_old_results():
    run = lambda name, *args: eval(CALLS[name][1].format(np="np", args=", ".join(map(repr, args))),  # noqa: E731
                                   {"np": np})
    out = run("asfarray", [1, 2])
    assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0]
    out = run("in1d", [[1, 2], [3, 1]], [1])  # NumPy 1.x: a flat boolean array
    assert out.shape == (4,) and out.tolist() == [True, False, False, True]
    assert run("asscalar", [7.5]) == 7.5
    assert run("alen", 3.0) == 1 and run("alen", [[1, 2], [3, 4], [5, 6]]) == 3


def test_text_before_after():
    res = migrate("""\
        import numpy as np
        from keras.layers import Dense
        x = np.zeros(3, dtype=np.float)
        y = np.asfarray([1, 2])
        z = (np.NINF.real, np.NaN, np.float_(1))
        def f(np):
            return np.float
        """)
    assert res.code == textwrap.dedent("""\
        import numpy as np
        from keras.layers import Dense
        x = np.zeros(3, dtype=float)
        y = np.asarray([1, 2], dtype=np.float64)
        z = ((-np.inf).real, np.nan, np.float64(1))
        def f(np):
            return np.float
        """)
    assert {d.rule for d in res.edits} == {"numpy-removed"}
    assert migrate(res.code).code == res.code  # a second run changes nothing


def test_other_alias_spelling_and_nested_edits():
    res = migrate("""\
        import numpy
        import keras
        a = numpy.asfarray(numpy.zeros(2, numpy.int))
        """)
    assert "a = numpy.asarray(numpy.zeros(2, int), dtype=numpy.float64)" in res.code


def test_inexact_forms_are_warned_not_rewritten():
    res = migrate("""\
        import numpy as np
        from numpy import float_
        import keras
        v = np.asfarray([1], dtype=np.float32)
        w = np.msort([3, 1])
        """)
    assert "np.asfarray([1], dtype=np.float32)" in res.code and "np.msort([3, 1])" in res.code
    warned = {(d.line, d.rule) for d in res.diagnostics if d.severity == "warning"}
    assert {(2, "numpy-removed"), (4, "numpy-removed"), (5, "numpy-removed")} <= warned


def test_stdlib_removals():
    res = migrate("""\
        import imp
        import inspect
        import keras
        def f(a, *b, **c):
            pass
        names = inspect.getargspec(f).args
        kw = inspect.getargspec(f).keywords
        first = inspect.getargspec(f)[0]
        whole = inspect.getargspec(f)
        imp.reload(keras)
        from distutils.version import LooseVersion
        """)
    assert "import importlib\n" in res.code and "importlib.reload(keras)" in res.code
    assert "names = inspect.getfullargspec(f).args" in res.code
    assert "kw = inspect.getfullargspec(f).varkw" in res.code
    assert "first = inspect.getfullargspec(f)[0]" in res.code
    assert "whole = inspect.getargspec(f)" in res.code
    warned = {d.line for d in res.diagnostics if d.severity == "warning" and d.rule == "stdlib-removed"}
    assert warned == {9, 11}
    # the field reads mean what ArgSpec's meant: args, varargs, keywords (varkw), defaults
    spec = inspect.getfullargspec(lambda a, *b, **c: None)
    assert (spec[0], spec[1], spec[2], spec.varkw) == (["a"], "b", "c", "c")


def test_imp_used_for_more_than_reload_is_warned():
    res = migrate("""\
        import imp
        import keras
        m = imp.load_source('m', 'm.py')
        """)
    assert res.code.startswith("import imp\n")
    assert any(d.severity == "warning" and d.rule == "stdlib-removed" and d.line == 1 for d in res.diagnostics)


def test_migrated_code_runs_on_todays_numpy(tmp_path):
    """The migrated statements run under the installed NumPy 2 (the original raises AttributeError)."""
    body = """\
        import numpy as np
        import inspect
        x = np.zeros(3, dtype=np.float).dtype.name
        y = np.asfarray([1, 2]).dtype.name
        z = np.in1d([[1, 2]], [1]).tolist()
        n = (np.NINF, np.float_(2.5), np.bool(0) is False)
        s = inspect.getargspec(lambda a, b=1: None).args
        print(x, y, z, n, s)
        """
    res = migrate("import keras\n" + textwrap.dedent(body))
    script = tmp_path / "m.py"
    script.write_text(res.code.replace("import keras\n", "", 1))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "float64 float64 [True, False] (-inf, np.float64(2.5), True) ['a', 'b']"
    script.write_text(textwrap.dedent(body))
    old = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert old.returncode != 0 and "AttributeError" in old.stderr  # the control: the original does not run
