"""Replacing names a `from M import a, b as c` statement imports by bindings to helpers the rules define:
`from keras import engine` -> `engine = keras224_engine`, `from keras.models import model_from_config,
Sequential` -> `from keras.models import Sequential` and `model_from_config = keras224_model_from_config`.
Binding the script's own name keeps every use of it (calls, values passed on, isinstance) working unchanged."""
from __future__ import annotations

from typing import Callable

import libcst as cst

from kfn_gen.frontend.tree import dotted, walk
from kfn_gen.keras224 import api as api224
from kfn_gen.migrate.rewrite import Context


def rebind(ctx: Context, node: cst.ImportFrom, helpers: dict[str, str], message: str) -> bool:
    """Drop the imported names in `helpers` ({imported name: helper}) from `node` and bind each local name to
    its helper after it.  False (nothing done) when the import shares its line with other statements."""
    line = line_of(ctx, node)
    if line is None:
        return False
    binds, seen = [], set()
    for alias in node.names:
        name = dotted(alias.name)
        local = alias.asname.name.value if alias.asname else name
        if name in helpers and local not in seen:
            seen.add(local)
            binds.append(f"{local} = {helpers[name]}")

    def edit(updated, drop=set(helpers), binds=binds):
        small = updated.body[0]
        names = [a for a in small.names if dotted(a.name) not in drop]
        new = [cst.parse_statement(b + "\n") for b in binds]
        if not names:
            return cst.FlattenSentinel([new[0].with_changes(leading_lines=updated.leading_lines), *new[1:]])
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return cst.FlattenSentinel([updated.with_changes(body=[small.with_changes(names=names)]), *new])
    ctx.edit(line, edit, message)
    return True


def keras_from_import(node: cst.ImportFrom) -> str | None:
    """The module of `from <keras, keras_applications or keras_preprocessing module> import a, b`; None for
    anything else (relative and star imports included)."""
    if node.module is None or node.relative or isinstance(node.names, cst.ImportStar):
        return None
    base = dotted(node.module) or ""
    return base if base.split(".")[0] in api224.KERAS_PACKAGES else None


def line_of(ctx: Context, node: cst.ImportFrom):
    """The statement line that holds only this import (None when it shares the line)."""
    for stmt in walk(ctx.src.module):
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and stmt.body[0] is node:
            return stmt
    return None


def drop_rewritten(ctx: Context, rewritten: set[int], taken: Callable[[str | None], bool], message: str) -> None:
    """Remove from `from keras... import a, b` each name a rule took (`taken(identity)`) whose every use in the
    script is a node that rule rewrote (`rewritten`: their ids): Keras 3 has no such name, and nothing reads it
    any more."""
    imports = [n for n in walk(ctx.src.module) if isinstance(n, cst.ImportFrom) and n.module is not None
               and not n.relative and not isinstance(n.names, cst.ImportStar)]
    if not imports:
        return
    inside = {id(x) for imp in imports for x in walk(imp)}
    attrs = {id(n.attr) for n in walk(ctx.src.module) if isinstance(n, cst.Attribute)}
    names: dict[str, list[int]] = {}
    for n in walk(ctx.src.module):
        if isinstance(n, cst.Name) and id(n) not in inside and id(n) not in attrs:
            names.setdefault(n.value, []).append(id(n))
    for imp in imports:
        mod = dotted(imp.module) or ""
        if not api224.is_keras_path(mod):
            continue
        drop = []
        for alias in imp.names:
            name = dotted(alias.name)
            local = alias.asname.name.value if alias.asname else name
            uses = names.get(local, [])
            if uses and taken(api224.resolve(f"{mod}.{name}").identity) and all(u in rewritten for u in uses):
                drop.append(name)
        if drop:
            ctx.edit(imp, lambda n, d=drop: without(n, d), message)


def without(node: cst.ImportFrom, names: list[str]):
    """The import less `names` (removed when none is left)."""
    keep = [a for a in node.names if dotted(a.name) not in names]
    if not keep:
        return cst.RemovalSentinel.REMOVE
    keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(names=keep)
