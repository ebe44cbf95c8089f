"""`K.function(inputs, outputs)` over Keras tensors -> a helper the migrated script defines.

Keras 2.2.4's `K.function` (keras/backend/tensorflow_backend.py, `Function`) fed a list of arrays
to the graph's placeholders and returned the fetched outputs: `inputs` and `outputs` must be lists
or tuples (TypeError otherwise), the call takes a list or tuple of values (TypeError otherwise),
each value is converted with `np.asarray(value, dtype=placeholder dtype)`, values are zipped with
the inputs (extras ignored), and a list of numpy arrays comes back, one per output, computed on
the whole batch at once.  `K.learning_phase()` among the inputs is fed 0 or 1 (the Dropout/
BatchNormalization training flag; left out, it is 0).

Keras 3 has no `K.function`.  When the outputs are Keras tensors of the functional graph, the
faithful equivalent is a `keras.Model(inputs, outputs)` built once and called on the arrays with
`training=` the learning-phase value, statelessly (`stateless_call`: 2.2.4's function ran no
updates, so BatchNormalization's moving statistics must not move in training mode), in a
tf.function on the TensorFlow backend (graph speed, as 2.2.4's session; a gradient-ascent loop
over VGG16 ran ~3x slower eagerly): the script gets `keras224_function(inputs, outputs,
learning_phase=i)` (i: the position of `K.learning_phase()` in 2.2.4's input list, which is
dropped from the Keras 3 inputs), defined in the script itself.

Gradients from `K.gradients(loss, variables)` are Keras tensors once migrate/rules/gradients.py has made
them `keras224_gradients(...)` calls, so outputs built from them are migrated like any other.
Left as a warning (backend-breadth's message): outputs that involve other gradients (`K.gradients`
with keywords or `*args`, `optimizer.get_gradients`: they need tf.GradientTape by hand) or a compiled model's training
tensors (`total_loss`, `targets`, `sample_weights`), `updates=` or session arguments, and a
learning phase that is not an element of a literal input list (or `... + [K.learning_phase()]`).
Names are followed through the module's assignments (`grads = K.gradients(...)`; `outputs =
[loss] + grads`) to find gradients.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.helpers import names as helper_names
from kfn_gen.migrate.rule import Rule, calls
from kfn_gen.migrate.helpers.gradients import GRADIENTS, migratable

FUNCTION = "keras.backend.tensorflow_backend.function"
LEARNING_PHASE = "keras.backend.tensorflow_backend.learning_phase"
GRADIENT_CALLS = {"gradients", "get_gradients"}
TRAINING_TENSORS = {"total_loss", "targets", "sample_weights", "_feed_inputs", "_feed_targets",
                    "_feed_sample_weights", "updates", "get_updates"}

HELPER = '''def {name}(inputs, outputs, learning_phase=None, bound=()):
    """Keras 2.2.4's K.function(inputs, outputs) for Keras tensors: a keras.Model built once; called
    with a list of arrays it returns the list of outputs as numpy arrays, updating no state.
    `learning_phase` is the position of K.learning_phase() in 2.2.4's input list: its value (0/1)
    is the training flag.  `bound`: (keras.Input, value) pairs of 2.2.4's Input(tensor=constant)
    (keras224_tensor_input), fed their values as 2.2.4's graph did."""
    import numpy as np

    if not isinstance(inputs, (list, tuple)):
        raise TypeError("`inputs` to a TensorFlow backend function should be a list or tuple.")
    if not isinstance(outputs, (list, tuple)):
        raise TypeError("`outputs` of a TensorFlow backend function should be a list or tuple.")
    inputs, outputs = list(inputs), list(outputs)
    bound = [(x, v) for x, v in bound if all(x is not i for i in inputs)]
    model = keras.Model(inputs + [x for x, _ in bound], outputs)
    compiled = {{}}

    def run(training):
        # on TensorFlow one graph per training flag, as 2.2.4 ran a graph (eager is several times slower)
        if training not in compiled:
            def call(trainable, non_trainable, xs):
                return model.stateless_call(trainable, non_trainable, xs, training=training)[0]
            if keras.backend.backend() == "tensorflow":
                import tensorflow as tf
                call = tf.function(call, reduce_retracing=True)
            compiled[training] = call
        return compiled[training]

    def function(values):
        if not isinstance(values, (list, tuple)):
            raise TypeError("`inputs` should be a list or tuple.")
        values = list(values)
        training = False
        if learning_phase is not None:
            training = bool(values.pop(learning_phase if learning_phase >= 0 else len(values) + learning_phase))
        xs = [np.asarray(v, dtype=t.dtype) for t, v in zip(inputs, values)]
        xs += [keras.ops.convert_to_tensor(v, dtype=x.dtype) for x, v in bound]
        # stateless: 2.2.4's K.function ran no updates (BatchNormalization's moving statistics stay)
        out = run(training)([v.value for v in model.trainable_variables],
                            [v.value for v in model.non_trainable_variables], xs)
        return [keras.ops.convert_to_numpy(o) for o in (out if isinstance(out, (list, tuple)) else [out])]

    return function'''


class BackendFunction(Rule):
    code = "KFN021"
    name = "backend-function"
    description = "K.function(inputs, outputs) over Keras tensors -> a keras.Model-backed helper (2.2.4 semantics)"

    def run(self, ctx: Context) -> None:
        functions = [call for call, ident in calls(ctx) if ident == FUNCTION]
        if not functions:
            return
        # K.gradients calls that migrate/rules/gradients.py turns into Keras tensors do not taint
        helped = {c for c, ident in calls(ctx) if ident == GRADIENTS and migratable(c)}
        tainted = _tainted_names(ctx.src.module, helped)
        migrated: list[cst.CSTNode] = []
        for call in functions:
            plan = _plan(ctx, call, tainted)
            if plan is None:
                continue
            inputs_arg, outputs_arg, new_inputs, lp_index, lp_calls = plan
            name = ctx.define(helper_names.FUNCTION, HELPER, call)
            what = "" if lp_index is None else f"; K.learning_phase() (position {lp_index}) -> training flag"
            # built from the updated call: edits inside the arguments (K.mean -> keras.ops.mean) compose
            ii, oi = call.args.index(inputs_arg), call.args.index(outputs_arg)

            def edit(c, name=name, new_inputs=new_inputs, lp_index=lp_index, ii=ii, oi=oi):
                bound = ctx.defined(helper_names.TENSOR_INPUT)  # edits run once every rule has: tensor-inputs too
                ins = new_inputs if lp_index is not None else cst.Module(body=[]).code_for_node(c.args[ii].value)
                text = f"{name}({ins}, {cst.Module(body=[]).code_for_node(c.args[oi].value)}"
                if lp_index is not None:
                    text += f", learning_phase={lp_index}"
                if bound:
                    text += f", bound={bound}.bound"
                new = cst.parse_expression(text + ")")
                return new.with_changes(lpar=c.lpar, rpar=c.rpar)

            ctx.edit(call, edit, f"K.function -> {name}: keras.Model(inputs, outputs) called on the "
                                 f"arrays, list of numpy arrays back, as 2.2.4's K.function{what}")
            migrated.append(call)
            migrated.extend(lp_calls)
        if not migrated:
            return
        for c in migrated:  # their "migrate by hand" warnings are moot for the calls this rule migrates
            ctx.supersede(c, ("backend-breadth", "backend-ops"))


def _plan(ctx: Context, call: cst.Call, tainted: tuple):
    """(inputs arg, outputs arg, Keras 3 inputs code, learning-phase index, learning_phase calls) or None."""
    pos = A.positional(call)
    named = {a.keyword.value: a for a in call.args if a.keyword is not None}
    if any(a.star for a in call.args):
        return None
    if set(named) - {"inputs", "outputs", "name", "updates"} or len(pos) > 2:
        return None
    updates = named.get("updates")
    if updates is not None and not (isinstance(updates.value, cst.Name) and updates.value.value == "None") \
            and not (isinstance(updates.value, (cst.List, cst.Tuple)) and not updates.value.elements):
        return None
    inputs_arg = pos[0] if pos else named.get("inputs")
    outputs_arg = pos[1] if len(pos) > 1 else named.get("outputs")
    if inputs_arg is None or outputs_arg is None:
        return None
    gradients, phase, helped = tainted
    if _tainted(outputs_arg.value, gradients, helped) or _tainted(inputs_arg.value, gradients, helped):
        return None
    if any(isinstance(n, cst.Name) and n.value in phase for n in walk(inputs_arg.value)):
        return None  # a learning phase hidden in a variable: its position is unknown here
    mod = ctx.src.module
    value = inputs_arg.value
    lp = _learning_phase_calls(ctx, value)
    if not lp:
        return inputs_arg, outputs_arg, A.code(mod, value), None, []
    if isinstance(value, (cst.List, cst.Tuple)):
        hits = [i for i, e in enumerate(value.elements) if _is_lp(ctx, e.value)]
        if len(hits) != 1 or len(lp) != 1:
            return None
        rest = [A.code(mod, e.value) for i, e in enumerate(value.elements) if i != hits[0]]
        return inputs_arg, outputs_arg, "[" + ", ".join(rest) + "]", hits[0], lp
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add) \
            and isinstance(value.right, (cst.List, cst.Tuple)) and len(value.right.elements) == 1 \
            and _is_lp(ctx, value.right.elements[0].value) and len(lp) == 1:
        return inputs_arg, outputs_arg, f"list({A.code(mod, value.left)})", -1, lp
    return None


def _is_lp(ctx: Context, node) -> bool:
    return isinstance(node, cst.Call) and ctx.src.identity(node.func) == LEARNING_PHASE


def _learning_phase_calls(ctx: Context, node) -> list:
    return [n for n in walk(node) if _is_lp(ctx, n)]


def _call_name(call: cst.Call):
    func = call.func
    return func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)


class _Deps(cst.CSTVisitor):
    """One pass over the module: for each name, the names its assigned values (=, +=, .append/
    .extend/.insert arguments) refer to, and whether a value itself involves gradients or a
    compiled model's training tensors."""

    def __init__(self, helped: set):
        super().__init__()
        self.helped = helped  # K.gradients calls migrated to Keras tensors
        self.stack: list[list[str]] = []
        self.refs: dict[str, set] = {}
        self.direct: set = set()
        self.phase: set = set()  # names whose values call learning_phase()

    def _targets(self):
        return [t for level in self.stack for t in level]

    def visit_Assign(self, node):
        self.stack.append([n.value for t in node.targets for n in walk(t.target) if isinstance(n, cst.Name)])

    def leave_Assign(self, node):
        self.stack.pop()

    def visit_AugAssign(self, node):
        self.stack.append([node.target.value] if isinstance(node.target, cst.Name) else [])

    def leave_AugAssign(self, node):
        self.stack.pop()

    def visit_AnnAssign(self, node):
        self.stack.append([node.target.value] if isinstance(node.target, cst.Name) else [])

    def leave_AnnAssign(self, node):
        self.stack.pop()

    def visit_Call(self, node):
        if _call_name(node) in GRADIENT_CALLS and node not in self.helped:
            self.direct.update(self._targets())
        if _call_name(node) == "learning_phase":
            self.phase.update(self._targets())
        grows = isinstance(node.func, cst.Attribute) and node.func.attr.value in ("append", "extend", "insert") \
            and isinstance(node.func.value, cst.Name)
        self.stack.append([node.func.value.value] if grows else [])

    def leave_Call(self, node):
        self.stack.pop()

    def visit_Attribute(self, node):
        if node.attr.value in TRAINING_TENSORS:
            self.direct.update(self._targets())

    def visit_Name(self, node):
        for t in self._targets():
            self.refs.setdefault(t, set()).add(node.value)


def _tainted_names(module: cst.Module, helped: set) -> tuple[set, set, set]:
    """(names that involve gradients or training tensors, names that hold a learning_phase(), the
    migrated K.gradients calls, which do not count as gradients)."""
    deps = _Deps(helped)
    module.visit(deps)
    return _closure(deps.direct, deps.refs), _closure(deps.phase, deps.refs), helped


def _closure(seeds: set, refs: dict) -> set:
    out = set(seeds)
    changed = True
    while changed:
        changed = False
        for name, used in refs.items():
            if name not in out and used & out:
                out.add(name)
                changed = True
    return out


def _tainted(node, tainted: set, helped: set) -> bool:
    """Whether `node` involves gradients (other than the migrated K.gradients calls in `helped`) or
    a compiled model's training tensors (names followed)."""
    for n in walk(node):
        if isinstance(n, cst.Call) and _call_name(n) in GRADIENT_CALLS and n not in helped:
            return True
        if isinstance(n, cst.Attribute) and n.attr.value in TRAINING_TENSORS:
            return True
        if isinstance(n, cst.Name) and n.value in tainted:
            return True
    return False
