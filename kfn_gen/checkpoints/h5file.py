"""Read a Keras 2.x (or 1.x) HDF5 checkpoint with h5py: its model config, its version and backend, and
its weights layer by layer in the order Keras wrote them.  Never imports Keras or TensorFlow."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field


class CheckpointError(Exception):
    """The file is not a Keras HDF5 checkpoint kfn-gen can read; the message says what is missing."""


@dataclass
class Checkpoint:
    path: str
    keras_version: str  # "2.2.4", "2.1.6", "1.2.2"; "" when the file does not say
    backend: str  # "tensorflow", "theano", "cntk"; "" when the file does not say
    model_config: dict | None  # None for a weights-only file (save_weights)
    training_config: dict | None
    layer_names: list[str] = field(default_factory=list)
    weights: dict[str, list] = field(default_factory=dict)  # layer name -> [ndarray, ...] in saved order
    weight_names: dict[str, list[str]] = field(default_factory=dict)
    has_optimizer_state: bool = False
    optimizer_weights: list = field(default_factory=list)  # 2.2.4's optimizer.weights: [iterations, slots...]
    layout_version: str = ""  # what 2.2.4's loader went by (see _read)
    layout_backend: str = ""

    @property
    def major(self) -> str:
        return self.keras_version.split(".")[0] if self.keras_version else "1"


def _text(value) -> str:
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _json_attr(attrs, name: str, path: str):
    if name not in attrs:
        return None
    try:
        return json.loads(_text(attrs[name]))
    except ValueError as exc:
        raise CheckpointError(f"{path}: its '{name}' attribute is not JSON ({exc})") from None


def read_checkpoint(path: str) -> Checkpoint:
    """The checkpoint at path; CheckpointError when it is not a readable Keras HDF5 file."""
    if not os.path.isfile(path):
        raise CheckpointError(f"{path}: no such file")
    try:
        import h5py
    except ImportError:
        raise CheckpointError('reading .h5 checkpoints needs h5py: pip install "kfn-gen[tf]"') from None
    with open(path, "rb") as fh:
        if fh.read(8) != b"\x89HDF\r\n\x1a\n":
            raise CheckpointError(f"{path}: not an HDF5 file (Keras 2 saved models and weights as HDF5: "
                                  "model.save('m.h5') / model.save_weights('w.h5'))")
    try:
        with h5py.File(path, "r") as f:
            return _read(f, path)
    except CheckpointError:
        raise
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise CheckpointError(f"{path}: unreadable HDF5 file (truncated or damaged?): {exc}") from None


def _read(f, path: str) -> Checkpoint:
    model_config = _json_attr(f.attrs, "model_config", path)
    group = f["model_weights"] if "model_weights" in f else f
    if "layer_names" not in group.attrs:
        raise CheckpointError(f"{path}: an HDF5 file but not a Keras checkpoint (no 'layer_names' attribute "
                              f"{'in model_weights' if group is not f else 'at its root'})")
    version = _text(group.attrs.get("keras_version", f.attrs.get("keras_version", b"")))
    backend = _text(group.attrs.get("backend", f.attrs.get("backend", b"")))
    ck = Checkpoint(path, version, backend, model_config, _json_attr(f.attrs, "training_config", path))
    # 2.2.4 re-laid weights by what the weights group itself says (engine/saving.py:228-235): no keras_version
    # there means Keras 1 layouts ('1'), no backend there means no kernel flip, whatever the file's root says
    ck.layout_version = "1" if "keras_version" not in group.attrs else version
    ck.layout_backend = backend if "backend" in group.attrs else ""
    ck.has_optimizer_state = "optimizer_weights" in f
    if ck.has_optimizer_state:
        opt = f["optimizer_weights"]
        names = [_text(n) for n in opt.attrs.get("weight_names", [])]
        ck.optimizer_weights = [opt[n][()] for n in names if n in opt]
    for raw in group.attrs["layer_names"]:
        name = _text(raw)
        if name not in group:
            raise CheckpointError(f"{path}: layer '{name}' is listed but its weights group is missing")
        g = group[name]
        names = [_text(n) for n in g.attrs.get("weight_names", [])]
        try:
            ck.weights[name] = [g[n][()] for n in names]
        except KeyError as exc:
            raise CheckpointError(f"{path}: layer '{name}': weight {exc} is listed but missing") from None
        ck.layer_names.append(name)
        ck.weight_names[name] = names
    return ck
