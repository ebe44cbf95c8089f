"""Graph drawings (dot, mermaid): one box per layer, one edge per call, shared layers marked.

A layer called several times is ONE box ("LSTM lstm ×2 shared") with one incoming edge per call,
labelled with the call number, so sharing is visible.  Models are boxes too when called as layers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kfn_gen.ir.graph import Graph
from kfn_gen.render.jinja import render


@dataclass(frozen=True)
class Box:
    id: str
    label: str
    shared: bool
    kind: str


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str


def _ident(layer) -> str:
    return f"L{layer.id}"


def boxes_and_edges(graph: Graph) -> tuple[list[Box], list[Edge], list[dict]]:
    boxes, edges, clusters = [], [], []
    for layer in graph.layers:
        n = len(layer.nodes)
        name = layer.var or ""
        label = f"{layer.name} {name}".strip()
        if n > 1:
            label += f" x{n} shared"
        if layer.wraps is not None:
            inner = graph.layers[layer.wraps]
            label += f" of {inner.var or inner.name}"
        boxes.append(Box(_ident(layer), label, n > 1, layer.kind))
        for node in layer.nodes:
            for ref in node.inputs:
                parts = []
                if len(graph.layers[ref.layer].nodes) > 1:
                    parts.append(f"from call {ref.node + 1}")
                if ref.index:
                    parts.append(f"output {ref.index}")
                if n > 1:
                    parts.append(f"call {node.index + 1}")
                tag = ", ".join(parts)
                edges.append(Edge(_ident(graph.layers[ref.layer]), _ident(layer), tag))
    for model in graph.models:
        members = [f"L{i}" for i in model.members if graph.layers[i].kind != "input" or model.kind == "model"]
        clusters.append({"id": f"C{model.id}", "label": f"{model.name} {model.var or ''}".strip(), "members": members})
    return boxes, edges, clusters


def _mermaid_text(text: str) -> str:
    return re.sub(r'["\[\]{}()<>]', "", text)


def dot(graph: Graph, title: str) -> str:
    boxes, edges, clusters = boxes_and_edges(graph)
    return render("graph.dot.j2", title=title.replace('"', "'"), boxes=boxes, edges=edges, clusters=clusters)


def mermaid(graph: Graph, title: str) -> str:
    boxes, edges, clusters = boxes_and_edges(graph)
    boxes = [Box(b.id, _mermaid_text(b.label), b.shared, b.kind) for b in boxes]
    clusters = [dict(c, label=_mermaid_text(c["label"])) for c in clusters]
    return render("graph.mmd.j2", title=_mermaid_text(title), boxes=boxes, edges=edges, clusters=clusters)
