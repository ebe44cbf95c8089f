"""`kfn-gen generate tf-function`: a standalone TensorFlow module from the graph IR.

The generated module needs only TensorFlow: a `tf.Module` subclass built from the weight list in
the order of the migrated Keras 3 model's `get_weights()`, whose `__call__` is a `@tf.function`
with an `input_signature`.  Nested models become methods (one set of variables however often
they are called), shared layers reuse their variables, and every node is one line named after
the script's variables.  This module never imports TensorFlow; the template
(render/templates/tf_module.py.j2) only loops and prints what `context()` computed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kfn_gen import __version__
from kfn_gen.ir import build
from kfn_gen.frontend import source as frontend
from kfn_gen.ir.graph import Graph, Layer, Node, TensorRef
from kfn_gen.render.namespace import Namespace
from kfn_gen.render.tfgen_layers import (DTYPES, HELPERS, IDENTITY_LAYERS, INERT, SPECS, Call, Config, GenError, NonLiteral,
                           Shape, flops, snake)

TFGenError = GenError

# Names a generated identifier must never take: Python's, the module's imports, tf.Module's members.
TF_MODULE_MEMBERS = {"name", "name_scope", "variables", "trainable_variables", "non_trainable_variables",
                     "submodules", "with_name_scope", "WEIGHT_SHAPES", "weights"}
ACTIVATION_KEYS = ("activation", "recurrent_activation")
PRESERVE_DTYPE = {"Flatten", "Reshape", "Concatenate", "Permute", "RepeatVector", "Add", "Subtract", "Multiply",
                  "Maximum", "Minimum", "ZeroPadding2D"}


@dataclass
class Method:
    name: str
    model: Layer
    params: list[str]
    in_shapes: list[Shape]
    in_dtypes: list[str]
    lines: list[str] = field(default_factory=list)
    returns: str = ""
    out_shapes: list[Shape] = field(default_factory=list)
    out_dtypes: list[str] = field(default_factory=list)
    doc: str = ""
    flops: int = 0  # per sample, one call


@dataclass
class Generated:
    code: str
    model: Layer
    class_name: str
    n_weights: int
    inputs: list  # [(shape, dtype, 'ids'|'values')] of __call__'s arguments ('ids': Embedding indices)
    list_output: bool  # __call__ returns a list (else one tensor)
    flops: int  # matmul/conv FLOPs (2 per multiply-add) per sample


# ----------------------------------------------------------------------------------------------
# Loading and choosing the model
# ----------------------------------------------------------------------------------------------
def load_graph(text: str, path: str) -> Graph:
    src, diags = frontend.parse(text, path)
    if src is None:
        raise GenError("; ".join(d.format() for d in diags))
    errors = [d for d in frontend.check_names(src) if d.severity == "error"]
    graph, facts = build.build(src)
    errors += [d for d in facts.diagnostics if d.severity == "error"]
    if errors:
        raise GenError("\n".join(d.format() for d in errors))
    return graph


def list_models(graph: Graph) -> list[dict]:
    out = []
    for m in graph.models:
        out.append({"var": m.var, "class": m.name, "line": m.line, "inputs": len(m.inputs),
                    "outputs": len(m.outputs), "layers": len([x for x in m.members if graph.layers[x].kind != "input"])})
    return out


def select_model(graph: Graph, name: str | None, path: str) -> Layer:
    models = [m for m in graph.models if m.outputs]
    if not models:
        raise GenError(f"{path}: the script builds no model kfn-gen can see statically")
    if name is None:
        return models[-1]
    hits = [m for m in models if m.var == name]
    if not hits:
        known = ", ".join(f"{m.var} (line {m.line})" for m in models)
        raise GenError(f"{path}: no model named {name!r}; models: {known}")
    return hits[-1]


def generate(text: str, path: str, model: str | None = None, jit: bool = False) -> Generated:
    graph = load_graph(text, path)
    top = select_model(graph, model, path)
    gen = Gen(graph, path, jit)
    ctx = gen.context(top)
    return Generated(render(ctx), top, ctx["class_name"], len(ctx["weights"]), gen.inputs, gen.list_output,
                     gen.flops)


def render(ctx: dict) -> str:
    from kfn_gen.render.jinja import render as render_template

    return render_template("tf_module.py.j2", **ctx)


# ----------------------------------------------------------------------------------------------
# Code generation
# ----------------------------------------------------------------------------------------------
class Gen:
    def __init__(self, graph: Graph, path: str, jit: bool):
        self.graph = graph
        self.path = path
        self.jit = jit
        self.ns = Namespace({"tf", *HELPERS})  # module level
        self.members = self.ns.scope({"self", "__call__", "__init__", *TF_MODULE_MEMBERS})  # methods, attributes
        self.layer_names = Namespace()
        self.helpers: list[str] = []
        self.layer_base: dict[int, str] = {}
        self.weight_attr: dict[tuple[int, str], str] = {}
        self.weight_shape: dict[tuple[int, str], Shape] = {}
        self.layer_weights: dict[int, list[str]] = {}
        self.methods: dict[int, Method] = {}
        self.method_order: list[Method] = []
        self.configs: dict[int, Config] = {}
        self.id_exprs: set[str] = set()  # expressions used as Embedding ids
        self.flops = 0  # of the graph being emitted (per sample)
        self.local: Namespace = self.ns  # the function scope being emitted
        self.pre_lines: list[str] = []  # statements a node needs before its own line

    # ----- naming -----
    def base(self, layer: Layer) -> str:
        if layer.id not in self.layer_base:
            name = layer.kwargs.get("name")
            cand = name.value if name is not None and name.literal and isinstance(name.value, str) else None
            cand = cand or layer.var or snake(layer.name)
            self.layer_base[layer.id] = self.layer_names.create(cand)
        return self.layer_base[layer.id]

    def helper(self, name: str | None) -> None:
        if name and name not in self.helpers:
            self.helpers.append(name)

    # ----- configs -----
    def config(self, layer: Layer) -> Config:
        if layer.id in self.configs:
            return self.configs[layer.id]
        spec = SPECS[layer.name]
        values = dict(spec.defaults)
        what = f"{self.path}:{layer.line}: {layer.name}"
        if len(layer.args) > len(spec.params):
            raise GenError(f"{what}: too many positional arguments for a tf-function template")
        named = list(zip(spec.params, layer.args)) + list(layer.kwargs.items())
        known = set(spec.params) | set(spec.defaults) | INERT
        for key, arg in named:
            if key not in known:
                raise GenError(f"{what}: argument {key}={arg.source} has no tf-function template")
            if arg.literal:
                values[key] = arg.value
            elif key in ACTIVATION_KEYS and arg.source.rsplit(".", 1)[-1] in _activation_names():
                values[key] = arg.source.rsplit(".", 1)[-1]
            elif key in INERT:
                continue
            else:
                values[key] = NonLiteral(arg.source)
        cfg = Config(what, values)
        problem = spec.check(cfg)
        if problem:
            raise GenError(problem)
        self.configs[layer.id] = cfg
        return cfg

    def weights(self, layer: Layer, cfg: Config, in_shapes: list[Shape]) -> dict[str, str]:
        spec = SPECS[layer.name]
        declared = spec.weights(cfg, in_shapes)
        if layer.id not in self.layer_weights:
            self.layer_weights[layer.id] = [n for n, _ in declared]
            for wname, shape in declared:
                key = (layer.id, wname)
                self.weight_attr[key] = self.members.create(f"{self.base(layer)}_{wname}")
                self.weight_shape[key] = tuple(shape)
        return {n: f"self.{self.weight_attr[(layer.id, n)]}" for n, _ in declared}

    # ----- model inputs -----
    def model_inputs(self, model: Layer) -> tuple[list[Shape | None], list[str]]:
        """Declared input shapes (None where the script does not say) and dtypes of a model."""
        shapes, dtypes = [], []
        if model.kind == "sequential":
            first = self.graph.layers[model.members[0]] if model.members else None
            if first is not None and first.is_model:
                return self.model_inputs(first)
            shape, dtype = (_first_layer_shape(first) if first is not None else None), "float32"
            if first is not None and "dtype" in first.kwargs and first.kwargs["dtype"].literal:
                dtype = first.kwargs["dtype"].value
            return [shape], [dtype]
        for ref in model.inputs:
            layer = self.graph.layers[ref.layer]
            if layer.kind != "input":
                raise GenError(f"{self.path}:{model.line}: {model.var or 'model'}: an input that is not an Input() "
                               "tensor has no tf-function template")
            shape, dtype = _input_layer_shape(layer)
            shapes.append(shape)
            dtypes.append(dtype)
        return shapes, dtypes

    # ----- graphs -----
    def check_static(self, layer: Layer) -> None:
        if layer.uncertain:
            raise GenError(f"{self.path}:{layer.line}: {layer.name} is built or called inside a loop or branch; "
                           "its graph is not static, kfn-gen cannot generate it")

    def emit_graph(self, model: Layer, params: list[str], in_shapes: list[Shape], in_dtypes: list[str],
                   lines: list[str], local: Namespace) -> tuple[list[str], list[Shape], list[str]]:
        self.check_static(model)
        outer_local, self.local = self.local, local
        env: dict[TensorRef, str] = {}
        shapes: dict[TensorRef, Shape] = {}
        dtypes: dict[TensorRef, str] = {}
        for ref, p, s, d in zip(model.inputs, params, in_shapes, in_dtypes):
            env[ref], shapes[ref], dtypes[ref] = p, s, d
            if d in ("float16", "float64"):  # Keras layers compute in float32 and cast their inputs
                lines.append(f"{p} = tf.cast({p}, tf.float32)  # Input(dtype={d!r}): Keras computes in float32")
                dtypes[ref] = "float32"
        for node in self.order(model):
            self.emit_node(node, env, shapes, dtypes, lines, local)
        self.local = outer_local
        return [env[r] for r in model.outputs], [shapes[r] for r in model.outputs], [dtypes[r] for r in model.outputs]

    def order(self, model: Layer) -> list[Node]:
        """Nodes computing the model's outputs from its inputs, in script order (a topological order)."""
        known = {(r.layer, r.node, r.index) for r in model.inputs}
        seen: set[tuple[int, int]] = set()
        order: list[Node] = []

        def visit(ref: TensorRef):
            key = (ref.layer, ref.node)
            if (ref.layer, ref.node, ref.index) in known or key in seen:
                return
            seen.add(key)
            node = self.graph.node_of(ref)
            if self.graph.layers[ref.layer].kind == "input":
                layer = self.graph.layers[ref.layer]
                raise GenError(f"{self.path}:{model.line}: Graph disconnected: input {layer.var or layer.id} "
                               f"(line {layer.line}) is not among the model's inputs")
            for r in node.inputs:
                visit(r)
            order.append(node)

        for r in model.outputs:
            visit(r)
        if model.kind == "sequential":
            return order
        rank = {id(n): i for i, n in enumerate(order)}
        return sorted(order, key=lambda n: (n.line, rank[id(n)]))

    def emit_node(self, node: Node, env, shapes, dtypes, lines: list[str], local: Namespace) -> None:
        layer = self.graph.layers[node.layer]
        self.check_static(layer)
        xs = [env[r] for r in node.inputs]
        in_shapes = [shapes[r] for r in node.inputs]
        in_dtypes = [dtypes[r] for r in node.inputs]
        comment = f"line {node.line}: {_describe(layer, self.graph)}"
        if layer.name in IDENTITY_LAYERS and layer.name in SPECS:
            self.config(layer)
            out = node.outputs[0]
            env[out], shapes[out], dtypes[out] = xs[0], in_shapes[0], in_dtypes[0]
            lines.append(f"# {comment}: identity at inference")
            return
        pre, self.pre_lines = self.pre_lines, []
        expr, out_shapes, out_dtypes = self.call_expr(layer, xs, in_shapes, in_dtypes)
        pre, self.pre_lines = self.pre_lines, pre
        n = len(node.outputs)
        if n != len(out_shapes):
            raise GenError(f"{self.path}:{node.line}: {layer.name} returns {len(out_shapes)} tensors here, "
                           f"the script unpacks {n}")
        names = []
        for i, ref in enumerate(node.outputs):
            cand = node.var if (i == 0 and node.var) else f"{node.var or self.base(layer)}{_output_suffix(layer, i)}"
            names.append(local.create(cand))
            env[ref], shapes[ref], dtypes[ref] = names[-1], out_shapes[i], out_dtypes[i]
        shape_note = ", ".join(_fmt_shape(s) for s in out_shapes)
        lines.append(f"# {comment} -> {shape_note}")
        lines.extend(pre)
        lines.append(f"{', '.join(names)} = {expr}")

    def call_expr(self, layer: Layer, xs: list[str], in_shapes: list[Shape], in_dtypes: list[str]):
        """(expression, output shapes, output dtypes) of calling `layer` on expressions xs."""
        if layer.is_model:
            method = self.method(layer, in_shapes, in_dtypes)
            self.flops += method.flops
            return f"self.{method.name}({', '.join(xs)})", method.out_shapes, method.out_dtypes
        if layer.name == "TimeDistributed":
            return self.time_distributed(layer, xs, in_shapes, in_dtypes)
        if layer.name == "Bidirectional":
            return self.bidirectional(layer, xs, in_shapes, in_dtypes)
        spec = SPECS.get(layer.name)
        if spec is None:
            raise GenError(f"{self.path}:{layer.line}: layer {layer.name} ({layer.cls}) has no tf-function "
                           "template; kfn-gen will not generate a module without it")
        cfg = self.config(layer)
        if layer.name == "Embedding":
            self.id_exprs.add(xs[0])
        if spec.n_inputs == 1 and len(xs) != 1:
            raise GenError(f"{cfg.what}: called on {len(xs)} tensors, expected one")
        out_shapes = [tuple(s) for s in spec.shape(cfg, in_shapes)]
        w = self.weights(layer, cfg, in_shapes)
        emitted = spec.emit(Call(cfg, xs, in_shapes, out_shapes, w, in_dtypes))
        self.flops += flops(layer.name, cfg, in_shapes, out_shapes)
        for h in emitted.helpers:
            self.helper(h)
        out_dtypes = [in_dtypes[0] if layer.name in PRESERVE_DTYPE else "float32"] * len(out_shapes)
        return emitted.expr, out_shapes, out_dtypes

    def time_distributed(self, layer: Layer, xs, in_shapes, in_dtypes):
        if layer.wraps is None:
            raise GenError(f"{self.path}:{layer.line}: TimeDistributed of something kfn-gen cannot see statically")
        inner = self.graph.layers[layer.wraps]
        s = in_shapes[0]
        rest = s[2:]
        if any(d is None for d in rest):
            raise GenError(f"{self.path}:{layer.line}: TimeDistributed needs the per-step shape; got {_fmt_shape(s)}")
        x = xs[0]
        folded = f"tf.reshape({x}, [-1, {', '.join(str(d) for d in rest)}])"
        outer = self.flops
        self.flops = 0
        expr, out_shapes, out_dtypes = self.call_expr(inner, [folded], [(None, *rest)], in_dtypes)
        self.flops = outer + self.flops * (s[1] or 1)
        if len(out_shapes) != 1:
            raise GenError(f"{self.path}:{layer.line}: TimeDistributed of a multi-output layer has no template")
        orest = out_shapes[0][1:]
        if any(d is None for d in orest):
            raise GenError(f"{self.path}:{layer.line}: TimeDistributed: unknown per-step output shape")
        steps = str(s[1]) if s[1] is not None else f"tf.shape({x})[1]"
        dims = ", ".join([steps, *(str(d) for d in orest)])
        return f"tf.reshape({expr}, [-1, {dims}])", [(s[0], s[1], *orest)], out_dtypes

    def bidirectional(self, layer: Layer, xs, in_shapes, in_dtypes):
        """Keras 3 Bidirectional: a forward and a backward copy of the layer (weights in that order)."""
        where = f"{self.path}:{layer.line}: Bidirectional"
        inner = self.graph.layers[layer.wraps] if layer.wraps is not None else None
        if inner is None or inner.name not in ("LSTM", "GRU", "SimpleRNN"):
            raise GenError(f"{where}: only Bidirectional(LSTM|GRU|SimpleRNN) has a tf-function template")
        merge = "concat"
        for key, arg in layer.kwargs.items():
            if key == "merge_mode":
                if not arg.literal or arg.value not in ("concat", "sum", "ave", "mul"):
                    raise GenError(f"{where}: merge_mode={arg.source} has no tf-function template")
                merge = arg.value
            elif key not in INERT:
                raise GenError(f"{where}: argument {key}={arg.source} has no tf-function template")
        if len(layer.args) > 1:
            raise GenError(f"{where}: argument {layer.args[1].source} has no tf-function template")
        cfg = self.config(inner)
        if cfg["return_state"]:
            raise GenError(f"{where}: return_state=True has no tf-function template")
        spec = SPECS[inner.name]
        out_shape = tuple(spec.shape(cfg, in_shapes)[0])
        halves = []
        for direction in ("forward", "backward"):
            dcfg = Config(cfg.what, dict(cfg.items()))
            if direction == "backward":
                dict.__setitem__(dcfg, "go_backwards", True)
            declared = spec.weights(dcfg, in_shapes)
            w = {}
            for wname, shape in declared:
                key = (layer.id, f"{direction}_{wname}")
                if key not in self.weight_attr:
                    self.weight_attr[key] = self.members.create(f"{self.base(layer)}_{direction}_{wname}")
                    self.weight_shape[key] = tuple(shape)
                    self.layer_weights.setdefault(layer.id, []).append(key[1])
                w[wname] = f"self.{self.weight_attr[key]}"
            emitted = spec.emit(Call(dcfg, xs, in_shapes, [out_shape], w, in_dtypes))
            for h in emitted.helpers:
                self.helper(h)
            self.flops += flops(inner.name, dcfg, in_shapes, [out_shape])
            expr = emitted.expr
            if direction == "backward" and cfg["return_sequences"]:
                expr = f"tf.reverse({expr}, [1])  # back in time order"
            name = self.local.create(f"{self.base(layer)}_{direction}")
            self.pre_lines.append(f"{name} = {expr}")
            halves.append(name)
        if merge == "concat":
            return (f"tf.concat([{halves[0]}, {halves[1]}], axis=-1)",
                    [(*out_shape[:-1], 2 * out_shape[-1])], ["float32"])
        op = {"sum": "{} + {}", "ave": "({} + {}) / 2", "mul": "{} * {}"}[merge]
        return op.format(*halves), [out_shape], ["float32"]

    def method(self, model: Layer, call_shapes: list[Shape], call_dtypes: list[str]) -> Method:
        if model.id in self.methods:
            return self.methods[model.id]
        declared, dtypes = self.model_inputs(model)
        shapes = [d if d is not None else c for d, c in zip(declared, call_shapes)]
        name = self.members.create(model.var or snake(model.name))
        local = self.ns.scope({"self"})
        params = [local.create(self.input_name(model, i)) for i in range(len(model.inputs))]
        m = Method(name, model, params, shapes, dtypes)
        self.methods[model.id] = m  # before emitting: a model cannot call itself, but be safe
        outer = self.flops
        self.flops = 0
        outs, m.out_shapes, m.out_dtypes = self.emit_graph(model, params, shapes, dtypes, m.lines, local)
        m.flops, self.flops = self.flops, outer
        m.returns = ", ".join(outs)
        m.doc = (f"{model.name} `{model.var or name}` (line {model.line}): "
                 f"{', '.join(_fmt_shape(s) for s in shapes)} -> {', '.join(_fmt_shape(s) for s in m.out_shapes)}.")
        self.method_order.append(m)
        return m

    def input_name(self, model: Layer, i: int) -> str:
        ref = model.inputs[i]
        layer = self.graph.layers[ref.layer]
        if model.kind == "sequential":
            return f"{model.var or 'sequential'}_input"
        name = layer.kwargs.get("name")
        return layer.var or (name.value if name is not None and name.literal else None) or f"input_{i}"

    # ----- Keras 3 weight order -----
    def keras_operations(self, model: Layer) -> list[Layer]:
        """The layers of a Keras 3 functional model in `model.layers` order (keras/src/ops/function.py map_graph)."""
        graph = self.graph
        inputs = {(r.layer, r.node, r.index) for r in model.inputs}
        finished: set = set()
        in_progress: set = set()
        nodes: list[tuple[int, int]] = []
        op_index: dict[int, int] = {}

        def helper(ref: TensorRef):
            key = (ref.layer, ref.node)
            if key in finished:
                return
            is_input = graph.layers[ref.layer].kind == "input"
            if not is_input and (ref.layer, ref.node, ref.index) in inputs:
                finished.add(key)
                return
            op_index.setdefault(ref.layer, len(op_index))
            in_progress.add(key)
            if not is_input:
                for r in graph.node_of(ref).inputs:
                    helper(r)
            finished.add(key)
            in_progress.discard(key)
            nodes.append(key)

        for r in model.outputs:
            helper(r)
        in_graph = set(nodes)
        node_depth: dict = {}
        op_depth: dict = {}
        for key in reversed(nodes):
            depth = node_depth.setdefault(key, 0)
            depth = max(depth, op_depth.get(key[0], 0))
            op_depth[key[0]] = depth
            node_depth[key] = depth
            if graph.layers[key[0]].kind == "input":
                continue
            for r in graph.layers[key[0]].nodes[key[1]].inputs:
                parent = (r.layer, r.node)
                if parent in in_graph:
                    node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
        ops = sorted(op_depth, key=lambda op: (-op_depth[op], op_index[op]))
        return [graph.layers[op] for op in ops if graph.layers[op].kind != "input"]

    def weight_order(self, model: Layer) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        seen: set = set()

        def add(layer: Layer):
            if layer.is_model:
                subs = ([self.graph.layers[i] for i in layer.members if self.graph.layers[i].kind != "input"]
                        if layer.kind == "sequential" else self.keras_operations(layer))
                for sub in subs:
                    add(sub)
            elif layer.wraps is not None and layer.id not in self.layer_weights:
                add(self.graph.layers[layer.wraps])
            else:
                for wname in self.layer_weights.get(layer.id, []):
                    key = (layer.id, wname)
                    if key not in seen:
                        seen.add(key)
                        out.append(key)

        add(model)
        return out

    # ----- the template context -----
    def context(self, top: Layer) -> dict:
        self.check_static(top)
        class_name = self.ns.create(_camel(top.var or top.name))
        shapes, dtypes = self.model_inputs(top)
        for i, s in enumerate(shapes):
            if s is None:
                raise GenError(f"{self.path}:{top.line}: cannot tell the shape of input {i} of {top.name} "
                               f"`{top.var}`: give its Input a shape= (or its first layer an input_shape=)")
        local = self.ns.scope({"self"})
        params = [local.create(self.input_name(top, i)) for i in range(len(top.inputs))]
        body: list[str] = []
        self.flops = 0
        outs, out_shapes, _ = self.emit_graph(top, params, shapes, dtypes, body, local)
        self.methods[top.id] = Method(class_name, top, params, shapes, dtypes)
        as_list = len(outs) > 1 or _outputs_written_as_list(top)
        self.inputs = [(s, d, "ids" if p in self.id_exprs else "values") for s, d, p in zip(shapes, dtypes, params)]
        self.list_output = as_list
        returns = f"[{', '.join(outs)}]" if as_list else outs[0]
        order = self.weight_order(top)
        emitted = set(self.weight_attr)
        if set(order) != emitted:
            missing = sorted(emitted - set(order))
            raise GenError(f"{self.path}:{top.line}: internal: weights {missing} are used but not in the Keras "
                           "weight order")
        weights = []
        for i, key in enumerate(order):
            layer = self.graph.layers[key[0]]
            weights.append({"index": i, "attr": self.weight_attr[key], "shape": _py_shape(self.weight_shape[key]),
                            "tf_name": repr(f"{self.base(layer)}/{key[1]}"),
                            "label": f"{layer.name} (line {layer.line}) {key[1]}"})
        self.helper("check_weights")
        specs = [f"tf.TensorSpec({_py_list_shape(s)}, {DTYPES.get(d, 'tf.float32')}, name={p!r})"
                 for p, s, d in zip(params, shapes, dtypes)]
        methods = [{"name": m.name, "params": ", ".join(m.params), "doc": m.doc, "lines": m.lines,
                    "returns": m.returns} for m in self.method_order]
        helper_order = [h for h in HELPERS if h in self.helpers]
        header = [f"Generated by kfn-gen {__version__} (`kfn-gen generate tf-function`) from {self.path}:",
                  f"{top.name} `{top.var}` (line {top.line}), {len(top.inputs)} input(s) -> {len(outs)} output(s).",
                  "",
                  "Needs only TensorFlow.  Computes what the Keras 2.2.4 model computed (= the migrated Keras 3",
                  "model).  Construct with the Keras 3 model's get_weights(); call with "
                  + ", ".join(f"{p}: {_fmt_shape(s)} {d}" for p, s, d in zip(params, shapes, dtypes)) + ".",
                  "Do not edit: regenerate instead."]
        return {
            "header": header,
            "helpers": [HELPERS[h] for h in helper_order],
            "class_name": class_name,
            "class_doc": f"{top.name} `{top.var}` (line {top.line}) as a tf.Module.",
            "module_name": repr(Namespace.sanitize(top.var or snake(top.name))),
            "weights": weights,
            "signature": specs,
            "jit": "True" if self.jit else "False",
            "params": ", ".join(params),
            "body": body,
            "returns": returns,
            "out_doc": ", ".join(_fmt_shape(s) for s in out_shapes),
            "methods": methods,
        }


# ----------------------------------------------------------------------------------------------
def _activation_names():
    from kfn_gen.render.tfgen_layers import ACTIVATIONS
    return ACTIVATIONS


def _output_suffix(layer: Layer, i: int) -> str:
    if i and layer.name in ("LSTM", "GRU", "SimpleRNN"):
        return ("", "_state_h", "_state_c")[i]
    return f"_{i}" if i else ""


def _camel(name: str) -> str:
    parts = re.split(r"[^0-9A-Za-z]+", name)
    out = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return out or "Model"


def _fmt_shape(s) -> str:
    if s is None:
        return "(?)"
    return "(" + ", ".join("None" if d is None else str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


def _py_shape(s: Shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


def _py_list_shape(s: Shape) -> str:
    return "[" + ", ".join("None" if d is None else str(d) for d in s) + "]"


def _input_layer_shape(layer: Layer) -> tuple[Shape | None, str]:
    kw = layer.kwargs
    dtype = "float32"
    if "dtype" in kw and kw["dtype"].literal and kw["dtype"].value:
        dtype = kw["dtype"].value
    shape = None
    arg = kw.get("shape") or (layer.args[0] if layer.args else None)
    if arg is not None and arg.literal and arg.value is not None:
        shape = (None, *tuple(arg.value))
    elif "batch_shape" in kw and kw["batch_shape"].literal:
        shape = (None, *tuple(kw["batch_shape"].value)[1:])
    if dtype not in DTYPES:
        raise GenError(f"Input (line {layer.line}): dtype {dtype!r} has no tf-function template")
    return shape, dtype


def _first_layer_shape(layer: Layer) -> Shape | None:
    kw = {k: v.value for k, v in layer.kwargs.items() if v.literal}
    if "batch_input_shape" in kw:
        return (None, *tuple(kw["batch_input_shape"])[1:])
    if "input_shape" in kw:
        return (None, *tuple(kw["input_shape"]))
    if layer.name == "Embedding":
        return (None, kw.get("input_length"))
    if "input_dim" in kw:
        if "input_length" in kw or layer.name in ("LSTM", "GRU", "SimpleRNN"):
            return (None, kw.get("input_length"), kw["input_dim"])
        return (None, kw["input_dim"])
    return None


def _outputs_written_as_list(model: Layer) -> bool:
    if model.kind != "model":
        return False
    arg = model.kwargs.get("outputs") or model.kwargs.get("output") or (model.args[1] if len(model.args) > 1 else None)
    return arg is not None and arg.source.lstrip().startswith(("[", "("))


def _describe(layer: Layer, graph: Graph) -> str:
    """`Dense(64, activation='relu')`: the constructor as the script wrote it (shortened)."""
    if layer.is_model:
        return f"{layer.var or layer.name}"
    parts = [a.source for a in layer.args] + [f"{k}={v.source}" for k, v in layer.kwargs.items()]
    text = f"{layer.name}({', '.join(parts)})"
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:87] + "..."
