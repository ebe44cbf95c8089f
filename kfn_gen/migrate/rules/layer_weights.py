"""The `weights=` layer argument: set once the layer is built, as 2.2.4 did.

2.2.4's base Layer took `weights=` from **kwargs (engine/base_layer.py:159, `_initial_weights`) and
called `self.set_weights(self._initial_weights)` in `__call__`, right after `build()`
(base_layer.py:435).  Keras 3 removed the argument from the base Layer ("Unrecognized keyword
arguments passed to Conv2D: {'weights': ...}"; only Embedding and Bidirectional still take it, with
2.2.4's meaning, and are left alone).  mnist_net2net writes `Conv2D(64, 3, ..., weights=new_weights)`.

The migrated script wraps the layer in a small helper that replaces the instance's `build` by one
that builds, then sets the weights once: what 2.2.4 did, for every build path Keras 3 takes
(Sequential.add, a functional call, the first fit/predict of a Sequential without an Input).  The
first build of a Sequential without an Input happens inside the traced predict/train function: the
TensorFlow backend's assignment is lifted out of the trace with `tf.init_scope()` so it runs once,
eagerly.  `functools.wraps` keeps build's signature, which Keras 3 reads to pass the input shape.

A layer passed straight to TimeDistributed/Bidirectional: 2.2.4 built it with `layer.build()`
(layers/wrappers.py:199, :567), never through `__call__`, so its `weights=` was ignored; the
argument is dropped, with a warning.  `weights=None` is dropped (a no-op in 2.2.4).
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.keras224 import api as api224
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls, short

HELPER = "keras224_initial_weights"
PRELUDE = '''def {name}(layer, weights):
    """Keras 2.2.4's `weights=` layer argument: set once the layer is built (2.2.4 set them in
    Layer.__call__ right after build(); Keras 3 has no such argument)."""
    import functools

    build, pending = layer.build, [weights]

    @functools.wraps(build)  # Keras 3 reads build's signature to pass the input shape
    def build_then_set_weights(*args, **kwargs):
        build(*args, **kwargs)
        if pending:
            values = pending.pop()
            if keras.backend.backend() == "tensorflow":
                import tensorflow as tf

                with tf.init_scope():  # a first build inside a traced function: assign once, eagerly
                    layer.set_weights(values)
            else:
                layer.set_weights(values)

    layer.build = build_then_set_weights
    return layer'''
KEEPS_WEIGHTS = {"keras.layers.embeddings.Embedding", "keras.layers.wrappers.Bidirectional"}
WRAPPERS = {"keras.layers.wrappers.TimeDistributed", "keras.layers.wrappers.Bidirectional"}


class LayerWeights(Rule):
    code = "KFN026"
    name = "layer-weights"
    description = "Layer(..., weights=w) -> the weights set once the layer is built (Keras 3 removed the argument)"

    def run(self, ctx: Context) -> None:
        wrapped = set()
        for call, ident in calls(ctx):
            if ident in WRAPPERS:
                wrapped.update(a.value for a in call.args if isinstance(a.value, cst.Call))
        for call, ident in calls(ctx):
            if ident is None or api224.kind(ident) != "layer" or ident in KEEPS_WEIGHTS:
                continue
            arg = A.kwarg(call, "weights")
            if arg is None:
                continue
            cls = short(ident)
            if isinstance(arg.value, cst.Name) and arg.value.value == "None":
                ctx.edit(call, lambda c: A.remove_kwargs(c, {"weights"}),
                         f"{cls}: weights=None dropped (Keras 3 has no weights= argument; None set nothing in 2.2.4)")
            elif call in wrapped:
                ctx.edit(call, lambda c: A.remove_kwargs(c, {"weights"}), None)
                ctx.warn(call, f"{cls}: weights= dropped: 2.2.4 ignored it for a layer inside TimeDistributed/"
                               "Bidirectional (the wrapper built it with layer.build(), not __call__); Keras 3 has "
                               "no weights= argument")
            else:
                name = ctx.define(HELPER, PRELUDE, call)
                weights = A.code(ctx.src.module, arg.value)
                ctx.wrap(call, lambda c, n=name, w=weights: _wrap(c, n, w),
                         f"{cls}(..., weights=w) -> {name}({cls}(...), w): the weights are set once the layer is "
                         "built, as 2.2.4 did (Keras 3 removed the weights= argument)")


def _wrap(call: cst.Call, helper: str, weights: str) -> cst.Call:
    inner = A.remove_kwargs(call, {"weights"})
    return cst.Call(func=cst.Name(helper), args=[
        cst.Arg(value=inner.with_changes(lpar=[], rpar=[]), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
        cst.Arg(value=cst.parse_expression(weights))], lpar=call.lpar, rpar=call.rpar)
