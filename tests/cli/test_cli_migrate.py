"""`kfn-gen migrate` end to end: modes, exit codes, stdin, reports, verification hook."""
from __future__ import annotations

import json
import subprocess
import sys

import libcst as cst
import pytest
from click.testing import CliRunner

from kfn_gen.files import batch
from kfn_gen.cli import main
from kfn_gen.diagnostics import Diagnostic, MigrationResult
from kfn_gen.options import Options
from kfn_gen.files.report import Progress
from tests.helpers import FakeReport, fake_verify_module

OLD = b"import keras\nfrom keras.layers.core import Dense\n"
NEW = b"import keras\nfrom keras.layers import Dense\n"
PY2 = b"import keras\nprint 'hello'\n"


def fake_migrate(source: str, path: str, options: Options = Options()) -> MigrationResult:
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        d = Diagnostic(path, exc.raw_line, exc.raw_column + 1, "error", f"syntax error: {exc.message}", "parse")
        return MigrationResult(path, source, None, (d,))
    diags = tuple(Diagnostic(path, i, line.find("keras.layers.core") + 1, "info", "core -> layers", "core-import")
                  for i, line in enumerate(source.splitlines(), 1) if "keras.layers.core" in line)
    return MigrationResult(path, source, source.replace("keras.layers.core", "keras.layers"), diags)


@pytest.fixture(autouse=True)
def _fake(monkeypatch):
    monkeypatch.setattr(batch, "default_migrate_fn", fake_migrate)


def cli(*args, input=None):
    return CliRunner().invoke(main, ["migrate", *map(str, args)], input=input, catch_exceptions=False)


def make_repo(root, files):
    for name, data in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return root


def test_check_exit_codes(tmp_path):
    clean = make_repo(tmp_path / "clean", {"a.py": NEW, "b.py": b"x = 1\n"})
    dirty = make_repo(tmp_path / "dirty", {"a.py": OLD, "b.py": NEW})
    broken = make_repo(tmp_path / "broken", {"a.py": OLD, "b.py": PY2})
    r = cli("--check", clean)
    assert r.exit_code == 0, r.output
    r = cli("--check", dirty)
    assert r.exit_code == 1
    assert "1 file would be changed, 1 unchanged, 0 failed" in r.stderr
    r = cli("--check", broken)
    assert r.exit_code == 2
    assert f"{broken / 'b.py'}:2:" in r.stderr and "Python 2" in r.stderr
    assert (dirty / "a.py").read_bytes() == OLD and (broken / "a.py").read_bytes() == OLD


def test_diff_output_plain_and_colored(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_repo(tmp_path, {"pkg/a.py": OLD, "pkg/b.py": NEW})
    r = cli("--diff", "pkg")
    assert r.exit_code == 0
    assert r.stdout == ("--- a/pkg/a.py\n+++ b/pkg/a.py\n@@ -1,2 +1,2 @@\n import keras\n"
                        "-from keras.layers.core import Dense\n+from keras.layers import Dense\n")
    assert "\x1b[" not in r.stdout
    assert (tmp_path / "pkg" / "a.py").read_bytes() == OLD  # --diff alone writes nothing
    r = cli("--diff", "--color", "pkg")
    assert "\x1b[32m+from keras.layers import Dense\x1b[0m" in r.stdout


def test_in_place_and_summary(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.py": OLD, "sub/b.py": OLD, "c.py": b"import os\n"})
    r = cli("--in-place", repo)
    assert r.exit_code == 0
    assert (repo / "a.py").read_bytes() == NEW and (repo / "sub/b.py").read_bytes() == NEW
    assert "kfn-gen: 2 files changed, 1 unchanged, 0 failed, 0 skipped" in r.stderr
    assert "rules applied: core-import x2" in r.stderr
    assert f"{repo / 'a.py'}:2:6: info: core -> layers [core-import]" in r.stderr
    r = cli("--check", repo)  # idempotent
    assert r.exit_code == 0


def test_out_dir_mirrors_tree(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.py": OLD, "docs/x.md": b"# x\r\n", "nb/data.csv": b"1,2\n"})
    out = tmp_path / "out"
    r = cli("--out-dir", out, repo)
    assert r.exit_code == 0
    got = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert got == {"a.py": NEW, "docs/x.md": b"# x\r\n", "nb/data.csv": b"1,2\n"}
    assert (repo / "a.py").read_bytes() == OLD


def test_check_with_out_dir_writes_mirror_but_not_inputs(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.py": OLD})
    r = cli("--check", "--out-dir", tmp_path / "o", repo)
    assert r.exit_code == 1
    assert (tmp_path / "o" / "a.py").read_bytes() == NEW and (repo / "a.py").read_bytes() == OLD


def test_single_file_to_stdout_and_output(tmp_path):
    f = tmp_path / "a.py"
    f.write_bytes(OLD.replace(b"\n", b"\r\n"))
    r = cli(f)
    assert r.exit_code == 0 and r.stdout_bytes == NEW.replace(b"\n", b"\r\n")
    assert "kfn-gen:" not in r.stderr  # a filter: no summary
    out = tmp_path / "out.py"
    r = cli(f, "-o", out)
    assert r.exit_code == 0 and out.read_bytes() == NEW.replace(b"\n", b"\r\n") and r.stdout == ""


def test_several_files_need_a_mode(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.py": OLD, "b.py": OLD})
    r = cli(repo)
    assert r.exit_code == 2 and "--in-place, --out-dir, --check or --diff" in r.stderr
    r = cli("--in-place", "--check", repo)
    assert r.exit_code == 2


def test_stdin(tmp_path):
    r = cli("-", input=OLD)
    assert r.exit_code == 0 and r.stdout_bytes == NEW
    r = cli("--check", "-", input=OLD)
    assert r.exit_code == 1 and r.stdout == ""
    r = cli("--diff", "--stdin-filename", "model.py", "-", input=OLD)
    assert "--- a/model.py" in r.stdout and "+from keras.layers import Dense" in r.stdout
    r = cli("--stdin-filename", "old.py", "-", input=PY2)
    assert r.exit_code == 2 and "old.py:2:" in r.stderr and r.stdout == ""
    latin = "# -*- coding: latin-1 -*-\n# \xe9\nfrom keras.layers.core import Dense\n".encode("latin-1")
    r = cli("-", input=latin)
    assert r.stdout_bytes == latin.replace(b"keras.layers.core", b"keras.layers")


def test_stdin_notebook():
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("!pip install keras\nfrom keras.layers.core import Dense")]
    data = nbformat.writes(nb).encode()
    r = cli("--stdin-filename", "nb.ipynb", "-", input=data)
    assert r.exit_code == 0
    assert r.stdout_bytes == data.replace(b"keras.layers.core", b"keras.layers")


def test_jobs_2_same_output_as_jobs_1(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {f"p{i % 3}/m{i}.py": (OLD if i % 4 else PY2) for i in range(9)}
    make_repo(tmp_path / "r", files)
    r1 = cli("--check", "--diff", "-j", "1", "r")
    r2 = cli("--check", "--diff", "-j", "2", "r")
    assert r1.exit_code == r2.exit_code == 2
    assert r1.stdout == r2.stdout
    strip = lambda s: [line for line in s.splitlines() if not line.startswith("kfn-gen:")]  # noqa: E731 (timing)
    assert strip(r1.stderr) == strip(r2.stderr)


def test_exclude_and_gitignore(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.py": OLD, "gen/b.py": OLD, "c_test.py": OLD, ".gitignore": b"gen/\n"})
    r = cli("--check", "--exclude", "*_test.py", repo)
    assert r.exit_code == 1 and "1 file would be changed" in r.stderr
    r = cli("--check", "--no-respect-gitignore", repo)
    assert "3 files would be changed" in r.stderr


def test_json_report_and_summary_md(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.py": OLD, "b.py": PY2, "c.py": NEW})
    rep, md = tmp_path / "report.json", tmp_path / "summary.md"
    md.write_text("previous step\n")
    r = cli("--check", "--report", rep, "--summary-md", md, repo)
    assert r.exit_code == 2
    data = json.loads(rep.read_text())
    assert data["summary"]["changed"] == 1 and data["summary"]["failed"] == 1 and data["summary"]["unchanged"] == 1
    assert data["summary"]["rules"] == {"core-import": 1}
    files = {f["path"].rsplit("/", 1)[-1]: f for f in data["files"]}
    assert files["a.py"]["status"] == "changed" and files["a.py"]["edits"][0]["rule"] == "core-import"
    assert files["b.py"]["status"] == "failed" and files["b.py"]["diagnostics"][0]["line"] == 2
    text = md.read_text()
    assert text.startswith("previous step\n## kfn-gen migrate ❌")
    assert "| `core-import` | 1 |" in text and "Could not be processed" in text


def test_quiet_hides_info_and_summary(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.py": OLD})
    r = cli("--check", "-q", repo)
    assert r.exit_code == 1 and r.stderr == ""


def _fake_verify(monkeypatch, status, calls):
    def verify_pair(old, new, *a, **k):
        calls.append((open(old, "rb").read(), open(new, "rb").read()))
        return FakeReport(status)

    fake_verify_module(monkeypatch, verify_pair)


@pytest.mark.parametrize("status,code", [("match", 0), ("differ", 1), ("error", 2)])
def test_verify_in_place_compares_original_and_migrated(tmp_path, monkeypatch, status, code):
    calls = []
    _fake_verify(monkeypatch, status, calls)
    repo = make_repo(tmp_path / "r", {"a.py": OLD, "b.py": NEW})
    r = cli("--in-place", "--verify", "--report", tmp_path / "rep.json", repo)
    assert r.exit_code == code
    assert calls == [(OLD, NEW)]  # only changed files; the original came from a temp copy
    assert json.loads((tmp_path / "rep.json").read_text())["files"][0]["verify"]["status"] == status
    assert f"| table | {status} |" in r.stderr  # the figures, whatever the verdict


def test_verify_options_reach_the_verifier(tmp_path, monkeypatch):
    """migrate --verify takes the same limits and command line as `kfn-gen verify`, passed as one object."""
    seen = []
    fake_verify_module(monkeypatch, lambda old, new, options: seen.append(options) or FakeReport("match"))
    repo = make_repo(tmp_path / "r", {"a.py": OLD})
    r = cli("--check", "--verify", "--timeout", "7", "--memory-mb", "3000", "--seed", "3", "--no-train-check",
            "--argv", "in.txt --epochs 2", repo)
    assert r.exit_code == 1 and len(seen) == 1
    opts = seen[0]
    assert (opts.timeout_s, opts.memory_mb, opts.seed, opts.check_training) == (7, 3000, 3, False)
    assert opts.argv == ("in.txt", "--epochs", "2")
    seen.clear()
    cli("--check", "--verify", repo)
    assert (seen[0].timeout_s, seen[0].memory_mb, seen[0].argv) == (300, 6000, None)


def test_verify_check_mode_without_out_dir(tmp_path, monkeypatch):
    calls = []
    _fake_verify(monkeypatch, "match", calls)
    repo = make_repo(tmp_path / "r", {"a.py": OLD})
    r = cli("--check", "--verify", repo)
    assert r.exit_code == 1 and calls == [(OLD, NEW)]  # would change -> 1 even when verified
    assert (repo / "a.py").read_bytes() == OLD


def test_verify_single_file_with_output(tmp_path, monkeypatch):
    calls = []
    _fake_verify(monkeypatch, "match", calls)
    f, out = tmp_path / "a.py", tmp_path / "migrated.py"
    f.write_bytes(OLD)
    r = cli(f, "-o", out, "--verify")
    assert r.exit_code == 0 and calls == [(OLD, NEW)] and out.read_bytes() == NEW
    assert "verification match" in r.stderr and "| table | match |" in r.stderr
    quiet = cli(f, "-o", out, "--verify", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""  # -q: a match prints nothing


def test_verify_unavailable_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "kfn_gen.verify", None)
    repo = make_repo(tmp_path / "r", {"a.py": OLD})
    r = cli("--out-dir", tmp_path / "o", "--verify", repo)
    assert r.exit_code == 2 and "--verify is not available" in r.stderr and "kfn-gen[tf]" in r.stderr


def test_importing_the_cli_does_not_import_tensorflow():
    code = "import kfn_gen.cli, kfn_gen.cli.migrate, kfn_gen.files.batch, kfn_gen.files.report, kfn_gen.files.notebooks, sys; " \
           "assert 'tensorflow' not in sys.modules, 'tensorflow imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_progress_only_on_a_tty():
    class Stream:
        def __init__(self, tty):
            self.tty, self.data = tty, ""

        def isatty(self):
            return self.tty

        def write(self, s):
            self.data += s

        def flush(self):
            pass

    for tty in (True, False):
        s = Stream(tty)
        p = Progress(3, s)
        for i in range(3):
            p.update(i + 1, f"f{i}.py")
        p.clear()
        assert bool(s.data) is tty
        if tty:
            assert "3/3 f2.py" in s.data


LEGACY = b"""# -*- coding: utf-8 -*-
from keras.models import Sequential
from keras.layers.core import Dense, Dropout  # a comment that must survive

model = Sequential()
model.add(Dense(64, input_dim=20, activation='relu'))
model.add(Dropout(0.5))
model.compile(loss='binary_crossentropy', optimizer='sgd')
"""


def test_real_migrator_second_run_changes_nothing(tmp_path, monkeypatch):
    """Integration with whatever rules exist: a migrated tree is a fixed point."""
    monkeypatch.undo()  # the real kfn_gen.migrate.pipeline.migrate_source
    repo = make_repo(tmp_path / "r", {"a.py": LEGACY, "b.py": LEGACY.replace(b"\n", b"\r\n"), "c.py": b"x = 1\n"})
    r = cli("--in-place", repo)
    assert r.exit_code == 0, r.stderr
    first = {p.name: p.read_bytes() for p in repo.iterdir()}
    assert first["c.py"] == b"x = 1\n"
    assert b"\r\n" in first["b.py"] and b"\n" not in first["b.py"].replace(b"\r\n", b"")
    r = cli("--check", "--diff", repo)
    assert r.exit_code == 0 and r.stdout == "", r.stdout
    assert {p.name: p.read_bytes() for p in repo.iterdir()} == first
