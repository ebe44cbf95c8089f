"""compile(): keep the `acc` history keys a script reads, the 2.2.4 argument order, and 2.2.4's
per-output broadcasting of one loss and one metrics list.

2.2.4 logged `metrics=['accuracy']` as 'acc'/'val_acc' (keras/engine/training.py:401); Keras 3
logs 'accuracy'.  Keras 3 names the metric after the string it is given, so where the script (or
a callback's `monitor=`) reads 'acc' or 'val_acc', 'accuracy' becomes 'acc'.  2.2.4's third
positional compile argument is `metrics`; Keras 3's is `loss_weights`.
For a model with N > 1 outputs (known from the graph), 2.2.4 applied a single `loss` and a flat
`metrics` list to every output; Keras 3 raises ("`loss_weights` must match the number of losses",
"tuple arity mismatch"), so they are written out once per output.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.ir.values import LayerVal
from kfn_gen.frontend.tree import walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule

COMPILE_224 = ["optimizer", "loss", "metrics", "loss_weights", "sample_weight_mode", "weighted_metrics",
               "target_tensors"]
ACC_KEYS = {"acc", "val_acc"}


class CompileMetrics(Rule):
    code = "KFN007"
    name = "compile-metrics"
    description = "keep acc/val_acc keys the script reads; keyword the 2.2.4 positional compile arguments"
    numeric = True

    def run(self, ctx: Context) -> None:
        reads_acc = any(isinstance(n, cst.SimpleString) and n.evaluated_value in ACC_KEYS
                        for n in walk(ctx.src.module))
        for node in walk(ctx.src.module):
            if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                    and node.func.attr.value == "compile"):
                continue
            pos = A.positional(node)
            if len(pos) > 2:
                ctx.edit(node, lambda c: A.keywordize(c, COMPILE_224),
                         "compile: positional arguments given their 2.2.4 keywords (Keras 3's third is loss_weights)")
            metrics = A.kwarg(node, "metrics")
            value = metrics.value if metrics else (pos[2].value if len(pos) > 2 else None)
            self.per_output(ctx, node)
            if reads_acc and isinstance(value, (cst.List, cst.Tuple)):
                for el in value.elements:
                    if isinstance(el.value, cst.SimpleString) and el.value.evaluated_value == "accuracy":
                        quote = el.value.quote
                        ctx.replace_code(el.value, f"{quote}acc{quote}",
                                         "metrics 'accuracy' -> 'acc': the script reads the 2.2.4 'acc'/'val_acc' "
                                         "keys, Keras 3 names the key after this string")

    def per_output(self, ctx: Context, call: cst.Call) -> None:
        owner = ctx.facts.values.get(call.func.value)
        if not isinstance(owner, LayerVal) or owner.layer.kind != "model" or len(owner.layer.outputs) < 2:
            return
        n = len(owner.layer.outputs)
        pos = A.positional(call)
        loss = A.kwarg(call, "loss")
        loss = loss.value if loss else (pos[1].value if len(pos) > 1 else None)
        weights = A.kwarg(call, "loss_weights")
        if loss is not None and weights is not None and not isinstance(loss, (cst.List, cst.Tuple, cst.Dict)):
            text = ctx.src.module.code_for_node(loss)
            if isinstance(weights.value, cst.Dict):
                keys = [ctx.src.module.code_for_node(e.key) for e in weights.value.elements
                        if isinstance(e, cst.DictElement)]
                new = "{" + ", ".join(f"{k}: {text}" for k in keys) + "}"
            else:
                new = "[" + ", ".join([text] * n) + "]"
            ctx.replace_code(loss, new, f"compile: one loss for {n} outputs written out per output (2.2.4 applied "
                                        "it to each; Keras 3 needs one per loss weight)")
        metrics = A.kwarg(call, "metrics")
        metrics = metrics.value if metrics else (pos[2].value if len(pos) > 2 else None)
        if isinstance(metrics, cst.List) and metrics.elements and not any(
                isinstance(e.value, (cst.List, cst.Tuple, cst.Dict)) for e in metrics.elements):
            def fn(updated, n=n):
                inner = updated.with_changes(lbracket=cst.LeftSquareBracket(), rbracket=cst.RightSquareBracket())
                elements = [cst.Element(inner, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                            for _ in range(n - 1)] + [cst.Element(inner)]
                return cst.List(elements, lbracket=updated.lbracket, rbracket=updated.rbracket)
            ctx.edit(metrics, fn, f"compile: metrics list applied to each of the {n} outputs (2.2.4 did so "
                                  "implicitly; Keras 3 needs one list per output)")
