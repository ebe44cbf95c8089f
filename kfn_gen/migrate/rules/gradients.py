"""`K.gradients(loss, variables)` over Keras tensors -> a helper the migrated script defines.

Keras 2.2.4's `K.gradients` (keras/backend/tensorflow_backend.py) is `tf.gradients(loss, variables,
colocate_gradients_with_ops=True)`: a list with one symbolic gradient per variable (a single tensor
counts as a list of one), a non-scalar `loss` summed first.  The TF1 "gradient ascent" idiom of the
keras examples (conv_filter_visualization, deep_dream, neural_style_transfer) differentiates a loss
built from a model's layer outputs with respect to the model's input placeholder, normalizes the
gradient with more backend ops and fetches it with `K.function([input], [loss, grads])`.

Keras 3 has no symbolic gradients, but ops on Keras tensors give Keras tensors connected to the
model input, so `keras.Model(variables, loss)` is a functional model.  The script gets
`keras224_gradients(loss, variables)`: for each variable a Keras tensor made by a small layer whose
call differentiates that model, summed, with `tf.GradientTape` (TensorFlow backend), with the same
`training` flag as the call around it.  Those tensors go through keras.ops and into a model or the
`keras224_function` helper (migrate/rules/backend_function.py accepts them).

Checked at run time by the helper, with a clear error: the loss and the variables must be Keras
tensors (gradients with respect to weights or `K.variable`s are not migrated) and the loss must
depend on each variable (tf.gradients gave None there).  Other call shapes (keywords, `*args`)
keep backend-breadth's warning.  Limitation: the gradient layer runs the loss model again, so a
layer drawing random numbers in training mode (Dropout with learning phase 1) draws a different
mask for the gradient than for a loss fetched beside it (2.2.4 ran both in one graph execution).
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.helpers import names as helper_names
from kfn_gen.migrate.helpers.gradients import GRADIENTS, HELPER, migratable
from kfn_gen.migrate.rule import Rule, calls

LAMBDA = "keras.layers.core.Lambda"


class Gradients(Rule):
    code = "KFN020"
    name = "gradients"
    description = "K.gradients(loss, variables) over Keras tensors -> a tf.GradientTape-backed helper"

    def run(self, ctx: Context) -> None:
        migrated = []
        found = list(calls(ctx))
        in_layer = _inside_layer_code(ctx, found)
        for call, ident in found:
            if ident != GRADIENTS or not migratable(call) or id(call) in in_layer:
                continue
            name = ctx.define(helper_names.GRADIENTS, HELPER, call)

            def edit(c, n=name):
                # only the callee changes (and `bound=`): edits inside the arguments (K.sum -> keras.ops.sum) compose.
                # Edits run once every rule has, so whether tensor-inputs defined its helper is known here.
                bound = ctx.defined(helper_names.TENSOR_INPUT)
                c = c.with_changes(func=cst.Name(n))
                return A.add_kwarg(c, "bound", f"{bound}.bound") if bound else c
            ctx.edit(call, edit,
                     f"K.gradients -> {name}: one Keras tensor per variable, the gradient of the summed "
                     f"loss by tf.GradientTape (the loss and the variables must be Keras tensors)")
            migrated.append(call)
        for c in migrated:  # their "migrate by hand" warnings are moot for the calls this rule migrates
            ctx.supersede(c, ("backend-breadth", "backend-ops"))


def _inside_layer_code(ctx: Context, found) -> set:
    """Calls inside a Lambda layer's function or a custom layer's call(): there the arguments are
    the backend's tensors at run time, not Keras tensors (mnist_swwae differentiates a MaxPooling2D
    output computed outside the Lambda: no GradientTape can see that), so backend-breadth's
    warning stands."""
    names, bodies = set(), []
    for call, ident in found:
        if ident == LAMBDA:
            fn = next((a.value for a in call.args if a.keyword is None or a.keyword.value == "function"), None)
            if isinstance(fn, cst.Name):
                names.add(fn.value)
            elif isinstance(fn, cst.Lambda):
                bodies.append(fn)
    for node in walk(ctx.src.module):
        if isinstance(node, cst.FunctionDef) and (node.name.value in names or node.name.value == "call"):
            bodies.append(node)
    return {id(n) for body in bodies for n in walk(body) if isinstance(n, cst.Call)}
