"""Which files a batch migrates (*.py, *.ipynb) and which it only copies; VCS/venv/cache directories are never
entered, .gitignore files and --exclude patterns are honoured, symlinked directories are not followed."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Iterator

from kfn_gen.diagnostics import RULE_SKIP
from kfn_gen.files.ignore import IgnorePattern, is_ignored, read_gitignore
from kfn_gen.diagnostics import Diagnostic


#: Directory names never entered (like black/ruff defaults, plus installed-package trees).
DEFAULT_EXCLUDED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "_darcs", ".jj",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
    ".tox", ".nox", ".venv", "venv", ".direnv", ".eggs", "__pypackages__",
    "site-packages", "dist-packages", "node_modules", ".ipynb_checkpoints",
    "build", "dist", "buck-out", "_build",
})

PY_SUFFIXES = (".py", ".pyw", ".pyi")
NB_SUFFIXES = (".ipynb",)



# ---------------------------------------------------------------------------------------------
# discovery


@dataclass(frozen=True)
class FileTask:
    src: str  # path to read (as the user would write it)
    rel: str  # path relative to the mirrored base (posix), used for --out-dir
    kind: str  # "python" | "notebook" | "copy" | "skip" | "symlink"
    note: Diagnostic | None = None
    link_target: str | None = None


def _kind_of(name: str) -> str:
    if name.endswith(PY_SUFFIXES):
        return "python"
    if name.endswith(NB_SUFFIXES):
        return "notebook"
    return "copy"


def _within(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:
        return False


def mirror_base(paths: list[str]) -> str:
    """The directory the --out-dir tree mirrors: the common parent of all inputs."""
    dirs = [os.path.abspath(p if os.path.isdir(p) and not os.path.islink(p) else os.path.dirname(os.path.abspath(p)))
            for p in paths]
    return os.path.commonpath(dirs) if dirs else os.getcwd()


def discover(paths: list[str], excludes: Iterable[str] = (), respect_gitignore: bool = True,
             skip_dirs: Iterable[str] = ()) -> list[FileTask]:
    """Expand files and directories into tasks, in a stable (sorted, depth-first) order."""
    base = mirror_base(paths)
    skip_real = {os.path.realpath(d) for d in skip_dirs}
    tasks: list[FileTask] = []
    seen: set[str] = set()

    def add(task: FileTask) -> None:
        key = os.path.abspath(task.src)
        if key not in seen:
            seen.add(key)
            tasks.append(task)

    for arg in paths:
        arg_abs = os.path.abspath(arg)
        ex = [p for p in (IgnorePattern.parse(e) for e in excludes) if p is not None]
        if os.path.isdir(arg) and not os.path.islink(arg):
            for t in _walk(arg, base, ex, respect_gitignore, skip_real):
                add(t)
            continue
        rel = os.path.relpath(arg_abs, base).replace(os.sep, "/")
        name = os.path.basename(arg_abs)
        if ex and (is_ignored(ex, name, False) or is_ignored(ex, arg.replace(os.sep, "/").lstrip("./"), False)):
            continue
        if os.path.islink(arg):
            target = os.path.realpath(arg)
            if os.path.isdir(target):
                add(FileTask(arg, rel, "skip", Diagnostic(arg, 1, 1, "info", "symlink to a directory not followed", RULE_SKIP)))
                continue
            kind = _kind_of(name)
            add(FileTask(arg, rel, kind if kind != "copy" else "copy"))  # an explicit link is the user's choice
            continue
        if not os.path.exists(arg):
            add(FileTask(arg, rel, "skip", Diagnostic(arg, 0, 0, "error", "no such file or directory", "io")))
            continue
        add(FileTask(arg, rel, _kind_of(name)))
    return tasks


def _ancestor_gitignores(root: str) -> list[IgnorePattern]:
    """Patterns of .gitignore files above root, up to the enclosing git work tree's top.

    They are re-based onto root: a pattern of ../.gitignore anchored at "src/x.py" applies to
    "x.py" when root is src/.  Unanchored patterns apply as they are.
    """
    root_abs = os.path.abspath(root)
    chain, d = [], root_abs
    while True:
        parent = os.path.dirname(d)
        if os.path.isdir(os.path.join(d, ".git")) or parent == d:
            top = d if os.path.isdir(os.path.join(d, ".git")) else None
            break
        d = parent
    if top is None or top == root_abs:
        return []
    d = top
    while d != root_abs:
        chain.append(d)
        d = os.path.join(d, os.path.relpath(root_abs, d).split(os.sep)[0])
    out = []
    for anc in chain:
        prefix = os.path.relpath(root_abs, anc).replace(os.sep, "/") + "/"
        for p in read_gitignore(os.path.join(anc, ".gitignore"), ""):
            anchored = p.regex.pattern.startswith("^") and not p.regex.pattern.startswith(r"^(?:.*/)?")
            if not anchored:
                out.append(p)
            elif p.text.startswith(prefix.rstrip("/") + "/") or p.text.startswith(prefix):
                q = IgnorePattern.parse(("!" if p.negate else "") + "/" + p.text[len(prefix):]
                                        + ("/" if p.dir_only else ""))
                if q is not None:
                    out.append(q)
    return out


def _walk(root: str, base: str, excludes: list[IgnorePattern], respect_gitignore: bool,
          skip_real: set[str]) -> Iterator[FileTask]:
    root_real = os.path.realpath(root)
    patterns: list[IgnorePattern] = (_ancestor_gitignores(root) if respect_gitignore else []) + list(excludes)

    def rec(dirpath: str, rel_dir: str, pats: list[IgnorePattern]) -> Iterator[FileTask]:
        if respect_gitignore:
            gi = os.path.join(dirpath, ".gitignore")
            if os.path.isfile(gi):
                pats = pats + read_gitignore(gi, rel_dir)
        try:
            entries = sorted(os.scandir(dirpath), key=lambda e: e.name)
        except OSError as exc:
            yield FileTask(dirpath, rel_dir, "skip", Diagnostic(dirpath, 0, 0, "error", f"cannot list directory: {exc.strerror}", "io"))
            return
        for e in entries:
            rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
            src = os.path.join(dirpath, e.name)
            mirror_rel = os.path.relpath(os.path.abspath(src), base).replace(os.sep, "/")
            if e.is_symlink():
                if is_ignored(pats, rel, os.path.isdir(src)):
                    continue
                target = os.path.realpath(src)
                if os.path.isdir(target):
                    yield FileTask(src, mirror_rel, "skip", Diagnostic(src, 1, 1, "info", "symlinked directory not followed", RULE_SKIP))
                elif not _within(target, root_real):
                    yield FileTask(src, mirror_rel, "skip", Diagnostic(
                        src, 1, 1, "info", f"symlink to a file outside the tree ({target}) skipped", RULE_SKIP))
                else:
                    # the target is migrated on its own; --out-dir recreates the link
                    yield FileTask(src, mirror_rel, "symlink", None, os.readlink(src))
                continue
            if e.is_dir(follow_symlinks=False):
                if e.name in DEFAULT_EXCLUDED_DIRS or e.name.endswith(".egg-info"):
                    continue
                if os.path.realpath(src) in skip_real:
                    continue
                if os.path.exists(os.path.join(src, "pyvenv.cfg")):  # a virtual environment
                    continue
                if is_ignored(pats, rel, True):
                    continue
                yield from rec(src, rel, pats)
            elif e.is_file(follow_symlinks=False):
                if is_ignored(pats, rel, False):
                    continue
                yield FileTask(src, mirror_rel, _kind_of(e.name))

    yield from rec(root, "", patterns)
