"""`layer.trainable = ...` after a model was compiled: that model keeps training what it trained at compile.

2.2.4 fixed at compile() which weights a model trains: Model.compile stored
`self._collected_trainable_weights = trainable_weights` (engine/training.py:473) and the train
function updates those (training.py:508, `_make_train_function`); a later `trainable = False`
changes only models compiled after it (2.2.4 warns "Discrepancy between trainable weights and
collected trainable weights" and trains the collected ones).  GANs rely on it: mnist_acgan
compiles the discriminator, sets `discriminator.trainable = False`, compiles the combined model,
then trains both; the discriminator's own train_on_batch still updates its weights.

Keras 3 takes the trainable weights when a model first trains after compile() (the TensorFlow
trainer's train_step reads `self.trainable_weights` when traced, trainers/trainer.py documents
"changes will not take effect ... unless compile() is called again"; JAX reads them at every step).
The discriminator first trains after `trainable = False`: Keras 3 never updates it.

The migrated script calls a helper right after such a compile: the model's fit/train_on_batch run
with the trainable flags (of the model, its layers, nested models and variables) it had at that
compile, and put back the current flags afterwards.  The helper is added after every compile that a
`.trainable =` assignment may follow (later in the file, or inside a function); where the flags did
not change it changes nothing.
"""
from __future__ import annotations

import libcst as cst
import libcst.metadata as md

from kfn_gen.ir.values import LayerVal
from kfn_gen.frontend.tree import parents as tree_parents, walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule

HELPER = "keras224_train_as_compiled"
PRELUDE = '''def {name}(model):
    """Keras 2.2.4 fixed at compile() which weights a model trains; Keras 3 takes them when the
    model first trains.  A later `layer.trainable = ...` (a GAN freezing its discriminator for the
    combined model) must not change what this model trains: its fit/train_on_batch run with the
    trainable flags it had when compiled (as of this call)."""
    import functools

    def flags():
        layers, stack = [], [model]
        while stack:  # parents before children: setting `trainable` propagates downwards
            layer = stack.pop()
            layers.append((layer, layer.trainable))
            stack.extend(reversed(getattr(layer, "layers", [])))
        return layers, [(v, v.trainable) for v in model.weights]

    def restore(state):
        layers, variables = state
        for layer, flag in layers:
            layer.trainable = flag
        for v, flag in variables:
            v.trainable = flag

    compiled = flags()
    for method_name in ("fit", "train_on_batch"):
        method = getattr(model, method_name)
        method = getattr(method, "keras224_untouched", method)  # compiled again: wrap the original

        @functools.wraps(method)
        def train(*args, _method=method, **kwargs):
            now = flags()
            restore(compiled)
            try:
                return _method(*args, **kwargs)
            finally:
                restore(now)

        train.keras224_untouched = method
        setattr(model, method_name, train)
    return model'''
COMPILE_ARGS = {"optimizer", "loss", "metrics", "loss_weights"}


class TrainableAtCompile(Rule):
    code = "KFN025"
    name = "trainable-at-compile"
    description = "`x.trainable = ...` after compile(): the compiled model trains with its compile-time flags"
    numeric = True

    def run(self, ctx: Context) -> None:
        parents = tree_parents(ctx.src.module)
        sets = [n for n in walk(ctx.src.module) if isinstance(n, cst.Assign)
                and any(isinstance(t.target, cst.Attribute) and t.target.attr.value == "trainable" for t in n.targets)
                and not _in_helper(parents, n)]
        if not sets:
            return
        in_function = any(_inside_function(parents, s) for s in sets)
        last_set = max(ctx.src.pos(s) for s in sets)
        for node in walk(ctx.src.module):
            if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                    and node.func.attr.value == "compile" and self._is_model_compile(ctx, node)):
                continue
            if not (in_function or last_set > ctx.src.pos(node)):
                continue
            stmt = parents.get(parents.get(node))
            receiver = A.code(ctx.src.module, node.func.value)
            if not (isinstance(parents.get(node), cst.Expr) and isinstance(stmt, cst.SimpleStatementLine)
                    and len(stmt.body) == 1):
                ctx.warn(node, f"{receiver}.compile(): `trainable` is set later in this script; 2.2.4 kept "
                               "training what was trainable at compile(), Keras 3 reads `trainable` when the model "
                               "first trains: call the model's training with the compile-time flags")
                continue
            if _already(parents, stmt):
                continue
            name = ctx.define(HELPER, PRELUDE, node)
            ctx.edit(stmt, lambda s, n=name, r=receiver: cst.FlattenSentinel(
                [s, cst.parse_statement(f"{n}({r})\n")]),
                f"{receiver}.compile(): {name}({receiver}) added: `trainable` is set later; 2.2.4 kept training "
                "the weights trainable at compile(), Keras 3 reads `trainable` when the model first trains")

    def _is_model_compile(self, ctx: Context, call: cst.Call) -> bool:
        receiver = call.func.value
        if not isinstance(receiver, (cst.Name, cst.Attribute)) or ctx.src.identity(call.func) is not None:
            return False
        root = receiver
        while isinstance(root, cst.Attribute):
            root = root.value
        if any(q.source == md.QualifiedNameSource.IMPORT for q in ctx.src.qualnames.get(root, ())):
            return False  # re.compile(...), a module's compile
        value = ctx.facts.values.get(receiver)
        if isinstance(value, LayerVal):
            return value.layer.is_model
        # positional arguments too: compile-metrics gives them their keywords, and a second run must see the
        # same call as a model's compile (idempotence; found on segmentation-models' recompile(model))
        return any(a.keyword is None or a.keyword.value in COMPILE_ARGS for a in call.args)


def _inside_function(parents: dict, node) -> bool:
    while node is not None:
        node = parents.get(node)
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            return True
    return False


def _in_helper(parents: dict, node) -> bool:
    """Inside the helper this rule defines (a migrated script migrated again)."""
    while node is not None:
        node = parents.get(node)
        if isinstance(node, cst.FunctionDef) and node.name.value.startswith(HELPER):
            return True
    return False


def _already(parents: dict, stmt) -> bool:
    """The statement after the compile already calls the helper (a migrated script migrated again)."""
    block = parents.get(stmt)
    body = list(getattr(block, "body", ()))
    if stmt not in body or body.index(stmt) + 1 >= len(body):
        return False
    nxt = body[body.index(stmt) + 1]
    if not isinstance(nxt, cst.SimpleStatementLine) or len(nxt.body) != 1 or not isinstance(nxt.body[0], cst.Expr):
        return False
    call = nxt.body[0].value
    return isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value.startswith(HELPER)
