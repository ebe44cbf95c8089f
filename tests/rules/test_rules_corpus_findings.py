"""Before/after tests for what the sweep over Keras 2.2.4's own tests found
(tests/corpus/test_corpus_keras224.py): each case failed before its fix."""
from __future__ import annotations

from kfn_gen.migrate.pipeline import migrate_source


def _run(src):
    result = migrate_source(src, "t.py")
    assert result.code is not None, [d.format() for d in result.diagnostics]
    return result, [(d.line, d.severity, d.rule) for d in result.diagnostics]


def test_internal_name_is_not_moved_to_a_home_that_lacks_it():
    # (a 2.2.4 function with a helper, such as convert_dense_weights_data_format, makes the module a namespace
    # instead: tests/rules/test_removed_functions.py)
    result, diags = _run("from keras.utils.generic_utils import slice_arrays, Progbar\n"
                         "from keras.utils import layer_utils, np_utils\n"
                         "x = layer_utils.count_params\n"
                         "y = np_utils.to_categorical\n")
    assert result.code == ("from keras.utils.generic_utils import slice_arrays\n"
                           "from keras.utils import Progbar\n"
                           "from keras.utils import layer_utils\n"
                           "from keras import utils as np_utils\n"
                           "x = layer_utils.count_params\n"
                           "y = np_utils.to_categorical\n")
    assert (1, "warning", "imports") in diags and (2, "warning", "imports") in diags


def test_private_name_warns_instead_of_refusing_the_file():
    # (a private name with a helper, such as _get_available_gpus, is replaced: tests/rules/test_removed_functions.py)
    result, diags = _run("from keras import backend as K\nfrom keras.layers import Dense\n"
                         "devices = K.tensorflow_backend._get_current_tf_device()\nd = Dense(2)\n")
    assert "devices = K.tensorflow_backend._get_current_tf_device()\n" in result.code
    (msg,) = [d.message for d in result.diagnostics if d.line == 3 and d.severity == "warning"]
    assert "private to Keras 2.2.4" in msg and "copy what it did from Keras 2.2.4's source" in msg


def test_metrics_cosine_proximity_goes_where_keras3_has_it():
    result, diags = _run("from keras import metrics\nf = metrics.cosine_proximity\ng = metrics.mse\n")
    assert "f = keras.losses.cosine_similarity\n" in result.code
    assert "g = metrics.mean_squared_error\n" in result.code  # keras.metrics has this one
    result, diags = _run("from keras.metrics import cosine_proximity\n")
    assert result.code == "from keras.metrics import cosine_proximity\n"
    assert diags == [(1, "warning", "renamed-names")]


def test_second_run_adds_no_second_learning_rate():
    once, _ = _run("from keras import optimizers\nopt = optimizers.Adadelta()\n")
    assert once.code.count("learning_rate=1.0") == 1
    again, _ = _run(once.code)
    assert again.code == once.code


def test_sequential_that_starts_with_an_input_gets_no_second_input():
    src = ("import keras\nfrom keras.models import Sequential\nfrom keras.layers import Embedding\n"
           "m = Sequential([keras.Input(shape=(3,)), Embedding(10, 4)])\n"
           "n = Sequential()\nn.add(keras.Input(batch_shape=(2, 5)))\nn.add(Embedding(10, 4))\n")
    result, _ = _run(src)
    assert result.code == src


# Found by the breadth corpus (tests/corpus/test_corpus_breadth.py, slow tier): second runs that changed the code.
def test_keras3_spellings_are_not_respelled():
    """keras-vis: keras.Model exists in Keras 3; the keras.engine-name rewrite must not turn it into
    keras.models.Model on a second run."""
    code = "import keras\nx = keras.Input(shape=(3,))\nm = keras.Model(x, keras.layers.Dense(2)(x))\n"
    res = migrate_source(code, "t.py")
    assert res.code == code and not res.edits


def test_positional_compile_in_a_function_is_stable():
    """segmentation-models' recompile(model): compile-metrics keywords the positional call; the second run
    must not then take it for a new model compile and add the trainable-at-compile helper."""
    code = ("import keras\n\ndef freeze(model):\n    for layer in model.layers:\n        layer.trainable = False\n"
            "\ndef recompile(model):\n    model.compile(model.optimizer, model.loss, model.metrics)\n")
    first = migrate_source(code, "t.py")
    assert first.ok
    assert migrate_source(first.code, "t.py").code == first.code


def test_an_unused_2_2_4_module_import_moves_to_its_home():
    # `from keras.utils import np_utils` that nothing reads still fails at import on Keras 3
    result, diags = _run("from keras.utils import np_utils, to_categorical\n")
    assert result.code == "from keras import utils as np_utils\nfrom keras.utils import to_categorical\n"
    assert not [d for d in diags if d[1] != "info"]


def test_a_sequential_s_own_input_and_output_become_its_built_graph():
    # Keras 3's Sequential has .input/.output only once called on a tensor (AttributeError otherwise)
    result, diags = _run("from keras.models import Sequential, Model\nfrom keras.layers import Dense\n"
                         "model = Sequential([Dense(8, input_shape=(4,)), Dense(2)])\n"
                         "feat = Model(model.input, model.layers[0].output)\nlast = model.get_output_at(0)\n")
    assert "feat = Model(model.inputs[0], model.layers[0].output)\n" in result.code
    assert "last = model.outputs[0]\n" in result.code
    # a functional model keeps .input/.output in Keras 3
    result, _ = _run("from keras.models import Model\nfrom keras.layers import Input, Dense\nx = Input(shape=(3,))\n"
                     "m = Model(x, Dense(2)(x))\nf = Model(m.input, m.output)\n")
    assert "f = Model(m.input, m.output)\n" in result.code
