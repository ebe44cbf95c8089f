"""`layer.input_shape` / `layer.output_shape` on a layer known only at run time -> 2.2.4's value.

Keras 3 layers have neither attribute (models keep both).  node-access rewrites the reads whose layer the
graph knows; this rule takes the others, such as `for layer in model.layers: print(layer.output_shape)`,
through a helper that decides at run time: a layer's shape from the tensor of its call (2.2.4's value for
a layer called once), and for anything else (a model, a user object, a class that sets or defines the
attribute itself) the object's own attribute, unchanged.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import parents, walk
from kfn_gen.ir.values import LayerVal
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule

SHAPES = ("input_shape", "output_shape")
HELPER = '''def {name}(obj, which):
    """Keras 2.2.4's `layer.input_shape` / `layer.output_shape` for an object known only at run time: Keras 3
    layers have neither, so the shape of the tensor of the layer's call; a model, any other object, or a class
    that sets or defines the attribute itself gives its own attribute."""
    if not isinstance(obj, keras.layers.Layer) or isinstance(obj, keras.Model) or which in vars(obj) \\
            or hasattr(type(obj), which):
        return getattr(obj, which)
    t = obj.input if which == "input_shape" else obj.output
    return [tuple(x.shape) for x in t] if isinstance(t, (list, tuple)) else tuple(t.shape)'''


class LayerShapes(Rule):
    code = "KFN033"
    name = "layer-shapes"
    description = "layer.input_shape/output_shape of layers known only at run time -> 2.2.4's value (helper)"

    def run(self, ctx: Context) -> None:
        up = parents(ctx.src.module)
        for node in walk(ctx.src.module):
            if not isinstance(node, cst.Attribute) or node.attr.value not in SHAPES or node in ctx.facts.accesses:
                continue
            if isinstance(ctx.facts.values.get(node.value), LayerVal) or ctx.src.identity(node.value) is not None:
                continue  # a layer or model the graph knows (node-access), or a Keras name
            if not _read(node, up):
                continue
            name = ctx.define("keras224_shape", HELPER, node)
            base = ctx.src.module.code_for_node(node.value)
            ctx.replace_code(node, f"{name}({base}, {node.attr.value!r})",
                             f"`{base}.{node.attr.value}` -> `{name}(...)`: Keras 3 layers have no "
                             f"{node.attr.value}; 2.2.4's value from the layer's call, the attribute itself otherwise")


def _read(node: cst.Attribute, up: dict) -> bool:
    """A read of the attribute, not an assignment, deletion or a longer name's first part."""
    parent = up.get(node)
    if isinstance(parent, cst.AssignTarget) and parent.target is node:
        return False
    if isinstance(parent, (cst.AugAssign, cst.AnnAssign)) and parent.target is node:
        return False
    if isinstance(parent, cst.Del):
        return False
    if isinstance(parent, (cst.Tuple, cst.List)) and isinstance(up.get(parent), (cst.AssignTarget, cst.For)):
        return False
    if isinstance(parent, cst.For) and parent.target is node:
        return False
    return True
