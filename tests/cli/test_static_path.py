"""The static migrator installs and runs without TensorFlow: it must never import it."""
from __future__ import annotations

import subprocess
import sys

from tests.helpers import FIXTURES, ROOT

PROBE = """
import sys
from click.testing import CliRunner
from kfn_gen.cli import main
result = CliRunner().invoke(main, ["migrate", sys.argv[1]])
assert result.exit_code == 0, result.output
assert "keras224_hard_sigmoid" in result.output
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "jax", "torch"))
print("HEAVY", heavy)
"""


def test_migrate_does_not_import_tensorflow_or_keras():
    out = subprocess.run([sys.executable, "-c", PROBE, str(FIXTURES / "func_shared_lstm" / "input.py")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout
