"""Hostile scripts under `kfn-gen verify` (issue 13): each tries one thing a verified script must not do,
and the test checks, from outside, that it did not happen, and that the verdict says what was blocked.
Where this machine cannot enforce a part (no network namespace, RLIMIT_NPROC as root), the test asserts
the report says it is not enforced here instead.

All scripts run in ONE verify batch (each side boots TensorFlow once).  Each also builds a tiny model, so
that the verdict is a real comparison and not an early error.
"""
from __future__ import annotations

import os
import socket
import sys
import threading

import pytest

from kfn_gen.verify import sandbox
from tests.helpers import verify_in_one_batch

pytestmark = [pytest.mark.tf, pytest.mark.legacy]

MODEL = "from keras.models import Sequential\nfrom keras.layers import Dense\nmodel = Sequential([Dense(2, input_shape=(3,))])\n"
SECRET = "kfn-planted-secret-4711"


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.stop = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def _scripts(port: int, outside: str, outside_child: str) -> dict:
    return {
        "secret": MODEL + f"""import os
secret = os.environ.get("KFN_PLANTED_SECRET")
if secret:
    raise RuntimeError("secret leaked: " + secret)
if os.path.expanduser("~") == {os.path.expanduser("~")!r}:
    raise RuntimeError("the real HOME is visible")
""",
        "socket": MODEL + f"""import socket
s = socket.socket()
s.settimeout(3)
s.connect(("127.0.0.1", {port}))
""",
        # a new interpreter has no audit hook: only the kernel (network namespace) stops this one
        "socket_child": MODEL + f"""import subprocess, sys
code = "import socket; s = socket.socket(); s.settimeout(3); s.connect(('127.0.0.1', {port})); print('connected')"
out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
if "connected" in out:
    raise RuntimeError("a child process reached the network")
""",
        "write": MODEL + f"""open({outside!r}, "w").write("escaped")
""",
        # a program the script starts has no audit hook: only the kernel (a read-only mount) stops it
        "write_child": MODEL + f"""import subprocess
subprocess.run(["sh", "-c", "echo escaped > {outside_child}"])
""",
        "fork_bomb": MODEL + """import os
children = []
try:
    while True:
        pid = os.fork()
        if pid == 0:
            os.fork()  # a child that starts another process is ended on the spot
            os._exit(0)
        children.append(pid)
except PermissionError:
    pass
raise RuntimeError("forked %d" % len(children))
""",
        "daemon": MODEL + """import subprocess, sys
p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
raise RuntimeError("daemon %d" % p.pid)
""",
        "memory": MODEL + """big = bytearray(30 * 1024 ** 3)
""",
    }


@pytest.fixture(scope="module")
def reports(tmp_path_factory, legacy_dir):
    listener = Listener()
    outside = str(tmp_path_factory.mktemp("outside") / "escaped.txt")
    outside_child = str(tmp_path_factory.mktemp("outside") / "escaped_by_a_child.txt")
    old_env = os.environ.get("KFN_PLANTED_SECRET")
    os.environ["KFN_PLANTED_SECRET"] = SECRET
    try:
        def build(name, code):
            def b(tmp):
                path = tmp / f"{name}.py"
                path.write_text(code, encoding="utf-8")
                return path, path
            return b

        out = verify_in_one_batch(tmp_path_factory, legacy_dir,
                                  {name: build(name, code) for name, code in _scripts(listener.port, outside, outside_child).items()},
                                  timeout_s=300, memory_mb=6000)
    finally:
        if old_env is None:
            os.environ.pop("KFN_PLANTED_SECRET", None)
        else:
            os.environ["KFN_PLANTED_SECRET"] = old_env
        listener.close()
    return out, listener, outside, outside_child


def _errors(report):
    return [f"{e.side} line {e.line}: {e.type}: {e.message}" for e in report.script_errors]


def test_the_environment_is_scrubbed(reports):
    r = reports[0]["secret"]
    assert r.status == "match", r.format_table()  # neither the secret nor the real HOME was seen
    assert not any("leaked" in e or "real HOME" in e for e in _errors(r))
    assert any(line.startswith("environment: allow-listed") for line in r.sandbox["enforced"])


def test_a_socket_connect_fails_and_is_reported(reports):
    out, listener = reports[:2]
    r = out["socket"]
    assert listener.accepted == 0
    assert r.status == "partial", r.format_table()
    assert sum("network: connect ('127.0.0.1'" in b for b in r.sandbox["blocked"]) == 2  # both sides
    assert "network: connect" in r.reason


def test_a_child_process_has_no_network_or_the_report_says_so(reports):
    out, listener = reports[:2]
    r = out["socket_child"]
    why = sandbox.network_namespace()
    if why is None:
        assert r.status == "match", r.format_table()
        assert any("empty network namespace" in line for line in r.sandbox["enforced"])
    else:
        assert any(line.startswith("network namespace: not enforced here") for line in r.sandbox["not_enforced"])
    assert listener.accepted == (0 if why is None else 2)


def test_a_write_outside_the_run_fails_and_is_reported(reports):
    out, _, outside, _ = reports
    r = out["write"]
    assert not os.path.exists(outside)
    assert sum(f"write to {outside} refused" in b for b in r.sandbox["blocked"]) == 2
    assert r.status == "partial" and "outside the run's directories" in r.reason


def test_a_write_outside_by_a_child_program_fails_or_the_report_says_so(reports):
    out, _, _, outside_child = reports
    r = out["write_child"]
    if sandbox.mount_namespace() is None:
        assert not os.path.exists(outside_child)
        assert any("a read-only file system (mount namespace)" in line for line in r.sandbox["enforced"])
    else:
        assert os.path.exists(outside_child)
        assert any(line.startswith("writes by C code") and "not confined here" in line
                   for line in r.sandbox["not_enforced"])


def test_a_fork_bomb_is_capped(reports):
    r = reports[0]["fork_bomb"]
    forked = [e for e in r.script_errors if e.type == "RuntimeError" and e.message.startswith("forked")]
    assert [e.message for e in forked] == ["forked 32", "forked 32"], _errors(r)
    assert any("already started 32 processes" in b for b in r.sandbox["blocked"])
    assert any("refused in a process the script started" in b for b in r.sandbox["blocked"])
    if not sandbox.process_limit_enforced():
        assert any(line.startswith("RLIMIT_NPROC: not enforced here") for line in r.sandbox["not_enforced"])


def test_a_daemon_does_not_outlive_the_run(reports):
    r = reports[0]["daemon"]
    pids = [int(e.message.split()[1]) for e in r.script_errors if e.message.startswith("daemon ")]
    assert len(pids) == 2, _errors(r)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert any(line.startswith("leftover processes killed") for line in r.sandbox["enforced"])


def test_30_gb_is_refused(reports):
    r = reports[0]["memory"]
    assert r.status == "error", r.format_table()
    assert "memory limit exceeded (MemoryError) at memory.py:4" in r.reason
    assert any("6000 MB of address space" in line for line in r.sandbox["enforced"])


def test_the_sandbox_is_in_the_json_report(reports):
    d = reports[0]["socket"].to_json()
    assert set(d["sandbox"]) == {"enforced", "not_enforced", "blocked"}
    assert sys.platform != "linux" or d["sandbox"]["blocked"]
