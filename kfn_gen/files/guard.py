"""Running a migrator on one text without letting it raise: a bug or absurd input becomes an error diagnostic
for that file (which is then left untouched), and a syntax error in Python 2 code says so."""
from __future__ import annotations

import os
import traceback
from typing import Callable

from kfn_gen.diagnostics import RULE_INTERNAL, RULE_PY2
from kfn_gen.diagnostics import Diagnostic, MigrationResult
from kfn_gen.frontend import python2
from kfn_gen.options import Options




MigrateFn = Callable[[str, str, Options], MigrationResult]


def default_migrate_fn(source: str, path: str, options: Options) -> MigrationResult:
    from kfn_gen.migrate.pipeline import migrate_source

    return migrate_source(source, path, options)



def py2_hint(source: str, d: Diagnostic) -> Diagnostic:
    """Reword a syntax error as 'Python 2 syntax' when the failing line (or an earlier one) is Python 2."""
    lines = source.splitlines()
    for ln in (d.line, d.line - 1):
        if not 1 <= ln <= len(lines):
            continue
        what = python2.construct(lines[ln - 1])
        if what:
            return Diagnostic(d.path, ln, d.col if ln == d.line else 1, "error",
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
