"""One subprocess per side (genuine Keras 2.2.4, Keras 3): spawned in the sandbox, its result read back.

Each side runs verify/worker/runner.py in the sandbox (verify/sandbox.py: scrubbed environment, limits,
network namespace, every leftover process killed) with a wall-clock limit; a batch runs many scripts in
one process per side.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sys

from kfn_gen.verify import sandbox
from kfn_gen.verify.options import VerifyOptions
from kfn_gen.verify.worker.standins import seed_cwd

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker", "runner.py")


def _tail(path: str, n: int = 4000) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - n))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _last_error_line(text: str) -> str:
    lines = [l for l in text.strip().splitlines() if l.strip() and not l.startswith((" ", "\t", "I0000", "W0000"))]
    return lines[-1][:300] if lines else ""


def _env(seed: int) -> dict:
    return {"TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg", "PYTHONHASHSEED": str(seed),
            "CUDA_VISIBLE_DEVICES": "-1", "KERAS_BACKEND": "tensorflow", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            # glibc gives every thread of TF's pools its own 64 MB malloc arena: address space that
            # counts against RLIMIT_AS without being used.  Two arenas keep the limit meaningful.
            "MALLOC_ARENA_MAX": "2"}


def cpu_seconds(timeout_s: float) -> int:
    """RLIMIT_CPU of a run: a backstop behind the wall-clock limit, for every core busy the whole time."""
    return int(timeout_s * (os.cpu_count() or 1)) + 60


def _spawn(side: str, spec: dict, work: str, cwd: str, timeout_s: float, memory_mb: int, seed: int,
           writable: tuple = ()):
    """Run the runner on spec (in the sandbox: it may write in work, cwd and writable only); return
    (returncode or None when timed out, stderr tail)."""
    spec_path = os.path.join(work, f"spec-{side}.json")
    spec = {**spec, "guard_log": os.path.join(work, f"guard-{side}.log")}
    with open(spec_path, "w") as fh:
        json.dump(spec, fh)
    stdout_path, stderr_path = os.path.join(work, f"{side}.stdout"), os.path.join(work, f"{side}.stderr")
    with open(stdout_path, "wb") as so, open(stderr_path, "wb") as se:
        run = sandbox.Run([sys.executable, RUNNER, spec_path], cwd, work, _env(seed), so, se, memory_mb,
                          cpu_seconds(timeout_s), name=side, writable=writable)
        rc = run.wait(timeout_s)
    return rc, _tail(stderr_path)


def _prepare_job(side: str, script: str, job_dir: str, reference=None, argv=None, data_dir=None,
                 flags: dict | None = None) -> dict:
    """The side's working directory: a copy of `data_dir` (--cwd: the files the script opens by relative
    path; each side gets its own copy, so a script that writes there changes neither the original nor the
    other side), the script, and the synthetic data files standins.CWD_FILES names."""
    cwd = os.path.join(job_dir, f"cwd-{side}")
    if data_dir:
        shutil.copytree(data_dir, cwd, dirs_exist_ok=True, symlinks=True,
                        ignore=shutil.ignore_patterns(".git", "__pycache__", ".venv", "venv", "node_modules"))
    os.makedirs(cwd, exist_ok=True)
    os.makedirs(os.path.join(job_dir, "out"), exist_ok=True)
    script_copy = os.path.join(cwd, os.path.basename(script))
    shutil.copyfile(script, script_copy)
    _seed_cwd(cwd, script)
    job = {"script": script_copy, "out_dir": os.path.join(job_dir, "out"), "cwd": cwd}
    if reference:
        job["reference_json"], job["reference_npz"] = reference
    if argv is not None:
        job["argv"] = list(argv)
    job.update({k: True for k, v in (flags or {}).items() if v})
    return job


def _flags(options: VerifyOptions) -> dict:
    """What the options ask of the runner beyond the script: VerifyOptions.own_weights, .save_models."""
    return {"own_weights": options.own_weights, "save_models": options.save_models}


def _seed_cwd(cwd: str, script: str):
    """Data the script opens from its cwd (fra-eng/fra.txt, glove.6B/, 20_newsgroup/ when its
    source names them): standins.CWD_FILES, the same synthetic bytes for both sides."""
    with open(script, encoding="utf-8", errors="replace") as fh:
        seed_cwd(cwd, fh.read())


def _read_result(side: str, job: dict, rc, err: str, timeout_s: float, memory_mb: int):
    result_path = os.path.join(job["out_dir"], f"{side}.json")
    if os.path.exists(result_path):
        with open(result_path) as fh:
            result = json.load(fh)
        if result.get("fatal"):
            return None, f"{side} side could not run: {result['fatal']}"
        return result, None
    if rc is None:
        return None, f"{side} side timed out after {timeout_s:g}s (wall-clock limit); process killed"
    if "bad_alloc" in err or "MemoryError" in err or "Cannot allocate memory" in err:
        return None, f"{side} side exceeded the memory limit of {memory_mb} MB ({_last_error_line(err)})"
    if rc < 0:
        name = signal.Signals(-rc).name if -rc in signal.Signals._value2member_map_ else str(-rc)
        return None, f"{side} side crashed: killed by {name}" + (f" ({_last_error_line(err)})" if err else "")
    return None, f"{side} side crashed with exit code {rc}: {_last_error_line(err) or 'no message'}"


def run_side(side: str, script: str, work: str, options: VerifyOptions, reference: tuple[str, str] | None = None,
             task: str = "compare", extra: dict | None = None):
    """Run one side on one script; return (result dict or None, reason when it failed).  options.legacy_dir
    is the installed Keras 2.2.4 and options.argv the command line as the scripts get it (script_argv).
    task "export": capture the Keras 3 models as data for the generator (worker/export.py); "load": the
    same for a saved .keras file instead of a script; "bench": time generated modules against their models
    (`extra`: modules, batches, rounds; bench/ only)."""
    timeout_s, memory_mb, seed = options.timeout_s, options.memory_mb, options.seed
    job = _prepare_job(side, script, work, reference, options.argv, options.cwd, _flags(options))
    spec = {"side": side, "legacy_dir": options.legacy_dir, "seed": seed, "batch": 4, **job}
    if task in ("export", "load"):
        spec["task"] = "export"
    if task == "bench":
        spec["task"] = "bench"
    spec.update(extra or {})
    if task == "load":
        spec["load"] = job["script"]
    rc, err = _spawn(side, spec, work, job["cwd"], timeout_s, memory_mb, seed, (job["out_dir"],))
    return _read_result(side, job, rc, err, timeout_s, memory_mb)


def run_side_batch(side: str, scripts: list, work: str, options: VerifyOptions, references=None):
    """Run one side on many scripts in as few processes as possible: one process runs them in order
    (Keras session cleared in between, per-script SIGALRM limit); when it dies or hangs, the script
    it was on gets its verdict from a process of its own and the rest continue in a new batch."""
    timeout_s, memory_mb, seed, legacy_dir = options.timeout_s, options.memory_mb, options.seed, options.legacy_dir
    jobs = [_prepare_job(side, s, os.path.join(work, f"job{i}"), references[i] if references else None, options.argv,
                         options.cwd, _flags(options))
            for i, s in enumerate(scripts)]
    out = [None] * len(jobs)
    todo = list(range(len(jobs)))
    n = 0
    while todo:
        n += 1
        progress = os.path.join(work, f"progress-{side}-{n}")
        spec = {"side": side, "legacy_dir": legacy_dir, "seed": seed, "batch": 4, "progress": progress,
                "jobs": [{**jobs[i], "timeout_s": int(max(1, timeout_s))} for i in todo]}
        bwork = os.path.join(work, f"batch-{side}-{n}")
        os.makedirs(bwork, exist_ok=True)
        budget = timeout_s * len(todo) + 60
        rc, err = _spawn(side, spec, bwork, bwork, budget, memory_mb, seed, (work,))
        done = []
        for i in todo:
            if os.path.exists(os.path.join(jobs[i]["out_dir"], f"{side}.json")):
                out[i] = _read_result(side, jobs[i], rc, err, timeout_s, memory_mb)
                done.append(i)
        rest = [i for i in todo if i not in done]
        if not rest:
            break
        culprit = rest[0]
        try:
            with open(progress) as fh:
                started = [int(x) for x in fh.read().split()]
            if started:
                culprit = todo[started[-1]]
        except (OSError, ValueError):
            pass
        # the culprit alone, in a process of its own: its own verdict (timeout, crash, memory)
        solo = os.path.join(work, f"solo-{side}-{culprit}")
        os.makedirs(solo, exist_ok=True)
        spec1 = {"side": side, "legacy_dir": legacy_dir, "seed": seed, "batch": 4, **jobs[culprit]}
        rc1, err1 = _spawn(side, spec1, solo, jobs[culprit]["cwd"], timeout_s, memory_mb, seed, (work,))
        out[culprit] = _read_result(side, jobs[culprit], rc1, err1, timeout_s, memory_mb)
        todo = [i for i in rest if i != culprit]
    return out
