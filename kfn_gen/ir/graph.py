"""The intermediate graph: layers, one Node per call, tensors as (layer, node_index, tensor_index).

Modelled on Keras' own Node graph: a layer is ONE object with many call events.  Models are
layers too (`kind` 'model' or 'sequential'): they own the layers they were built from and get
nodes when called on tensors.  Keras 2.2.4 gives every Model/Sequential a node 0 of its own at
construction; `Layer.node_offset` records that so `get_output_at(i)` can be mapped to call i-1.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TensorRef:
    layer: int  # Layer.id
    node: int  # index into Layer.nodes (kfn-gen's own numbering: calls in program order)
    index: int = 0

    def to_json(self) -> list[int]:
        return [self.layer, self.node, self.index]


@dataclass
class Arg:
    """An argument as written (source text) and, when it is a literal, its value."""

    source: str
    value: Any = None
    literal: bool = False
    ref: Any = None  # a Layer/TensorRef/list the argument evaluated to, when the graph knows it

    @classmethod
    def of(cls, source: str, ref: Any = None) -> "Arg":
        try:
            return cls(source, ast.literal_eval(source), True, ref)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return cls(source, None, False, ref)

    def to_json(self):
        return {"source": self.source, **({"value": _jsonable(self.value)} if self.literal else {})}


@dataclass
class Node:
    layer: int
    index: int
    inputs: list[TensorRef]
    outputs: list[TensorRef]
    line: int
    kwargs: dict[str, Arg] = field(default_factory=dict)  # call arguments besides the inputs (e.g. training=)
    var: str | None = None  # the variable the (first) output was bound to when created

    def to_json(self) -> dict:
        return {"layer": self.layer, "index": self.index, "line": self.line, "var": self.var,
                "inputs": [t.to_json() for t in self.inputs], "outputs": [t.to_json() for t in self.outputs],
                **({"kwargs": {k: v.to_json() for k, v in self.kwargs.items()}} if self.kwargs else {})}


@dataclass
class Layer:
    id: int
    cls: str  # Keras 2.2.4 identity, e.g. 'keras.layers.core.Dense'
    kind: str  # 'input' | 'layer' | 'model' | 'sequential'
    line: int
    args: list[Arg] = field(default_factory=list)
    kwargs: dict[str, Arg] = field(default_factory=dict)
    var: str | None = None  # the variable first bound to this layer (or to its output)
    nodes: list[Node] = field(default_factory=list)
    node_offset: int = 0  # Keras 2.2.4 node index of nodes[0] (1 for models: node 0 is their own)
    # models
    inputs: list[TensorRef] = field(default_factory=list)
    outputs: list[TensorRef] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # Sequential: layer ids in order
    wraps: int | None = None  # wrappers (TimeDistributed, Bidirectional): the wrapped layer/model id
    uncertain: bool = False  # created or called inside a loop/branch: node numbering not static

    @property
    def name(self) -> str:
        return self.cls.rsplit(".", 1)[-1]

    @property
    def is_model(self) -> bool:
        return self.kind in ("model", "sequential")

    def to_json(self) -> dict:
        out = {"id": self.id, "class": self.name, "identity": self.cls, "kind": self.kind, "line": self.line,
               "var": self.var, "args": [a.to_json() for a in self.args],
               "kwargs": {k: v.to_json() for k, v in self.kwargs.items()},
               "nodes": [n.to_json() for n in self.nodes], "node_offset": self.node_offset,
               "shared": len(self.nodes) > 1}
        if self.is_model:
            out.update(inputs=[t.to_json() for t in self.inputs], outputs=[t.to_json() for t in self.outputs],
                       members=self.members)
        if self.wraps is not None:
            out["wraps"] = self.wraps
        if self.uncertain:
            out["uncertain"] = True
        return out


@dataclass
class Graph:
    layers: list[Layer] = field(default_factory=list)

    def new_layer(self, cls: str, kind: str, line: int, **kw) -> Layer:
        layer = Layer(len(self.layers), cls, kind, line, **kw)
        self.layers.append(layer)
        return layer

    def add_node(self, layer: Layer, inputs: list[TensorRef], line: int, n_outputs: int = 1,
                 kwargs: dict[str, Arg] | None = None) -> Node:
        idx = len(layer.nodes)
        node = Node(layer.id, idx, list(inputs), [TensorRef(layer.id, idx, i) for i in range(n_outputs)], line,
                    kwargs or {})
        layer.nodes.append(node)
        return node

    def node_of(self, ref: TensorRef) -> Node:
        return self.layers[ref.layer].nodes[ref.node]

    @property
    def models(self) -> list[Layer]:
        return [layer for layer in self.layers if layer.is_model]

    def ancestors(self, outputs: list[TensorRef]) -> list[int]:
        """Layer ids reachable backwards from outputs, in topological order."""
        seen: dict[int, None] = {}
        order: list[int] = []
        visiting = set()

        def visit(ref: TensorRef):
            key = (ref.layer, ref.node)
            if key in visiting:
                return
            visiting.add(key)
            for r in self.node_of(ref).inputs:
                visit(r)
            if ref.layer not in seen:
                seen[ref.layer] = None
                order.append(ref.layer)

        for r in outputs:
            visit(r)
        return order

    def to_json(self) -> dict:
        return {"layers": [layer.to_json() for layer in self.layers],
                "models": [m.id for m in self.models]}


def _jsonable(v):
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return repr(v)
