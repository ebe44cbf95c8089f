"""The process between kfn-gen and a run of user code: ``python reaper.py SPEC.json`` (standard library only).

It makes itself a child subreaper (Linux), starts the run (SPEC: cmd, cwd, memory_mb, cpu_s, network,
report) in a session of its own with the limits and, where the kernel allows it, an empty network
namespace; waits for it; then kills every process still below it (a daemon that double-forked and left
the run's session is re-parented to this process, not to init, so it is found), reaps them, and writes
the run's exit code (negative: the signal that killed it) and what it killed to SPEC's report file.
SIGTERM (kfn-gen's wall-clock limit) or SIGINT kills everything below at once.  `--probe` only tells,
by its exit code, whether a network namespace can be had here.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import resource
import signal
import subprocess
import sys

FILE_SIZE_MB = 4096
PROCESS_LIMIT = 4096  # tasks (threads included) of this user: TensorFlow alone starts pools per core
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
PR_SET_CHILD_SUBREAPER = 36


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def unshare_network() -> None:
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWUSER | CLONE_NEWNET
    if _libc().unshare(flags) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare: {os.strerror(err)}")


def limits(memory_mb: int, cpu_s: int, network: bool):
    """What the run does between fork and exec: its own session, the limits, the network namespace."""
    def apply():
        os.setsid()
        mem = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        size = FILE_SIZE_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_s), int(cpu_s) + 5))
        resource.setrlimit(resource.RLIMIT_NPROC, (PROCESS_LIMIT, PROCESS_LIMIT))
        if network:
            unshare_network()
    return apply


def _children(pid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(name))
    return out


def kill_everything_below() -> int:
    """Kill every descendant of this process, again while new ones appear; reap them. Returns how many."""
    killed = set()
    for _ in range(20):
        todo, tree = _children(os.getpid()), []
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += _children(pid)
        alive = [p for p in tree if p not in killed or os.path.exists(f"/proc/{p}")]
        if not alive:
            break
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except (ProcessLookupError, PermissionError):
                pass
        while True:  # reap what is ours to reap
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    return len(killed)


def main(argv: list[str]) -> int:
    if argv[1:] == ["--probe"]:
        unshare_network()
        return 0
    with open(argv[1]) as fh:
        spec = json.load(fh)
    subreaper = sys.platform.startswith("linux") and _libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0

    def stop(signum, frame):
        kill_everything_below()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # Ctrl-C reaches kfn-gen's process group, this process included
    try:
        proc = subprocess.Popen(spec["cmd"], cwd=spec["cwd"], stdin=subprocess.DEVNULL,
                                preexec_fn=limits(spec["memory_mb"], spec["cpu_s"], spec["network"]))
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"kfn-gen sandbox: could not start the run: {exc}", file=sys.stderr)
        return 70
    rc = proc.wait()
    left = kill_everything_below() if subreaper else 0
    with open(spec["report"], "w") as fh:
        json.dump({"rc": rc, "subreaper": subreaper, "killed_after_exit": left}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
