"""Optimizers: `lr=` -> `learning_rate=`, `decay=` -> the equivalent schedule, 2.2.4 defaults kept.

2.2.4 applied `decay` as lr / (1 + decay * iterations) (keras/optimizers.py); Keras 3 ignores
`decay` with a warning.  `InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)` is that formula.
2.2.4's `clipnorm` clipped by the global norm of all gradients: Keras 3 calls that `global_clipnorm`.
RMSprop and Adagrad place epsilon differently in Keras 3: with --defaults keras224 they become
classes the migrated script defines (migrate/helpers/optimizers.py).
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls, short
from kfn_gen.migrate.helpers.optimizers import CLASSES
from kfn_gen.migrate.tables.training import LR_224, LR_KERAS3, OPTIMIZER_ARGS, OPTIMIZER_STRINGS

EPSILON_NOTE = "Keras 3 computes lr*g/sqrt(a+eps), 2.2.4 lr*g/(sqrt(a)+eps): training steps differ"


class Optimizers(Rule):
    code = "KFN005"
    name = "optimizers"
    description = "optimizer arguments renamed, decay as a schedule, 2.2.4 learning-rate defaults"
    numeric = True

    def run(self, ctx: Context) -> None:
        for call, ident in calls(ctx):
            if ident is not None and short(ident) in OPTIMIZER_ARGS and ident.startswith("keras.optimizers."):
                self.constructor(ctx, call, short(ident))
            elif isinstance(call.func, cst.Attribute) and call.func.attr.value == "compile":
                self.compile_string(ctx, call)

    def constructor(self, ctx: Context, call: cst.Call, cls: str) -> None:
        names = OPTIMIZER_ARGS[cls]
        pos = A.positional(call)
        if pos:
            ctx.edit(call, lambda c: A.keywordize(c, names),
                     f"{cls}: positional arguments given their 2.2.4 keywords ({', '.join(names[:len(pos)])})")
        given = {a.keyword.value: a for a in call.args if a.keyword is not None}
        given.update({names[i]: a for i, a in enumerate(pos) if i < len(names)})
        mod = ctx.src.module
        lr = A.code(mod, given["lr"].value) if "lr" in given else None
        if "learning_rate" in given:  # already Keras 3 spelling (a second run): leave the rate alone
            lr = lr or A.code(mod, given["learning_rate"].value)
        decay = given.get("decay")
        if decay is not None and not _is_zero(decay.value):
            base = lr or repr(LR_224[cls])
            sched = ctx.keras("keras.optimizers.schedules.InverseTimeDecay", call)
            expr = f"{sched}({base}, decay_steps=1, decay_rate={A.code(mod, decay.value)})"

            def fn(c, expr=expr):
                c = A.remove_kwargs(c, {"decay"})
                if A.kwarg(c, "lr") is not None:
                    return A.set_kwarg_value(A.rename_kwarg(c, "lr", "learning_rate"), "learning_rate", expr)
                return A.add_kwarg(c, "learning_rate", expr)
            ctx.edit(call, fn, f"{cls}: decay={A.code(mod, decay.value)} -> learning_rate={expr} "
                               "(2.2.4: lr / (1 + decay * iterations); Keras 3 ignores decay=)")
        else:
            if decay is not None:
                ctx.edit(call, lambda c: A.remove_kwargs(c, {"decay"}), f"{cls}: decay=0 dropped")
            if "lr" in given:
                ctx.edit(call, lambda c: A.rename_kwarg(c, "lr", "learning_rate"), f"{cls}: lr= -> learning_rate=")
            elif "learning_rate" not in given and LR_224[cls] != LR_KERAS3[cls]:
                self.default_lr(ctx, call, cls)
        eps = given.get("epsilon")
        if eps is not None and isinstance(eps.value, cst.Name) and eps.value.value == "None":
            ctx.edit(call, lambda c: A.remove_kwargs(c, {"epsilon"}),
                     f"{cls}: epsilon=None dropped (2.2.4 read it as K.epsilon() = 1e-7, Keras 3's default)")
        if "schedule_decay" in given:
            ctx.warn(call, "Nadam(schedule_decay=) has no Keras 3 equivalent: the momentum schedule differs")
        if "clipnorm" in given:
            ctx.edit(call, lambda c: A.rename_kwarg(c, "clipnorm", "global_clipnorm"),
                     f"{cls}: clipnorm= -> global_clipnorm= (2.2.4 clipped by the global norm; Keras 3's "
                     "clipnorm clips each gradient)")
        if cls in CLASSES:
            if ctx.options.defaults == "keras224":
                name = self.exact_class(ctx, cls, call)
                ctx.edit(call, lambda c, n=name: c.with_changes(func=cst.parse_expression(n)),
                         f"{cls} -> {name}, defined in this script ({EPSILON_NOTE})")
            else:
                ctx.warn(call, f"{cls}: {EPSILON_NOTE}")

    def default_lr(self, ctx: Context, call: cst.Call, cls: str) -> None:
        if ctx.options.defaults == "keras224":
            ctx.edit(call, lambda c: A.add_kwarg(c, "learning_rate", repr(LR_224[cls])),
                     f"{cls}: learning_rate={LR_224[cls]!r} (2.2.4 default; Keras 3's is {LR_KERAS3[cls]!r})")
        else:
            ctx.warn(call, f"{cls}: default learning rate changes from {LR_224[cls]!r} (2.2.4) to "
                           f"{LR_KERAS3[cls]!r} (Keras 3)")

    def compile_string(self, ctx: Context, call: cst.Call) -> None:
        opt = A.kwarg(call, "optimizer")
        node = opt.value if opt else (A.positional(call)[0].value if A.positional(call) else None)
        if not isinstance(node, cst.SimpleString):
            return
        cls = OPTIMIZER_STRINGS.get(str(node.evaluated_value).lower())
        if cls is None or (LR_224[cls] == LR_KERAS3[cls] and cls not in CLASSES):
            return
        if ctx.options.defaults == "keras224":
            if cls in CLASSES:
                name = self.exact_class(ctx, cls, call)
                ctx.replace_code(node, f"{name}()", f"optimizer '{node.evaluated_value}' -> {name}(), defined in "
                                                    f"this script ({EPSILON_NOTE})")
                return
            ref = ctx.keras(f"keras.optimizers.{cls}", call)
            ctx.replace_code(node, f"{ref}(learning_rate={LR_224[cls]!r})",
                             f"optimizer '{node.evaluated_value}' -> {cls}(learning_rate={LR_224[cls]!r}) "
                             f"(2.2.4 default; Keras 3's learning rate is {LR_KERAS3[cls]!r})")
        else:
            note = EPSILON_NOTE if cls in CLASSES else (f"default learning rate changes from {LR_224[cls]!r} to "
                                                        f"{LR_KERAS3[cls]!r}")
            ctx.warn(node, f"optimizer '{node.evaluated_value}': {note}")

    def exact_class(self, ctx: Context, cls: str, use) -> str:
        """Name of the 2.2.4-exact optimizer class, defined once before its first use."""
        wanted, template = CLASSES[cls]
        return ctx.define(wanted, template, use)


def _is_zero(node) -> bool:
    return isinstance(node, (cst.Integer, cst.Float)) and float(node.value) == 0.0
