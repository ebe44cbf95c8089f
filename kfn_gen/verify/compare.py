"""Comparing what the two sides recorded: outputs, structure, the loss gradient and two optimizer steps,
and the likely cause of a difference (activations probed numerically, GRU layout, optimizer settings)."""
from __future__ import annotations


import numpy as np

from kfn_gen.keras224.semantics import HARD_SIGMOID_TEXT, hard_sigmoid
from kfn_gen.verify.report import ModelEntry, OutputDiff, TrainStep

PROBE_X = np.array([-4.0, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0], dtype=np.float64)
GRAD_RTOL = 1e-3  # loss gradients: max |g_legacy - g_migrated| / max |g_legacy| per weight
GRAD_FLOOR = 1e-3  # ... where max |g_legacy| is at least GRAD_FLOOR x the model's largest gradient


def _reference_functions():
    x = PROBE_X
    sig = 1 / (1 + np.exp(-x))
    return {
        f"hard_sigmoid (Keras 2.2.4 definition {HARD_SIGMOID_TEXT})": hard_sigmoid(x),
        "hard_sigmoid (Keras 3 definition relu6(x+3)/6)": np.clip(x + 3, 0, 6) / 6,
        "sigmoid": sig,
        "tanh": np.tanh(x),
        "relu": np.maximum(x, 0),
        "linear": x,
        "softsign": x / (1 + np.abs(x)),
        "softplus": np.log1p(np.exp(x)),
        "elu": np.where(x > 0, x, np.exp(x) - 1),
        "selu": 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1)),
    }


def identify_activation(values) -> str:
    v = np.asarray(values, dtype=np.float64)
    for name, ref in _reference_functions().items():
        if v.shape == ref.shape and np.max(np.abs(v - ref)) < 1e-4:
            return name
    return "an unrecognised function"


def _lr(cfg: dict):
    v = cfg.get("learning_rate", cfg.get("lr"))
    return v


def likely_causes(lm: dict, mm: dict | None, train_differs: bool) -> list[str]:
    causes = []
    if mm:
        for ll, ml in zip(lm.get("layers", []), mm.get("layers", [])):
            lp, mp = ll.get("probes", {}), ml.get("probes", {})
            for attr in ("recurrent_activation", "activation"):
                if attr in lp and attr in mp:
                    a, b = np.asarray(lp[attr]), np.asarray(mp[attr])
                    if a.shape == b.shape and np.max(np.abs(a - b)) > 1e-4:
                        msg = (f"layer {ml['path']} {ml['class']} '{ml['name']}': {attr} computes "
                               f"{identify_activation(a)} in Keras 2.2.4 but {identify_activation(b)} in the migration")
                        if attr == "recurrent_activation":
                            msg += (" (2.2.4 LSTM/GRU default recurrent_activation='hard_sigmoid'; Keras 3 defaults "
                                    "to 'sigmoid' and its 'hard_sigmoid' is relu6(x+3)/6: pass a function computing "
                                    "clip(0.2x+0.5, 0, 1))")
                        causes.append(msg)
            lc, mc = ll.get("config", {}), ml.get("config", {})
            if "reset_after" in lc and "reset_after" in mc and lc["reset_after"] != mc["reset_after"]:
                causes.append(f"layer {ml['path']} GRU '{ml['name']}': reset_after={mc['reset_after']} in the "
                              f"migration but {lc['reset_after']} in Keras 2.2.4 (Keras 3 default is True): "
                              "pass reset_after=False")
    if train_differs and mm and (mm.get("train_step") or {}).get("not_trainable_in_migration"):
        causes.append("weights the Keras 2.2.4 optimizer trains are not trained in the migration: 2.2.4 fixes "
                      "trainability at compile() (a later `layer.trainable = False` only affects models compiled "
                      "after it, e.g. a GAN's combined model); Keras 3 takes the trainable weights when the model "
                      "first trains after compile()")
    if train_differs and mm:
        lo, mo = lm.get("optimizer") or {}, mm.get("optimizer") or {}
        lcfg, mcfg = lo.get("config", {}), mo.get("config", {})
        cls = lo.get("class", "?")
        l_lr, m_lr = _lr(lcfg), _lr(mcfg)
        if isinstance(l_lr, (int, float)) and isinstance(m_lr, (int, float)) and not np.isclose(l_lr, m_lr, rtol=1e-6):
            causes.append(f"optimizer {cls}: learning rate {l_lr:g} in Keras 2.2.4 but {m_lr:g} in the migration "
                          "(Keras 3 changed the defaults of Adagrad/Adadelta/Adamax/Nadam, also for string names)")
        decay = lcfg.get("decay") or 0
        if decay and not isinstance(m_lr, dict):
            causes.append(f"optimizer {cls}: decay={decay:g} in Keras 2.2.4 is ignored by Keras 3; use "
                          f"InverseTimeDecay(lr, decay_steps=1, decay_rate={decay:g})")
        if lcfg.get("clipnorm") and not mcfg.get("global_clipnorm"):
            causes.append(f"optimizer {cls}: clipnorm={lcfg['clipnorm']} is one global norm in Keras 2.2.4 but "
                          "per-gradient in Keras 3: use global_clipnorm")
        le, me = lcfg.get("epsilon"), mcfg.get("epsilon")
        if isinstance(le, (int, float)) and isinstance(me, (int, float)) and not np.isclose(le, me):
            causes.append(f"optimizer {cls}: epsilon {le:g} in Keras 2.2.4 but {me:g} in the migration")
        if cls in ("RMSprop", "Adagrad"):
            causes.append(f"optimizer {cls}: Keras 2.2.4 computes lr*g/(sqrt(v)+eps), Keras 3 lr*g/sqrt(v+eps)")
        if cls == "Adagrad" and mcfg.get("initial_accumulator_value", 0):
            causes.append("optimizer Adagrad: Keras 3 starts the accumulator at initial_accumulator_value="
                          f"{mcfg['initial_accumulator_value']}, Keras 2.2.4 at 0")
        if mo and lo and mo.get("class") != cls:
            causes.append(f"optimizer class {cls} in Keras 2.2.4 but {mo.get('class')} in the migration")
    return causes


def _diff(a: np.ndarray, b: np.ndarray, atol: float, rtol: float):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return None, None, False
    if a.size == 0:
        return 0.0, 0.0, True
    d = np.abs(a - b)
    nan_mismatch = bool(np.any(np.isnan(a) != np.isnan(b)))
    d = np.where(np.isnan(a) & np.isnan(b), 0.0, d)
    max_abs = float(np.nanmax(d)) if not nan_mismatch else float("inf")
    max_rel = float(np.nanmax(d / np.maximum(np.abs(a), 1e-6))) if not nan_mismatch else float("inf")
    ok = (not nan_mismatch) and bool(np.all(d <= atol + rtol * np.abs(a)))
    return max_abs, max_rel, ok


def _classes(m: dict | None) -> tuple[str, ...]:
    return tuple(l["class"] for l in (m or {}).get("layers", []))


def compare(legacy: dict, migrated: dict, la, ma, *, atol: float, rtol: float,
            check_training: bool = True) -> list[ModelEntry]:
    entries = []
    pairs = migrated.get("pairs", [])
    for li, lm in enumerate(legacy["models"]):
        mi = pairs[li] if li < len(pairs) else None
        mm = migrated["models"][mi] if mi is not None else None
        name = lm["name"]
        key = f"m{li}"
        problems, notes = [], []
        if lm.get("synthesized"):
            notes.append(f"the script builds no Model: compared the layer graph from its Input variables "
                         f"({', '.join(lm['synthesized']['inputs'])}) to the tensor variable "
                         f"{lm['synthesized']['output']}")
        base = dict(name=name, legacy_layers=_classes(lm), migrated_layers=_classes(mm),
                    legacy_params=lm.get("params"), migrated_params=(mm or {}).get("params"),
                    legacy_output_shape=_tuplify(lm.get("output_shape")),
                    migrated_output_shape=_tuplify((mm or {}).get("output_shape")))
        if lm.get("predict_error"):
            entries.append(ModelEntry(status="error", problems=(f"Keras 2.2.4 could not predict: "
                                                                f"{lm['predict_error']}",), **base))
            continue
        if mm is None:
            entries.append(ModelEntry(status="differ", problems=(
                f"no migrated model to pair with (Keras 2.2.4 built {len(legacy['models'])} models, the "
                f"migration {len(migrated['models'])})",), **base))
            continue
        for k in ("build_error", "describe_error", "predict_error"):
            if mm.get(k):
                problems.append(f"migrated model: {k.replace('_', ' ')}: {mm[k]}")
        problems.extend(mm.get("set_weights_errors", []))
        if lm.get("params") is not None and mm.get("params") is not None and lm["params"] != mm["params"]:
            problems.append(f"parameter count {lm['params']:,} in Keras 2.2.4 but {mm['params']:,} in the migration")
        if base["legacy_output_shape"] != base["migrated_output_shape"] and mm.get("output_shape") is not None:
            problems.append(f"output shape {base['legacy_output_shape']} in Keras 2.2.4 but "
                            f"{base['migrated_output_shape']} in the migration")
        if base["legacy_layers"] != base["migrated_layers"] and len(base["legacy_layers"]) == len(base["migrated_layers"]):
            changed = [f"{a}->{b}" for a, b in zip(base["legacy_layers"], base["migrated_layers"]) if a != b]
            notes.append("layer classes differ: " + ", ".join(changed))
        outputs = []
        n_out = lm.get("n_outputs", 0)
        for k in range(n_out):
            a = la[f"{key}/out/{k}"]
            if f"{key}/out/{k}" not in ma.files:
                continue
            b = ma[f"{key}/out/{k}"]
            mx, mr, ok = _diff(a, b, atol, rtol)
            note = "" if mx is not None else f"shape {a.shape} vs {b.shape}"
            outputs.append(OutputDiff(k, tuple(a.shape), mx, mr, ok, note))
            if mx is None:
                problems.append(f"output {k}: shape {a.shape} in Keras 2.2.4 but {b.shape} in the migration")
            elif not ok:
                problems.append(f"output {k}: max abs diff {mx:.3g} (max rel {mr:.3g}) exceeds atol {atol:g} + "
                                f"rtol {rtol:g}*|legacy|")
        if not mm.get("predict_error") and not mm.get("set_weights_errors") and len(outputs) != n_out:
            problems.append(f"{n_out} outputs in Keras 2.2.4 but {mm.get('n_outputs')} in the migration")
        ts = _compare_train_step(lm, mm, la, ma, key, atol, rtol)
        out_abs = [o.max_abs_diff for o in outputs if o.max_abs_diff is not None]
        out_rel = [o.max_rel_diff for o in outputs if o.max_rel_diff is not None]
        train_msgs = []
        if ts.status == "differ":
            train_msgs.append(f"training step: {ts.detail}")
        elif ts.status == "error" and lm.get("train_step", {}).get("ok"):
            train_msgs.append(f"training step failed in the migration: {ts.detail}")
        (problems if check_training else notes).extend(train_msgs)
        if ts.status == "skipped" and "failed" in ts.detail:
            notes.append(f"training step not compared: {ts.detail}")
        causes = likely_causes(lm, mm, ts.status == "differ")
        status = "differ" if problems else "match"
        entries.append(ModelEntry(
            status=status, outputs=tuple(outputs), max_abs_diff=max(out_abs) if out_abs else None,
            max_rel_diff=max(out_rel) if out_rel else None, train_step=ts, problems=tuple(problems),
            notes=tuple(notes), likely_cause="; ".join(causes) if (causes and (problems or train_msgs)) else None,
            **base))
    return entries


def _compare_train_step(lm, mm, la, ma, key, atol, rtol) -> TrainStep:
    """Gradient check (Keras 3's own gradient vs the legacy one at the same weights, relative to the
    tensor's largest gradient) and optimizer check (both optimizers fed the same legacy gradients for
    two steps; updated weights within atol + rtol*|w|)."""
    lts, mts = lm.get("train_step") or {}, mm.get("train_step") or {}
    if lts.get("skipped"):
        return TrainStep("skipped", detail=lts["skipped"])
    if lts.get("error"):
        return TrainStep("skipped", detail=f"Keras 2.2.4 step failed: {lts['error']}")
    if not lts.get("ok"):
        return TrainStep("skipped", detail="no legacy step")
    if mts.get("error"):
        return TrainStep("error", detail=mts["error"])
    if not mts.get("ok"):
        return TrainStep("skipped", detail="migrated model not comparable")
    problems = []
    if mts.get("not_trainable_in_migration"):
        problems.append("not trainable (or missing) in the migration: " + ", ".join(mts["not_trainable_in_migration"]))
    grad_rel, grad_where = 0.0, ""
    pairs = [(name, la[name].astype(np.float64), ma[name].astype(np.float64)) for name in la.files
             if name.startswith(f"{key}/g1/") and name in ma.files]
    # a tensor whose true gradient is ~0 (a conv bias before BatchNormalization in training mode) is
    # float noise on both sides: compare it on the scale of the model's largest gradient
    floor = GRAD_FLOOR * max([float(np.max(np.abs(a))) for _, a, _ in pairs if a.size] or [0.0])
    for name, a, b in pairs:
        if a.shape != b.shape:
            continue
        scale = max(float(np.max(np.abs(a))) if a.size else 0.0, floor, 1e-12)
        rel = float(np.max(np.abs(a - b))) / scale if a.size else 0.0
        if rel > grad_rel:
            grad_rel, grad_where = rel, name[len(key) + 4:]
    if grad_rel > GRAD_RTOL:
        problems.append(f"loss gradient differs: max diff {grad_rel:.3g} x the largest legacy gradient "
                        f"(weight {grad_where})")
    worst_abs, worst_rel, worst_where, ok = 0.0, 0.0, "", True
    for name in la.files:
        if not name.startswith(f"{key}/w2/"):
            continue
        wkey = name[len(key) + 4:]
        if name not in ma.files:
            continue
        a, b = la[name], ma[name]
        w0 = la[f"{key}/w/{wkey}"]
        mx, _, good = _diff(a, b, atol, rtol)
        if mx is None:
            problems.append(f"weight {wkey}: shape {a.shape} vs {b.shape}")
            continue
        upd = float(np.max(np.abs(a.astype(np.float64) - w0))) if a.size else 0.0
        rel = mx / upd if upd > 0 else (0.0 if mx == 0 else float("inf"))
        if mx >= worst_abs:
            worst_abs, worst_where = mx, wkey
        worst_rel = max(worst_rel, rel)
        ok = ok and good
    if not ok:
        problems.append(f"after {2} optimizer steps fed the same gradients, weights differ by max abs "
                        f"{worst_abs:.3g} ({worst_rel:.3g} x the legacy update; weight {worst_where})")
    status = "differ" if problems else "match"
    detail = "; ".join(problems) if problems else f"gradient rel diff {grad_rel:.2g}, update rel diff {worst_rel:.2g}"
    return TrainStep(status, worst_abs, worst_rel, grad_rel, detail)


def _tuplify(v):
    if isinstance(v, list):
        return tuple(_tuplify(x) for x in v)
    return v
