"""The CI gate and the user's files: `--check` fails on code that still needs a hand change, bad output
paths write nothing, read-only files are not rewritten, `--in-place --verify` keeps what did not verify,
Ctrl-C is 130.  Real migrator, no TensorFlow (verification is faked where it is needed)."""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from kfn_gen.files import batch
from kfn_gen.cli import main
from tests.helpers import FakeReport, fake_verify_module

HAND_ONLY = b"import keras\nfrom keras import backend as K\nsess = K.get_session()\n"  # a warning, no edit
FIXABLE = b"from keras.layers.core import Dense\n"


def cli(*args):
    return CliRunner().invoke(main, ["migrate", *map(str, args)], catch_exceptions=False)


def test_check_fails_on_a_file_that_only_needs_a_hand_change(tmp_path):
    f = tmp_path / "hand.py"
    f.write_bytes(HAND_ONLY)
    r = cli("--check", f)
    assert r.exit_code == 1, r.stderr
    assert "K.get_session()" in r.stderr and "1 warning(s) still need a hand change" in r.stderr
    assert cli("--check", "--allow-warnings", f).exit_code == 0
    assert cli("--check", "--exit-zero", f).exit_code == 0
    assert f.read_bytes() == HAND_ONLY


def test_check_on_stdin_counts_warnings_too():
    r = CliRunner().invoke(main, ["migrate", "--check", "-"], input=HAND_ONLY, catch_exceptions=False)
    assert r.exit_code == 1
    r = CliRunner().invoke(main, ["migrate", "--check", "--allow-warnings", "-"], input=HAND_ONLY,
                           catch_exceptions=False)
    assert r.exit_code == 0


def test_exit_zero_does_not_hide_a_failed_file(tmp_path):
    f = tmp_path / "py2.py"
    f.write_bytes(b"import keras\nprint 'x'\n")
    assert cli("--check", "--exit-zero", f).exit_code == 2


@pytest.mark.parametrize("flag", ["--report", "--summary-md"])
def test_a_bad_report_path_is_refused_before_any_file_is_written(tmp_path, flag):
    f = tmp_path / "a.py"
    f.write_bytes(FIXABLE)
    r = cli("--in-place", flag, tmp_path / "missing" / "r.json", f)
    assert r.exit_code == 2 and "does not exist" in r.stderr
    assert f.read_bytes() == FIXABLE  # nothing rewritten


def test_a_bad_output_path_is_a_usage_error(tmp_path):
    f = tmp_path / "a.py"
    f.write_bytes(FIXABLE)
    r = cli(f, "-o", tmp_path / "missing" / "x.py")
    assert r.exit_code == 2 and "-o/--output" in r.stderr
    r = cli(f, "-o", tmp_path)
    assert r.exit_code == 2 and "is a directory" in r.stderr


def test_a_read_only_file_is_not_rewritten(tmp_path):
    f = tmp_path / "ro.py"
    f.write_bytes(FIXABLE)
    f.chmod(0o444)
    r = cli("--in-place", f)
    assert r.exit_code == 2 and "read-only" in r.stderr
    assert f.read_bytes() == FIXABLE and (f.stat().st_mode & 0o777) == 0o444


def test_a_hard_linked_file_keeps_its_links(tmp_path):
    """--in-place used to replace the file (temp + rename): the other name kept the old bytes."""
    f, other = tmp_path / "a.py", tmp_path / "same_file.py"
    f.write_bytes(FIXABLE)
    os.link(f, other)
    r = cli("--in-place", f)
    assert r.exit_code == 0, r.stderr
    assert f.read_bytes() == b"from keras.layers import Dense\n"
    assert other.read_bytes() == f.read_bytes() and os.path.samefile(f, other)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "same_file.py"]  # no temp file left


@pytest.mark.parametrize("status,code,kept", [("match", 0, False), ("differ", 1, True), ("error", 2, True),
                                              ("partial", 3, True)])
def test_in_place_verify_replaces_only_what_verified(tmp_path, monkeypatch, status, code, kept):
    fake_verify_module(monkeypatch, lambda old, new, *a, **k: FakeReport(status))
    f = tmp_path / "a.py"
    f.write_bytes(FIXABLE)
    r = cli("--in-place", "--verify", "--report", tmp_path / "rep.json", f)
    assert r.exit_code == code
    assert f.read_bytes() == (FIXABLE if kept else b"from keras.layers import Dense\n")
    entry = json.loads((tmp_path / "rep.json").read_text())["files"][0]
    assert entry["verify"]["status"] == status and entry["verify"].get("restored", False) is kept


def test_ctrl_c_exits_130(tmp_path, monkeypatch):
    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "run_batch", interrupted)
    f = tmp_path / "a.py"
    f.write_bytes(FIXABLE)
    r = cli("--check", f)
    assert r.exit_code == 130 and "interrupted" in r.stderr


@pytest.mark.parametrize("data", [b"import keras\x00\n", "import keras\n".encode("utf-16")])
def test_a_binary_or_utf16_file_is_refused_never_emptied(tmp_path, data):
    f = tmp_path / "b.py"
    f.write_bytes(data)
    r = cli(f)
    assert r.exit_code == 2 and r.stdout == "" and "not Python source text" in r.stderr
    assert f.read_bytes() == data
    out = tmp_path / "out.py"
    assert cli(f, "-o", out).exit_code == 2 and not out.exists()


@pytest.mark.parametrize("command", ["graph"])
def test_read_only_commands_decode_like_migrate(tmp_path, command):
    """A latin-1 file with its coding cookie and a UTF-8 file with a BOM: no UnicodeDecodeError traceback, no
    false 'syntax error U+FEFF'."""
    body = "from keras.layers import Input, Dense\nfrom keras.models import Model\na = Input(shape=(3,))\n" \
           "m = Model(a, Dense(2)(a))\n"
    latin = tmp_path / "latin.py"
    latin.write_bytes(("# -*- coding: latin-1 -*-\n# caf\u00e9\n" + body).encode("latin-1"))
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + body.encode())
    for f in (latin, bom):
        args = [command, str(f)]
        r = CliRunner().invoke(main, args, catch_exceptions=False)
        assert r.exit_code == 0, r.stderr
        assert "Traceback" not in r.stderr and "U+FEFF" not in r.stderr
