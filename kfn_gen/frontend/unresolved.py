"""The invariant every migrated file is held to: each `keras` import and attribute chain resolves in Keras 3.

Checked on the migrated text (CPython's `ast`, no libcst metadata) against keras224/keras3_api.json, the
public Keras 3 API dumped from the live package (scripts/dump_keras3_api.py; refreshed by a test):

* `import keras.a.b [as c]`: keras.a.b is a Keras 3 module;
* `from keras.a import b`: keras.a is a module and b is one of its public names or submodules;
* `alias.x.y` in code, where `alias` was bound by one of those imports to a Keras 3 module: each step
  is a module or a public name of the module before it (what comes after an object is its own business);
* `keras_applications` / `keras_preprocessing` (Keras 2's companion packages, not installed with Keras 3);
* `from keras.a import *`: a name the file uses and binds nowhere itself, that 2.2.4's star import of
  keras.a bound (its modules had no `__all__`: `from keras.layers import *` gave scripts `K`) and Keras 3's
  does not: a NameError on Keras 3.

A name that does not resolve would stop the migrated script with ImportError or AttributeError on
Keras 3, so it is reported (migrate/pipeline.py: a warning at the original line, unless a rule already said
something there): no silent leftovers.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

import builtins

from kfn_gen.keras224 import api as api224
from kfn_gen.keras224.api import KERAS_PACKAGES, keras3_has, keras3_modules
from kfn_gen.linemap import line_map

COMPANIONS = KERAS_PACKAGES[1:]


@dataclass(frozen=True)
class Unresolved:
    line: int
    col: int
    name: str
    why: str
    error: str = "ImportError/AttributeError"  # what the migrated code would raise there


def unresolved_names(code: str) -> list[Unresolved]:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    modules = keras3_modules()
    aliases: dict[str, str] = {}  # a name bound to a Keras 3 module -> that module
    out: list[Unresolved] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                top = a.name.split(".")[0]
                if top in COMPANIONS:
                    out.append(_companion(node, a.name))
                elif top == "keras":
                    if a.name not in modules:
                        out.append(Unresolved(node.lineno, node.col_offset + 1, a.name, "no such Keras 3 module"))
                    else:
                        aliases[a.asname or "keras"] = a.name if a.asname else "keras"
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module.split(".")[0]
            if top in COMPANIONS:
                out.append(_companion(node, node.module))
            elif top == "keras":
                out.extend(_from_import(node, modules, aliases))
    out.extend(_star_names(tree))
    for node, local in _attributes(tree, frozenset()):  # inner links of a chain name the same first miss
        miss = _chain(node, {k: v for k, v in aliases.items() if k not in local}, modules)
        if miss:
            out.append(Unresolved(node.lineno, node.col_offset + 1, miss, "not in Keras 3"))
    return sorted(set(out), key=lambda u: (u.line, u.col, u.name))


def _attributes(node: ast.AST, local: frozenset):
    """(Attribute, names bound locally in its enclosing functions): a function's parameters and the names
    it assigns shadow a module alias of the same name (`layers = []` in a helper)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        bound = {a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                                 *filter(None, [node.args.vararg, node.args.kwarg])]}
        body = node.body if isinstance(node.body, list) else [node.body]
        for sub in body:
            for n in ast.walk(sub):
                if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
                    bound.add(n.id)
        local = local | bound
    if isinstance(node, ast.Attribute):
        yield node, local
    for child in ast.iter_child_nodes(node):
        yield from _attributes(child, local)


def _companion(node, name: str) -> Unresolved:
    return Unresolved(node.lineno, node.col_offset + 1, name,
                      f"{name.split('.')[0]} is Keras 2's companion package, not installed with Keras 3")


def _star_names(tree: ast.Module) -> list[Unresolved]:
    stars = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module
             and n.module.split(".")[0] == "keras" and any(a.name == "*" for a in n.names)]
    if not stars:
        return []
    bound = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            bound.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in n.names if a.name != "*")
        elif isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
    out, seen = [], set()
    for n in ast.walk(tree):
        if not isinstance(n, ast.Name) or not isinstance(n.ctx, ast.Load) or n.id in bound or n.id in seen \
                or hasattr(builtins, n.id):
            continue
        for mod in stars:
            if n.id in api224.names_in(mod) and not keras3_has(f"{mod}.{n.id}"):
                seen.add(n.id)
                out.append(Unresolved(n.lineno, n.col_offset + 1, f"{mod}.{n.id}",
                                      f"bound by 2.2.4's `from {mod} import *`, not by Keras 3's", "NameError"))
                break
    return out


def _from_import(node: ast.ImportFrom, modules, aliases) -> list[Unresolved]:
    mod = node.module
    if mod not in modules:
        return [Unresolved(node.lineno, node.col_offset + 1, mod, "no such Keras 3 module")]
    out = []
    for a in node.names:
        if a.name == "*":
            continue
        full = f"{mod}.{a.name}"
        if full in modules:
            aliases[a.asname or a.name] = full
        elif a.name in _EVERY_MODULE_HAS or full == "keras.__version__":
            continue
        elif not keras3_has(full):
            out.append(Unresolved(node.lineno, node.col_offset + 1, full, "not in Keras 3"))
    return out


# attributes every Python module has (keras.__version__ is Keras 3's too)
_EVERY_MODULE_HAS = {"__name__", "__file__", "__doc__", "__path__", "__package__", "__spec__", "__loader__",
                     "__dict__"}


def _chain(node: ast.Attribute, aliases, modules) -> str | None:
    """The first step of `alias.a.b...` that Keras 3 lacks, as a dotted name; None if it resolves (or is
    not rooted at a Keras module alias)."""
    parts = []
    cur = node
    while isinstance(cur, ast.Attribute):
        parts.append(cur.attr)
        cur = cur.value
    if not isinstance(cur, ast.Name) or cur.id not in aliases:
        return None
    current = aliases[cur.id]
    for attr in reversed(parts):
        if attr in _EVERY_MODULE_HAS or (current == "keras" and attr == "__version__"):
            return None
        nxt = f"{current}.{attr}"
        if nxt in modules:
            current = nxt
            continue
        return None if keras3_has(nxt) else nxt
    return None



def silent_leftovers(result) -> list[str]:
    """`line name` of each Keras name in a MigrationResult's code that Keras 3 lacks and that no warning or
    error stands for at its original line: the invariant says this list is empty (lines the migration
    inserted, its helpers, are not the user's)."""
    if result.code is None:
        return []
    said = {d.line for d in result.diagnostics if d.severity in ("warning", "error")}
    mapping = line_map(result.code, result.source)
    return [f"{mapping.get(u.line)} {u.name}" for u in unresolved_names(result.code)
            if mapping.get(u.line) is not None and mapping.get(u.line) not in said]
