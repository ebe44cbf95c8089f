"""TensorFlow 1 APIs that Keras-era scripts call directly and TensorFlow 2 removed: reported, not rewritten.

`tf.contrib` (gone since TF 2.0) has no general replacement: some pieces moved to core TF, others to
TensorFlow Addons (itself end-of-life) or nowhere.  A warning per line names the symbol and what to
do; the script is otherwise migrated, so its Keras parts still get their rules.  Keras 2.2.4's own
examples mnist_tfrecord.py and cifar10_cnn_tfaugment2d.py are the cases.
"""
from __future__ import annotations

import libcst as cst
import libcst.metadata as md

from kfn_gen.frontend.tree import dotted, walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule

CONTRIB = "tensorflow.contrib"
CONTRIB_HINT = ("tf.contrib was removed in TensorFlow 2.0 and has no automatic migration "
                "(some symbols moved to core tf.*, others to TensorFlow Addons or nowhere): "
                "this line needs a hand migration")


def _contrib_name(ctx: Context, node: cst.CSTNode) -> str | None:
    for q in ctx.src.qualnames.get(node, ()):
        if q.source == md.QualifiedNameSource.IMPORT and (q.name == CONTRIB or q.name.startswith(CONTRIB + ".")):
            return q.name
    return None


class TfRemoved(Rule):
    code = "KFN022"
    name = "tf-removed"
    description = "tf.contrib (TensorFlow 1 only) reported with its line"

    def run(self, ctx: Context) -> None:
        lines: set[int] = set()

        def report(node: cst.CSTNode, what: str) -> None:
            line = ctx.src.pos(node)[0]
            if line not in lines:
                lines.add(line)
                ctx.warn(node, f"`{what}`: " + CONTRIB_HINT)

        for node in walk(ctx.src.module):
            if isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
                mod = dotted(node.module) or ""
                if mod == CONTRIB or mod.startswith(CONTRIB + "."):
                    report(node, mod)
            elif isinstance(node, cst.Import):
                for alias in node.names:
                    mod = dotted(alias.name) or ""
                    if mod == CONTRIB or mod.startswith(CONTRIB + "."):
                        report(node, mod)
            elif isinstance(node, cst.Attribute):
                # parents come first in the walk: the whole `tf.contrib.x.y` chain is named, once a line
                name = _contrib_name(ctx, node)
                if name is not None:
                    report(node, name)
