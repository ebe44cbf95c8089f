"""Capturing what each side computes: the legacy side records structure, inputs, outputs, gradients and two
optimizer steps; the Keras 3 side pairs its models with those, copies the weights and does the same."""
from __future__ import annotations

import contextlib
import json
import os

import numpy as np

from kfn_gen.verify.worker.describe import _output_shape, describe_layer, describe_model, display_names, leaf_layers, training_mode
from kfn_gen.verify.worker.inputs import static_shape, _takes, zero_dim, draw_inputs, draw_targets, free_size, grow_images, legacy_input_values, legacy_predict
from kfn_gen.verify.worker.script import synthesize_models
from kfn_gen.verify.worker.sides import FatalRun, N_STEPS, _as_list, jsonable


def legacy_capture(side, names, ns, result, arrays):
    batch = side.spec.get("batch", 4)
    rng = np.random.default_rng(side.spec.get("seed", 0))
    models = []
    synth = {}
    if not side.captured:
        synth = {id(m): info for m, info in synthesize_models(side, ns, names)}
    scope = contextlib.ExitStack()
    for index, model in enumerate(side.captured):
        scope.close()  # the previous model's graph (models built before a K.clear_session(): Legacy.model_scope)
        scope.enter_context(side.model_scope(model))
        d, leaves = describe_model(side, index, model, names)
        if id(model) in synth:
            d["synthesized"] = synth[id(model)]
        models.append(d)
        key = f"m{index}"
        try:
            specs = side.input_specs(model, batch)
            fixed = [s["shape"][0] for s in specs if s["shape"] and s["shape"][0] is not None]
            per_row = sum(int(np.prod([free_size(s["shape"], i) if d is None else d
                                       for i, d in enumerate(s["shape"]) if i])) for s in specs)
            # one row for huge inputs (video: 100 frames of 224x224x3), else `batch` rows
            b = fixed[0] if fixed else (1 if per_row > 1_000_000 else batch)
            d["input_specs"] = specs
            if any(sp.get("placeholder") for sp in specs):  # fed through placeholders: TF's static shapes
                d["output_shape"] = jsonable([static_shape(side.K.int_shape(o), o) for o in model.outputs]
                                              if len(model.outputs) > 1 else
                                              static_shape(side.K.int_shape(model.outputs[0]), model.outputs[0]))
            if any(dim == 0 for sp in specs for dim in sp["shape"]):  # oneDNN aborts on empty tensors
                raise ValueError("an input has a zero-sized dimension "
                                 f"({[sp['shape'] for sp in specs]}): the script's data was probably missing")
            if zero_dim(d.get("output_shape")):  # Dense(len(labels)) of no labels: oneDNN aborts the process
                raise ValueError(f"an output has a zero-sized dimension ({d['output_shape']}): the script's data "
                                 "was probably missing")
            xs = draw_inputs(specs, b, rng)
            side.reset_states(model)
            try:
                if not leaves:  # Model(x, x) synthesized for a snippet of Input lines only: the identity
                    outs = list(xs)  # (TF1 refuses to fetch a fed tensor)
                else:
                    outs = _as_list(legacy_predict(side, model, xs, b))
                    while any(np.asarray(o).size == 0 for o in outs) and grow_images(specs):
                        xs = draw_inputs(specs, b, rng)  # TF1 gave an empty output: the image was too small
                        outs = _as_list(legacy_predict(side, model, xs, b))
            except Exception as exc:  # big models (video): retry with one row
                if b == 1 or not ("OOM" in str(exc) or "Exhausted" in type(exc).__name__):
                    raise
                xs = [x[:1] for x in xs]
                side.reset_states(model)
                outs = _as_list(legacy_predict(side, model, xs, 1))
                d["batch"] = 1
        except MemoryError:
            if not side.in_old_graph(model):
                raise FatalRun("memory limit exceeded (MemoryError) while predicting " + str(d.get("var")))
            # extending a cleared graph's session copies that whole graph: the other models still run
            d["predict_error"] = ("MemoryError: memory limit exceeded while running it in the graph that "
                                  "K.clear_session() left (its session copies the whole graph to extend it)")
            continue
        except Exception as exc:
            d["predict_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
            continue
        for k, x in enumerate(xs):
            arrays[f"{key}/in/{k}"] = x
        for k, o in enumerate(outs):
            arrays[f"{key}/out/{k}"] = np.asarray(o)
        if any(sp.get("placeholder") for sp in specs):
            # fed through placeholders (Legacy.feed_tensors): also the values of the model's own input
            # tensors, for a migration whose model takes those (Input(tensor=...) kept as the input)
            try:
                for k, t in enumerate(legacy_input_values(side, model, xs)):
                    arrays[f"{key}/tin/{k}"] = np.asarray(t)
                d["n_tensor_inputs"] = len(model.inputs)
            except Exception as exc:  # noqa: BLE001 - the placeholder comparison still stands
                d["tensor_inputs_error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
        d["n_inputs"], d["n_outputs"] = len(xs), len(outs)
        for path, layer in leaves:
            for j, w in enumerate(layer.get_weights()):
                arrays[f"{key}/w/{path}/{j}"] = w
        if side.spec.get("save_models"):
            _save_h5(model, os.path.join(side.spec["out_dir"], "models", f"m{index}.h5"), d)
        # --- one optimizer step
        if getattr(model, "optimizer", None) is None or not hasattr(model, "train_function"):
            d["train_step"] = {"skipped": "model not compiled"}
            continue
        losses = side.loss_names(model)
        d["losses"] = losses
        try:
            ys = draw_targets(outs, losses, rng) if losses else None
            side.reset_states(model)
            training = training_mode(leaves)
            params, grads = side.train_steps(model, xs, ys, N_STEPS, training=training)
            where = {}
            for path, layer in leaves:
                for j, w in enumerate(layer.weights):
                    where[id(w)] = f"{path}/{j}"
            unmapped = [p.name for p in params if id(p) not in where]
            for k, y in enumerate(ys or []):
                arrays[f"{key}/y/{k}"] = y
            for s_, g in enumerate(grads, 1):
                for p, gv in zip(params, g):
                    if id(p) in where:
                        arrays[f"{key}/g{s_}/{where[id(p)]}"] = gv
            for path, layer in leaves:
                for j, w in enumerate(layer.get_weights()):
                    if f"{key}/g1/{path}/{j}" in arrays:
                        arrays[f"{key}/w2/{path}/{j}"] = w
            d["train_step"] = {"ok": True, "has_targets": ys is not None, "unmapped": unmapped, "training": training}
        except Exception as exc:
            d["train_step"] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    scope.close()
    display_names(models)
    result["models"] = models


def _save_h5(model, path, d):
    """Keras 2.2.4's own model.save (VerifyOptions.save_models); a model it cannot save says why."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        model.save(path, include_optimizer=False)
        d["saved"] = path
    except Exception as exc:  # noqa: BLE001 - a Lambda of a local function, a custom layer without get_config
        d["save_error"] = f"{type(exc).__name__}: {str(exc)[:200]}"


def pair_models(legacy_models, migrated_models):
    """Pair by creation order; if the counts differ and names are unique on both sides, by name."""
    if len(legacy_models) == len(migrated_models):
        return list(range(len(legacy_models)))
    by_name = {m["name"]: i for i, m in enumerate(migrated_models)}
    return [by_name.get(m["name"]) for m in legacy_models]


def keras3_capture(side, names, ns, result, arrays):
    ref = json.load(open(side.spec["reference_json"]))
    ref_arrays = np.load(side.spec["reference_npz"])
    wanted = [(m["synthesized"]["output"], m["synthesized"]["inputs"]) for m in ref["models"] if m.get("synthesized")]
    if wanted and not side.captured:
        synthesize_models(side, ns, names, wanted)
    models = []
    for index, model in enumerate(side.captured):
        d, _ = describe_model(side, index, model, names)
        models.append(d)
    display_names(models)
    result["models"] = models
    pairs = pair_models(ref["models"], models)
    result["pairs"] = pairs
    for li, mi in enumerate(pairs):
        lm = ref["models"][li]
        if mi is None or "n_inputs" not in lm:
            continue
        model, d = side.captured[mi], models[mi]
        key = f"m{li}"
        xs = [ref_arrays[f"{key}/in/{k}"] for k in range(lm["n_inputs"])]
        if lm.get("n_tensor_inputs") and model.built and not _takes(model, xs):
            tin = [ref_arrays[f"{key}/tin/{k}"] for k in range(lm["n_tensor_inputs"])]
            if _takes(model, tin):  # the migration kept 2.2.4's input tensor as its model input
                xs = tin
                d["fed"] = "the values of 2.2.4's input tensors"
        x = xs if len(xs) > 1 else xs[0]
        try:
            if not model.built:
                model(x)  # builds Sequential models without an Input, and subclassed models
        except Exception as exc:
            d["build_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        try:
            leaves = leaf_layers(side, model)
            d["layers"] = [describe_layer(side, p, l) for p, l in leaves]
            d["params"] = int(model.count_params())
            d["output_shape"] = _output_shape(model)
        except Exception as exc:
            d["describe_error"] = f"{type(exc).__name__}: {exc}"
            continue
        set_errors = []
        legacy_paths = [l["path"] for l in lm["layers"]]
        own = bool(side.spec.get("own_weights"))  # a converted checkpoint: its own weights are what is checked
        if len(leaves) != len(legacy_paths) and not own:
            set_errors.append(f"layer count differs: legacy {len(legacy_paths)}, migrated {len(leaves)}")
        for (path, layer), lpath in zip(leaves, [] if own else legacy_paths):
            n = sum(1 for k in ref_arrays.files if k.startswith(f"{key}/w/{lpath}/"))
            ws = [ref_arrays[f"{key}/w/{lpath}/{j}"] for j in range(n)]
            cur = layer.get_weights()
            if [w.shape for w in cur] != [w.shape for w in ws]:
                set_errors.append(f"layer {path} {type(layer).__name__} '{layer.name}': weight shapes legacy "
                                  f"{[list(w.shape) for w in ws]}, migrated {[list(w.shape) for w in cur]}")
                continue
            try:
                layer.set_weights(ws)
            except Exception as exc:
                set_errors.append(f"layer {path} {type(layer).__name__}: set_weights failed: {exc}")
        d["set_weights_errors"] = set_errors
        try:
            side.reset_states(model)
            outs = _as_list(side.orig["predict"](model, x, batch_size=xs[0].shape[0], verbose=0))
            for k, o in enumerate(outs):
                arrays[f"{key}/out/{k}"] = np.asarray(o)
            d["n_outputs"] = len(outs)
        except Exception as exc:
            d["predict_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
            continue
        # --- one optimizer step on the same batch
        lts = lm.get("train_step", {})
        if not lts.get("ok") or set_errors or own:
            continue
        if getattr(model, "optimizer", None) is None:
            d["train_step"] = {"error": "migrated model is not compiled"}
            continue
        ys = [ref_arrays[f"{key}/y/{k}"] for k in range(len(outs))] if lts.get("has_targets") else None
        try:
            side.reset_states(model)
            own = side.own_gradients(model, xs, ys, training=bool(lts.get("training")))
            var_of = {}
            for (path, layer), lpath in zip(leaves, legacy_paths):
                for j, w in enumerate(layer.weights):
                    var_of[f"{lpath}/{j}"] = w
            missing = []
            trained = {id(v) for v in side.trained_weights(model)}
            for s_ in range(1, N_STEPS + 1):
                pairs = []
                for name in ref_arrays.files:
                    if name.startswith(f"{key}/g{s_}/"):
                        wkey = name[len(f"{key}/g{s_}/"):]
                        v = var_of.get(wkey)
                        if v is None or id(v) not in trained:
                            missing.append(wkey)
                            continue
                        pairs.append((ref_arrays[name], v))
                        if s_ == 1 and own.get(id(v)) is not None:
                            arrays[f"{key}/g1/{wkey}"] = own[id(v)]
                if pairs:
                    side.apply_gradients(model, pairs)
            for wkey, v in var_of.items():
                if f"{key}/w2/{wkey}" in ref_arrays.files:
                    arrays[f"{key}/w2/{wkey}"] = np.asarray(v.numpy() if hasattr(v, "numpy") else v)
            d["train_step"] = {"ok": True, "not_trainable_in_migration": sorted(set(missing))}
        except Exception as exc:
            d["train_step"] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
