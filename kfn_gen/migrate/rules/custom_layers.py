"""`self.add_weight(...)` with positional arguments in a custom layer -> keyword arguments.

2.2.4 (engine/base_layer.py:222) is `add_weight(name, shape, dtype=None, initializer=None,
regularizer=None, trainable=True, constraint=None)`, behind legacy_add_weight_support
(legacy/interfaces.py:627): at most two positionals, and a first positional that is a tuple or
list is the shape (Keras 1 order), followed by the name when the next one is a string.  Keras 3 is
`add_weight(shape=None, initializer=None, dtype=None, trainable=True, ..., name=None)`: the same
positionals would bind the name to `shape`.  The rule writes the keywords 2.2.4 bound.  A first
positional that is neither a literal tuple/list nor a string (a variable) cannot be bound
statically: reported.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule

ADD_WEIGHT_224 = ["name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint"]


class CustomLayers(Rule):
    code = "KFN012"
    name = "custom-layers"
    description = "positional self.add_weight(name, shape) in Keras layer subclasses -> keywords"

    def run(self, ctx: Context) -> None:
        for cls in walk(ctx.src.module):
            if not isinstance(cls, cst.ClassDef) or not any(
                    (ctx.src.identity(b.value) or "").startswith("keras.") for b in cls.bases):
                continue
            for call in walk(cls.body):
                if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                        and call.func.attr.value == "add_weight" and isinstance(call.func.value, cst.Name)
                        and call.func.value.value == "self"):
                    continue
                pos = A.positional(call)
                if not pos:
                    continue
                first = pos[0].value
                if isinstance(first, (cst.Tuple, cst.List)):
                    names = ["shape"] + (["name"] if len(pos) > 1 and isinstance(pos[1].value, cst.SimpleString)
                                         else [])
                elif isinstance(first, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                    names = ADD_WEIGHT_224
                else:
                    ctx.warn(call, "self.add_weight(...) with positional arguments: 2.2.4 read the first as the "
                                   "shape when it is a tuple/list, else as the name; Keras 3 reads it as the "
                                   "shape. Write name= and shape= as keywords")
                    continue
                if len(pos) > len(names) or len(pos) > 2:
                    ctx.warn(call, "self.add_weight(...) with more than two positional arguments (2.2.4 raised "
                                   "TypeError): write the arguments as keywords")
                    continue
                ctx.edit(call, lambda c, names=names: A.keywordize(c, names),
                         "self.add_weight: positional arguments keyworded as 2.2.4 bound them ("
                         + ", ".join(f"{n}=" for n in names[:len(pos)]) + "); Keras 3's first positional is shape")
