"""NumPy names that 2017-2019 scripts use and today's NumPy (2.x) no longer has, as data.

Checked against the live NumPy by tests/rules/test_rules_numpy_removed.py: every removed name is absent
from the installed NumPy (or, for `bool` and `long`, now means a NumPy scalar type instead of the
Python builtin it meant then), and every replacement resolves.  The mappings follow ruff's NPY001
(the builtin-type aliases removed in NumPy 1.24) and NPY201 (the NumPy 2.0 namespace clean-up).

ALIASES: `np.NAME` -> an expression that means exactly what `np.NAME` meant; `{np}` stands for the
script's own name of the numpy module.  Used anywhere (a dtype, an isinstance, a call).
CALLS: `np.NAME(...)` -> a rewrite that is exact only for the call forms given: `{np}` and `{args}`
(the call's own argument text); other uses are warned with the hint.
HINTS: names with no exact one-for-one replacement: a warning saying what to use.
"""
from __future__ import annotations

ALIASES: dict[str, str] = {
    # NPY001: aliases of the Python builtins, deprecated in 1.20, removed in 1.24 (np.bool and np.long
    # came back in 2.0 as NumPy scalar types; the scripts meant the builtins)
    "float": "float", "int": "int", "bool": "bool", "object": "object", "str": "str", "long": "int",
    "unicode": "str", "complex": "complex",
    # NPY201: removed in 2.0
    "float_": "{np}.float64", "complex_": "{np}.complex128", "cfloat": "{np}.complex128",
    "singlecomplex": "{np}.complex64", "longfloat": "{np}.longdouble", "clongfloat": "{np}.clongdouble",
    "longcomplex": "{np}.clongdouble", "unicode_": "{np}.str_", "string_": "{np}.bytes_",
    "int0": "{np}.intp", "uint0": "{np}.uintp", "bool8": "{np}.bool_", "object0": "{np}.object_",
    "str0": "{np}.str_", "bytes0": "{np}.bytes_", "void0": "{np}.void",
    "NaN": "{np}.nan", "NAN": "{np}.nan", "Inf": "{np}.inf", "Infinity": "{np}.inf", "infty": "{np}.inf",
    "PINF": "{np}.inf",
    "NINF": "(-{np}.inf)", "PZERO": "0.0", "NZERO": "(-0.0)",
    "product": "{np}.prod", "cumproduct": "{np}.cumprod", "sometrue": "{np}.any", "alltrue": "{np}.all",
    "round_": "{np}.round", "trapz": "{np}.trapezoid", "issubclass_": "issubclass", "mat": "{np}.asmatrix",
    "rank": "{np}.ndim",
}

# name -> (number of positional arguments for which the rewrite is exact, template)
CALLS: dict[str, tuple[int, str]] = {
    # asfarray(a) was asarray(a, dtype=float64) for the default dtype
    "asfarray": (1, "{np}.asarray({args}, dtype={np}.float64)"),
    # in1d flattened its result; isin keeps the shape of its first argument
    "in1d": (2, "{np}.isin({args}).ravel()"),
    # asscalar(a) was a.item(); alen(a) was len(array(a, ndmin=1))
    "asscalar": (1, "{np}.asarray({args}).item()"),
    "alen": (1, "len({np}.array({args}, ndmin=1))"),
}

HINTS: dict[str, str] = {
    "asfarray": "np.asarray(a, dtype=np.float64)",
    "in1d": "np.isin(a, b).ravel()",
    "asscalar": "a.item()",
    "alen": "len(a)",
    "msort": "np.sort(a, axis=0)",
    "find_common_type": "np.result_type",
    "safe_eval": "ast.literal_eval",
    "recfromcsv": "np.genfromtxt(..., delimiter=',', names=True, dtype=None)",
    "recfromtxt": "np.genfromtxt(..., dtype=None)",
    "set_string_function": "np.set_printoptions(formatter=...)",
    "who": "an IDE's variable explorer or locals()",
    "deprecate": "warnings.warn(..., DeprecationWarning)",
    "disp": "print",
    "byte_bounds": "np.lib.array_utils.byte_bounds",
    "cast": "np.asarray(a, dtype=...)",
    "source": "inspect.getsource",
    "lookfor": "help() or the NumPy documentation",
    "maximum_sctype": "a specific dtype such as np.float64",
    "obj2sctype": "np.dtype(obj).type",
    "sctype2char": "np.dtype(t).char",
    "sctypes": "the dtype classes themselves (np.float64, ...)",
    "issctype": "issubclass(t, np.generic)",
    "issubsctype": "np.issubdtype",
    "DataSource": "np.lib.npyio.DataSource",
    "fastCopyAndTranspose": "a.T.copy()",
    "compat": "the Python 3 builtins (numpy.compat was removed)",
    "loads": "pickle.loads",
    "add_newdoc_ufunc": "setting the ufunc's __doc__",
}
