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

from kfn_gen.frontend.source import _walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.helpers import names as helper_names
from kfn_gen.migrate.rule import Rule, calls

GRADIENTS = "keras.backend.tensorflow_backend.gradients"
LAMBDA = "keras.layers.core.Lambda"

HELPER = '''def {name}(loss, variables, bound=()):
    """Keras 2.2.4's K.gradients(loss, variables) for Keras tensors: a list with, for each variable
    (a Keras input tensor), a Keras tensor computing d sum(loss) / d variable (tf.GradientTape on
    keras.Model(variables, loss)), usable in keras.ops, models and keras224_function.  `bound`:
    (keras.Input, value) pairs of 2.2.4's Input(tensor=constant) (keras224_tensor_input) the loss
    may also depend on; the gradient tensors then depend on them too."""
    import tensorflow as tf

    if keras.backend.backend() != "tensorflow":
        raise NotImplementedError("keras224_gradients (K.gradients) needs the TensorFlow backend")
    variables = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    for t in [loss] + variables:
        if not isinstance(t, keras.KerasTensor):
            raise TypeError("K.gradients was migrated for Keras tensors only (a loss built from layer outputs, "
                            "variables that are model inputs); got %r: use tf.GradientTape by hand" % (t,))
    extra = [x for x, _ in bound if all(x is not v for v in variables)]
    model = keras.Model(variables + extra, loss)

    class Gradient(keras.layers.Layer):
        def __init__(self, index):
            super().__init__()
            self.index = index
            self.loss_model = model

        def call(self, xs, training=None):
            xs = list(xs)
            with tf.GradientTape() as tape:
                tape.watch(xs)
                total = tf.reduce_sum(self.loss_model(xs, training=training))
            grad = tape.gradient(total, xs[self.index])
            if grad is None:
                raise ValueError("K.gradients: the loss does not depend on variable %d (2.2.4 gave None)"
                                 % self.index)
            return grad

    return [Gradient(i)(variables + extra) for i in range(len(variables))]'''


class Gradients(Rule):
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
            bound = ctx.defined(helper_names.TENSOR_INPUT)  # migrate/rules/tensor_inputs.py ran first

            def edit(c, n=name, bound=bound):
                # only the callee changes (and `bound=`): edits inside the arguments (K.sum -> keras.ops.sum) compose
                c = c.with_changes(func=cst.Name(n))
                return A.add_kwarg(c, "bound", f"{bound}.bound") if bound else c
            ctx.edit(call, edit,
                     f"K.gradients -> {name}: one Keras tensor per variable, the gradient of the summed "
                     f"loss by tf.GradientTape (the loss and the variables must be Keras tensors)")
            migrated.append(call)
        # backend-breadth's / backend-ops' "migrate by hand" warnings are superseded for these calls
        where = {ctx.src.pos(c) for c in migrated}
        ctx.diagnostics[:] = [d for d in ctx.diagnostics if not (
            d.rule in ("backend-breadth", "backend-ops") and d.severity == "warning" and (d.line, d.col) in where)]


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
    for node in _walk(ctx.src.module):
        if isinstance(node, cst.FunctionDef) and (node.name.value in names or node.name.value == "call"):
            bodies.append(node)
    return {id(n) for body in bodies for n in _walk(body) if isinstance(n, cst.Call)}


def migratable(call: cst.Call) -> bool:
    """`K.gradients(loss, variables)`: exactly two positional arguments (2.2.4's signature)."""
    return len(call.args) == 2 and all(a.keyword is None and not a.star for a in call.args)
