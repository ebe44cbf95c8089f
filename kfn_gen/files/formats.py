"""How `kfn-gen migrate` prints its findings: `--output-format full|concise|json|github|sarif`.

full     `path:line:col: severity: message [rule]` on stderr, edits (info) included (the default)
concise  `path:line:col: CODE message` on stderr, findings only (warnings and errors; no edits)
json     one JSON array on stdout at the end: every finding with its code, kind and end position
github   GitHub workflow commands on stdout (`::warning file=...,line=...::message`), annotations on the
         lines of a pull request: warnings and errors as such, edits as notices
sarif    one SARIF 2.1.0 log on stdout at the end, with the rules' metadata (code, name, description), for
         code scanning

`codes` maps rule names to KFN codes (the registry); findings of the front end (parse, io, encoding) have
no code and keep their name.
"""
from __future__ import annotations

import json
import os

from kfn_gen import __version__
from kfn_gen.diagnostics import Diagnostic

FORMATS = ("full", "concise", "json", "github", "sarif")
AT_END = {"json", "sarif"}  # written to stdout once every file is done
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
KIND = {"info": "fixed", "warning": "needs a hand change", "error": "not migrated"}


class Printer:
    def __init__(self, fmt: str, rules: list, quiet: bool, err, out):
        """rules: the registry (objects with code, name, description); err/out: functions writing a line."""
        self.fmt, self.quiet, self.err, self.out = fmt, quiet, err, out
        self.rules = {r.name: r for r in rules}
        self.collected: list[Diagnostic] = []

    def code(self, d: Diagnostic) -> str:
        rule = self.rules.get(d.rule)
        return rule.code if rule is not None else d.rule or "kfn-gen"

    def emit(self, diags) -> None:
        for d in diags:
            if self.fmt in AT_END:
                self.collected.append(d)
            elif self.fmt == "full":
                if not (self.quiet and d.severity == "info"):
                    self.err(d.format())
                    if d.rule == "parse" and d.severity == "error":
                        for line in caret(d):
                            self.err(line)
            elif self.fmt == "concise":
                if d.severity != "info":
                    self.err(f"{d.path}:{d.line}:{d.col}: {self.code(d)} {d.message}")
            elif self.fmt == "github":
                if not (self.quiet and d.severity == "info"):
                    self.out(github_line(d, self.code(d)))

    def finish(self) -> None:
        if self.fmt == "json":
            self.out(json.dumps([dict(d.to_json(), code=self.code(d), kind=KIND.get(d.severity, d.severity))
                                 for d in self.collected], indent=1))
        elif self.fmt == "sarif":
            self.out(json.dumps(sarif(self.collected, list(self.rules.values()), self.code), indent=1))


def caret(d: Diagnostic) -> list[str]:
    """The line a syntax error is on, and a caret under its column (as Python shows it)."""
    try:
        with open(d.path, encoding="utf-8", errors="replace") as fh:
            for number, text in enumerate(fh, 1):
                if number == d.line:
                    text = text.rstrip("\r\n").expandtabs(1)
                    return [f"    {text}", "    " + " " * max(d.col - 1, 0) + "^"]
    except OSError:
        pass
    return []


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(d: Diagnostic, code: str) -> str:
    """`::warning file=a.py,line=3,col=5,endLine=3,endColumn=12,title=kfn-gen KFN005::message`."""
    command = {"error": "error", "warning": "warning"}.get(d.severity, "notice")
    props = [f"file={_escape_property(d.path)}", f"line={d.line}", f"col={d.col}"]
    if d.end_line is not None:
        props += [f"endLine={d.end_line}", f"endColumn={d.end_col}"]
    props.append(f"title={_escape_property(f'kfn-gen {code} ({d.rule})' if d.rule else 'kfn-gen')}")
    return f"::{command} {','.join(props)}::{_escape_data(d.message)}"


def sarif(diags: list[Diagnostic], rules: list, code_of) -> dict:
    """A SARIF 2.1.0 log: one run, kfn-gen's rules as reportingDescriptors, one result per finding."""
    descriptors = [{"id": r.code, "name": r.name, "shortDescription": {"text": r.description},
                    "properties": {"changesNumbers": bool(getattr(r, "numeric", False))}} for r in rules]
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for d in diags:
        code = code_of(d)
        region = {"startLine": max(d.line, 1), "startColumn": max(d.col, 1)}
        if d.end_line is not None:
            region.update(endLine=d.end_line, endColumn=max(d.end_col or 1, 1))
        result = {"ruleId": code, "level": {"error": "error", "warning": "warning"}.get(d.severity, "note"),
                  "kind": "fail" if d.severity != "info" else "informational",
                  "message": {"text": d.message},
                  "locations": [{"physicalLocation": {
                      "artifactLocation": {"uri": _uri(d.path)}, "region": region}}]}
        if code in index:
            result["ruleIndex"] = index[code]
        results.append(result)
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "kfn-gen", "version": __version__,
                                          "informationUri": "https://github.com/kfn-gen/kfn-gen",
                                          "rules": descriptors}},
                      "results": results}]}


def _uri(path: str) -> str:
    """A relative path with forward slashes (code scanning resolves it against the checkout); a notebook
    cell location (`nb.ipynb:cell 3`) points at the notebook."""
    path = path.split(":cell ")[0]
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return rel.replace(os.sep, "/")
