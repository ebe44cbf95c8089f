"""The minimal-edit rewrite engine: rules register edits on original CST nodes; one transform applies them.

An edit is a function `updated_node -> new_node`, so edits on nested nodes compose (a rule that
adds an argument to `LSTM(...)` and one that rewrites a value inside it both apply).  Nodes no
rule touches come out byte-identical: libcst keeps their comments, spacing, quotes and newlines.
Statements can be inserted before a statement (indentation follows the block) and helper
definitions ("prelude") are placed once, after the imports that precede their first use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from kfn_gen.ir.values import Facts
from kfn_gen.diagnostics import Diagnostic
from kfn_gen.frontend.source import Source
from kfn_gen.frontend.tree import dotted as dotted_name, root, walk
from kfn_gen.ir.graph import Graph
from kfn_gen.migrate.suppression import Suppressions
from kfn_gen.options import Options

Edit = Callable[[cst.CSTNode], cst.CSTNode]


@dataclass
class Context:
    src: Source
    graph: Graph
    facts: Facts
    options: Options
    edits: dict[cst.CSTNode, list[Edit]] = field(default_factory=dict)
    wraps: dict[cst.CSTNode, list[Edit]] = field(default_factory=dict)
    before: dict[cst.CSTNode, list[str]] = field(default_factory=dict)
    preludes: dict[str, tuple[str, cst.CSTNode]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    superseded: set[tuple[int, int, str]] = field(default_factory=set)
    suppressions: Suppressions | None = None  # `# kfn-gen: ignore[...]` / `# noqa: KFN...` lines
    rule: str = ""
    code: str = ""
    _taken: set[str] | None = None
    _defined: dict[str, str] | None = None
    calls_cache: list | None = None  # migrate/rule.py: calls(), computed once per file for every rule
    _keras_line: float | None = None  # the first line that binds `keras` (_keras_bound_before)

    # ----- what rules call -----
    def suppressed(self, node: cst.CSTNode) -> bool:
        """The running rule is switched off on the line where `node` starts (a suppression comment)."""
        return self.suppressions is not None and self.suppressions.covers(self.src.pos(node)[0], self.code, self.rule)

    def edit(self, node: cst.CSTNode, fn: Edit, message: str | None) -> None:
        if self.suppressed(node):
            return
        self.edits.setdefault(node, []).append(fn)
        if message:
            self.diagnostics.append(self.src.diag(node, "info", message, self.rule))

    def wrap(self, node: cst.CSTNode, fn: Edit, message: str | None) -> None:
        """An edit that puts the node inside another (`Dense(...)` -> `helper(Dense(...), w)`): applied after
        every plain edit of that node, whichever rule registered those and whenever."""
        if self.suppressed(node):
            return
        self.wraps.setdefault(node, []).append(fn)
        if message:
            self.diagnostics.append(self.src.diag(node, "info", message, self.rule))

    def replace_code(self, node: cst.CSTNode, code: str, message: str | None) -> None:
        new = cst.parse_expression(code)
        self.edit(node, lambda updated: new.with_changes(lpar=updated.lpar, rpar=updated.rpar)
                  if hasattr(updated, "lpar") and hasattr(new, "lpar") else new, message)

    def insert_before(self, statement: cst.CSTNode, code: str, message: str, at: cst.CSTNode) -> None:
        if self.suppressed(at) or self.suppressed(statement):
            return
        self.before.setdefault(statement, []).append(code)
        self.diagnostics.append(self.src.diag(at, "info", message, self.rule))

    def warn(self, node: cst.CSTNode, message: str) -> None:
        if self.suppressed(node):
            return
        self.diagnostics.append(self.src.diag(node, "warning", message, self.rule))

    def supersede(self, node: cst.CSTNode, rules: tuple[str, ...]) -> None:
        """This rule's edit of `node` makes the warnings the named rules give at `node` moot (a call
        backend-ops reports as having no mechanical equivalent, which this rule migrates).  Resolved once,
        after every rule has run, so no rule depends on which ran first."""
        line, col = self.src.pos(node)
        self.superseded.update((line, col, rule) for rule in rules)

    def outcome(self) -> list[Diagnostic]:
        """The rules' diagnostics less the warnings another rule's edit superseded."""
        return [d for d in self.diagnostics
                if not (d.severity == "warning" and (d.line, d.col, d.rule) in self.superseded)]

    def keras(self, dotted: str, use: cst.CSTNode) -> str:
        """Source text for a Keras 3 name like 'keras.ops.mean'; makes sure `keras` is bound."""
        if not self._keras_bound_before(use):
            self.need_prelude("import keras", self.import_keras_line(), use)
        return dotted

    def import_keras_line(self) -> str:
        return "from tensorflow import keras" if self.options.import_style == "tf.keras" else "import keras"

    def need_prelude(self, key: str, code: str, use: cst.CSTNode) -> None:
        """Define `code` once, before the first use (after the imports that precede it)."""
        if key not in self.preludes or self._order(use) < self._order(self.preludes[key][1]):
            self.preludes[key] = (code, use)

    def define(self, wanted: str, template: str, use: cst.CSTNode, imports_keras: bool = True) -> str:
        """Define a helper (function or class) once in the migrated script; return its name.

        `template` is its code with `{name}` for the name; the name avoids every name in the script.
        With imports_keras (the default) the helper may use `keras.`, so `keras` is imported when the
        script does not bind it; a helper that needs no Keras (it imports what it uses) passes False.
        """
        if self._defined is None:
            self._defined = {}
        if wanted not in self._defined:
            self._defined[wanted] = self.fresh_name(wanted)
        name = self._defined[wanted]
        if imports_keras:
            self.keras("keras", use)
        self.need_prelude(f"define {wanted}", template.format(name=name), use)
        return name

    def defined(self, wanted: str) -> str | None:
        """The name of the helper `wanted` if a rule has defined it in this script (ctx.define), else None."""
        return (self._defined or {}).get(wanted)

    def fresh_name(self, wanted: str) -> str:
        if self._taken is None:
            self._taken = {n.value for n in walk(self.src.module) if isinstance(n, cst.Name)}
        name, i = wanted, 1
        while name in self._taken:
            name, i = f"{wanted}_{i}", i + 1
        return name

    # ----- helpers -----
    def _order(self, node) -> int:
        return self.src.pos(node)[0] * 100000 + self.src.pos(node)[1]

    def _keras_bound_before(self, use: cst.CSTNode) -> bool:
        if self._keras_line is None:  # computed once per file: a scan per use made rules quadratic
            self._keras_line = self._first_keras_binding()
        return self._keras_line <= self.src.pos(use)[0]

    def _first_keras_binding(self) -> float:
        """The line of the first module-level statement that binds `keras` (`import keras...`, `from tensorflow
        import keras`), or infinity."""
        for stmt in self.src.module.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for s in stmt.body:
                    if isinstance(s, cst.Import) and any(
                            a.asname is None and root(a.name) == "keras" for a in s.names):
                        return self.src.pos(stmt)[0]
                    if (isinstance(s, cst.ImportFrom) and s.module is not None and dotted_name(s.module) == "tensorflow"
                            and not isinstance(s.names, cst.ImportStar)
                            and any(a.asname is None and dotted_name(a.name) == "keras" for a in s.names)):
                        return self.src.pos(stmt)[0]
        return float("inf")


class _Apply(cst.CSTTransformer):
    def __init__(self, ctx: Context, inserts: dict[int, list[cst.BaseStatement]]):
        super().__init__()
        self.ctx = ctx
        self.inserts = inserts

    def on_leave(self, original, updated):
        updated = super().on_leave(original, updated)
        for fn in (*self.ctx.edits.get(original, ()), *self.ctx.wraps.get(original, ())):
            updated = fn(updated)
        new = []
        if original in self.ctx.before and isinstance(original, cst.BaseStatement):
            new = [s for code in self.ctx.before[original] for s in cst.parse_module(code + "\n").body]
        helpers = list(self.inserts.get(original, ()))  # keyed on the original statement, so statements
        if not new and not helpers:                       # other rules insert earlier do not shift them
            return updated
        nodes = list(updated.nodes) if isinstance(updated, cst.FlattenSentinel) else \
            ([] if updated is cst.RemovalSentinel.REMOVE else [updated])    # a statement an edit removed
        if new and nodes:
            new[0] = new[0].with_changes(leading_lines=nodes[0].leading_lines)
            nodes[0] = nodes[0].with_changes(leading_lines=[])
        nodes = [*new, *nodes]
        if helpers and nodes and isinstance(helpers[-1], (cst.FunctionDef, cst.ClassDef)):
            blank = [cst.EmptyLine()] * (2 - _leading_blanks(nodes[0]))
            nodes[0] = nodes[0].with_changes(leading_lines=[*blank, *nodes[0].leading_lines])
        return cst.FlattenSentinel([*helpers, *nodes])


def apply(ctx: Context) -> str:
    inserts: dict[cst.CSTNode, list[cst.BaseStatement]] = {}
    if ctx.preludes:
        body = ctx.src.module.body
        inserts = {body[i]: stmts for i, stmts in _place_preludes(ctx).items()}
    module = ctx.src.module.visit(_Apply(ctx, inserts))
    return module.code


def _place_preludes(ctx: Context) -> dict[int, list[cst.BaseStatement]]:
    """Module-level insertions: index i -> statements to put before the i-th top-level statement."""
    body = ctx.src.module.body
    starts = [ctx.src.pos(s)[0] for s in body]
    by_index: dict[int, list[str]] = {}
    for key, (code, use) in ctx.preludes.items():
        line = ctx.src.pos(use)[0]
        anchor = max([i for i, s in enumerate(starts) if s <= line] or [0])
        index = next((i + 1 for i in range(anchor - 1, -1, -1) if _is_import(body[i])), None)
        if index is None:
            index = 1 if body and _is_docstring(body[0], 0) and anchor > 0 else 0
        by_index.setdefault(index, []).append(code)
    out: dict[int, list[cst.BaseStatement]] = {}
    for index, codes in by_index.items():
        imports = sorted(c for c in codes if c.startswith(("import ", "from ")))
        # functions before classes: a class body may name a helper function (removed-modules' namespaces)
        defs = sorted((c for c in codes if c not in imports), key=lambda c: (c.startswith("class "), c))
        stmts: list[cst.BaseStatement] = []
        for code in imports:
            stmts.extend(cst.parse_module(code + "\n").body)
        for code in defs:
            parsed = list(cst.parse_module(code + "\n").body)
            if stmts or index > 0:  # not at the very top of the file
                parsed[0] = parsed[0].with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
            stmts.extend(parsed)
        out[index] = stmts
    return out


def _leading_blanks(stmt) -> int:
    n = 0
    for line in stmt.leading_lines:
        if line.comment is not None:
            break
        n += 1
    return min(n, 2)


def _is_import(stmt) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)


def _is_docstring(stmt, index: int) -> bool:
    return (index == 0 and isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Expr) and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))
