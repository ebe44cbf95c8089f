"""`--cwd DIR`: both sides run in their own copy of DIR, so a script that reads a data file beside it by a
relative path runs whole; without it, that statement fails on both sides and no model is built to compare."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from kfn_gen.cli import main

pytestmark = [pytest.mark.tf, pytest.mark.legacy]

SCRIPT = """\
from keras.models import Sequential
from keras.layers import Dense
units = int(open('units.txt').read())
model = Sequential([Dense(units, input_shape=(4,), activation='relu'), Dense(2)])
model.compile('sgd', 'mse')
"""


def test_data_beside_the_script_is_found_with_cwd(tmp_path, legacy_dir):
    project = tmp_path / "project"
    project.mkdir()
    (project / "train.py").write_text(SCRIPT)
    (project / "units.txt").write_text("3\n")
    args = ["migrate", str(project / "train.py"), "-o", str(tmp_path / "migrated.py"), "--verify",
            "--legacy-dir", legacy_dir]
    r = CliRunner().invoke(main, [*args, "--cwd", str(project)])
    assert r.exit_code == 0, r.stderr[-2000:]
    assert "verification match" in r.stderr and "5 of 5 top-level statements" in r.stderr
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and "units.txt" in r.stderr, r.stderr[-2000:]  # no model: nothing to compare
    assert (project / "units.txt").read_text() == "3\n"
