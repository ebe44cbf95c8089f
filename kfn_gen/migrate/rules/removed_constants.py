"""A 2.2.4 module constant Keras 3 lacks (`keras.applications.vgg16.vgg16.WEIGHTS_PATH_NO_TOP`, `from
keras_applications.resnet50 import WEIGHTS_PATH`) -> its 2.2.4 value, written in the script.

2018-2019 model packages (keras-retinanet, keras-vggface, copies of keras.applications) download the same
ImageNet weights as keras.applications did, naming its URL constants; Keras 3 keeps them only privately.
The value is what genuine 2.2.4 (with keras_applications 1.0.6) held, dumped into keras224_api.json
("values"); only upper-case str/number/tuple constants are recorded.
"""
from __future__ import annotations

import re
from functools import lru_cache

import libcst as cst

from kfn_gen.frontend.tree import dotted, walk
from kfn_gen.keras224 import api as api224
from kfn_gen.migrate.importing import keras_from_import, rebind
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule
from kfn_gen.migrate.tables.names import MODULE_HOMES


@lru_cache(maxsize=1)
def _names() -> re.Pattern:
    names = {identity.rpartition(".")[2] for identity in api224.values()}
    return re.compile(r"\b(?:" + "|".join(sorted(names)) + r")\b")


def _gone(identity: str) -> bool:
    """Keras 3 has no home for the constant ("value:M.NAME")."""
    module, _, name = identity[len("value:"):].rpartition(".")
    return not api224.keras3_has(f"{MODULE_HOMES.get(module, module)}.{name}")


class RemovedConstants(Rule):
    code = "KFN039"
    name = "removed-constants"
    description = "a 2.2.4 module constant Keras 3 lacks (WEIGHTS_PATH, ...) -> its 2.2.4 value"

    def run(self, ctx: Context) -> None:
        if "keras" not in ctx.src.text or not _names().search(ctx.src.text):
            return  # none of the recorded constants' names occurs: nothing to walk
        inside = {id(x) for imp in walk(ctx.src.module) if isinstance(imp, (cst.Import, cst.ImportFrom))
                  for x in walk(imp)}
        for node in walk(ctx.src.module):
            if isinstance(node, cst.ImportFrom):
                self.import_from(ctx, node)
            elif isinstance(node, cst.Attribute) and id(node) not in inside:
                identity = ctx.src.identity(node)
                literal = api224.value(identity)
                if literal is not None and _gone(identity):
                    ctx.replace_code(node, literal, f"{ctx.src.module.code_for_node(node)} -> its 2.2.4 value "
                                                    "(Keras 3 has no such constant)")

    def import_from(self, ctx: Context, node: cst.ImportFrom) -> None:
        base = keras_from_import(node)
        if base is None:
            return
        values = {}
        for alias in node.names:
            name = dotted(alias.name)
            identity = api224.identity_of(f"{base}.{name}")
            literal = api224.value(identity)
            if literal is not None and _gone(identity):
                values[name] = literal
        if values:
            rebind(ctx, node, values, f"from {base} import {', '.join(sorted(values))}: Keras 3 has no such "
                                      "constant; bound to its 2.2.4 value")
