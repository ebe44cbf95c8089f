"""kfn-gen graph OLD.h5: a checkpoint's saved config drawn like a script's graph (read with h5py; no Keras)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kfn_gen.cli import main

h5py = pytest.importorskip("h5py")


def test_graph_of_a_checkpoint_draws_shared_layers_and_nested_models(tmp_path):
    """kfn-gen graph OLD.h5: the saved config drawn like a script's graph (no Keras needed)."""
    inner = {"class_name": "Sequential", "config": {"name": "inner", "layers": [
        {"class_name": "Dense", "config": {"name": "d1", "units": 3, "batch_input_shape": [None, 4]}},
        {"class_name": "Dense", "config": {"name": "d2", "units": 2}}]}}
    layers = [
        {"name": "a", "class_name": "InputLayer", "config": {"name": "a", "batch_input_shape": [None, 4]},
         "inbound_nodes": []},
        {"name": "b", "class_name": "InputLayer", "config": {"name": "b", "batch_input_shape": [None, 4]},
         "inbound_nodes": []},
        {"name": "inner", **inner, "inbound_nodes": [[["a", 0, 0, {}]], [["b", 0, 0, {}]]]},
        {"name": "shared", "class_name": "LSTM", "config": {"name": "shared", "units": 2},
         "inbound_nodes": [[["a", 0, 0, {}]], [["b", 0, 0, {}]]]},
        {"name": "cat", "class_name": "Concatenate", "config": {"name": "cat"},
         "inbound_nodes": [[["inner", 1, 0, {}], ["inner", 2, 0, {}], ["shared", 1, 0, {}]]]}]
    path = tmp_path / "m.h5"
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.2.4"
        f.attrs["model_config"] = json.dumps({"class_name": "Model", "config": {
            "name": "m", "layers": layers, "input_layers": [["a", 0, 0], ["b", 0, 0]],
            "output_layers": [["cat", 0, 0]]}})
        f.create_group("model_weights").attrs["layer_names"] = []
    result = CliRunner().invoke(main, ["graph", str(path), "--format", "mermaid"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Sequential inner x2 shared" in out and "LSTM shared x2 shared" in out
    assert "L2 -->|call 2| L3" in out  # input b feeds the nested model's second call
    into_cat = [line.strip() for line in out.splitlines() if line.endswith(" L7")]  # L7: cat
    assert into_cat == ["L3 -->|from call 1| L7", "L3 -->|from call 2| L7", "L6 -->|from call 2| L7"], into_cat
    bad = tmp_path / "bad.h5"
    bad.write_text("x")
    result = CliRunner().invoke(main, ["graph", str(bad)])
    assert result.exit_code == 2 and "not an HDF5 file" in result.output
