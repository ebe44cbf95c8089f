"""IPython syntax in a notebook cell, masked so the migrator sees plain Python and restored after.

Line magics (`%matplotlib inline`), shell lines (`!pip install keras`, `files = !ls`), help (`obj?`)
and the first line of Python-bodied cell magics (`%%time`) become placeholder comments whose token
the notebook does not contain; `unmask_ipython` puts them back, or says None when one went missing.
"""
from __future__ import annotations

import re

#: Cell magics whose body is Python code.
PY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
_HELP_RE = re.compile(r"^(\?{1,2}[\w.\[\]]+|[\w.\[\]]+\?{1,2})$")
_ASSIGN_MAGIC_RE = re.compile(r"^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]")
_PLACEHOLDER_RE = re.compile(r"#\s*(__kfn_magic_\w+?_\d+__)\s*$")


def _is_magic(stripped: str) -> bool:
    if not stripped or stripped.startswith("#"):
        return False
    if stripped[0] in "%!":
        return True
    return bool(_HELP_RE.match(stripped) or _ASSIGN_MAGIC_RE.match(stripped))


def _scan(s: str, depth: int, quote: str | None) -> tuple[int, str | None, bool]:
    """Advance a tiny lexer over one line: bracket depth, open string, backslash continuation."""
    i, n = 0, len(s)
    comment = False
    while i < n:
        c = s[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if s.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
            i += 1
            continue
        if c == "#":
            comment = True
            break
        if c in "'\"":
            if s.startswith(c * 3, i):
                quote, i = c * 3, i + 3
            else:
                quote, i = c, i + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        i += 1
    cont = not comment and s.endswith("\\")
    if quote in ("'", '"') and not s.endswith("\\"):
        quote = None  # an unterminated one-line string: a syntax error the parser will report
    return depth, quote, cont


def mask_ipython(src: str, token: str) -> tuple[str, dict[str, str]] | None:
    """Replace IPython-only lines by placeholder statements.

    Returns (masked source, {placeholder: original line without its line ending}), or None
    when the cell is not Python (a non-Python cell magic such as %%bash).
    """
    lines = src.splitlines(keepends=True)
    placeholders: dict[str, str] = {}
    out: list[str] = []
    counter = 0

    def placeholder(indent: str, original: str, eol: str, stmt: str = "pass") -> str:
        # a statement that binds/uses nothing new (an undefined placeholder name would be reported
        # by the migrator's name checks), tagged with a comment that survives minimal edits
        nonlocal counter
        name = f"__kfn_magic_{token}_{counter}__"
        counter += 1
        placeholders[name] = original
        return f"{indent}{stmt}  # {name}{eol}"

    i = 0
    if lines and lines[0].lstrip().startswith("%%"):
        m = re.match(r"\s*%%(\w+)", lines[0])
        if not m or m.group(1) not in PY_CELL_MAGICS:
            return None
        body = lines[0].rstrip("\r\n")
        out.append(placeholder("", body, lines[0][len(body):]))
        i = 1
    depth, quote, cont = 0, None, False
    while i < len(lines):
        line = lines[i]
        body = line.rstrip("\r\n")
        eol = line[len(body):]
        stripped = body.lstrip()
        if depth == 0 and quote is None and not cont and _is_magic(stripped):
            indent = body[: len(body) - len(stripped)]
            m = _ASSIGN_MAGIC_RE.match(stripped)
            stmt = m.group(0)[:m.group(0).rindex("=")].rstrip() + " = None" if m else "pass"
            out.append(placeholder(indent, body, eol, stmt))  # `files = !ls` keeps binding `files`
            while body.endswith("\\") and i + 1 < len(lines):  # continued shell/magic line
                i += 1
                line = lines[i]
                body = line.rstrip("\r\n")
                out.append(placeholder(indent, body, line[len(body):]))
            i += 1
            continue
        depth, quote, cont = _scan(body, depth, quote)
        out.append(line)
        i += 1
    return "".join(out), placeholders


def unmask_ipython(code: str, placeholders: dict[str, str]) -> str | None:
    """Put the original IPython lines back; None if a placeholder went missing."""
    if not placeholders:
        return code
    seen = set()
    out = []
    for line in code.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        m = _PLACEHOLDER_RE.search(body)
        key = m.group(1) if m else None
        if key in placeholders and key not in seen:
            seen.add(key)
            out.append(placeholders[key] + line[len(body):])
        else:
            out.append(line)
    if len(seen) != len(placeholders):
        return None
    return "".join(out)
