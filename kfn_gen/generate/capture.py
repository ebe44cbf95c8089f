"""Capturing the models a script builds, by running its migration under Keras 3 in the verifier's sandbox
(same subprocess, limits, offline stand-ins and argv as `kfn-gen verify`), or by loading a .keras file there.

The result is data (verify/worker/export.py): each model's graph, configs and weights, with seeded inputs and
the model's own outputs on them, the reference every generated module is checked against."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field

import numpy as np

from kfn_gen.linemap import line_map
from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.sourcefile import SourceError, read_source
from kfn_gen.verify.options import VerifyOptions
from kfn_gen.verify.processes import run_side


class CaptureError(Exception):
    """The script could not be migrated or run at all; the message says why."""


@dataclass
class Captured:
    source: str  # the script or .keras file the models came from
    models: list[dict]  # export descriptions; a model that could not be exported has "error"
    arrays: dict[str, np.ndarray] = field(default_factory=dict)  # m<i>/w/<j>, /c/<k>, /in/<k>, /out/<k>
    script_errors: list[dict] = field(default_factory=list)  # statements that failed under Keras 3

    def weights(self, index: int) -> list[np.ndarray]:
        n = len(self.models[index]["weights"])
        return [self.arrays[f"m{index}/w/{j}"] for j in range(n)]

    def constants(self, index: int) -> list[np.ndarray]:
        n = len(self.models[index].get("constants", []))
        return [self.arrays[f"m{index}/c/{k}"] for k in range(n)]

    def reference(self, index: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(the seeded inputs, the model's outputs on them)."""
        return self._take(index, "in"), self._take(index, "out")

    def again(self, index: int) -> list[np.ndarray]:
        """A stateful model's outputs on a second call with the same inputs (empty for any other model)."""
        return self._take(index, "again")

    def _take(self, index: int, kind: str) -> list[np.ndarray]:
        out, k = [], 0
        while f"m{index}/{kind}/{k}" in self.arrays:
            out.append(self.arrays[f"m{index}/{kind}/{k}"])
            k += 1
        return out


def capture(path: str, options: VerifyOptions = VerifyOptions()) -> Captured:
    """The models of a legacy script (migrated first) or of a saved Keras 3 model (`.keras`)."""
    work = tempfile.mkdtemp(prefix="kfn-gen-generate-")
    try:
        if path.endswith(".keras"):
            result, reason = run_side("keras3", path, os.path.join(work, "run"), options, task="load")
        else:
            migrated = os.path.join(work, "migrated", os.path.basename(path))
            os.makedirs(os.path.dirname(migrated))
            original, code = migrate(path)
            with open(migrated, "w", encoding="utf-8") as fh:
                fh.write(code)
            result, reason = run_side("keras3", migrated, os.path.join(work, "run"), options, task="export")
            if result is not None:
                _to_original_lines(result, line_map(code, original))
        if result is None:
            raise CaptureError(reason)
        with np.load(os.path.join(work, "run", "out", "keras3.npz")) as npz:
            arrays = {k: npz[k] for k in npz.files}
        return Captured(path, result.get("models", []), arrays, result.get("errors", []))
    finally:
        if options.keep_dir:
            shutil.copytree(work, options.keep_dir, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


def migrate(path: str) -> tuple[str, str]:
    """(the script's text, its migration)."""
    try:
        text = read_source(path)
    except SourceError as exc:
        raise CaptureError(exc.diagnostic.format()) from None
    result = migrate_source(text, path)
    if result.code is None:
        raise CaptureError("; ".join(d.format() for d in result.diagnostics if d.severity == "error")
                           or f"{path}: could not be migrated")
    return text, result.code


def _to_original_lines(result: dict, lines: dict) -> None:
    """Lines the sandbox saw in the migration (a custom layer's class, a failing statement), as the user's."""
    def graph(g):
        for layer in g.get("layers", {}).values():
            where = layer.get("defined_at")
            if where and ":" in where:
                name, line = where.rsplit(":", 1)
                mapped = lines.get(int(line)) if line.isdigit() else None
                layer["defined_at"] = f"{name}:{mapped}" if mapped else name
            function(layer.get("function") or {})
            if "graph" in layer:
                graph(layer["graph"])

    def function(fn):
        if isinstance(fn.get("line"), int) and fn.get("source"):
            span = range(fn["line"], fn["line"] + fn["source"].count("\n") + 1)
            fn["line_map"] = {str(k): lines[k] for k in span if lines.get(k)}
        for called in (fn.get("functions") or {}).values():
            function(called)
    for m in result.get("models", []):
        if "graph" in m:
            graph(m["graph"])
    for e in result.get("errors", []):
        if isinstance(e.get("line"), int):
            e["line"] = lines.get(e["line"]) or e["line"]
