"""The Keras 2.2.4 source distribution as a real-world corpus (examples/, tests/, docs/) for tests,
benchmarks and scripts/examples_table.py: fetched once from PyPI with `pip download --no-binary
:all: --no-deps keras==2.2.4` into a cache outside the repository, never committed."""
from __future__ import annotations

import fcntl
import glob
import os
import subprocess
import sys
import tarfile

PARTS = ("examples", "tests", "docs")


def cache_dir() -> str:
    """$KFN_GEN_SDIST_DIR, else <user cache>/kfn-gen/sdist."""
    env = os.environ.get("KFN_GEN_SDIST_DIR")
    if env:
        return os.path.abspath(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kfn-gen", "sdist")


def sdist_root(dest: str | None = None) -> str:
    """The extracted Keras-2.2.4 directory (examples/, tests/, docs/), downloading it on first use."""
    dest = dest or cache_dir()
    root = os.path.join(dest, "Keras-2.2.4")
    if all(glob.glob(os.path.join(root, part, "**", "*.py"), recursive=True) for part in PARTS):
        return root
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, ".lock"), "w") as lock:  # parallel test workers fetch it once
        fcntl.flock(lock, fcntl.LOCK_EX)                   # released when the file closes
        if all(glob.glob(os.path.join(root, part, "**", "*.py"), recursive=True) for part in PARTS):
            return root
        return _fetch(dest, root)


def _fetch(dest: str, root: str) -> str:
    tarballs = glob.glob(os.path.join(dest, "[Kk]eras-2.2.4.tar.gz"))
    if not tarballs:
        subprocess.run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-binary", ":all:",
                        "--no-deps", "--no-build-isolation", "keras==2.2.4", "-d", dest], check=True,
                       stdout=subprocess.DEVNULL)
        tarballs = glob.glob(os.path.join(dest, "[Kk]eras-2.2.4.tar.gz"))
    with tarfile.open(tarballs[0]) as tf:
        members = [m for m in tf.getmembers() if m.isfile() and m.name.split("/")[1:2] and m.name.split("/")[1] in PARTS]
        tf.extractall(dest, members=members, filter="data")
    extracted = glob.glob(os.path.join(dest, "[Kk]eras-2.2.4"))[0]
    if extracted != root:
        os.rename(extracted, root)
    return root


def corpus_files(root: str, part: str) -> list[str]:
    return sorted(glob.glob(os.path.join(root, part, "**", "*.py"), recursive=True))
