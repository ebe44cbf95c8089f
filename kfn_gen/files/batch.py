"""Batch migration of files, trees and notebooks (the engine behind `kfn-gen migrate PATH...`).

* ``discover()`` walks the given paths: ``*.py`` and ``*.ipynb`` are migrated, every other file
  is only copied (``--out-dir``).  VCS/venv/cache/site-packages directories are never entered,
  ``.gitignore`` files found in the tree are honoured (a small matcher: ``*``, ``?``, ``**``,
  ``[...]``, ``!negation``, trailing ``/``, anchored patterns), and ``--exclude`` patterns use
  the same syntax.  Symlinked directories are not entered; a symlinked file whose target lies
  outside the tree is skipped with a note, one pointing inside the tree is left to its target.
* ``process_task()`` migrates one file (in a worker process with ``-j N``); every failure is
  turned into an error diagnostic for that file, which is then left untouched.
* ``run_batch()`` runs the tasks serially or in a ``ProcessPoolExecutor`` and returns the
  results in discovery order whatever the number of workers.

The per-file migrator is injectable (``BatchConfig.migrate_fn``, a picklable module-level
function with the signature of ``kfn_gen.migrate.pipeline.migrate_source``).
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
import signal
import stat
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from kfn_gen.diagnostics import Diagnostic, MigrationResult
from kfn_gen.options import Options
from kfn_gen.sourcefile import (SourceError, atomic_write, decode_source, eol_kinds, has_mixed_newlines, normalize_newlines,
                         read_bytes, restore_newlines, unchanged_since)

RULE_INTERNAL = "internal"
RULE_SKIP = "skip"
RULE_PY2 = "py2"
#: Diagnostics with these rule names come from the front end, not from migration rules.
FRONTEND_RULES = frozenset({RULE_INTERNAL, RULE_SKIP, RULE_PY2, "io", "encoding", "binary", "notebook", "parse"})

#: Directory names never entered (like black/ruff defaults, plus installed-package trees).
DEFAULT_EXCLUDED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "_darcs", ".jj",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
    ".tox", ".nox", ".venv", "venv", ".direnv", ".eggs", "__pypackages__",
    "site-packages", "dist-packages", "node_modules", ".ipynb_checkpoints",
    "build", "dist", "buck-out", "_build",
})

PY_SUFFIXES = (".py", ".pyw", ".pyi")
NB_SUFFIXES = (".ipynb",)

MigrateFn = Callable[[str, str, Options], MigrationResult]


def default_migrate_fn(source: str, path: str, options: Options) -> MigrationResult:
    from kfn_gen.migrate.pipeline import migrate_source

    return migrate_source(source, path, options)


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


# ---------------------------------------------------------------------------------------------
# discovery


@dataclass(frozen=True)
class FileTask:
    src: str  # path to read (as the user would write it)
    rel: str  # path relative to the mirrored base (posix), used for --out-dir
    kind: str  # "python" | "notebook" | "copy" | "skip" | "symlink"
    note: Diagnostic | None = None
    link_target: str | None = None


def _kind_of(name: str) -> str:
    if name.endswith(PY_SUFFIXES):
        return "python"
    if name.endswith(NB_SUFFIXES):
        return "notebook"
    return "copy"


def _within(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:
        return False


def mirror_base(paths: list[str]) -> str:
    """The directory the --out-dir tree mirrors: the common parent of all inputs."""
    dirs = [os.path.abspath(p if os.path.isdir(p) and not os.path.islink(p) else os.path.dirname(os.path.abspath(p)))
            for p in paths]
    return os.path.commonpath(dirs) if dirs else os.getcwd()


def discover(paths: list[str], excludes: Iterable[str] = (), respect_gitignore: bool = True,
             skip_dirs: Iterable[str] = ()) -> list[FileTask]:
    """Expand files and directories into tasks, in a stable (sorted, depth-first) order."""
    base = mirror_base(paths)
    skip_real = {os.path.realpath(d) for d in skip_dirs}
    tasks: list[FileTask] = []
    seen: set[str] = set()

    def add(task: FileTask) -> None:
        key = os.path.abspath(task.src)
        if key not in seen:
            seen.add(key)
            tasks.append(task)

    for arg in paths:
        arg_abs = os.path.abspath(arg)
        ex = [p for p in (IgnorePattern.parse(e) for e in excludes) if p is not None]
        if os.path.isdir(arg) and not os.path.islink(arg):
            for t in _walk(arg, base, ex, respect_gitignore, skip_real):
                add(t)
            continue
        rel = os.path.relpath(arg_abs, base).replace(os.sep, "/")
        name = os.path.basename(arg_abs)
        if ex and (is_ignored(ex, name, False) or is_ignored(ex, arg.replace(os.sep, "/").lstrip("./"), False)):
            continue
        if os.path.islink(arg):
            target = os.path.realpath(arg)
            if os.path.isdir(target):
                add(FileTask(arg, rel, "skip", Diagnostic(arg, 1, 1, "info", "symlink to a directory not followed", RULE_SKIP)))
                continue
            kind = _kind_of(name)
            add(FileTask(arg, rel, kind if kind != "copy" else "copy"))  # an explicit link is the user's choice
            continue
        if not os.path.exists(arg):
            add(FileTask(arg, rel, "skip", Diagnostic(arg, 0, 0, "error", "no such file or directory", "io")))
            continue
        add(FileTask(arg, rel, _kind_of(name)))
    return tasks


def _ancestor_gitignores(root: str) -> list[IgnorePattern]:
    """Patterns of .gitignore files above root, up to the enclosing git work tree's top.

    They are re-based onto root: a pattern of ../.gitignore anchored at "src/x.py" applies to
    "x.py" when root is src/.  Unanchored patterns apply as they are.
    """
    root_abs = os.path.abspath(root)
    chain, d = [], root_abs
    while True:
        parent = os.path.dirname(d)
        if os.path.isdir(os.path.join(d, ".git")) or parent == d:
            top = d if os.path.isdir(os.path.join(d, ".git")) else None
            break
        d = parent
    if top is None or top == root_abs:
        return []
    d = top
    while d != root_abs:
        chain.append(d)
        d = os.path.join(d, os.path.relpath(root_abs, d).split(os.sep)[0])
    out = []
    for anc in chain:
        prefix = os.path.relpath(root_abs, anc).replace(os.sep, "/") + "/"
        for p in read_gitignore(os.path.join(anc, ".gitignore"), ""):
            anchored = p.regex.pattern.startswith("^") and not p.regex.pattern.startswith(r"^(?:.*/)?")
            if not anchored:
                out.append(p)
            elif p.text.startswith(prefix.rstrip("/") + "/") or p.text.startswith(prefix):
                q = IgnorePattern.parse(("!" if p.negate else "") + "/" + p.text[len(prefix):]
                                        + ("/" if p.dir_only else ""))
                if q is not None:
                    out.append(q)
    return out


def _walk(root: str, base: str, excludes: list[IgnorePattern], respect_gitignore: bool,
          skip_real: set[str]) -> Iterator[FileTask]:
    root_real = os.path.realpath(root)
    patterns: list[IgnorePattern] = (_ancestor_gitignores(root) if respect_gitignore else []) + list(excludes)

    def rec(dirpath: str, rel_dir: str, pats: list[IgnorePattern]) -> Iterator[FileTask]:
        if respect_gitignore:
            gi = os.path.join(dirpath, ".gitignore")
            if os.path.isfile(gi):
                pats = pats + read_gitignore(gi, rel_dir)
        try:
            entries = sorted(os.scandir(dirpath), key=lambda e: e.name)
        except OSError as exc:
            yield FileTask(dirpath, rel_dir, "skip", Diagnostic(dirpath, 0, 0, "error", f"cannot list directory: {exc.strerror}", "io"))
            return
        for e in entries:
            rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
            src = os.path.join(dirpath, e.name)
            mirror_rel = os.path.relpath(os.path.abspath(src), base).replace(os.sep, "/")
            if e.is_symlink():
                if is_ignored(pats, rel, os.path.isdir(src)):
                    continue
                target = os.path.realpath(src)
                if os.path.isdir(target):
                    yield FileTask(src, mirror_rel, "skip", Diagnostic(src, 1, 1, "info", "symlinked directory not followed", RULE_SKIP))
                elif not _within(target, root_real):
                    yield FileTask(src, mirror_rel, "skip", Diagnostic(
                        src, 1, 1, "info", f"symlink to a file outside the tree ({target}) skipped", RULE_SKIP))
                else:
                    # the target is migrated on its own; --out-dir recreates the link
                    yield FileTask(src, mirror_rel, "symlink", None, os.readlink(src))
                continue
            if e.is_dir(follow_symlinks=False):
                if e.name in DEFAULT_EXCLUDED_DIRS or e.name.endswith(".egg-info"):
                    continue
                if os.path.realpath(src) in skip_real:
                    continue
                if os.path.exists(os.path.join(src, "pyvenv.cfg")):  # a virtual environment
                    continue
                if is_ignored(pats, rel, True):
                    continue
                yield from rec(src, rel, pats)
            elif e.is_file(follow_symlinks=False):
                if is_ignored(pats, rel, False):
                    continue
                yield FileTask(src, mirror_rel, _kind_of(e.name))

    yield from rec(root, "", patterns)


# ---------------------------------------------------------------------------------------------
# one file


@dataclass(frozen=True)
class BatchConfig:
    options: Options = Options()
    migrate_fn: MigrateFn | None = None
    in_place: bool = False
    out_dir: str | None = None
    check: bool = False
    want_diff: bool = False
    want_output: bool = False  # return the migrated bytes (stdout / -o)
    originals_dir: str | None = None  # --verify --in-place: keep a copy of each original here
    prefilter: bool = True  # files that never mention keras are not parsed at all
    color: bool = False
    max_bytes: int = 5 * 1024 * 1024  # a larger file is skipped with a warning (generated data, not a script)
    file_timeout: float = 120.0  # seconds per file; 0: no limit


@dataclass
class FileResult:
    path: str
    rel: str
    kind: str
    status: str  # changed | unchanged | failed | skipped | copied
    diagnostics: list[Diagnostic] = field(default_factory=list)
    diff: str = ""
    output: bytes | None = None
    written: str | None = None
    original_copy: str | None = None
    verify: dict | None = None
    seconds: float = 0.0

    @property
    def edits(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "info" and d.rule not in FRONTEND_RULES]

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "kind": self.kind,
            "status": self.status,
            "changed": self.status == "changed",
            "written": self.written,
            "edits": [d.to_json() for d in self.edits],
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "verify": self.verify,
            "seconds": round(self.seconds, 4),
        }


_PY2_PATTERNS = [
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


_STRING_RE = re.compile(r"[rRbBuU]{0,2}(\"[^\"\\\n]*(?:\\.[^\"\\\n]*)*\"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')")


def py2_hint(source: str, d: Diagnostic) -> Diagnostic:
    """Reword a syntax error as 'Python 2 syntax' when the failing line (or an earlier one) is Python 2."""
    lines = source.splitlines()
    for ln in (d.line, d.line - 1):
        if not 1 <= ln <= len(lines):
            continue
        code = lines[ln - 1].split("#", 1)[0]
        blanked = _STRING_RE.sub('""', code)
        for rx, what in _PY2_PATTERNS:
            if rx.search(blanked):
                return Diagnostic(
                    d.path, ln, d.col if ln == d.line else 1, "error",
                    f"Python 2 syntax is not supported ({what} on line {ln}); run 2to3 first", RULE_PY2)
    return d


def _with_deep_stack(fn: MigrateFn, source: str, path: str, options: Options) -> MigrationResult:
    import sys
    import threading

    box: dict = {}

    def target() -> None:
        try:
            box["res"] = fn(source, path, options)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["exc"] = exc

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    try:
        threading.stack_size(512 * 1024 * 1024)
        sys.setrecursionlimit(max(old_limit, 100_000))
        t = threading.Thread(target=target, name="kfn-gen-deep-stack")
        t.start()
        t.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if "exc" in box:
        raise box["exc"]
    return box["res"]


def safe_migrate(fn: MigrateFn, source: str, path: str, options: Options) -> MigrationResult:
    """Run a migrator without letting it raise; improve the wording of Python 2 syntax errors."""
    try:
        try:
            res = fn(source, path, options)
        except RecursionError:
            # deep but valid code (a 700 KB implicit string concatenation...) exhausts CPython's
            # default recursion limit inside libcst: retry once with a big stack and a high limit
            res = _with_deep_stack(fn, source, path, options)
        if not isinstance(res, MigrationResult) or (res.code is not None and not isinstance(res.code, str)):
            raise TypeError(f"migrator returned {type(res).__name__}, not a MigrationResult")
    except Exception as exc:  # noqa: BLE001 - a crash in a rule must not stop the batch
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else ""
        d = Diagnostic(path, 1, 1, "error",
                       f"internal error: {type(exc).__name__}: {exc}{where}; file left untouched, please report "
                       "this at the kfn-gen issue tracker with the file", RULE_INTERNAL)
        return MigrationResult(path, source, None, (d,))
    if res.code is None:
        diags = tuple(py2_hint(source, d) if d.severity == "error" and ("syntax" in d.message.lower() or d.rule == "parse")
                      else d for d in res.diagnostics)
        if not any(d.severity == "error" for d in diags):
            diags += (Diagnostic(path, 1, 1, "error", "migration failed (no reason given); file left untouched",
                                 RULE_INTERNAL),)
        return MigrationResult(res.path, res.source, None, diags)
    return res


def _labels(path: str) -> tuple[str, str]:
    """git-style a/ b/ labels for relative paths; absolute paths are shown as they are."""
    return (path, path) if os.path.isabs(path) else (f"a/{path}", f"b/{path}")


def _unified(old: str, new: str, a: str, b: str) -> str:
    out = []
    for line in difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), a, b):
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def colorize(diff: str) -> str:
    out = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(f"\033[1m{line.rstrip(chr(10))}\033[0m\n")
        elif line.startswith("@@"):
            out.append(f"\033[36m{line.rstrip(chr(10))}\033[0m\n")
        elif line.startswith("+"):
            out.append(f"\033[32m{line.rstrip(chr(10))}\033[0m\n")
        elif line.startswith("-"):
            out.append(f"\033[31m{line.rstrip(chr(10))}\033[0m\n")
        else:
            out.append(line)
    return "".join(out)


class FileTimeout(BaseException):
    """The per-file time limit (a BaseException, so that no `except Exception` in a rule swallows it)."""


def _on_alarm(signum, frame):
    raise FileTimeout()


def migrate_bytes(data: bytes, path: str, kind: str, config: BatchConfig) -> tuple[bytes | None, list[Diagnostic], str]:
    """Migrate one file's bytes. Returns (new bytes or None on failure, diagnostics, diff text).

    new bytes are `data` itself (the same object) when nothing changes.  config.file_timeout bounds the
    time (SIGALRM, in the main thread of the process: the CLI's or a worker's): over it, a diagnostic and
    None.
    """
    timed = bool(config.file_timeout) and threading.current_thread() is threading.main_thread() \
        and hasattr(signal, "setitimer")
    if not timed:
        return _migrate_bytes(data, path, kind, config)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, config.file_timeout)
    try:
        return _migrate_bytes(data, path, kind, config)
    except FileTimeout:
        return None, [Diagnostic(path, 1, 1, "error", f"time limit of {config.file_timeout:g} s exceeded "
                                 "(--file-timeout): file left untouched", "limit")], ""
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _migrate_bytes(data: bytes, path: str, kind: str, config: BatchConfig) -> tuple[bytes | None, list[Diagnostic], str]:
    fn = config.migrate_fn or default_migrate_fn
    if kind == "notebook":
        from kfn_gen.files.notebooks import migrate_notebook

        if config.prefilter and b"keras" not in data.lower():
            return data, [], ""
        outcome = migrate_notebook(data, path, lambda src, p: safe_migrate(fn, src, p, config.options))
        diff = ""
        if config.want_diff and outcome.cell_changes:
            diff = "".join(_unified(old, new, *_labels(label)) for label, old, new in outcome.cell_changes)
        if outcome.new_data is None:
            return None, outcome.diagnostics, ""
        return (outcome.new_data if outcome.changed else data), outcome.diagnostics, diff
    try:
        decoded = decode_source(data, path)
    except SourceError as exc:
        return None, [exc.diagnostic], ""
    if config.prefilter and "keras" not in decoded.text.lower():
        return data, [], ""
    text = decoded.text
    mixed = has_mixed_newlines(text)
    res = safe_migrate(fn, normalize_newlines(text) if mixed else text, path, config.options)
    diags = list(res.diagnostics)
    if res.code is None or any(d.severity == "error" for d in diags):
        return None, diags, ""
    code = res.code
    if code != res.source and (mixed or not eol_kinds(code) <= eol_kinds(text)):
        # mixed input was migrated as LF; a migrator that changed the ending style is corrected
        code = restore_newlines(text, normalize_newlines(code))
    if code == res.source:
        return data, diags, ""
    try:
        new = decoded.encode(code, path)
    except SourceError as exc:
        return None, diags + [exc.diagnostic], ""
    if new == data:
        return data, diags, ""
    diff = _unified(text, code, *_labels(path)) if config.want_diff else ""
    return new, diags, diff


def _dest(config: BatchConfig, task: FileTask) -> str:
    assert config.out_dir is not None
    return os.path.join(config.out_dir, *task.rel.split("/"))


def _copy(src: str, dest: str) -> None:
    os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
    try:
        if os.path.lexists(dest) and os.path.samefile(src, dest):
            return
    except OSError:
        pass
    tmp = dest + ".kfn-tmp"
    shutil.copy2(src, tmp)
    os.replace(tmp, dest)


def process_task(task: FileTask, config: BatchConfig) -> FileResult:
    t0 = time.perf_counter()
    try:
        res = _process(task, config)
    except Exception as exc:  # noqa: BLE001 - our own bug: report it for this file and go on
        res = FileResult(task.src, task.rel, task.kind, "failed", [Diagnostic(
            task.src, 1, 1, "error", f"internal error: {type(exc).__name__}: {exc}; file left untouched, please report",
            RULE_INTERNAL)])
    res.seconds = time.perf_counter() - t0
    return res


def _process(task: FileTask, config: BatchConfig) -> FileResult:
    r = FileResult(task.src, task.rel, task.kind, "skipped", [task.note] if task.note else [])
    if task.kind == "skip":
        if task.note and task.note.severity == "error":
            r.status = "failed"
        return r
    if task.kind == "symlink":
        if config.out_dir:
            dest = _dest(config, task)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if os.path.lexists(dest):
                os.unlink(dest)
            os.symlink(task.link_target, dest)
        return r
    if task.kind == "copy":
        if config.out_dir:
            _copy(task.src, _dest(config, task))
            r.status = "copied"
        return r
    try:
        st = os.stat(task.src)  # before any open(): opening a FIFO blocks, a device never ends
        if not stat.S_ISREG(st.st_mode):
            r.diagnostics.append(Diagnostic(task.src, 0, 0, "info", "not a regular file (a FIFO, a device or a "
                                            "socket): skipped, nothing read", RULE_SKIP))
            return r
        if config.max_bytes and st.st_size > config.max_bytes:
            r.diagnostics.append(Diagnostic(task.src, 0, 0, "warning", f"{st.st_size:,} bytes, over the "
                                            f"{config.max_bytes:,}-byte limit (--max-file-size): skipped, left "
                                            "untouched", RULE_SKIP))
            return r
        data, st = read_bytes(task.src)
    except OSError as exc:
        r.status = "failed"
        r.diagnostics.append(Diagnostic(task.src, 0, 0, "error", f"cannot read: {exc.strerror or exc}", "io"))
        return r
    new, diags, diff = migrate_bytes(data, task.src, task.kind, config)
    r.diagnostics.extend(diags)
    r.diff = diff
    if new is None:
        # a binary file is skipped (warning); anything else that stops a file is an error
        r.status = "failed" if any(d.severity == "error" for d in r.diagnostics) else "skipped"
        if config.out_dir:  # the mirrored tree stays complete: the original goes there unchanged
            _copy(task.src, _dest(config, task))
        return r
    changed = new is not data and new != data
    r.status = "changed" if changed else "unchanged"
    if config.want_output:
        r.output = new
    mode = stat.S_IMODE(st.st_mode)
    if not parent_alive():  # the kfn-gen process that asked for this is gone: write nothing
        r.status = "failed"
        return r
    if config.out_dir:
        dest = _dest(config, task)
        if changed:
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            atomic_write(dest, new, mode)
            r.written = dest
        else:
            _copy(task.src, dest)
    elif config.in_place and changed and not config.check:
        if not st.st_mode & 0o222:  # root may write anyway: the file's own bits say it is not to be changed
            r.status = "failed"
            r.diagnostics.append(Diagnostic(task.src, 0, 0, "error", "file is read-only; left untouched "
                                            "(make it writable, or use --out-dir)", "io"))
            return r
        if not unchanged_since(task.src, st):
            r.status = "failed"
            r.diagnostics.append(Diagnostic(task.src, 0, 0, "error",
                                            "file changed on disk during migration; left untouched", "io"))
            return r
        if config.originals_dir:
            keep = os.path.join(config.originals_dir, *task.rel.split("/"))
            os.makedirs(os.path.dirname(keep), exist_ok=True)
            with open(keep, "wb") as fh:
                fh.write(data)
            r.original_copy = keep
        atomic_write(task.src, new, mode)
        r.written = task.src
    return r


# ---------------------------------------------------------------------------------------------
# many files


_PARENT: int | None = None  # in a worker: the pid of the kfn-gen process that started it


def _worker_start(parent: int) -> None:
    """A worker dies with its parent: Linux's PR_SET_PDEATHSIG (SIGKILL when the parent goes), and it checks
    that the parent is still there before it writes a file (parent_alive), for the window in between."""
    global _PARENT
    _PARENT = parent
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def parent_alive() -> bool:
    return _PARENT is None or os.getppid() == _PARENT


def _process_star(args: tuple[FileTask, BatchConfig]) -> FileResult:
    return process_task(*args)


def _crashed(t: FileTask, exc: BaseException) -> FileResult:
    return FileResult(t.src, t.rel, t.kind, "failed", [Diagnostic(
        t.src, 1, 1, "error",
        f"internal error: the worker process died on this file ({type(exc).__name__}: {exc}); file left "
        "untouched, please report", RULE_INTERNAL)])


def run_batch(tasks: list[FileTask], config: BatchConfig, jobs: int = 1,
              on_result: Callable[[int, FileResult], None] | None = None) -> list[FileResult]:
    """Process tasks; results come back (and on_result is called) in task order."""
    results: list[FileResult] = []
    work = [t for t in tasks]
    heavy = sum(1 for t in work if t.kind in ("python", "notebook"))
    if jobs <= 1 or heavy < 2:
        for i, t in enumerate(work):
            r = process_task(t, config)
            results.append(r)
            if on_result:
                on_result(i, r)
        return results
    done: dict[int, FileResult] = {}
    emitted = 0

    def emit() -> None:
        nonlocal emitted
        while emitted in done:
            results.append(done[emitted])
            if on_result:
                on_result(emitted, done[emitted])
            emitted += 1

    pending = list(range(len(work)))
    isolate = 0  # after a worker crash: run this many files one process each, to pin down the culprit
    while pending:
        chunk = pending[:1] if isolate else pending
        pool = ProcessPoolExecutor(max_workers=1 if isolate else jobs, initializer=_worker_start,
                                   initargs=(os.getpid(),))
        requeue, crashed = [], False
        try:
            futures = [(i, pool.submit(process_task, work[i], config)) for i in chunk]
            for i, fut in futures:
                try:
                    done[i] = fut.result()
                except BrokenProcessPool as exc:  # a worker died (segfault, OOM kill ...)
                    crashed = True
                    if isolate:
                        done[i] = _crashed(work[i], exc)
                    else:
                        requeue.append(i)  # finished files keep their results; the others run again
                except Exception as exc:  # noqa: BLE001
                    done[i] = _crashed(work[i], exc)
                emit()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if isolate:
            pending = pending[1:]
            isolate = 0 if crashed else isolate - 1
        else:
            pending = requeue
            isolate = min(jobs + 1, len(requeue)) if crashed else 0
    return results
