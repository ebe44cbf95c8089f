"""A checkpoint's training config (2.2.4's compile arguments) -> Keras 3 compile arguments, from the migrator's
tables: optimizer argument names and 2.2.4 meanings (OPTIMIZER_ARGS; `decay` as the InverseTimeDecay schedule
that is 2.2.4's formula), loss aliases (RENAMED).  Pure Python; optimizer state is not carried."""
from __future__ import annotations

from dataclasses import dataclass, field

from kfn_gen.migrate.tables.names import RENAMED
from kfn_gen.migrate.tables.training import OPTIMIZER_ARGS

# 2.2.4 saved its float32 hyper-parameters as doubles (0.0010000000474974513): read back as the float32 they were
_DIGITS = 7
# Keras 3 places epsilon differently in these (lr*g/sqrt(a+eps) against 2.2.4's lr*g/(sqrt(a)+eps)); the source
# migrator defines 2.2.4's classes in the script, which a plain Keras 3 file cannot carry
EPSILON_PLACED = {"RMSprop", "Adagrad"}


@dataclass
class CompileSpec:
    optimizer: dict | None  # {"class_name", "config"} of keras.optimizers, "learning_rate" may be a schedule dict
    loss: object = None
    metrics: object = None
    loss_weights: object = None
    warnings: list = field(default_factory=list)


def _f32(value):
    return float(f"{value:.{_DIGITS}g}") if isinstance(value, float) else value


def _loss_name(name):
    if not isinstance(name, str):
        return name
    for (spelled, identity), new in RENAMED.items():
        if spelled == name and identity.startswith("keras.losses."):
            return new
    return name


def _map(value, fn):
    if isinstance(value, dict):
        return {k: _map(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_map(v, fn) for v in value]
    return fn(value)


def compile_spec(training_config: dict) -> CompileSpec:
    opt = training_config.get("optimizer_config") or {}
    cls, config = opt.get("class_name"), dict(opt.get("config") or {})
    # metrics as saved: Keras 3 resolves 'acc'/'ce' by the loss, as 2.2.4 did
    spec = CompileSpec(None, _map(training_config.get("loss"), _loss_name), training_config.get("metrics") or None,
                       training_config.get("loss_weights"))
    if training_config.get("sample_weight_mode"):
        spec.warnings.append(f"sample_weight_mode={training_config['sample_weight_mode']!r} not carried (Keras 3 "
                             "takes per-timestep sample weights without it)")
    if cls not in OPTIMIZER_ARGS:
        spec.warnings.append(f"optimizer {cls!r} is not a Keras 2.2.4 optimizer kfn-gen maps: compile the loaded "
                             "model again")
        return spec
    config = {k: _f32(v) for k, v in config.items()}
    out = {}
    lr = config.pop("lr", config.pop("learning_rate", None))
    decay = config.pop("decay", 0.0) or 0.0
    if decay:  # 2.2.4: lr / (1 + decay * iterations), iterations counted before the step
        out["learning_rate"] = {"class_name": "InverseTimeDecay",
                                "config": {"initial_learning_rate": lr, "decay_steps": 1, "decay_rate": decay}}
    elif lr is not None:
        out["learning_rate"] = lr
    clipnorm = config.pop("clipnorm", None)
    if clipnorm is not None:
        out["global_clipnorm"] = clipnorm  # 2.2.4 clipped by the norm of all gradients
    for key in ("clipvalue", "momentum", "nesterov", "rho", "epsilon", "beta_1", "beta_2", "amsgrad"):
        if key in config:
            out[key] = config.pop(key)
    schedule = config.pop("schedule_decay", 0.004)
    if cls == "Nadam" and schedule != 0.004:
        spec.warnings.append(f"Nadam schedule_decay={schedule} dropped: Keras 3's Nadam uses 0.004")
    if cls in EPSILON_PLACED:
        spec.warnings.append(f"{cls}: Keras 3 adds epsilon inside the square root (2.2.4 outside it): training "
                             "steps after loading differ slightly from 2.2.4's")
    spec.optimizer = {"class_name": cls, "config": out}
    return spec
