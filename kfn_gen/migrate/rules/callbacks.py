"""Callbacks: 2.2.4 arguments Keras 3 renamed or removed, and 2.2.4's mode='auto' made explicit.

* `ReduceLROnPlateau(epsilon=)`: 2.2.4 mapped it to `min_delta` (callbacks.py:1063); Keras 3 ignores it.
* `TensorBoard(batch_size=, write_grads=, embeddings_layer_names=, embeddings_data=)`: Keras 3 raises
  TypeError; they are dropped with a warning (they never changed training).
* `ModelCheckpoint(period=N)`: Keras 3 raises TypeError; `save_freq` counts batches, so `period=1`
  is dropped and any other value is dropped with a warning.
* `mode='auto'` (the default): 2.2.4 chose 'max' when 'acc' is in the monitored name (ModelCheckpoint
  also for names starting with 'fmeasure'), else 'min' (callbacks.py:406-419, 508-519, 1082-1088).
  Keras 3 asks the compiled metric for its direction and raises when it cannot tell; the rule
  writes the 2.2.4 choice out for literal monitor names other than the loss.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls, short
from kfn_gen.migrate.tables.training import CALLBACK_IDS, TENSORBOARD, TENSORBOARD_ARGS, TENSORBOARD_DROPPED

# 2.2.4 positional order (callbacks.py:392, 488, 1054)
CALLBACK_ARGS = {
    "ModelCheckpoint": ["filepath", "monitor", "verbose", "save_best_only", "save_weights_only", "mode", "period"],
    "EarlyStopping": ["monitor", "min_delta", "patience", "verbose", "mode", "baseline", "restore_best_weights"],
    "ReduceLROnPlateau": ["monitor", "factor", "patience", "verbose", "mode", "min_delta", "cooldown", "min_lr"],
}


def _mode_224(cls: str, monitor: str) -> str:
    if "acc" in monitor or (cls == "ModelCheckpoint" and monitor.startswith("fmeasure")):
        return "max"
    return "min"


class Callbacks(Rule):
    code = "KFN013"
    name = "callbacks"
    description = "callback arguments 2.2.4 had (epsilon, period) and its mode='auto' choice made explicit"
    numeric = True

    def run(self, ctx: Context) -> None:
        for call, ident in calls(ctx):
            if ident == TENSORBOARD:
                self.tensorboard(ctx, call)
            if ident not in CALLBACK_IDS:
                continue
            cls = short(ident)
            names = CALLBACK_ARGS[cls]
            pos = A.positional(call)
            given = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
            given.update({names[i]: a.value for i, a in enumerate(pos) if i < len(names)})
            if cls == "ReduceLROnPlateau" and "epsilon" in given:
                if "min_delta" in given:
                    ctx.edit(call, lambda c: A.remove_kwargs(c, {"epsilon"}),
                             "ReduceLROnPlateau: epsilon= dropped (min_delta= is given)")
                else:
                    ctx.edit(call, lambda c: A.rename_kwarg(c, "epsilon", "min_delta"),
                             "ReduceLROnPlateau: epsilon= -> min_delta= (2.2.4 mapped it; Keras 3 ignores epsilon)")
            if cls == "ModelCheckpoint" and "period" in given:
                if len(pos) > names.index("period"):
                    ctx.edit(call, lambda c: A.keywordize(c, names), None)
                value = given["period"]
                ctx.edit(call, lambda c: A.remove_kwargs(c, {"period"}), None)
                if isinstance(value, cst.Integer) and int(value.value) == 1:
                    ctx.edit(call, lambda c: c, "ModelCheckpoint: period=1 dropped (Keras 3 saves every epoch by "
                                                "default; period= raises TypeError)")
                else:
                    ctx.warn(call, f"ModelCheckpoint: period={A.code(ctx.src.module, value)} dropped (Keras 3 has "
                                   "no per-N-epochs option: save_freq=N * steps_per_epoch saves every N epochs)")
            if cls == "ModelCheckpoint" and isinstance(given.get("filepath"), cst.SimpleString):
                self.checkpoint_path(ctx, call, given)
            mode = given.get("mode")
            mode_text = mode.evaluated_value if isinstance(mode, cst.SimpleString) else None
            if mode is not None and mode_text != "auto":
                continue
            monitor = given.get("monitor")
            text = monitor.evaluated_value if isinstance(monitor, cst.SimpleString) else None
            if text is None or text.removeprefix("val_") == "loss":
                continue
            want = _mode_224(cls, text)
            if mode is None:
                if len(pos) > names.index("mode"):
                    continue  # positional mode given
                ctx.edit(call, lambda c, w=want: A.add_kwarg(c, "mode", repr(w)),
                         f"{cls}: mode='{want}' (2.2.4's mode='auto' chose '{want}' for monitor='{text}'; Keras 3 "
                         "infers it from the metric and may raise)")
            else:
                ctx.replace_code(mode, f"{mode.quote}{want}{mode.quote}",
                                 f"{cls}: mode='auto' -> '{want}' (2.2.4's choice for monitor='{text}')")

    def tensorboard(self, ctx: Context, call: cst.Call) -> None:
        pos = A.positional(call)
        given = {a.keyword.value for a in call.args if a.keyword is not None}
        given |= {TENSORBOARD_ARGS[i] for i in range(min(len(pos), len(TENSORBOARD_ARGS)))}
        dropped = sorted(given & TENSORBOARD_DROPPED)
        if not dropped:
            return
        if len(pos) > 1:
            ctx.edit(call, lambda c: A.keywordize(c, TENSORBOARD_ARGS), None)
        ctx.edit(call, lambda c, d=set(dropped): A.remove_kwargs(c, d), None)
        ctx.warn(call, f"TensorBoard: {', '.join(dropped)} dropped (Keras 3's TensorBoard has no such argument; "
                       "gradient histograms and embedding data are gone)")

    def checkpoint_path(self, ctx: Context, call: cst.Call, given: dict) -> None:
        node = given["filepath"]
        path = node.evaluated_value
        weights = isinstance(given.get("save_weights_only"), cst.Name) and given["save_weights_only"].value == "True"
        stem = path[: -len(path.rsplit(".", 1)[-1]) - 1] if path.endswith((".h5", ".hdf5")) else path
        if weights and not path.endswith(".weights.h5"):
            new = stem + ".weights.h5"
        elif not weights and not path.endswith((".keras", ".h5")):
            new = stem + ".keras"
        else:
            return
        if "\\" in new or node.quote not in ("'", '"'):
            return
        ctx.replace_code(node, f"{node.prefix}{node.quote}{new}{node.quote}", None)
        ctx.warn(call, f"ModelCheckpoint: file name '{path}' -> '{new}' (Keras 3 requires "
                       f"{'.weights.h5 with save_weights_only=True' if weights else '.keras or .h5'})")
