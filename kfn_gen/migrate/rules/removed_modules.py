"""A 2.2.4 module Keras 3 lacks, used as a value (`engine = keras.engine`) -> a namespace of its names that
have a Keras 3 home, defined in the migrated script.

Libraries of 2018-2019 re-export Keras' modules from one file (`engine = keras.engine` beside `layers =
keras.layers`) and use `engine.Layer` / `engine.InputSpec` elsewhere.  Keras 3 has no keras.engine, so
that one line stopped every module of the package at import.  The namespace is built from the tables
(tables.NAME_HOMES, tables.MODULE_HOMES) over 2.2.4's own list of the module's public names: each entry
is the very object Keras 3 has for that 2.2.4 name, or 2.2.4's own function defined in the script
(migrate/helpers/functions.py: conv_utils' normalize_tuple, ...); a name with neither is left out (using
it raises AttributeError naming it), and the rule warns with the names left out.  Uses spelled out in full
(`keras.engine.InputSpec`) are the imports rule's business; this rule takes only the module itself.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.keras224 import api as api224
from kfn_gen.frontend.tree import dotted, parents, walk
from kfn_gen.migrate.helpers.functions import USES_KERAS, Helper
from kfn_gen.migrate.helpers.members import member
from kfn_gen.migrate.importing import rebind
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule
from kfn_gen.migrate.tables.names import MODULE_HOMES, NAME_HOMES

PREFIX = "keras224_"


def keras3_home(ident: str) -> str | None:
    """The Keras 3 dotted name of a 2.2.4 object identity, from the tables, if Keras 3 has it."""
    home = NAME_HOMES.get(ident)
    if home is None:
        module, _, leaf = ident.rpartition(".")
        home = f"{MODULE_HOMES[module]}.{leaf}" if module in MODULE_HOMES else None
    return home if home and api224.keras3_has(home) else None


def namespace(module: str) -> tuple[dict[str, str], dict[str, tuple[Helper, str]], list[str]]:
    """({2.2.4 name: Keras 3 dotted name}, {2.2.4 name: 2.2.4's own function, defined in the script},
    [names left out]) for a 2.2.4 module."""
    kept, functions, left = {}, {}, []
    for name, ident in sorted(api224.names_in(module).items()):
        if ident.startswith("module:"):  # a submodule (keras.engine.training): Keras 3 has no such module
            left.append(f"{name} (a submodule)")
            continue
        if ident.startswith(("reexport:", "value:", "pymodule:")):
            continue
        home = keras3_home(ident)
        found = None if home else member(module, name, ident)
        if home:
            kept[name] = home
        elif found:
            functions[name] = found
        else:
            left.append(name)
    return kept, functions, left


def removed(module: str) -> bool:
    return module in api224.modules() and module not in MODULE_HOMES and not api224.keras3_has(module)


class RemovedModules(Rule):
    code = "KFN031"
    name = "removed-modules"
    description = "a 2.2.4 module Keras 3 lacks, used as a value (engine = keras.engine) -> a namespace of its names"

    def run(self, ctx: Context) -> None:
        if "keras" not in ctx.src.text:
            return
        up = None
        for node in walk(ctx.src.module):
            if isinstance(node, cst.ImportFrom):
                self.import_from(ctx, node)
            if not isinstance(node, cst.Attribute):
                continue
            path = ctx.src.keras_path(node)
            if path is None or not removed(path) or ctx.src.module.code_for_node(node) != path:
                continue
            up = up if up is not None else parents(ctx.src.module)
            parent = up.get(node)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                continue  # keras.engine.X: a name, not the module
            if isinstance(parent, (cst.ImportAlias, cst.Import, cst.ImportFrom)):
                continue
            helper = self.helper(ctx, path, node)
            if helper:
                ctx.replace_code(node, helper, f"{path} -> {helper} (Keras 3 has no {path}; the class holds the "
                                 f"Keras 3 objects for its names: {', '.join(sorted({**namespace(path)[0], **namespace(path)[1]}))})")

    def import_from(self, ctx: Context, node: cst.ImportFrom) -> None:
        """`from keras import engine [as e]` -> the import without it, and `engine = keras224_engine` after it."""
        if node.module is None or node.relative or isinstance(node.names, cst.ImportStar):
            return
        base = dotted(node.module) or ""
        if not api224.is_keras_path(base):
            return
        gone = [a for a in node.names if base and (removed(f"{base}.{dotted(a.name)}")
                                                   or _reaches_helpers(ctx, f"{base}.{dotted(a.name)}", a))]
        if not gone:
            return
        helpers = {}
        for alias in gone:
            path = f"{base}.{dotted(alias.name)}"
            helper = self.helper(ctx, path, alias, _reached(ctx, alias))
            if helper is None:
                return
            helpers[dotted(alias.name)] = helper
        drop = sorted(helpers)
        rebind(ctx, node, helpers, f"from {base} import {', '.join(drop)}: Keras 3 has no "
                                   f"{', '.join(f'{base}.{d}' for d in drop)}; bound to the namespace of its "
                                   "names Keras 3 has")

    @staticmethod
    def helper(ctx: Context, path: str, use: cst.CSTNode, reached: set[str] | None = None) -> str | None:
        """The namespace class for `path`, defined once; `reached`: the names the script uses through the
        module, where known (an import binds it to a local name), so only those missing are warned about."""
        kept, functions, left = namespace(path)
        used = _attribute_names(ctx)  # 2.2.4's functions: only those the script may reach (`.normalize_tuple`)
        keras_homes = bool(kept)
        for name, (helper, expression) in functions.items():
            if name in used:
                defined = ctx.define(helper.wanted, helper.template, use, imports_keras=helper in USES_KERAS)
                kept[name] = expression.replace("{helper}", defined)
        if not kept:
            return None
        wanted = PREFIX + path[len("keras."):].replace(".", "_")
        body = "\n".join(f"    {k} = {v}" for k, v in sorted(kept.items()))
        what = "as far as Keras 3 has its names" if len(kept) == len(namespace(path)[0]) else \
            "with 2.2.4's own functions where Keras 3 has none"
        template = ("class {name}:\n"
                    f'    """Keras 2.2.4\'s {path}, {what} (Keras 3 has no {path})."""\n'
                    + body.replace("{", "{{").replace("}", "}}"))
        name = ctx.define(wanted, template, use, imports_keras=keras_homes)
        if reached is not None:
            left = [n for n in left if n.split(" ")[0] in reached]
        if left:
            ctx.warn(use, f"{path}: Keras 3 has no home for {', '.join(left)}; uses of those names through "
                          f"{name} raise AttributeError: migrate them by hand")
        return name


def _attribute_names(ctx: Context) -> set[str]:
    return {n.attr.value for n in walk(ctx.src.module) if isinstance(n, cst.Attribute)}


def _reaches_helpers(ctx: Context, path: str, alias: cst.ImportAlias) -> bool:
    """`from keras.utils import layer_utils` where Keras 3 has the module's home (keras.utils) but the script
    reaches a name the home lacks and a helper stands for (`layer_utils.convert_all_kernels_in_model`): the
    module becomes a namespace too."""
    module = api224.names_in(path.rpartition(".")[0]).get(path.rpartition(".")[2], "")
    module = module[len("module:"):] if module.startswith("module:") else None
    if module not in MODULE_HOMES:
        return False
    return any(not api224.keras3_has(f"{MODULE_HOMES[module]}.{name}")
               and member(module, name, api224.names_in(module).get(name)) for name in _reached(ctx, alias))


def _reached(ctx: Context, alias: cst.ImportAlias) -> set[str]:
    """The attribute names the script reads through the name an import binds (`layer_utils.X` -> X)."""
    local = alias.asname.name.value if alias.asname else dotted(alias.name)
    return {n.attr.value for n in walk(ctx.src.module) if isinstance(n, cst.Attribute)
            and isinstance(n.value, cst.Name) and n.value.value == local}
