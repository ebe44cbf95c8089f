"""How the builder evaluates a call: Keras constructors make layers, `Model(...)`/`Sequential` make models
(checked for connectivity as Keras checks it), calls on tensors make nodes, and methods like
`get_output_at` are recorded for the rules."""
from __future__ import annotations

from typing import Any

import libcst as cst

from kfn_gen.keras224 import api as api224
from kfn_gen.ir.graph import Arg, Layer
from kfn_gen.ir.values import (ACCESS_METHODS, INPUT, INPUT_SHAPE_KWARGS, MERGE_FUNCTIONS, MODEL, SEQUENTIAL, WRAPPERS,
                               Access, KerasObj, LayerVal, ListVal, SequentialSlot, TensorVal, _int_literal, _kwarg,
                               _refs)



class KerasCalls:
    """The call half of Builder (build.py): it relies on the builder's src, graph, facts and eval()."""

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
