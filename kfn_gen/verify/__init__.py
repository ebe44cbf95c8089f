"""Verify a migration by executing both sides: genuine Keras 2.2.4 vs Keras 3.

Approach (issue 3): **model capture by execution with offline stand-ins**, one subprocess per side.

1. ``kfn_gen.verify.oracle`` locates or installs Keras 2.2.4 (pinned, ``--no-deps --target``
   into a user cache dir, flock + atomic rename).
2. ``kfn_gen/verify/worker/runner.py`` runs the legacy script under Keras 2.2.4 (booted on
   ``tf.compat.v1`` by ``kfn_gen.verify.worker.shim224``), then the migrated script under Keras 3, each in
   its own process (the two Keras never share a process), with cwd in a fresh temp dir, an
   ``RLIMIT_AS`` memory limit (TF 2.21 + Keras peak at ~2.1 GB of address space, ~0.55 GB RSS for
   a small model, so limits below ~2000 MB fail at ``import tensorflow``; default 6000 MB) and a
   wall-clock limit per side enforced by killing the process group.
3. The runner executes the script statement by statement with stand-ins for datasets
   (seeded random arrays of the real shapes), ``get_file`` (synthetic stand-ins of the files keras
   examples download, else an offline error; the data files some scripts open from the cwd are
   written there, the same bytes for both sides: ``kfn_gen.verify.worker.standins``), ``time.sleep``
   and training calls (``fit``/``evaluate``/``train_on_batch``... are argument-checked against
   the real signature and skipped; ``predict`` runs on <= 8 rows), and captures every model
   constructed, in creation order.  Command lines, placeholder input files, optional
   modules and ImageNet weights are stood in by ``kfn_gen/verify/worker/scriptenv.py`` (listed in the
   report as ``stand-in:`` lines).  See the runner's docstring for details.
4. Legacy side: seeded inputs (integers in range for the Embedding an input feeds), inference
   outputs, per-layer weights, and the trainable weights after ONE optimizer step on a seeded
   batch (learning phase 0, so Dropout is off on both sides; learning phase 1 for a model with
   BatchNormalization and nothing random, see runner.training_mode) go to an ``.npz``.
   Keras 3 side: models are paired by creation order (by variable name when the counts
   differ), leaf layers by position after dropping ``InputLayer`` (nested models are walked);
   legacy weights are copied in, the same inputs predicted, the same optimizer step taken.
5. This process compares the arrays with numpy (``|legacy - migrated| <= atol + rtol*|legacy|``)
   and names the likely cause of a difference from what the runners recorded: activation
   functions probed numerically on both sides (hard_sigmoid vs sigmoid), GRU ``reset_after``,
   optimizer learning rate / decay / epsilon / clipnorm / Adagrad accumulator.

``verify_many`` does the same for many pairs with one process per side (TensorFlow boots twice in
all, not twice per pair; scripts run one after another with the Keras session cleared and a
per-script SIGALRM limit; a script that kills its process is re-run alone for its verdict).

oneDNN is left at TF's default (on): with it off, Eigen's convolution materialises im2col patches
(a VGG tower over 100 frames of 224x224 needed > 16 GB); both sides use the same kernels either way.

Importing this module never imports TensorFlow or Keras.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from kfn_gen.verify.oracle import LegacyRuntimeError, ensure_legacy_keras
from kfn_gen.verify.worker.standins import seed_cwd
from kfn_gen.linemap import line_map as _line_map

# what verify/worker/runner.py's install_random_standin does, for the report
RANDOM_STANDIN = ("the same deterministic stand-in replaced random draws on both sides (Keras 2.2.4 "
                  "K.random_normal/random_uniform/truncated_normal, Keras 3 keras.random.normal/uniform/"
                  "truncated_normal): outputs that depend on them are compared as functions of that "
                  "stand-in noise, not of real random numbers")
RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker", "runner.py")
PROBE_X = np.array([-4.0, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0], dtype=np.float64)
STATUSES = ("match", "differ", "error", "partial")
# `kfn-gen verify` exit codes; partial: every model that ran matched, but part of the script ran on neither side
EXIT_CODES = {"match": 0, "differ": 1, "error": 2, "partial": 3}
# import name -> the package that installs it, for the causes a partial verdict names
PIP_NAMES = {"sklearn": "scikit-learn", "cv2": "opencv-python", "PIL": "pillow", "yaml": "pyyaml",
             "skimage": "scikit-image", "pydot": "pydot", "graphviz": "graphviz"}
GRAD_RTOL = 1e-3  # loss gradients: max |g_legacy - g_migrated| / max |g_legacy| per weight
GRAD_FLOOR = 1e-3  # ... where max |g_legacy| is at least GRAD_FLOOR x the model's largest gradient


# --------------------------------------------------------------------------- report objects
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


# --------------------------------------------------------------------------- subprocesses
def _limit_memory(memory_mb: int):
    def apply():
        os.setsid()
        lim = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


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
    env = dict(os.environ)
    env.update({"TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg", "PYTHONHASHSEED": str(seed),
                "CUDA_VISIBLE_DEVICES": "-1", "KERAS_BACKEND": "tensorflow", "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONUNBUFFERED": "1",
                # glibc gives every thread of TF's pools its own 64 MB malloc arena: address space that
                # counts against RLIMIT_AS without being used.  Two arenas keep the limit meaningful.
                "MALLOC_ARENA_MAX": "2"})
    env.pop("PYTHONSTARTUP", None)
    return env


def _spawn(side: str, spec: dict, work: str, cwd: str, timeout_s: float, memory_mb: int, seed: int):
    """Run the runner on spec; return (returncode or None when timed out, stderr tail)."""
    spec_path = os.path.join(work, f"spec-{side}.json")
    with open(spec_path, "w") as fh:
        json.dump(spec, fh)
    stdout_path, stderr_path = os.path.join(work, f"{side}.stdout"), os.path.join(work, f"{side}.stderr")
    with open(stdout_path, "wb") as so, open(stderr_path, "wb") as se:
        proc = subprocess.Popen([sys.executable, RUNNER, spec_path], cwd=cwd, env=_env(seed), stdin=subprocess.DEVNULL,
                                stdout=so, stderr=se, preexec_fn=_limit_memory(memory_mb))
        try:
            rc = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            rc = None
        finally:
            _kill_group(proc)  # on timeout, and leftovers the script spawned
    return rc, _tail(stderr_path)


def _prepare_job(side: str, script: str, job_dir: str, reference=None, argv=None) -> dict:
    cwd = os.path.join(job_dir, f"cwd-{side}")
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
    return job


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


def run_side(side: str, script: str, work: str, *, legacy_dir: str | None, timeout_s: float, memory_mb: int,
             seed: int, reference: tuple[str, str] | None = None, argv=None):
    """Run one side on one script; return (result dict or None, reason when it failed)."""
    job = _prepare_job(side, script, work, reference, argv)
    spec = {"side": side, "legacy_dir": legacy_dir, "seed": seed, "batch": 4, **job}
    rc, err = _spawn(side, spec, work, job["cwd"], timeout_s, memory_mb, seed)
    return _read_result(side, job, rc, err, timeout_s, memory_mb)


def run_side_batch(side: str, scripts: list, work: str, *, legacy_dir: str | None, timeout_s: float, memory_mb: int,
                   seed: int, references=None, argv=None):
    """Run one side on many scripts in as few processes as possible: one process runs them in order
    (Keras session cleared in between, per-script SIGALRM limit); when it dies or hangs, the script
    it was on gets its verdict from a process of its own and the rest continue in a new batch."""
    jobs = [_prepare_job(side, s, os.path.join(work, f"job{i}"), references[i] if references else None, argv)
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
        rc, err = _spawn(side, spec, bwork, bwork, budget, memory_mb, seed)
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
        rc1, err1 = _spawn(side, spec1, solo, jobs[culprit]["cwd"], timeout_s, memory_mb, seed)
        out[culprit] = _read_result(side, jobs[culprit], rc1, err1, timeout_s, memory_mb)
        todo = [i for i in rest if i != culprit]
    return out


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


# --------------------------------------------------------------------------- comparison
def _reference_functions():
    x = PROBE_X
    sig = 1 / (1 + np.exp(-x))
    return {
        "hard_sigmoid (Keras 2.2.4 definition clip(0.2x+0.5, 0, 1))": np.clip(0.2 * x + 0.5, 0, 1),
        "hard_sigmoid (Keras 3 definition relu6(x+3)/6)": np.clip(x + 3, 0, 6) / 6,
        "sigmoid": sig,
        "tanh": np.tanh(x),
        "relu": np.maximum(x, 0),
        "linear": x,
        "softsign": x / (1 + np.abs(x)),
        "softplus": np.log1p(np.exp(x)),
        "elu": np.where(x > 0, x, np.exp(x) - 1),
        "selu": 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1)),
    }


def identify_activation(values) -> str:
    v = np.asarray(values, dtype=np.float64)
    for name, ref in _reference_functions().items():
        if v.shape == ref.shape and np.max(np.abs(v - ref)) < 1e-4:
            return name
    return "an unrecognised function"


def _lr(cfg: dict):
    v = cfg.get("learning_rate", cfg.get("lr"))
    return v


def likely_causes(lm: dict, mm: dict | None, train_differs: bool) -> list[str]:
    causes = []
    if mm:
        for ll, ml in zip(lm.get("layers", []), mm.get("layers", [])):
            lp, mp = ll.get("probes", {}), ml.get("probes", {})
            for attr in ("recurrent_activation", "activation"):
                if attr in lp and attr in mp:
                    a, b = np.asarray(lp[attr]), np.asarray(mp[attr])
                    if a.shape == b.shape and np.max(np.abs(a - b)) > 1e-4:
                        msg = (f"layer {ml['path']} {ml['class']} '{ml['name']}': {attr} computes "
                               f"{identify_activation(a)} in Keras 2.2.4 but {identify_activation(b)} in the migration")
                        if attr == "recurrent_activation":
                            msg += (" (2.2.4 LSTM/GRU default recurrent_activation='hard_sigmoid'; Keras 3 defaults "
                                    "to 'sigmoid' and its 'hard_sigmoid' is relu6(x+3)/6: pass a function computing "
                                    "clip(0.2x+0.5, 0, 1))")
                        causes.append(msg)
            lc, mc = ll.get("config", {}), ml.get("config", {})
            if "reset_after" in lc and "reset_after" in mc and lc["reset_after"] != mc["reset_after"]:
                causes.append(f"layer {ml['path']} GRU '{ml['name']}': reset_after={mc['reset_after']} in the "
                              f"migration but {lc['reset_after']} in Keras 2.2.4 (Keras 3 default is True): "
                              "pass reset_after=False")
    if train_differs and mm and (mm.get("train_step") or {}).get("not_trainable_in_migration"):
        causes.append("weights the Keras 2.2.4 optimizer trains are not trained in the migration: 2.2.4 fixes "
                      "trainability at compile() (a later `layer.trainable = False` only affects models compiled "
                      "after it, e.g. a GAN's combined model); Keras 3 takes the trainable weights when the model "
                      "first trains after compile()")
    if train_differs and mm:
        lo, mo = lm.get("optimizer") or {}, mm.get("optimizer") or {}
        lcfg, mcfg = lo.get("config", {}), mo.get("config", {})
        cls = lo.get("class", "?")
        l_lr, m_lr = _lr(lcfg), _lr(mcfg)
        if isinstance(l_lr, (int, float)) and isinstance(m_lr, (int, float)) and not np.isclose(l_lr, m_lr, rtol=1e-6):
            causes.append(f"optimizer {cls}: learning rate {l_lr:g} in Keras 2.2.4 but {m_lr:g} in the migration "
                          "(Keras 3 changed the defaults of Adagrad/Adadelta/Adamax/Nadam, also for string names)")
        decay = lcfg.get("decay") or 0
        if decay and not isinstance(m_lr, dict):
            causes.append(f"optimizer {cls}: decay={decay:g} in Keras 2.2.4 is ignored by Keras 3; use "
                          f"InverseTimeDecay(lr, decay_steps=1, decay_rate={decay:g})")
        if lcfg.get("clipnorm") and not mcfg.get("global_clipnorm"):
            causes.append(f"optimizer {cls}: clipnorm={lcfg['clipnorm']} is one global norm in Keras 2.2.4 but "
                          "per-gradient in Keras 3: use global_clipnorm")
        le, me = lcfg.get("epsilon"), mcfg.get("epsilon")
        if isinstance(le, (int, float)) and isinstance(me, (int, float)) and not np.isclose(le, me):
            causes.append(f"optimizer {cls}: epsilon {le:g} in Keras 2.2.4 but {me:g} in the migration")
        if cls in ("RMSprop", "Adagrad"):
            causes.append(f"optimizer {cls}: Keras 2.2.4 computes lr*g/(sqrt(v)+eps), Keras 3 lr*g/sqrt(v+eps)")
        if cls == "Adagrad" and mcfg.get("initial_accumulator_value", 0):
            causes.append("optimizer Adagrad: Keras 3 starts the accumulator at initial_accumulator_value="
                          f"{mcfg['initial_accumulator_value']}, Keras 2.2.4 at 0")
        if mo and lo and mo.get("class") != cls:
            causes.append(f"optimizer class {cls} in Keras 2.2.4 but {mo.get('class')} in the migration")
    return causes


def _diff(a: np.ndarray, b: np.ndarray, atol: float, rtol: float):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return None, None, False
    if a.size == 0:
        return 0.0, 0.0, True
    d = np.abs(a - b)
    nan_mismatch = bool(np.any(np.isnan(a) != np.isnan(b)))
    d = np.where(np.isnan(a) & np.isnan(b), 0.0, d)
    max_abs = float(np.nanmax(d)) if not nan_mismatch else float("inf")
    max_rel = float(np.nanmax(d / np.maximum(np.abs(a), 1e-6))) if not nan_mismatch else float("inf")
    ok = (not nan_mismatch) and bool(np.all(d <= atol + rtol * np.abs(a)))
    return max_abs, max_rel, ok


def _classes(m: dict | None) -> tuple[str, ...]:
    return tuple(l["class"] for l in (m or {}).get("layers", []))


def compare(legacy: dict, migrated: dict, la, ma, *, atol: float, rtol: float,
            check_training: bool = True) -> list[ModelEntry]:
    entries = []
    pairs = migrated.get("pairs", [])
    for li, lm in enumerate(legacy["models"]):
        mi = pairs[li] if li < len(pairs) else None
        mm = migrated["models"][mi] if mi is not None else None
        name = lm["name"]
        key = f"m{li}"
        problems, notes = [], []
        if lm.get("synthesized"):
            notes.append(f"the script builds no Model: compared the layer graph from its Input variables "
                         f"({', '.join(lm['synthesized']['inputs'])}) to the tensor variable "
                         f"{lm['synthesized']['output']}")
        base = dict(name=name, legacy_layers=_classes(lm), migrated_layers=_classes(mm),
                    legacy_params=lm.get("params"), migrated_params=(mm or {}).get("params"),
                    legacy_output_shape=_tuplify(lm.get("output_shape")),
                    migrated_output_shape=_tuplify((mm or {}).get("output_shape")))
        if lm.get("predict_error"):
            entries.append(ModelEntry(status="error", problems=(f"Keras 2.2.4 could not predict: "
                                                                f"{lm['predict_error']}",), **base))
            continue
        if mm is None:
            entries.append(ModelEntry(status="differ", problems=(
                f"no migrated model to pair with (Keras 2.2.4 built {len(legacy['models'])} models, the "
                f"migration {len(migrated['models'])})",), **base))
            continue
        for k in ("build_error", "describe_error", "predict_error"):
            if mm.get(k):
                problems.append(f"migrated model: {k.replace('_', ' ')}: {mm[k]}")
        problems.extend(mm.get("set_weights_errors", []))
        if lm.get("params") is not None and mm.get("params") is not None and lm["params"] != mm["params"]:
            problems.append(f"parameter count {lm['params']:,} in Keras 2.2.4 but {mm['params']:,} in the migration")
        if base["legacy_output_shape"] != base["migrated_output_shape"] and mm.get("output_shape") is not None:
            problems.append(f"output shape {base['legacy_output_shape']} in Keras 2.2.4 but "
                            f"{base['migrated_output_shape']} in the migration")
        if base["legacy_layers"] != base["migrated_layers"] and len(base["legacy_layers"]) == len(base["migrated_layers"]):
            changed = [f"{a}->{b}" for a, b in zip(base["legacy_layers"], base["migrated_layers"]) if a != b]
            notes.append("layer classes differ: " + ", ".join(changed))
        outputs = []
        n_out = lm.get("n_outputs", 0)
        for k in range(n_out):
            a = la[f"{key}/out/{k}"]
            if f"{key}/out/{k}" not in ma.files:
                continue
            b = ma[f"{key}/out/{k}"]
            mx, mr, ok = _diff(a, b, atol, rtol)
            note = "" if mx is not None else f"shape {a.shape} vs {b.shape}"
            outputs.append(OutputDiff(k, tuple(a.shape), mx, mr, ok, note))
            if mx is None:
                problems.append(f"output {k}: shape {a.shape} in Keras 2.2.4 but {b.shape} in the migration")
            elif not ok:
                problems.append(f"output {k}: max abs diff {mx:.3g} (max rel {mr:.3g}) exceeds atol {atol:g} + "
                                f"rtol {rtol:g}*|legacy|")
        if not mm.get("predict_error") and not mm.get("set_weights_errors") and len(outputs) != n_out:
            problems.append(f"{n_out} outputs in Keras 2.2.4 but {mm.get('n_outputs')} in the migration")
        ts = _compare_train_step(lm, mm, la, ma, key, atol, rtol)
        out_abs = [o.max_abs_diff for o in outputs if o.max_abs_diff is not None]
        out_rel = [o.max_rel_diff for o in outputs if o.max_rel_diff is not None]
        train_msgs = []
        if ts.status == "differ":
            train_msgs.append(f"training step: {ts.detail}")
        elif ts.status == "error" and lm.get("train_step", {}).get("ok"):
            train_msgs.append(f"training step failed in the migration: {ts.detail}")
        (problems if check_training else notes).extend(train_msgs)
        if ts.status == "skipped" and "failed" in ts.detail:
            notes.append(f"training step not compared: {ts.detail}")
        causes = likely_causes(lm, mm, ts.status == "differ")
        status = "differ" if problems else "match"
        entries.append(ModelEntry(
            status=status, outputs=tuple(outputs), max_abs_diff=max(out_abs) if out_abs else None,
            max_rel_diff=max(out_rel) if out_rel else None, train_step=ts, problems=tuple(problems),
            notes=tuple(notes), likely_cause="; ".join(causes) if (causes and (problems or train_msgs)) else None,
            **base))
    return entries


def _compare_train_step(lm, mm, la, ma, key, atol, rtol) -> TrainStep:
    """Gradient check (Keras 3's own gradient vs the legacy one at the same weights, relative to the
    tensor's largest gradient) and optimizer check (both optimizers fed the same legacy gradients for
    two steps; updated weights within atol + rtol*|w|)."""
    lts, mts = lm.get("train_step") or {}, mm.get("train_step") or {}
    if lts.get("skipped"):
        return TrainStep("skipped", detail=lts["skipped"])
    if lts.get("error"):
        return TrainStep("skipped", detail=f"Keras 2.2.4 step failed: {lts['error']}")
    if not lts.get("ok"):
        return TrainStep("skipped", detail="no legacy step")
    if mts.get("error"):
        return TrainStep("error", detail=mts["error"])
    if not mts.get("ok"):
        return TrainStep("skipped", detail="migrated model not comparable")
    problems = []
    if mts.get("not_trainable_in_migration"):
        problems.append("not trainable (or missing) in the migration: " + ", ".join(mts["not_trainable_in_migration"]))
    grad_rel, grad_where = 0.0, ""
    pairs = [(name, la[name].astype(np.float64), ma[name].astype(np.float64)) for name in la.files
             if name.startswith(f"{key}/g1/") and name in ma.files]
    # a tensor whose true gradient is ~0 (a conv bias before BatchNormalization in training mode) is
    # float noise on both sides: compare it on the scale of the model's largest gradient
    floor = GRAD_FLOOR * max([float(np.max(np.abs(a))) for _, a, _ in pairs if a.size] or [0.0])
    for name, a, b in pairs:
        if a.shape != b.shape:
            continue
        scale = max(float(np.max(np.abs(a))) if a.size else 0.0, floor, 1e-12)
        rel = float(np.max(np.abs(a - b))) / scale if a.size else 0.0
        if rel > grad_rel:
            grad_rel, grad_where = rel, name[len(key) + 4:]
    if grad_rel > GRAD_RTOL:
        problems.append(f"loss gradient differs: max diff {grad_rel:.3g} x the largest legacy gradient "
                        f"(weight {grad_where})")
    worst_abs, worst_rel, worst_where, ok = 0.0, 0.0, "", True
    for name in la.files:
        if not name.startswith(f"{key}/w2/"):
            continue
        wkey = name[len(key) + 4:]
        if name not in ma.files:
            continue
        a, b = la[name], ma[name]
        w0 = la[f"{key}/w/{wkey}"]
        mx, _, good = _diff(a, b, atol, rtol)
        if mx is None:
            problems.append(f"weight {wkey}: shape {a.shape} vs {b.shape}")
            continue
        upd = float(np.max(np.abs(a.astype(np.float64) - w0))) if a.size else 0.0
        rel = mx / upd if upd > 0 else (0.0 if mx == 0 else float("inf"))
        if mx >= worst_abs:
            worst_abs, worst_where = mx, wkey
        worst_rel = max(worst_rel, rel)
        ok = ok and good
    if not ok:
        problems.append(f"after {2} optimizer steps fed the same gradients, weights differ by max abs "
                        f"{worst_abs:.3g} ({worst_rel:.3g} x the legacy update; weight {worst_where})")
    status = "differ" if problems else "match"
    detail = "; ".join(problems) if problems else f"gradient rel diff {grad_rel:.2g}, update rel diff {worst_rel:.2g}"
    return TrainStep(status, worst_abs, worst_rel, grad_rel, detail)


def _tuplify(v):
    if isinstance(v, list):
        return tuple(_tuplify(x) for x in v)
    return v


# --------------------------------------------------------------------------- entry point
def verify_pair(old_path: str, new_path: str, *, legacy_dir: str | None = None, timeout_s: float = 300,
                memory_mb: int = 6000, atol: float = 1e-5, seed: int = 0, rtol: float = 1e-5,
                check_training: bool = True, keep_dir: str | None = None, argv=None) -> VerifyReport:
    """Run OLD under genuine Keras 2.2.4 and NEW under Keras 3; compare every model they build.

    A model matches when its structure (parameter count, output shapes, weight shapes) agrees and
    every output on seeded inputs, with the legacy weights copied in, is within
    ``atol + rtol*|legacy|``; with check_training (default) also the loss gradient and two
    optimizer steps fed the same gradients (see _compare_train_step).  With check_training=False,
    training differences are reported as notes only.  timeout_s and memory_mb apply to each
    side's subprocess.  keep_dir, when given, receives the work directory (specs, npz,
    stdout/stderr of both sides).  argv, when given, is the scripts' command line (both sides get
    it; an argument naming an existing file or directory relative to the current directory is made
    absolute, since the scripts run in a temp directory); without it, a script that parses its
    arguments with argparse gets synthetic ones and placeholder files (kfn_gen/verify/worker/scriptenv.py).
    """
    return verify_many([(old_path, new_path)], legacy_dir=legacy_dir, timeout_s=timeout_s, memory_mb=memory_mb,
                       atol=atol, seed=seed, rtol=rtol, check_training=check_training, keep_dir=keep_dir,
                       batch=False, argv=argv)[0]


def verify_many(pairs, *, legacy_dir: str | None = None, timeout_s: float = 300, memory_mb: int = 6000,
                atol: float = 1e-5, seed: int = 0, rtol: float = 1e-5, check_training: bool = True,
                keep_dir: str | None = None, batch: bool = True, argv=None) -> list[VerifyReport]:
    """verify_pair over many (old, new) pairs.  With batch=True, each side runs its scripts in ONE
    process (TensorFlow and Keras boot once per side instead of once per script; Keras session
    cleared between scripts); a script that hangs, crashes or exhausts memory is re-run alone
    for its verdict and the others go on.  Same verdicts as verify_pair, pair by pair."""
    pairs = [(str(o), str(n)) for o, n in pairs]
    tol = {"atol": atol, "rtol": rtol, "grad_rtol": GRAD_RTOL, "check_training": check_training}
    reports: list[VerifyReport | None] = [None] * len(pairs)
    timings = [dict() for _ in pairs]

    def error(i, reason, errs=()):
        return VerifyReport(pairs[i][0], pairs[i][1], "error", reason=reason, script_errors=tuple(errs),
                            timings=timings[i], tolerance=tol)

    for i, (o, n) in enumerate(pairs):
        for p in (o, n):
            if not os.path.isfile(p):
                reports[i] = error(i, f"no such file: {p}")
    t0 = time.perf_counter()
    try:
        ldir = ensure_legacy_keras(legacy_dir)
    except LegacyRuntimeError as exc:
        return [r or error(i, str(exc)) for i, r in enumerate(reports)]
    for t in timings:
        t["legacy_runtime"] = time.perf_counter() - t0
    work = tempfile.mkdtemp(prefix="kfn-gen-verify-")
    try:
        todo = [i for i, r in enumerate(reports) if r is None]
        kw = dict(legacy_dir=ldir, timeout_s=timeout_s, memory_mb=memory_mb, seed=seed, argv=script_argv(argv))
        dirs = {i: (work if (not batch and len(pairs) == 1) else os.path.join(work, f"pair{i}")) for i in todo}
        t1 = time.perf_counter()
        if batch:
            bdir = os.path.join(work, "legacy-batch")
            os.makedirs(bdir, exist_ok=True)
            lres = run_side_batch("legacy", [pairs[i][0] for i in todo], bdir, **kw)
            # run_side_batch keeps its files under bdir/job<k>; point each pair at them
            for k, i in enumerate(todo):
                dirs[i] = os.path.join(bdir, f"job{k}")
        else:
            lres = []
            for i in todo:
                os.makedirs(dirs[i], exist_ok=True)
                lres.append(run_side("legacy", pairs[i][0], dirs[i], **kw))
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
                reports[i] = error(i, "the legacy script built no Keras model" + tail, lerrs)
                continue
            legacy_ok[i] = (legacy, lerrs)
        todo2 = list(legacy_ok)
        refs = [(os.path.join(dirs[i], "out", "legacy.json"), os.path.join(dirs[i], "out", "legacy.npz"))
                for i in todo2]
        t2 = time.perf_counter()
        if batch and todo2:
            mdir = os.path.join(work, "keras3-batch")
            os.makedirs(mdir, exist_ok=True)
            mres = run_side_batch("keras3", [pairs[i][1] for i in todo2], mdir, references=refs, **kw)
            mdirs = {i: os.path.join(mdir, f"job{k}") for k, i in enumerate(todo2)}
        else:
            mres = [run_side("keras3", pairs[i][1], dirs[i], reference=refs[k], **kw) for k, i in enumerate(todo2)]
            mdirs = {i: dirs[i] for i in todo2}
        msec = (time.perf_counter() - t2) / max(1, len(todo2))
        for k, i in enumerate(todo2):
            timings[i]["migrated"] = msec
            legacy, lerrs = legacy_ok[i]
            migrated, reason = mres[k]
            if migrated is None:
                reports[i] = error(i, reason, lerrs)
                continue
            merrs = [ScriptError("keras 3", e["line"], e["type"], e["message"], e.get("stmt_line")) for e in migrated["errors"]]
            try:
                with np.load(refs[k][1]) as la, np.load(os.path.join(mdirs[i], "out", "keras3.npz")) as ma:
                    entries = compare(legacy, migrated, la, ma, atol=atol, rtol=rtol, check_training=check_training)
            except Exception as exc:  # noqa: BLE001 - a verifier bug must not look like a verdict
                reports[i] = error(i, f"internal error while comparing: {type(exc).__name__}: {exc}", lerrs + merrs)
                continue
            entries = _note_random_standin(entries, legacy, migrated)
            mapped = _map_to_original(merrs, pairs[i][0], pairs[i][1])
            new_errs = _new_errors(lerrs, mapped)
            cov = coverage(legacy, lerrs, mapped)
            status, reason = _overall(entries, new_errs, len(migrated["models"]), cov)
            reports[i] = VerifyReport(pairs[i][0], pairs[i][1], status, tuple(entries), reason, tuple(lerrs + merrs),
                                      timings[i], tol, standins=_standins(legacy, migrated), coverage=cov)
        return reports
    finally:
        if keep_dir:
            shutil.copytree(work, keep_dir, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


def script_argv(argv):
    """The command line both sides get: None (synthesize for argparse), or argv with each argument that
    names an existing file or directory (relative to the current directory) made absolute."""
    if argv is None:
        return None
    return [os.path.abspath(a) if (a and not os.path.isabs(a) and os.path.exists(a)) else str(a) for a in argv]


def _standins(legacy, migrated):
    """What both runs stood in for (synthetic argv, placeholder files, missing modules, weights)."""
    out = []
    for res in (legacy, migrated):
        for text in res.get("standins") or []:
            if text not in out:
                out.append(text)
    return tuple(out)


def _note_random_standin(entries, legacy, migrated):
    """Say so on every model when the script's random draws were replaced (runner.install_random_standin)."""
    from dataclasses import replace

    used = sorted({k.split(":", 1)[1] for side in (legacy, migrated) for k in (side.get("calls") or {})
                   if k.startswith("random_standin:")})
    if not used:
        return entries
    note = f"random stand-in ({', '.join(used)}): {RANDOM_STANDIN}"
    return [replace(e, notes=(*e.notes, note)) for e in entries]


def _map_to_original(merrs, old_path, new_path):
    """[(Keras 3 error, the original script's statement line or None)]: the migration inserts and rewrites
    lines, so a migrated statement is mapped back to the original one by a line diff (None: a line the
    migration inserted, or texts that could not be read)."""
    if not merrs:
        return []
    try:
        with open(old_path, encoding="utf-8", errors="replace") as fh:
            old_text = fh.read()
        with open(new_path, encoding="utf-8", errors="replace") as fh:
            new_text = fh.read()
    except OSError:
        return [(e, None) for e in merrs]
    mapping = _line_map(new_text, old_text)
    return [(e, mapping.get(e.stmt_line if e.stmt_line is not None else e.line)) for e in merrs]


def _new_errors(lerrs, mapped):
    """Keras 3 errors at top-level statements where the Keras 2.2.4 run raised nothing.

    Both sides failing at the same statement (a missing optional module, a download) is not a difference
    of the migration (it is a gap in coverage, see coverage()); counting errors per side was not enough:
    a Keras 3 error hid behind an unrelated 2.2.4 one (a VAE's add_loss behind 2.2.4's pydot errors).
    """
    failed = {e.stmt_line if e.stmt_line is not None else e.line for e in lerrs}
    return [e for e, line in mapped if line not in failed]


def coverage(legacy: dict, lerrs, mapped) -> dict:
    """How much of the script the verdict covers.

    A top-level statement is covered when it ran without an error on both sides, or raised the same
    exception type at the same statement on both (the script's own behaviour, reproduced: the 2.2.4 guide's
    `layer.output` on a shared layer raises on purpose).  It is not covered when it raised under 2.2.4 only,
    or on both sides for a reason outside the script (a missing package, a missing data file) or as a
    consequence of one (a NameError after a failed import): then the verdict cannot say what the statement
    would have computed.  The root causes are named so that a user knows what to install or provide.
    """
    total = int(legacy.get("statements_total") or legacy.get("statements_run") or 0)
    line = lambda e: e.stmt_line if e.stmt_line is not None else e.line  # noqa: E731
    legacy_err = {line(e): e for e in lerrs}
    migrated_err = {ln: e for e, ln in mapped if ln is not None}
    environment = any(_from_environment(e) for e in lerrs)
    same, gap, legacy_only = 0, 0, 0
    for stmt, e in legacy_err.items():
        other = migrated_err.get(stmt)
        if other is None:
            legacy_only += 1
        elif other.type == e.type and not _from_environment(e) and not (environment and e.type == "NameError"):
            same += 1
        else:
            gap += 1
    not_run = gap + legacy_only + len(set(migrated_err) - set(legacy_err))
    return {"statements": total, "ran_on_both": max(0, total - not_run), "same_error_on_both": same,
            "failed_on_both": gap, "failed_legacy_only": legacy_only,
            "causes": _causes([e for s, e in legacy_err.items() if s not in migrated_err or _from_environment(e)
                               or migrated_err[s].type != e.type or (environment and e.type == "NameError")])}


def _missing_module(e) -> str | None:
    """The top-level module an import error says is not installed, or None."""
    m = re.search(r"No module named '([^'.]+)", e.message) if e.type in ("ModuleNotFoundError", "ImportError") \
        else None
    return m.group(1) if m else None


def _missing_file(e) -> bool:
    return e.type in ("FileNotFoundError", "IsADirectoryError") or (e.type == "OSError" and "No such file" in e.message)


def _from_environment(e) -> bool:
    """An error of the run's environment, not of the script: a module or a file that is not there."""
    return _missing_module(e) is not None or _missing_file(e)


def _causes(lerrs, most: int = 3) -> list[str]:
    """The distinct root causes of the 2.2.4 side's errors; a NameError is usually a consequence (of an
    import or a data load that failed earlier), so it is named only when nothing else is."""
    roots = [e for e in lerrs if e.type not in ("NameError", "UnboundLocalError")] or list(lerrs)
    out: list[str] = []
    for e in roots:
        text = _cause(e)
        if text not in out:
            out.append(text)
    return out[:most] + ([f"+{len(out) - most} more"] if len(out) > most else [])


def _cause(e) -> str:
    top = _missing_module(e)
    if top:
        return f"{top} is not installed: pip install {PIP_NAMES.get(top, top)}"
    if _missing_file(e):
        return f"line {e.line}: a file the script reads is missing ({e.message}): provide it (run in its directory)"
    return f"line {e.line}: {e.type}: {e.message}"


def _overall(entries, new_errs, n_migrated, cov=None):
    differ = [e for e in entries if e.status == "differ"]
    errors = [e for e in entries if e.status == "error"]
    reasons = []
    if differ:
        reasons.append("differ: " + ", ".join(
            f"{e.name} (max abs diff {_fmt(e.max_abs_diff)})" if e.max_abs_diff is not None else e.name for e in differ))
    if n_migrated > len(entries):
        reasons.append(f"the migration built {n_migrated} models, Keras 2.2.4 {len(entries)}")
    if new_errs:
        reasons.append(f"the migrated script raised where Keras 2.2.4 did not ({new_errs[0].format()})")
        return "differ", "; ".join(reasons)
    if differ or n_migrated > len(entries):
        return "differ", "; ".join(reasons)
    if errors:
        return "error", "could not compare: " + ", ".join(f"{e.name} ({e.problems[0]})" for e in errors)
    if cov and cov["statements"] and cov["ran_on_both"] < cov["statements"]:
        return "partial", (f"{len(entries)} model(s) equal, but only {coverage_text(cov)}: the verdict does "
                           "not cover the rest of the script")
    return "match", None
