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
import shutil
import signal
import stat
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable

from kfn_gen.diagnostics import FRONTEND_RULES, RULE_INTERNAL, RULE_SKIP
from kfn_gen.files.discover import FileTask
from kfn_gen.files.guard import MigrateFn, default_migrate_fn, safe_migrate
from kfn_gen.diagnostics import Diagnostic
from kfn_gen.options import Options
from kfn_gen.sourcefile import (SourceError, atomic_write, decode_source, eol_kinds, has_mixed_newlines, normalize_newlines,
                         read_bytes, restore_newlines, unchanged_since)



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
