"""`model.reset_states()` -> 2.2.4's own Network.reset_states, defined in the migrated script.

Keras 3 models have no `reset_states` (AttributeError); its RNN layers and wrappers still do.  2.2.4
(engine/network.py) reset every layer that has `reset_states` and is `stateful`, where a nested model
was `stateful` when any of its layers was.  The helper does the same, recursing into nested models
(which Keras 3 no longer marks `stateful`).  A receiver the graph knows as a layer is left alone; one
it does not know goes through the helper, which calls the object's own `reset_states` when it is not
a model.
"""
from __future__ import annotations

import re

import libcst as cst

from kfn_gen.ir.values import LayerVal
from kfn_gen.frontend.tree import walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule, calls

HELPER = "keras224_reset_states"
PRELUDE = '''def {name}(model):
    """Keras 2.2.4's Model.reset_states(): reset every stateful layer (Keras 3 models have no reset_states)."""
    if not hasattr(model, "layers"):  # a layer: its own reset_states
        model.reset_states()
        return
    for layer in model.layers:
        if hasattr(layer, "layers"):
            {name}(layer)
        elif hasattr(layer, "reset_states") and getattr(layer, "stateful", False):
            layer.reset_states()'''


class ResetStates(Rule):
    code = "KFN030"
    name = "reset-states"
    description = "model.reset_states() (gone from Keras 3 models) -> 2.2.4's reset of every stateful layer"

    def run(self, ctx: Context) -> None:
        if "reset_states" not in ctx.src.text:
            return
        own = {id(n) for d in walk(ctx.src.module) if isinstance(d, cst.FunctionDef)
               and re.fullmatch(rf"{HELPER}(_\d+)?", d.name.value) for n in walk(d)}  # a migrated script's helper
        for call, ident in calls(ctx):
            if id(call) in own:
                continue
            func = call.func
            if ident is not None or not isinstance(func, cst.Attribute) or func.attr.value != "reset_states" \
                    or call.args:
                continue
            if isinstance(func.value, cst.Subscript) and isinstance(func.value.value, cst.Attribute) \
                    and func.value.value.attr.value == "layers":
                continue  # model.layers[i]: a layer
            owner = ctx.facts.values.get(func.value)
            if isinstance(owner, LayerVal) and not owner.layer.is_model:
                continue  # a layer: Keras 3 layers keep reset_states
            name = ctx.define(HELPER, PRELUDE, call, imports_keras=False)
            receiver = func.value
            ctx.edit(call, lambda c, n=name: cst.Call(func=cst.Name(n), args=[cst.Arg(c.func.value)],
                                                       lpar=c.lpar, rpar=c.rpar),
                     f"{cst.Module([]).code_for_node(receiver)}.reset_states() -> {name}(...): Keras 3 models "
                     "have no reset_states; the helper resets every stateful layer as 2.2.4 did")
