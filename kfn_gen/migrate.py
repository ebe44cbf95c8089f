"""migrate_source(): the static migrator's one entry point.  Never imports TensorFlow.

parse (front end) -> name checks -> graph IR -> rules register edits -> one minimal-edit transform.
A file that does not use Keras comes back unchanged without diagnostics.  Any error diagnostic
means `code is None`: the caller leaves the file as it was.
"""
from __future__ import annotations

from . import build, frontend
from .diagnostics import Diagnostic, MigrationResult
from .options import Options
from .rewrite import Context, apply
from .rules import all_rules


def migrate_source(source: str, path: str = "<string>", options: Options = Options()) -> MigrationResult:
    src, diags = frontend.parse(source, path, only_keras=True)
    if src is None:  # a syntax error, or valid code that does not use Keras: returned as it is
        return MigrationResult(path, source, None if diags else source, tuple(diags))
    errors = frontend.check_names(src)
    if errors:
        return MigrationResult(path, source, None, tuple(errors))
    graph, facts = build.build(src)
    if any(d.severity == "error" for d in facts.diagnostics):
        return MigrationResult(path, source, None, tuple(facts.diagnostics))
    ctx = Context(src, graph, facts, options)
    for rule in all_rules():
        ctx.rule = rule.name
        rule.run(ctx)
    code = apply(ctx)
    out = sorted([*facts.diagnostics, *ctx.diagnostics], key=lambda d: (d.line, d.col, d.severity))
    return MigrationResult(path, source, code, tuple(_dedupe(out)))


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diags:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out
