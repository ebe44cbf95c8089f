"""`Bidirectional(RNN(..., go_backwards=True))`: 2.2.4's backward copy runs forwards; Keras 3 raises.

2.2.4 (keras/layers/wrappers.py, Bidirectional.__init__) builds the backward layer from the wrapped layer's
config with `go_backwards` flipped, whatever it was.  Keras 3 always sets the copy's `go_backwards=True`, so a
wrapped layer that already runs backwards gives two backward layers and a ValueError ("Forward layer and
backward layer should have different `go_backwards` value").  The migration passes 2.2.4's backward layer
explicitly: the wrapped call again (with every other rule's edits), `go_backwards=False`, its name prefixed
`backward_`.  Keras 3 reverses the backward sequences as 2.2.4 did; the weights stay forward then backward.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.migrate import args as A
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule, calls

BIDIRECTIONAL = "keras.layers.wrappers.Bidirectional"


def _backward(layer: cst.Call) -> cst.Call:
    """The wrapped layer's call with go_backwards=False and a `backward_` name."""
    args = []
    for a in layer.args:
        if a.keyword is not None and a.keyword.value == "go_backwards":
            a = a.with_changes(value=cst.Name("False"))
        elif a.keyword is not None and a.keyword.value == "name" and isinstance(a.value, cst.SimpleString):
            a = a.with_changes(value=cst.SimpleString(repr("backward_" + a.value.evaluated_value)))
        args.append(a)
    return layer.with_changes(args=args)


class BidirectionalBackwards(Rule):
    code = "KFN035"
    name = "bidirectional-backwards"
    description = "Bidirectional of a go_backwards=True layer: 2.2.4's forward-running backward copy, explicitly"
    numeric = True

    def run(self, ctx: Context) -> None:
        if "go_backwards" not in ctx.src.text:
            return
        for call, ident in calls(ctx):
            if ident != BIDIRECTIONAL or A.kwarg(call, "backward_layer") is not None:
                continue
            layer = A.argument(call, 0, "layer")
            flag = A.kwarg(layer, "go_backwards") if isinstance(layer, cst.Call) else None
            if flag is None or not A.is_name(flag.value, "True"):
                continue

            def edit(c):
                backward = cst.Module([]).code_for_node(_backward(A.argument(c, 0, "layer")))
                return A.add_kwarg(c, "backward_layer", backward)
            ctx.edit(call, edit, "Bidirectional of a go_backwards=True layer: backward_layer= its 2.2.4 copy "
                                 "(go_backwards=False; Keras 3 would make both run backwards and raise)")
