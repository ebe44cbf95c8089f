"""Models built on TF1 tensors (2.2.4's tf.data idiom): reported for a hand migration.

keras/examples/mnist_dataset_api.py builds its model on a one-shot iterator's tensors:
`iterator = dataset.make_one_shot_iterator()`, `Input(tensor=inputs)` (2.2.4
engine/input_layer.py: the layer wraps an existing tensor) and `compile(target_tensors=[targets])`
(engine/training.py: the targets are fed from that tensor), then `fit(epochs=, steps_per_epoch=)`
with no data.  TF 2 datasets have no make_one_shot_iterator, Keras 3's Input takes only a
KerasTensor as `tensor=` (layers/core/input_layer.py raises "Argument `input_tensor` must be a
KerasTensor") and its compile has no `target_tensors=`: the Keras 3 form is `Input(shape=...)` and `fit(dataset, ...)` with
a dataset yielding (inputs, targets).  Rewriting it means following the data from the iterator to
fit(); each construct is reported at its line with that form instead.
"""
from __future__ import annotations

import libcst as cst

from ..rewrite import Context
from . import args as A
from .base import Rule, calls

INPUT = "keras.engine.input_layer.Input"
ITERATOR = ("make_one_shot_iterator", "make_initializable_iterator")


class TensorInputs(Rule):
    name = "tensor-inputs"
    description = "make_one_shot_iterator / Input(tensor=) / compile(target_tensors=): reported with the Keras 3 form"

    def run(self, ctx: Context) -> None:
        for call, ident in calls(ctx):
            method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
            if ident is None and method in ITERATOR:
                ctx.warn(call, f"{method}() is gone from TF 2 datasets (Keras 3 models are not built on an iterator's "
                               "tensors): pass the tf.data.Dataset itself to fit(), e.g. fit(dataset, epochs=..., "
                               "steps_per_epoch=...); hand migration needed")
            elif ident == INPUT and A.kwarg(call, "tensor") is not None:
                ctx.warn(call, "Input(tensor=...): Keras 3's Input takes only a KerasTensor there, not a data tensor: "
                               "use Input(shape=...) with the tensor's shape without the batch axis, and feed the data "
                               "to fit(); hand migration needed")
            elif ident is None and method == "compile" and A.kwarg(call, "target_tensors") is not None:
                ctx.warn(call, "compile(target_tensors=...): Keras 3's compile has no target_tensors: the targets go to "
                               "fit() (a dataset yielding (inputs, targets)); hand migration needed")
