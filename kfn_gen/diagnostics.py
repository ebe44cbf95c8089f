"""Diagnostics and results shared by every stage.

A rule never raises on user input: it reports a Diagnostic.  Severity 'info' lines are the
edits a rule made ("file:line:col: info: ..."), 'warning' lines are changes a user should
review, 'error' lines mean the file could not be migrated and is left untouched.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")

# The `rule` of diagnostics that no migration rule gives: what reading, decoding and parsing files says.
RULE_INTERNAL = "internal"
RULE_SKIP = "skip"
RULE_PY2 = "py2"
#: Diagnostics with these rule names come from the front end, not from migration rules.
FRONTEND_RULES = frozenset({RULE_INTERNAL, RULE_SKIP, RULE_PY2, "io", "encoding", "binary", "notebook", "parse"})


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: str
    message: str
    rule: str = ""
    end_line: int | None = None  # where the construct the finding is about ends (inclusive line, exclusive col)
    end_col: int | None = None

    def format(self) -> str:
        tail = f" [{self.rule}]" if self.rule else ""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}{tail}"

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
            "rule": self.rule,
            "end_line": self.end_line,
            "end_col": self.end_col,
        }


@dataclass(frozen=True)
class MigrationResult:
    """Outcome of migrating one source text.

    code is None when the source could not be migrated (an error diagnostic says why);
    callers must then leave the original untouched.
    """

    path: str
    source: str
    code: str | None
    diagnostics: tuple[Diagnostic, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.code is not None and not any(d.severity == "error" for d in self.diagnostics)

    @property
    def changed(self) -> bool:
        return self.code is not None and self.code != self.source

    @property
    def edits(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "info")

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "ok": self.ok,
            "changed": self.changed,
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }
