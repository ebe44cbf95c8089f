"""Build the Keras 3 model of a plan, put the re-laid weights in it, and save it.  Imports Keras 3."""
from __future__ import annotations

from kfn_gen.checkpoints.h5file import Checkpoint, CheckpointError
from kfn_gen.checkpoints.layer_config import LayerPlan
from kfn_gen.checkpoints.model_config import ModelPlan
from kfn_gen.checkpoints.weights import relayout

RECURRENT = {"SimpleRNN", "LSTM", "GRU", "ConvLSTM2D"}


def build(plan, keras):
    """The Keras 3 layer or model of a LayerPlan / ModelPlan."""
    if isinstance(plan, ModelPlan):
        return _sequential(plan, keras) if plan.kind == "sequential" else _functional(plan, keras)
    config = dict(plan.config)
    cls = getattr(keras.layers, plan.new_class, None)
    if cls is None:
        raise CheckpointError(f"layer '{plan.name}': Keras 3 has no layer {plan.new_class}")
    if "layer" in config:
        config["layer"] = build(config["layer"], keras)
    try:
        return cls(**config)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"layer '{plan.name}' ({plan.old_class}): Keras 3's {plan.new_class} refuses its "
                              f"config: {exc}") from None


def _sequential(plan: ModelPlan, keras):
    model = keras.Sequential(name=plan.name)
    if plan.input_shape:
        model.add(keras.Input(batch_shape=tuple(plan.input_shape), dtype=plan.input_dtype or "float32"))
    for p in plan.layers:
        model.add(build(p, keras))
    return model


def _functional(plan: ModelPlan, keras):
    made, outputs, done = {}, {}, {}
    for p in plan.layers:
        if p.new_class == "InputLayer":
            outputs[(p.name, 0)] = [keras.Input(batch_shape=tuple(p.input_shape) if p.input_shape else None,
                                                dtype=p.config.get("dtype"), sparse=p.config.get("sparse") or None,
                                                name=p.name)]
            done[p.name] = 1
        else:
            made[p.name] = build(p, keras)
            done[p.name] = 0
    progress = True
    while progress:
        progress = False
        for p in plan.layers:
            nodes = plan.nodes.get(p.name, [])
            while p.name in made and done[p.name] < len(nodes):
                node = nodes[done[p.name]]
                if not all((n, i) in outputs for n, i, _ in node.inputs):
                    break
                args = [outputs[(n, i)][t] for n, i, t in node.inputs]
                # 2.2.4 numbered a nested model's calls from 1: its node 0 is its own input (network.py:846)
                index = done[p.name] + (1 if isinstance(p, ModelPlan) else 0)
                outputs[(p.name, index)] = _call(made[p.name], p, args, node.kwargs)
                done[p.name] += 1
                progress = True
    left = [p.name for p in plan.layers if p.name in made and done[p.name] < len(plan.nodes.get(p.name, []))]
    if left:
        raise CheckpointError(f"model '{plan.name}': the nodes of {', '.join(left)} never got their inputs")
    ins = [outputs[(n, i)][t] for n, i, t in plan.inputs]
    outs = [outputs[(n, i)][t] for n, i, t in plan.outputs]
    return keras.Model(ins if len(ins) > 1 else ins[0], outs if len(outs) > 1 else outs[0], name=plan.name)


def _call(layer, plan, args, kwargs):
    kwargs = {k: v for k, v in kwargs.items() if k not in ("mask",)}
    if isinstance(plan, LayerPlan) and plan.new_class in RECURRENT and len(args) > 1:
        out = layer(args[0], initial_state=args[1:], **kwargs)  # 2.2.4: RNN([x, *states])
    else:
        out = layer(args if len(args) > 1 else args[0], **kwargs)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def assign(plan, layer, weights: list, ck: Checkpoint) -> None:
    """Put one saved layer's weights (in 2.2.4's saved order) into its Keras 3 layer, as 2.2.4's loader walked
    nested models and wrappers (engine/saving.py: convert_nested_model, _bidirectional, _time_distributed)."""
    if isinstance(plan, ModelPlan):
        subs = [(p, layer.get_layer(p.name)) for p in plan.layers if p.new_class != "InputLayer"]
        # 2.2.4 saved a nested model's trainable weights layer by layer, then its non-trainable ones
        parts: dict = {p.name: [] for p, _ in subs}
        for trainable in (True, False):
            for p, sub in subs:
                n = len(sub.trainable_weights) if trainable else len(sub.weights) - len(sub.trainable_weights)
                parts[p.name] += weights[:n]
                weights = weights[n:]
        for p, sub in subs:
            assign(p, sub, parts[p.name], ck)
    elif plan.new_class == "Bidirectional":
        half = len(weights) // 2
        assign(plan.config["layer"], layer.forward_layer, weights[:half], ck)
        assign(plan.config["layer"], layer.backward_layer, weights[half:], ck)
    elif plan.new_class == "TimeDistributed":
        assign(plan.config["layer"], layer.layer, weights, ck)
    else:
        want = [tuple(w.shape) for w in layer.weights]
        ws = relayout(plan, weights, ck.layout_version, ck.layout_backend, want)
        got = [tuple(w.shape) for w in ws]
        if got != want:
            raise CheckpointError(f"layer '{plan.name}' ({plan.old_class}): saved weights {got} do not fit Keras "
                                  f"3's {plan.new_class} {want}")
        layer.set_weights(ws)


def compile_model(model, spec, keras) -> None:
    """model.compile with a CompileSpec whose optimizer maps (training.py); carry_optimizer_state fills it."""
    config = dict(spec.optimizer["config"])
    lr = config.get("learning_rate")
    if isinstance(lr, dict):
        config["learning_rate"] = getattr(keras.optimizers.schedules, lr["class_name"])(**lr["config"])
    optimizer = getattr(keras.optimizers, spec.optimizer["class_name"])(**config)
    try:
        model.compile(optimizer=optimizer, loss=spec.loss, metrics=spec.metrics, loss_weights=spec.loss_weights)
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"the training config does not compile in Keras 3: {exc}") from None


# 2.2.4's optimizer.weights after iterations: one list of slots per trainable weight, in this order
# (keras/optimizers.py: SGD moments; Adam ms, vs, vhats), and the Keras 3 variable each list becomes
SLOTS = {"SGD": ["momentum"], "Adam": ["momentum", "velocity", None]}  # None: vhats, zeros of (1,) unless amsgrad


def carry_optimizer_state(model, class_name: str, saved: list, exact: bool) -> str | None:
    """Put 2.2.4's optimizer state (iterations and slots) into the compiled model's optimizer; None when carried,
    else why not.  exact: no weight was rescaled or re-laid (their moments would no longer fit)."""
    if not exact:
        return "weights were rescaled or re-laid, so their optimizer moments no longer apply"
    if class_name not in SLOTS or (class_name == "Adam" and getattr(model.optimizer, "amsgrad", False)):
        return f"{class_name}'s state has no mapping to Keras 3's"
    params = model.trainable_variables
    kinds = SLOTS[class_name]
    if len(saved) != 1 + len(kinds) * len(params):
        return f"{len(saved)} saved optimizer weights for {len(params)} trainable weights"
    groups = [saved[1 + k * len(params):1 + (k + 1) * len(params)] for k in range(len(kinds))]
    for kind, group in zip(kinds, groups):
        if kind is not None and [tuple(w.shape) for w in group] != [tuple(p.shape) for p in params]:
            return "the saved optimizer slots do not line up with the trainable weights"
    optimizer = model.optimizer
    optimizer.build(params)
    for kind, group in zip(kinds, groups):
        if kind is None:
            continue
        targets = [v for v in optimizer.variables if v.path.endswith(f"_{kind}")]
        if not targets and class_name == "SGD" and not getattr(optimizer, "momentum", 0):
            continue  # SGD without momentum: 2.2.4 kept unused moments (-lr * g), Keras 3 keeps nothing
        if len(targets) != len(group):
            return f"Keras 3's {class_name} has {len(targets)} {kind} slots for {len(group)} saved"
        for var, value in zip(targets, group):
            var.assign(value)
    optimizer.iterations.assign(int(saved[0]))
    return None
