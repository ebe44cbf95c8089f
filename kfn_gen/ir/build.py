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

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from kfn_gen.keras224 import api as api224
from kfn_gen.diagnostics import Diagnostic
from kfn_gen.frontend.source import Source
from kfn_gen.ir.graph import Arg, Graph, Layer, TensorRef

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


class Builder:
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

    def call(self, call: cst.Call) -> Any:
        func = call.func
        if isinstance(func, cst.Attribute) and not self.src.identity(func):
            owner = self.eval(func.value)
            method = func.attr.value
            args = [self.eval(a.value) for a in call.args]
            if isinstance(owner, LayerVal):
                return self.method(call, owner.layer, method, args)
            return None
        callee = self.eval(func)
        args = [self.eval(a.value) for a in call.args]
        if isinstance(callee, KerasObj):
            return self.keras_call(call, callee.identity, args)
        if isinstance(callee, LayerVal):
            return self.layer_call(call, callee.layer, args)
        return None

    def keras_call(self, call: cst.Call, ident: str, args: list) -> Any:
        line = self.src.pos(call)[0]
        kind = api224.kind(ident)
        if ident == INPUT:
            layer = self.new_layer(call, "keras.engine.input_layer.InputLayer", "input")
            node = self.graph.add_node(layer, [], line)
            return TensorVal(node.outputs[0])
        if ident in MERGE_FUNCTIONS:
            layer = self.new_layer(call, MERGE_FUNCTIONS[ident], "layer", skip_first=1)
            return self.layer_call(call, layer, args[:1])
        if ident == MODEL:
            return self.functional_model(call, args)
        if ident == SEQUENTIAL:
            model = self.new_layer(call, SEQUENTIAL, "sequential")
            model.node_offset = 1
            items = args[0] if args else self._kwarg_value(call, "layers")
            if isinstance(items, ListVal):
                first = call.args[0].value if call.args and call.args[0].keyword is None else _kwarg(call, "layers")
                elements = first.elements if isinstance(first, (cst.List, cst.Tuple)) else []
                for el, item in zip(elements, items.items):
                    self.seq_add(model, item, el.value, "list")
            return LayerVal(model)
        if kind == "layer":
            layer = self.new_layer(call, ident, "layer")
            if ident in WRAPPERS and args and isinstance(args[0], LayerVal):
                layer.wraps = args[0].layer.id
            return LayerVal(layer)
        return None

    def new_layer(self, call: cst.Call, ident: str, kind: str, skip_first: int = 0) -> Layer:
        line = self.src.pos(call)[0]
        positional = [a for a in call.args if a.keyword is None and not a.star][skip_first:]
        layer = self.graph.new_layer(
            ident, kind, line,
            args=[Arg.of(self.src.module.code_for_node(a.value), self.facts.values.get(a.value)) for a in positional],
            kwargs={a.keyword.value: Arg.of(self.src.module.code_for_node(a.value), self.facts.values.get(a.value))
                    for a in call.args if a.keyword is not None},
        )
        layer.uncertain = self.loop_depth > 0
        self.facts.constructors[call] = layer
        return layer

    def functional_model(self, call: cst.Call, args: list) -> Any:
        pos = [a for a in call.args if a.keyword is None]
        ins = args[0] if pos else self._kwarg_value(call, "inputs", "input")
        outs = args[1] if len(pos) > 1 else self._kwarg_value(call, "outputs", "output")
        for what, value in (("Input", ins), ("Output", outs)):
            items = value.items if isinstance(value, ListVal) else [value]
            bad = next((v for v in items if isinstance(v, (LayerVal, KerasObj))), None)
            if bad is not None:
                found = bad.layer.name if isinstance(bad, LayerVal) else bad.identity.rsplit(".", 1)[-1]
                self.facts.diagnostics.append(self.src.diag(
                    call, "error",
                    f"{what} tensors to a Model must be " + ("the output of a Keras `Layer`" if what == "Output"
                                                            else "from `keras.layers.Input`")
                    + f" (thus holding past layer metadata). Found: a {found} {'layer' if isinstance(bad, LayerVal) else 'object'},"
                    " not a tensor (was it called?)", "graph"))
        model = self.new_layer(call, MODEL, "model")
        model.node_offset = 1
        model.inputs = _refs(ins)
        model.outputs = _refs(outs)
        if model.outputs and model.inputs:
            self.check_connected(call, model)
            model.members = [i for i in self.graph.ancestors(model.outputs)]
        return LayerVal(model)

    def check_connected(self, call: cst.Call, model: Layer) -> None:
        known = {(r.layer, r.node) for r in model.inputs}
        seen = set()
        stack = list(model.outputs)
        while stack:
            ref = stack.pop()
            if (ref.layer, ref.node) in known or (ref.layer, ref.node) in seen:
                continue
            seen.add((ref.layer, ref.node))
            layer = self.graph.layers[ref.layer]
            if layer.kind == "input":
                name = layer.var or f"input_{layer.id}"
                self.facts.diagnostics.append(self.src.diag(
                    call, "error",
                    f'Graph disconnected: cannot obtain value for tensor "{name}" (line {layer.line}). '
                    "It is an Input of this graph that is not among the model's inputs.", "graph"))
                return
            stack.extend(self.graph.node_of(ref).inputs)

    def seq_add(self, model: Layer, item, expr, how: str) -> None:
        if not isinstance(item, LayerVal):
            model.uncertain = True
            self.seq_started.add(model.id)  # `keras.Input(...)` first (already migrated): the next layer is not first
            return
        layer = item.layer
        if not model.members and model.id not in self.seq_started and isinstance(expr, cst.Call) \
                and expr in self.facts.constructors:
            if any(k in layer.kwargs for k in INPUT_SHAPE_KWARGS) or layer.name == "Embedding":
                self.facts.sequential_first[expr] = SequentialSlot(model, layer, how, self.statement)
        model.members.append(layer.id)
        if layer.kind == "input":
            return
        prev = model.outputs[0] if model.outputs else None
        if prev is None and not model.inputs:
            start = self.graph.new_layer("keras.engine.input_layer.InputLayer", "input", layer.line)
            model.inputs = [self.graph.add_node(start, [], layer.line).outputs[0]]
            prev = model.inputs[0]
        node = self.graph.add_node(layer, [prev], layer.line)
        model.outputs = [node.outputs[0]]

    def method(self, call: cst.Call, layer: Layer, method: str, args: list) -> Any:
        if method == "add" and layer.kind == "sequential" and call.args:
            self.seq_add(layer, args[0], call.args[0].value, "add")
            return None
        if method == "pop" and layer.kind == "sequential" and layer.members:
            layer.members.pop()
            return None
        if method in ACCESS_METHODS and call.args:
            index = _int_literal(call.args[0].value)
            what = method[len("get_"):-len("_at")]
            self._record_access(call, layer, what, index)
        return None

    def layer_call(self, call: cst.Call, layer: Layer, args: list) -> Any:
        if not args:
            return None
        first = call.args[0].value if call.args else None
        if isinstance(first, (cst.Integer, cst.Float, cst.SimpleString)) or isinstance(args[0], LayerVal):
            kind = "a layer" if isinstance(args[0], LayerVal) else f"the literal {self.src.module.code_for_node(first)}"
            self.facts.diagnostics.append(self.src.diag(
                call, "error", f"Layer {layer.var or layer.name} was called with an input that isn't a symbolic "
                               f"tensor: {kind}. All inputs to the layer should be tensors.", "graph"))
            return None
        inputs = _refs(args[0])
        if not inputs:
            return None
        n_out = 1
        if layer.is_model and len(layer.outputs) > 1:
            n_out = len(layer.outputs)
        elif "return_state" in layer.kwargs and layer.kwargs["return_state"].value is True:
            n_out = 3 if layer.name == "LSTM" else 2
        extra = {a.keyword.value: Arg.of(self.src.module.code_for_node(a.value)) for a in call.args if a.keyword}
        node = self.graph.add_node(layer, inputs, self.src.pos(call)[0], n_out, extra)
        if self.loop_depth:
            layer.uncertain = True
        if n_out > 1:
            return TensorVal(node.outputs[0], n_out)
        return TensorVal(node.outputs[0])

    def _record_access(self, node, layer: Layer, what: str, index: int | None) -> None:
        holders: dict[tuple[int, int, int], list[str]] = {}
        for name, value in self.env.items():
            if isinstance(value, TensorVal) and value.n_outputs == 1:
                holders.setdefault((value.ref.layer, value.ref.node, value.ref.index), []).append(name)
        n_nodes = len(layer.nodes) + layer.node_offset
        self.facts.accesses[node] = Access(what, layer, index, n_nodes, holders, layer.uncertain or self.loop_depth > 0)

    def _kwarg_value(self, call: cst.Call, *names: str):
        for name in names:
            node = _kwarg(call, name)
            if node is not None:
                return self.facts.values.get(node)
        return None


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


def build(src: Source) -> tuple[Graph, Facts]:
    return Builder(src).run()
