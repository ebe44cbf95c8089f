"""A standalone tf-function module from a captured Keras 3 model (verify/worker/export.py's description).

One line per node, in the order the model computes them, named after the script's variables where the
script bound one; a nested model called as a layer becomes one method (its variables exist once however
often it is called); a shared layer reuses its variables.  The module is built from the weight list in the
order of the Keras 3 model's `get_weights()`.  Pure string building: no TensorFlow, no Keras here; the
template (templates/tf_module.py.j2) only prints.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kfn_gen import __version__
from kfn_gen.render.keras3_layers import EMITTERS, MASK_CONSUMERS, RNN_HELPERS, TENSOR_KWARGS, Call, GenError
from kfn_gen.render.keras3_ops import OpError, op_node
from kfn_gen.render.lambdas import LambdaError, translate
from kfn_gen.render.namespace import Namespace, snake
from kfn_gen.render.tf_helpers import HELPERS

TF_MODULE_MEMBERS = {"name", "name_scope", "variables", "trainable_variables", "non_trainable_variables",
                     "submodules", "with_name_scope", "WEIGHT_SHAPES", "weights", "serve", "from_file", "_forward"}
DTYPES = {"float32": "tf.float32", "float64": "tf.float64", "float16": "tf.float16", "int32": "tf.int32",
          "int64": "tf.int64", "int8": "tf.int8", "uint8": "tf.uint8", "int16": "tf.int16", "bool": "tf.bool"}
# what a node may receive besides its inputs and still be generated (Keras passes mask=None itself; a mask
# tensor only to a layer whose call() takes it: uses_mask, MASK_CONSUMERS)
INERT_KWARGS = {"training", "mask"}


@dataclass
class Generated:
    code: str
    class_name: str
    n_weights: int


def _camel(name: str) -> str:
    parts = re.split(r"[^0-9A-Za-z]+", name)
    out = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return out or "Model"


def _shape(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


class Renderer:
    def __init__(self, model: dict, source: str, jit: bool):
        self.model, self.source, self.jit = model, source, jit
        self.ns = Namespace({"tf", *HELPERS})
        self.members = self.ns.scope({"self", "__call__", "__init__", *TF_MODULE_MEMBERS})
        self.helpers: set[str] = {"check_weights"}
        self.weight_attr: dict[int, str] = {}
        self.methods: list[dict] = []
        self.method_of: dict[str, str] = {}  # nested model layer name -> method name
        self.lambda_of: dict[str, str] = {}  # Lambda layer name -> module-level function
        self.extra_helpers: list[str] = []
        self.constant_attr: dict[int, str] = {}  # arrays the script fed to ops -> module attributes
        self.functions: dict[tuple, str] = {}  # the script's functions that translated code calls
        self.states: list[dict] = []  # stateful RNNs: {"param", "new", "shape"}, serve()'s state arguments

    def expr(self, arg, value: dict) -> str:
        """A node argument as an expression: a tensor's variable, a list of them, a constant array the module
        holds, or a plain value."""
        if isinstance(arg, dict) and set(arg) == {"tensor"}:
            return value[arg["tensor"]]
        if isinstance(arg, list):
            return "[" + ", ".join(self.expr(a, value) for a in arg) + "]"
        if isinstance(arg, dict) and "constant" in arg:
            if arg["dtype"] != "float32":
                raise GenError(f"a constant {arg['dtype']} array of shape {tuple(arg['shape'])} is an input of the "
                               "graph: only float32 constants are generated")
            k = arg["constant"]
            if k not in self.constant_attr:
                self.constant_attr[k] = self.members.create(f"constant_{k}")
            return f"self.{self.constant_attr[k]}"
        return repr(arg)

    def weights(self, layer: dict) -> list[tuple[str, str]]:
        out = []
        for index, path in layer["weights"]:
            if index not in self.weight_attr:
                self.weight_attr[index] = self.members.create(snake(self.model["weights"][index]["path"].replace("/", "_")))
            out.append((path, f"self.{self.weight_attr[index]}"))
        return out

    def graph(self, graph: dict, params: list[str], local: Namespace) -> tuple[list[str], list[str]]:
        """(lines, output expressions) of one graph, its inputs bound to `params`."""
        value = dict(zip(graph["inputs"], params))
        shapes: dict[str, list] = dict(zip(graph["inputs"], graph["input_shapes"]))
        dtypes: dict[str, str] = dict(zip(graph["inputs"], graph.get("input_dtypes", [])))
        lines = []
        names = graph.get("names", {})
        for node in graph["nodes"]:
            layer = graph["layers"][node["layer"]]
            xs = _tensors(node["args"][0] if node["args"] else None)
            takes = TENSOR_KWARGS.get(layer["class"], set())
            mask = node["kwargs"].get("mask") if _tensors(node["kwargs"].get("mask")) else None
            if mask and node.get("uses_mask") and layer["class"] not in MASK_CONSUMERS:
                raise GenError(f"layer {node['layer']!r} ({layer['class']}) reads the mask it receives: not generated")
            extra = [k for k, v in node["kwargs"].items()
                     if k not in takes and (k not in INERT_KWARGS or (_tensors(v) and k != "mask"))]
            if (len(node["args"]) > 1 and not layer.get("op")) or extra:
                raise GenError(f"layer {node['layer']!r} ({layer['class']}) is called with "
                               f"{', '.join(extra) or 'more than one argument'}: not generated")
            for t in xs:
                if t not in value:
                    raise GenError(f"internal: tensor {t} used before it is computed")
            in_exprs = [_cast(value[t], dtypes.get(t), layer) for t in xs]
            mask = self.expr(mask, value) if mask and node.get("uses_mask") else None  # else it changes nothing
            state_params: list[str] = []
            if mask and layer["config"].get("stateful"):  # (a nested model is not a MASK_CONSUMER: refused above)
                raise GenError(f"layer {node['layer']!r}: a stateful {layer['class']} reading a mask is not generated")
            if "graph" in layer:
                expr = f"self.{self._method(node['layer'], layer)}({', '.join(in_exprs)})"
            elif layer["class"] in RNN_HELPERS and layer["config"].get("stateful"):
                expr, state_params = self._stateful(graph, node, layer, in_exprs, [shapes.get(t) for t in xs], local)
            else:  # before the outputs are named: a function it defines at module level takes its name first
                expr = self.emit(node, layer, in_exprs, [shapes.get(t) for t in xs], value, mask)
            outs = [local.create(names.get(t) or snake(node["layer"])) for t in node["outputs"]]
            unreturned = []  # the new states of a stateful RNN that does not return them itself
            if state_params:
                returned = layer["config"].get("return_state")
                unreturned = [] if returned else [local.create(f"{p}_next") for p in state_params]
                shape = [node["out_shapes"][0][0], layer["config"]["units"]]
                self.states += [{"param": p, "new": n, "shape": shape}
                                for p, n in zip(state_params, outs[1:] if returned else unreturned)]
            lines.append(f"{', '.join(outs + unreturned)} = {expr}")
            for t, name, shape, dtype in zip(node["outputs"], outs, node["out_shapes"], node["out_dtypes"]):
                value[t], shapes[t], dtypes[t] = name, shape, dtype
        return lines, [value[t] for t in graph["outputs"]]

    def emit(self, node: dict, layer: dict, xs: list[str], in_shapes: list, value: dict,
             mask: str | None = None) -> str:
        cls = layer["class"]
        if layer.get("op"):
            try:
                return op_node(cls, layer["config"], [self.expr(a, value) for a in node["args"]])
            except OpError as exc:
                raise GenError(f"op {node['layer']!r}: {exc}") from None
        if cls == "Lambda":
            return self._lambda(node, layer, value)
        if cls == "TimeDistributed" and "inner" in layer:
            method = self._method(layer["inner"]["name"], layer["inner"])
            in_shape, out_shape = in_shapes[0], node["out_shapes"][0]
            dims = lambda shape: ", ".join(str(-1 if d is None else d) for d in shape[2:])  # noqa: E731
            x = xs[0]
            return (f"tf.reshape(self.{method}(tf.reshape({x}, [-1, {dims(in_shape)}])), "
                    f"[tf.shape({x})[0], tf.shape({x})[1], {dims(out_shape)}])")
        if cls not in EMITTERS and (layer.get("function") or {}).get("method"):
            return self._custom(node, layer, value)
        if cls not in EMITTERS:
            where = f", defined at {layer['defined_at']}" if layer.get("defined_at") else ""
            raise GenError(f"layer {node['layer']!r} ({cls} from {layer.get('module', '?')}{where}) has no "
                           "tf-function translation")
        kwargs = {k: self.expr(v, value) for k, v in node["kwargs"].items()
                  if k in TENSOR_KWARGS.get(cls, ()) and _tensors(v)}
        if mask:
            kwargs["mask"] = mask
        call = Call(cls, layer["config"], xs, in_shapes, node["out_shapes"], self.weights(layer), self.helpers, kwargs)
        try:
            return EMITTERS[cls](call)
        except (KeyError, TypeError, IndexError) as exc:
            raise GenError(f"layer {node['layer']!r} ({cls}): config not understood ({type(exc).__name__}: {exc})") \
                from None

    def _lambda(self, node: dict, layer: dict, value: dict) -> str:
        if node["layer"] not in self.lambda_of:
            fn = (layer.get("function") or {}).get("name") or ""
            name = self.ns.create(fn if fn.isidentifier() else "lambda_" + snake(node["layer"]))
            try:
                self.extra_helpers.append(translate(layer.get("function") or {}, name, self.helpers,
                                                    define=self._define))
            except LambdaError as exc:
                raise GenError(f"layer {node['layer']!r} is a Lambda whose function is not translated to "
                               f"TensorFlow: {exc}") from None
            self.lambda_of[node["layer"]] = name
        return f"{self.lambda_of[node['layer']]}({self.expr(node['args'][0], value)})"

    def _define(self, name: str, info: dict) -> str:
        """A function of the script that a Lambda, a call() or another such function calls: translated once,
        defined at module level; -> its name there."""
        key = (name, info.get("line"), info.get("source"))
        if key not in self.functions:
            self.functions[key] = self.ns.create(name)
            try:
                code = translate(info, self.functions[key], self.helpers, f"The script's function {name!r}",
                                 self._define)
            except LambdaError as exc:
                raise LambdaError(f"{name}(), which it calls: {exc}") from None
            self.extra_helpers.append(code)
        return self.functions[key]

    def _stateful(self, graph: dict, node: dict, layer: dict, xs: list[str], in_shapes: list,
                  local: Namespace) -> tuple[str, list[str]]:
        """A stateful RNN: its states are arguments of serve() and its new states are returned after the
        outputs (a SavedModel serves without hidden state); __call__ keeps them between calls, as Keras does.
        -> (the call, returning the output and the new states; the state parameters)."""
        cls, cfg = layer["class"], layer["config"]
        if graph is not self.model["graph"]:
            raise GenError(f"layer {node['layer']!r}: a stateful {cls} inside a nested model is not generated")
        if node["out_shapes"][0][0] is None:
            raise GenError(f"layer {node['layer']!r}: a stateful {cls} without a fixed batch size")
        params = [local.create(f"{snake(node['layer'])}_{k}") for k in (("h", "c") if cls == "LSTM" else ("h",))]
        call = Call(cls, dict(cfg, stateful=False, return_state=True), xs, in_shapes, node["out_shapes"],
                    self.weights(layer), self.helpers, {"initial_state": f"[{', '.join(params)}]"})
        return EMITTERS[cls](call), params

    def _custom(self, node: dict, layer: dict, value: dict) -> str:
        """A custom layer whose call() translates (as a Lambda's function does): a module-level function of
        its input and its weights."""
        info = layer["function"]
        if node["layer"] not in self.lambda_of:
            name = self.ns.create(snake(layer["class"]))
            where = f", defined at {layer['defined_at']}" if layer.get("defined_at") else ""
            try:
                self.extra_helpers.append(translate(info, name, self.helpers, f"{layer['class']}.call()" + (
                    f" (the script's class at {layer['defined_at']})" if layer.get("defined_at") else ""),
                    self._define))
            except LambdaError as exc:
                raise GenError(f"layer {node['layer']!r} ({layer['class']} from {layer.get('module', '?')}{where}): "
                               f"its call() is not translated to TensorFlow: {exc}") from None
            self.lambda_of[node["layer"]] = name
        attrs = dict(self.weights(layer))  # every weight of the layer gets its module variable
        by_index = {index: attrs[path] for index, path in layer["weights"]}
        weights = [by_index[i] for i in info.get("self", {}).get("weights", {}).values()]
        return f"{self.lambda_of[node['layer']]}({', '.join([self.expr(node['args'][0], value), *weights])})"

    def _method(self, layer_name: str, layer: dict) -> str:
        if layer_name in self.method_of:
            return self.method_of[layer_name]
        name = self.members.create(layer.get("var") or snake(layer_name))
        self.method_of[layer_name] = name
        graph = layer["graph"]
        local = self.ns.scope({"self"})
        params = [local.create(f"x{i}" if len(graph["inputs"]) > 1 else "x") for i in range(len(graph["inputs"]))]
        lines, outs = self.graph(graph, params, local)
        self.methods.append({"name": name, "params": "".join(", " + p for p in params), "lines": lines,
                             "doc": f"The nested {layer['class']} `{layer.get('var') or layer_name}`.",
                             "returns": ", ".join(outs) if len(outs) > 1 else outs[0]})
        return name

    def context(self, class_name: str | None = None) -> dict:
        m = self.model
        class_name = self.ns.create(class_name or _camel(m.get("var") or m["name"]))
        local = self.ns.scope({"self"})
        names = m["graph"].get("names", {})
        params = [local.create(names.get(i["tensor"]) or i.get("name") or f"x{k}") for k, i in enumerate(m["inputs"])]
        body, outs = self.graph(m["graph"], params, local)
        weights = [{"index": i, "attr": self.weight_attr.get(i), "shape": _shape(w["shape"]),
                    "tf_name": repr(w["path"]), "label": w["path"]} for i, w in enumerate(m["weights"])]
        unused = [w["label"] for w in weights if w["attr"] is None]
        if unused:
            raise GenError(f"internal: weights {unused} are not used by any generated line")
        constants = m.get("constants", [])
        if sorted(self.constant_attr) != list(range(len(constants))):
            raise GenError("internal: the constants the graph reads are not the ones captured")
        class_lines, init_lines = [], []
        if constants:
            class_lines = ["# Constant arrays the script fed to its ops (a K.variable, a NumPy array): `constants`.",
                           "CONSTANT_SHAPES = [" + ", ".join(_shape(c["shape"]) for c in constants) + "]"]
            init_lines = ["constants = check_weights(constants, self.CONSTANT_SHAPES)"] + [
                f"self.{self.constant_attr[k]} = tf.Variable(constants[{k}], trainable=False, name='constant_{k}')"
                for k in range(len(constants))]
        specs = [f"tf.TensorSpec({list(i['shape'])!r}, {DTYPES.get(i['dtype'], 'tf.float32')}, name={p!r})"
                 for p, i in zip(params, m["inputs"])]
        call_args = ", ".join(f"tf.convert_to_tensor({p}, {DTYPES.get(i['dtype'], 'tf.float32')})"
                              for p, i in zip(params, m["inputs"]))
        call_lines, methods = [f"return self._forward({call_args})"], []
        if self.states:  # serve(inputs, states) -> [outputs, new states]; __call__ keeps the states
            specs += [f"tf.TensorSpec({s['shape']!r}, tf.float32, name={s['param']!r})" for s in self.states]
            init_lines.append("self.reset_states()")
            n = len(outs)
            call_lines = [f"outputs = self._forward({call_args}, *self.states)",
                          f"self.states = list(outputs[{n}:])",
                          f"return {'outputs[0]' if n == 1 else f'list(outputs[:{n}])'}"]
            methods.append({"name": "reset_states", "params": "", "lines": [
                "self.states = [" + ", ".join(f"tf.zeros({s['shape']!r})" for s in self.states) + "]"],
                "doc": "Zero states, as Keras' reset_states(); serve() takes and returns them explicitly.",
                "returns": "None"})
        returns = outs + [s["new"] for s in self.states]
        what = f"{m['class']} `{m.get('var') or m['name']}`"
        header = [f"Generated by kfn-gen {__version__} (`kfn-gen generate tf-function`) from {self.source}:",
                  f"{what}, {len(params)} input(s) -> {len(outs)} output(s), as the script built it.",
                  "",
                  "Needs only TensorFlow.  Computes what the migrated Keras 3 model computes (verified against",
                  "Keras 2.2.4 by `kfn-gen verify`).  Construct with the Keras 3 model's get_weights() (or",
                  "from_file() on the weights written beside this module); call with "
                  + ", ".join(f"{p}: {_shape(i['shape'])} {i['dtype']}" for p, i in zip(params, m["inputs"])) + ".",
                  "Do not edit: regenerate instead."]
        if self.states:
            header[-1:-1] = ["Stateful recurrent layers: serve() takes their states after the inputs and returns",
                             "the new ones after the outputs; __call__ keeps them between calls (reset_states()",
                             "zeroes them)."]
        if constants:
            header[-1:-1] = ["The constant arrays the script fed to its ops (a K.variable, a NumPy array) come second:",
                             "`constants`, shapes CONSTANT_SHAPES (from_file() reads them too)."]
        return {"header": header, "helpers": [HELPERS[h] for h in HELPERS if h in self.helpers] + self.extra_helpers,
                "class_name": class_name, "class_doc": f"{what} as a tf.Module.",
                "module_name": repr(Namespace.sanitize(m.get("var") or m["name"])),
                "weights": weights, "signature": specs, "class_lines": class_lines, "init_lines": init_lines,
                "constants_param": ", constants" if constants else "",
                "constants_arg": (",\n" + " " * 23 + '[data[f"c/{i}"] for i in range(len(cls.CONSTANT_SHAPES))]'
                                  if constants else ""), "jit": "True" if self.jit else "False",
                "params": ", ".join(params + [s["param"] for s in self.states]), "body": body,
                "call_params": ", ".join(params), "call_lines": call_lines,
                "returns": f"[{', '.join(returns)}]" if len(returns) > 1 else returns[0],
                "out_doc": ", ".join(_shape(s) for s in _output_shapes(m)), "methods": self.methods + methods}


def _output_shapes(model: dict) -> list:
    produced = {}
    for node in model["graph"]["nodes"]:
        for t, s in zip(node["outputs"], node["out_shapes"]):
            produced[t] = s
    for i in model["inputs"]:
        produced.setdefault(i["tensor"], i["shape"])
    return [produced[t] for t in model["graph"]["outputs"]]


FLOATS = {"float16", "float32", "float64", "bfloat16"}


def _cast(expr: str, dtype: str | None, layer: dict) -> str:
    """A floating input in another float dtype than the layer computes in: Keras casts it on call."""
    want = layer.get("dtype")
    if layer.get("op") or dtype not in FLOATS or want not in FLOATS or dtype == want:
        return expr
    return f"tf.cast({expr}, tf.{want})"


def _tensors(value) -> list[str]:
    """The tensor keys in a node argument, in order (a tensor, or a list of them for merge layers)."""
    if isinstance(value, dict) and set(value) == {"tensor"}:
        return [value["tensor"]]
    if isinstance(value, list):
        return [t for v in value for t in _tensors(v)]
    return []


def render_model(model: dict, source: str, jit: bool = False, class_name: str | None = None) -> Generated:
    from kfn_gen.render.jinja import render as render_template

    renderer = Renderer(model, source, jit)
    ctx = renderer.context(class_name)
    return Generated(render_template("tf_module.py.j2", **ctx), ctx["class_name"], len(ctx["weights"]))
