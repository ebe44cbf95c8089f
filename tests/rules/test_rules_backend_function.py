"""Before/after tests for migrate/rules/backend_function.py: K.function(inputs, outputs) -> keras224_function.

Numbers against genuine Keras 2.2.4 are in tests/numeric/test_rules_backend_function_numeric.py.
"""
from __future__ import annotations

import libcst as cst
import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.migrate.rules.backend_function import HELPER

HEAD = "from keras import backend as K\nfrom keras.layers import Input, Dense\nfrom keras.models import Model\n" \
       "x = Input(shape=(4,))\nh = Dense(3)(x)\nmodel = Model(x, h)\n"

MIGRATED = {
    "f = K.function([x], [h])\n": "f = keras224_function([x], [h])\n",
    "f = K.function([model.input, K.learning_phase()], [model.layers[1].output])\n":
        "f = keras224_function([model.input], [model.layers[1].output], learning_phase=1)\n",
    "f = K.function([K.learning_phase(), x], [h, model.output])\n":
        "f = keras224_function([x], [h, model.output], learning_phase=0)\n",
    "f = K.function(model.inputs + [K.learning_phase()], [model.output])\n":
        "f = keras224_function(list(model.inputs), [model.output], learning_phase=-1)\n",
    "f = K.function(inputs=[x], outputs=[h], name='probe')\n": "f = keras224_function([x], [h])\n",
    "f = K.function([x], [h], updates=[])\n": "f = keras224_function([x], [h])\n",
    "outs = [h]\nf = K.function([x], outs)\n": "outs = [h]\nf = keras224_function([x], outs)\n",
}

KEPT = {  # left for a hand migration: the backend-breadth warning stays
    # K.gradients(loss, variables) itself becomes keras224_gradients (migrate/rules/gradients.py, tests/
    # test_rules_gradients.py); keywords and optimizer gradients stay by hand
    "gradients": "loss = K.sum(h)\ngrads = K.gradients(loss=loss, variables=x)\noutputs = [loss]\noutputs += grads\n"
                 "f = K.function([x], outputs)\n",
    "gradients_inline": "f = K.function([x], K.gradients(K.sum(h), variables=[x]))\n",
    "appended_gradients": "outs = [h]\nouts.append(model.optimizer.get_gradients(K.sum(h), [x])[0])\n"
                          "f = K.function([x], outs)\n",
    "total_loss": "f = K.function([x], [model.total_loss])\n",
    "updates": "f = K.function([x], [h], updates=model.updates)\n",
    "learning_phase_in_a_variable": "ins = [x, K.learning_phase()]\nf = K.function(ins, [h])\n",
    "two_learning_phases": "f = K.function([x, K.learning_phase(), K.learning_phase()], [h])\n",
}


@pytest.mark.parametrize("before", sorted(MIGRATED))
def test_k_function_becomes_the_helper(before):
    result = migrate_source(HEAD + before, "t.py")
    assert result.ok
    code = result.code
    assert code.endswith(MIGRATED[before])
    assert code.count("def keras224_function(") == 1
    assert HELPER.format(name="keras224_function") in code
    assert "import keras\n" in code
    cst.parse_module(code)
    rules = [(d.severity, d.rule) for d in result.diagnostics if "function" in d.message.lower()
             and d.rule in ("backend-breadth", "backend-function", "backend-ops")]
    assert ("info", "backend-function") in rules and ("warning", "backend-breadth") not in rules, rules
    assert not any("learning_phase" in d.message and d.severity == "warning" for d in result.diagnostics)
    # a second run changes nothing
    again = migrate_source(code, "t.py")
    assert again.code == code


@pytest.mark.parametrize("name", sorted(KEPT))
def test_k_function_with_gradients_or_training_tensors_keeps_the_warning(name):
    result = migrate_source(HEAD + KEPT[name], "t.py")
    assert "keras224_function" not in result.code
    assert "K.function(" in result.code
    assert any(d.rule == "backend-breadth" and d.severity == "warning" and d.message.startswith("K.function")
               for d in result.diagnostics)


def test_image_ocr_decoding_function():
    src = HEAD + "def train():\n    test_func = K.function([x], [h])\n    return test_func\n" \
                 "def decode_batch(test_func, word_batch):\n    out = test_func([word_batch])[0]\n    return out\n"
    code = migrate_source(src, "t.py").code
    assert "    test_func = keras224_function([x], [h])\n" in code
    assert "    out = test_func([word_batch])[0]\n" in code  # the call site is 2.2.4's list in, list out


def test_helper_name_avoids_the_scripts_names():
    src = HEAD + "keras224_function = 3\nf = K.function([x], [h])\n"
    code = migrate_source(src, "t.py").code
    assert "def keras224_function_1(" in code and "f = keras224_function_1([x], [h])" in code
    assert "keras224_function = 3\n" in code


def test_backend_calls_inside_the_arguments_are_migrated_too():
    """The K.function rewrite keeps the edits inside its arguments (it dropped them before: the
    migrated script still called K.shape / K.mean, which Keras 3's keras.backend lacks)."""
    src = ("from keras import backend as K\nfrom keras.layers import Input\n"
           "img = Input(shape=(3,))\nf = K.function([img], [K.shape(img), K.mean(img)])\n"
           "g = K.function([img, K.learning_phase()], [K.sum(img)])\n")
    code = migrate_source(src, "s.py").code
    assert "f = keras224_function([img], [keras224_shape(img), keras.ops.mean(img)])\n" in code
    assert "g = keras224_function([img], [keras.ops.sum(img)], learning_phase=1)\n" in code
