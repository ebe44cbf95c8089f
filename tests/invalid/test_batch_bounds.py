"""Bounds on the static path (issue 16): only regular files are read, a size limit and a per-file time limit
(a diagnostic, the file untouched, the batch goes on), and no worker outlives the kfn-gen process that started
it (nor writes a file after it is gone)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from kfn_gen.files.batch import BatchConfig, process_task
from kfn_gen.files.discover import FileTask
from tests.helpers import ROOT as REPO  # noqa: E402

ROOT = str(REPO)
LEGACY = b"from keras.layers.core import Dense\n"


def kfn(*args, cwd, timeout=60):
    return subprocess.run([sys.executable, "-m", "kfn_gen.cli", "migrate", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def test_a_fifo_and_a_device_named_explicitly_are_skipped(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    os.symlink("/dev/zero", tmp_path / "zero.py")
    (tmp_path / "ok.py").write_bytes(LEGACY)
    r = kfn("--check", "pipe.py", "zero.py", "ok.py", cwd=tmp_path)  # a hang would hit the timeout
    assert r.returncode == 1, r.stderr  # ok.py would change; the other two are skipped, not failed
    assert r.stderr.count("not a regular file") == 2 and "1 file would be changed" in r.stderr


def test_an_oversized_file_is_skipped_untouched(tmp_path):
    big = tmp_path / "big.py"
    big.write_bytes(b"import keras\nx = [" + b"1," * 400_000 + b"]\n")
    config = BatchConfig(in_place=True, max_bytes=512 * 1024)
    r = process_task(FileTask(str(big), "big.py", "python"), config)
    assert r.status == "skipped" and "over the 524,288-byte limit" in r.diagnostics[0].message
    assert big.read_bytes().startswith(b"import keras\nx = [1,1,")


def _slow(source, path, options):
    time.sleep(30)
    raise AssertionError("not reached")


def test_the_per_file_time_limit_stops_a_file_and_leaves_it_untouched(tmp_path):
    f = tmp_path / "slow.py"
    f.write_bytes(LEGACY)
    t0 = time.perf_counter()
    r = process_task(FileTask(str(f), "slow.py", "python"), BatchConfig(in_place=True, file_timeout=0.5,
                                                                         migrate_fn=_slow))
    assert time.perf_counter() - t0 < 10
    assert r.status == "failed" and "time limit of 0.5 s exceeded" in r.diagnostics[-1].message
    assert f.read_bytes() == LEGACY


PARENT = textwrap.dedent("""\
    import os, sys, time
    sys.path.insert(0, {root!r})
    from kfn_gen.files import batch, discover
    from kfn_gen.diagnostics import MigrationResult

    def slow(source, path, options):
        open(os.path.join({pids!r}, str(os.getpid())), "w").close()
        time.sleep(6)
        return MigrationResult(path, source, source.replace("keras.layers.core", "keras.layers"), ())

    tasks = [discover.FileTask(p, os.path.basename(p), "python") for p in sys.argv[1:]]
    batch.run_batch(tasks, batch.BatchConfig(in_place=True, migrate_fn=slow), jobs=2)
    """)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return "State:\tZ" not in fh.read()  # a zombie is dead, waiting to be reaped
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_no_worker_outlives_its_parent_and_no_file_is_written_after(tmp_path):
    pids = tmp_path / "pids"
    pids.mkdir()
    files = []
    for i in range(4):
        f = tmp_path / f"m{i}.py"
        f.write_bytes(LEGACY)
        files.append(f)
    script = tmp_path / "parent.py"
    script.write_text(PARENT.format(root=ROOT, pids=str(pids)))
    parent = subprocess.Popen([sys.executable, str(script), *map(str, files)])
    deadline = time.time() + 60
    while len(os.listdir(pids)) < 2 and time.time() < deadline:  # both workers are inside a file
        time.sleep(0.1)
    workers = [int(p) for p in os.listdir(pids)]
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    time.sleep(2)
    assert [w for w in workers if _alive(w)] == []
    time.sleep(6)  # past the moment the workers would have finished and written
    assert all(f.read_bytes() == LEGACY for f in files)
