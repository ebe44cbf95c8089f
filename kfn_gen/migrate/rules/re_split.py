"""`re.split` on a pattern that can match the empty string (Python 3.7 changed what it returns).

Keras 2.2.4 scripts were written for Python <= 3.6, whose `re.split` never split at an empty
match; 3.7+ does, and a group that took no part in the match comes back as None.  keras'
bAbI examples tokenize with `re.split('(\\W+)?', sent)` and crash under 3.7+ on `None.strip()`
(keras-team/keras#13248; upstream's fix, #13263, drops the `?`).

* A literal pattern that is one greedy item with `?` or `*` whose body cannot match empty,
  `(X)?` / `X*`, is rewritten to `(X)` / `X+`: the non-empty matches, hence Python 3.6's result,
  are the same (a group keeps the text of the last repetition either way).
* Any other literal pattern that can match the empty string is reported (a warning): its result
  under 3.7+ differs from the 3.6 one.
"""
from __future__ import annotations

import ast

import libcst as cst

from kfn_gen.frontend.tree import dotted, walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule

try:  # Python 3.11+
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_parse


def _re_split_names(module: cst.Module) -> set[str]:
    """Dotted names that call re.split here: `re.split` (or `alias.split`) after `import re [as alias]`,
    `split`/alias after `from re import split [as alias]`."""
    names = set()
    for node in walk(module):
        if isinstance(node, cst.Import):
            for a in node.names:
                if dotted(a.name) == "re":
                    names.add((a.asname.name.value if a.asname else "re") + ".split")
        elif isinstance(node, cst.ImportFrom) and node.module is not None and dotted(node.module) == "re" \
                and not isinstance(node.names, cst.ImportStar):
            for a in node.names:
                if dotted(a.name) == "split":
                    names.add(a.asname.name.value if a.asname else "split")
    return names


def can_match_empty(pattern: str) -> bool:
    return sre_parse.parse(pattern).getwidth()[0] == 0


def py36_equivalent(pattern: str) -> str | None:
    """`(X)?` -> `(X)`, `X*` -> `X+` when the whole pattern is that one greedy item and X cannot
    match empty; None otherwise."""
    parsed = sre_parse.parse(pattern)
    if len(parsed) != 1 or pattern[-1:] not in ("?", "*") or pattern.endswith(("??", "*?", "\\?", "\\*")):
        return None
    op, av = parsed[0]
    if op is not sre_parse.MAX_REPEAT or av[0] != 0:
        return None
    lo, hi, sub = av
    if sub.getwidth()[0] == 0 or (pattern[-1] == "?" and hi != 1) or (pattern[-1] == "*" and hi != sre_parse.MAXREPEAT):
        return None
    new = pattern[:-1] if pattern[-1] == "?" else pattern[:-1] + "+"
    return new if not can_match_empty(new) else None


class ReSplitPy37(Rule):
    code = "KFN027"
    name = "re-split-py37"
    description = "re.split on patterns that match empty: Python 3.7+ splits there, 3.6 did not"
    numeric = True

    def run(self, ctx: Context) -> None:
        names = _re_split_names(ctx.src.module)
        if not names:
            return
        for node in walk(ctx.src.module):
            if not (isinstance(node, cst.Call) and dotted(node.func) in names):
                continue
            kw = [a for a in node.args if a.keyword is not None and a.keyword.value == "pattern"]
            pos = [a for a in node.args if a.keyword is None and a.star == ""]
            if kw or pos:
                self.check(ctx, node, (kw or pos)[0].value)

    def check(self, ctx: Context, call: cst.Call, lit) -> None:
        if not isinstance(lit, cst.SimpleString):
            return
        try:
            pattern = ast.literal_eval(lit.value)
            if not isinstance(pattern, str) or not can_match_empty(pattern):
                return
        except Exception:  # noqa: BLE001 - not a valid pattern: Python reports it at run time
            return
        new = py36_equivalent(pattern)
        body = lit.value[len(lit.prefix) + len(lit.quote):-len(lit.quote)]
        if new is None or not body.endswith(pattern[-1]):
            ctx.warn(call, f"re.split({lit.value}, ...): the pattern can match the empty string; Python 3.7+ "
                           "splits at empty matches (and returns None for groups that did not take part), "
                           "Python <= 3.6, which this Keras 2.2.4 code was written for, did not: check the result")
            return
        code = lit.prefix + lit.quote + body[:-1] + ("+" if pattern[-1] == "*" else "") + lit.quote
        ctx.edit(lit, lambda n, c=code: n.with_changes(value=c),
                 f"re.split({lit.value}, ...) -> re.split({code}, ...): Python 3.7+ also splits at empty matches "
                 "(None groups); Python <= 3.6 did not, and this pattern gives 3.6's result under 3.7+")
