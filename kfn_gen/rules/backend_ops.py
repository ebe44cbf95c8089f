"""`K.mean(...)` and other Keras 2.2.4 backend calls -> `keras.ops`, with 2.2.4's defaults made explicit.

Keras 3's `keras.backend` keeps only a handful of names (epsilon, floatx, image_data_format, ...);
the math moved to `keras.ops`.  Where a Keras 3 default differs (K.argmax/K.concatenate/K.softmax
take axis=-1; ops.argmax/ops.concatenate default to None/0), the 2.2.4 value is written out.
"""
from __future__ import annotations

import libcst as cst

from ..rewrite import Context
from . import args as A
from .base import Rule, calls
from .tables import BACKEND_KEPT, BACKEND_OPS, BACKEND_RENAMES
from .tables_breadth import BACKEND_MANUAL  # reported by backend-breadth with the Keras 3 idiom

PREFIX = "keras.backend."


def _backend_name(ident: str | None) -> str | None:
    if ident and ident.startswith(("keras.backend.tensorflow_backend.", "keras.backend.common.")):
        return ident.rsplit(".", 1)[-1]
    return None


class BackendOps(Rule):
    name = "backend-ops"
    description = "K.* math -> keras.ops with 2.2.4 defaults"

    def run(self, ctx: Context) -> None:
        for call, ident in calls(ctx):
            fn = _backend_name(ident)
            if fn is None or fn in BACKEND_KEPT or fn in BACKEND_MANUAL:
                continue
            entry = BACKEND_OPS.get(fn)
            text = A.code(ctx.src.module, call.func)
            if entry is None or entry[1] is None:
                ctx.warn(call, f"`{text}` has no mechanical Keras 3 equivalent (keras.backend has no {fn}); "
                               "migrate by hand")
                continue
            target, defaults = entry
            ref = ctx.keras(target, call)
            renames = BACKEND_RENAMES.get(fn, {})

            def edit(c, ref=ref, defaults=defaults, renames=renames):
                c = c.with_changes(func=cst.parse_expression(ref))
                for old, new in renames.items():
                    if old != new:
                        c = A.rename_kwarg(c, old, new)
                for name, value in defaults.items():
                    if A.kwarg(c, name) is None and len(A.positional(c)) < 2:
                        c = A.add_kwarg(c, name, value)
                return c
            extra = ", ".join(f"{k}={v}" for k, v in defaults.items())
            ctx.edit(call, edit, f"`{text}` -> `{ref}`" + (f" with {extra} (2.2.4 default)" if extra else ""))
