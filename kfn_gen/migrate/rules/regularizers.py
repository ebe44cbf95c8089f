"""Regularizers, and loss/metric/constraint identifiers Keras 3 spells differently.

* `regularizers.l1_l2()` defaulted to l1 = l2 = 0.01 in 2.2.4 (keras/regularizers.py:61); Keras 3
  defaults both to 0: the penalty silently disappears.  Missing values are written out.
* `l1(l=)` / `l2(l=)`: Keras 3 calls the argument `l1` / `l2`.
* Activity penalties: 2.2.4 added `activity_regularizer(output)` as is (engine/base_layer.py:500);
  Keras 3 divides it by the batch size (keras/src/layers/layer.py, Layer.__call__).  The migrated
  script wraps the regularizer in a small serializable class that multiplies the batch size back.
  `ActivityRegularization(l1, l2)` becomes a subclass that installs that wrapper.
* String identifiers: loss 'logcosh' -> 'log_cosh', 'kullback_leibler_divergence' -> 'kl_divergence',
  'cosine_proximity'/'cosine' -> 'cosine_similarity' (the same negative cosine as a loss; as a
  metric Keras 3 reports +cosine where 2.2.4 reported -cosine), constraints 'maxnorm' -> 'max_norm' ...
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls
from kfn_gen.migrate.tables.arguments import ACTIVITY_REGULARIZATION, L1_L2, L1_L2_224, L1_L2_KERAS3, REGULARIZER_FUNCS
from kfn_gen.migrate.tables.names import COSINE_NAMES, STRING_ALIASES

ACTIVITY_HELPER = "Keras224ActivityRegularizer"
ACTIVITY_PRELUDE = '''@keras.utils.register_keras_serializable(package="keras224")
class {name}(keras.regularizers.Regularizer):
    """Keras 2.2.4's activity penalty: Keras 3 divides it by the batch size, 2.2.4 did not."""

    def __init__(self, regularizer):
        self.regularizer = keras.regularizers.get(regularizer)

    def __call__(self, x):
        loss = self.regularizer(x)
        if len(x.shape) == 0:
            return loss
        return loss * keras.ops.cast(keras.ops.shape(x)[0], loss.dtype)

    def get_config(self):
        return {{"regularizer": keras.regularizers.serialize(self.regularizer)}}'''
LAYER_HELPER = "Keras224ActivityRegularization"
LAYER_PRELUDE = '''@keras.utils.register_keras_serializable(package="keras224")
class {name}(keras.layers.ActivityRegularization):
    """Keras 2.2.4's ActivityRegularization: the penalty is not divided by the batch size."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(l1=l1, l2=l2, **kwargs)
        self.activity_regularizer = {wrapper}(keras.regularizers.L1L2(l1=l1, l2=l2))'''
COMPILE_224 = ["optimizer", "loss", "metrics", "loss_weights", "sample_weight_mode", "weighted_metrics"]


class Regularizers(Rule):
    code = "KFN015"
    name = "regularizers"
    description = "l1_l2() 2.2.4 defaults, l1/l2(l=), activity penalties not divided by the batch size"
    numeric = True

    def run(self, ctx: Context) -> None:
        keep = ctx.options.defaults == "keras224"
        def use_helper(at) -> str:
            return ctx.define(ACTIVITY_HELPER, ACTIVITY_PRELUDE, at)

        for call, ident in calls(ctx):
            if ident == L1_L2:
                self.l1_l2(ctx, call, keep)
            elif ident in REGULARIZER_FUNCS and A.kwarg(call, "l") is not None:
                new = REGULARIZER_FUNCS[ident][0]
                ctx.edit(call, lambda c, n=new: A.rename_kwarg(c, "l", n), f"{new}(l=) -> {new}({new}=) (Keras 3 name)")
            if ident == ACTIVITY_REGULARIZATION:
                self.activity_layer(ctx, call, keep, use_helper)
                continue
            act = A.kwarg(call, "activity_regularizer")
            if act is not None and ident is not None and not (isinstance(act.value, cst.Name)
                                                               and act.value.value == "None") \
                    and not _already_wrapped(act.value):
                if keep:
                    name = use_helper(call)
                    ctx.edit(act, lambda a, n=name: a.with_changes(value=cst.parse_expression(
                        f"{n}({cst.Module([]).code_for_node(a.value)})")),
                        f"activity_regularizer wrapped in {name} (Keras 3 divides the activity penalty by the batch "
                        "size; 2.2.4 did not)")
                else:
                    ctx.warn(call, "activity_regularizer: Keras 3 divides the penalty by the batch size, 2.2.4 did "
                                   "not: the loss changes")

    def l1_l2(self, ctx: Context, call: cst.Call, keep: bool) -> None:
        pos = A.positional(call)
        given = {["l1", "l2"][i] for i in range(min(len(pos), 2))} | {a.keyword.value for a in call.args
                                                                       if a.keyword is not None}
        missing = [k for k in ("l1", "l2") if k not in given]
        if not missing:
            return
        if keep:
            def edit(c, missing=missing):
                for k in missing:
                    c = A.add_kwarg(c, k, L1_L2_224[k])
                return c
            ctx.edit(call, edit, f"l1_l2: {', '.join(f'{k}={L1_L2_224[k]}' for k in missing)} (2.2.4 defaults; "
                                 "Keras 3's are 0)")
        else:
            ctx.warn(call, f"l1_l2: default {', '.join(missing)} changes from 0.01 (2.2.4) to "
                           f"{L1_L2_KERAS3[missing[0]]} (Keras 3): the penalty disappears")

    def activity_layer(self, ctx: Context, call: cst.Call, keep: bool, use_helper) -> None:
        if not keep:
            ctx.warn(call, "ActivityRegularization: Keras 3 divides the penalty by the batch size, 2.2.4 did not")
            return
        wrapper = use_helper(call)
        name = ctx.define(LAYER_HELPER, LAYER_PRELUDE.replace("{wrapper}", wrapper), call)
        ctx.edit(call, lambda c, n=name: c.with_changes(func=cst.Name(n)),
                 f"ActivityRegularization -> {name} (the same layer with the 2.2.4 penalty, not divided by the "
                 "batch size)")


def _already_wrapped(node) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and \
        node.func.value.startswith(ACTIVITY_HELPER)


class LossAliases(Rule):
    code = "KFN016"
    name = "loss-aliases"
    description = "loss/metric/constraint strings 2.2.4 accepted that Keras 3 rejects"

    def run(self, ctx: Context) -> None:
        for call, ident in calls(ctx):
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "compile" and ident is None:
                pos = A.positional(call)
                for i, name in enumerate(COMPILE_224[:len(pos)]):
                    self.value(ctx, pos[i].value, name)
                for a in call.args:
                    if a.keyword is not None:
                        self.value(ctx, a.value, a.keyword.value)
            elif ident is not None:
                for a in call.args:
                    if a.keyword is not None and a.keyword.value.endswith("_constraint"):
                        self.string(ctx, a.value, "constraint")

    def value(self, ctx: Context, node, arg: str) -> None:
        kind = {"loss": "loss", "metrics": "metric", "weighted_metrics": "metric"}.get(arg)
        if kind is None:
            return
        if isinstance(node, (cst.List, cst.Tuple)):
            for el in node.elements:
                self.value(ctx, el.value, arg)
        elif isinstance(node, cst.Dict):
            for el in node.elements:
                if isinstance(el, cst.DictElement):
                    self.value(ctx, el.value, arg)
        else:
            self.string(ctx, node, kind)

    def string(self, ctx: Context, node, kind: str) -> None:
        if not isinstance(node, cst.SimpleString):
            return
        text = node.evaluated_value
        new = STRING_ALIASES.get((kind, text))
        if text in COSINE_NAMES and kind in ("loss", "metric"):
            new = "cosine_similarity"
            if kind == "metric":
                ctx.warn(node, f"metric '{text}': 2.2.4 reported -cosine (cosine_proximity), Keras 3's "
                               "'cosine_similarity' reports +cosine")
        if new is None:
            return
        ctx.replace_code(node, f"{node.prefix}{node.quote}{new}{node.quote}",
                         f"{kind} '{text}' -> '{new}' (Keras 3 name)")
