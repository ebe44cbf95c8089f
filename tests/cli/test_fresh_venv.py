"""README command 1 as a new user runs it: a fresh virtual environment, `pip install .[tf]` (wheels from pip's
cache when it has them), then migrate and verify a bundled seed.  Marked slow (an install of TensorFlow and two
Keras boots); `.ci/run` runs the whole suite in a fresh venv on every submission."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.slow


def test_readme_command_1_matches_in_a_fresh_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", f"{ROOT}[tf]"],
                             capture_output=True, text=True, timeout=1800)
    assert install.returncode == 0, install.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run = subprocess.run([str(venv / "bin" / "kfn-gen"), "migrate", str(ROOT / "fixtures" / "func_multio_model" /
                                                                          "input.py"), "-o", str(tmp_path / "m.py"),
                          "--verify"], capture_output=True, text=True, timeout=1800, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "verification match" in run.stderr
