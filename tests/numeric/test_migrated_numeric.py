"""Tier 2: migrated code runs and computes what genuine Keras 2.2.4 computed (recurrent layers).

Each script is migrated by kfn-gen, then both run in their own process (2.2.4 on tf.compat.v1,
the migration on Keras 3); weights are copied legacy -> migrated; outputs are compared.  The
control migrates with Keras 3's defaults and must differ: it proves the rule is what matters.
"""
from __future__ import annotations

import textwrap

import pytest

pytest.importorskip("tensorflow")

from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402
from kfn_gen.options import Options  # noqa: E402
from tests.helpers import verify_in_one_batch  # noqa: E402

pytestmark = [pytest.mark.tf, pytest.mark.legacy]

SCRIPTS = {
    "lstm_functional": """\
        from keras.layers import Input, LSTM, Dense
        from keras.models import Model
        x = Input(shape=(12, 5))
        h = LSTM(16)(x)
        model = Model(x, Dense(3)(h))
        """,
    "gru_sequences": """\
        from keras.layers import Input, GRU
        from keras.models import Model
        x = Input(shape=(10, 4))
        model = Model(x, GRU(8, return_sequences=True)(x))
        """,
    "lstm_sequential_input_shape": """\
        from keras.models import Sequential
        from keras.layers import LSTM, Dense
        model = Sequential()
        model.add(LSTM(6, input_shape=(9, 3), return_sequences=True))
        model.add(LSTM(4))
        model.add(Dense(1, activation='sigmoid'))
        """,
}

OPTIMIZER_SCRIPTS = {
    name: f"""\
        from keras.layers import Input, Dense
        from keras.models import Model
        from keras import optimizers
        x = Input(shape=(6,))
        model = Model(x, Dense(3, activation='softmax')(Dense(8, activation='tanh')(x)))
        model.compile(optimizer={opt}, loss='categorical_crossentropy')
        """
    for name, opt in {"opt_rmsprop_string": "'rmsprop'", "opt_adagrad": "optimizers.Adagrad(lr=0.05)",
                      "opt_sgd_decay": "optimizers.SGD(lr=0.1, decay=0.5, momentum=0.9)"}.items()
}
SCRIPTS.update(OPTIMIZER_SCRIPTS)


def _migrate(tmp_path, name, options=Options()):
    old = tmp_path / f"{name}.py"
    old.write_text(textwrap.dedent(SCRIPTS[name]))
    result = migrate_source(old.read_text(), str(old), options)
    assert result.ok
    new = tmp_path / f"{name}_k3.py"
    new.write_text(result.code)
    return old, new


SCRIPTS["tf_keras_style"] = """\
    from keras.layers import Input, LSTM, Dense
    from keras.models import Model
    x = Input(shape=(6, 3))
    model = Model(x, Dense(2, activation='softmax')(LSTM(4)(x)))
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy')
    """
SCRIPTS["k_relu_lambda"] = """\
    from keras.layers import Input, Dense, Lambda
    from keras.models import Model
    from keras import backend as K
    x = Input(shape=(5,))
    h = Dense(6)(x)
    model = Model(x, Lambda(lambda t: K.relu(t, alpha=0.3) + K.relu(t))(h))
    """
RECURRENT = sorted(set(SCRIPTS) - set(OPTIMIZER_SCRIPTS) - {"tf_keras_style", "k_relu_lambda"})
PAIRS = {
    **{("match", name): (lambda tmp, n=name: _migrate(tmp, n)) for name in RECURRENT + sorted(OPTIMIZER_SCRIPTS)},
    ("keras3 defaults", "lstm_functional"): lambda tmp: _migrate(tmp, "lstm_functional", Options(defaults="keras3")),
    ("keras3 defaults", "opt_rmsprop_string"): lambda tmp: _migrate(tmp, "opt_rmsprop_string",
                                                                    Options(defaults="keras3")),
    ("match", "tf_keras_style"): lambda tmp: _migrate(tmp, "tf_keras_style", Options(import_style="tf.keras")),
    ("match", "k_relu_lambda"): lambda tmp: _migrate(tmp, "k_relu_lambda"),
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory, legacy_dir):
    return verify_in_one_batch(tmp_path_factory, legacy_dir, PAIRS, timeout_s=240)


def _text(report) -> str:
    with open(report.new_path, encoding="utf-8") as fh:
        return fh.read()


@pytest.mark.parametrize("name", RECURRENT)
def test_migrated_recurrent_model_matches_keras224(reports, name):
    report = reports[("match", name)]
    assert report.status == "match", report.format_table()
    (model,) = report.models
    assert model.legacy_params == model.migrated_params
    assert model.max_abs_diff is not None and model.max_abs_diff <= 1e-5


def test_keras3_defaults_change_the_numbers(reports):
    report = reports[("keras3 defaults", "lstm_functional")]
    assert report.status == "differ"
    (model,) = report.models
    assert model.max_abs_diff > 1e-3  # measured about 0.1 on random LSTM weights


@pytest.mark.parametrize("name", sorted(OPTIMIZER_SCRIPTS))
def test_migrated_optimizer_steps_match_keras224(reports, name):
    """Two optimizer steps fed the same gradients give the same weights as 2.2.4's optimizer."""
    report = reports[("match", name)]
    assert report.status == "match", report.format_table()
    (model,) = report.models
    assert model.train_step.status == "match"
    assert model.train_step.max_abs_diff <= 1e-5


def test_keras3_rmsprop_steps_differ(reports):
    report = reports[("keras3 defaults", "opt_rmsprop_string")]
    (model,) = report.models
    assert model.train_step.status == "differ"
    assert model.train_step.max_abs_diff > 1e-4


def test_tf_keras_import_style_matches_keras224_too(reports):
    """`from tensorflow import keras` style: helpers must only use names tf.keras has (no keras.saving)."""
    report = reports[("match", "tf_keras_style")]
    assert "from tensorflow import keras" in _text(report)
    assert report.status == "match", report.format_table()
    (model,) = report.models
    assert model.max_abs_diff <= 1e-5
    assert model.train_step.status == "match" and model.train_step.max_abs_diff <= 1e-5


def test_backend_relu_in_a_lambda_matches_keras224(reports):
    """K.relu(x, alpha=) -> keras.activations.relu(x, negative_slope=): same numbers as 2.2.4."""
    report = reports[("match", "k_relu_lambda")]
    assert "keras.activations.relu(t, negative_slope=0.3)" in _text(report)
    assert report.status == "match", report.format_table()
    (model,) = report.models
    assert model.max_abs_diff <= 1e-5
