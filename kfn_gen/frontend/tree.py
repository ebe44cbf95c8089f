"""Walking a libcst tree: every node in source order, each node's parent, dotted names.

One visitor pass per tree, cached: libcst's `.children` re-visits a node's subtree on every access,
which made repeated walks the migrator's main cost (4 of 5.8 s on one keras example).
"""
from __future__ import annotations

import libcst as cst


class _Collect(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[cst.CSTNode] = []
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        if self._stack:
            self.parents[node] = self._stack[-1]
        self._stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()


_WALKS: dict[int, tuple[cst.CSTNode, _Collect]] = {}


def collect(node: cst.CSTNode) -> _Collect:
    """One visitor pass over `node` (cached per tree): every node in source order, and each one's parent."""
    hit = _WALKS.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    collect = _Collect()
    node.visit(collect)
    if len(_WALKS) > 256:
        _WALKS.clear()
    _WALKS[id(node)] = (node, collect)
    return collect


def walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Every node under `node` (itself first), in source order."""
    return collect(node).nodes


def parents(node: cst.CSTNode) -> dict[cst.CSTNode, cst.CSTNode]:
    """Each node under `node` -> its parent node."""
    return collect(node).parents


def dotted(node) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def root(node) -> str:
    """The leftmost name of an attribute chain (`keras` in `keras.layers.Dense`), or ""."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else ""
