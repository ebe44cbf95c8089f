"""Migrating Jupyter notebooks (.ipynb) cell by cell, without disturbing anything else.

How it works
------------
* The notebook JSON is loaded with ``json`` (key order kept) and checked with ``nbformat``
  (v4 only; ``nbformat.validate`` before and after).  nbformat is an optional extra
  (``pip install kfn-gen[notebooks]``); without it notebooks get a clear error diagnostic.
* Only code cells of a Python notebook are touched; outputs, attachments, execution counts and
  all metadata are left exactly as they are.
* IPython syntax is masked before migration and restored after: line magics (``%matplotlib
  inline``), shell lines (``!pip install keras``, ``files = !ls``), help (``obj?``) and the
  first line of Python-bodied cell magics (``%%time``, ``%%timeit``, ``%%capture``, ``%%prun``).
  Cells with other cell magics (``%%bash``, ``%%writefile`` ...) are not Python and are skipped.
* All code cells are migrated together as one module (so an import in cell 1 informs a rewrite
  in cell 7, and a rule that adds an import puts it in the first code cell), separated by marker
  statements; if the markers do not come back intact each cell is migrated on its own.
* A cell that does not parse is skipped with a warning; the other cells are still migrated.
* Locations are written like ruff does: ``nb.ipynb:cell 3:2:5: warning: ...`` where ``cell N``
  counts every cell of the notebook from 1 (markdown cells too: the N-th cell you scroll past)
  and ``2:5`` are line and column inside that cell's source.
* The file is re-serialized in the formatting it was read in (indent, key order, ASCII escaping,
  trailing newline, line endings); when that cannot be reproduced byte for byte for the
  untouched notebook, Jupyter's own format is used and a warning says so.  A notebook with no
  change is never rewritten.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
import warnings
from dataclasses import dataclass, field
from typing import Callable

from kfn_gen.diagnostics import Diagnostic, MigrationResult
from kfn_gen.files.ipython import mask_ipython, unmask_ipython

RULE_NOTEBOOK = "notebook"


#: Names IPython defines in every notebook namespace; bound in a prelude so that name checks
#: in the migrator do not report them as undefined.
IPYTHON_NAMES = ("get_ipython", "display", "In", "Out", "_", "__", "___", "_i", "_ii", "_iii", "_oh", "_dh",
                 "exit", "quit")


def cell_path(path: str, cell_no: int) -> str:
    return f"{path}:cell {cell_no}"


@dataclass
class NotebookOutcome:
    """new_data is None when the notebook is left untouched because of an error."""

    new_data: bytes | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    cell_changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)
    source_text: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.cell_changes)


# ---------------------------------------------------------------------------------------------
# JSON style


def _dump(nb, indent, ensure_ascii: bool, trailing_nl: bool, crlf: bool) -> str:
    if indent is None:
        text = json.dumps(nb, ensure_ascii=ensure_ascii, separators=(",", ":"))
    else:
        text = json.dumps(nb, indent=indent, ensure_ascii=ensure_ascii)
    if trailing_nl:
        text += "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    return text


def _find_style(nb, text: str):
    """The json.dumps settings that reproduce text exactly, or None."""
    m = re.match(r"\{\r?\n( *)\S", text)
    indent = len(m.group(1)) if m else None
    crlf = "\r\n" in text
    trailing = text.endswith("\n")
    for ensure_ascii in (False, True):
        style = (indent, ensure_ascii, trailing, crlf)
        if _dump(nb, *style) == text:
            return style
    return None


JUPYTER_STYLE = (1, False, True, False)


# ---------------------------------------------------------------------------------------------
# migration


def _cell_text(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _set_cell_text(cell, text: str) -> None:
    if isinstance(cell.get("source"), list):
        cell["source"] = text.splitlines(keepends=True)
    else:
        cell["source"] = text


def _language(nb) -> str | None:
    meta = nb.get("metadata") or {}
    lang = (meta.get("kernelspec") or {}).get("language") or (meta.get("language_info") or {}).get("name")
    return lang.lower() if isinstance(lang, str) else None


def _validate(nb) -> str | None:
    import nbformat

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            nbformat.validate(copy.deepcopy(nb))
        except Exception as exc:  # nbformat.ValidationError and friends
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return first
    return None


MigrateFn = Callable[[str, str], MigrationResult]  # (source, path) -> result, never raises


@dataclass
class _Prepared:
    index: int  # position in nb["cells"]
    number: int  # 1-based cell number shown to users
    original: str
    masked: str
    placeholders: dict


def _map_diag(d: Diagnostic, path: str, line_map: list[tuple[int, int]], offset_col: bool = True) -> Diagnostic:
    if 1 <= d.line <= len(line_map):
        cell_no, line = line_map[d.line - 1]
        return Diagnostic(cell_path(path, cell_no), line, d.col, d.severity, d.message, d.rule)
    return Diagnostic(path, d.line, d.col, d.severity, d.message, d.rule)


def migrate_notebook(data: bytes, path: str, migrate: MigrateFn) -> NotebookOutcome:
    """Migrate the code cells of a notebook given as bytes; never raises on bad input."""
    diags: list[Diagnostic] = []
    try:
        import nbformat  # noqa: F401
    except ImportError:
        return NotebookOutcome(None, [Diagnostic(
            path, 1, 1, "error",
            "notebook support needs nbformat: pip install 'kfn-gen[notebooks]' (notebook left untouched)",
            RULE_NOTEBOOK)])
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return NotebookOutcome(None, [Diagnostic(path, 1, exc.start + 1, "error",
                                                 f"notebook is not valid UTF-8: {exc.reason}", RULE_NOTEBOOK)])
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        return NotebookOutcome(None, [Diagnostic(path, exc.lineno, exc.colno, "error",
                                                 f"invalid notebook JSON: {exc.msg}; notebook left untouched",
                                                 RULE_NOTEBOOK)], source_text=text)
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return NotebookOutcome(None, [Diagnostic(path, 1, 1, "error",
                                                 "not a notebook (no 'cells' list; nbformat 4 required)",
                                                 RULE_NOTEBOOK)], source_text=text)
    if nb.get("nbformat") != 4:
        return NotebookOutcome(None, [Diagnostic(
            path, 1, 1, "error",
            f"nbformat {nb.get('nbformat')} notebooks are not supported; convert with "
            "`jupyter nbconvert --to notebook --nbformat 4` first", RULE_NOTEBOOK)], source_text=text)
    lang = _language(nb)
    if lang is not None and lang != "python":
        return NotebookOutcome(data, [], source_text=text)
    valid_before = _validate(nb) is None

    token = hashlib.sha1(data).hexdigest()[:10]
    prepared: list[_Prepared] = []
    for idx, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        original = _cell_text(cell)
        if not original.strip():
            continue
        masked = mask_ipython(original, token)
        if masked is None:
            continue
        prepared.append(_Prepared(idx, idx + 1, original, masked[0], masked[1]))

    # cells that do not parse on their own are reported and left out
    import ast

    parseable: list[_Prepared] = []
    for p in prepared:
        try:
            ast.parse(p.masked)
        except SyntaxError:
            res = migrate(p.masked, cell_path(path, p.number))
            errs = [d for d in res.diagnostics if d.severity == "error"] if res.code is None else []
            if res.code is None:
                for d in errs or [Diagnostic(cell_path(path, p.number), 1, 1, "error", "syntax error", "parse")]:
                    diags.append(Diagnostic(d.path, d.line, d.col, "warning",
                                            f"cell skipped: {d.message}", d.rule))
                continue
        except Exception:  # noqa: BLE001 - ast may raise ValueError (NUL) etc.
            diags.append(Diagnostic(cell_path(path, p.number), 1, 1, "warning",
                                    "cell skipped: cannot be parsed", RULE_NOTEBOOK))
            continue
        parseable.append(p)

    new_texts = _migrate_combined(parseable, path, token, migrate, diags)
    if new_texts is None:
        new_texts = _migrate_each(parseable, path, token, migrate, diags)
    if new_texts is None or new_texts is _FAILED or any(d.severity == "error" for d in diags):
        return NotebookOutcome(None, diags, source_text=text)

    changes = []
    for p in parseable:
        new = new_texts.get(p.index, p.original)
        if new != p.original:
            changes.append((p, new))
    if not changes:
        return NotebookOutcome(data, diags, source_text=text)

    style = _find_style(nb, text)
    for p, new in changes:
        _set_cell_text(nb["cells"][p.index], new)
    if style is None:
        style = JUPYTER_STYLE
        diags.append(Diagnostic(path, 1, 1, "warning",
                                "notebook JSON layout could not be reproduced exactly; written in Jupyter's "
                                "format (indent 1)", RULE_NOTEBOOK))
    if valid_before:
        problem = _validate(nb)
        if problem is not None:
            diags.append(Diagnostic(path, 1, 1, "error",
                                    f"internal error: migrated notebook fails nbformat validation ({problem}); "
                                    "notebook left untouched, please report", "internal"))
            return NotebookOutcome(None, diags, source_text=text)
    out = _dump(nb, *style)
    new_data = (b"\xef\xbb\xbf" if bom else b"") + out.encode("utf-8")
    return NotebookOutcome(new_data, diags,
                           [(cell_path(path, p.number), p.original, new) for p, new in changes],
                           source_text=text)


def _finish_cell(p: _Prepared, code: str, path: str, diags: list[Diagnostic]) -> str:
    restored = unmask_ipython(code, p.placeholders)
    if restored is None:
        diags.append(Diagnostic(cell_path(path, p.number), 1, 1, "warning",
                                "cell left unchanged: the migration dropped an IPython magic line",
                                RULE_NOTEBOOK))
        return p.original
    return restored


_FAILED: dict = {}  # sentinel: the migrator reported errors (as opposed to "markers lost, retry per cell")


def _prelude(token: str) -> str:
    return f"{' = '.join(IPYTHON_NAMES)} = None  # __kfn_prelude_{token}__\n"


def _strip_prelude(code: str, token: str) -> str | None:
    new, n = re.subn(rf"^[^\n]*#[ \t]*__kfn_prelude_{token}__[ \t]*(?:\r\n|\r|\n|$)", "", code, count=1, flags=re.M)
    return new if n == 1 else None


def _migrate_combined(cells: list[_Prepared], path: str, token: str, migrate: MigrateFn,
                      diags: list[Diagnostic]) -> dict[int, str] | None:
    if not cells:
        return {}
    parts: list[str] = [_prelude(token)]
    line_map: list[tuple[int, int]] = [(cells[0].number, 1)]
    added_nl: list[bool] = []
    for k, p in enumerate(cells):
        text = p.masked
        added = not text.endswith(("\n", "\r"))
        if added:
            text += "\n"
        added_nl.append(added)
        n = len(text.splitlines())
        line_map.extend((p.number, j + 1) for j in range(n))
        parts.append(text)
        parts.append(f"pass  # __kfn_cell_{token}_{k}__\n")
        line_map.append((p.number, max(n, 1)))
    module = "".join(parts)
    res = migrate(module, path)
    mapped = [_map_diag(d, path, line_map) for d in res.diagnostics]
    if res.code is None:
        diags.extend(mapped)
        return _FAILED
    code = _strip_prelude(res.code, token)
    if code is None:
        return None
    pieces = re.split(rf"^[ \t]*pass[ \t]*#[ \t]*__kfn_cell_{token}_(\d+)__[ \t]*(?:\r\n|\r|\n|$)", code, flags=re.M)
    chunks, indices = pieces[0::2], pieces[1::2]
    if indices != [str(k) for k in range(len(cells))] or chunks[-1].strip():
        return None  # markers moved: fall back to one cell at a time
    diags.extend(mapped)
    out = {}
    for k, p in enumerate(cells):
        chunk = chunks[k]
        if added_nl[k] and chunk.endswith("\n"):
            chunk = chunk[:-1]
        out[p.index] = _finish_cell(p, chunk, path, diags)
    return out


def _migrate_each(cells: list[_Prepared], path: str, token: str, migrate: MigrateFn,
                  diags: list[Diagnostic]) -> dict[int, str] | None:
    out = {}
    for p in cells:
        cpath = cell_path(path, p.number)
        res = migrate(_prelude(token) + p.masked, cpath)
        diags.extend(Diagnostic(d.path, max(d.line - 1, 1), d.col, d.severity, d.message, d.rule)
                     for d in res.diagnostics)
        if res.code is None:
            return None
        code = _strip_prelude(res.code, token)
        if code is None:
            diags.append(Diagnostic(cpath, 1, 1, "error", "internal error: notebook cell framing lost; "
                                    "notebook left untouched, please report", "internal"))
            return None
        out[p.index] = _finish_cell(p, code, path, diags)
    return out
