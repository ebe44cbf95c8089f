"""LSTM/GRU/ConvLSTM2D compute what 2.2.4 computed: its hard_sigmoid gate, GRU reset_after=False.

2.2.4's default `recurrent_activation` is 'hard_sigmoid' = clip(0.2x + 0.5, 0, 1)
(keras/backend/tensorflow_backend.py:3394); Keras 3 defaults to 'sigmoid' and its 'hard_sigmoid'
is relu6(x + 3) / 6 — a different function.  The migrated script defines the 2.2.4 function itself
(registered as serializable, so save/load of the migrated model works) and needs no kfn-gen.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.helpers.activations import hard_sigmoid_name
from kfn_gen.migrate.rule import Rule, calls, short
from kfn_gen.migrate.tables.arguments import (GRU_RESET_AFTER, RECURRENT_ACTIVATION_KEYWORDS, RECURRENT_ACTIVATION_POS,
                                              RECURRENT_ACTIVATION_POS_DEFAULT, RECURRENT_HARD_SIGMOID)

def _is_hard_sigmoid(node) -> bool:
    return isinstance(node, cst.SimpleString) and node.evaluated_value == "hard_sigmoid"


class RecurrentDefaults(Rule):
    code = "KFN004"
    name = "recurrent-224"
    description = "LSTM/GRU gates and GRU bias layout exactly as Keras 2.2.4 computed them"
    numeric = True

    def run(self, ctx: Context) -> None:
        keep224 = ctx.options.defaults == "keras224"

        def use_helper(at) -> str:
            return hard_sigmoid_name(ctx, at)

        for call, ident in calls(ctx):
            if ident is None:
                continue
            if ident in RECURRENT_HARD_SIGMOID:
                pos = A.positional(call)
                at = RECURRENT_ACTIVATION_POS.get(ident, RECURRENT_ACTIVATION_POS_DEFAULT)
                explicit = next((A.kwarg(call, k) for k in RECURRENT_ACTIVATION_KEYWORDS if A.kwarg(call, k)), None)
                value = explicit.value if explicit else (pos[at].value if len(pos) > at else None)
                if value is None:
                    if keep224:
                        name = use_helper(call)
                        ctx.edit(call, lambda c, n=name: A.add_kwarg(c, "recurrent_activation", n),
                                 f"{short(ident)}: recurrent_activation={name} (2.2.4 default hard_sigmoid = "
                                 "clip(0.2x+0.5, 0, 1); Keras 3 default is sigmoid)")
                    else:
                        ctx.warn(call, f"{short(ident)}: Keras 3's default recurrent_activation is sigmoid, 2.2.4's was "
                                       "hard_sigmoid: outputs change (about 0.1 on a random LSTM)")
                if ident in GRU_RESET_AFTER and A.kwarg(call, "reset_after") is None:
                    if keep224:
                        ctx.edit(call, lambda c: A.add_kwarg(c, "reset_after", "False"),
                                 f"{short(ident)}: reset_after=False (2.2.4 layout: one bias of 3*units; "
                                 "Keras 3 defaults to True)")
                    else:
                        ctx.warn(call, f"{short(ident)}: Keras 3 defaults to reset_after=True: a different cell, and "
                                       "2.2.4 weights do not load")
            if ident is not None and short(ident) != "Activation":
                for a in call.args:
                    if a.keyword is not None and a.keyword.value in ("activation", "recurrent_activation") \
                            and _is_hard_sigmoid(a.value):
                        self._replace_string(ctx, a.value, keep224, use_helper)
            if short(ident) == "Activation":
                pos = A.positional(call)
                if pos and _is_hard_sigmoid(pos[0].value):
                    self._replace_string(ctx, pos[0].value, keep224, use_helper)
                act = A.kwarg(call, "activation")
                if act and _is_hard_sigmoid(act.value):
                    self._replace_string(ctx, act.value, keep224, use_helper)

    def _replace_string(self, ctx: Context, node, keep224: bool, use_helper) -> None:
        if keep224:
            name = use_helper(node)
            ctx.replace_code(node, name, f"'hard_sigmoid' -> {name} (Keras 3's hard_sigmoid is relu6(x+3)/6)")
        else:
            ctx.warn(node, "'hard_sigmoid' means relu6(x+3)/6 in Keras 3, clip(0.2x+0.5, 0, 1) in 2.2.4")
