"""A Keras 2.x model config (Sequential, functional Model, nested models, Bidirectional/TimeDistributed
wrappers) -> a plan of Keras 3 layers and the calls that connect them.  Pure Python: no Keras is imported."""
from __future__ import annotations

from dataclasses import dataclass, field

from kfn_gen.checkpoints.h5file import CheckpointError
from kfn_gen.checkpoints.layer_config import CONTAINERS, WRAPPERS, LayerPlan, plan_layer


@dataclass
class Node:
    inputs: list  # [(layer name, node index, tensor index)]
    kwargs: dict


@dataclass
class ModelPlan:
    name: str
    kind: str  # "sequential" or "functional"
    layers: list  # LayerPlan | ModelPlan, in saved order
    nodes: dict = field(default_factory=dict)  # layer name -> [Node] (functional)
    inputs: list = field(default_factory=list)  # [(name, node, tensor)] (functional)
    outputs: list = field(default_factory=list)
    input_shape: list | None = None  # sequential: the first layer's batch_input_shape
    input_dtype: str | None = None

    @property
    def new_class(self) -> str:
        return "Sequential" if self.kind == "sequential" else "Model"

    def notes(self) -> list[str]:
        out = []
        for p in self.layers:
            out += p.notes() if isinstance(p, ModelPlan) else [f"{p.name}: {n}" for n in all_notes(p)]
        return out


def all_notes(plan: LayerPlan) -> list[str]:
    inner = plan.config.get("layer")
    if isinstance(inner, ModelPlan):
        return plan.notes + inner.notes()
    return plan.notes + (all_notes(inner) if isinstance(inner, LayerPlan) else [])


def plan_any(entry: dict, where: str):
    """LayerPlan or ModelPlan of one saved {'class_name', 'config'} entry."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        raise CheckpointError(f"{where}: a layer entry without 'class_name' (not a Keras model config)")
    cls, config = entry["class_name"], entry.get("config") or {}
    if cls in CONTAINERS:
        return plan_model(entry, where)
    if cls in WRAPPERS:
        config = dict(config)
        inner = plan_any(config.pop("layer", None), where)
        plan = LayerPlan(config.get("name", "?"), cls, cls, config)
        plan.input_shape = config.pop("batch_input_shape", None)
        config["layer"] = inner
        for key in ("input_shape", "input_dim", "input_length"):
            config.pop(key, None)
        return plan
    return plan_layer(cls, config, where)


def plan_model(model_config: dict, where: str) -> ModelPlan:
    cls, config = model_config.get("class_name"), model_config.get("config")
    if cls == "Sequential":
        layers = config if isinstance(config, list) else (config or {}).get("layers", [])  # Keras 2.0/2.1: a list
        name = "sequential" if isinstance(config, list) else config.get("name", "sequential")
        plans = [plan_any(e, where) for e in layers]
        first = plans.pop(0) if plans and plans[0].new_class == "InputLayer" else (plans[0] if plans else None)
        if isinstance(first, ModelPlan):  # a Sequential whose first layer is a model: that model's input
            return ModelPlan(name, "sequential", plans, input_shape=first.input_shape, input_dtype=first.input_dtype)
        return ModelPlan(name, "sequential", plans, input_shape=first.input_shape if first else None,
                         input_dtype=first.config.get("dtype") if first else None)
    if cls in ("Model", "Functional", "Network"):
        plans, nodes = [], {}
        for entry in config.get("layers", []):
            plan = plan_any({"class_name": entry.get("class_name"), "config": entry.get("config")}, where)
            plan.name = entry.get("name", plan.name)
            plans.append(plan)
            nodes[plan.name] = [_node(n, where) for n in entry.get("inbound_nodes", [])]
        return ModelPlan(config.get("name", "model"), "functional", plans, nodes,
                         [tuple(x) for x in config.get("input_layers", [])],
                         [tuple(x) for x in config.get("output_layers", [])])
    raise CheckpointError(f"{where}: model class '{cls}' is not Sequential or Model")


def _node(data, where: str) -> Node:
    if isinstance(data, dict):
        raise CheckpointError(f"{where}: a node in Keras 3's format; this is not a Keras 2 file")
    inputs, kwargs = [], {}
    for item in data:
        inputs.append((item[0], item[1], item[2]))
        if len(item) > 3 and item[3]:
            kwargs = item[3]
    return Node(inputs, kwargs)
