"""Rule-by-rule before/after tests of the seed rules (breadth rules: test_rules_breadth.py)."""
from __future__ import annotations

import textwrap

import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.options import Options


def migrate(before: str, **options) -> tuple[str, list[str]]:
    result = migrate_source(textwrap.dedent(before), "t.py", Options(**options))
    assert result.code is not None, [d.format() for d in result.diagnostics]
    return result.code, [f"{d.line}:{d.severity}:{d.rule}" for d in result.diagnostics]


def body(code: str) -> str:
    """The script without the prelude kfn-gen adds (helper definitions)."""
    return "\n".join(line for line in code.splitlines() if line and not line.startswith(("@", "def keras224", "    ")))


def test_get_output_at_resolves_to_the_variable_of_that_call():
    code, diags = migrate("""\
        from keras.layers import Input, Dense
        a = Input(shape=(3,))
        b = Input(shape=(3,))
        d = Dense(2)
        x = d(a)
        y = d(b)
        assert d.get_output_at(1) == y
        s = d.get_input_at(0)
        t = d.get_output_shape_at(1)
        """)
    assert "assert y is y" in code
    assert "s = a\n" in code
    assert "t = y.shape\n" in code
    assert "7:info:node-access" in diags


def test_model_node_zero_is_its_own_construction():
    code, _ = migrate("""\
        from keras.layers import Input, Dense
        from keras.models import Model
        i = Input(shape=(3,))
        inner = Model(i, Dense(2)(i))
        j = Input(shape=(3,))
        z = inner(j)
        first = inner.get_output_at(1)
        own = inner.get_output_at(0)
        """)
    assert "first = z\n" in code
    assert "own = inner.output\n" in code


def test_ambiguous_output_of_shared_layer_is_a_warning_not_an_edit():
    code, diags = migrate("""\
        from keras.layers import Input, Dense
        a = Input(shape=(3,))
        d = Dense(2)
        x = d(a)
        y = d(a)
        d.output
        """)
    assert code.endswith("d.output\n")
    assert "6:warning:node-access" in diags


def test_sequential_add_with_input_dim_gets_leading_input():
    code, _ = migrate("""\
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential()
        model.add(Dense(64, activation='relu', input_dim=20))  # first
        """)
    assert "import keras\n" in code
    assert "model.add(keras.Input(shape=(20,)))\nmodel.add(Dense(64, activation='relu'))  # first\n" in code


def test_sequential_list_and_embedding():
    code, _ = migrate("""\
        from keras.models import Sequential
        from keras.layers import Dense, Embedding, LSTM
        m = Sequential([
            Embedding(1000, 64, input_length=10),
            Dense(1),
        ])
        """)
    assert "    keras.Input(shape=(10,)),\n    Embedding(1000, 64),\n" in code


def test_batch_input_shape_becomes_batch_shape():
    code, _ = migrate("""\
        from keras.models import Sequential
        from keras.layers import LSTM
        m = Sequential()
        m.add(LSTM(4, batch_input_shape=(32, 6, 8), stateful=True))
        """)
    assert "m.add(keras.Input(batch_shape=(32, 6, 8)))\nm.add(LSTM(4, stateful=True" in code


def test_lstm_and_gru_get_224_gates_and_a_helper():
    code, diags = migrate("""\
        import keras
        from keras.layers import LSTM, GRU
        a = LSTM(8, return_sequences=True)
        b = GRU(8)
        c = keras.layers.LSTM(4, recurrent_activation='sigmoid')
        """)
    assert "a = LSTM(8, return_sequences=True, recurrent_activation=keras224_hard_sigmoid)" in code
    assert "b = GRU(8, recurrent_activation=keras224_hard_sigmoid, reset_after=False)" in code
    assert "c = keras.layers.LSTM(4, recurrent_activation='sigmoid')" in code
    assert code.count("def keras224_hard_sigmoid(x):") == 1
    assert "return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)" in code
    # the helper is defined after the imports and before its first use
    assert code.index("from keras.layers import LSTM, GRU") < code.index("def keras224_hard_sigmoid") < code.index("a = LSTM")


def test_keras3_defaults_option_reports_instead():
    code, diags = migrate("""\
        from keras.layers import LSTM
        a = LSTM(8)
        """, defaults="keras3")
    assert code.endswith("a = LSTM(8)\n")
    assert "2:warning:recurrent-224" in diags


def test_helper_name_does_not_clash_with_user_names():
    code, _ = migrate("""\
        from keras.layers import LSTM
        keras224_hard_sigmoid = 1
        a = LSTM(8)
        """)
    assert "recurrent_activation=keras224_hard_sigmoid_1" in code


def test_sgd_lr_decay_becomes_inverse_time_decay():
    code, _ = migrate("""\
        from keras.optimizers import SGD
        sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
        """)
    assert ("sgd = SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, "
            "decay_rate=1e-6), momentum=0.9, nesterov=True)") in code


def test_positional_optimizer_args_get_224_keywords():
    code, _ = migrate("""\
        from keras import optimizers
        o = optimizers.SGD(0.1, 0.9, 0.0, True)
        """)
    assert "o = optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)" in code


def test_changed_default_learning_rates_are_made_explicit():
    code, _ = migrate("""\
        from keras.optimizers import Adadelta
        from keras.models import Sequential
        m = Sequential()
        o = Adadelta()
        m.compile(optimizer='adamax', loss='mse')
        """)
    assert "o = Adadelta(learning_rate=1.0)" in code
    assert "m.compile(optimizer=keras.optimizers.Adamax(learning_rate=0.002), loss='mse')" in code


def test_backend_mean_becomes_ops_and_defaults_are_explicit():
    code, _ = migrate("""\
        import keras.backend as K
        def mean_pred(y_true, y_pred):
            return K.mean(y_pred) + K.argmax(y_pred) + K.epsilon()
        """)
    assert "return keras.ops.mean(y_pred) + keras.ops.argmax(y_pred, axis=-1) + K.epsilon()" in code
    assert code.startswith("import keras.backend as K\n")  # `import keras.backend` already binds keras


def test_accuracy_becomes_acc_only_where_acc_keys_are_read():
    before = """\
        from keras.models import Sequential
        m = Sequential()
        m.compile('sgd', 'mse', ["accuracy"])
        """
    code, _ = migrate(before)
    assert 'm.compile(optimizer=\'sgd\', loss=\'mse\', metrics=["accuracy"])' in code
    code, _ = migrate(textwrap.dedent(before) + "x = y = 0\nh = m.fit(x, y)\nprint(h.history['val_acc'])\n")
    assert 'metrics=["acc"]' in code


def test_imports_move_to_keras3_homes():
    code, _ = migrate("""\
        from keras.layers.merge import concatenate
        from keras.layers.core import Dense as D
        from keras.utils.np_utils import to_categorical
        import keras.layers.core
        x = keras.layers.core.Dense(3)
        """)
    assert "from keras.layers import concatenate\n" in code
    assert "from keras.layers import Dense as D\n" in code
    assert "from keras.utils import to_categorical\n" in code
    assert "x = keras.layers.Dense(3)\n" in code


def test_submodule_imported_by_name_goes_to_its_home_under_the_same_name():
    """babi_rnn: `from keras.layers import recurrent; RNN = recurrent.LSTM` (Keras 3 has no such module)."""
    code, diags = migrate("""\
        from keras.layers import recurrent
        from keras.layers import core as C, Dense
        RNN = recurrent.LSTM
        d = C.Dense(3)
        """)
    assert code.startswith("from keras import layers as recurrent\nfrom keras import layers as C\n"
                           "from keras.layers import Dense\n")
    assert "RNN = recurrent.LSTM\n" in code and "d = C.Dense(3)\n" in code
    assert "1:info:imports" in diags
    again, _ = migrate(code)
    assert again == code
    tf_code, _ = migrate("from keras.layers import recurrent\nRNN = recurrent.GRU\n", import_style="tf.keras")
    assert tf_code.startswith("from tensorflow.keras import layers as recurrent\n")


def test_submodule_import_used_as_a_call_is_left_to_keras1_merge():
    code, _ = migrate("""\
        from keras.layers import merge, Input
        a = Input(shape=(2,))
        c = merge([a, a], mode='sum')
        """)
    assert "from keras.layers import Input, add\n" in code and "layers as merge" not in code


def test_re_split_on_an_empty_matching_pattern_gets_python36_semantics():
    """bAbI's tokenize: Python 3.7+ splits '(\\W+)?' at empty matches and yields None groups."""
    code, diags = migrate("""\
        import re
        from re import split
        import keras
        def tokenize(sent):
            return [x.strip() for x in re.split('(\\W+)?', sent) if x.strip()]
        words = split(r"\\s*", "a  b")
        other = re.split(pattern=r"\\b", string="a b")
        fine = re.split(r"\\W+", "a b")
        """)
    assert "re.split('(\\W+)', sent)" in code
    assert 'split(r"\\s+", "a  b")' in code
    assert 're.split(pattern=r"\\b", string="a b")' in code and 're.split(r"\\W+", "a b")' in code
    assert "5:info:re-split-py37" in diags and "6:info:re-split-py37" in diags
    assert "7:warning:re-split-py37" in diags and not any(d.startswith("8:") for d in diags)
    again, diags2 = migrate(code)
    assert again == code and not any("re-split" in d and "info" in d for d in diags2)


def test_re_split_rule_needs_the_re_module():
    code, diags = migrate("""\
        import keras
        def split(p, s):
            return s
        x = split('(a)?', 'b')
        """)
    assert "split('(a)?', 'b')" in code and not any("re-split" in d for d in diags)


def test_tf_keras_import_style():
    code, _ = migrate("""\
        import keras
        from keras.layers import Dense
        from keras import backend as K
        """, import_style="tf.keras")
    assert code == ("from tensorflow import keras\nfrom tensorflow.keras.layers import Dense\n"
                    "from tensorflow.keras import backend as K\n")


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_untouched_bytes_stay_identical(newline):
    before = newline.join([
        "# -*- a comment -*-",
        "from keras.layers import Input, LSTM  # trailing comment",
        "",
        "",
        "x = Input(shape=( 3, 4 ))   # odd spacing kept",
        "y = LSTM(2)(x)",
        "s = 'single quotes'",
        "",
    ])
    result = migrate_source(before, "t.py")
    after_lines = result.code.split(newline)
    for line in before.split(newline):
        if "LSTM(2)" not in line:
            assert line in after_lines
    assert result.code.count(newline) >= before.count(newline)
    if newline == "\r\n":
        assert "\n" not in result.code.replace("\r\n", "")


def test_file_without_keras_is_returned_unchanged_without_diagnostics():
    source = "import os\nprint(undefined_name)\n"
    result = migrate_source(source, "t.py")
    assert result.code == source and result.diagnostics == ()


def test_typos_are_errors_with_suggestions_and_position():
    result = migrate_source("from keras.layers import Dense, Activation\nm = [Activition('relu')]\nmdoel = 1\nmdoel2.x\n",
                            "t.py")
    assert result.code is None
    msgs = [d.format() for d in result.diagnostics]
    assert "t.py:2:6: error: name 'Activition' is not defined; did you mean 'Activation'? [undefined-name]" in msgs
    assert any(m.startswith("t.py:4:1: error: name 'mdoel2' is not defined; did you mean 'mdoel'?") for m in msgs)


def test_unimported_keras_layer_says_where_it_lives():
    # the 2.2.4 functional-API guide's snippets use Input without importing it; "did you mean 'Input'?"
    # (the nearest name being the name itself) said nothing
    result = migrate_source("from keras.models import Model\nx = Input(shape=(3,))\n", "t.py")
    assert [d.format() for d in result.diagnostics] == [
        "t.py:2:5: error: name 'Input' is not defined; it is keras.layers.Input: import it "
        "(from keras.layers import Input) [undefined-name]"]


def test_unknown_keras_attribute_is_an_error():
    result = migrate_source("import keras\nx = keras.layers.Dnse(3)\n", "t.py")
    assert [d.format() for d in result.diagnostics] == [
        "t.py:2:18: error: module 'keras.layers' has no attribute 'Dnse' in Keras 2.2.4; did you mean 'Dense'? "
        "[unknown-keras-name]"]


def test_graph_disconnected_in_keras_words():
    result = migrate_source("""\
from keras.layers import Input, Dense, concatenate
from keras.models import Model
a = Input(shape=(3,))
b = Input(shape=(3,))
m = Model(a, Dense(1)(concatenate([a, b])))
""", "t.py")
    assert result.code is None
    (d,) = result.diagnostics
    assert d.message.startswith('Graph disconnected: cannot obtain value for tensor "b"') and d.line == 5


def test_syntax_error_position_comes_from_cpython():
    result = migrate_source("import keras\nassert a == b assert c\n", "t.py")
    (d,) = result.diagnostics
    assert (d.line, d.col, d.severity) == (2, 15, "error")


def test_single_loss_and_metrics_are_written_per_output_of_a_multi_output_model():
    code, diags = migrate("""\
        from keras.layers import Input, Dense
        from keras.models import Model
        a = Input(shape=(3,))
        m = Model(a, [Dense(1, name='o1')(a), Dense(1, name='o2')(a)])
        m.compile(optimizer='sgd', loss='mse', loss_weights=[1., 0.2], metrics=['mae'])
        s = Model(a, Dense(1)(a))
        s.compile(optimizer='sgd', loss='mse', metrics=['mae'])
        """)
    assert "m.compile(optimizer='sgd', loss=['mse', 'mse'], loss_weights=[1., 0.2], metrics=[['mae'], ['mae']])" in code
    assert "s.compile(optimizer='sgd', loss='mse', metrics=['mae'])" in code


def test_name_assigned_later_in_a_loop_is_not_undefined():
    result = migrate_source("import keras.backend as K\ndef f(xs):\n    for x in xs:\n        if x:\n            o = K.sum(o)\n"
                            "        o = x\n    return o\n", "t.py")
    assert result.ok, [d.format() for d in result.diagnostics]


def test_rmsprop_and_adagrad_become_exact_224_classes_defined_once():
    code, diags = migrate("""\
        from keras.models import Sequential
        from keras.optimizers import RMSprop, Adagrad
        m = Sequential()
        m.compile(optimizer='rmsprop', loss='mse')
        m.compile(optimizer=RMSprop(lr=0.01), loss='mse')
        m.compile(optimizer=Adagrad(), loss='mse')
        """)
    assert "m.compile(optimizer=Keras224RMSprop(), loss='mse')" in code
    assert "m.compile(optimizer=Keras224RMSprop(learning_rate=0.01), loss='mse')" in code
    assert "m.compile(optimizer=Keras224Adagrad(learning_rate=0.01), loss='mse')" in code
    assert code.count("class Keras224RMSprop(keras.optimizers.Optimizer):") == 1
    assert "keras.ops.add(keras.ops.sqrt(a), self.epsilon)" in code
    keras3, diags3 = migrate("from keras.models import Sequential\nm = Sequential()\nm.compile(optimizer='rmsprop', loss='mse')\n",
                             defaults="keras3")
    assert "Keras224" not in keras3 and "3:warning:optimizers" in diags3


def test_models_built_inside_functions_get_graph_rules_once():
    code, diags = migrate("""\
        from keras.models import Sequential, Model
        from keras.layers import Dense, Input, LSTM

        def build_model(n_in):
            model = Sequential()
            model.add(Dense(64, input_dim=n_in))
            return model

        def shared(shape):
            a, b = Input(shape=shape), Input(shape=shape)
            lstm = LSTM(4)
            x, y = lstm(a), lstm(b)
            return Model([a, b], lstm.get_output_at(1))

        m, m2 = build_model(20), build_model(30)
        """)
    assert "    model.add(keras.Input(shape=(n_in,)))\n    model.add(Dense(64))\n" in code
    assert code.count("keras.Input(") == 1
    assert "return Model([a, b], y)" in code


@pytest.mark.parametrize("snippet, message", [
    ("m = Model(a, Dense(2))", "Output tensors to a Model must be the output of a Keras `Layer`"),
    ("m = Model(Dense(2), a)", "Input tensors to a Model must be from `keras.layers.Input`"),
    ("y = Dense(2)(3)", "Layer Dense was called with an input that isn't a symbolic tensor: the literal 3"),
])
def test_graph_errors_use_keras_words(snippet, message):
    result = migrate_source("from keras.layers import Input, Dense\nfrom keras.models import Model\n"
                            f"a = Input(shape=(3,))\n{snippet}\n", "t.py")
    assert result.code is None
    (d,) = result.diagnostics
    assert (d.line, d.severity, d.rule) == (4, "error", "graph") and message in d.message


def test_preprocessing_utilities_go_where_keras3_or_tf_keras_still_has_them():
    code, diags = migrate("""\
        from keras.preprocessing.image import ImageDataGenerator, load_img
        from keras.preprocessing.text import Tokenizer
        """)
    assert code == ("from tensorflow.keras.preprocessing.image import ImageDataGenerator\n"
                    "from keras.utils import load_img\n"
                    "from tensorflow.keras.preprocessing.text import Tokenizer\n")
    assert "1:warning:imports" in diags and "2:warning:imports" in diags


def test_layer_class_reached_through_a_variable_gets_its_rules():
    code, _ = migrate("""\
        from keras import layers
        RNN = layers.LSTM
        r = RNN(128, return_sequences=True)
        """)
    assert "r = RNN(128, return_sequences=True, recurrent_activation=keras224_hard_sigmoid)" in code


def test_backend_relu_keeps_its_224_alpha():
    code, _ = migrate("""\
        import keras.backend as K
        def f(x):
            return K.relu(x, alpha=0.1) + K.relu(x)
        """)
    assert "return keras.activations.relu(x, negative_slope=0.1) + keras.activations.relu(x)" in code


def test_helpers_land_after_imports_even_when_an_import_is_split():
    code, _ = migrate("""\
        from keras.engine.topology import Input, Layer, Network
        from keras.optimizers import Adam
        from keras.layers import LSTM
        x = LSTM(3)
        """)
    head = code.split("@keras.utils.register_keras_serializable")[0]
    assert "from keras.optimizers import Adam" in head and "from keras.layers import LSTM" in head
    assert "from keras.models import Model as Network" in head  # Keras 3 has no Network: same class, renamed
