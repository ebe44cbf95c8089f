"""NumPy names removed since the scripts were written (`np.float`, `np.float_`, `np.NaN`, ...).

Keras 2.2.4 ran on NumPy 1.14-1.16, where `np.float` was Python's `float` and `np.float_` was
float64; NumPy 1.24 removed the builtin aliases and 2.0 a further set, so a migrated script that
keeps them stops with AttributeError on today's NumPy (ruff's NPY001 and NPY201).  Each use whose
name resolves to the numpy module (any alias, scopes respected) is rewritten to what it meant then
(tables_numpy.ALIASES), a call with an exact call-form rewrite is rewritten (tables_numpy.CALLS), and
anything else is a warning naming today's spelling (tables_numpy.HINTS).
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import dotted, parents, walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule
from kfn_gen.migrate.tables.numpy_names import ALIASES, CALLS, HINTS

_REMOVED = {**dict.fromkeys(HINTS), **dict.fromkeys(CALLS), **dict.fromkeys(ALIASES)}


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _swap(updated, new):
    """`new` in place of `updated`, keeping updated's parentheses unless `new` brings its own."""
    if getattr(new, "lpar", None) or not hasattr(updated, "lpar"):
        return new
    return new.with_changes(lpar=updated.lpar, rpar=updated.rpar)


def _numpy_name(ctx: Context, node: cst.Attribute) -> str | None:
    """NAME when `node` is `<numpy module>.NAME` for a removed NAME, else None."""
    if node.attr.value not in _REMOVED or not isinstance(node.value, (cst.Name, cst.Attribute)):
        return None
    if not any(q.name == f"numpy.{node.attr.value}" for q in ctx.src.qualnames.get(node, ())):
        return None
    return node.attr.value


class NumpyRemoved(Rule):
    code = "KFN028"
    name = "numpy-removed"
    description = "NumPy names removed in 1.24 and 2.0 (np.float, np.float_, np.NaN, ...) -> what they meant"

    def run(self, ctx: Context) -> None:
        if "numpy" not in ctx.src.text:
            return
        up = None
        for node in walk(ctx.src.module):
            if isinstance(node, cst.ImportFrom) and node.module is not None and dotted(node.module) == "numpy" \
                    and not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    if dotted(alias.name) in _REMOVED:
                        ctx.warn(alias, f"`from numpy import {dotted(alias.name)}`: removed from NumPy "
                                        f"(1.24/2.0): {self._today(dotted(alias.name))}")
                continue
            if not isinstance(node, cst.Attribute):
                continue
            name = _numpy_name(ctx, node)
            if name is None:
                continue
            np_code = _code(node.value)
            if name in ALIASES:
                new = ALIASES[name].format(np=np_code)
                ctx.edit(node, lambda updated, c=new: _swap(updated, cst.parse_expression(c)),
                         f"{_code(node)} -> {new} (removed from NumPy; it meant {new})")
                continue
            up = up if up is not None else parents(ctx.src.module)
            call = up.get(node)
            if name in CALLS and isinstance(call, cst.Call) and call.func is node and self._exact(call, CALLS[name][0]):
                template = CALLS[name][1]
                ctx.edit(call, lambda updated, t=template, n=np_code: cst.parse_expression(
                    t.format(np=n, args=", ".join(_code(a.value) for a in updated.args))),
                    f"{_code(node)}(...) -> {template.format(np=np_code, args='...')} (removed from NumPy; "
                    "the same result)")
                continue
            ctx.warn(node, f"{_code(node)} was removed from NumPy (1.24/2.0): {self._today(name)}")

    @staticmethod
    def _exact(call: cst.Call, n_positional: int) -> bool:
        return len(call.args) == n_positional and all(a.keyword is None and a.star == "" for a in call.args)

    @staticmethod
    def _today(name: str) -> str:
        if name in ALIASES:
            return f"use {ALIASES[name].format(np='np')}"
        return f"use {HINTS[name]}" if name in HINTS else "see the NumPy 2.0 migration guide"
