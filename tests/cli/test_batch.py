"""Batch engine: discovery, per-file processing, never losing a byte (real files in tmp_path).

The migrator is injected (``fake_migrate``) so these tests do not depend on which rules exist.
"""
from __future__ import annotations

import os
import stat

import pytest

from kfn_gen.files.batch import BatchConfig, process_task, run_batch
from kfn_gen.files.discover import discover
from kfn_gen.files.ignore import IgnorePattern, is_ignored
from kfn_gen.diagnostics import Diagnostic, MigrationResult
import libcst as cst
from kfn_gen.options import Options


def parse_only(source: str, path: str) -> MigrationResult:
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        d = Diagnostic(path, exc.raw_line, exc.raw_column + 1, "error", f"syntax error: {exc.message}", "parse")
        return MigrationResult(path, source, None, (d,))
    return MigrationResult(path, source, source, ())


def fake_migrate(source: str, path: str, options: Options) -> MigrationResult:
    """Rewrites keras.layers.core -> keras.layers (one info per edit); raises on RAISE_ME."""
    if "RAISE_ME" in source:
        raise RuntimeError("boom")
    parsed = parse_only(source, path)  # syntax errors as the front end reports them
    if parsed.code is None:
        return parsed
    diags = []
    for i, line in enumerate(source.splitlines(), 1):
        col = line.find("keras.layers.core")
        if col >= 0:
            diags.append(Diagnostic(path, i, col + 1, "info", "keras.layers.core -> keras.layers", "core-import"))
    return MigrationResult(path, source, source.replace("keras.layers.core", "keras.layers"), tuple(diags))


OLD = b"import keras\nfrom keras.layers.core import Dense\n"
NEW = b"import keras\nfrom keras.layers import Dense\n"


def cfg(**kw) -> BatchConfig:
    return BatchConfig(migrate_fn=fake_migrate, **kw)


def run(paths, jobs=1, **kw):
    tasks = discover([str(p) for p in paths])
    if not kw.get("out_dir"):
        tasks = [t for t in tasks if t.kind not in ("copy", "symlink")]
    return run_batch(tasks, cfg(**kw), jobs)


def by_name(results):
    return {os.path.basename(r.path): r for r in results}


def test_crlf_file_keeps_crlf(tmp_path):
    f = tmp_path / "a.py"
    f.write_bytes(OLD.replace(b"\n", b"\r\n"))
    [r] = run([f], in_place=True)
    assert r.status == "changed"
    assert f.read_bytes() == NEW.replace(b"\n", b"\r\n")


def test_mixed_line_endings_kept_exactly(tmp_path):
    f = tmp_path / "a.py"
    f.write_bytes(b"import keras\r\nfrom keras.layers.core import Dense\nx = 1\r\ny = 2")
    run([f], in_place=True)
    assert f.read_bytes() == b"import keras\r\nfrom keras.layers import Dense\nx = 1\r\ny = 2"


def test_bom_kept(tmp_path):
    f = tmp_path / "a.py"
    f.write_bytes(b"\xef\xbb\xbf" + OLD)
    run([f], in_place=True)
    assert f.read_bytes() == b"\xef\xbb\xbf" + NEW


def test_latin1_cookie_file(tmp_path):
    f = tmp_path / "a.py"
    src = "# -*- coding: latin-1 -*-\n# Auteur: Andr\xe9\nfrom keras.layers.core import Dense\n"
    f.write_bytes(src.encode("latin-1"))
    [r] = run([f], in_place=True)
    assert r.status == "changed"
    assert f.read_bytes() == src.replace("keras.layers.core", "keras.layers").encode("latin-1")


def test_invalid_bytes_diagnostic_and_untouched(tmp_path):
    f = tmp_path / "a.py"
    data = b"import keras\nx = '\xff\xfe'\nfrom keras.layers.core import Dense\n"
    f.write_bytes(data)
    [r] = run([f], in_place=True)
    assert r.status == "failed"
    [d] = r.diagnostics
    assert (d.line, d.col, d.severity) == (2, 6, "error")
    assert f.read_bytes() == data


def test_py2_file_gets_clear_diagnostic_naming_the_line(tmp_path):
    f = tmp_path / "old.py"
    data = b"import keras\n\nprint \"training\"\n"
    f.write_bytes(data)
    [r] = run([f], in_place=True)
    assert r.status == "failed"
    [d] = [d for d in r.diagnostics if d.severity == "error"]
    assert d.line == 3 and "Python 2" in d.message and "2to3" in d.message
    assert d.format().startswith(f"{f}:3:")
    assert f.read_bytes() == data


def test_binary_file_skipped_with_diagnostic(tmp_path):
    f = tmp_path / "blob.py"
    data = b"keras\0\x01\x02\xff" * 10
    f.write_bytes(data)
    [r] = run([f], in_place=True)
    assert r.status == "skipped"
    [d] = r.diagnostics
    assert d.severity == "warning" and "binary" in d.message
    assert f.read_bytes() == data


def test_permissions_kept(tmp_path):
    f = tmp_path / "run.py"
    f.write_bytes(OLD)
    os.chmod(f, 0o750)
    run([f], in_place=True)
    assert f.read_bytes() == NEW and stat.S_IMODE(os.stat(f).st_mode) == 0o750
    out = tmp_path / "out"
    g = tmp_path / "src" / "run.py"
    g.parent.mkdir()
    g.write_bytes(OLD)
    os.chmod(g, 0o700)
    run([g.parent], out_dir=str(out))
    assert stat.S_IMODE(os.stat(out / "run.py").st_mode) == 0o700


def test_file_without_keras_not_rewritten(tmp_path):
    f = tmp_path / "plain.py"
    f.write_bytes(b"import os\r\nprint(os.sep)\n")
    os.utime(f, ns=(1_000_000_000, 1_000_000_000))
    [r] = run([f], in_place=True)
    assert r.status == "unchanged"
    assert f.read_bytes() == b"import os\r\nprint(os.sep)\n"
    assert os.stat(f).st_mtime_ns == 1_000_000_000


def test_unchanged_keras_file_not_rewritten(tmp_path):
    f = tmp_path / "k.py"
    f.write_bytes(NEW)
    os.utime(f, ns=(2_000_000_000, 2_000_000_000))
    [r] = run([f], in_place=True)
    assert r.status == "unchanged" and os.stat(f).st_mtime_ns == 2_000_000_000


def test_second_run_changes_nothing(tmp_path):
    for i in range(3):
        (tmp_path / f"m{i}.py").write_bytes(OLD)
    first = run([tmp_path], in_place=True)
    assert {r.status for r in first} == {"changed"}
    snap = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    second = run([tmp_path], in_place=True)
    assert {r.status for r in second} == {"unchanged"}
    assert snap == {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}


def test_one_bad_file_does_not_stop_the_batch(tmp_path):
    (tmp_path / "a.py").write_bytes(OLD)
    (tmp_path / "b.py").write_bytes(b"import keras\nRAISE_ME = 1\n")
    (tmp_path / "c.py").write_bytes(b"import keras\nprint 'x'\n")
    (tmp_path / "d.py").write_bytes(OLD)
    res = by_name(run([tmp_path], in_place=True))
    assert res["a.py"].status == res["d.py"].status == "changed"
    assert res["b.py"].status == "failed"
    [d] = res["b.py"].diagnostics
    assert d.rule == "internal" and "internal error" in d.message and "please report" in d.message
    assert (tmp_path / "b.py").read_bytes() == b"import keras\nRAISE_ME = 1\n"
    assert res["c.py"].status == "failed"


def test_jobs_2_same_as_jobs_1(tmp_path):
    src = tmp_path / "src"
    for i in range(6):
        (src / f"pkg{i % 2}").mkdir(parents=True, exist_ok=True)
        (src / f"pkg{i % 2}" / f"m{i}.py").write_bytes(OLD if i % 3 else b"import keras\nprint 'x'\n")
    (src / "README.md").write_bytes(b"# readme\n")
    r1 = run([src], jobs=1, out_dir=str(tmp_path / "o1"), want_diff=True)
    r2 = run([src], jobs=2, out_dir=str(tmp_path / "o2"), want_diff=True)
    key = lambda rs: [(r.rel, r.status, [d.format() for d in r.diagnostics], r.diff) for r in rs]  # noqa: E731
    assert key(r1) == key(r2)
    tree = lambda root: {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}  # noqa: E731
    assert tree(tmp_path / "o1") == tree(tmp_path / "o2")


def test_out_dir_mirrors_tree_and_copies_other_files(tmp_path):
    src = tmp_path / "repo"
    (src / "pkg").mkdir(parents=True)
    (src / "pkg" / "model.py").write_bytes(OLD)
    (src / "pkg" / "util.py").write_bytes(b"x = 1\n")
    (src / "data.bin").write_bytes(bytes(range(256)))
    (src / "bad.py").write_bytes(b"import keras\nprint 'x'\n")
    out = tmp_path / "out"
    res = by_name(run([src], out_dir=str(out)))
    assert (out / "pkg" / "model.py").read_bytes() == NEW
    assert (out / "pkg" / "util.py").read_bytes() == b"x = 1\n"
    assert (out / "data.bin").read_bytes() == bytes(range(256))
    assert (out / "bad.py").read_bytes() == b"import keras\nprint 'x'\n"  # failed: copied unchanged
    assert (src / "pkg" / "model.py").read_bytes() == OLD  # inputs untouched
    assert res["data.bin"].status == "copied"


def test_out_dir_inside_input_is_not_walked(tmp_path):
    (tmp_path / "a.py").write_bytes(OLD)
    out = tmp_path / "migrated"
    out.mkdir()
    (out / "stale.py").write_bytes(OLD)
    tasks = discover([str(tmp_path)], skip_dirs=[str(out)])
    assert [t.rel for t in tasks] == ["a.py"]


def test_symlink_out_of_tree_skipped_and_dirs_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_bytes(OLD)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "real.py").write_bytes(OLD)
    (tree / "link_out.py").symlink_to(outside / "secret.py")
    (tree / "link_in.py").symlink_to("real.py")
    (tree / "linkdir").symlink_to(outside, target_is_directory=True)
    res = by_name(run([tree], in_place=True))
    assert (outside / "secret.py").read_bytes() == OLD  # never touched
    assert res["link_out.py"].status == "skipped"
    assert "outside the tree" in res["link_out.py"].diagnostics[0].message
    assert res["linkdir"].status == "skipped"
    assert "secret.py" not in [os.path.basename(r.path) for r in res.values() if r.kind == "python"]
    assert (tree / "link_in.py").is_symlink() and (tree / "real.py").read_bytes() == NEW
    out = tmp_path / "out"
    run([tree], out_dir=str(out))
    assert (out / "link_in.py").is_symlink() and os.readlink(out / "link_in.py") == "real.py"
    assert not (out / "link_out.py").exists() and not (out / "linkdir").exists()


def test_vcs_venv_and_site_packages_skipped(tmp_path):
    for d in [".git", "venv", ".venv", "lib/site-packages/pkg", "env2", "__pycache__", "node_modules"]:
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
        (tmp_path / d / "x.py").write_bytes(OLD)
    (tmp_path / "env2" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "keep.py").write_bytes(OLD)
    assert [t.rel for t in discover([str(tmp_path)])] == ["keep.py"]


def test_gitignore_and_exclude(tmp_path):
    (tmp_path / ".gitignore").write_text("# comment\n*.gen.py\n/build_out/\ndata/**/*.py\n!data/keep/*.py\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitignore").write_text("local.py\n")
    files = ["a.py", "x.gen.py", "build_out/b.py", "data/raw/c.py", "data/keep/d.py", "sub/local.py",
             "sub/e.py", "notes/skipme.py", "notes/n.ipynb"]
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_bytes(OLD)
    rels = [t.rel for t in discover([str(tmp_path)], excludes=["notes/skip*.py"]) if t.kind != "copy"]
    assert rels == ["a.py", "data/keep/d.py", "notes/n.ipynb", "sub/e.py"]
    rels = [t.rel for t in discover([str(tmp_path)], respect_gitignore=False, excludes=["notes/", "*.gen.py"])
            if t.kind != "copy"]
    assert rels == ["a.py", "build_out/b.py", "data/keep/d.py", "data/raw/c.py", "sub/e.py", "sub/local.py"]


@pytest.mark.parametrize("pattern,path,is_dir,expected", [
    ("*.py", "a/b/c.py", False, True),
    ("/a.py", "a.py", False, True),
    ("/a.py", "x/a.py", False, False),
    ("build/", "build", True, True),
    ("build/", "build", False, False),
    ("a/**/z.py", "a/z.py", False, True),
    ("a/**/z.py", "a/b/c/z.py", False, True),
    ("**/tmp", "x/y/tmp", True, True),
    ("doc/*.py", "doc/sub/x.py", False, False),
    ("[ab].py", "b.py", False, True),
    ("[!ab].py", "b.py", False, False),
    ("?.py", "ab.py", False, False),
])
def test_gitignore_matcher(pattern, path, is_dir, expected):
    assert is_ignored([IgnorePattern.parse(pattern)], path, is_dir) is expected


def test_explicit_file_and_missing_path(tmp_path):
    f = tmp_path / "one.py"
    f.write_bytes(OLD)
    tasks = discover([str(f), str(tmp_path / "nope.py")])
    assert [t.kind for t in tasks] == ["python", "skip"]
    r = process_task(tasks[1], cfg())
    assert r.status == "failed" and "no such file" in r.diagnostics[0].message


def test_file_changed_during_migration_is_left_alone(tmp_path, monkeypatch):
    from kfn_gen.files import batch

    f = tmp_path / "a.py"
    f.write_bytes(OLD)
    monkeypatch.setattr(batch, "unchanged_since", lambda path, st: False)
    [r] = run([f], in_place=True)
    assert r.status == "failed" and f.read_bytes() == OLD


def test_write_failure_is_a_diagnostic_and_original_intact(tmp_path, monkeypatch):
    from kfn_gen import sourcefile

    (tmp_path / "a.py").write_bytes(OLD)
    (tmp_path / "b.py").write_bytes(OLD)

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sourcefile.os, "replace", boom)
    res = run([tmp_path], in_place=True)
    assert [r.status for r in res] == ["failed", "failed"]
    assert all("No space left" in r.diagnostics[-1].message for r in res)
    assert (tmp_path / "a.py").read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py"]


def test_check_mode_writes_nothing(tmp_path):
    f = tmp_path / "a.py"
    f.write_bytes(OLD)
    [r] = run([f], in_place=True, check=True, want_diff=True)
    assert r.status == "changed" and f.read_bytes() == OLD
    assert "-from keras.layers.core import Dense" in r.diff and "+from keras.layers import Dense" in r.diff
    assert r.edits and r.edits[0].rule == "core-import"


def test_gitignore_above_the_given_directory_is_honoured(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*.tmp.py\n/src/generated/\n/other/\n")
    for f in ["src/a.py", "src/x.tmp.py", "src/generated/g.py", "src/other/o.py"]:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_bytes(OLD)
    rels = [t.rel for t in discover([str(tmp_path / "src")])]
    assert rels == ["a.py", "other/o.py"]  # /other/ is anchored at the top, not at src/


def lf_migrate(source: str, path: str, options: Options) -> MigrationResult:
    """A migrator that (wrongly) hands back LF endings."""
    res = fake_migrate(source, path, options)
    return MigrationResult(path, source, res.code.replace("\r\n", "\n"), res.diagnostics)


def test_crlf_kept_even_if_the_migrator_returns_lf(tmp_path):
    f = tmp_path / "a.py"
    f.write_bytes(OLD.replace(b"\n", b"\r\n"))
    tasks = discover([str(f)])
    [r] = run_batch(tasks, BatchConfig(migrate_fn=lf_migrate, in_place=True))
    assert r.status == "changed" and f.read_bytes() == NEW.replace(b"\n", b"\r\n")


def crashing_migrate(source: str, path: str, options: Options) -> MigrationResult:
    """Kills its worker process on CRASH_ME (like a segfault in a native parser)."""
    if "CRASH_ME" in source:
        os._exit(139)
    return fake_migrate(source, path, options)


def test_a_worker_crash_fails_only_that_file(tmp_path):
    for i in range(8):
        (tmp_path / f"m{i}.py").write_bytes(b"import keras\nCRASH_ME = 1\n" if i == 3 else OLD)
    res = run_batch(discover([str(tmp_path)]), BatchConfig(migrate_fn=crashing_migrate, out_dir=str(tmp_path / "o")), 2)
    assert [r.rel for r in res] == [f"m{i}.py" for i in range(8)]
    assert [r.status for r in res] == ["changed"] * 3 + ["failed"] + ["changed"] * 4
    assert "worker process died" in res[3].diagnostics[0].message


def deep_migrate(source: str, path: str, options: Options) -> MigrationResult:
    """Recurses 5000 deep, like libcst's codegen on a huge implicit string concatenation."""
    def down(n):
        return 0 if n == 0 else 1 + down(n - 1)
    down(5000)
    return fake_migrate(source, path, options)


def test_deep_recursion_in_the_migrator_is_retried_with_a_big_stack(tmp_path):
    import sys

    f = tmp_path / "a.py"
    f.write_bytes(OLD)
    limit = sys.getrecursionlimit()
    [r] = run_batch(discover([str(f)]), BatchConfig(migrate_fn=deep_migrate, in_place=True))
    assert r.status == "changed" and f.read_bytes() == NEW
    assert sys.getrecursionlimit() == limit
