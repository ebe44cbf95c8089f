"""A Python module that a Keras 2.2.4 module had imported, used through it (`K.tf`, `K.np`) or bound by a 2.2.4
star import (`from keras.layers import *` then `np.zeros`) -> the module itself, imported in the script.

2.2.4's modules had no `__all__` and no underscore on their imports, so `keras.backend.tf` was TensorFlow,
`keras.backend.np` numpy, and `from keras.layers import *` bound `np`, `warnings` and `copy` in the script
(kfn_gen/keras224/keras224_api.json records them as "pymodule:<name>", dumped from genuine 2.2.4).  Keras 3
binds none of them, so the line stops with AttributeError or NameError.  The same object is the module itself:
`K.tf.slice(...)` -> `tf.slice(...)` with `import tensorflow as tf`, using the script's own name for the
module where it already imports it.  Only top-level modules are taken (TensorFlow's internal modules, such
as the backend's `control_flow_ops`, are left to the unresolved-name report).
"""
from __future__ import annotations

import re
from functools import lru_cache

import libcst as cst
import libcst.metadata as md

from kfn_gen.frontend.tree import dotted, walk
from kfn_gen.keras224 import api as api224
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule

PREFIX = "pymodule:"
# the names scripts give these modules
CONVENTIONAL = {"numpy": "np", "tensorflow": "tf"}


@lru_cache(maxsize=1)
def _reached() -> re.Pattern:
    """`K.tf`, `backend.np`, ...: an attribute named like a module a 2.2.4 Keras module bound."""
    names = {name for names in api224.modules().values() for name, ident in names.items()
             if ident.startswith(PREFIX)}
    return re.compile(r"\w\.(?:" + "|".join(sorted(names)) + r")\b")


def module_of(ident: str | None) -> str | None:
    """The top-level module a 2.2.4 identity names, if it is one ("pymodule:numpy" -> "numpy")."""
    if not ident or not ident.startswith(PREFIX):
        return None
    module = ident[len(PREFIX):]
    return module if "." not in module else None


def _imported_as(module: cst.Module) -> dict[str, str]:
    """{module: the name a top-level `import X [as Y]` binds}."""
    found = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    name = dotted(alias.name)
                    if name and "." not in name:
                        found.setdefault(name, alias.asname.name.value if alias.asname else name)
    return found


class BoundModules(Rule):
    code = "KFN036"
    name = "bound-modules"
    description = "a module 2.2.4 bound in its own modules (K.tf, K.np, np after `from keras.layers import *`) -> " \
                  "the module, imported"

    def run(self, ctx: Context) -> None:
        if "keras" not in ctx.src.text or not (ctx.src.star_modules or _reached().search(ctx.src.text)):
            return  # no star import from Keras and no `<name>.tf`-like access: nothing to walk
        imported = None
        in_imports = {n for imp in walk(ctx.src.module) if isinstance(imp, (cst.Import, cst.ImportFrom))
                      for n in walk(imp)}
        for node in walk(ctx.src.module):
            if not isinstance(node, (cst.Name, cst.Attribute)) or node in in_imports:
                continue
            path = ctx.src.keras_path(node)
            if path is None:
                continue
            resolved = api224.resolve(path)
            module = module_of(resolved.identity)
            if module is None or api224.resolve(path.rpartition(".")[0]).module is None:
                continue  # not a module bound in a 2.2.4 module (K.tf.slice: its K.tf is the one)
            if isinstance(node, cst.Name):
                if any(q.source == md.QualifiedNameSource.IMPORT for q in ctx.src.qualnames.get(node, ())):
                    continue  # `from keras.backend import tf`: an import, left to the unresolved-name report
                # bound by a 2.2.4 star import: keep the name, import the module
                local = node.value
                ctx.need_prelude(f"import {module} as {local}", _import(module, local), node)
                ctx.replace_code(node, local, f"`{local}` ({path}): bound by 2.2.4's star import, not by Keras "
                                              f"3's -> {_import(module, local)}")
                continue
            imported = imported if imported is not None else _imported_as(ctx.src.module)
            local = imported.get(module)
            if local is None:
                local = imported[module] = _free_name(ctx, CONVENTIONAL.get(module, module))
            ctx.need_prelude(f"import {module} as {local}", _import(module, local), node)
            ctx.replace_code(node, local, f"{ctx.src.module.code_for_node(node)} ({path}, the {module} module "
                                          f"2.2.4 imported) -> {local}")


def _free_name(ctx: Context, wanted: str) -> str:
    """`wanted`, or `wanted_1`, ...: a name the script does not use as a variable (attribute names such as the
    `np` of `K.np` do not count)."""
    attrs = {id(n.attr) for n in walk(ctx.src.module) if isinstance(n, cst.Attribute)}
    used = {n.value for n in walk(ctx.src.module) if isinstance(n, cst.Name) and id(n) not in attrs}
    name, i = wanted, 1
    while name in used:
        name, i = f"{wanted}_{i}", i + 1
    return name


def _import(module: str, local: str) -> str:
    return f"import {module}" if module == local else f"import {module} as {local}"
