"""removed-modules and the imports rule on keras.engine idioms of 2018-2019 libraries.

`engine = keras.engine` / `from keras import engine` stopped every module of a package at import under Keras 3;
the namespace class holds, for each 2.2.4 name of the module, the object Keras 3 has for it (from the tables).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.migrate.rules.removed_modules import namespace


def migrate(code: str):
    res = migrate_source(textwrap.dedent(code), "t.py")
    assert res.ok, [d.format() for d in res.diagnostics]
    assert migrate_source(res.code, "t.py").code == res.code  # a second run changes nothing
    assert not [d for d in migrate_source(res.code, "t.py").diagnostics if d.severity == "info"]
    return res


def test_module_as_value_becomes_the_namespace():
    res = migrate("""\
        import keras
        engine = keras.engine
        layers = keras.layers
        """)
    assert "\nengine = keras224_engine\nlayers = keras.layers\n" in res.code
    assert "class keras224_engine:" in res.code and "    Layer = keras.layers.Layer\n" in res.code


def test_from_import_of_a_removed_module():
    res = migrate("""\
        import keras
        if False:
            pass
        else:
            from keras import utils, engine, layers  # a comment
            from keras import engine as e
        """)
    assert "    from keras import utils, layers  # a comment\n    engine = keras224_engine\n" in res.code
    assert "    e = keras224_engine\n" in res.code and "from keras import engine" not in res.code


def test_names_through_removed_modules_get_their_keras3_home():
    res = migrate("""\
        import keras
        from keras.engine.topology import get_source_inputs
        s = keras.engine.InputSpec(ndim=3)
        class L(keras.engine.topology.Layer):
            pass
        """)
    assert "from keras.utils import get_source_inputs" in res.code
    assert "s = keras.layers.InputSpec(ndim=3)" in res.code and "class L(keras.layers.Layer):" in res.code


def test_namespace_comes_from_the_tables():
    kept, functions, left = namespace("keras.engine")
    assert functions == {}
    assert kept == {"Input": "keras.layers.Input", "InputLayer": "keras.layers.InputLayer",
                    "InputSpec": "keras.layers.InputSpec", "Layer": "keras.layers.Layer",
                    "Model": "keras.models.Model", "get_source_inputs": "keras.utils.get_source_inputs"}
    # its submodules have no Keras 3 home: said in a warning, so `engine.training.X` elsewhere is not silent
    assert left == [f"{m} (a submodule)" for m in ("base_layer", "input_layer", "network", "saving", "sequential",
                                                   "training", "training_arrays", "training_generator",
                                                   "training_utils")]


def test_the_submodules_without_a_home_are_warned_at_the_binding():
    res = migrate_source("import keras\nengine = keras.engine\n", "t.py")
    [w] = [d for d in res.diagnostics if d.severity == "warning" and d.rule == "removed-modules"]
    assert w.line == 2 and "training (a submodule)" in w.message and "AttributeError" in w.message


@pytest.mark.tf
def test_the_namespace_holds_keras3_objects_and_a_layer_built_on_it_runs(tmp_path):
    res = migrate("""\
        import numpy as np
        import keras
        from keras import engine
        class Scale(engine.Layer):
            def build(self, input_shape):
                self.spec = engine.InputSpec(ndim=2)
                self.w = self.add_weight(name='w', shape=(input_shape[-1],), initializer='ones')
                super(Scale, self).build(input_shape)
            def call(self, x):
                return x * self.w
        x = engine.Input(shape=(3,))
        m = engine.Model(x, Scale()(x))
        print(float(m.predict(np.ones((1, 3)), verbose=0).sum()))
        print(engine.Layer is keras.layers.Layer, engine.get_source_inputs is keras.utils.get_source_inputs)
        """)
    script = tmp_path / "m.py"
    script.write_text(res.code)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-3:] == ["3.0", "True", "True"]


def test_a_module_with_2_2_4_functions_keras3_lacks_gets_them_as_helpers():
    kept, functions, left = namespace("keras.utils.conv_utils")
    assert kept == {}
    assert sorted(functions) == ["conv_input_length", "conv_output_length", "convert_kernel", "deconv_length",
                                 "normalize_padding", "normalize_tuple"]
    assert left == ["K (a submodule)"]
