"""`Bidirectional(RNN(return_sequences=True))` behind a mask computes what 2.2.4 computed.

At a masked step, 2.2.4's RNN (keras/backend/tensorflow_backend.py `rnn`: `tf.where(mask_t, output,
states[0])`) repeats the last output, and its Bidirectional keeps that (keras/layers/wrappers.py).  Keras 3's
RNN does the same by default, but its Bidirectional sets `zero_output_for_mask = return_sequences` on both
layers it wraps: zeros at the padded steps (0.098 apart on a small masked model, found by the verifier once
its inputs held padded steps).  In a script where a mask can start (`Embedding(mask_zero=...)`, `Masking`),
such a Bidirectional becomes a subclass, defined in the script and registered for saving, that sets it back.
Without a mask the two compute the same, so other scripts are left alone.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.migrate import args as A
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule, calls

BIDIRECTIONAL = "keras.layers.wrappers.Bidirectional"
EMBEDDING = "keras.layers.embeddings.Embedding"
MASKING = "keras.layers.core.Masking"
HELPER = "keras224_Bidirectional"
PRELUDE = '''@keras.utils.register_keras_serializable(package="keras224")
class {name}(keras.layers.Bidirectional):
    """Keras 2.2.4's Bidirectional: at masked steps its sequences repeat each direction's last output, as
    2.2.4 computed them (Keras 3's Bidirectional sets zero_output_for_mask and outputs zeros there)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.forward_layer.zero_output_for_mask = False
        self.backward_layer.zero_output_for_mask = False'''


def _starts_mask(call: cst.Call, ident: str | None) -> bool:
    if ident == MASKING:
        return True
    if ident == EMBEDDING:
        arg = A.kwarg(call, "mask_zero")
        return arg is not None and not A.is_name(arg.value, "False", "None")
    return False


def _returns_sequences(layer) -> bool:
    """False only when the wrapped layer is a call that certainly returns no sequences."""
    if not isinstance(layer, cst.Call):
        return True
    arg = A.kwarg(layer, "return_sequences")
    return arg is not None and not A.is_name(arg.value, "False", "None")


class MaskedBidirectional(Rule):
    code = "KFN034"
    name = "masked-bidirectional"
    description = "Bidirectional sequences behind a mask as 2.2.4 computed them (the last output, not zeros)"
    numeric = True

    def run(self, ctx: Context) -> None:
        if "Bidirectional" not in ctx.src.text:
            return
        found = list(calls(ctx))
        if not any(_starts_mask(call, ident) for call, ident in found):
            return
        for call, ident in found:
            if ident != BIDIRECTIONAL:
                continue
            layer = A.argument(call, 0, "layer")
            if layer is None or not _returns_sequences(layer):
                continue
            if not isinstance(call.func, cst.Name):
                ctx.warn(call, "Bidirectional behind a mask: Keras 3 outputs zeros at masked steps where 2.2.4 "
                               "repeated the last output; set zero_output_for_mask = False on its forward_layer "
                               "and backward_layer")
                continue
            name = ctx.define(HELPER, PRELUDE, call)
            ctx.replace_code(call.func, name, f"Bidirectional -> {name}: at masked steps 2.2.4 repeated the last "
                                              "output where Keras 3's Bidirectional outputs zeros")
