"""Layers Keras 3 removed: a faithful replacement where one keeps 2.2.4's numbers, else a clear warning.

* `CuDNNLSTM` (keras/layers/cudnn_recurrent.py:328) is an LSTM with tanh/sigmoid gates and
  unit_forget_bias: exactly Keras 3's `LSTM` defaults (which pick cuDNN on a GPU).  `CuDNNGRU`
  (:135) is `GRU(reset_after=True)` with sigmoid gates: Keras 3's `GRU` defaults.  Their weights
  are laid out differently (bias of 8*units / 6*units, per-gate Fortran-order input kernels):
  2.2.4's own `engine/saving.py:_convert_rnn_weights` converts them; files saved from the CuDNN
  layers need that conversion before `load_weights`.  The 2.2.4 positionals after `units`
  (kernel_initializer, ...) get their keywords: LSTM's 2nd positional is `activation`.
* `ThresholdedReLU(theta)` computes `x * (x > theta)` (advanced_activations.py:221);
  Keras 3's `ReLU(threshold=theta)` computes `where(x > theta, x, 0)`: the same for theta >= 0
  (Keras 3 rejects negative thresholds).  2.2.4's default theta is 1.0, ReLU's threshold is 0.
* `print_summary(model)` -> `model.summary()`; `model_from_yaml`, `to_yaml`,
  `keras.wrappers.scikit_learn`: a warning with the Keras 3 way.
* `LocallyConnected1D/2D`, `MaxoutDense`, `Highway` -> 2.2.4's own layer defined in the script
  (migrate/helpers/locally_connected.py, migrate/helpers/legacy_layers.py).
* `ConvRecurrent2D` (a Keras 1 base class): a warning names the hand migration (`Recurrent`: removed-functions).
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.keras224 import api as api224
from kfn_gen.frontend.tree import dotted, walk
from kfn_gen.migrate.importing import without
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls, short
from kfn_gen.migrate.helpers.layers import LOCAL_HELPERS
from kfn_gen.migrate.tables.removed import (CUDNN, PRINT_SUMMARY, PRINT_SUMMARY_ARGS, REMOVED_API, REMOVED_LAYERS,
                                            THRESHOLDED_RELU)


def _negative(node) -> bool:
    return isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus)


class LayersRemoved(Rule):
    code = "KFN014"
    name = "layers-removed"
    description = ("CuDNNLSTM/CuDNNGRU -> LSTM/GRU, ThresholdedReLU -> ReLU(threshold=), LocallyConnected -> "
                   "2.2.4's layer in the script (also MaxoutDense, Highway), others reported")

    def run(self, ctx: Context) -> None:
        self._rewritten: set = set()
        for call, ident in calls(ctx):
            if ident in CUDNN:
                self.cudnn(ctx, call, ident)
            elif ident == THRESHOLDED_RELU:
                self.thresholded(ctx, call)
            elif ident in LOCAL_HELPERS:
                self.local(ctx, call, ident)
            elif ident in REMOVED_LAYERS:
                ctx.warn(call, f"{REMOVED_LAYERS[ident]}; line {ctx.src.pos(call)[0]} needs a hand migration")
            elif ident in REMOVED_API:
                ctx.warn(call, REMOVED_API[ident])
            elif ident == PRINT_SUMMARY:
                self.print_summary(ctx, call)
            elif isinstance(call.func, cst.Attribute) and call.func.attr.value == "to_yaml" and not call.args:
                ctx.warn(call, "to_yaml() was removed in Keras 3: use to_json() (or model.save('m.keras'))")
        if self._rewritten:
            for ident in (PRINT_SUMMARY, *LOCAL_HELPERS):
                self._drop_imports(ctx, ident)

    def local(self, ctx: Context, call: cst.Call, ident: str) -> None:
        wanted, template = LOCAL_HELPERS[ident]
        name = ctx.define(wanted, template, call)
        ctx.edit(call, lambda c, n=name: c.with_changes(func=cst.Name(n)),
                 f"{short(ident)} -> {name}: Keras 3 removed the layer; 2.2.4's own layer (same signature and "
                 "weight layout) is defined in the script")
        self._rewritten.add(call.func)

    def print_summary(self, ctx: Context, call: cst.Call) -> None:
        pos = A.positional(call)
        if not pos or any(a.star for a in call.args):
            return
        model = A.code(ctx.src.module, pos[0].value)

        def edit(c, model=model):
            c = A.keywordize(c, PRINT_SUMMARY_ARGS)
            args = [a for a in c.args if not (a.keyword is not None and a.keyword.value == "model")]
            if args:
                args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return c.with_changes(func=cst.parse_expression(f"({model}).summary" if not isinstance(
                pos[0].value, (cst.Name, cst.Attribute)) else f"{model}.summary"), args=args)
        ctx.edit(call, edit, "print_summary(model, ...) -> model.summary(...) (Keras 3 removed print_summary)")
        self._rewritten.add(call.func)

    def _drop_imports(self, ctx: Context, ident: str) -> None:
        """Remove `from keras.utils import print_summary` once every use is rewritten."""
        imports = [n for n in walk(ctx.src.module) if isinstance(n, cst.ImportFrom)]
        inside = {x for imp in imports for x in walk(imp)}
        uses = [n for n in walk(ctx.src.module) if isinstance(n, (cst.Name, cst.Attribute)) and n not in inside
                and ctx.src.identity(n) == ident]
        left = [u for u in uses if u not in self._rewritten]
        if ident in LOCAL_HELPERS and len(left) < len(uses):
            for u in left:  # isinstance(x, LocallyConnected1D), a subclass: the import fails in Keras 3
                ctx.warn(u, f"{short(ident)} is gone in Keras 3 and this use was not rewritten: name "
                            f"{ctx.defined(LOCAL_HELPERS[ident][0])} (defined in the script) here")
        if not uses or left:
            return
        for imp in imports:
            if isinstance(imp.names, cst.ImportStar) or imp.module is None:
                continue
            mod = dotted(imp.module)
            drop = [a for a in imp.names if mod and api224.resolve(f"{mod}.{dotted(a.name)}").identity == ident]
            if drop:
                ctx.edit(imp, lambda n, d=[dotted(a.name) for a in drop]: without(n, d),
                         f"import of {ident.rsplit('.', 1)[-1]} removed (Keras 3 has none; every use was rewritten)")

    def cudnn(self, ctx: Context, call: cst.Call, ident: str) -> None:
        new, names, _ = CUDNN[ident]
        old = short(ident)
        pos = A.positional(call)
        if len(pos) > 1:
            ctx.edit(call, lambda c: A.keywordize(c, ["", *names], start=1),
                     f"{old}: positional arguments given their 2.2.4 keywords ({', '.join(names[:len(pos) - 1])})")
        gates = ("tanh activation, sigmoid gates, unit_forget_bias=True" if new == "LSTM"
                 else "tanh activation, sigmoid gates, reset_after=True")
        # spelled out: `LSTM(units)` alone would read as 2.2.4's hard_sigmoid LSTM to a second run
        explicit = [("recurrent_activation", "'sigmoid'")] + ([("reset_after", "True")] if new == "GRU" else [])

        def spell(c, explicit=explicit):
            for k, v in explicit:
                if A.kwarg(c, k) is None:
                    c = A.add_kwarg(c, k, v)
            return c
        ctx.edit(call, spell, f"{old} -> {new} (Keras 3's {new} defaults are the cuDNN cell: {gates}, spelled out; "
                              "it uses cuDNN on a GPU)")
        ctx.warn(call, f"{old} -> {new}: weights saved from a 2.2.4 {old} (bias of {8 if new == 'LSTM' else 6}*units, "
                       "per-gate Fortran-order input kernels) need conversion before loading into the Keras 3 "
                       f"{new}: see 2.2.4 keras/engine/saving.py:_convert_rnn_weights "
                       + ("(bias = b[:4u] + b[4u:])" if new == "LSTM" else "(bias reshaped to (2, 3*units))"))

    def thresholded(self, ctx: Context, call: cst.Call) -> None:
        pos = A.positional(call)
        theta = A.kwarg(call, "theta")
        value = theta.value if theta else (pos[0].value if pos else None)
        if value is not None and _negative(value):
            ctx.warn(call, "ThresholdedReLU with a negative theta: Keras 3's ReLU(threshold=) rejects negative "
                           "thresholds; use keras.layers.Lambda(lambda x: x * keras.ops.cast(x > theta, x.dtype))")
            return
        if value is None:
            ctx.edit(call, lambda c: A.add_kwarg(c, "threshold", "1.0"),
                     "ThresholdedReLU() -> ReLU(threshold=1.0) (2.2.4's default theta; x * (x > theta) in both)")
        elif theta is not None:
            ctx.edit(call, lambda c: A.rename_kwarg(c, "theta", "threshold"),
                     "ThresholdedReLU(theta=) -> ReLU(threshold=) (x * (x > theta) in both)")
        else:
            ctx.edit(call, lambda c: A.keywordize(c, ["threshold"]),
                     "ThresholdedReLU(theta) -> ReLU(threshold=theta) (x * (x > theta) in both; ReLU's first "
                     "positional is max_value)")
