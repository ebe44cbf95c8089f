"""Generate one tf-function module per captured model, and check each against the model it came from."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass

import numpy as np

from kfn_gen.generate.capture import CaptureError, Captured, capture
from kfn_gen.render.captured import render_model
from kfn_gen.render.keras3_layers import GenError
from kfn_gen.verify import sandbox
from kfn_gen.verify.options import VerifyOptions
from kfn_gen.verify.processes import cpu_seconds

CHECKER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "verify", "worker",
                       "check_module.py")
ATOL = VerifyOptions.atol


@dataclass
class ModelModule:
    index: int
    var: str | None
    name: str
    cls: str
    code: str | None = None
    class_name: str | None = None
    n_weights: int = 0
    error: str | None = None  # why no module (export or render), or why the check failed to run
    max_abs_diff: float | None = None  # generated module vs the Keras 3 model, on the captured inputs
    saved_model_max_abs_diff: float | None = None  # the same after a SavedModel round trip
    atol: float = ATOL  # the verifier's tolerance (VerifyOptions.atol, --atol)

    @property
    def label(self) -> str:
        return f"{self.cls} `{self.var or self.name}`"

    @property
    def matches(self) -> bool:
        return self.error is None and self.max_abs_diff is not None and self.max_abs_diff <= self.atol and \
            (self.saved_model_max_abs_diff is None or self.saved_model_max_abs_diff <= self.atol)


def generate(path: str, options: VerifyOptions = VerifyOptions(), jit: bool = False, check: bool = True,
             saved_model: bool | str = True, only: str | None = None,
             last: bool = False) -> tuple[Captured, list[ModelModule]]:
    """Capture the models of `path`, render each (or only the one whose variable or name is `only`), and
    with `check` run each module against its model, after a SavedModel round trip too with `saved_model`
    (True, or the directory to write it to).  `last`: only the last model the script built."""
    captured = capture(path, options)
    out = []
    for i, m in enumerate(captured.models):
        mm = ModelModule(i, m.get("var"), m.get("name", "?"), m.get("class", "?"), atol=options.atol)
        if (only is not None and only not in (mm.var, mm.name)) or (last and only is None
                                                                     and i != len(captured.models) - 1):
            continue
        out.append(mm)
        if m.get("error"):
            mm.error = m["error"]
            continue
        try:
            gen = render_model(m, path, jit)
        except GenError as exc:
            mm.error = str(exc)
            continue
        except Exception as exc:  # noqa: BLE001 - a renderer bug must not hide the other models
            mm.error = f"internal error while rendering ({type(exc).__name__}: {exc}); please report"
            continue
        mm.code, mm.class_name, mm.n_weights = gen.code, gen.class_name, gen.n_weights
    if check:
        check_modules(out, captured, options, saved_model)
    if only is not None and not out:
        known = ", ".join(f"{m.get('var') or m.get('name')}" for m in captured.models) or "none"
        raise CaptureError(f"{path}: no model named {only!r}; models: {known}")
    return captured, out


def write_weights(path: str, captured: Captured, index: int) -> None:
    """The captured weights as .npz (w/0, w/1, ...; constants c/0, ...), which the module's from_file() reads."""
    np.savez(path, **{f"w/{j}": w for j, w in enumerate(captured.weights(index))},
             **{f"c/{k}": c for k, c in enumerate(captured.constants(index))})


def check_module(mm: ModelModule, captured: Captured, options: VerifyOptions, saved_model: bool | str) -> None:
    check_modules([mm], captured, options, saved_model)


def check_modules(mms: list[ModelModule], captured: Captured, options: VerifyOptions,
                  saved_model: bool | str) -> None:
    """Run each module on its captured inputs, all in one subprocess (TensorFlow only, booted once);
    `saved_model`: True to round-trip through a temporary SavedModel too, or the directory to write it to
    (one module then)."""
    mms = [m for m in mms if m.code is not None]
    if not mms:
        return
    with tempfile.TemporaryDirectory(prefix="kfn-gen-check-") as work:
        jobs = []
        for mm in mms:
            module = os.path.join(work, f"generated_module_{mm.index}.py")
            with open(module, "w", encoding="utf-8") as fh:
                fh.write(mm.code)
            xs, ys = captured.reference(mm.index)
            case = os.path.join(work, f"case_{mm.index}.npz")
            np.savez(case, **{f"w/{j}": w for j, w in enumerate(captured.weights(mm.index))},
                     **{f"c/{k}": c for k, c in enumerate(captured.constants(mm.index))},
                     **{f"in/{k}": x for k, x in enumerate(xs)}, **{f"out/{k}": y for k, y in enumerate(ys)},
                     **{f"again/{k}": y for k, y in enumerate(captured.again(mm.index))})
            sm = (os.path.abspath(saved_model) if isinstance(saved_model, str)
                  else os.path.join(work, f"saved_model_{mm.index}") if saved_model else None)
            jobs.append({"index": mm.index, "module": module, "class": mm.class_name, "case": case,
                         "saved_model": sm})
        with open(os.path.join(work, "jobs.json"), "w") as fh:
            json.dump(jobs, fh)
        timeout = options.timeout_s + 60 * len(jobs)
        out_path, err_path = os.path.join(work, "check.stdout"), os.path.join(work, "check.stderr")
        with open(out_path, "wb") as so, open(err_path, "wb") as se:
            # the modules hold code rendered from the script's own Lambdas: they run in the sandbox too
            run = sandbox.Run([sys.executable, CHECKER, os.path.join(work, "jobs.json")], work, work,
                              {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}, so, se, options.memory_mb,
                              cpu_seconds(timeout), name="check",
                              writable=tuple(os.path.dirname(j["saved_model"]) for j in jobs if j["saved_model"]))
            rc = run.wait(timeout)
        if rc is None:
            for mm in mms:
                mm.error = f"checking the modules timed out after {timeout:g}s"
            return
        with open(out_path, encoding="utf-8", errors="replace") as fh:
            stdout = fh.read()
        with open(err_path, encoding="utf-8", errors="replace") as fh:
            stderr = fh.read()
        results = {}
        for line in stdout.splitlines():
            if line.startswith("{"):
                r = json.loads(line)
                results[r.pop("index")] = r
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        for mm in mms:
            r = results.get(mm.index)
            if r is None:
                mm.error = f"the generated module failed to run: {tail[:300]}"
                continue
            mm.max_abs_diff = r.get("max_abs_diff")
            mm.saved_model_max_abs_diff = r.get("saved_model_max_abs_diff")
            if r.get("error"):
                mm.error = r["error"]
