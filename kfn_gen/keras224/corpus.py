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


# A public breadth corpus that is not the examples (issue 17): releases of 2017-2019 PyPI packages written
# against `import keras` 2.x (layers, models, optimizers, applications, RL, visualisation).  Downloaded at
# run time into the user cache, never committed.  keras-contrib and mtcnn have no downloadable 2.x release.
BREADTH = (
    "keras-self-attention==0.41.0", "keras-multi-head==0.22.0", "keras-pos-embd==0.11.0",
    "keras-transformer==0.30.0", "keras-bert==0.81.0", "keras-tcn==2.8.3", "keras-rl==0.4.2",
    "keras-vis==0.4.1", "keras-resnet==0.2.0", "keras-retinanet==0.5.1", "segmentation-models==0.2.1",
    "efficientnet==0.0.4", "image-classifiers==0.2.2", "keras-vggface==0.6", "textgenrnn==1.4.1",
    "kashgari==0.2.6", "keras-radam==0.12.0", "keras-adabound==0.5.0", "kerassurgeon==0.1.3",
    "keras-layer-normalization==0.14.0", "keras-embed-sim==0.7.0", "keras-position-wise-feed-forward==0.6.0",
)


def package_root(spec: str, dest: str | None = None) -> str:
    """The .py files of one pinned release (`name==version`), extracted from its sdist or wheel into
    <cache>/pypi/<name>-<version>/ on first use; the directory is returned."""
    dest = dest or os.path.join(os.path.dirname(cache_dir()), "pypi")
    name, version = spec.split("==")
    root = os.path.join(dest, f"{name}-{version}")
    if os.path.isfile(os.path.join(root, ".complete")):
        return root
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.isfile(os.path.join(root, ".complete")):
            return root
        downloads = os.path.join(dest, "downloads")
        os.makedirs(downloads, exist_ok=True)
        proc = subprocess.run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-deps",
                               "--no-build-isolation", spec, "-d", downloads], capture_output=True, text=True)
        if proc.returncode:
            raise RuntimeError(f"pip download {spec} failed: {proc.stderr.strip()[-500:]}")
        norm = name.replace("-", "_").lower()
        archive = next(p for p in sorted(glob.glob(os.path.join(downloads, "*")))
                       if os.path.basename(p).replace("-", "_").lower().startswith(f"{norm}_{version}"))
        _extract_py(archive, root)
        open(os.path.join(root, ".complete"), "w").close()
    return root


def _extract_py(archive: str, root: str) -> None:
    import zipfile

    os.makedirs(root, exist_ok=True)
    if archive.endswith(".whl"):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if info.filename.endswith(".py") and ".dist-info/" not in info.filename:
                    target = os.path.join(root, *info.filename.split("/"))
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as fh:
                        fh.write(zf.read(info))
        return
    with tarfile.open(archive) as tf:
        for m in tf.getmembers():
            parts = m.name.split("/")[1:]  # drop the <name>-<version>/ top directory
            if m.isfile() and m.name.endswith(".py") and parts:
                data = tf.extractfile(m).read()
                target = os.path.join(root, *parts)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as fh:
                    fh.write(data)


def package_modules(root: str) -> list[tuple[str, str]]:
    """(dotted module name, path) of the package's own modules: files under a top-level directory with an
    __init__.py, without tests, examples and setup scripts."""
    out = []
    for top in sorted(os.listdir(root)):
        if not os.path.isfile(os.path.join(root, top, "__init__.py")) or top in ("tests", "test", "examples"):
            continue
        for path in sorted(glob.glob(os.path.join(root, top, "**", "*.py"), recursive=True)):
            rel = os.path.relpath(path, root)[:-3].split(os.sep)
            if any(p in ("tests", "test", "examples") or p.startswith("test_") for p in rel) or rel[-1] == "setup":
                continue  # a setup script (a vendored package's setup.py too) runs setup() on import
            if rel[-1] == "__init__":
                rel = rel[:-1]
            out.append((".".join(rel), path))
    return out
