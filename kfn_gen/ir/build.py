"""Build the graph IR by interpreting a script's model-building statements statically.

Top-level statements run in order on an abstract environment (variable -> Layer, tensor, list,
Keras class or unknown).  Layer constructors make Layers, calls on tensors make Nodes, `Model(...)`
and `Sequential` make models.  Statements inside loops and branches run once with the layers they
touch marked `uncertain` (their node numbering is not static); function bodies are not run.
Along the way the interpreter records facts the rewrite rules need: which layer and node an
`x.get_output_at(i)` / `x.output` refers to, which variables hold that tensor at that point, and
which constructor call is the first layer of a Sequential.
"""
from __future__ import annotations

from typing import Any

import libcst as cst

from kfn_gen.frontend.source import Source
from kfn_gen.ir.graph import Graph, TensorRef
from kfn_gen.ir.calls import KerasCalls
from kfn_gen.ir.values import (ACCESS_ATTRS, Facts, KerasObj, LayerVal, ListVal, TensorVal, _int_index)


class Builder(KerasCalls):
    def __init__(self, src: Source):
        self.src = src
        self.graph = Graph()
        self.facts = Facts()
        self.env: dict[str, Any] = {}
        self.loop_depth = 0
        self.statement: cst.CSTNode | None = None
        self.seq_started: set[int] = set()  # Sequential models given a non-layer item (keras.Input) first

    # ----- statements -----
    def run(self) -> tuple[Graph, Facts]:
        self.block(self.src.module.body)
        return self.graph, self.facts

    def block(self, body) -> None:
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementSuite):  # `def f(): return x` on one line
                self.statement = stmt
                for small in stmt.body:
                    self.small(small)
            else:
                self.stmt(stmt)

    def stmt(self, stmt) -> None:
        if isinstance(stmt, cst.SimpleStatementLine):
            self.statement = stmt
            for small in stmt.body:
                self.small(small)
        elif isinstance(stmt, (cst.For, cst.While, cst.If, cst.With, cst.Try)):
            uncertain = not isinstance(stmt, (cst.With, cst.Try))
            self.loop_depth += uncertain
            if isinstance(stmt, cst.For):
                self.eval(stmt.iter)
                self.bind(stmt.target, None)
            elif isinstance(stmt, (cst.If, cst.While)):
                self.eval(stmt.test)
            for part in _bodies(stmt):
                self.block(part)
            self.loop_depth -= uncertain
        elif isinstance(stmt, cst.FunctionDef):
            self.function(stmt)
        elif isinstance(stmt, cst.ClassDef):
            self.env[stmt.name.value] = None

    def function(self, fn: cst.FunctionDef) -> None:
        """Run a function body once, where it is defined, in its own scope with unknown parameters.

        Tutorials build models in `def build_model(): ...`; running the body once records its layers
        and the facts rules need (a Sequential's first layer, node accesses) exactly once per source
        node, whether the function is called zero, one or many times.  Its result stays unknown.
        """
        saved, statement = self.env, self.statement
        self.env = dict(saved)
        params = fn.params
        for p in [*params.posonly_params, *params.params, *params.kwonly_params]:
            self.env[p.name.value] = None
        for p in (params.star_arg, params.star_kwarg):
            if isinstance(p, cst.Param):
                self.env[p.name.value] = None
        body = fn.body.body if isinstance(fn.body, cst.IndentedBlock) else [fn.body]
        self.block(body)
        self.env, self.statement = saved, statement
        self.env[fn.name.value] = None

    def small(self, s) -> None:
        if isinstance(s, cst.Assign):
            value = self.eval(s.value)
            for t in s.targets:
                self.bind(t.target, value)
        elif isinstance(s, cst.AnnAssign) and s.value is not None:
            self.bind(s.target, self.eval(s.value))
        elif isinstance(s, cst.AugAssign):
            self.eval(s.value)
            self.bind(s.target, None)
        elif isinstance(s, cst.Expr):
            self.eval(s.value)
        elif isinstance(s, cst.Assert):
            self.eval(s.test)
        elif isinstance(s, (cst.Import, cst.ImportFrom)):
            names = [] if isinstance(getattr(s, "names", None), cst.ImportStar) else s.names
            for alias in names:
                target = alias.asname.name if alias.asname else alias.name
                if isinstance(target, cst.Name):  # imported names resolve through the front end
                    self.env.pop(target.value, None)
        elif isinstance(s, cst.Return) and s.value is not None:
            self.eval(s.value)

    def bind(self, target, value) -> None:
        if isinstance(target, cst.Name):
            self.env[target.value] = value
            self._name_first(value, target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            items = self._unpack(value, len(target.elements))
            for el, v in zip(target.elements, items):
                self.bind(el.value, v)
        else:  # attribute/subscript targets: evaluate for facts only
            self.eval(target)

    def _unpack(self, value, n: int) -> list:
        if isinstance(value, ListVal) and len(value.items) == n:
            return value.items
        if isinstance(value, TensorVal) and value.n_outputs == n:
            return [TensorVal(TensorRef(value.ref.layer, value.ref.node, i)) for i in range(n)]
        return [None] * n

    def _name_first(self, value, name: str) -> None:
        if isinstance(value, LayerVal) and value.layer.var is None:
            value.layer.var = name
        elif isinstance(value, TensorVal):
            node = self.graph.node_of(value.ref)
            if node.var is None:
                node.var = name
            layer = self.graph.layers[value.ref.layer]
            if layer.kind == "input" and layer.var is None:
                layer.var = name

    # ----- expressions -----
    def eval(self, expr) -> Any:
        value = self._eval(expr)
        self.facts.values[expr] = value
        return value

    def _eval(self, expr) -> Any:
        if isinstance(expr, cst.Name):
            if expr.value in self.env:
                return self.env[expr.value]
            ident = self.src.identity(expr)
            return KerasObj(ident) if ident else None
        if isinstance(expr, cst.Attribute):
            ident = self.src.identity(expr)
            if ident:
                return KerasObj(ident)
            base = self.eval(expr.value)
            if expr.attr.value in ACCESS_ATTRS and isinstance(base, LayerVal):
                self._record_access(expr, base.layer, expr.attr.value, None)
            return None
        if isinstance(expr, (cst.List, cst.Tuple)):
            return ListVal([self.eval(el.value) for el in expr.elements])
        if isinstance(expr, cst.Call):
            return self.call(expr)
        if isinstance(expr, cst.Subscript):
            base = self.eval(expr.value)
            for el in expr.slice:
                if isinstance(el.slice, cst.Index):
                    self.eval(el.slice.value)
            idx = _int_index(expr)
            if idx is not None and isinstance(base, ListVal) and -len(base.items) <= idx < len(base.items):
                return base.items[idx]
            if idx is not None and isinstance(base, TensorVal) and base.n_outputs > 1 and 0 <= idx < base.n_outputs:
                return TensorVal(TensorRef(base.ref.layer, base.ref.node, idx))
            return None
        if isinstance(expr, cst.Comparison):
            self.eval(expr.left)
            for c in expr.comparisons:
                self.eval(c.comparator)
            return None
        for child in expr.children:  # operators, lambdas, f-strings, ...: walk for facts
            if isinstance(child, cst.BaseExpression):
                self.eval(child)
            elif isinstance(child, (cst.Arg, cst.Element, cst.DictElement)):
                for sub in child.children:
                    if isinstance(sub, cst.BaseExpression):
                        self.eval(sub)
        return None


def _bodies(stmt):
    body = getattr(stmt, "body", None)
    if body is not None:
        yield body.body if hasattr(body, "body") else body
    for handler in getattr(stmt, "handlers", ()) or ():
        yield handler.body.body
    orelse = getattr(stmt, "orelse", None)
    while orelse is not None:
        if isinstance(orelse, cst.If):
            yield orelse.body.body
            orelse = orelse.orelse
        else:
            yield orelse.body.body
            orelse = None
    final = getattr(stmt, "finalbody", None)
    if final is not None:
        yield final.body.body


def build(src: Source) -> tuple[Graph, Facts]:
    return Builder(src).run()
