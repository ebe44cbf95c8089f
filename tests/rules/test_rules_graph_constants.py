"""Before/after tests for graph-constants (migrate/rules/graph_constants.py): a K.variable that is never
assigned or trained -> a constant tensor; a top-level K.set_learning_phase(0) in a script that never
trains -> removed (2.2.4 semantics in keras/backend/tensorflow_backend.py: variable() is
tf.Variable(value, dtype=floatx()), set_learning_phase fixes the graph's phase).  The numbers are
compared with genuine 2.2.4 in tests/numeric/test_rules_graph_constants_numeric.py."""
from __future__ import annotations

from kfn_gen.migrate.pipeline import migrate_source

HEAD = "from keras import backend as K\nfrom keras.layers import Input, Dense\nfrom keras.models import Model\n"


def _diags(result, rule):
    return [(d.line, d.severity) for d in result.diagnostics if d.rule == rule]


def test_accumulator_variable_becomes_constant_and_phase_removed():
    src = HEAD + (
        "K.set_learning_phase(0)\n"
        "inp = Input(shape=(4,))\n"
        "out = Dense(3)(inp)\n"
        "loss = K.variable(0.)\n"
        "for c in (0.5, 2.):\n"
        "    loss += c * K.sum(K.square(out)) / K.prod(K.cast(K.shape(out), 'float32'))\n"
        "grads = K.gradients(loss, inp)[0]\n"
        "outputs = [loss, grads]\n"
        "f = K.function([inp], outputs)\n")
    result = migrate_source(src, "s.py")
    code = result.code
    assert "set_learning_phase" not in code
    assert "loss = keras.ops.convert_to_tensor(0., dtype=keras.backend.floatx())\n" in code
    assert "keras.ops.prod(keras.ops.cast(keras224_shape(out), 'float32'))" in code
    assert "    loss += c * keras.ops.sum(" in code
    assert _diags(result, "graph-constants") == [(4, "info"), (7, "info")]
    # backend-breadth's "migrate by hand" warnings are superseded for both calls
    assert not [d for d in result.diagnostics if d.severity == "warning" and d.line in (4, 7)]


def test_variable_dtype_kept_name_dropped():
    src = HEAD + "inp = Input(shape=(4,))\nv = K.variable(1, dtype='float64', name='v')\ny = v * 2\n"
    code = migrate_source(src, "s.py").code
    assert "v = keras.ops.convert_to_tensor(1, dtype='float64')\n" in code


def test_variable_that_is_assigned_or_trained_is_left_with_warning():
    for use in ("K.set_value(v, 1.)", "v.assign(2.)", "K.update_add(v, 1.)", "opt.get_updates(params=[v], loss=l)",
                "w = v", "print(K.get_value(v))"):
        src = HEAD + f"opt = l = None\nv = K.variable(0.)\n{use}\n"
        result = migrate_source(src, "s.py")
        assert "v = K.variable(0.)" in result.code, use
        assert (5, "warning") in _diags(result, "backend-breadth"), use
    src = HEAD + "v = K.variable(0., constraint=None)\ny = v + 1\n"
    assert "K.variable(0., constraint=None)" in migrate_source(src, "s.py").code


def test_learning_phase_kept_when_training_or_one_or_nested():
    train = HEAD + "K.set_learning_phase(0)\nm = Model()\nm.fit(m, m)\n"
    result = migrate_source(train, "s.py")
    assert "K.set_learning_phase(0)" in result.code
    warn = [d for d in result.diagnostics if d.rule == "graph-constants"]
    assert [d.severity for d in warn] == ["warning"] and "trains" in warn[0].message
    one = migrate_source(HEAD + "K.set_learning_phase(1)\n", "s.py")
    assert "K.set_learning_phase(1)" in one.code
    assert _diags(one, "graph-constants") == [(4, "warning")]
    assert not _diags(one, "backend-breadth")
    nested = migrate_source(HEAD + "def f():\n    K.set_learning_phase(0)\n", "s.py")
    assert "K.set_learning_phase(0)" in nested.code and _diags(nested, "backend-breadth") == [(5, "warning")]


def test_other_things_named_like_the_variable_do_not_count():
    """neural_style_transfer: `loss = K.variable(0.)` beside a method `def loss(self, x)` and `evaluator.loss`."""
    src = HEAD + ("loss = K.variable(0.)\nloss += 1.\n"
                  "class E(object):\n    def loss(self, x, loss=None):\n        return x\n"
                  "e = E()\nf = e.loss\ng = e.loss(1, loss=2)\n")
    assert "loss = keras.ops.convert_to_tensor(0., dtype=keras.backend.floatx())\n" in migrate_source(src, "s.py").code
    # a default value is a load: the variable could be assigned through the parameter
    bad = HEAD + "loss = K.variable(0.)\ndef f(v=loss):\n    K.set_value(v, 1.)\n"
    assert "loss = K.variable(0.)" in migrate_source(bad, "s.py").code


def test_placeholder_becomes_a_keras_input_of_the_same_full_shape():
    """2.2.4: tf.placeholder(dtype or floatx(), shape) (tensorflow_backend.py placeholder)."""
    src = HEAD + ("a = K.placeholder((1, 4, 4, 3))\nb = K.placeholder(shape=(None, 2), dtype='float64', name='b')\n"
                  "c = K.placeholder(ndim=2)\nd = K.placeholder((2,), sparse=True)\n")
    result = migrate_source(src, "s.py")
    assert "a = keras.Input(batch_shape=(1, 4, 4, 3), dtype=keras.backend.floatx())\n" in result.code
    assert "b = keras.Input(batch_shape=(None, 2), dtype='float64')\n" in result.code
    assert "c = K.placeholder(ndim=2)\n" in result.code and "d = K.placeholder((2,), sparse=True)\n" in result.code
    assert [(d.line, d.severity) for d in result.diagnostics if d.rule == "backend-ops"] == [
        (4, "info"), (5, "info"), (6, "warning"), (7, "warning")]


def test_ndim_is_a_python_int():
    """2.2.4's K.ndim is len(x.get_shape()._dims); Keras 3.15's keras.ops.ndim(KerasTensor) is a KerasTensor."""
    src = HEAD + "def gram(x):\n    assert K.ndim(x) == 3\n    return K.ndim(x + 1)\n"
    code = migrate_source(src, "s.py").code
    assert "    assert len(x.shape) == 3\n    return len((x + 1).shape)\n" in code


def test_parameter_of_the_same_name_is_another_variable():
    # neural_doodle: a module-level `style_mask = K.variable(...)` and functions whose parameters are
    # also called style_mask: what the functions do with their parameter is not the variable's business
    src = HEAD + ("import numpy as np\n"
                  "mask = K.variable(np.ones((2, 2)))\n"
                  "def region(mask, x):\n"
                  "    K.set_value(mask, np.zeros((2, 2)))\n"
                  "    return mask\n"
                  "both = K.concatenate([mask, mask], axis=0)\n")
    code = migrate_source(src, "s.py").code
    assert "mask = keras.ops.convert_to_tensor(np.ones((2, 2)), dtype=keras.backend.floatx())\n" in code


def test_accumulator_returned_from_a_function_is_followed_to_its_calls():
    body = ("inp = Input(shape=(4,))\n"
            "def total(xs):\n"
            "    loss = K.variable(0.)\n"
            "    for x in xs:\n"
            "        loss += K.sum(x)\n"
            "    return loss\n")
    for use in ("l = 2. * total([inp])", "s = total([inp])\nl = s + 1.", "l = K.variable(0.)\nl += total([inp])"):
        code = migrate_source(HEAD + body + use + "\n", "s.py").code
        assert "    loss = keras.ops.convert_to_tensor(0., dtype=keras.backend.floatx())\n" in code, use
    for use in ("K.set_value(total([inp]), 1.)", "s = total([inp])\ns.assign(1.)", "keep = [total]"):
        result = migrate_source(HEAD + body + use + "\n", "s.py")
        assert "    loss = K.variable(0.)\n" in result.code, use
        assert (6, "warning") in _diags(result, "backend-breadth"), use
