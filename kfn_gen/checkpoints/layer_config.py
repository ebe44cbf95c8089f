"""One layer's Keras 2.x config -> the Keras 3 class and config that compute the same numbers.

The knowledge is the source migrator's, read from its tables (no second copy): Keras-1 argument names
(LEGACY_KWARGS), renamed and removed classes (RENAMED, CUDNN, ThresholdedReLU), the layers whose 2.2.4
gate is hard_sigmoid and GRU's reset_after (RECURRENT_HARD_SIGMOID, GRU_RESET_AFTER), and every default
Keras 3 changed (the 2.2.4 and Keras 3 constructor signatures).  Pure Python: no Keras is imported.

2.2.4's hard_sigmoid is clip(0.2z + 0.5, 0, 1); Keras 3's is clip(z/6 + 0.5, 0, 1), so 2.2.4's of z is
Keras 3's of 1.2z.  Where the pre-activation z is linear in the layer's weights (gates of LSTM/GRU/ConvLSTM2D,
the activation of Dense, Conv*, SimpleRNN, GRU's candidate), scaling those weights by 1.2 is exact and the
layer keeps 'hard_sigmoid': `fold` records which weights weights.py scales.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from kfn_gen.keras224 import api as api224
from kfn_gen.keras224.semantics import HARD_SIGMOID_SLOPE
from kfn_gen.keras224.signatures import layers as signatures
from kfn_gen.migrate.tables.arguments import (GRU_RESET_AFTER, KERNEL_KWARGS, LEGACY_DROPPED, LEGACY_KWARGS,
                                              LEGACY_VALUES, RECURRENT_HARD_SIGMOID, RECURRENT_IDS)
from kfn_gen.migrate.tables.names import RENAMED
from kfn_gen.migrate.tables.removed import CUDNN, THRESHOLDED_RELU

from kfn_gen.checkpoints.h5file import CheckpointError

# Keras 3's hard_sigmoid slope is 1/6: 2.2.4's slope over it is the factor folded into the weights (1.2)
HARD_SIGMOID_FOLD = round(HARD_SIGMOID_SLOPE * 6, 12)
CONTAINERS = {"Sequential", "Model", "Functional", "Network"}
WRAPPERS = {"Bidirectional", "TimeDistributed"}
BASE_KEYS = {"name", "trainable", "dtype", "activity_regularizer"}  # Keras 3's Layer.__init__ takes these
SHAPE_KEYS = {"batch_input_shape", "input_shape", "input_dim", "input_length", "batch_size"}
# Arguments Keras 3 lacks that change no number: dropped with a note.
NO_EFFECT = {
    "implementation": "a computation layout (2.2.4's implementation=1/2 give the same numbers)",
    "input_length": "shape information, carried by the model's Input",
    "input_dtype": "Keras-1 input dtype, carried by the model's Input",
    "unroll": "unrolling the time loop changes no number (2.2.4's ConvLSTM2D saved unroll=False)",
}
# Keras 3 spells these differently and Keras 3's constructor does not translate them
KERAS3_KEYS = {("LeakyReLU", "alpha"): "negative_slope"}
# Where 2.2.4's activation of the layer's linear pre-activation can be folded into its weights
FOLD_ACTIVATION = {"Dense", "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv1D",
                   "SeparableConv2D", "DepthwiseConv2D", "SimpleRNN", "GRU"}
FOLD_RECURRENT = {"LSTM", "GRU", "ConvLSTM2D"}


@dataclass
class LayerPlan:
    name: str
    old_class: str  # as saved ("CuDNNLSTM", "Convolution2D")
    new_class: str  # a class of keras.layers
    config: dict  # its Keras 3 constructor arguments (a wrapper's `layer` is a LayerPlan)
    fold: set = field(default_factory=set)  # {"recurrent", "activation"}: 2.2.4 hard_sigmoid folded into weights
    cudnn: str | None = None  # "LSTM"/"GRU": weights saved in the CuDNN layout
    input_shape: list | None = None  # the batch_input_shape the layer carried
    notes: list = field(default_factory=list)


def identity_of(class_name: str) -> str | None:
    """The 2.2.4 identity of a layer class name saved in a config (Keras-1 aliases included)."""
    res = api224.resolve(f"keras.layers.{class_name}")
    return res.identity if res.ok else None


def _default(cls: str, key: str):
    """(found, value): 2.2.4's default of cls(key=...) as a Python value."""
    for name, default in signatures("keras224").get(cls, ()):
        if name == key and default is not None:
            try:
                return True, ast.literal_eval(default)
            except ValueError:
                return False, None
    return False, None


def plan_layer(class_name: str, config: dict, where: str) -> LayerPlan:
    """The Keras 3 plan of one (non-container) layer; CheckpointError when no faithful one exists."""
    config = dict(config)
    name = config.get("name", "?")
    label = f"{where}: layer '{name}' ({class_name})"
    if class_name == "Lambda":
        raise CheckpointError(f"{label}: a Lambda layer stores its function as Python bytecode, which Keras 3 "
                              "will not load (safe mode) and kfn-gen does not run; rebuild it from the script")
    identity = identity_of(class_name)
    if identity is None:
        raise CheckpointError(f"{label}: not a Keras 2.2.4 layer class (a custom layer?); kfn-gen cannot "
                              "rebuild it from the file")
    short = identity.rsplit(".", 1)[-1]
    plan = LayerPlan(name, class_name, short, config)
    _keras1(plan, identity, config)
    plan.input_shape = config.pop("batch_input_shape", None)
    if identity in CUDNN:
        new, _, explicit = CUDNN[identity]
        plan.new_class, plan.cudnn = new, new
        for key, value in explicit.items():
            config[key] = ast.literal_eval(value)
        plan.notes.append(f"{class_name} -> {new} with {', '.join(f'{k}={v}' for k, v in explicit.items())} "
                          "(the cuDNN cell); weights re-laid from the CuDNN layout")
    elif identity == THRESHOLDED_RELU:
        plan.new_class = "ReLU"
        config["threshold"] = config.pop("theta", 1.0)
        plan.notes.append("ThresholdedReLU(theta) -> ReLU(threshold=theta) (x * (x > theta) in both)")
    elif (class_name, identity) in RENAMED:
        plan.new_class = RENAMED[(class_name, identity)]
        if plan.new_class != short:
            plan.notes.append(f"{class_name} -> {plan.new_class}")
    _defaults_224(plan, short, config)
    _hard_sigmoid(plan, label, identity, config)
    _known_keys(plan, label, short, config)
    return plan


def _keras1(plan: LayerPlan, identity: str, config: dict) -> None:
    """Keras-1 argument names, as 2.2.4's legacy interfaces translated them when it loaded such a config."""
    for old, new in LEGACY_KWARGS.get(identity, ()):
        if old in config:
            value = config.pop(old)
            if old in LEGACY_VALUES:
                value = LEGACY_VALUES[old].get(value, value)
                value = ast.literal_eval(value) if isinstance(value, str) and value[:1] == "'" else value
                if value is None:
                    continue
            config.setdefault(new, value)
    if identity in RECURRENT_IDS:
        for key, why in LEGACY_DROPPED.items():
            if config.pop(key, None) is not None:
                plan.notes.append(why)
        if config.pop("forget_bias_init", None) == "one":  # 2.2.4 ignored any other value (with a warning)
            config.setdefault("unit_forget_bias", True)
    for n, keys in KERNEL_KWARGS.items():
        if all(k in config for k in keys):
            config["kernel_size"] = [config.pop(k) for k in keys]


def _defaults_224(plan: LayerPlan, short: str, config: dict) -> None:
    """Spell out every 2.2.4 default Keras 3 changed that the saved config leaves out (files of Keras 2.0/2.1
    do not save arguments added later, e.g. GRU's reset_after)."""
    new = dict(signatures("keras3").get(plan.new_class, ()))
    for key, default in signatures("keras224").get(short, ()):
        if key in config or default is None or key not in new or new[key] == default:
            continue
        found, value = _default(short, key)
        if found:
            config[key] = value
    if f"keras.layers.recurrent.{short}" in GRU_RESET_AFTER and plan.cudnn is None:
        config.setdefault("reset_after", False)


def _hard_sigmoid(plan: LayerPlan, label: str, identity: str, config: dict) -> None:
    if config.get("recurrent_activation") == "hard_sigmoid" and plan.cudnn is None:
        if identity not in RECURRENT_HARD_SIGMOID or plan.new_class not in FOLD_RECURRENT:
            raise CheckpointError(f"{label}: recurrent_activation='hard_sigmoid' (2.2.4's) has no exact Keras 3 "
                                  "form on this layer")
        plan.fold.add("recurrent")
    if config.get("activation") == "hard_sigmoid":
        if plan.new_class not in FOLD_ACTIVATION:
            raise CheckpointError(f"{label}: activation='hard_sigmoid' is 2.2.4's clip(0.2x+0.5, 0, 1); Keras 3's "
                                  "differs and on this layer no weight rescaling makes them equal")
        plan.fold.add("activation")
    if plan.fold:
        plan.notes.append(f"2.2.4's hard_sigmoid kept exact: {' and '.join(sorted(plan.fold))} weights scaled by "
                          f"{HARD_SIGMOID_FOLD:g} (clip(0.2z+0.5, 0, 1) = Keras 3 hard_sigmoid(1.2z))")


def _known_keys(plan: LayerPlan, label: str, short: str, config: dict) -> None:
    """Keep what the Keras 3 constructor takes; drop what changes no number; refuse the rest."""
    new = dict(signatures("keras3").get(plan.new_class, ()))
    for key in list(config):
        if key in new or key in BASE_KEYS:
            continue
        value = config.pop(key)
        if (plan.new_class, key) in KERAS3_KEYS:
            config[KERAS3_KEYS[plan.new_class, key]] = value
        elif key in NO_EFFECT:
            if value not in (None, 1, False):
                plan.notes.append(f"{key}={value!r} dropped: {NO_EFFECT[key]}")
        elif key in SHAPE_KEYS:
            continue
        elif _default(short, key) == (True, value) or value in (None, 0, False, "", []):
            continue  # 2.2.4's default of an argument Keras 3 no longer has, or a Keras-1 switch left off
        else:
            raise CheckpointError(f"{label}: {key}={value!r} has no Keras 3 counterpart on {plan.new_class}")
