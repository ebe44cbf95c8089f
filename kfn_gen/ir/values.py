"""What the builder's abstract environment holds (a layer, a tensor, a list, a Keras object), the facts it
records for the rules, and the Keras 2.2.4 identities it knows by name."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from kfn_gen.diagnostics import Diagnostic
from kfn_gen.ir.graph import Layer, TensorRef

MERGE_FUNCTIONS = {  # Keras 2.2.4 functional merge helpers -> the layer class they instantiate
    "keras.layers.merge.concatenate": "keras.layers.merge.Concatenate",
    "keras.layers.merge.add": "keras.layers.merge.Add",
    "keras.layers.merge.subtract": "keras.layers.merge.Subtract",
    "keras.layers.merge.multiply": "keras.layers.merge.Multiply",
    "keras.layers.merge.average": "keras.layers.merge.Average",
    "keras.layers.merge.maximum": "keras.layers.merge.Maximum",
    "keras.layers.merge.minimum": "keras.layers.merge.Minimum",
    "keras.layers.merge.dot": "keras.layers.merge.Dot",
}
INPUT = "keras.engine.input_layer.Input"
MODEL = "keras.engine.training.Model"
SEQUENTIAL = "keras.engine.sequential.Sequential"
WRAPPERS = {"keras.layers.wrappers.TimeDistributed", "keras.layers.wrappers.Bidirectional"}
ACCESS_ATTRS = {"output", "input", "output_shape", "input_shape"}
ACCESS_METHODS = {"get_output_at", "get_input_at", "get_output_shape_at", "get_input_shape_at"}
INPUT_SHAPE_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "input_length")



@dataclass
class LayerVal:
    layer: Layer


@dataclass
class TensorVal:
    ref: TensorRef
    n_outputs: int = 1  # >1: the call returned a list of tensors


@dataclass
class ListVal:
    items: list


@dataclass
class KerasObj:
    identity: str


@dataclass
class Access:
    """`x.output`, `x.get_output_at(i)`, ... as the graph saw it at that point of the script."""

    what: str  # 'output' | 'input' | 'output_shape' | 'input_shape'
    layer: Layer
    node_index: int | None  # Keras 2.2.4 node index asked for (None for the properties)
    n_nodes: int  # Keras 2.2.4 node count of the layer at that point (model node 0 included)
    holders: dict[tuple[int, int, int], list[str]]  # tensor ref -> variables holding it at that point
    uncertain: bool


@dataclass
class SequentialSlot:
    """A constructor call that is the first layer of a Sequential model."""

    model: Layer
    layer: Layer
    how: str  # 'list' (Sequential([...])) or 'add' (model.add(...))
    statement: cst.CSTNode | None  # the statement holding `model.add(...)`


@dataclass
class Facts:
    values: dict[cst.CSTNode, Any] = field(default_factory=dict)
    accesses: dict[cst.CSTNode, Access] = field(default_factory=dict)
    constructors: dict[cst.Call, Layer] = field(default_factory=dict)
    sequential_first: dict[cst.Call, SequentialSlot] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _kwarg(call: cst.Call, name: str):
    for a in call.args:
        if a.keyword is not None and a.keyword.value == name:
            return a.value
    return None


def _refs(value) -> list[TensorRef]:
    if isinstance(value, TensorVal):
        if value.n_outputs > 1:
            return [TensorRef(value.ref.layer, value.ref.node, i) for i in range(value.n_outputs)]
        return [value.ref]
    if isinstance(value, ListVal):
        out = []
        for item in value.items:
            if not isinstance(item, TensorVal):
                return []
            out.extend(_refs(item))
        return out
    return []


def _int_literal(expr) -> int | None:
    if isinstance(expr, cst.Integer):
        return int(expr.value, 0)
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus) and isinstance(expr.expression, cst.Integer):
        return -int(expr.expression.value, 0)
    return None


def _int_index(sub: cst.Subscript) -> int | None:
    if len(sub.slice) != 1 or not isinstance(sub.slice[0].slice, cst.Index):
        return None
    return _int_literal(sub.slice[0].slice.value)
