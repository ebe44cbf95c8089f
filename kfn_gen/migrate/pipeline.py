"""migrate_source(): the static migrator's one entry point.  Never imports TensorFlow.

parse (front end) -> name checks -> graph IR -> rules register edits -> one minimal-edit transform.
A file that does not use Keras comes back unchanged without diagnostics.  Any error diagnostic
means `code is None`: the caller leaves the file as it was.
"""
from __future__ import annotations

from dataclasses import dataclass

import difflib

from kfn_gen.ir import build
from kfn_gen.frontend import source as frontend
from kfn_gen.diagnostics import Diagnostic, MigrationResult
from kfn_gen.options import Options
from kfn_gen.linemap import line_map, lines
from kfn_gen.migrate.rewrite import Context, apply
from kfn_gen.migrate import suppression
from kfn_gen.migrate.rules import all_rules
from kfn_gen.migrate.selection import matches, selected
from kfn_gen.frontend.unresolved import unresolved_names


@dataclass(frozen=True)
class Check:
    """A check of the migrated output that is not a rewrite, selected and suppressed like a rule."""

    code: str
    name: str
    description: str
    numeric: bool = False
    after: tuple[str, ...] = ()


# frontend/unresolved.py: every Keras name of the migrated code must exist in Keras 3.
UNRESOLVED = Check("KFN900", "unresolved", "not a rewrite: every Keras name of the migrated code must exist in "
                                         "Keras 3; a leftover is a warning at its line")


def selectable() -> list:
    """Everything --select/--ignore and suppression comments can name: the rules, in run order, then the checks."""
    return [*all_rules(), UNRESOLVED]


def migrate_source(source: str, path: str = "<string>", options: Options = Options(), rules=None) -> MigrationResult:
    """Migrate one source text.  `rules` (default: every rule, in registry order) lets tests run a rule
    alone or the rules in another valid order."""
    src, diags = frontend.parse(source, path, only_keras=True)
    if src is None:  # a syntax error, or valid code that does not use Keras: returned as it is
        return MigrationResult(path, source, None if diags else source, tuple(diags))
    names = frontend.check_names(src)  # errors refuse the file; warnings are reported with the migration
    if any(d.severity == "error" for d in names):
        return MigrationResult(path, source, None, tuple(names))
    graph, facts = build.build(src)
    if any(d.severity == "error" for d in facts.diagnostics):
        return MigrationResult(path, source, None, tuple(facts.diagnostics))
    registry = all_rules()
    if rules is None:
        rules = [r for r in registry if selected(r.code, r.name, options.select, options.ignore, options.extend_select)]
    known = {r.code.upper() for r in selectable()} | {r.name.lower() for r in selectable()}
    suppressions = suppression.find(source, known)
    ctx = Context(src, graph, facts, options, suppressions=suppressions)
    for rule in rules:
        ctx.rule, ctx.code = rule.name, rule.code
        rule.run(ctx)
    if not (ctx.edits or ctx.wraps or ctx.before or ctx.preludes):
        code = source  # nothing to change: the source as it is, whatever libcst's round trip would do
    else:
        code = keep_unedited_bytes(source, src.module.code, apply(ctx))
        if code is None:
            return MigrationResult(path, source, None, (Diagnostic(
                path, 1, 1, "error", "the parser cannot reproduce this file's bytes exactly (form feeds or CR-only "
                "line endings where lines cannot be aligned): left untouched rather than change bytes no rule "
                "meant to change", "parse"),))
    out = [*names, *facts.diagnostics, *ctx.outcome()]
    if selected(UNRESOLVED.code, UNRESOLVED.name, options.select, options.ignore, options.extend_select):
        out += [d for d in _unresolved(src.path, source, code, out)
                if not suppressions.covers(d.line, UNRESOLVED.code, UNRESOLVED.name)]
    out += [Diagnostic(path, line, col, "warning", f"unused suppression `{token}`: nothing on this line needed it",
                       "unused-suppression") for line, col, token in suppressions.unused(
                           lambda t: any(matches(t, r.code, r.name) for r in [*rules, UNRESOLVED]))]
    out.sort(key=lambda d: (d.line, d.col, d.severity))
    return MigrationResult(path, source, code, tuple(_dedupe(out)))


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diags:
        key = (d.path, d.line, d.col, d.severity, d.message, d.rule)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def keep_unedited_bytes(source: str, round_trip: str, code: str) -> str | None:
    """`code` with every line no edit touched taken from `source` byte for byte.

    libcst regenerates most files exactly (then `code` is returned as it is), but not all: a form feed
    before a statement or between a decorator and its `def`, a CR-only file's last line ending.  Then the
    round trip of the unedited tree has as many lines as the source, line i standing for line i, and the
    lines that the edits left equal to the round trip are replaced by the source's own.  None when the
    lines cannot be aligned (the caller refuses the file).
    """
    if round_trip == source:
        return code
    src_lines, rt_lines = lines(source), lines(round_trip)
    if len(src_lines) != len(rt_lines):
        return None
    new_lines = lines(code)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, rt_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(src_lines[i1:i2])
        else:
            out.extend(new_lines[j1:j2])
            if j2 == len(new_lines) and i2 == len(rt_lines) and out and src_lines[-1][-1:] in "\r\n" \
                    and not out[-1].endswith(("\r", "\n")):
                out[-1] += src_lines[-1][len(src_lines[-1].rstrip("\r\n")):]  # the last line's own ending
    return "".join(out)


def _unresolved(path: str, source: str, code: str, said: list[Diagnostic]) -> list[Diagnostic]:
    """The invariant (frontend/unresolved.py): a Keras name of the migrated code that Keras 3 lacks gets a warning at
    the line the user wrote, unless a rule already warned there.  A line the migration inserted maps to
    None: the helpers' own code is tested, not reported to the user."""
    found = unresolved_names(code)
    if not found:
        return []
    mapping = line_map(code, source) if code != source else None
    code_lines, source_lines = lines(code), lines(source)
    warned = {d.line for d in said if d.severity in ("warning", "error")}
    out = []
    for u in found:
        line = u.line if mapping is None else mapping.get(u.line)
        if line is None or line in warned:
            continue
        col = u.col if mapping is None or code_lines[u.line - 1] == source_lines[line - 1] else 1
        out.append(Diagnostic(path, line, col, "warning", f"`{u.name}`: {u.why}; the migrated code would stop "
                              f"here with {u.error}: migrate it by hand", "unresolved"))
        warned.add(line)
    return out
