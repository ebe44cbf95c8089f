"""Before/after tests for migrate/rules/gradients.py: K.gradients(loss, variables) -> keras224_gradients.

Numbers against genuine Keras 2.2.4 are in tests/numeric/test_rules_gradients_numeric.py.
"""
from __future__ import annotations

import libcst as cst
import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.migrate.rules.backend_function import HELPER as FUNCTION_HELPER
from kfn_gen.migrate.helpers.gradients import HELPER

HEAD = "from keras import backend as K\nfrom keras.layers import Input, Dense\nfrom keras.models import Model\n" \
       "x = Input(shape=(4,))\nh = Dense(3)(x)\nmodel = Model(x, h)\n"

# the conv_filter_visualization idiom: gradient, normalized by backend ops, fetched with K.function
ASCENT = "loss = K.mean(h[:, 1])\ngrads = K.gradients(loss, x)[0]\n" \
         "grads = grads / (K.sqrt(K.mean(K.square(grads))) + K.epsilon())\n" \
         "iterate = K.function([x], [loss, grads])\n"
ASCENT_AFTER = "loss = keras.ops.mean(h[:, 1])\ngrads = keras224_gradients(loss, x)[0]\n" \
               "grads = grads / (keras.ops.sqrt(keras.ops.maximum(keras.ops.mean(keras.ops.square(grads)), 0.0)) " \
               "+ K.epsilon())\niterate = keras224_function([x], [loss, grads])\n"

MIGRATED = {
    ASCENT: ASCENT_AFTER,
    "g = K.gradients(K.sum(h), [x])\n": "g = keras224_gradients(keras.ops.sum(h), [x])\n",
    # deep_dream / neural_style_transfer: outputs built by `+=` on the gradient list
    "loss = K.sum(h)\ngrads = K.gradients(loss, x)\noutputs = [loss]\noutputs += grads\n"
    "f = K.function([x], outputs)\n":
        "loss = keras.ops.sum(h)\ngrads = keras224_gradients(loss, x)\noutputs = [loss]\noutputs += grads\n"
        "f = keras224_function([x], outputs)\n",
}

KEPT = {  # keywords / *args: backend-breadth's warning stays and K.function around them is not migrated
    "keywords": "g = K.gradients(loss=K.sum(h), variables=[x])\nf = K.function([x], g)\n",
    "star": "args = (K.sum(h), [x])\ng = K.gradients(*args)\nf = K.function([x], g)\n",
}


@pytest.mark.parametrize("before", sorted(MIGRATED))
def test_k_gradients_becomes_the_helper(before):
    result = migrate_source(HEAD + before, "t.py")
    assert result.ok
    code = result.code
    assert code.endswith(MIGRATED[before]), code[-600:]
    assert code.count("def keras224_gradients(") == 1
    assert HELPER.format(name="keras224_gradients") in code
    if "keras224_function(" in MIGRATED[before]:
        assert FUNCTION_HELPER.format(name="keras224_function") in code
    assert "import keras\n" in code
    cst.parse_module(code)
    assert ("info", "gradients") in [(d.severity, d.rule) for d in result.diagnostics]
    # no "migrate by hand" warning is left for K.gradients or K.function
    assert not [d for d in result.diagnostics if d.severity == "warning"], result.diagnostics
    again = migrate_source(code, "t.py")
    assert again.code == code


@pytest.mark.parametrize("name", sorted(KEPT))
def test_other_call_shapes_keep_the_warning(name):
    result = migrate_source(HEAD + KEPT[name], "t.py")
    assert "keras224_gradients" not in result.code and "keras224_function" not in result.code
    assert "K.gradients(" in result.code and "K.function(" in result.code
    warned = [d.message for d in result.diagnostics if d.rule == "backend-breadth" and d.severity == "warning"]
    assert any(m.startswith("K.gradients") for m in warned) and any(m.startswith("K.function") for m in warned)


def test_helper_name_avoids_the_scripts_names():
    code = migrate_source(HEAD + "keras224_gradients = 3\ng = K.gradients(K.sum(h), x)\n", "t.py").code
    assert "def keras224_gradients_1(" in code and "g = keras224_gradients_1(keras.ops.sum(h), x)" in code
    assert "keras224_gradients = 3\n" in code


def test_gradients_inside_a_lambda_function_keep_the_warning():
    """mnist_swwae: K.gradients between two tensors the Lambda receives (a MaxPooling2D input and
    output computed outside it) cannot be taken by a GradientTape inside the Lambda: warned, not rewritten."""
    src = (
        "from keras import backend as K\n"
        "from keras.layers import Lambda, Input, MaxPooling2D\n"
        "def getwhere(x):\n"
        "    pre, post = x\n"
        "    return K.gradients(K.sum(post), pre)\n"
        "inp = Input((4, 4, 1))\n"
        "pooled = MaxPooling2D()(inp)\n"
        "where = Lambda(getwhere, output_shape=lambda x: x[0])([inp, pooled])\n"
        "w2 = Lambda(lambda x: K.gradients(K.sum(x[1]), x[0]))([inp, pooled])\n"
    )
    res = migrate_source(src, "s.py")
    assert "keras224_gradients" not in res.code
    assert "K.gradients(keras.ops.sum(post), pre)" in res.code
    warned = sorted(d.line for d in res.diagnostics if d.severity == "warning" and "gradients" in d.message)
    assert warned == [5, 9]
