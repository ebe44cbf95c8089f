"""Standard-library APIs old scripts use that today's Python removed (as pyupgrade and ruff's UP rules do).

* `inspect.getargspec(f)` (removed in 3.11) -> `inspect.getfullargspec(f)` where the result is read by
  index or by field: FullArgSpec's first four fields are ArgSpec's (args, varargs, varkw, defaults), and
  `.keywords` is spelled `.varkw`.  Unpacked or passed on whole, the shapes differ: a warning.
* `imp` (removed in 3.12): a script that uses it only for `imp.reload` gets `importlib`; any other use
  is a warning naming the importlib spelling.
* `distutils` (removed in 3.12): a warning naming the replacement (its semantics differ, so no rewrite).
"""
from __future__ import annotations

import re

import libcst as cst

from kfn_gen.frontend.tree import dotted as dotted_name, parents, walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule

DISTUTILS_HINTS = {
    "distutils.version": "packaging.version.Version (LooseVersion compared differently)",
    "distutils.dir_util": "shutil.copytree(src, dst, dirs_exist_ok=True)",
    "distutils.util": "str-to-bool by hand (strtobool) / sysconfig.get_platform()",
    "distutils.spawn": "shutil.which",
    "distutils.core": "setuptools",
}
_TRIGGER = re.compile(r"getargspec|\bimp\b|distutils")
ARGSPEC_FIELDS = {"args": "args", "varargs": "varargs", "defaults": "defaults", "keywords": "varkw"}


def _qual(ctx: Context, node) -> set[str]:
    return {q.name for q in ctx.src.qualnames.get(node, ())}


class StdlibRemoved(Rule):
    code = "KFN029"
    name = "stdlib-removed"
    description = "inspect.getargspec, imp and distutils (removed in Python 3.11/3.12) -> today's spelling"

    def run(self, ctx: Context) -> None:
        if not _TRIGGER.search(ctx.src.text):  # most files use none of them: no walk
            return
        up = parents(ctx.src.module)
        imp_imports, imp_uses = [], []
        for node in walk(ctx.src.module):
            if isinstance(node, cst.Import):
                for alias in node.names:
                    dotted = dotted_name(alias.name) or ""
                    if dotted == "imp":
                        imp_imports.append((node, alias))
                    elif dotted.split(".")[0] == "distutils":
                        self._distutils(ctx, alias, dotted)
            elif isinstance(node, cst.ImportFrom) and node.module is not None:
                dotted = dotted_name(node.module) or ""
                if dotted == "imp":
                    ctx.warn(node, "`from imp import ...`: the imp module was removed in Python 3.12: use importlib "
                                   "(imp.reload -> importlib.reload, imp.load_source -> importlib.util."
                                   "spec_from_file_location + module_from_spec)")
                elif dotted.split(".")[0] == "distutils":
                    self._distutils(ctx, node, dotted)
            elif isinstance(node, cst.Call) and "inspect.getargspec" in _qual(ctx, node.func):
                self._argspec(ctx, node, up)
            elif isinstance(node, cst.Attribute) and any(q.startswith("imp.") for q in _qual(ctx, node)) \
                    and isinstance(node.value, cst.Name):
                imp_uses.append(node)
        self._imp(ctx, imp_imports, imp_uses)

    @staticmethod
    def _distutils(ctx: Context, node, dotted: str) -> None:
        hint = next((h for k, h in DISTUTILS_HINTS.items() if dotted.startswith(k)), "setuptools or the stdlib")
        ctx.warn(node, f"`{dotted}`: distutils was removed in Python 3.12: use {hint}")

    @staticmethod
    def _argspec(ctx: Context, call: cst.Call, up) -> None:
        parent = up.get(call)
        func = call.func
        readable = (isinstance(parent, cst.Attribute) and parent.value is call and parent.attr.value in ARGSPEC_FIELDS) \
            or (isinstance(parent, cst.Subscript) and parent.value is call)
        if not (readable and isinstance(func, cst.Attribute)):
            ctx.warn(call, "inspect.getargspec() was removed in Python 3.11: use inspect.getfullargspec() "
                           "(its result has 7 fields, not 4, and .keywords is .varkw) or inspect.signature()")
            return
        ctx.edit(func.attr, lambda n: n.with_changes(value="getfullargspec"),
                 "inspect.getargspec -> inspect.getfullargspec (removed in Python 3.11; the fields read here "
                 "are the same)")
        if isinstance(parent, cst.Attribute) and parent.attr.value == "keywords":
            ctx.edit(parent.attr, lambda n: n.with_changes(value="varkw"), None)

    @staticmethod
    def _imp(ctx: Context, imports, uses) -> None:
        if not imports and not uses:
            return
        only_reload = uses and all(u.attr.value == "reload" and u.value.value == "imp" for u in uses)
        plain = all(a.asname is None and len(stmt.names) == 1 for stmt, a in imports)
        if only_reload and imports and plain:
            for stmt, alias in imports:
                ctx.edit(alias.name, lambda n: n.with_changes(value="importlib"),
                         "import imp -> import importlib (imp was removed in Python 3.12)")
            for use in uses:
                ctx.edit(use.value, lambda n: n.with_changes(value="importlib"),
                         "imp.reload -> importlib.reload (imp was removed in Python 3.12)")
            return
        for stmt, alias in imports:
            ctx.warn(alias, "the imp module was removed in Python 3.12: use importlib (imp.reload -> "
                            "importlib.reload, imp.load_source -> importlib.util.spec_from_file_location + "
                            "module_from_spec)")
