"""Models built on TF1 tensors (2.2.4's tf.data idiom): reported for a hand migration.

keras/examples/mnist_dataset_api.py builds its model on a one-shot iterator's tensors:
`iterator = dataset.make_one_shot_iterator()`, `Input(tensor=inputs)` (2.2.4
engine/input_layer.py: the layer wraps an existing tensor) and `compile(target_tensors=[targets])`
(engine/training.py: the targets are fed from that tensor), then `fit(epochs=, steps_per_epoch=)`
with no data.  TF 2 datasets have no make_one_shot_iterator, Keras 3's Input takes only a
KerasTensor as `tensor=` (layers/core/input_layer.py raises "Argument `input_tensor` must be a
KerasTensor") and its compile has no `target_tensors=`: the Keras 3 form is `Input(shape=...)` and `fit(dataset, ...)` with
a dataset yielding (inputs, targets).  Rewriting it means following the data from the iterator to
fit(); each construct is reported at its line with that form instead.

Where the data flow is plain it is migrated instead: module-level straight-line statements
`IT = DS.make_one_shot_iterator()` (DS bound only before it), `A, B = IT.get_next()` (each name
bound once), one `Input(tensor=A)` (no shape given), `M.compile(..., target_tensors=[B])` and only
data-less `M.fit(...)` calls.  Then `make_one_shot_iterator()` -> `iter(DS)` (a TF 2 iterator keeps
`get_next()`, so A and B stay bound, now to one eager batch); `Input(tensor=A)` ->
`Input(batch_shape=tuple(DS.element_spec[0].shape))`: 2.2.4's InputLayer took K.int_shape(A)
(engine/input_layer.py), the iterator's static shape, which is the dataset's element_spec (batch
axis None unless `batch(drop_remainder=True)`), not the eager batch's concrete shape;
`target_tensors=` is dropped and `M.fit(...)` -> `M.fit(DS, ...)`: the dataset yields the same
(A, B) pairs the iterator did, A fed to the model's one input and B to its one output's loss.

In a script with no iterator and no `target_tensors=` (the tensor is not data to train on),
`Input(tensor=T)` -> `keras224_tensor_input(tensor=T)`, a helper with 2.2.4's Input signature
defined in the script.  neural_doodle builds a mask model on `Input(tensor=K.concatenate([style_mask,
target_mask]))`, two constants: 2.2.4's InputLayer (engine/input_layer.py) wraps T, so the model's
input is T itself and the TF1 graph computes it wherever the model's outputs are fetched (the mask
features in the loss of K.gradients and K.function).  The helper returns a keras.Input of 2.2.4's
shape (`batch_shape`, `(None,) + shape`, else T's static shape) and keeps the pair (input, T) in
`keras224_tensor_input.bound`; the migrated K.gradients and K.function helpers are passed those
pairs and feed T's value to the input.  T a Keras tensor: `keras.Input(tensor=T)`, which wraps T
as 2.2.4 did (the model starts at T and has an InputLayer first, as in 2.2.4).  Limitation: 2.2.4's
TF1 graph still connected T to what it was computed from, so K.gradients with respect to a
placeholder behind T worked; in Keras 3 the wrapped T is a new root and the migrated K.gradients
raises Keras' "disconnected graph" error there.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.helpers import names as helper_names
from kfn_gen.migrate.rule import Rule, calls

INPUT = "keras.engine.input_layer.Input"
ITERATOR = ("make_one_shot_iterator", "make_initializable_iterator")

HELPER = '''def {name}(shape=None, batch_shape=None, name=None, dtype=None, sparse=False, tensor=None):
    """Keras 2.2.4's Input(tensor=t).  A Keras tensor t is wrapped as 2.2.4 did.  Any other tensor (a
    constant) becomes a keras.Input of 2.2.4's shape bound to t: the pair goes to {name}.bound,
    which the migrated K.function / K.gradients helpers feed, as 2.2.4's graph computed t."""
    if isinstance(tensor, keras.KerasTensor):
        return keras.layers.InputLayer(input_tensor=tensor, name=name).output  # = keras.Input(tensor=tensor)
    value = keras.ops.convert_to_tensor(tensor, dtype=dtype)
    if batch_shape is None:
        batch_shape = (None,) + tuple(shape) if shape is not None else tuple(value.shape)
    x = keras.Input(batch_shape=batch_shape, dtype=keras.backend.standardize_dtype(value.dtype), sparse=sparse,
                    name=name)
    {name}.bound.append((x, tensor))
    return x


{name}.bound = []'''


class TensorInputs(Rule):
    code = "KFN019"
    name = "tensor-inputs"
    description = "make_one_shot_iterator / Input(tensor=) / compile(target_tensors=): reported with the Keras 3 form"

    def run(self, ctx: Context) -> None:
        done = self.migrate_plain(ctx) or self.migrate_constants(ctx)
        for call, ident in calls(ctx):
            if call in done:
                continue
            method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
            if ident is None and method in ITERATOR:
                ctx.warn(call, f"{method}() is gone from TF 2 datasets (Keras 3 models are not built on an iterator's "
                               "tensors): pass the tf.data.Dataset itself to fit(), e.g. fit(dataset, epochs=..., "
                               "steps_per_epoch=...); hand migration needed")
            elif ident == INPUT and A.kwarg(call, "tensor") is not None:
                ctx.warn(call, "Input(tensor=...): Keras 3's Input takes only a KerasTensor there, not a data tensor: "
                               "use Input(shape=...) with the tensor's shape without the batch axis, and feed the data "
                               "to fit(); hand migration needed")
            elif ident is None and method == "compile" and A.kwarg(call, "target_tensors") is not None:
                ctx.warn(call, "compile(target_tensors=...): Keras 3's compile has no target_tensors: the targets go to "
                               "fit() (a dataset yielding (inputs, targets)); hand migration needed")

    # ----- Input(tensor=constant) -----
    def migrate_constants(self, ctx: Context) -> set:
        """Input(tensor=T) -> keras224_tensor_input(tensor=T) in a script with no iterator and no
        target_tensors (see the module docstring); the calls handled."""
        found = list(calls(ctx))
        for call, ident in found:
            method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
            if ident is None and (method in ITERATOR or method == "get_next" or method == "compile"
                                  and A.kwarg(call, "target_tensors") is not None):
                return set()
        done = set()
        for call, ident in found:
            if ident != INPUT or A.kwarg(call, "tensor") is None or any(a.star for a in call.args):
                continue
            name = ctx.define(helper_names.TENSOR_INPUT, HELPER, call)
            ctx.edit(call, lambda c, n=name: c.with_changes(func=cst.Name(n)),
                     f"Input(tensor=...) -> {name}: a keras.Input bound to the tensor, fed its value by the migrated "
                     "K.function / K.gradients, as 2.2.4's graph computed it (a Keras tensor is wrapped as before)")
            done.add(call)
        return done

    # ----- the plain data flow, migrated -----
    def migrate_plain(self, ctx: Context) -> set:
        """Migrate the idiom when its data flow is plain (see the module docstring); the calls handled."""
        plan = _plain(ctx)
        if plan is None:
            return set()
        ds, it_call, input_call, index, compile_call, fits = plan
        ctx.replace_code(it_call, f"iter({ds})",
                         f"{ds}.make_one_shot_iterator() -> iter({ds}) (TF 2 datasets have no make_one_shot_iterator; "
                         "its get_next() still binds the names, now to one eager batch)")
        shape = f"tuple({ds}.element_spec[{index}].shape)"
        ctx.edit(input_call, lambda c, v=shape: A.set_kwarg_value(A.rename_kwarg(c, "tensor", "batch_shape"),
                                                                  "batch_shape", v),
                 f"Input(tensor=...) -> Input(batch_shape={shape}) (2.2.4 took the iterator tensor's static shape, "
                 f"the dataset's element_spec; the data now goes to fit({ds}, ...))")
        ctx.edit(compile_call, lambda c: A.remove_kwargs(c, {"target_tensors"}),
                 f"compile: target_tensors= dropped (Keras 3 has none): fit({ds}, ...) feeds the same targets")
        for fit in fits:
            ctx.edit(fit, lambda c, d=ds: _prepend_arg(c, d),
                     f"fit() without data -> fit({ds}, ...) (2.2.4 trained on the iterator's tensors; the dataset "
                     "yields the same (inputs, targets) pairs)")
        return {it_call, input_call, compile_call, *fits}


def _prepend_arg(call: cst.Call, code: str) -> cst.Call:
    new = cst.Arg(value=cst.parse_expression(code),
                  comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if call.args else cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=[new, *call.args])


def _top_assign(stmt):
    """`target = value` alone on a module-level line: (target, value), else None."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Assign) \
            and len(stmt.body[0].targets) == 1:
        return stmt.body[0].targets[0].target, stmt.body[0].value
    return None


def _method_call(node, method: str):
    """`NAME.method()` with no arguments: NAME's string, else None."""
    if isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute) \
            and node.func.attr.value == method and isinstance(node.func.value, cst.Name):
        return node.func.value.value
    return None


def _plain(ctx: Context):
    """(dataset, iterator call, Input call, element index, compile call, fit calls) when plain, else None."""
    from kfn_gen.frontend.tree import walk
    body = ctx.src.module.body
    top = {}  # node -> index of the module-level simple statement holding it
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine):
            for node in walk(stmt):
                top[node] = i
    iters = [(i, t, v) for i, s in enumerate(body) if (tv := _top_assign(s)) is not None
             for t, v in [tv] if isinstance(t, cst.Name) and _method_call(v, "make_one_shot_iterator")]
    if len(iters) != 1:
        return None
    it_i, it_name, it_call = iters[0]
    ds = _method_call(it_call, "make_one_shot_iterator")
    nexts = [(i, t) for i, s in enumerate(body) if (tv := _top_assign(s)) is not None
             for t, v in [tv] if _method_call(v, "get_next") == it_name.value]
    if len(nexts) != 1 or not isinstance(nexts[0][1], (cst.Tuple, cst.List)):
        return None
    next_i, target = nexts[0]
    names = [e.value for e in target.elements]
    if next_i < it_i or len(names) != 2 or not all(isinstance(n, cst.Name) for n in names):
        return None
    x_name, y_name = (n.value for n in names)
    scope = ctx.src.scopes.get(it_name)
    if scope is None or x_name == y_name:
        return None
    # each name bound once (there), the dataset only by module-level lines before the iterator
    for name, node in ((it_name.value, it_name), (x_name, names[0]), (y_name, names[1])):
        if [a.node for a in scope.assignments[name]] != [node]:
            return None
    if not scope.assignments[ds] or any(top.get(a.node, len(body)) >= it_i or not isinstance(a.node, cst.Name)
                                        for a in scope.assignments[ds]):
        return None
    inputs, compiles, fits, model = [], [], [], None
    for call, ident in calls(ctx):
        if ident == INPUT and A.kwarg(call, "tensor") is not None:
            inputs.append(call)
        elif ident is None and isinstance(call.func, cst.Attribute) and call.func.attr.value == "compile" \
                and A.kwarg(call, "target_tensors") is not None:
            compiles.append(call)
    if len(inputs) != 1 or len(compiles) != 1:
        return None
    inp, comp = inputs[0], compiles[0]
    tensor = A.kwarg(inp, "tensor").value
    if not (isinstance(tensor, cst.Name) and tensor.value == x_name) or A.positional(inp) \
            or any(A.kwarg(inp, k) is not None for k in ("shape", "batch_shape")) or top.get(inp, -1) <= next_i:
        return None
    targets = A.kwarg(comp, "target_tensors").value
    if isinstance(targets, (cst.List, cst.Tuple)):
        if len(targets.elements) != 1:
            return None
        targets = targets.elements[0].value
    if not (isinstance(targets, cst.Name) and targets.value == y_name) or not isinstance(comp.func.value, cst.Name) \
            or top.get(comp, -1) <= top[inp]:
        return None
    model = comp.func.value.value
    if len(scope.assignments[model]) != 1 or top.get(next(iter(scope.assignments[model])).node, len(body)) >= top[comp]:
        return None
    for call, ident in calls(ctx):
        if ident is None and isinstance(call.func, cst.Attribute) and call.func.attr.value == "fit" \
                and isinstance(call.func.value, cst.Name) and call.func.value.value == model:
            if A.positional(call) or A.kwarg(call, "x") is not None or A.kwarg(call, "y") is not None \
                    or any(a.star for a in call.args) or top.get(call, -1) <= top[comp]:
                return None
            fits.append(call)
    if not fits:
        return None
    return ds, it_call, inp, 0, comp, fits
