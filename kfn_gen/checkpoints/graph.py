"""`kfn-gen graph OLD.h5`: a checkpoint's model as the same layer/node graph a script's drawing uses
(kfn_gen.ir.graph), built from the saved config (no Keras): one box per layer, one edge per call."""
from __future__ import annotations

from kfn_gen.checkpoints.layer_config import LayerPlan, identity_of
from kfn_gen.checkpoints.model_config import ModelPlan
from kfn_gen.ir.graph import Graph, TensorRef

MODEL = "keras.engine.training.Model"
SEQUENTIAL = "keras.engine.sequential.Sequential"
INPUT = "keras.engine.input_layer.InputLayer"


def checkpoint_graph(plan: ModelPlan) -> Graph:
    graph = Graph()
    _model(graph, plan)
    return graph


def _layer(graph: Graph, plan):
    if isinstance(plan, ModelPlan):
        return _model(graph, plan)
    inner = plan.config.get("layer") if isinstance(plan, LayerPlan) else None
    wraps = _layer(graph, inner).id if isinstance(inner, (LayerPlan, ModelPlan)) else None
    cls = INPUT if plan.old_class == "InputLayer" else (identity_of(plan.old_class) or plan.old_class)
    return graph.new_layer(cls, "input" if cls == INPUT else "layer", 0, var=plan.name, wraps=wraps)


def _model(graph: Graph, plan: ModelPlan):
    model = graph.new_layer(SEQUENTIAL if plan.kind == "sequential" else MODEL, plan.kind if plan.kind == "sequential"
                            else "model", 0, var=plan.name, node_offset=1)
    made = {p.name: _layer(graph, p) for p in plan.layers}
    model.members = [layer.id for layer in made.values()]
    if plan.kind == "sequential":
        previous = None
        for layer in made.values():
            node = graph.add_node(layer, [previous] if previous else [], 0)
            previous = node.outputs[0]
        model.outputs = [previous] if previous else []
        return model
    width: dict[str, int] = {}  # outputs per layer: the highest tensor index any call reads, plus one
    for refs in [*(n.inputs for nodes in plan.nodes.values() for n in nodes), plan.outputs]:
        for name, _, t in refs:
            width[name] = max(width.get(name, 1), t + 1)
    offset = {name: layer.node_offset for name, layer in made.items()}
    for p in plan.layers:
        if p.new_class == "InputLayer":
            graph.add_node(made[p.name], [], 0)
    progress = True
    while progress:
        progress = False
        for p in plan.layers:
            layer, nodes = made[p.name], plan.nodes.get(p.name, [])
            while len(layer.nodes) < len(nodes):
                node = nodes[len(layer.nodes)]
                if not all(i - offset[n] < len(made[n].nodes) for n, i, _ in node.inputs if n in made):
                    break
                refs = [TensorRef(made[n].id, i - offset[n], t) for n, i, t in node.inputs if n in made]
                graph.add_node(layer, refs, 0, n_outputs=width.get(p.name, 1))
                progress = True
    model.inputs = [TensorRef(made[n].id, i - offset[n], t) for n, i, t in plan.inputs if n in made]
    model.outputs = [TensorRef(made[n].id, i - offset[n], t) for n, i, t in plan.outputs if n in made]
    return model
