"""Describing a captured model: its leaf layers, activations probed numerically, output shapes, training mode."""
from __future__ import annotations

import collections
import types


from kfn_gen.verify.worker.sides import STOCHASTIC, jsonable


# Layers whose training-mode output is random (2.2.4 keras/layers/core.py, noise.py).
STOCHASTIC_LAYERS = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                     "GaussianDropout", "AlphaDropout"}


def training_mode(leaves):
    """Compare the loss gradient in training mode (learning phase 1) when the model has a
    BatchNormalization and nothing random in training: BatchNormalization then normalizes with the
    batch statistics, as in the first step of fit.  In inference mode its initial moving statistics
    (mean 0, variance 1) normalize nothing, so a deep model's activations grow layer after layer
    and its softmax saturates: a regime training never sees, where 2.2.4's categorical
    crossentropy (probabilities clipped to [1e-7, 1 - 1e-7], no gradient past the clip) and
    Keras 3's (computed from the logits) differ.  Otherwise (Dropout, noise, RNN dropout, Lambda
    or custom layers whose randomness cannot be seen) inference mode, as before."""
    has_bn = False
    for _, layer in leaves:
        for sub in (layer, getattr(layer, "layer", None), getattr(layer, "forward_layer", None)):
            if sub is None:
                continue
            cls = type(sub).__name__
            module = type(sub).__module__ or ""
            if cls in STOCHASTIC_LAYERS or cls == "Lambda" or not module.startswith("keras."):
                return False
            cell = getattr(sub, "cell", None)
            for holder in (sub, cell):
                if holder is not None and (getattr(holder, "dropout", 0) or getattr(holder, "recurrent_dropout", 0)):
                    return False
            has_bn = has_bn or cls == "BatchNormalization"
    return has_bn


def leaf_layers(side, model, prefix=""):
    out = []
    i = 0
    for layer in model.layers:
        if isinstance(layer, side.InputLayer):
            continue
        path = f"{prefix}{i}"
        i += 1
        if side.is_model(layer):
            out.extend(leaf_layers(side, layer, path + "."))
        else:
            out.append((path, layer))
    return out


def _act_fns(layer):
    """(attribute, function) pairs of the activations a layer computes with."""
    found = []
    targets = [("", layer)]
    for attr in ("cell", "layer", "forward_layer"):
        sub = getattr(layer, attr, None)
        if sub is not None:
            targets.append((attr + ".", sub))
            inner = getattr(sub, "cell", None)
            if inner is not None:
                targets.append((attr + ".cell.", inner))
    seen = set()
    for pre, obj in targets:
        for a in ("activation", "recurrent_activation"):
            fn = getattr(obj, a, None)
            if callable(fn) and a not in seen:
                seen.add(a)
                found.append((a, fn))
    return found


def _probe_once(side, fn):
    """side.probe(fn), once per plain function: under 2.2.4 every probe adds ops to the session's graph,
    and re-running a big graph (InceptionV3 + a script's gradients) 200 times took ~100 s."""
    if not isinstance(fn, types.FunctionType):
        return side.probe(fn)
    cache = side.__dict__.setdefault("_probe_cache", {})
    if fn not in cache:
        cache[fn] = side.probe(fn)
    return cache[fn]


def describe_layer(side, path, layer):
    d = {"path": path, "class": type(layer).__name__, "name": layer.name}
    try:
        d["params"] = int(layer.count_params())
    except Exception:
        d["params"] = None
    d["weight_shapes"] = [list(w.shape) for w in layer.get_weights()]
    probes = {}
    for attr, fn in _act_fns(layer):
        try:
            probes[attr] = [round(v, 6) for v in _probe_once(side, fn)]
            probes[attr + "_name"] = getattr(fn, "__name__", type(fn).__name__)
        except Exception:
            pass
    d["probes"] = probes
    cfg = {}
    for obj in (layer, getattr(layer, "cell", None), getattr(getattr(layer, "layer", None), "cell", None),
                getattr(layer, "layer", None)):
        for k in ("reset_after", "rate", "dropout", "recurrent_dropout", "stddev"):
            if obj is not None and hasattr(obj, k) and k not in cfg:
                v = getattr(obj, k)
                if isinstance(v, (bool, int, float)):
                    cfg[k] = v
    d["config"] = cfg
    return d


def _output_shape(model):
    try:
        s = model.output_shape
    except AttributeError:
        # 2.2.4: a model also called on inputs of other shapes (a Sequential with no input shape,
        # then called on Input((68,))) has no single output_shape; node 0 is its own graph, the
        # shape Keras 3's output_shape reports
        try:
            s = model.get_output_shape_at(0)
        except Exception:
            return None
    except Exception:
        return None
    return jsonable(s)


def describe_model(side, index, model, names):
    d = {"index": index, "var": names.get(id(model)), "class": type(model).__name__, "keras_name": model.name}
    try:
        d["params"] = int(model.count_params())
    except Exception:
        d["params"] = None
    d["output_shape"] = _output_shape(model)
    try:
        leaves = leaf_layers(side, model)
        d["layers"] = [describe_layer(side, p, l) for p, l in leaves]
    except Exception as exc:
        leaves = []
        d["layers"] = []
        d["describe_error"] = f"{type(exc).__name__}: {exc}"
    d["optimizer"] = side.optimizer_info(model)
    d["stochastic"] = sorted({l["class"] for l in d["layers"] if l["class"] in STOCHASTIC
                              or any(l["config"].get(k) for k in ("dropout", "recurrent_dropout"))})
    return d, leaves


def display_names(models):
    counts = collections.Counter(m.get("var") or m["keras_name"] for m in models)
    seen = collections.Counter()
    for m in models:
        base = m.get("var") or m["keras_name"]
        seen[base] += 1
        m["name"] = base if counts[base] == 1 else f"{base}#{seen[base]}"
