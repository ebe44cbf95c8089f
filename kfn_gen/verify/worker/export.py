"""Exporting a captured Keras 3 model as data, for `kfn-gen generate tf-function` (runs in the sandbox).

What the generator needs is what only running the script knows: each layer's resolved config (Keras 3's own
`get_config()`, after the migration spelled out 2.2.4's meaning), one node per call with the tensors it
reads and writes and their real shapes and dtypes, nested models called as layers, the weights in the
order of `model.get_weights()`, and seeded inputs with the model's own outputs on them (the reference the
generated module must reproduce).  Plain JSON and arrays: the renderer imports neither Keras nor
TensorFlow.

    {"name", "var", "class", "inputs": [{"tensor", "shape", "dtype", "name", "int_high"}],
     "weights": [{"shape", "dtype", "path"}], "constants": [{"shape", "dtype"}], "graph": GRAPH,
     "stateful": [layer name]}  # stateful RNNs: outputs from zero states (out/<k>), then again (again/<k>)
    GRAPH = {"inputs": [tensor], "input_shapes": [shape], "outputs": [tensor],
             "nodes": [{"layer", "args", "kwargs", "outputs", "out_shapes", "out_dtypes", "uses_mask"}],  # in order
             "layers": {name: {"class", "module", "config", "weights": [[index, path]], "graph": GRAPH?}},
             "names": {tensor: script variable}}

Tensors are "t<N>" keys; in args/kwargs a tensor is {"tensor": "t<N>"}, an array the script fed to an op (a
K.variable, a NumPy array) is {"constant": k, "shape", "dtype"} with its values in arrays 'c/<k>', any other
value is kept as JSON.
"""
from __future__ import annotations

import ast
import inspect
import os
import textwrap
import types

import numpy as np

from kfn_gen.verify.worker.inputs import draw_inputs
from kfn_gen.verify.worker.sides import _as_list, jsonable


class ExportError(Exception):
    """A model whose graph cannot be read (never built, a subclassed model): the message says why."""


class _Tensors:
    """What one export shares: tensor keys, the script's model variables, where the script defines classes."""

    def __init__(self, model_vars: dict[int, str], script: str | None):
        self.ids: dict[int, str] = {}
        self.model_vars = model_vars  # nested models the script bound to a variable
        self.script = script
        self._classes: dict[str, int] | None = None
        self.constants: list = []  # arrays fed to ops, in order of first use
        self._constant_ids: dict[int, int] = {}

    def constant(self, value) -> int:
        if id(value) not in self._constant_ids:
            self._constant_ids[id(value)] = len(self.constants)
            self.constants.append(np.asarray(value))
        return self._constant_ids[id(value)]

    def key(self, tensor) -> str:
        return self.ids.setdefault(id(tensor), f"t{len(self.ids)}")

    def defined_at(self, cls) -> str | None:
        """file:line of a class the script defined (a custom layer), for the generator's message.  The
        script's classes live in its namespace, not a module: the script is parsed once to find them."""
        if (cls.__module__ or "").startswith("keras"):
            return None
        try:
            if cls.__module__ == "__main__" and self.script:
                if self._classes is None:
                    with open(self.script, encoding="utf-8", errors="replace") as fh:
                        tree = ast.parse(fh.read())
                    self._classes = {}
                    for n in ast.walk(tree):
                        if isinstance(n, ast.ClassDef):
                            self._classes.setdefault(n.name, n.lineno)
                line = self._classes.get(cls.__name__)
                return f"{os.path.basename(self.script)}:{line}" if line else None
            return f"{os.path.basename(inspect.getsourcefile(cls))}:{inspect.getsourcelines(cls)[1]}"
        except (OSError, TypeError, SyntaxError):
            return None


def export_model(keras, model, var: str | None, ns: dict, rng, batch: int = 4, min_size: int | None = None,
                 script: str | None = None):
    """(description, arrays) of one built model: arrays 'w/<i>' weights, 'in/<k>' inputs, 'out/<k>' outputs.
    min_size: the smallest image size to draw (a keras.applications model inside needs 75 or more); script:
    the file that ran (its custom classes are named with their line)."""
    functional = _functional(keras, model)
    index = {id(v): i for i, v in enumerate(model.weights)}
    tensors = _Tensors({id(v): k for k, v in ns.items() if isinstance(v, keras.Model) and not k.startswith("_")},
                       script)
    graph = _graph(keras, functional, index, tensors, {})
    names = {}
    for name, value in ns.items():
        if isinstance(value, keras.KerasTensor) and id(value) in tensors.ids and not name.startswith("_"):
            names.setdefault(tensors.ids[id(value)], name)
    graph["names"] = names
    specs = []
    for t in functional.inputs:
        layer = t._keras_history.operation
        specs.append({"tensor": tensors.key(t), "shape": list(t.shape), "dtype": str(t.dtype), "name": layer.name,
                      "int_high": _embedding_range(keras, functional, t), "min_size": min_size,
                      "mask_value": _mask_value(keras, functional, t)})
    desc = {"name": model.name, "var": var, "class": type(model).__name__, "inputs": specs, "graph": graph,
            "weights": [{"shape": list(v.shape), "dtype": str(v.dtype), "path": v.path} for v in model.weights],
            "constants": [{"shape": list(c.shape), "dtype": str(c.dtype)} for c in tensors.constants]}
    arrays = {f"w/{i}": np.asarray(w) for i, w in enumerate(model.get_weights())}
    arrays.update({f"c/{k}": c for k, c in enumerate(tensors.constants)})
    xs = draw_inputs(specs, batch, rng)
    stateful = _stateful_layers(keras, model)
    for layer in stateful:  # from zero states, then a second call from the states the first one left
        layer.reset_state()
    outs = _as_list(model(xs if len(xs) > 1 else xs[0], training=False))
    for k, x in enumerate(xs):
        arrays[f"in/{k}"] = x
    for k, o in enumerate(outs):
        arrays[f"out/{k}"] = np.asarray(o)
    if stateful:
        desc["stateful"] = [layer.name for layer in stateful]
        for k, o in enumerate(_as_list(model(xs if len(xs) > 1 else xs[0], training=False))):
            arrays[f"again/{k}"] = np.asarray(o)
    return jsonable(desc), arrays


def _stateful_layers(keras, model) -> list:
    return [layer for layer in model._flatten_layers(include_self=False, recursive=True)
            if getattr(layer, "stateful", False) and callable(getattr(layer, "reset_state", None))]


def _functional(keras, model):
    if isinstance(model, keras.Sequential):
        inner = getattr(model, "_functional", None)
        if inner is None:
            raise ExportError(f"Sequential model {model.name!r} was never built with an input shape "
                              "(give its first layer input_shape= or call it on data)")
        return inner
    if not hasattr(model, "_nodes_by_depth") or not getattr(model, "inputs", None):
        raise ExportError(f"model {model.name!r} ({type(model).__name__}) is not a graph of layers (a subclassed "
                          "Model's call() is Python code): kfn-gen generates from functional and Sequential models")
    return model


def _graph(keras, functional, index, tensors, keys: dict) -> dict:
    """`keys`: one name per layer or op object across the whole model (an op and a layer may share a name)."""
    nodes, layers = [], {}
    for depth in sorted(functional._nodes_by_depth, reverse=True):
        for node in functional._nodes_by_depth[depth]:
            if node.is_input:
                continue
            layer = node.operation
            if id(layer) not in keys:
                taken = set(keys.values())
                key, n = layer.name, 0
                while key in taken:
                    n += 1
                    key = f"{layer.name}_{n}"
                keys[id(layer)] = key
            key = keys[id(layer)]
            if key not in layers:
                layers[key] = _layer(keras, layer, index, tensors, keys)
            nodes.append({"layer": key,
                          "args": _structure(keras, node.arguments.args, tensors),
                          "kwargs": _structure(keras, node.arguments.kwargs, tensors),
                          "uses_mask": _uses_mask(keras, layer),
                          "outputs": [tensors.key(t) for t in node.output_tensors],
                          "out_shapes": [list(t.shape) for t in node.output_tensors],
                          "out_dtypes": [str(t.dtype) for t in node.output_tensors]})
    return {"inputs": [tensors.key(t) for t in functional.inputs],
            "input_shapes": [list(t.shape) for t in functional.inputs],
            "input_dtypes": [str(t.dtype) for t in functional.inputs],
            "outputs": [tensors.key(t) for t in _as_list(functional.outputs)],
            "nodes": nodes, "layers": layers}


def _uses_mask(keras, layer) -> bool:
    """Whether the mask Keras passes a layer (the node's `mask` argument, computed by the graph's own ops from
    an Embedding(mask_zero=True) or a Masking) changes what it computes: its call() takes `mask` (a Lambda:
    its function does; a wrapper: the layer inside does)."""
    if type(layer).__name__ == "Lambda":
        code = getattr(layer.function, "__code__", None)
        return code is not None and "mask" in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    inner = getattr(layer, "forward_layer", None) or getattr(layer, "layer", None)
    if isinstance(inner, keras.layers.Layer) and not isinstance(layer, keras.Model):
        return bool(getattr(inner, "_call_has_mask_arg", False))
    return bool(getattr(layer, "_call_has_mask_arg", False))


def _layer(keras, layer, index, tensors, keys) -> dict:
    """A layer, or an op of keras.ops applied to Keras tensors (no weights; its config is its arguments)."""
    try:
        config = layer.get_config()
    except Exception as exc:  # noqa: BLE001 - a custom layer without get_config
        config = {"_error": f"{type(exc).__name__}: {exc}"}
    path = getattr(layer, "path", None) or layer.name
    base = _keras_base(type(layer))
    out = {"class": base.__name__, "module": base.__module__, "config": jsonable(config),
           "op": not isinstance(layer, keras.layers.Layer),
           "weights": [[index[id(v)], v.path[len(path) + 1:] if v.path.startswith(path + "/") else v.path]
                       for v in getattr(layer, "weights", []) if id(v) in index]}
    line = tensors.defined_at(type(layer)) if base is type(layer) else None
    if line:
        out["defined_at"] = line
    if base is not type(layer):
        out["subclass"] = type(layer).__name__
    if type(layer).__name__ == "Lambda":
        out["function"] = lambda_function(keras, layer)
    elif line and not isinstance(layer, keras.Model) and callable(getattr(type(layer), "call", None)):
        out["function"] = call_method(keras, layer, index)
    if isinstance(layer, keras.Model):
        out["graph"] = _graph(keras, _functional(keras, layer), index, tensors, keys)
        if id(layer) in tensors.model_vars:
            out["var"] = tensors.model_vars[id(layer)]
    inner = getattr(layer, "layer", None)
    if isinstance(inner, keras.Model):  # TimeDistributed(model): the model's own graph, its weights in `index`
        out["inner"] = {"name": inner.name, "class": type(inner).__name__, "var": tensors.model_vars.get(id(inner)),
                        "graph": _graph(keras, _functional(keras, inner), index, tensors, keys)}
    out["dtype"] = str(getattr(layer, "compute_dtype", None) or "float32")
    return out


def _keras_base(cls):
    """The Keras class a layer class computes as: itself, or for a subclass that changes neither call() nor
    build() (the migration's keras224_Bidirectional only sets zero_output_for_mask, which its config shows)
    the Keras class it derives from."""
    if (cls.__module__ or "").startswith("keras"):
        return cls
    base = next((b for b in cls.__mro__[1:] if (b.__module__ or "").startswith("keras")), None)
    same = base is not None and all(getattr(cls, m, None) is getattr(base, m, None) for m in ("call", "build"))
    return base if same and base.__name__ not in ("Layer", "Model", "Functional", "Sequential") else cls


def lambda_function(keras, layer) -> dict:
    """What the generator needs to translate a Lambda: its function (function_info) and its `arguments`."""
    out = function_info(keras, layer.function)
    out["arguments"] = jsonable(getattr(layer, "arguments", None) or {})
    return out


def call_method(keras, layer, index) -> dict:
    """A custom layer's call() for the generator, as a Lambda's function plus what `self.<name>` is: one of
    the model's weights (its index) or a plain constant; the defaults of its parameters after the input."""
    fn = type(layer).call
    out = function_info(keras, fn)
    out["method"] = True
    weights, constants = {}, {}
    for attr, value in vars(layer).items():
        if id(value) in index:
            weights[attr] = index[id(value)]
        elif _plain(value):
            constants[attr] = value
    out["self"] = {"weights": weights, "constants": jsonable(constants)}
    return out


def _plain(value) -> bool:
    return value is None or isinstance(value, (bool, int, float, str)) or (
        isinstance(value, tuple) and all(isinstance(v, (int, float)) for v in value))


def function_info(keras, fn, depth: int = 3) -> dict:
    """The source of a function (the def, or the one lambda expression on its line), its parameters and their
    plain defaults, the names it reads from the script with their values when they are plain constants, the
    functions of the same script it calls (the same, `depth` calls deep), and Keras' epsilon."""
    code = getattr(fn, "__code__", None)
    out = {"name": getattr(fn, "__name__", "?"), "epsilon": float(keras.config.epsilon()),
           "params": list(code.co_varnames[:code.co_argcount]) if code else None}
    defaults, params = getattr(fn, "__defaults__", None) or (), out["params"] or []
    out["defaults"] = jsonable({p: d for p, d in zip(params[len(params) - len(defaults):], defaults) if _plain(d)})
    try:
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError) as exc:
        out["error"] = f"its source is not available ({type(exc).__name__})"
        return out
    out["source"], out["line"] = textwrap.dedent("".join(lines)), start
    constants = {}
    scope = dict(getattr(fn, "__globals__", {}))
    if getattr(fn, "__closure__", None):
        scope.update({n: c.cell_contents for n, c in zip(fn.__code__.co_freevars, fn.__closure__)
                      if _has_contents(c)})
    functions = {}
    for name in fn.__code__.co_names + fn.__code__.co_freevars:
        value = scope.get(name)
        if value is not None and _plain(value):
            constants[name] = value
        elif (depth > 0 and isinstance(value, types.FunctionType) and value is not fn
              and value.__module__ == fn.__module__):
            functions[name] = function_info(keras, value, depth - 1)
    out["constants"] = jsonable(constants)
    out["functions"] = functions
    return out


def _has_contents(cell) -> bool:
    try:
        cell.cell_contents
        return True
    except ValueError:
        return False


def _structure(keras, value, tensors):
    if isinstance(value, keras.KerasTensor):
        return {"tensor": tensors.key(value)}
    if isinstance(value, dict):
        return {str(k): _structure(keras, v, tensors) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_structure(keras, v, tensors) for v in value]
    if hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, (np.generic,)):
        k = tensors.constant(value)
        return {"constant": k, "shape": list(tensors.constants[k].shape), "dtype": str(tensors.constants[k].dtype)}
    return jsonable(value)


def _fed_layer(functional, tensor, cls):
    """A layer of class `cls` that this input feeds directly, or None."""
    for nodes in functional._nodes_by_depth.values():
        for node in nodes:
            if isinstance(node.operation, cls) and any(t is tensor for t in node.input_tensors):
                return node.operation
    return None


def _mask_value(keras, functional, tensor):
    """What a mask this input starts reads as padding (a Masking layer's mask_value, an
    Embedding(mask_zero=True)'s id 0): some steps are drawn equal to it."""
    masking = _fed_layer(functional, tensor, keras.layers.Masking)
    if masking is not None:
        return float(masking.mask_value)
    embedding = _fed_layer(functional, tensor, keras.layers.Embedding)
    return 0.0 if embedding is not None and embedding.mask_zero else None


def _embedding_range(keras, functional, tensor):
    """input_dim of an Embedding this input feeds directly: ids are drawn below it."""
    embedding = _fed_layer(functional, tensor, keras.layers.Embedding)
    return int(embedding.input_dim) if embedding is not None else None


def export_captured(side, names, ns, result, arrays):
    """Every model the script built (or the one a .keras file holds), exported; failures say why per model."""
    keras = side.keras
    rng = np.random.default_rng(side.spec.get("seed", 0))
    min_size = max([getattr(m, "_kfn_min_image_size", 0) or 0 for m in side.captured] + [0]) or None
    models = []
    for i, model in enumerate(side.captured):
        entry = {"var": names.get(id(model)), "name": model.name, "class": type(model).__name__}
        try:
            if not model.built:
                raise ExportError(f"model {model.name!r} was never built (no input shape, never called)")
            desc, arr = export_model(keras, model, names.get(id(model)), ns, rng, side.spec.get("batch", 4),
                                     min_size, None if side.spec.get("load") else side.spec.get("script"))
            entry.update(desc)
            for k, a in arr.items():
                arrays[f"m{i}/{k}"] = a
        except Exception as exc:  # noqa: BLE001 - reported per model
            entry["error"] = f"{type(exc).__name__}: {str(exc)[:400]}"
        models.append(entry)
    result["models"] = models
