"""verify_pair / verify_many: install the oracle, run each side, compare, give the verdict."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import replace

import numpy as np

from kfn_gen.verify.oracle import LegacyRuntimeError, ensure_legacy_keras
from kfn_gen.verify.compare import GRAD_RTOL, compare
from kfn_gen.verify.options import VerifyOptions, script_argv
from kfn_gen.verify import sandbox
from kfn_gen.verify.processes import cpu_seconds, run_side, run_side_batch
from kfn_gen.verify.report import ScriptError, VerifyReport
from kfn_gen.verify.verdict import _map_to_original, _new_errors, _note_random_standin, _overall, _standins, coverage


def verify_pair(old_path: str, new_path: str, options: VerifyOptions | None = None, **overrides) -> VerifyReport:
    """Run OLD under genuine Keras 2.2.4 and NEW under Keras 3; compare every model they build.

    A model matches when its structure (parameter count, output shapes, weight shapes) agrees and
    every output on seeded inputs, with the legacy weights copied in, is within
    ``atol + rtol*|legacy|``; with check_training (default) also the loss gradient and two
    optimizer steps fed the same gradients (see compare._compare_train_step).  With check_training=False,
    training differences are reported as notes only.  `options` (VerifyOptions; keyword overrides such as
    timeout_s=60 are applied to it) says what each side's subprocess may do: its limits, the scripts'
    command line (an argument naming an existing file relative to the current directory is made absolute,
    since the scripts run in a temp directory; without argv, argparse scripts get synthetic arguments and
    placeholder files, verify/worker/scriptenv.py), and where to keep the work directory.
    """
    return verify_many([(old_path, new_path)], options, batch=False, **overrides)[0]


def _sandbox(held: dict, *results) -> dict:
    """What the sandbox held the runs to here, and what it refused them (side, script line, what)."""
    blocked = [f"{'keras 2.2.4' if r.get('side') == 'legacy' else 'keras 3'} {b}" for r in results if r
               for b in r.get("blocked") or ()]
    return {**held, "blocked": blocked}


def verify_many(pairs, options: VerifyOptions | None = None, batch: bool = True, **overrides) -> list[VerifyReport]:
    """verify_pair over many (old, new) pairs.  With batch=True, each side runs its scripts in ONE
    process (TensorFlow and Keras boot once per side instead of once per script; Keras session
    cleared between scripts); a script that hangs, crashes or exhausts memory is re-run alone
    for its verdict and the others go on.  Same verdicts as verify_pair, pair by pair."""
    options = replace(options or VerifyOptions(), **overrides)
    atol, rtol, check_training = options.atol, options.rtol, options.check_training
    pairs = [(str(o), str(n)) for o, n in pairs]
    tol = {"atol": atol, "rtol": rtol, "grad_rtol": GRAD_RTOL, "check_training": check_training}
    reports: list[VerifyReport | None] = [None] * len(pairs)
    timings = [dict() for _ in pairs]

    held = sandbox.describe(options.memory_mb, cpu_seconds(options.timeout_s))

    def error(i, reason, errs=(), *results):
        return VerifyReport(pairs[i][0], pairs[i][1], "error", reason=reason, script_errors=tuple(errs),
                            timings=timings[i], tolerance=tol, sandbox=_sandbox(held, *results))

    for i, (o, n) in enumerate(pairs):
        for p in (o, n):
            if not os.path.isfile(p):
                reports[i] = error(i, f"no such file: {p}")
    t0 = time.perf_counter()
    try:
        ldir = ensure_legacy_keras(options.legacy_dir)
    except LegacyRuntimeError as exc:
        return [r or error(i, str(exc)) for i, r in enumerate(reports)]
    for t in timings:
        t["legacy_runtime"] = time.perf_counter() - t0
    work = tempfile.mkdtemp(prefix="kfn-gen-verify-")
    try:
        todo = [i for i, r in enumerate(reports) if r is None]
        argv = script_argv(options.argv)
        side_options = replace(options, legacy_dir=ldir, argv=None if argv is None else tuple(argv))
        dirs = {i: (work if (not batch and len(pairs) == 1) else os.path.join(work, f"pair{i}")) for i in todo}
        t1 = time.perf_counter()
        if batch:
            bdir = os.path.join(work, "legacy-batch")
            os.makedirs(bdir, exist_ok=True)
            lres = run_side_batch("legacy", [pairs[i][0] for i in todo], bdir, side_options)
            # run_side_batch keeps its files under bdir/job<k>; point each pair at them
            for k, i in enumerate(todo):
                dirs[i] = os.path.join(bdir, f"job{k}")
        else:
            lres = []
            for i in todo:
                os.makedirs(dirs[i], exist_ok=True)
                lres.append(run_side("legacy", pairs[i][0], dirs[i], side_options))
        lsec = (time.perf_counter() - t1) / max(1, len(todo))
        legacy_ok = {}
        for k, i in enumerate(todo):
            timings[i]["legacy"] = lsec
            legacy, reason = lres[k]
            if legacy is None:
                reports[i] = error(i, reason)
                continue
            lerrs = [ScriptError("keras 2.2.4", e["line"], e["type"], e["message"], e.get("stmt_line")) for e in legacy["errors"]]
            if not legacy["models"]:
                ex = legacy.get("exited_at")
                tail = f" (it exited at line {ex['line']} with code {ex['code']})" if ex else ""
                reports[i] = error(i, "the legacy script built no Keras model" + tail, lerrs, legacy)
                continue
            legacy_ok[i] = (legacy, lerrs)
        todo2 = list(legacy_ok)
        refs = [(os.path.join(dirs[i], "out", "legacy.json"), os.path.join(dirs[i], "out", "legacy.npz"))
                for i in todo2]
        t2 = time.perf_counter()
        if batch and todo2:
            mdir = os.path.join(work, "keras3-batch")
            os.makedirs(mdir, exist_ok=True)
            mres = run_side_batch("keras3", [pairs[i][1] for i in todo2], mdir, side_options, references=refs)
            mdirs = {i: os.path.join(mdir, f"job{k}") for k, i in enumerate(todo2)}
        else:
            mres = [run_side("keras3", pairs[i][1], dirs[i], side_options, reference=refs[k]) for k, i in enumerate(todo2)]
            mdirs = {i: dirs[i] for i in todo2}
        msec = (time.perf_counter() - t2) / max(1, len(todo2))
        for k, i in enumerate(todo2):
            timings[i]["migrated"] = msec
            legacy, lerrs = legacy_ok[i]
            migrated, reason = mres[k]
            if migrated is None:
                reports[i] = error(i, reason, lerrs, legacy)
                continue
            merrs = [ScriptError("keras 3", e["line"], e["type"], e["message"], e.get("stmt_line")) for e in migrated["errors"]]
            try:
                with np.load(refs[k][1]) as la, np.load(os.path.join(mdirs[i], "out", "keras3.npz")) as ma:
                    entries = compare(legacy, migrated, la, ma, atol=atol, rtol=rtol, check_training=check_training)
            except Exception as exc:  # noqa: BLE001 - a verifier bug must not look like a verdict
                reports[i] = error(i, f"internal error while comparing: {type(exc).__name__}: {exc}", lerrs + merrs,
                                   legacy, migrated)
                continue
            entries = _note_random_standin(entries, legacy, migrated)
            mapped = _map_to_original(merrs, pairs[i][0], pairs[i][1])
            new_errs = _new_errors(lerrs, mapped)
            cov = coverage(legacy, lerrs, mapped)
            status, reason = _overall(entries, new_errs, len(migrated["models"]), cov)
            reports[i] = VerifyReport(pairs[i][0], pairs[i][1], status, tuple(entries), reason, tuple(lerrs + merrs),
                                      timings[i], tol, standins=_standins(legacy, migrated), coverage=cov,
                                      sandbox=_sandbox(held, legacy, migrated))
        return reports
    finally:
        if options.keep_dir:
            shutil.copytree(work, options.keep_dir, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)
