"""Replacing names a `from M import a, b as c` statement imports by bindings to helpers the rules define:
`from keras import engine` -> `engine = keras224_engine`, `from keras.models import model_from_config,
Sequential` -> `from keras.models import Sequential` and `model_from_config = keras224_model_from_config`.
Binding the script's own name keeps every use of it (calls, values passed on, isinstance) working unchanged."""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import dotted, walk
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


def line_of(ctx: Context, node: cst.ImportFrom):
    """The statement line that holds only this import (None when it shares the line)."""
    for stmt in walk(ctx.src.module):
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and stmt.body[0] is node:
            return stmt
    return None
