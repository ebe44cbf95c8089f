"""Locate or install the genuine Keras 2.2.4 oracle.  Never imports Keras or TensorFlow.

The oracle is three pinned pure-Python distributions installed with
``pip install --no-deps --target DIR`` (their own dependencies are TensorFlow 2.21's
``tf.compat.v1``, numpy, h5py and scipy, which are already in the environment):

    keras==2.2.4  keras_applications==1.0.6  keras_preprocessing==1.0.5

DIR is, in this order: the ``legacy_dir`` argument, ``$KFN_GEN_LEGACY_DIR``,
``$XDG_CACHE_HOME/kfn-gen/keras224``, ``~/.cache/kfn-gen/keras224``.

An existing directory that holds ``keras/__init__.py`` with version 2.2.4 is used as is (so a
directory installed by hand works).  Otherwise kfn-gen installs into ``DIR.tmp-<pid>`` under an
exclusive ``flock`` on ``DIR.lock`` and renames it to DIR, so parallel test processes never see
a half-installed tree and install it once.
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys

PINS = ("keras==2.2.4", "keras_applications==1.0.6", "keras_preprocessing==1.0.5")
KERAS_VERSION = "2.2.4"
ENV_VAR = "KFN_GEN_LEGACY_DIR"


class LegacyRuntimeError(RuntimeError):
    """The Keras 2.2.4 oracle could not be located or installed."""


def default_legacy_dir() -> str:
    env = os.environ.get(ENV_VAR)
    if env:
        return os.path.abspath(os.path.expanduser(env))
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kfn-gen", "keras224")


def installed_version(path: str) -> str | None:
    """The __version__ written in path/keras/__init__.py, read as text (no import)."""
    init = os.path.join(path, "keras", "__init__.py")
    try:
        with open(init, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return None
    m = re.search(r"__version__\s*=\s*['\"]([^'\"]+)['\"]", text)
    return m.group(1) if m else None


def is_valid(path: str) -> bool:
    return (
        installed_version(path) == KERAS_VERSION
        and os.path.isdir(os.path.join(path, "keras_applications"))
        and os.path.isdir(os.path.join(path, "keras_preprocessing"))
    )


def ensure_legacy_keras(legacy_dir: str | None = None, *, python: str | None = None, timeout_s: float = 600) -> str:
    """Return a directory holding Keras 2.2.4, installing it from PyPI first if needed."""
    target = os.path.abspath(os.path.expanduser(legacy_dir)) if legacy_dir else default_legacy_dir()
    if is_valid(target):
        return target
    if legacy_dir and os.path.isdir(target) and os.listdir(target):
        # A user-given, non-empty directory that is not Keras 2.2.4: never write into it.
        raise LegacyRuntimeError(
            f"{target} does not hold Keras {KERAS_VERSION} (found {installed_version(target)!r}); "
            "point --legacy-dir at a directory installed with: pip install --no-deps --target DIR " + " ".join(PINS)
        )
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    with open(target + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if is_valid(target):  # another process finished while we waited
            return target
        tmp = f"{target}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        cmd = [python or sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
               "--no-deps", "--no-compile", "--target", tmp, *PINS]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise LegacyRuntimeError(f"installing Keras {KERAS_VERSION} timed out after {timeout_s:.0f}s") from exc
        if proc.returncode != 0 or not is_valid(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            raise LegacyRuntimeError(
                f"could not install Keras {KERAS_VERSION} ({' '.join(cmd)}): " + " | ".join(tail))
        if os.path.isdir(target):  # an empty or broken leftover
            shutil.rmtree(target, ignore_errors=True)
        os.rename(tmp, target)
    return target
