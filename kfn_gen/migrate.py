"""migrate_source(): the static migrator's one entry point.  Never imports TensorFlow.

parse (front end) -> name checks -> graph IR -> rules register edits -> one minimal-edit transform.
A file that does not use Keras comes back unchanged without diagnostics.  Any error diagnostic
means `code is None`: the caller leaves the file as it was.
"""
from __future__ import annotations

from . import build, frontend
from .diagnostics import Diagnostic, MigrationResult
from .options import Options
from .linemap import line_map
from .rewrite import Context, apply
from .rules import all_rules
from .unresolved import unresolved_names


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
    out = [*facts.diagnostics, *ctx.diagnostics]
    out += _unresolved(src.path, source, code, out)
    out.sort(key=lambda d: (d.line, d.col, d.severity))
    return MigrationResult(path, source, code, tuple(_dedupe(out)))


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diags:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def _unresolved(path: str, source: str, code: str, said: list[Diagnostic]) -> list[Diagnostic]:
    """The invariant (unresolved.py): a Keras name of the migrated code that Keras 3 lacks gets a warning at
    the line the user wrote, unless a rule already warned there.  A line the migration inserted maps to
    None: the helpers' own code is tested, not reported to the user."""
    found = unresolved_names(code)
    if not found:
        return []
    mapping = line_map(code, source) if code != source else None
    warned = {d.line for d in said if d.severity in ("warning", "error")}
    out = []
    for u in found:
        line = u.line if mapping is None else mapping.get(u.line)
        if line is None or line in warned:
            continue
        col = u.col if mapping is None or code.splitlines()[u.line - 1] == source.splitlines()[line - 1] else 1
        out.append(Diagnostic(path, line, col, "warning", f"`{u.name}`: {u.why}; the migrated code would stop "
                              "here with ImportError/AttributeError: migrate it by hand", "unresolved"))
        warned.add(line)
    return out
