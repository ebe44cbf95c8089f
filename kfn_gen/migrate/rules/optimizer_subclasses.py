"""A custom optimizer written against 2.2.4's API (`class Padam(Optimizer)` with `get_updates(loss, params)`)
-> a warning at the class: Keras 3 keeps the name keras.optimizers.Optimizer, so the import resolves, but its
optimizers implement `update_step(gradient, variable, learning_rate)`, never call `get_updates`, and raise
NotImplementedError at the first training step.  2018-2019 optimizer packages (keras-radam, keras-adabound,
Padam, AdamW copies) are written this way.  Carrying 2.2.4's update rule over as a helper is not done yet;
until then the migration must not stay silent about it.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule

OPTIMIZER = "keras.optimizers.Optimizer"


class OptimizerSubclasses(Rule):
    code = "KFN038"
    name = "optimizer-subclasses"
    description = "a 2.2.4 custom optimizer (an Optimizer subclass with get_updates) reported: Keras 3 never calls it"

    def run(self, ctx: Context) -> None:
        if "get_updates" not in ctx.src.text:
            return
        for cls in walk(ctx.src.module):
            if not isinstance(cls, cst.ClassDef) or not any(ctx.src.identity(b.value) == OPTIMIZER for b in cls.bases):
                continue
            methods = [f.name.value for f in cls.body.body if isinstance(f, cst.FunctionDef)]
            if "get_updates" in methods and "update_step" not in methods:
                ctx.warn(cls.name, f"{cls.name.value}: a Keras 2.2.4 optimizer (it defines get_updates(loss, "
                                   "params)); Keras 3's Optimizer never calls get_updates and raises "
                                   "NotImplementedError at the first training step: port its update rule to "
                                   "update_step(gradient, variable, learning_rate) and build(variables) by hand")
