"""Python 2 constructs on a line, so that a syntax error in a 2017-2019 script says "run 2to3 first"."""
from __future__ import annotations

import re

PATTERNS = [
    (re.compile(r"^\s*print\s+(?![\s(=.,;)\]}]|$)(?!(?:if|else|and|or|in|is|not|for)\b)"), "print statement"),
    (re.compile(r"^\s*print\s*$"), "print statement"),
    (re.compile(r"^\s*print\s*>>"), "print >> statement"),
    (re.compile(r"^\s*exec\s+[\"'\w](?!.*\bin\b\s*$)"), "exec statement"),
    (re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:"), "`except X, e:`"),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,\s*"), "`raise E, msg`"),
    (re.compile(r"`[^`\n]+`"), "backtick repr"),
    (re.compile(r"<>"), "`<>` operator"),
    (re.compile(r"(?<![\w.])0[0-7]*[1-7][0-7]*[lL]?\b"), "old octal literal"),
    (re.compile(r"(?<![\w.])\d+[lL]\b"), "long literal"),
]
_STRING = re.compile(r"[rRbBuU]{0,2}(\"[^\"\\\n]*(?:\\.[^\"\\\n]*)*\"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')")


def construct(line: str) -> str | None:
    """The Python 2 construct on this line of code ('print statement', ...), or None.  Strings and the
    comment are blanked first, so `"a <> b"` or `# print x` is not one."""
    code = _STRING.sub('""', line.split("#", 1)[0])
    return next((what for rx, what in PATTERNS if rx.search(code)), None)
