"""kfn-gen convert: a Keras 2.x HDF5 checkpoint -> a Keras 3 file that plain Keras 3 loads."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from kfn_gen.checkpoints.h5file import CheckpointError, read_checkpoint
from kfn_gen.checkpoints.model_config import ModelPlan, plan_model
from kfn_gen.checkpoints.training import compile_spec


@dataclass
class Converted:
    source: str
    output: str
    keras_version: str
    backend: str
    layers: int
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def read_architecture(path: str) -> dict:
    """The model config of model.to_json() (2.x: {"class_name", "config", "keras_version", "backend"})."""
    try:
        with open(path, encoding="utf-8") as fh:
            config = json.load(fh)
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read it: {exc.strerror}") from None
    except ValueError as exc:
        raise CheckpointError(f"{path}: not the JSON of model.to_json() ({exc})") from None
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise CheckpointError(f"{path}: not the JSON of model.to_json() (no class_name/config)")
    return config


def plan_checkpoint(path: str, architecture: str | None = None):
    """(Checkpoint, ModelPlan) without Keras: everything that can be checked before building.  architecture:
    the model.to_json() file that goes with a weights-only file (the 2017 pattern model.json + weights.h5)."""
    ck = read_checkpoint(path)
    if architecture:
        ck.model_config = read_architecture(architecture)
        ck.keras_version = ck.keras_version or str(ck.model_config.get("keras_version", ""))
        ck.backend = ck.backend or str(ck.model_config.get("backend", ""))
    if ck.model_config is None:
        raise CheckpointError(f"{path}: a weights-only file (model.save_weights): it holds no architecture; give "
                              "the model's JSON (model.to_json()) with --architecture, or load it with "
                              "model.load_weights into the migrated script's model")
    if ck.major not in ("1", "2"):
        raise CheckpointError(f"{path}: written by Keras {ck.keras_version}, not Keras 1 or 2")
    return ck, plan_model(ck.model_config, path)


def _exact(plan: ModelPlan, ck) -> bool:
    """No weight of the model was rescaled or re-laid (so 2.2.4's optimizer moments still fit them)."""
    if ck.layout_version == "1" or ck.layout_backend == "theano":
        return False

    def plain(p) -> bool:
        if isinstance(p, ModelPlan):
            return all(plain(q) for q in p.layers)
        inner = p.config.get("layer")
        return not p.fold and not p.cudnn and (inner is None or plain(inner))
    return plain(plan)


def _by_name(plan: ModelPlan) -> dict:
    return {p.name: p for p in plan.layers}


def convert(src: str, dst: str, weights_only: bool = False, architecture: str | None = None) -> Converted:
    """Write dst (a .keras model, or with weights_only a .weights.h5 file); CheckpointError on any failure,
    and then nothing is written."""
    suffix = ".weights.h5" if weights_only else ".keras"
    if not dst.endswith(suffix):
        raise CheckpointError(f"{dst}: the output must end in {suffix} (Keras 3 writes that format only)")
    ck, plan = plan_checkpoint(src, architecture)
    try:
        import keras
    except ImportError:
        raise CheckpointError('converting needs Keras 3: pip install "kfn-gen[tf]"') from None
    from kfn_gen.checkpoints.keras3_model import assign, build, carry_optimizer_state, compile_model

    model = build(plan, keras)
    plans = _by_name(plan)
    for name in ck.layer_names:
        weights = ck.weights[name]
        if not weights:
            continue
        if name not in plans:
            raise CheckpointError(f"{src}: weights for layer '{name}', which the model config does not have")
        assign(plans[name], model.get_layer(name), weights, ck)
    out = Converted(src, dst, ck.keras_version, ck.backend, len(ck.layer_names), plan.notes())
    if ck.training_config and not weights_only:
        spec = compile_spec(ck.training_config)
        try:
            if spec.optimizer is not None:  # else the file is written uncompiled (spec.warnings says why)
                compile_model(model, spec, keras)
                out.notes.append(f"compiled as saved: optimizer {spec.optimizer['class_name']}, loss {spec.loss!r}"
                                 + (f", metrics {spec.metrics!r}" if spec.metrics else ""))
        except CheckpointError as exc:
            spec.warnings.append(f"{exc}: compile the loaded model again")
        out.warnings += spec.warnings
        if ck.has_optimizer_state and spec.optimizer is not None and getattr(model, "optimizer", None) is not None:
            why = carry_optimizer_state(model, spec.optimizer["class_name"], ck.optimizer_weights, _exact(plan, ck))
            if why is None:
                out.notes.append(f"optimizer state carried (iteration {int(ck.optimizer_weights[0])})")
            else:
                out.warnings.append(f"optimizer state not carried ({why}): training resumes with a fresh optimizer")
        elif ck.has_optimizer_state:
            out.warnings.append("optimizer state not carried: training resumes with a fresh optimizer")
    folder = os.path.dirname(os.path.abspath(dst))
    tmp = os.path.join(folder, f".{os.path.basename(dst)[:-len(suffix)]}.tmp-{os.getpid()}{suffix}")
    try:
        if weights_only:
            model.save_weights(tmp)
        else:
            model.save(tmp)
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
