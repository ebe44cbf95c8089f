"""Migrated line -> original line, by a line diff: used to report findings on the migrated text (the
unresolved-name invariant, the verifier's script errors) at the line the user wrote."""
from __future__ import annotations

import difflib
import re

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines(text: str) -> list[str]:
    """Lines with their endings, split at CR LF, CR and LF only, as Python's tokenizer counts them
    (str.splitlines also splits at form feeds and other separators, which would shift line numbers)."""
    return _LINE.findall(text)


def line_map(new_text: str, old_text: str) -> dict:
    """Migrated line -> original line (1-based), or None for a line the migration inserted."""
    a = [line.rstrip("\r\n") for line in lines(old_text)]
    b = [line.rstrip("\r\n") for line in lines(new_text)]
    out = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for j in range(j1, j2):
            if tag == "equal":
                out[j + 1] = i1 + (j - j1) + 1
            elif tag == "replace":
                out[j + 1] = i1 + min(j - j1, i2 - i1 - 1) + 1
            else:  # inserted by the migration
                out[j + 1] = None
    return out
