"""`model.add_loss(tensor)` on a built model -> a helper that adds the tensor to the model's loss.

2.2.4 (engine/base_layer.py:add_loss, engine/training.py:compile) kept the symbolic tensor and added
it to the compiled total loss (`total_loss += loss_tensor`; K.gradients of a non-scalar sums it).
Keras 3 only takes losses inside a layer's `call()`: `Functional.add_loss` raises
NotImplementedError and `Model.add_loss` a ValueError on a symbolic tensor.  The VAE examples
build `vae_loss` from the model's tensors and call `vae.add_loss(vae_loss)` before `compile()`.

The helper, defined once in the migrated script, builds a `keras.Function` from the model's
inputs to the loss tensor and wraps the model's `compute_loss` so that the sum of that tensor is
added to whatever `compile()` asked for (nothing, as with 2.2.4's `compile(optimizer=...)`).  The
tensor is computed in a second forward pass, from the same inputs and weights: equal numbers for
a deterministic model; a model that samples (a VAE) draws its noise again for the loss, a
single-sample estimate of the same objective.  `add_loss` inside a custom layer's `call()` is
left alone (Keras 3 keeps it).
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.ir.values import LayerVal
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls

HELPER = "keras224_add_loss"
PRELUDE = '''def {name}(model, loss):
    """Keras 2.2.4's model.add_loss(tensor): the tensor's sum joins the model's training loss.

    Keras 3 takes losses only inside a layer's call(); here a keras.Function computes the tensor
    from the model's inputs and the model's compute_loss adds it to the compiled loss (if any).
    """
    added = keras.Function(model.inputs, loss)
    compute_loss = model.compute_loss

    def compute_loss_224(x=None, y=None, y_pred=None, sample_weight=None, training=True):
        extra = keras.ops.sum(added(list(x) if isinstance(x, (list, tuple)) else [x]))
        if getattr(model, "loss", None) is None and not model.losses:
            return extra
        return compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training) + extra

    model.compute_loss = compute_loss_224'''


class AddLoss(Rule):
    code = "KFN011"
    name = "add-loss"
    description = "model.add_loss(symbolic tensor) -> keras224_add_loss(model, tensor)"

    def run(self, ctx: Context) -> None:
        for call, _ in calls(ctx):
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value == "add_loss"):
                continue
            owner = ctx.facts.values.get(func.value)
            if not (isinstance(owner, LayerVal) and owner.layer.is_model):
                continue
            pos = A.positional(call)
            if len(call.args) != 1 or len(pos) != 1:
                ctx.warn(call, "model.add_loss(...) with `inputs=` or several arguments: Keras 3 takes losses only "
                               "inside a layer's call(); migrate by hand")
                continue
            name = ctx.define(HELPER, PRELUDE, call)
            model_code = A.code(ctx.src.module, func.value)

            def edit(c: cst.Call, name=name, model_code=model_code) -> cst.Call:
                arg = c.args[0]
                first = cst.Arg(value=cst.parse_expression(model_code),
                                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                return c.with_changes(func=cst.Name(name), args=[first, arg])

            ctx.edit(call, edit, f"{model_code}.add_loss(tensor) -> {name}({model_code}, tensor) (Keras 3 raises on "
                                 "a symbolic loss; the helper adds it to the model's training loss as 2.2.4 did)")
