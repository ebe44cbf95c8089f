"""Before/after tests for migrate/rules/tensor_inputs.py: 2.2.4's tf.data idiom (one-shot iterator tensors
as the model's input and targets) migrated where its data flow is plain, reported otherwise.

2.2.4 facts behind the migration (read in ~/.cache/kfn-gen/keras224): Input(tensor=t) builds an
InputLayer whose batch_input_shape is K.int_shape(t) (engine/input_layer.py), the iterator's static
shape, which is the dataset's element_spec (batch axis None for batch(n)); compile(target_tensors=)
feeds the loss from that tensor (engine/training.py), so fit(epochs=, steps_per_epoch=) trains on
the dataset's (inputs, targets) pairs.  Keras 3 facts (tests/package/test_tables_live.py
test_tensor_inputs_premises): compile has no target_tensors, Input(tensor=) takes only a KerasTensor.
"""
from __future__ import annotations

import libcst as cst
import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.options import Options

HEAD = '''\
import tensorflow as tf
from keras import layers, models
dataset = tf.data.Dataset.from_tensor_slices(([[1.0, 2.0]], [[0.0]]))
dataset = dataset.repeat().batch(1)
'''

PLAIN = HEAD + '''\
iterator = dataset.make_one_shot_iterator()
inputs, targets = iterator.get_next()
x = layers.Input(tensor=inputs, name='x')
model = models.Model(x, layers.Dense(1)(x))
model.compile(optimizer='sgd', loss='mse', target_tensors=[targets])
model.fit(epochs=2, steps_per_epoch=3)
'''

PLAIN_AFTER = HEAD + '''\
iterator = iter(dataset)
inputs, targets = iterator.get_next()
x = layers.Input(batch_shape=tuple(dataset.element_spec[0].shape), name='x')
model = models.Model(x, layers.Dense(1)(x))
model.compile(optimizer='sgd', loss='mse')
model.fit(dataset, epochs=2, steps_per_epoch=3)
'''


def _diags(result):
    return [(d.line, d.severity, d.message) for d in result.diagnostics if d.rule == "tensor-inputs"]


def test_plain_flow_migrated():
    result = migrate_source(PLAIN, "t.py", Options())
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.code == PLAIN_AFTER
    cst.parse_module(result.code)
    got = _diags(result)
    assert [(line, sev) for line, sev, _ in got] == [(5, "info"), (7, "info"), (9, "info"), (10, "info")], got
    assert got[0][2].startswith("dataset.make_one_shot_iterator() -> iter(dataset)")
    assert got[1][2].startswith("Input(tensor=...) -> Input(batch_shape=tuple(dataset.element_spec[0].shape))")
    assert got[2][2].startswith("compile: target_tensors= dropped")
    assert got[3][2].startswith("fit() without data -> fit(dataset, ...)")


def test_plain_flow_idempotent():
    again = migrate_source(PLAIN_AFTER, "t.py", Options())
    assert again.code == PLAIN_AFTER
    assert _diags(again) == []


def test_single_target_tensor_not_in_a_list():
    """2.2.4 accepts target_tensors=targets (to_list in engine/training.py): same migration."""
    before = PLAIN.replace("target_tensors=[targets]", "target_tensors=targets")
    result = migrate_source(before, "t.py", Options())
    assert result.code == PLAIN_AFTER


NOT_PLAIN = {
    # the dataset is rebound after the iterator: fit(dataset) would train on other data
    "dataset_rebound": (PLAIN.replace("model = models", "dataset = dataset.take(1)\nmodel = models"), 12),
    # fit with data: not the idiom (2.2.4 refuses data for tensor inputs)
    "fit_with_data": (PLAIN.replace("model.fit(epochs", "model.fit([[1.0, 2.0]], [[0.0]], epochs"), 10),
    # no fit at all: nothing says where the data goes
    "no_fit": (PLAIN.replace("model.fit(epochs=2, steps_per_epoch=3)\n", ""), 9),
    # the tuple elements swapped: the dataset does not yield (inputs, targets)
    "swapped": (PLAIN.replace("inputs, targets = iterator", "targets, inputs = iterator"), 10),
    # a shape given next to tensor=: 2.2.4 then takes that shape, not the tensor's
    "shape_given": (PLAIN.replace("tensor=inputs,", "tensor=inputs, shape=(2,),"), 10),
    # three elements: not the (inputs, targets) pair
    "three": (PLAIN.replace("inputs, targets = iterator.get_next()", "inputs, targets, w = iterator.get_next()"),
              10),
    # the model built inside a function: not straight-line module code
    "in_function": (HEAD + '''\
iterator = dataset.make_one_shot_iterator()
inputs, targets = iterator.get_next()
def build():
    x = layers.Input(tensor=inputs)
    return models.Model(x, layers.Dense(1)(x))
model = build()
model.compile(optimizer='sgd', loss='mse', target_tensors=[targets])
model.fit(epochs=2, steps_per_epoch=3)
''', 12),
    # an initializable iterator needs a session run: reported
    "initializable": (PLAIN.replace("make_one_shot_iterator", "make_initializable_iterator"), 10),
}


@pytest.mark.parametrize("name", sorted(NOT_PLAIN))
def test_not_plain_is_reported_unchanged(name):
    before, _ = NOT_PLAIN[name]
    result = migrate_source(before, "t.py", Options())
    assert result.code is not None
    got = _diags(result)
    assert got and all(sev == "warning" for _, sev, _ in got), got
    assert "iter(dataset)" not in result.code and "element_spec" not in result.code
    assert "fit(dataset" not in result.code
    assert "keras224_tensor_input" not in result.code  # an iterator in the script: no constant binding


CONSTANT = '''\
import numpy as np
from keras import backend as K
from keras.layers import Input, AveragePooling2D
from keras.models import Model
ones = K.variable(np.ones((1, 4, 4, 2)))
zeros = K.variable(np.zeros((1, 4, 4, 2)))
masks = K.concatenate([ones, zeros], axis=0)
target = K.placeholder((1, 4, 4, 2))
mask_input = Input(tensor=masks, shape=(None, None, None), name='mask_input')
mask_model = Model(mask_input, AveragePooling2D((2, 2))(mask_input))
loss = K.sum(mask_model.output[1] * target[0])
grads = K.gradients(loss, target)
f = K.function([target], [loss] + grads)
'''


def test_input_on_a_constant_tensor_is_bound_and_fed_by_the_helpers():
    result = migrate_source(CONSTANT, "t.py", Options())
    code = result.code
    assert "mask_input = keras224_tensor_input(tensor=masks, shape=(None, None, None), name='mask_input')\n" in code
    assert "grads = keras224_gradients(loss, target, bound=keras224_tensor_input.bound)\n" in code
    assert "f = keras224_function([target], [loss] + grads, bound=keras224_tensor_input.bound)\n" in code
    assert [(d.line, d.severity) for d in result.diagnostics if d.rule == "tensor-inputs"] == [(9, "info")]
    assert migrate_source(code, "t.py", Options()).code == code  # idempotent


def test_without_input_tensor_the_helpers_get_no_bound_argument():
    code = migrate_source(CONSTANT.replace("Input(tensor=masks, shape=(None, None, None), name='mask_input')",
                                           "Input(shape=(4, 4, 2), name='mask_input')"), "t.py", Options()).code
    assert "def keras224_tensor_input" not in code and "bound=keras224" not in code
    assert "keras224_gradients(loss, target)\n" in code and "keras224_function([target], [loss] + grads)\n" in code
