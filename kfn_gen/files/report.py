"""Summaries and reports of a batch run: stderr summary, JSON report, Markdown CI summary, progress."""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import TextIO

from kfn_gen import __version__
from kfn_gen.files.batch import FileResult

REPORT_VERSION = 1


def summarize(results: list[FileResult], seconds: float = 0.0) -> dict:
    status = Counter(r.status for r in results)
    severity = Counter(d.severity for r in results for d in r.diagnostics)
    rules = Counter(d.rule or "?" for r in results for d in r.edits)
    verify = Counter(r.verify.get("status", "error") for r in results if r.verify is not None)
    internal = sum(1 for r in results for d in r.diagnostics if d.rule == "internal")
    return {
        "files": len(results),
        "migratable": sum(1 for r in results if r.kind in ("python", "notebook")),
        "changed": status["changed"],
        "unchanged": status["unchanged"],
        "failed": status["failed"],
        "skipped": status["skipped"],
        "copied": status["copied"],
        "internal_errors": internal,
        "rules": dict(sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))),
        "diagnostics": {s: severity[s] for s in ("error", "warning", "info")},
        "verify": dict(verify),
        "seconds": round(seconds, 3),
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_summary(summary: dict, check: bool = False) -> str:
    would = "would be changed" if check else "changed"
    lines = [
        f"kfn-gen: {_plural(summary['changed'], 'file')} {would}, {summary['unchanged']} unchanged, "
        f"{summary['failed']} failed, {summary['skipped']} skipped"
        + (f", {summary['copied']} copied" if summary["copied"] else "")
        + f" ({summary['seconds']:.2f}s)"
    ]
    if summary["rules"]:
        lines.append("rules applied: " + ", ".join(f"{k} x{v}" for k, v in summary["rules"].items()))
    d = summary["diagnostics"]
    lines.append(f"diagnostics: {_plural(d['error'], 'error')}, {_plural(d['warning'], 'warning')}, {d['info']} info")
    if summary["verify"]:
        lines.append("verification: " + ", ".join(f"{v} {k}" for k, v in sorted(summary["verify"].items())))
    if summary["internal_errors"]:
        lines.append(f"{_plural(summary['internal_errors'], 'internal error')}: please report them (see above)")
    return "\n".join(lines) + "\n"


def write_json_report(path: str, results: list[FileResult], summary: dict, argv: list[str] | None = None) -> None:
    data = {
        "tool": "kfn-gen",
        "version": __version__,
        "report_version": REPORT_VERSION,
        "argv": argv or [],
        "summary": summary,
        "files": [r.to_json() for r in results],
    }
    _write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def format_markdown(results: list[FileResult], summary: dict, check: bool = False, limit: int = 100) -> str:
    status = "would change" if check else "changed"
    ok = summary["failed"] == 0 and not (check and summary["changed"]) and all(
        v == 0 for k, v in summary["verify"].items() if k != "match")
    out = [f"## kfn-gen migrate {'✅' if ok else '❌'}", ""]
    out += ["| files | " + status + " | unchanged | failed | skipped | errors | warnings | edits |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {summary['migratable']} | {summary['changed']} | {summary['unchanged']} | {summary['failed']} | "
            f"{summary['skipped']} | {summary['diagnostics']['error']} | {summary['diagnostics']['warning']} | "
            f"{sum(summary['rules'].values())} |", ""]
    if summary["rules"]:
        out += ["### Rules applied", "", "| rule | count |", "|---|---:|"]
        out += [f"| `{_md_escape(k)}` | {v} |" for k, v in summary["rules"].items()]
        out.append("")
    failed = [r for r in results if r.status == "failed"]
    if failed:
        out += ["### Could not be processed", ""]
        for r in failed[:limit]:
            first = next((d for d in r.diagnostics if d.severity == "error"), None)
            out.append(f"- `{_md_escape(r.path)}`" + (f": {_md_escape(first.format())}" if first else ""))
        if len(failed) > limit:
            out.append(f"- ... and {len(failed) - limit} more")
        out.append("")
    changed = [r for r in results if r.status == "changed"]
    if changed:
        out += [f"### Files that {status}", ""]
        for r in changed[:limit]:
            v = f" (verify: {r.verify.get('status')})" if r.verify else ""
            out.append(f"- `{_md_escape(r.path)}`: {_plural(len(r.edits), 'edit')}{v}")
        if len(changed) > limit:
            out.append(f"- ... and {len(changed) - limit} more")
        out.append("")
    warned = [(r, d) for r in results for d in r.diagnostics if d.severity == "warning"]
    if warned:
        out += ["<details><summary>Warnings (" + str(len(warned)) + ")</summary>", "", "```"]
        out += [d.format() for _, d in warned[: limit * 5]]
        out += ["```", "</details>", ""]
    return "\n".join(out)


def write_markdown(path: str, results: list[FileResult], summary: dict, check: bool = False) -> None:
    # GITHUB_STEP_SUMMARY is appended to by every step: append rather than truncate.
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(format_markdown(results, summary, check) + "\n")


def _write_text(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    from kfn_gen.sourcefile import atomic_write

    atomic_write(path, text.encode("utf-8"))


class Progress:
    """A one-line progress indicator on a TTY; does nothing elsewhere (CI logs, pipes)."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.total = total
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"
        self.enabled = enabled and total > 1
        self._shown = False

    def update(self, done: int, path: str = "") -> None:
        if not self.enabled:
            return
        width = 24
        filled = int(width * done / max(self.total, 1))
        name = path if len(path) <= 50 else "..." + path[-47:]
        self.stream.write(f"\r\033[K[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} {name}")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False
