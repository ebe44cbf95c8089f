"""The verifier draws CTC-consistent inputs (verify/worker/inputs.py: ctc_roles, draw_ctc) and takes one batch from
Keras 3's fit(x=generator) as from 2.2.4's fit_generator(generator=...).

A model whose integer inputs feed K.ctc_batch_cost (keras' image_ocr.py) cannot be predicted by
2.2.4 on random integers: its CTCLoss refuses a label longer than the time it is given ("Not enough
time for target transition sequence").  The Keras 3 side here is written by hand (tf.nn.ctc_loss
with 2.2.4's blank = last class): it is the verifier under test, not a migration rule.
"""
from __future__ import annotations

import json
import os
import textwrap

import numpy as np
import pytest

from kfn_gen.verify.worker.inputs import draw_ctc, draw_inputs
from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.verify import verify_pair


def _specs(t=30, classes=28, max_labels=16):
    def ctc(role):
        return {"group": 0, "role": role, "time": t, "classes": classes}
    return [{"shape": [None, 128, 64, 1], "dtype": "float32", "name": "the_input", "int_high": None},
            {"shape": [None, max_labels], "dtype": "float32", "name": "the_labels", "int_high": None,
             "ctc": ctc("labels")},
            {"shape": [None, 1], "dtype": "int64", "name": "input_length", "int_high": None, "ctc": ctc("input_length")},
            {"shape": [None, 1], "dtype": "int64", "name": "label_length", "int_high": None, "ctc": ctc("label_length")}]


@pytest.mark.parametrize("t,max_labels", [(30, 16), (4, 16), (1, 3), (40, 2)])
def test_drawn_ctc_inputs_are_always_feasible(t, max_labels):
    specs = _specs(t=t, max_labels=max_labels)
    xs = draw_inputs(specs, 64, np.random.default_rng(0))
    labels, il, ll = xs[1], xs[2][:, 0], xs[3][:, 0]
    assert [x.shape for x in xs[1:]] == [(64, max_labels), (64, 1), (64, 1)]
    assert [x.dtype for x in xs[1:]] == [np.float32, np.int64, np.int64]
    assert il.min() >= max(1, (t + 1) // 2) and il.max() <= t
    assert ll.min() >= 1 and ll.max() <= max_labels
    # the steps CTC needs: the label plus one blank between each pair of repeated classes
    for row, n, steps in zip(labels, ll, il):
        lab = row[:n]
        assert n + int(np.sum(lab[1:] == lab[:-1])) <= steps
    assert labels.min() >= 0 and labels.max() <= 26  # 27 is the blank
    # several lengths are exercised, not one
    assert t < 4 or len(set(il.tolist())) > 1
    again = draw_inputs(specs, 64, np.random.default_rng(0))
    assert all(np.array_equal(a, b) for a, b in zip(xs, again))


def test_incomplete_ctc_group_is_drawn_as_plain_inputs():
    specs = _specs()
    del specs[3]["ctc"]
    assert draw_ctc(specs, 8, np.random.default_rng(0)) == {}


OLD = """
import numpy as np
from keras import backend as K
from keras.layers import Input, Dense, Lambda
from keras.models import Model

def ctc_lambda_func(args):
    y_pred, labels, input_length, label_length = args
    y_pred = y_pred[:, 2:, :]
    return K.ctc_batch_cost(labels, y_pred, input_length, label_length)

x = Input(name='the_input', shape=(8, 5))
y_pred = Dense(6, activation='softmax')(x)
labels = Input(name='the_labels', shape=[4], dtype='float32')
input_length = Input(name='input_length', shape=[1], dtype='int64')
label_length = Input(name='label_length', shape=[1], dtype='int64')
loss_out = Lambda(ctc_lambda_func, output_shape=(1,), name='ctc')([y_pred, labels, input_length, label_length])
model = Model(inputs=[x, labels, input_length, label_length], outputs=loss_out)
model.compile(loss={'ctc': lambda y_true, y_pred: y_pred}, optimizer='sgd')

STARTED = []
def batches():
    STARTED.append(1)
    while True:
        yield ({'the_input': np.zeros((2, 8, 5))}, {'ctc': np.zeros(2)})

model.fit_generator(generator=batches(), steps_per_epoch=1, epochs=1)
assert STARTED
"""

@pytest.mark.tf
@pytest.mark.legacy
def test_ctc_model_verifies_on_drawn_inputs(legacy_dir, tmp_path):
    old, new = tmp_path / "old.py", tmp_path / "new.py"
    old.write_text(textwrap.dedent(OLD))
    # the migration is kfn-gen's own (keras224_ctc_batch_cost, fit(x=generator)), not a hand-written copy
    new.write_text(migrate_source(textwrap.dedent(OLD), "old.py").code)
    r = verify_pair(str(old), str(new), legacy_dir=legacy_dir, keep_dir=str(tmp_path / "work"))
    assert r.status == "match", r.format_table()
    (m,) = r.models
    assert m.max_abs_diff is not None and m.max_abs_diff < 1e-5
    assert not r.script_errors  # the generator was advanced on both sides (assert STARTED held)
    found = [os.path.join(d, f) for d, _, fs in os.walk(tmp_path / "work") for f in fs if f == "legacy.json"]
    specs = json.load(open(found[0]))["models"][0]["input_specs"]
    assert [s.get("ctc", {}).get("role") for s in specs] == [None, "labels", "input_length", "label_length"]
    assert specs[1]["ctc"]["time"] == 6 and specs[1]["ctc"]["classes"] == 6
