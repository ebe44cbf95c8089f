"""What a verification reports: per model, per output and training step, the script errors, the verdict."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field



STATUSES = ("match", "differ", "error", "partial")
# `kfn-gen verify` exit codes; partial: every model that ran matched, but part of the script ran on neither side
EXIT_CODES = {"match": 0, "differ": 1, "error": 2, "partial": 3}


@dataclass(frozen=True)
class OutputDiff:
    index: int
    shape: tuple
    max_abs_diff: float | None
    max_rel_diff: float | None
    ok: bool
    note: str = ""


@dataclass(frozen=True)
class TrainStep:
    status: str  # "match" | "differ" | "skipped" | "error"
    max_abs_diff: float | None = None
    max_rel_update_diff: float | None = None
    grad_rel_diff: float | None = None
    detail: str = ""


@dataclass(frozen=True)
class ModelEntry:
    name: str
    status: str
    legacy_layers: tuple[str, ...] = ()
    migrated_layers: tuple[str, ...] = ()
    legacy_params: int | None = None
    migrated_params: int | None = None
    legacy_output_shape: object = None
    migrated_output_shape: object = None
    outputs: tuple[OutputDiff, ...] = ()
    max_abs_diff: float | None = None
    max_rel_diff: float | None = None
    train_step: TrainStep | None = None
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    likely_cause: str | None = None


@dataclass(frozen=True)
class ScriptError:
    side: str
    line: int
    type: str
    message: str
    stmt_line: int | None = None  # the top-level statement that raised (line is the innermost script line)

    def format(self) -> str:
        return f"{self.side} line {self.line}: {self.type}: {self.message}"


@dataclass(frozen=True)
class VerifyReport:
    old_path: str
    new_path: str
    status: str
    models: tuple[ModelEntry, ...] = ()
    reason: str | None = None  # why it could not run, or a summary of the difference
    script_errors: tuple[ScriptError, ...] = ()
    timings: dict = field(default_factory=dict)
    tolerance: dict = field(default_factory=dict)
    standins: tuple[str, ...] = ()  # what the runs stood in for: argv, placeholder files, modules, weights
    coverage: dict = field(default_factory=dict)  # top-level statements: total, ran on both sides, why not
    sandbox: dict = field(default_factory=dict)  # enforced / not_enforced here (verify/sandbox.py), blocked

    @property
    def ok(self) -> bool:
        return self.status == "match"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.status, 2)

    def to_json(self) -> dict:
        d = asdict(self)
        d["ok"] = self.ok
        return d

    def format_table(self) -> str:
        lines = [f"kfn-gen verify: {self.old_path} (Keras 2.2.4) vs {self.new_path} (Keras 3): {self.status.upper()}"]
        if self.reason:
            lines.append(f"  {self.reason}")
        if self.models:
            head = ("model", "layers", "params 2.2.4/3", "output shape", "max abs diff", "max rel diff",
                    "train step", "status")
            rows = []
            for m in self.models:
                shape = m.legacy_output_shape if m.legacy_output_shape == m.migrated_output_shape else \
                    f"{m.legacy_output_shape} / {m.migrated_output_shape}"
                ts = m.train_step
                ts_txt = "-" if ts is None else (ts.status if ts.max_abs_diff is None
                                                 else f"{ts.status} {_fmt(ts.max_abs_diff)}")
                rows.append((m.name, f"{len(m.legacy_layers)}/{len(m.migrated_layers)}",
                             f"{_fmt_int(m.legacy_params)}/{_fmt_int(m.migrated_params)}", str(shape),
                             _fmt(m.max_abs_diff), _fmt(m.max_rel_diff), ts_txt, m.status))
            widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
            lines.append("  " + "  ".join(h.ljust(w) for h, w in zip(head, widths)))
            lines.append("  " + "  ".join("-" * w for w in widths))
            for r in rows:
                lines.append("  " + "  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
            for m in self.models:
                for p in m.problems:
                    lines.append(f"  {m.name}: {p}")
                if m.train_step is not None and m.train_step.status == "skipped" and m.train_step.detail:
                    lines.append(f"  {m.name}: train step skipped: {m.train_step.detail}")
                if m.likely_cause:
                    lines.append(f"  {m.name}: likely cause: {m.likely_cause}")
                for n in m.notes:
                    lines.append(f"  {m.name}: note: {n}")
        if self.coverage.get("statements"):
            lines.append("  coverage: " + coverage_text(self.coverage))
        for e in self.script_errors:
            lines.append(f"  script error ({e.format()})")
        for s in self.standins:
            lines.append(f"  stand-in: {s}")
        for b in self.sandbox.get("blocked", ()):
            lines.append(f"  sandbox blocked: {b}")
        for n in self.sandbox.get("not_enforced", ()):
            lines.append(f"  sandbox: {n}")
        if self.timings:
            lines.append("  time: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.timings.items()))
        return "\n".join(lines)


def coverage_text(cov: dict) -> str:
    text = f"{cov['ran_on_both']} of {cov['statements']} top-level statements ran on both sides"
    if cov.get("same_error_on_both"):
        text += f" ({cov['same_error_on_both']} raising the same error on both, as 2.2.4 did)"
    if cov.get("failed_on_both"):
        text += f"; {cov['failed_on_both']} could not run on either side"
    if cov.get("failed_legacy_only"):
        text += f"; {cov['failed_legacy_only']} raised under Keras 2.2.4 only"
    if cov.get("causes"):
        text += " (" + "; ".join(cov["causes"]) + ")"
    return text


def _fmt(v):
    if v is None:
        return "-"
    return f"{v:.2e}" if v != 0 else "0"


def _fmt_int(v):
    return "?" if v is None else f"{v:,}"
