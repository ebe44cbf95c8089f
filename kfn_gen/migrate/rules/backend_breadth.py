"""Backend names beyond keras.ops: image dim ordering, TF1-session idioms, `_keras_shape`.

* `K.image_dim_ordering()` returned 'th' or 'tf' (backend/common.py:image_dim_ordering, from
  image_data_format); Keras 3 only has `image_data_format()`.  `K.image_dim_ordering() == 'th'` becomes
  `K.image_data_format() == 'channels_first'`; any other use gets an expression with the same value.
* `K.set_image_dim_ordering('tf'/'th')` -> `K.set_image_data_format('channels_last'/'channels_first')`.
* `K.function`, `K.learning_phase`, sessions, `K.get_value`...: no mechanical equivalent; a warning
  gives the Keras 3 idiom (replacing the generic backend-ops warning for that call).
* `tensor._keras_shape` (2.2.4's static shape, batch axis None) -> `tensor.shape` (the same tuple on
  a Keras 3 symbolic tensor).
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls
from kfn_gen.migrate.tables.backend import BACKEND_MANUAL, DIM_ORDERING

IMAGE_DIM = "keras.backend.common.image_dim_ordering"
SET_IMAGE_DIM = "keras.backend.common.set_image_dim_ordering"


def _backend_fn(ident: str | None) -> str | None:
    if ident and ident.startswith(("keras.backend.tensorflow_backend.", "keras.backend.common.")):
        return ident.rsplit(".", 1)[-1]
    return None


class BackendBreadth(Rule):
    code = "KFN017"
    name = "backend-breadth"
    description = "image_dim_ordering, set_image_dim_ordering, K.function/learning_phase idioms, _keras_shape"

    def run(self, ctx: Context) -> None:
        handled: list[cst.Call] = []
        compared: set[cst.Call] = set()
        for node in walk(ctx.src.module):
            if isinstance(node, cst.Comparison) and len(node.comparisons) == 1 and isinstance(node.left, cst.Call) \
                    and ctx.src.identity(node.left.func) == IMAGE_DIM:
                other = node.comparisons[0].comparator
                if isinstance(other, cst.SimpleString) and other.evaluated_value in DIM_ORDERING:
                    compared.add(node.left)
                    handled.append(node.left)
                    new = DIM_ORDERING[other.evaluated_value]
                    ctx.edit(node.left, lambda c: _rename_func(c, "image_data_format"),
                             f"image_dim_ordering() == '{other.evaluated_value}' -> image_data_format() == '{new}'")
                    ctx.replace_code(other, f"{other.quote}{new}{other.quote}", None)
            elif isinstance(node, cst.Attribute) and node.attr.value == "_keras_shape":
                ctx.edit(node, lambda n: n.with_changes(attr=cst.Name("shape")),
                         "_keras_shape -> shape (a Keras 3 tensor's shape is the same tuple, batch axis None)")
        for call, ident in calls(ctx):
            fn = _backend_fn(ident)
            if fn is None:
                continue
            if ident == IMAGE_DIM and call not in compared:
                handled.append(call)
                fmt = A.code(ctx.src.module, call.func)[: -len("image_dim_ordering")] + "image_data_format"
                expr = cst.parse_expression(f"('th' if {fmt}() == 'channels_first' else 'tf')")
                ctx.edit(call, lambda c, e=expr: e,
                         "image_dim_ordering() -> the same 'th'/'tf' value from image_data_format()")
            elif ident == SET_IMAGE_DIM:
                pos = A.positional(call)
                value = pos[0].value if pos else None
                if isinstance(value, cst.SimpleString) and value.evaluated_value in DIM_ORDERING:
                    handled.append(call)
                    new = DIM_ORDERING[value.evaluated_value]
                    ctx.edit(call, lambda c: _rename_func(c, "set_image_data_format"),
                             f"set_image_dim_ordering('{value.evaluated_value}') -> set_image_data_format('{new}')")
                    ctx.replace_code(value, f"{value.quote}{new}{value.quote}", None)
            elif fn in BACKEND_MANUAL:
                handled.append(call)
                ctx.warn(call, BACKEND_MANUAL[fn])
        for c in handled:  # backend-ops' generic "no mechanical Keras 3 equivalent" warning is moot here
            ctx.supersede(c, ("backend-ops",))


def _rename_func(call: cst.Call, name: str) -> cst.Call:
    func = call.func
    if isinstance(func, cst.Attribute):
        return call.with_changes(func=func.with_changes(attr=cst.Name(name)))
    return call.with_changes(func=cst.Name(name))


