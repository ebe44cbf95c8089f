"""Bad checkpoints fail cleanly: a clear message naming what is missing, exit status 2, no traceback, and no
output file (not even a partial one).  No Keras is needed to refuse them: these are read with h5py alone."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kfn_gen.checkpoints.convert import plan_checkpoint
from kfn_gen.checkpoints.h5file import CheckpointError
from kfn_gen.cli import main

h5py = pytest.importorskip("h5py")

DENSE = {"class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "linear",
                                           "batch_input_shape": [None, 3]}}


def _keras_file(path, layers, version="2.2.4", cls="Sequential"):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = version
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps({"class_name": cls, "config": {"name": "m", "layers": layers}})
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = [layer["config"]["name"].encode() for layer in layers]
        for layer in layers:
            g.create_group(layer["config"]["name"]).attrs["weight_names"] = []
    return path


def _refused(path, *words):
    with pytest.raises(CheckpointError) as err:
        plan_checkpoint(str(path))
    for w in words:
        assert w in str(err.value), str(err.value)
    return str(err.value)


def test_not_hdf5(tmp_path):
    p = tmp_path / "model.h5"
    p.write_text("not a checkpoint")
    _refused(p, "not an HDF5 file")


def test_truncated(tmp_path):
    whole = _keras_file(tmp_path / "whole.h5", [DENSE])
    cut = tmp_path / "cut.h5"
    cut.write_bytes(whole.read_bytes()[:900])
    _refused(cut, "cut.h5", "truncated or damaged")


def test_hdf5_but_not_keras(tmp_path):
    with h5py.File(tmp_path / "data.h5", "w") as f:
        f["x"] = [1, 2, 3]
    _refused(tmp_path / "data.h5", "not a Keras checkpoint", "layer_names")


def test_weights_only_file_says_what_to_do(tmp_path):
    with h5py.File(tmp_path / "w.h5", "w") as f:
        f.attrs["layer_names"] = [b"d"]
        f.create_group("d").attrs["weight_names"] = []
    _refused(tmp_path / "w.h5", "weights-only", "load_weights")


def test_custom_layer_and_lambda_are_named(tmp_path):
    custom = {"class_name": "AttentionLayer", "config": {"name": "att"}}
    msg = _refused(_keras_file(tmp_path / "c.h5", [DENSE, custom]), "layer 'att'", "AttentionLayer", "custom")
    assert msg.startswith(str(tmp_path / "c.h5"))
    lam = {"class_name": "Lambda", "config": {"name": "lam", "function": ["4wAAAA==", None, None]}}
    _refused(_keras_file(tmp_path / "l.h5", [DENSE, lam]), "layer 'lam'", "bytecode")


def test_unfoldable_hard_sigmoid_is_refused_not_changed(tmp_path):
    act = {"class_name": "Activation", "config": {"name": "act", "activation": "hard_sigmoid"}}
    _refused(_keras_file(tmp_path / "a.h5", [DENSE, act]), "layer 'act'", "hard_sigmoid", "clip(0.2x+0.5, 0, 1)")


def test_cli_exit_2_and_nothing_written(tmp_path):
    bad = tmp_path / "model.h5"
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    result = CliRunner().invoke(main, ["convert", str(bad), "-o", str(tmp_path / "model.keras")])
    assert result.exit_code == 2, result.output
    assert "kfn-gen convert:" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.h5"]


def test_output_must_be_a_keras3_file(tmp_path):
    good = _keras_file(tmp_path / "m.h5", [DENSE])
    result = CliRunner().invoke(main, ["convert", str(good), "-o", str(tmp_path / "m.h5.new")])
    assert result.exit_code == 2 and "must end in .keras" in result.output

