"""compile(): keep the `acc` history keys a script reads, and the 2.2.4 argument order.

2.2.4 logged `metrics=['accuracy']` as 'acc'/'val_acc' (keras/engine/training.py:401); Keras 3
logs 'accuracy'.  Keras 3 names the metric after the string it is given, so where the script (or
a callback's `monitor=`) reads 'acc' or 'val_acc', 'accuracy' becomes 'acc'.  2.2.4's third
positional compile argument is `metrics`; Keras 3's is `loss_weights`.
"""
from __future__ import annotations

import libcst as cst

from ..frontend import _walk
from ..rewrite import Context
from . import args as A
from .base import Rule

COMPILE_224 = ["optimizer", "loss", "metrics", "loss_weights", "sample_weight_mode", "weighted_metrics",
               "target_tensors"]
ACC_KEYS = {"acc", "val_acc"}


class CompileMetrics(Rule):
    name = "compile-metrics"
    description = "keep acc/val_acc keys the script reads; keyword the 2.2.4 positional compile arguments"

    def run(self, ctx: Context) -> None:
        reads_acc = any(isinstance(n, cst.SimpleString) and n.evaluated_value in ACC_KEYS
                        for n in _walk(ctx.src.module))
        for node in _walk(ctx.src.module):
            if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                    and node.func.attr.value == "compile"):
                continue
            pos = A.positional(node)
            if len(pos) > 2:
                ctx.edit(node, lambda c: A.keywordize(c, COMPILE_224),
                         "compile: positional arguments given their 2.2.4 keywords (Keras 3's third is loss_weights)")
            metrics = A.kwarg(node, "metrics")
            value = metrics.value if metrics else (pos[2].value if len(pos) > 2 else None)
            if reads_acc and isinstance(value, (cst.List, cst.Tuple)):
                for el in value.elements:
                    if isinstance(el.value, cst.SimpleString) and el.value.evaluated_value == "accuracy":
                        quote = el.value.quote
                        ctx.replace_code(el.value, f"{quote}acc{quote}",
                                         "metrics 'accuracy' -> 'acc': the script reads the 2.2.4 'acc'/'val_acc' "
                                         "keys, Keras 3 names the key after this string")
