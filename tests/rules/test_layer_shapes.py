"""layer-shapes: `.input_shape`/`.output_shape` of objects known only at run time go through a helper that keeps
every non-layer meaning (numeric check against 2.2.4: tests/numeric/test_rules_breadth_numeric.py,
run_time_layer_shapes)."""
from __future__ import annotations

import pytest

from kfn_gen.migrate.pipeline import migrate_source

SCRIPT = """\
from keras.models import load_model
from keras.layers import Layer


class Shaped(Layer):
    def __init__(self, input_shape=None, **kwargs):
        super().__init__(**kwargs)
        self.input_shape = input_shape


model = load_model('m.h5')
for layer in model.layers:
    print(layer.input_shape)
box = Shaped((7, 8))
box.input_shape = (1, 2)
seen = box.input_shape
"""


def test_reads_are_rewritten_and_assignments_kept():
    res = migrate_source(SCRIPT, "t.py")
    assert res.ok, [d.format() for d in res.diagnostics]
    assert "self.input_shape = input_shape" in res.code
    assert "box.input_shape = (1, 2)" in res.code
    assert "print(keras224_shape(layer, 'input_shape'))" in res.code
    assert "seen = keras224_shape(box, 'input_shape')" in res.code
    assert migrate_source(res.code, "t.py").code == res.code  # a second run changes nothing


@pytest.mark.tf
def test_the_helper_keeps_an_attribute_the_class_sets_itself():
    pytest.importorskip("keras")
    script = "import keras\n" + SCRIPT.replace("model = load_model('m.h5')\n", "model = keras.Sequential("
                                               "[keras.Input((3,)), keras.layers.Dense(2)])\n")
    res = migrate_source(script, "t.py")
    assert res.ok, [d.format() for d in res.diagnostics]
    ns: dict = {}
    exec(compile(res.code, "t.py", "exec"), ns)
    assert ns["seen"] == (1, 2)  # the user's attribute, not a shape computed from a call
    assert ns["keras224_shape"](ns["model"].layers[0], "output_shape") == (None, 2)
    assert ns["keras224_shape"](ns["model"], "input_shape") == (None, 3)  # models keep their own
