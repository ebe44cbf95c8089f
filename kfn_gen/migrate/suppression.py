"""Line comments that keep a rule off one line: `# kfn-gen: ignore[optimizers]` (names or codes, comma
separated), `# kfn-gen: ignore` (every rule), and `# noqa: KFN005` / `# noqa: optimizers`.

A suppressed line is left untouched and silent for those rules.  A bare `# noqa` (and a noqa naming
only other tools' codes, `# noqa: E501`) is not ours: legacy code is full of them, and they must not stop
a migration.  A suppression that suppressed nothing is reported, as ruff reports an unused noqa.
"""
from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

_KFN = re.compile(r"#\s*kfn-gen:\s*ignore(?:\[([^\]]*)\])?", re.I)
_NOQA = re.compile(r"#\s*noqa:\s*([\w\-]+(?:\s*,\s*[\w\-]+)*)", re.I)
ALL = "*"


@dataclass
class Suppressions:
    by_line: dict[int, tuple[int, set[str]]] = field(default_factory=dict)  # line -> (col, names/codes or {ALL})
    used: set[tuple[int, str]] = field(default_factory=set)

    def covers(self, line: int, code: str, name: str) -> bool:
        """True (and remembered as used) when `line` suppresses the rule with this code and name."""
        entry = self.by_line.get(line)
        if entry is None:
            return False
        for token in entry[1]:
            if token == ALL or token.upper() == code.upper() or token.lower() == name.lower():
                self.used.add((line, token))
                return True
        return False

    def unused(self, active=lambda token: True) -> list[tuple[int, int, str]]:
        """(line, col, token) of each suppression that suppressed nothing, among the tokens for which
        `active(token)` says a rule ran (a suppression of a deselected rule is not unused)."""
        return [(line, col, token) for line, (col, tokens) in sorted(self.by_line.items()) for token in sorted(tokens)
                if (line, token) not in self.used and (token == ALL or active(token))]


def find(source: str, known: set[str]) -> Suppressions:
    """The suppression comments of `source`.  `known`: our rule codes and names (lower case for names), so
    that a noqa naming only other tools' codes is left alone."""
    out = Suppressions()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return out
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        names: set[str] = set()
        m = _KFN.search(tok.string)
        if m:
            names = {t.strip() for t in (m.group(1) or "").split(",") if t.strip()} or {ALL}
        for m in _NOQA.finditer(tok.string):
            names |= {t.strip() for t in m.group(1).split(",") if t.strip().upper() in known or t.strip().lower() in known}
        if names:
            line, col = tok.start
            prev = out.by_line.get(line, (col + 1, set()))
            out.by_line[line] = (prev[0], prev[1] | names)
    return out
