"""A 2.2.4 function that Keras 3 lacks, imported by name or spelled out in full -> 2.2.4's own function, defined
in the migrated script (migrate/helpers/functions.py).

`from keras.utils.conv_utils import normalize_tuple`, `from keras.models import model_from_config`,
`from keras_applications.imagenet_utils import _obtain_input_shape` (applications code copied in 2018-2019):
Keras 3 has no such name, so the import stopped the file, and every module of the package that imported it.
The import loses the name and the script's name is bound to the helper (`normalize_tuple =
keras224_normalize_tuple`), so every use keeps working; `keras.utils.conv_utils.normalize_tuple` spelled out
becomes the helper's name.  Uses through a module Keras 3 lacks (`conv_utils.normalize_tuple` after `from
keras.utils import conv_utils`) are removed-modules' business: its namespace holds the same helpers.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import dotted, walk
from kfn_gen.keras224 import api as api224
from kfn_gen.migrate.helpers.functions import USES_KERAS, Helper
from kfn_gen.migrate.helpers.members import member_of, trigger
from kfn_gen.migrate.importing import keras_from_import, rebind
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule


class RemovedFunctions(Rule):
    code = "KFN037"
    name = "removed-functions"
    description = ("a 2.2.4 function Keras 3 lacks (conv_utils.normalize_tuple, model_from_config, "
                   "_obtain_input_shape, ...) -> 2.2.4's own function, defined in the script")

    def run(self, ctx: Context) -> None:
        if "keras" not in ctx.src.text or not trigger().search(ctx.src.text):
            return  # no name a helper stands for occurs: nothing to walk
        for node in walk(ctx.src.module):
            if isinstance(node, cst.ImportFrom):
                self.import_from(ctx, node)
            elif isinstance(node, cst.Attribute):
                self.spelled_out(ctx, node)

    def import_from(self, ctx: Context, node: cst.ImportFrom) -> None:
        base = keras_from_import(node)
        if base is None:
            return
        helpers = {}
        for alias in node.names:
            found = member_of(f"{base}.{dotted(alias.name)}")
            if found is not None:
                helpers[dotted(alias.name)] = self.define(ctx, found, alias)
                ctx.supersede(alias, ("imports",))  # its "private to 2.2.4" warning: the helper is defined
        if helpers:
            rebind(ctx, node, helpers, f"from {base} import {', '.join(sorted(helpers))}: Keras 3 has none; "
                                       f"2.2.4's own code is defined in the script "
                                       f"({', '.join(sorted(set(helpers.values())))})")

    def spelled_out(self, ctx: Context, node: cst.Attribute) -> None:
        path = ctx.src.keras_path(node)
        if path is None or not _reached_through_a_kept_module(ctx, node, path):
            return  # through a name bound to a module Keras 3 lacks: removed-modules' namespace stands for it
        found = member_of(path)
        if found is not None:
            name = self.define(ctx, found, node)
            ctx.supersede(node, ("imports",))  # its "private to 2.2.4" warning: the helper is defined
            ctx.replace_code(node, name, f"{path} -> {name} (Keras 3 has none; 2.2.4's own code is defined "
                                         "in the script)")

    @staticmethod
    def define(ctx: Context, found: tuple[Helper, str], use: cst.CSTNode) -> str:
        """Define the helper; the code that stands for the name."""
        helper, expression = found
        name = ctx.define(helper.wanted, helper.template, use, imports_keras=helper in USES_KERAS)
        if helper.note:
            ctx.warn(use, helper.note)
        return expression.replace("{helper}", name)


def _reached_through_a_kept_module(ctx: Context, node: cst.Attribute, path: str) -> bool:
    """`keras.utils.conv_utils.normalize_tuple` spelled out, or `K.tensorflow_backend._get_available_gpus`
    through `K` (keras.backend, which Keras 3 has): yes.  `conv_utils.normalize_tuple` after `from keras.utils
    import conv_utils`: no (Keras 3 has no keras.utils.conv_utils; the import becomes a namespace)."""
    if ctx.src.module.code_for_node(node) == path:
        return True
    root = node
    while isinstance(root, cst.Attribute):
        root = root.value
    base = ctx.src.keras_path(root) if isinstance(root, cst.Name) else None
    return base is not None and api224.keras3_has(base)
