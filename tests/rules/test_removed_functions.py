"""2.2.4 names Keras 3 lacks, carried over (issue 17): 2.2.4's own functions defined in the script
(removed-functions, and removed-modules' namespaces), modules 2.2.4 bound in its own modules (bound-modules),
keras_applications' imagenet_utils, and uses guarded against a name's absence.  Executed against genuine 2.2.4:
tests/numeric/test_removed_functions_numeric.py."""
from __future__ import annotations

import ast

import pytest

from kfn_gen.keras224 import api as api224
from kfn_gen.migrate.helpers.functions import FUNCTIONS
from kfn_gen.migrate.pipeline import migrate_source


def _migrate(source: str):
    result = migrate_source(source, "s.py")
    assert result.code is not None, [d.format() for d in result.diagnostics]
    return result


def _noisy(result, severity=("warning", "error")):
    return [d.format() for d in result.diagnostics if d.severity in severity]


def _defined(code: str) -> set[str]:
    return {n.name for n in ast.parse(code).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("path", sorted(FUNCTIONS))
def test_each_helper_is_one_definition_of_its_name(path):
    helper = FUNCTIONS[path]
    code = helper.template.format(name=helper.wanted)
    tree = ast.parse(code)
    assert len(tree.body) == 1 and isinstance(tree.body[0], (ast.FunctionDef, ast.ClassDef))
    assert tree.body[0].name == helper.wanted


def test_an_imported_function_is_bound_to_2_2_4s_own_and_the_rest_of_the_import_stays():
    result = _migrate("from keras.models import model_from_config, Sequential, model_from_config\n"
                      "def clone(m):\n    return model_from_config({'class_name': 'Sequential', "
                      "'config': m.get_config()})\n")
    code = result.code
    assert "from keras.models import Sequential\n" in code
    assert "model_from_config = keras224_model_from_config\n" in code
    assert code.count("model_from_config = keras224_model_from_config") == 1  # imported twice, bound once
    assert _defined(code) >= {"keras224_model_from_config", "clone"}
    assert not _noisy(result)


def test_an_alias_is_bound_and_a_line_with_only_helpers_becomes_bindings():
    code = _migrate("from keras.utils.conv_utils import normalize_tuple as nt, conv_output_length\n"
                    "k = nt(3, 2, 'k')\nn = conv_output_length(7, 3, 'same', 2)\n").code
    assert "from keras.utils.conv_utils" not in code
    assert "nt = keras224_normalize_tuple\nconv_output_length = keras224_conv_output_length\n" in code
    assert _defined(code) == {"keras224_normalize_tuple", "keras224_conv_output_length"}


def test_a_name_spelled_out_in_full_becomes_the_helper():
    result = _migrate("import keras\nk = keras.utils.conv_utils.normalize_tuple(3, 2, 'k')\n")
    assert "k = keras224_normalize_tuple(3, 2, 'k')" in result.code
    assert not _noisy(result)


def test_applications_code_gets_its_private_helpers_and_imagenet_utils_moves():
    source = ("from keras_applications.imagenet_utils import _obtain_input_shape\n"
              "from keras_applications import correct_pad\n"
              "from keras_applications import imagenet_utils\n"
              "from keras import backend\n"
              "import keras\n"
              "if keras.__version__ < '2.2.0':\n"
              "    from keras.applications.imagenet_utils import _obtain_input_shape\n"
              "def preprocess_input(x):\n    return imagenet_utils.preprocess_input(x, mode='tf')\n"
              "shape = _obtain_input_shape(None, 224, 32, backend.image_data_format(), False)\n")
    result = _migrate(source)
    code = result.code
    assert "from keras.applications import imagenet_utils\n" in code
    assert "_obtain_input_shape = keras224_obtain_input_shape" in code
    assert "    _obtain_input_shape = keras224_obtain_input_shape" in code  # the guarded one too
    assert "correct_pad = keras224_correct_pad" in code
    assert "keras_applications" not in code.replace("keras_applications 1.0.6", "")
    assert not _noisy(result)  # keras.__version__ is Keras 3's too: no warning


def test_a_companion_import_with_a_name_keras3_lacks_is_left_and_reported():
    result = _migrate("from keras_applications import get_submodules_from_kwargs, imagenet_utils\n")
    assert result.code == "from keras_applications import get_submodules_from_kwargs, imagenet_utils\n"
    assert any("keras_applications" in d for d in _noisy(result, ("warning",)))


def test_a_removed_module_namespace_holds_only_the_helpers_the_script_reaches():
    code = _migrate("from keras.utils import conv_utils\n"
                    "def build(k):\n    return conv_utils.normalize_tuple(k, 2, 'kernel_size')\n").code
    assert "conv_utils = keras224_utils_conv_utils\n" in code
    assert "    normalize_tuple = keras224_normalize_tuple\n" in code
    assert _defined(code) == {"keras224_normalize_tuple", "keras224_utils_conv_utils", "build"}
    # the function comes before the class body that names it
    assert code.index("def keras224_normalize_tuple") < code.index("class keras224_utils_conv_utils")
    ns = {}
    exec(compile(code.replace("import keras\n", ""), "s.py", "exec"), ns)
    assert ns["build"](3) == (3, 3)


def test_migrating_twice_changes_nothing_more():
    source = ("from keras.utils.conv_utils import normalize_tuple\nfrom keras import backend as K\n"
              "from keras.layers import *\nx = K.tf.zeros((2,))\ny = np.zeros(normalize_tuple(2, 1, 'n'))\n")
    once = _migrate(source).code
    assert _migrate(once).code == once


# ----- bound-modules -----

def test_the_backend_s_tf_and_np_become_the_modules():
    result = _migrate("from keras import backend as K\ndef f(x, t):\n    m = K.tf.slice(x, [0, t], [-1, 2])\n"
                      "    return m * K.np.float32(2.0)\n")
    code = result.code
    assert "import numpy as np\n" in code and "import tensorflow as tf\n" in code
    assert "m = tf.slice(x, [0, t], [-1, 2])" in code and "return m * np.float32(2.0)" in code
    assert not _noisy(result)


def test_the_script_s_own_name_for_the_module_is_used_and_a_taken_name_is_avoided():
    code = _migrate("import tensorflow as T\nfrom keras import backend as K\ntf = 3\nnp = 4\n"
                    "a = K.tf.zeros(2)\nb = K.np.ones(2)\n").code
    assert "a = T.zeros(2)" in code
    assert "import numpy as np_1\n" in code and "b = np_1.ones(2)" in code


def test_a_module_a_2_2_4_star_import_bound_is_imported():
    result = _migrate("from keras.layers import *\nz = np.zeros(3)\n")
    assert "import numpy as np\n" in result.code
    assert not _noisy(result)


def test_the_api_table_records_modules_and_constants_2_2_4_bound():
    assert api224.names_in("keras.backend")["tf"] == "pymodule:tensorflow"
    assert api224.names_in("keras.layers")["np"] == "pymodule:numpy"
    assert api224.names_in("keras_applications.vgg16")["WEIGHTS_PATH_NO_TOP"].startswith("value:")
    assert api224.resolve("keras.applications.vgg16.vgg16.WEIGHTS_PATH_NO_TOP").ok
    assert not api224.resolve("keras.applications.vgg16.vgg16.WEIGHTS_PATH_NO_TOPP").ok


# ----- refuse only what is certainly wrong -----

@pytest.mark.parametrize("source", [
    "import keras.optimizers as optimizers\ndef clone(c):\n    if hasattr(optimizers, 'optimizer_from_config'):\n"
    "        return optimizers.optimizer_from_config(c)\n    return optimizers.deserialize(c)\n",
    "try:\n    from keras.layers import CuDNNLSTMX\nexcept ImportError:\n    CuDNNLSTMX = None\n",
    "import keras\ntry:\n    f = keras.utils.multi_gpu_modelx\nexcept (AttributeError, ImportError):\n    f = None\n",
    "from keras import backend as K\ndef f(x):\n    if K.backend() == 'theano':\n        x = K.T.unbroadcast(x, 1)\n"
    "    return x\n",
    "from keras import backend as K\nslow = K.backend() == 'cntk' and K.dev.type() == 0\n",
])
def test_a_use_guarded_against_the_name_s_absence_is_a_warning(source):
    result = _migrate(source)
    assert not _noisy(result, ("error",))
    assert any("guards this use" in d for d in _noisy(result, ("warning",)))


@pytest.mark.parametrize("source", [
    "from keras import layers\ndef f():\n    return layers.Activition('relu')\n",  # a typo, unguarded
    "from keras import layers\ntry:\n    x = 1\nexcept ImportError:\n    a = layers.Activition('relu')\n",
    "import keras.optimizers as optimizers\nif hasattr(optimizers, 'other'):\n    optimizers.optimizer_from_config(1)\n",
    "from keras import backend as K\nif K.backend() == 'tensorflow':\n    x = K.T.unbroadcast(1, 1)\n",
])
def test_an_unguarded_miss_is_still_an_error(source):
    result = migrate_source(source, "s.py")
    assert result.code is None
    assert any("in Keras 2.2.4" in d for d in _noisy(result, ("error",)))


def test_multi_gpu_model_becomes_the_model_itself_with_a_warning():
    result = _migrate("from keras.utils import multi_gpu_model\nfrom keras.models import Sequential\n"
                      "model = Sequential()\nparallel = multi_gpu_model(model, gpus=2)\n")
    assert "multi_gpu_model = keras224_multi_gpu_model\n" in result.code
    assert any("the same numbers, on one device" in d for d in _noisy(result, ("warning",)))
    ns = {}
    exec(compile(result.code.split("multi_gpu_model = ")[0], "s.py", "exec"), ns)
    model = object()
    assert ns["keras224_multi_gpu_model"](model, gpus=2) is model
    with pytest.raises(ValueError, match="gpus >= 2"):
        ns["keras224_multi_gpu_model"](model, gpus=1)
    with pytest.raises(ValueError, match="len\\(gpus\\) >= 2"):
        ns["keras224_multi_gpu_model"](model, gpus=[0])


def test_a_module_keras3_keeps_but_for_functions_the_script_reaches_becomes_a_namespace():
    result = _migrate("from keras.utils import layer_utils\n"
                      "def load(model, dense):\n    layer_utils.convert_all_kernels_in_model(model)\n"
                      "    layer_utils.convert_dense_weights_data_format(dense, (2, 3, 4))\n"
                      "    return layer_utils.get_source_inputs\n")
    code = result.code
    assert "layer_utils = keras224_utils_layer_utils\n" in code
    for line in ("    convert_all_kernels_in_model = keras224_convert_all_kernels_in_model\n",
                 "    convert_dense_weights_data_format = keras224_convert_dense_weights_data_format\n",
                 "    get_source_inputs = keras.utils.get_source_inputs\n"):
        assert line in code
    assert not _noisy(result)  # count_params, print_summary: not reached, not warned about


def test_keras1_interface_decorators_are_2_2_4_s_built_from_its_own_arguments():
    result = _migrate("from keras.legacy import interfaces\nfrom keras.engine import Layer\n"
                      "class Resize(Layer):\n    @interfaces.legacy_upsampling2d_support\n"
                      "    def __init__(self, size=(2, 2), data_format=None, **kwargs):\n"
                      "        super(Resize, self).__init__(**kwargs)\n")
    code = result.code
    assert ("    legacy_upsampling2d_support = keras224_legacy_interface(['size'], [('dim_ordering', 'data_format')],"
            " {'dim_ordering': {'tf': 'channels_last', 'th': 'channels_first', 'default': None}})\n") in code
    assert "interfaces = keras224_legacy_interfaces\n" in code
    assert not _noisy(result)


# ----- backend-ops: an import of a backend function every use of which is rewritten -----

def test_a_backend_function_imported_by_name_loses_its_import_once_every_call_is_rewritten():
    result = _migrate("from keras.backend import int_shape, permute_dimensions, epsilon\n"
                      "def f(x):\n    return int_shape(x)[1], permute_dimensions(x, (0, 2, 1)), epsilon()\n")
    assert result.code.startswith("from keras.backend import epsilon\n")
    assert "tuple(x.shape)[1], keras.ops.transpose(x, (0, 2, 1))" in result.code
    assert not _noisy(result)


def test_the_import_stays_while_a_use_is_not_rewritten():
    result = _migrate("from keras.backend import int_shape\nshape_of = int_shape\ndef f(x):\n"
                      "    return int_shape(x)\n")
    assert result.code.startswith("from keras.backend import int_shape\n")
    assert any("int_shape" in d for d in _noisy(result, ("warning",)))


def test_a_layer_on_2_2_4_s_private_merge_base_gets_2_2_4_s_class():
    result = _migrate("from keras.layers.merge import _Merge\nclass WeightedSum(_Merge):\n"
                      "    def _merge_function(self, inputs):\n        return 0.3 * inputs[0] + 0.7 * inputs[1]\n")
    code = result.code
    assert "from keras.layers" not in code  # the import is replaced, not moved first
    assert "_Merge = keras224_Merge\n" in code and "class keras224_Merge(keras.layers.Layer):" in code
    assert not _noisy(result)
    assert [d.rule for d in result.diagnostics] == ["removed-functions"]


@pytest.mark.parametrize("source,warned", [
    ("from keras.optimizers import Optimizer\nclass Padam(Optimizer):\n    def get_updates(self, loss, params):\n"
     "        return []\n", True),
    ("import keras\nclass Padam(keras.optimizers.Optimizer):\n    def get_updates(self, loss, params):\n"
     "        return []\n", True),
    # already ported to Keras 3's API, or not an optimizer: nothing to say
    ("from keras.optimizers import Optimizer\nclass P(Optimizer):\n    def update_step(self, g, v, lr):\n"
     "        pass\n    def get_updates(self, loss, params):\n        return []\n", False),
    ("class Schedule:\n    def get_updates(self, loss, params):\n        return []\nimport keras\n", False),
])
def test_a_2_2_4_custom_optimizer_is_reported(source, warned):
    result = _migrate(source)
    assert any("never calls get_updates" in d for d in _noisy(result, ("warning",))) == warned


# ----- removed-constants, and a private backend function reached through K -----

def test_a_2_2_4_constant_keras3_lacks_becomes_its_2_2_4_value():
    result = _migrate("import keras\nfrom keras_applications.vgg16 import WEIGHTS_PATH\n"
                      "url = keras.applications.vgg16.vgg16.WEIGHTS_PATH_NO_TOP\n")
    code = result.code
    assert "WEIGHTS_PATH = 'https://github.com/fchollet/deep-learning-models/releases/download/v0.1/" \
           "vgg16_weights_tf_dim_ordering_tf_kernels.h5'\n" in code
    assert "url = 'https://github.com/fchollet/deep-learning-models/releases/download/v0.1/" \
           "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5'\n" in code
    assert "keras_applications" not in code and not _noisy(result)


def test_only_upper_case_literal_constants_are_recorded():
    assert api224.value("value:keras_applications.imagenet_utils.CLASS_INDEX") is None  # None until loaded
    assert api224.value("value:keras_applications.imagenet_utils.CLASS_INDEX_PATH").startswith("'https://")


def test_the_private_gpu_list_reached_through_k_becomes_2_2_4_s():
    result = _migrate("from keras import backend as K\nn = len(K.tensorflow_backend._get_available_gpus())\n")
    assert "n = len(keras224_get_available_gpus())" in result.code
    assert "tf.config.list_logical_devices('GPU')" in result.code
    assert not _noisy(result)


def test_keras_version_imported_by_name_is_not_reported():
    result = _migrate("from keras import __version__ as KERAS_VERSION\nimport keras\n")
    assert not _noisy(result)


def test_a_keras1_recurrent_layer_gets_2_2_4_s_recurrent_base():
    result = _migrate("from keras.layers.recurrent import Recurrent\nclass MinimalRNN(Recurrent):\n"
                      "    def step(self, inputs, states):\n        return inputs, states\n")
    assert "Recurrent = keras224_Recurrent\n" in result.code
    assert "class keras224_Recurrent(keras.layers.Layer):" in result.code
    assert not _noisy(result)
