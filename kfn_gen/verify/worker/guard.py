"""The Python-level half of the sandbox (sys.addaudithook), armed while the user's script runs.

Refused, and logged with the script line that asked:
- socket connects, sends, binds and name lookups (AF_UNIX sockets excepted): the network;
- writes (open for writing, remove, rename, mkdir, chmod, ...) outside the script's working directory
  and the run's home (where HOME and TMPDIR point);
- starting processes beyond MAX_PROCESSES; a process the script started that starts one more is ended
  on the spot (a fork bomb stops at the first generation).
An audit hook binds Python code only (a C extension, h5py's or TensorFlow's own file I/O, ctypes are
not seen): the kernel-level parts are in reaper.py, and docs/security.md says which is which.  The log
is a file descriptor opened before the script runs, so processes the script forks log to it too.
"""
from __future__ import annotations

import os
import socket
import sys

MAX_PROCESSES = 32
REFUSED = "kfn-gen sandbox:"  # how a refusal's PermissionError message begins (verify/verdict.py reads it)
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
PATH_EVENTS = {"os.remove": (0,), "os.rename": (0, 1), "os.mkdir": (0,), "os.rmdir": (0,), "os.symlink": (1,),
               "os.link": (1,), "os.chmod": (0,), "os.chown": (0,), "os.truncate": (0,), "os.utime": (0,),
               "shutil.rmtree": (0,), "shutil.copyfile": (1,), "shutil.copytree": (1,), "os.mkfifo": (0,),
               "os.mknod": (0,)}
NET_EVENTS = {"socket.connect", "socket.sendto", "socket.bind", "socket.getaddrinfo", "socket.gethostbyname",
              "socket.gethostbyaddr", "socket.gethostbyname_ex"}
SPAWN_EVENTS = {"os.fork", "os.forkpty", "subprocess.Popen", "os.system", "os.posix_spawn", "os.exec",
                "os.spawn", "pty.spawn"}


class Guard:
    def __init__(self, log_path: str, home: str):
        self.fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.log_path = log_path
        self.owner = os.getpid()
        self.roots = [os.path.realpath(home)]
        self.script = None
        self.armed = False
        self.started = 0

    def arm(self, script: str, cwd: str) -> None:
        self.script = script
        self.roots = self.roots[:1] + [os.path.realpath(cwd)]
        self.started = 0
        self.armed = True

    def disarm(self) -> None:
        self.armed = False

    def events(self) -> list[str]:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as fh:
                return [line.rstrip("\n") for line in fh if line.strip()]
        except OSError:
            return []

    # ---- the hook
    def _line(self) -> str:
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_filename == self.script:
                return f"line {frame.f_lineno}: "
            frame = frame.f_back
        return ""

    def _refuse(self, what: str, end_process: bool = False):
        text = f"{self._line()}{what}"
        os.write(self.fd, (text.replace("\n", " ") + "\n").encode("utf-8", "replace"))
        if end_process:
            os._exit(71)
        raise PermissionError(f"{REFUSED} {what}")

    def _outside(self, path) -> bool:
        if isinstance(path, int) or path is None:
            return False
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return False
        if real in ("/dev/null", "/dev/tty", "/dev/stdout", "/dev/stderr"):
            return False
        return not any(real == root or real.startswith(root + os.sep) for root in self.roots)

    def hook(self, event: str, args) -> None:
        if not self.armed:
            return
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(flags, int) and flags != -1 and flags & WRITE_FLAGS) or \
                (isinstance(mode, str) and any(c in mode for c in "wax+"))
            if writing and self._outside(path):
                self._refuse(f"write to {os.fsdecode(path)} refused (outside the run's directories)")
        elif event in PATH_EVENTS:
            for i in PATH_EVENTS[event]:
                if i < len(args) and self._outside(args[i]):
                    self._refuse(f"{event} of {os.fsdecode(args[i])} refused (outside the run's directories)")
        elif event in NET_EVENTS:
            sock = args[0] if event in ("socket.connect", "socket.sendto", "socket.bind") else None
            if sock is not None and getattr(sock, "family", None) == getattr(socket, "AF_UNIX", None):
                return
            target = args[1] if sock is not None and len(args) > 1 else args[0]
            self._refuse(f"network: {event.split('.', 1)[1]} {target!r} refused (no network in the sandbox)")
        elif event in SPAWN_EVENTS:
            if os.getpid() != self.owner:
                self._refuse(f"{event} refused in a process the script started; that process was ended",
                             end_process=True)
            self.started += 1
            if self.started > MAX_PROCESSES:
                self._refuse(f"{event} refused: the script already started {MAX_PROCESSES} processes")


def install(log_path: str, home: str) -> Guard:
    guard = Guard(log_path, home)
    sys.addaudithook(guard.hook)
    return guard
