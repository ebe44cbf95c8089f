"""gitignore-style patterns: `*`, `?`, `**`, `[...]`, `!negation`, trailing `/`, anchored patterns
(for .gitignore files in a tree and for --exclude)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable




# ---------------------------------------------------------------------------------------------
# gitignore-style matching


def _translate(pat: str) -> str:
    out, i, n = [], 0, len(pat)
    while i < n:
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("/**", i) and i + 3 == n:
            out.append("/.*")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = pat.find("]", i + 2)
            if j == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = pat[i + 1:j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j + 1
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(pat[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class IgnorePattern:
    base: str  # directory (relative to the walk root, posix, "" for the root) the pattern lives in
    regex: re.Pattern
    negate: bool
    dir_only: bool
    text: str

    @classmethod
    def parse(cls, line: str, base: str = "") -> "IgnorePattern | None":
        line = line.rstrip("\n").rstrip("\r")
        if not line.strip() or line.startswith("#"):
            return None
        if not line.endswith("\\ "):
            line = line.rstrip(" ")
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        elif line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            return None
        anchored = "/" in line
        line = line.lstrip("/")
        body = _translate(line)
        rx = re.compile(("^" if anchored else r"^(?:.*/)?") + body + "$")
        return cls(base, rx, negate, dir_only, line)

    def match(self, rel: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        if self.base:
            if not rel.startswith(self.base + "/"):
                return False
            rel = rel[len(self.base) + 1:]
        return bool(self.regex.match(rel))


def is_ignored(patterns: Iterable[IgnorePattern], rel: str, is_dir: bool) -> bool:
    ignored = False
    for p in patterns:
        if p.match(rel, is_dir):
            ignored = not p.negate
    return ignored


def read_gitignore(path: str, base: str) -> list[IgnorePattern]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.readlines()
    except OSError:
        return []
    return [p for p in (IgnorePattern.parse(line, base) for line in lines) if p is not None]
