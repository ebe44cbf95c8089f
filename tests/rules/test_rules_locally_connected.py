"""Before/after tests for LocallyConnected1D/2D, MaxoutDense and Highway -> 2.2.4's own layer defined
in the script (migrate/rules/layers_removed.py, migrate/helpers/locally_connected.py, migrate/helpers/legacy_layers.py).  The
numbers are compared with genuine 2.2.4 in tests/numeric/test_locally_connected_numeric.py and
tests/numeric/test_legacy_layers_numeric.py."""
from __future__ import annotations

from kfn_gen.migrate.pipeline import migrate_source

SRC = '''\
from keras.layers import LocallyConnected1D, Dense
from keras import layers
a = LocallyConnected1D(8, 3)
d = layers.LocallyConnected2D(4, 3, 3, activation='relu')
e = Dense(2)
'''


def test_calls_get_the_helper_classes_and_the_import_goes():
    result = migrate_source(SRC, "t.py")
    code = result.code
    assert code.startswith("from keras.layers import Dense\nfrom keras import layers\nimport keras\n")
    assert code.count("class keras224_LocallyConnected1D(keras.layers.Layer):") == 1
    assert code.count("class keras224_LocallyConnected2D(keras.layers.Layer):") == 1
    assert code.endswith("a = keras224_LocallyConnected1D(8, 3)\n"
                         "d = keras224_LocallyConnected2D(4, (3, 3), activation='relu')\ne = Dense(2)\n")
    diags = [(d.line, d.severity, d.rule) for d in result.diagnostics]
    assert (1, "info", "layers-removed") in diags and (3, "info", "layers-removed") in diags
    assert (4, "info", "layers-removed") in diags and not [d for d in diags if d[1] != "info"]
    assert migrate_source(code, "t.py").code == code  # idempotent
    compile(code, "t.py", "exec")


def test_import_kept_while_the_name_is_used_otherwise():
    src = SRC + "ok = isinstance(a, LocallyConnected1D)\n"
    result = migrate_source(src, "t.py")
    code = result.code
    assert code.startswith("from keras.layers import LocallyConnected1D, Dense\n")
    assert [(d.line, d.col, d.severity) for d in result.diagnostics if d.rule == "layers-removed"
            and "not rewritten" in d.message] == [(6, 20, "warning")]
    assert "a = keras224_LocallyConnected1D(8, 3)\n" in code


def test_maxout_and_highway_get_their_2_2_4_classes():
    src = ("from keras.layers import MaxoutDense, Highway\n"
           "b = MaxoutDense(10, nb_feature=4, init='he_normal')\nc = Highway(activation='relu')\n")
    result = migrate_source(src, "t.py")
    code = result.code
    assert code.count("class keras224_MaxoutDense(keras.layers.Layer):") == 1
    assert code.count("class keras224_Highway(keras.layers.Layer):") == 1
    assert code.endswith("b = keras224_MaxoutDense(10, nb_feature=4, init='he_normal')\n"
                         "c = keras224_Highway(activation='relu')\n")
    assert "from keras.layers import" not in code
    assert not [d for d in result.diagnostics if d.severity != "info"]
    assert migrate_source(code, "t.py").code == code
