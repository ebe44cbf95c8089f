"""migrate_source(): the one entry point of the static migrator (placeholder: parse only)."""
from __future__ import annotations

import libcst as cst

from .diagnostics import Diagnostic, MigrationResult
from .options import Options


def migrate_source(source: str, path: str = "<string>", options: Options = Options()) -> MigrationResult:
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        d = Diagnostic(path, exc.raw_line, exc.raw_column + 1, "error", f"syntax error: {exc.message}", "parse")
        return MigrationResult(path, source, None, (d,))
    return MigrationResult(path, source, source, ())
