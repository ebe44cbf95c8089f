"""TF1 graph-building idioms that Keras 3 expresses with plain tensors: constant K.variables, the
fixed test-mode learning phase.

* `name = K.variable(value)` used only to start a symbolic computation (deep_dream's and
  neural_style_transfer's `loss = K.variable(0.)` then `loss += coeff * K.sum(...)` over layer
  outputs).  2.2.4's K.variable (keras/backend/tensorflow_backend.py) is
  `tf.Variable(value, dtype=floatx())`; `loss += t` is `Variable.__add__`: a new tensor reading the
  variable, so while the variable is never assigned its value is a constant.  Keras 3's
  `keras.Variable + KerasTensor` raises ("A KerasTensor cannot be used as input to a TensorFlow
  function"), a tensor from `keras.ops.convert_to_tensor(value, dtype=floatx)` folds into the
  symbolic graph (`tensor + KerasTensor` is a KerasTensor, the constant captured by the model).
  Rewritten only when every other occurrence of the name is a rebinding, an augmented assignment
  target, an arithmetic operand, an argument of a pure backend op / K.gradients / K.function, or an
  element of a list or tuple that is assigned or passed to one of those; anything that could assign
  or train the variable (K.set_value, K.update, `.assign`, an optimizer's params, an attribute, an
  unknown call) keeps backend-breadth's warning.  `constraint=` (applied after optimizer updates)
  is left alone too.
* `K.set_learning_phase(0)` as a top-level statement of a script that never trains (no fit /
  fit_generator / train_on_batch call): 2.2.4 fixed the graph's learning phase to 0 (test mode);
  Keras 3 calls layers and models in inference unless `training=True` is passed, so the statement
  is removed.  In a training script 2.2.4 also froze Dropout/BatchNormalization in layers built
  afterwards during fit, so the warning stays; `K.set_learning_phase(1)` gets a warning saying what
  to do by hand.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import parents as frontend_parents
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls
from kfn_gen.migrate.tables.backend import BACKEND_OPS, BACKEND_TEMPLATES

VARIABLE = "keras.backend.tensorflow_backend.variable"
SET_LEARNING_PHASE = "keras.backend.tensorflow_backend.set_learning_phase"
_BACKEND = "keras.backend.tensorflow_backend."
_PURE = (set(BACKEND_OPS) | set(BACKEND_TEMPLATES) | {"gradients", "function"}) - {"update", "update_add",
                                                                                    "update_sub"}
_TRAINING = {"fit", "fit_generator", "train_on_batch"}


class GraphConstants(Rule):
    code = "KFN018"
    name = "graph-constants"
    description = "constant K.variable(value) -> keras.ops.convert_to_tensor; top-level K.set_learning_phase(0) removed"

    def run(self, ctx: Context) -> None:
        handled: list[cst.Call] = []
        parents = frontend_parents(ctx.src.module)
        top = set(ctx.src.module.body)
        trains = any(isinstance(c.func, cst.Attribute) and c.func.attr.value in _TRAINING for c, _ in calls(ctx))
        for call, ident in calls(ctx):
            if ident == VARIABLE:
                if self._variable(ctx, call, parents):
                    handled.append(call)
            elif ident == SET_LEARNING_PHASE:
                if self._phase(ctx, call, parents, top, trains):
                    handled.append(call)
        for c in handled:  # their "migrate by hand" warnings are moot for the calls this rule migrates
            ctx.supersede(c, ("backend-breadth", "backend-ops"))

    # ----- K.variable -----
    def _variable(self, ctx: Context, call: cst.Call, parents: dict) -> bool:
        bound = _bind(call, ("value", "dtype", "name", "constraint"))
        if bound is None or "value" not in bound or "constraint" in bound:
            return False
        assign = parents.get(call)
        if not (isinstance(assign, cst.Assign) and assign.value is call and len(assign.targets) == 1
                and isinstance(assign.targets[0].target, cst.Name)):
            return False
        name = assign.targets[0].target.value
        reads = ctx.src.references(assign.targets[0].target)
        if reads is None or not all(_harmless(ctx, node, parents) for node in reads):
            return False
        floatx = ctx.keras("keras.backend.floatx", call)
        target = ctx.keras("keras.ops.convert_to_tensor", call)
        dtype = bound.get("dtype")

        def edit(c: cst.Call) -> cst.Call:
            now = _bind(c, ("value", "dtype", "name", "constraint"))
            value = now["value"].value
            dt = now["dtype"].value if "dtype" in now else cst.parse_expression(f"{floatx}()")
            return c.with_changes(func=cst.parse_expression(target), args=[
                cst.Arg(value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                cst.Arg(dt, keyword=cst.Name("dtype"), equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))])

        ctx.edit(call, edit, f"K.variable -> {target}(value, dtype={'dtype' if dtype else floatx + '()'}): "
                             f"`{name}` is never assigned or trained, so 2.2.4's variable was a constant (a Keras 3 "
                             f"Variable cannot be combined with Keras tensors)")
        return True

    # ----- K.set_learning_phase -----
    def _phase(self, ctx: Context, call: cst.Call, parents: dict, top: set, trains: bool) -> bool:
        pos = A.positional(call)
        value = pos[0].value if len(pos) == 1 and len(call.args) == 1 else None
        literal = value.value if isinstance(value, (cst.Integer, cst.Name)) else None
        expr = parents.get(call)
        stmt = parents.get(expr)
        if literal in ("1", "True"):
            ctx.warn(call, "K.set_learning_phase(1) fixed 2.2.4's layers built afterwards in training mode (Dropout "
                           "active, BatchNormalization on batch statistics) even in predict and K.function: "
                           "Keras 3 has no global phase; pass `training=True` to those layer/model calls by hand")
            return True
        if literal not in ("0", "False") or not isinstance(expr, cst.Expr) or stmt not in top \
                or len(stmt.body) != 1:
            return False
        if trains:
            ctx.warn(call, "K.set_learning_phase(0) in a script that trains: 2.2.4 also kept Dropout/"
                           "BatchNormalization of the layers built afterwards in test mode during fit; Keras 3 "
                           "trains with training=True: freeze those layers (or pass training=False) by hand")
            return True
        ctx.edit(stmt, lambda s: cst.RemovalSentinel.REMOVE,
                 "K.set_learning_phase(0) removed: the script never trains and Keras 3 calls layers and models "
                 "in inference mode (training=False) unless told otherwise, 2.2.4's test phase")
        return True


def _bind(call: cst.Call, params) -> dict | None:
    bound = {}
    for i, a in enumerate(call.args):
        if a.star:
            return None
        key = params[i] if a.keyword is None and i < len(params) else (a.keyword.value if a.keyword else None)
        if key not in params or key in bound:
            return None
        bound[key] = a
    return bound


def _harmless(ctx: Context, node: cst.CSTNode, parents: dict, depth: int = 2) -> bool:
    """Whether this occurrence of the variable's name (or a value that may be the variable) cannot
    assign or train it.  `depth` bounds how far the value is followed: returned from a module-level
    function whose every call is itself harmless (neural_doodle's style_loss starts its own
    `loss = K.variable(0)`, adds tensors and returns it), or assigned to a name whose every read is."""
    parent = parents.get(node)
    if isinstance(parent, cst.Return) and parent.value is node:
        return depth > 0 and _harmless_function_result(ctx, node, parents, depth - 1)
    if isinstance(parent, cst.Assign) and parent.value is node and isinstance(node, cst.Call):
        if depth == 0 or len(parent.targets) != 1 or not isinstance(parent.targets[0].target, cst.Name):
            return False
        reads = ctx.src.references(parent.targets[0].target)
        return reads is not None and all(_harmless(ctx, r, parents, depth - 1) for r in reads)
    if isinstance(parent, cst.Attribute) and parent.attr is node or isinstance(parent, cst.Arg) and \
            parent.keyword is node or isinstance(parent, (cst.Param, cst.FunctionDef, cst.ClassDef)) and \
            parent.name is node:
        return True                                             # `obj.loss`, `f(loss=...)`, `def loss(self)`
    if isinstance(parent, cst.AssignTarget) and parent.target is node:
        return True                                             # the definition or a rebinding
    if isinstance(parent, cst.AugAssign):
        return True                                             # `loss += t`, `total += loss`: a new tensor
    if isinstance(parent, (cst.BinaryOperation, cst.UnaryOperation)):
        return True
    if isinstance(parent, cst.Element):
        seq = parents.get(parent)
        outer = parents.get(seq)
        while isinstance(outer, cst.BinaryOperation) and isinstance(outer.operator, cst.Add):
            seq, outer = outer, parents.get(outer)                 # `[loss] + grads`: still that list
        if isinstance(outer, cst.Assign) and outer.value is seq:
            return True
        return _pure_argument(ctx, outer, parents)
    return _pure_argument(ctx, parent, parents)


def _harmless_function_result(ctx: Context, node: cst.CSTNode, parents: dict, depth: int) -> bool:
    """Whether `return node` is in a module-level function whose every use is a harmless call."""
    func = parents.get(node)
    while func is not None and not isinstance(func, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        func = parents.get(func)
    if not isinstance(func, cst.FunctionDef) or parents.get(func) is not ctx.src.module:
        return False
    uses = ctx.src.references(func.name)
    if not uses:
        return False
    for use in uses:
        call = parents.get(use)
        if not (isinstance(call, cst.Call) and call.func is use and _harmless(ctx, call, parents, depth)):
            return False
    return True


def _pure_argument(ctx: Context, arg, parents: dict) -> bool:
    if not isinstance(arg, cst.Arg):
        return False
    call = parents.get(arg)
    ident = ctx.src.identity(call.func) if isinstance(call, cst.Call) else None
    return bool(ident and ident.startswith(_BACKEND) and ident[len(_BACKEND):] in _PURE)
