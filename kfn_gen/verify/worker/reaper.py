"""The process between kfn-gen and a run of user code: ``python reaper.py SPEC.json`` (standard library only).

It makes itself a child subreaper (Linux), starts the run (SPEC: cmd, cwd, memory_mb, cpu_s, network,
writable, report) in a session of its own with the limits and, where the kernel allows it, an empty network
namespace and a mount namespace where everything but `writable` is read-only; waits for it; then kills every process still below it (a daemon that double-forked and left
the run's session is re-parented to this process, not to init, so it is found), reaps them, and writes
the run's exit code (negative: the signal that killed it) and what it killed to SPEC's report file.
SIGTERM (kfn-gen's wall-clock limit) or SIGINT kills everything below at once.  `--probe [DIR]` only
tells, by its exit code, whether a network namespace (and writes confined to DIR) can be had here.
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
CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWNS = 0x10000000, 0x40000000, 0x00020000
PR_SET_CHILD_SUBREAPER = 36
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC = \
    1, 2, 4, 8, 32, 1024, 2048, 4096, 16384
MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 1 << 18, 1 << 21, 1 << 24
# per-mount options a remount must keep (in a user namespace the kernel refuses to clear locked ones)
KEEP = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": MS_NOATIME,
        "nodiratime": MS_NODIRATIME, "relatime": MS_RELATIME, "strictatime": MS_STRICTATIME}
# kernel and device file systems stay as they are (/dev/null, /dev/shm for multiprocessing's semaphores)
LEFT_WRITABLE = ("/dev", "/proc", "/sys")


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def unshare(flags: int) -> None:
    if os.geteuid() != 0:
        flags |= CLONE_NEWUSER
    if _libc().unshare(flags) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare: {os.strerror(err)}")


def _mount(target: str | None, flags: int, source: str | None = None) -> None:
    libc = _libc()
    enc = lambda p: None if p is None else os.fsencode(p)  # noqa: E731
    if libc.mount(enc(source), enc(target), None, ctypes.c_ulong(flags), None) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _mount_points() -> list[tuple[str, set]]:
    out = []
    with open("/proc/self/mountinfo") as fh:
        for line in fh:
            fields = line.split()
            point = fields[4].encode().decode("unicode_escape")
            out.append((point, set(fields[5].split(","))))
    return out


def confine_writes(writable: list[str]) -> None:
    """In a mount namespace of our own: every mount read-only but `writable` (bind-mounted onto themselves
    first, so they are mounts of their own) and the kernel/device file systems."""
    _mount("/", MS_REC | MS_PRIVATE)
    roots = [os.path.realpath(w) for w in writable]
    for w in roots:
        _mount(w, MS_BIND | MS_REC, source=w)
    for point, opts in _mount_points():
        if any(point == w or point.startswith(w.rstrip("/") + "/") for w in roots) or \
                any(point == d or point.startswith(d + "/") for d in LEFT_WRITABLE):
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for name, bit in KEEP.items():
            if name in opts:
                flags |= bit
        try:
            _mount(point, flags)
        except OSError:
            if point == "/":
                raise  # the root stayed writable: the confinement failed


def limits(memory_mb: int, cpu_s: int, network: bool, writable: list[str] | None = None):
    """What the run does between fork and exec: its own session, the limits, the network namespace, and
    writes confined to `writable` (a mount namespace)."""
    def apply():
        os.setsid()
        mem = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        size = FILE_SIZE_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_s), int(cpu_s) + 5))
        resource.setrlimit(resource.RLIMIT_NPROC, (PROCESS_LIMIT, PROCESS_LIMIT))
        flags = (CLONE_NEWNET if network else 0) | (CLONE_NEWNS if writable else 0)
        if flags:
            unshare(flags)
        if writable:
            confine_writes(writable)
    return apply


def _children(pid: int) -> list[int]:
    out = []
    if not os.path.isdir("/proc"):  # not Linux: only the run's process group can be found (kill_group)
        return out
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
    if argv[1:2] == ["--probe"]:  # --probe [DIR]: can a run get a network namespace (and writes confined to DIR)?
        unshare(CLONE_NEWNET | (CLONE_NEWNS if argv[2:] else 0))
        if argv[2:]:
            confine_writes(argv[2:])
            try:
                with open(os.path.join(os.path.dirname(argv[2]), ".kfn-gen-probe"), "w"):
                    pass
            except OSError:
                return 0  # outside DIR: refused, as it should be
            return 3
        return 0
    with open(argv[1]) as fh:
        spec = json.load(fh)
    subreaper = sys.platform.startswith("linux") and _libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    started: list = []

    def kill_group():
        """The run's own session (it called setsid): all a platform without a subreaper can reach."""
        for p in started:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def stop(signum, frame):
        kill_group()
        kill_everything_below()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # Ctrl-C reaches kfn-gen's process group, this process included
    try:
        proc = subprocess.Popen(spec["cmd"], cwd=spec["cwd"], stdin=subprocess.DEVNULL,
                                preexec_fn=limits(spec["memory_mb"], spec["cpu_s"], spec["network"],
                                                  spec.get("writable")))
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"kfn-gen sandbox: could not start the run: {exc}", file=sys.stderr)
        return 70
    started.append(proc)
    rc = proc.wait()
    kill_group()
    left = kill_everything_below() if subreaper else 0
    with open(spec["report"], "w") as fh:
        json.dump({"rc": rc, "subreaper": subreaper, "killed_after_exit": left}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
