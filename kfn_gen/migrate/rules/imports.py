"""Imports to their Keras 3 homes (and, with --import-style tf.keras, through `tensorflow`).

`from keras.layers.merge import concatenate` -> `from keras.layers import concatenate`;
`keras.layers.core.Dense(...)` -> `keras.layers.Dense(...)`.  An import whose names moved to
different homes is split into one import per home.  A 2.2.4 submodule imported by name and only
used as `mod.Name` goes to its home module under the same local name: `from keras.layers import
recurrent` -> `from keras import layers as recurrent` (as `import keras.layers.recurrent as r` ->
`import keras.layers as r`).  A name whose Keras 3 home would not have it (2.2.4 internals such as
`keras.utils.generic_utils.slice_arrays`) is not moved: the import stays as it was, with a warning.
Other names Keras 3 does not have at all are other rules' business (they report them).
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.keras224 import api as api224
from kfn_gen.frontend.tree import dotted, walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule
from kfn_gen.migrate.tables.names import COMPANION_HOMES, MODULE_HOMES, NAME_HOMES


def home_of(module: str, name: str) -> str:
    """Keras 3 module for `from module import name`."""
    ident = api224.names_in(module).get(name)
    if ident in NAME_HOMES:
        return NAME_HOMES[ident].rsplit(".", 1)[0]
    if ident and ident.startswith("module:"):  # `from keras.layers import merge`: a 2.2.4 module that
        return module  # Keras 3 lacks; the rules that rewrite its uses own that import
    return MODULE_HOMES.get(module, module)


def _renamed_leaf(module: str, name: str) -> str | None:
    """Keras 3 name when the object itself was renamed (`keras.engine.Network` -> `Model`)."""
    ident = api224.names_in(module).get(name)
    leaf = NAME_HOMES[ident].rsplit(".", 1)[1] if ident in NAME_HOMES else name
    return leaf if leaf != name else None


def _later_leaf(module: str, name: str, leaf: str) -> str | None:
    """The name a later rule gives this import (renamed-names: `ThresholdedReLU` -> `ReLU`), or None
    when a later rule replaces the name and drops its import (layers-removed: print_summary,
    LocallyConnected1D/2D; removed-functions: 2.2.4 functions defined in the script)."""
    from kfn_gen.migrate.helpers.layers import LOCAL_HELPERS
    from kfn_gen.migrate.helpers.members import member_of
    from kfn_gen.migrate.tables.names import RENAMED
    from kfn_gen.migrate.tables.removed import PRINT_SUMMARY

    ident = api224.names_in(module).get(name)
    if ident == PRINT_SUMMARY or ident in LOCAL_HELPERS or member_of(f"{module}.{name}"):
        return None
    return RENAMED.get((name, ident), leaf)


def _module_alias_home(ctx, module: str, alias: cst.ImportAlias) -> str | None:
    """Home of `from module import <submodule>` when that submodule moved wholesale (MODULE_HOMES)
    and the local name is only ever used as `local.attr` (not `merge(...)`: Keras 1's merge function
    is keras1-args' business)."""
    ident = api224.names_in(module).get(dotted(alias.name))
    if not (ident and ident.startswith("module:") and ident[len("module:"):] in MODULE_HOMES):
        return None
    local = alias.asname.name.value if alias.asname else dotted(alias.name)
    nodes = walk(ctx.src.module)
    attrs = [n for n in nodes if isinstance(n, cst.Attribute)]
    values, leaves = {id(a.value) for a in attrs}, {id(a.attr) for a in attrs}
    in_imports = {id(x) for n in nodes if isinstance(n, (cst.Import, cst.ImportFrom)) for x in walk(n)}
    uses = [n for n in nodes if isinstance(n, cst.Name) and n.value == local
            and id(n) not in in_imports and id(n) not in leaves]
    if any(id(n) not in values for n in uses):
        return None  # used as a value itself (`merge(...)`), not only as `local.attr`
    home = MODULE_HOMES[ident[len("module:"):]]
    missing = sorted({a.attr.value for a in attrs if isinstance(a.value, cst.Name) and a.value.value == local
                      and not api224.keras3_has(f"{home}.{a.attr.value}")})
    from kfn_gen.migrate.helpers.members import member_of

    if missing and all(member_of(f"{ident[len('module:'):]}.{m}") for m in missing):
        return None  # 2.2.4 functions the script gets defined: removed-modules makes the module a namespace
    if missing:  # a 2.2.4 internal with no home and no helper
        ctx.warn(alias, f"{local}: Keras 3's {home} has no {', '.join(missing)} (2.2.4 internals): the import is "
                        f"left as it was; copy what {'they' if len(missing) > 1 else 'it'} did from Keras 2.2.4's "
                        f"{ident[len('module:'):]} or replace {'them' if len(missing) > 1 else 'it'}")
        return None
    return home


def _alias_code(ctx, alias: cst.ImportAlias, leaf: str | None) -> str:
    if leaf is None:
        return ctx.src.module.code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
    local = alias.asname.name.value if alias.asname else dotted(alias.name)
    return f"{leaf} as {local}"


def tf_style(module: str) -> str:
    return module if module.startswith("tensorflow.") else "tensorflow." + module


class Imports(Rule):
    code = "KFN001"
    name = "imports"
    description = "Keras 2.2.4 module paths -> Keras 3 homes"

    def run(self, ctx: Context) -> None:
        tf = ctx.options.import_style == "tf.keras"
        inside_imports = {n for imp in walk(ctx.src.module) if isinstance(imp, (cst.Import, cst.ImportFrom))
                          for n in walk(imp) if n is not imp}
        for node in walk(ctx.src.module):
            if node in inside_imports:
                continue
            if isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
                self.import_from(ctx, node, tf)
            elif isinstance(node, cst.Import):
                self.plain_import(ctx, node, tf)
            elif isinstance(node, cst.Attribute):
                self.attribute(ctx, node)

    def import_from(self, ctx: Context, node: cst.ImportFrom, tf: bool) -> None:
        mod = dotted(node.module)
        if mod.split(".")[0] in api224.KERAS_PACKAGES[1:]:
            self.companion(ctx, node, mod)
        if not api224.is_keras_path(mod):
            return
        if isinstance(node.names, cst.ImportStar):
            target = MODULE_HOMES.get(mod, mod)
            target = tf_style(target) if tf else target
            if target != mod:
                ctx.edit(node, lambda n, t=target: n.with_changes(module=cst.parse_expression(t)),
                         f"from {mod} import * -> from {target} import *")
            return
        from kfn_gen.migrate.helpers.members import member_of

        if all(member_of(f"{mod}.{dotted(a.name)}") for a in node.names):
            return  # every name becomes a helper defined in the script: removed-functions replaces the import
        groups: dict[str, list[cst.ImportAlias]] = {}
        renamed = {}
        moved_to = {id(a): _module_alias_home(ctx, mod, a) for a in node.names}  # once: it may warn
        for alias in node.names:
            if _private_name(dotted(alias.name)):
                _private(ctx, alias, f"{mod}.{dotted(alias.name)}")
            home = home_of(mod, dotted(alias.name))
            moved = moved_to[id(alias)]
            if moved:  # `from keras.layers import recurrent` -> `from keras import layers as recurrent`
                home, renamed[id(alias)] = moved.rsplit(".", 1)
            leaf = renamed.get(id(alias)) or _renamed_leaf(mod, dotted(alias.name)) or dotted(alias.name)
            leaf = _later_leaf(mod, dotted(alias.name), leaf)
            if leaf and not tf and home != mod and not home.startswith("tensorflow.") \
                    and not api224.keras3_has(f"{home}.{leaf}"):
                # moving it would only change which import fails: keep it, say so
                ctx.warn(alias, f"{dotted(alias.name)}: Keras 3 has no {home}.{leaf} (a 2.2.4 internal or a "
                                f"removed name): the import is left as it was; copy what it did from Keras 2.2.4's "
                                f"{mod} or replace it")
                home = mod
                renamed.pop(id(alias), None)
            groups.setdefault(tf_style(home) if tf else home, []).append(alias)
        if tf and mod == "keras":  # `from keras import backend as K` -> `from tensorflow.keras import backend as K`
            groups = {tf_style("keras"): list(node.names)}
        renamed.update({id(a): leaf for a in node.names if (leaf := _renamed_leaf(mod, dotted(a.name)))})
        if list(groups) == [mod] and not renamed:
            return
        if any(t.startswith("tensorflow.") for t in groups) and not tf:
            ctx.warn(node, "ImageDataGenerator, Tokenizer and the other keras.preprocessing utilities are gone "
                           "from Keras 3; TF 2.21 keeps them (deprecated) under tensorflow.keras, so the import "
                           "goes there. Modern equivalents: keras.utils.image_dataset_from_directory, "
                           "keras.layers.TextVectorization")
        if len(groups) == 1 and not renamed:
            (target,) = groups
            ctx.edit(node, lambda n, t=target: n.with_changes(module=cst.parse_expression(t)),
                     f"from {mod} import ... -> from {target} import ...")
            return
        stmt = self._statement_of(ctx, node)
        if stmt is None:
            return
        codes = []
        for target, aliases in groups.items():
            names = ", ".join(_alias_code(ctx, a, renamed.get(id(a))) for a in aliases)
            codes.append(f"from {target} import {names}")
        last = codes.pop()
        for code in codes:
            ctx.insert_before(stmt, code, f"from {mod} import ...: names moved to different Keras 3 modules", node)
        moved = [a for a in node.names if moved_to[id(a)]]
        msg = None if codes or not moved else \
            f"from {mod} import {', '.join(dotted(a.name) for a in moved)} (2.2.4 modules) -> {last}"
        ctx.edit(node, lambda n, c=last: cst.parse_statement(c + "\n").body[0], msg)

    @staticmethod
    def companion(ctx: Context, node: cst.ImportFrom, mod: str) -> None:
        """`from keras_applications import imagenet_utils`, `from keras_applications.imagenet_utils import
        preprocess_input` -> the Keras 3 home (tables.COMPANION_HOMES), when every name it imports has one
        there or is a 2.2.4 function removed-functions defines."""
        from kfn_gen.migrate.helpers.members import member_of

        if isinstance(node.names, cst.ImportStar):
            return
        target, moves = COMPANION_HOMES.get(mod), False
        for alias in node.names:
            name = dotted(alias.name)
            if member_of(f"{mod}.{name}"):
                continue
            moves = True
            home = COMPANION_HOMES.get(f"{mod}.{name}")
            if home is not None and target is None:
                if home.rpartition(".")[2] != name:
                    return
                target = home.rpartition(".")[0]
            elif target is None or home is not None or not api224.keras3_has(f"{target}.{name}"):
                return
        if target is not None and moves:
            ctx.edit(node, lambda n, t=target: n.with_changes(module=cst.parse_expression(t)),
                     f"from {mod} import ... -> from {target} import ... (keras_applications is not installed "
                     "with Keras 3)")

    def plain_import(self, ctx: Context, node: cst.Import, tf: bool) -> None:
        for alias in node.names:
            mod = dotted(alias.name)
            if not api224.is_keras_path(mod):
                continue
            target = MODULE_HOMES.get(mod, mod)
            if tf:
                new = self._tf_import(mod, alias)
                if len(node.names) == 1:
                    ctx.edit(node, lambda n, c=new: cst.parse_statement(c + "\n").body[0], f"import {mod} -> {new}")
                else:
                    ctx.warn(node, "split this import to use --import-style tf.keras")
            elif target != mod and alias.asname is not None:
                ctx.edit(alias, lambda a, t=target: a.with_changes(name=cst.parse_expression(t)),
                         f"import {mod} -> import {target}")

    @staticmethod
    def _tf_import(mod: str, alias: cst.ImportAlias) -> str:
        asname = alias.asname.name.value if alias.asname else None
        if mod == "keras" or asname is None:
            return "from tensorflow import keras" + (f" as {asname}" if asname and mod == "keras" else "")
        parent, leaf = MODULE_HOMES.get(mod, mod).rsplit(".", 1)
        return f"from tensorflow.{parent} import {leaf}" + (f" as {asname}" if asname != leaf else "")

    def attribute(self, ctx: Context, node: cst.Attribute) -> None:
        path = ctx.src.keras_path(node)
        if path is not None and _private_name(node.attr.value) and ctx.src.keras_path(node.value) is not None:
            _private(ctx, node, path)
            return
        if path is None:
            return
        target = MODULE_HOMES.get(path)
        if target is None:  # a name spelled through a 2.2.4 module Keras 3 lacks: keras.engine.InputSpec
            module = ctx.src.keras_path(node.value)
            ident = api224.resolve(path).identity
            if module is None or module in MODULE_HOMES or ident not in NAME_HOMES or api224.keras3_has(module):
                return  # only names reached through a module Keras 3 lacks (keras.Model is Keras 3 already)
            target = NAME_HOMES[ident]
            if target == path:  # already its Keras 3 spelling
                return
        text = ctx.src.module.code_for_node(node)
        if text != path:  # reached through an alias: `import keras.layers.core as core` is handled above
            return
        ctx.replace_code(node, target, f"{path} -> {target}")

    @staticmethod
    def _statement_of(ctx: Context, node):
        for stmt in walk(ctx.src.module):
            if isinstance(stmt, cst.SimpleStatementLine) and any(s is node for s in stmt.body):
                return stmt if len(stmt.body) == 1 else None
        return None


def _private_name(name: str) -> bool:
    """`_obtain_input_shape`, not `__version__` (Keras 3 has keras.__version__)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private(ctx: Context, node: cst.CSTNode, path: str) -> None:
    """A private (underscore) 2.2.4 name: not in the API tables, and Keras 3 has no such internals."""
    ctx.warn(node, f"{path} is private to Keras 2.2.4 and Keras 3 has no equivalent: copy what it did from Keras "
                   "2.2.4's source or replace it (private names with a helper are removed-functions')")
