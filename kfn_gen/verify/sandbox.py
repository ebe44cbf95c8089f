"""The sandbox of every run of user code (verify's two sides, generate's run of the migrated script).

Parent side: the child's environment, the run started under worker/reaper.py (limits, network namespace,
child subreaper, every leftover process killed), and what the report says is and is not enforced here.
Inside the run, worker/guard.py refuses at Python's audit-hook layer what the kernel does not.
docs/security.md states the threat model.

- environment: an allow-list (PATH, locale, the virtual environment, threading knobs); HOME, TMPDIR and
  the XDG/Keras/matplotlib homes point into the run's own temp directory; no token or secret passes;
- network: an empty network namespace of its own where the kernel allows it (root, or unprivileged user
  namespaces), and socket connects and name lookups refused by the guard;
- writes: a mount namespace where everything but the run's directories is read-only (where the kernel
  allows it), and writes outside them refused by the guard;
- resources: RLIMIT_AS, RLIMIT_FSIZE, RLIMIT_CPU, RLIMIT_NPROC (Linux does not apply it to root: the
  guard caps the processes a script starts), no core dumps;
- leftovers: the reaper is a child subreaper: a daemon that double-forks out of the run's session is
  re-parented to it and killed when the run ends, as on a wall-clock timeout.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile

from kfn_gen.verify.worker.guard import MAX_PROCESSES
from kfn_gen.verify.worker.reaper import FILE_SIZE_MB, PROCESS_LIMIT

REAPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker", "reaper.py")
ENV_ALLOW = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "TZ", "TERM",
             "VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "SYSTEMROOT",
             "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
             "TF_NUM_INTEROP_THREADS", "TF_ENABLE_ONEDNN_OPTS")


def environment(home: str, extra: dict) -> dict:
    """The run's environment: the allow-listed variables of ours, the run's homes, then `extra`."""
    env = {k: v for k, v in os.environ.items() if k in ENV_ALLOW}
    tmp = os.path.join(home, "tmp")
    os.makedirs(tmp, exist_ok=True)
    env.update({"HOME": home, "TMPDIR": tmp, "TEMP": tmp, "TMP": tmp, "USERPROFILE": home,
                "XDG_CACHE_HOME": os.path.join(home, ".cache"), "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                "XDG_DATA_HOME": os.path.join(home, ".local", "share"), "KERAS_HOME": os.path.join(home, ".keras"),
                "MPLCONFIGDIR": os.path.join(home, ".matplotlib")})
    env.update(extra)
    return env


def _probe(*args) -> str | None:
    try:
        proc = subprocess.run([sys.executable, REAPER, "--probe", *args], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"the probe did not run ({exc})"
    if proc.returncode == 3:
        return "a write outside the directory was not refused"
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["no message"])[-1]
    return None


@functools.lru_cache(maxsize=1)
def network_namespace() -> str | None:
    """None when a run can get a network namespace of its own here, else why not (tried once)."""
    if not sys.platform.startswith("linux"):
        return f"no network namespaces on {sys.platform}"
    why = _probe()
    return None if why is None else f"unshare(CLONE_NEWNET) is refused here ({why})"


@functools.lru_cache(maxsize=1)
def mount_namespace() -> str | None:
    """None when a run's writes can be confined to its directories by a read-only mount namespace here,
    else why not (tried once, with the network namespace it comes with)."""
    if not sys.platform.startswith("linux"):
        return f"no mount namespaces on {sys.platform}"
    if network_namespace() is not None:
        return "no namespaces here"
    probe = tempfile.mkdtemp(prefix="kfn-gen-probe-")
    try:
        inner = os.path.join(probe, "inner")
        os.makedirs(inner)
        why = _probe(inner)
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    return None if why is None else f"a read-only mount namespace could not be set up ({why})"


def process_limit_enforced() -> bool:
    """Linux does not apply RLIMIT_NPROC to root."""
    return hasattr(os, "geteuid") and os.geteuid() != 0


def describe(memory_mb: int, cpu_s: int) -> dict:
    """What a run is held to on this machine, and what it is not, in the report's words."""
    net, mounts = network_namespace(), mount_namespace()
    linux = sys.platform.startswith("linux")
    enforced = [
        "environment: allow-listed variables only; HOME and TMPDIR are the run's temp directory",
        f"memory {memory_mb} MB of address space, files up to {FILE_SIZE_MB} MB, {cpu_s} s of CPU (rlimits)",
        "network: " + ("an empty network namespace of its own, and socket connects and name lookups refused "
                       "(audit hook)" if net is None else "socket connects and name lookups refused (audit hook)"),
        "writes outside the run's temp directory: " + ("a read-only file system (mount namespace), and refused "
                                                        "by an audit hook" if mounts is None else
                                                        "refused by an audit hook (Python code only)"),
        f"processes: at most {MAX_PROCESSES} started by the script, none by those (audit hook)"
        + (f"; RLIMIT_NPROC {PROCESS_LIMIT}" if process_limit_enforced() else ""),
        "leftover processes killed when the run ends" + (" (child subreaper)" if linux else " (process group)"),
    ]
    not_enforced = ["reads: the script can read any file this user can read (only HOME is moved)"]
    if mounts is not None:
        not_enforced.append(f"writes by C code (h5py, TensorFlow) or by programs the script starts: not confined "
                            f"here: {mounts}; the audit hook binds Python code only")
    if net is not None:
        not_enforced.append(f"network namespace: not enforced here: {net}")
    if not process_limit_enforced():
        not_enforced.append("RLIMIT_NPROC: not enforced here (running as root)")
    if not linux:
        not_enforced.append("child subreaper: not enforced here: a daemon that leaves the process group survives")
    return {"enforced": enforced, "not_enforced": not_enforced}


class Run:
    """One run of user code: `cmd` under the reaper, in `cwd`, with the sandbox's environment (`extra` on
    top), limits and namespaces; it may write in `work`, `cwd` and `writable` only.  wait(timeout) -> the
    run's exit code (negative: killed by that signal), or None when it ran out of time (everything it started is killed either way)."""

    def __init__(self, cmd: list, cwd: str, work: str, extra_env: dict, stdout, stderr, memory_mb: int,
                 cpu_s: int, name: str = "run", writable: tuple = ()):
        home = os.path.join(work, f"home-{name}")
        self.report = os.path.join(work, f"reaper-{name}.json")
        spec = os.path.join(work, f"reaper-{name}-spec.json")
        with open(spec, "w") as fh:
            json.dump({"cmd": cmd, "cwd": cwd, "memory_mb": memory_mb, "cpu_s": int(cpu_s),
                       "network": network_namespace() is None, "report": self.report,
                       "writable": [work, cwd, *writable] if mount_namespace() is None else None}, fh)
        self.proc = subprocess.Popen([sys.executable, REAPER, spec], cwd=cwd, env=environment(home, extra_env),
                                     stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)

    def wait(self, timeout: float):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            return None
        except BaseException:
            self.stop()
            raise
        try:
            with open(self.report) as fh:
                return json.load(fh)["rc"]
        except (OSError, ValueError, KeyError):
            return self.proc.returncode or 70

    def stop(self):
        self.proc.terminate()  # the reaper kills everything below it, then exits
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
