"""kfn-gen convert against genuine Keras 2.2.4: checkpoints written by 2.2.4 itself at test time (families.py),
one per layer family, converted to .keras and loaded by plain Keras 3; each must compute 2.2.4's outputs
(<= 1e-5 on seeded inputs, through the verifier), and the control (Keras 3's own load_model of the .h5)
is shown failing or differing where it does."""
from __future__ import annotations

import json
from unittest import mock

import pytest

from tests.checkpoints.families import FAMILIES, LOADS_WEIGHTS, TRAINED, WEIGHTS_ONLY, WRITE_224
from tests.checkpoints.relayout_cases import CASES_224, check_relayout
from tests.helpers import run_script_npz

pytest.importorskip("tensorflow")
pytestmark = [pytest.mark.tf, pytest.mark.legacy]


def _keras1_file(path) -> None:
    """A Keras 1.2 Theano-backend checkpoint as Keras 1 wrote it (no Keras 1 runs here): a Sequential saved as a
    list of Keras-1 layer configs (output_dim, init, inner_activation, dim_ordering, border_mode, nb_row,
    forget_bias_init, consume_less) with per-gate LSTM weights, its version and backend on the file's root only.
    2.2.4 read the weights group: no keras_version there means Keras 1 layouts, no backend there means no kernel
    flip (engine/saving.py:228-235), and the conversion must do the same.  (channels_first cannot run on a CPU in
    Keras 3; relayout_cases.py checks that kernel layout and the Theano flip against 2.2.4.)  Genuine 2.2.4 loads
    it with its own legacy support; the conversion must compute what 2.2.4 computes from it."""
    import h5py
    import numpy as np

    rng = np.random.default_rng(1)
    layers = [
        {"class_name": "Convolution2D", "config": {
            "name": "convolution2d_1", "nb_filter": 3, "nb_row": 3, "nb_col": 3, "init": "glorot_uniform",
            "activation": "relu", "border_mode": "same", "subsample": [1, 1], "dim_ordering": "tf",
            "W_regularizer": None, "b_regularizer": None, "activity_regularizer": None, "W_constraint": None,
            "b_constraint": None, "bias": True, "trainable": True, "batch_input_shape": [None, 5, 4, 2],
            "input_dtype": "float32"}},
        {"class_name": "Reshape", "config": {"name": "reshape_1", "target_shape": [3, 20], "trainable": True}},
        {"class_name": "LSTM", "config": {
            "name": "lstm_1", "output_dim": 4, "init": "glorot_uniform", "inner_init": "orthogonal",
            "forget_bias_init": "one", "activation": "tanh", "inner_activation": "hard_sigmoid",
            "W_regularizer": None, "U_regularizer": None, "b_regularizer": None, "dropout_W": 0.0, "dropout_U": 0.0,
            "return_sequences": False, "go_backwards": False, "stateful": False, "unroll": False,
            "consume_less": "gpu", "input_dim": 20, "input_length": None, "trainable": True}},
        {"class_name": "Dense", "config": {
            "name": "dense_1", "output_dim": 2, "init": "glorot_uniform", "activation": "linear",
            "W_regularizer": None, "b_regularizer": None, "activity_regularizer": None, "W_constraint": None,
            "b_constraint": None, "bias": True, "input_dim": 4, "trainable": True}}]
    shapes = {"convolution2d_1": [("W", (3, 3, 2, 3)), ("b", (3,))],
              "lstm_1": [(f"{w}_{g}", s) for g in "icfo" for w, s in (("W", (20, 4)), ("U", (4, 4)), ("b", (4,)))],
              "dense_1": [("W", (4, 2)), ("b", (2,))]}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "1.2.2"
        f.attrs["backend"] = "theano"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": layers}).encode()
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = [layer["config"]["name"].encode() for layer in layers]
        for layer in layers:
            name = layer["config"]["name"]
            lg = g.create_group(name)
            names = [f"{name}_{w}" for w, _ in shapes.get(name, [])]
            lg.attrs["weight_names"] = [n.encode() for n in names]
            for n, (_, shape) in zip(names, shapes.get(name, [])):
                lg[n] = rng.normal(0, 0.6, shape).astype("float32")


def _reference(family: str) -> str:
    """The file genuine 2.2.4 loads: CuDNN layers cannot run on a CPU, so their twin (families.py)."""
    return f"{family}_as_224.h5" if family.startswith("cudnn") else f"{family}.h5"


@pytest.fixture(scope="module")
def converted(tmp_path_factory, legacy_dir):
    from kfn_gen.checkpoints.convert import convert

    work = tmp_path_factory.mktemp("checkpoints")
    arrays = run_script_npz(WRITE_224 + CASES_224, work, legacy_dir)  # one 2.2.4 process for both
    done = {f: convert(str(work / f"{f}.h5"), str(work / f"{f}.keras")) for f in FAMILIES}
    for f in WEIGHTS_ONLY:  # model.json + weights.h5 -> one .keras file
        convert(str(work / f"{f}_weights.h5"), str(work / f"{f}_from_json.keras"), architecture=str(work / f"{f}.json"))
    for f in TRAINED:
        done[f] = convert(str(work / f"{f}.h5"), str(work / f"{f}.keras"))
    with mock.patch("kfn_gen.checkpoints.keras3_model.carry_optimizer_state", lambda *a: "the control"):
        convert(str(work / "trained_adam.h5"), str(work / "trained_adam_fresh.keras"))
    _keras1_file(work / "keras1_sequential.h5")
    done["keras1_sequential"] = convert(str(work / "keras1_sequential.h5"), str(work / "keras1_sequential.keras"))
    # the control of the fold: the same LSTM converted with 2.2.4's hard_sigmoid left to Keras 3's
    with mock.patch("kfn_gen.checkpoints.layer_config._hard_sigmoid", lambda *a: None):
        convert(str(work / "lstm.h5"), str(work / "lstm_unfolded.keras"))
    return work, done, arrays


def test_every_family_converts_and_matches_genuine_224(converted, legacy_dir):
    from kfn_gen.checkpoints.check import verify_conversions

    work, done, _ = converted
    pairs = [(str(work / _reference(f)), str(work / f"{f}.keras")) for f in FAMILIES]
    jsons = [(str(work / f"{f}_weights.h5"), str(work / f"{f}_from_json.keras")) for f in WEIGHTS_ONLY]
    keras1 = [(str(work / "keras1_sequential.h5"), str(work / "keras1_sequential.keras"))]
    architectures = [None] * len(pairs) + [str(work / f"{f}.json") for f in WEIGHTS_ONLY] + [None, None]
    *reports, unfolded = verify_conversions(
        pairs + jsons + keras1 + [(str(work / "lstm.h5"), str(work / "lstm_unfolded.keras"))], _options(legacy_dir),
        architectures)
    assert unfolded.status == "differ" and unfolded.models[0].max_abs_diff > 1e-3, unfolded.format_table()
    table = {f: r for f, r in zip(FAMILIES + [f"{f} (json + weights)" for f in WEIGHTS_ONLY] + ["keras1_sequential"],
                                  reports)}
    bad = {f: r.format_table() for f, r in table.items() if r.status != "match"}
    assert not bad, "\n".join(bad.values())
    for family, report in table.items():
        diffs = [m.max_abs_diff for m in report.models]
        assert diffs and all(d is not None and d <= 1e-5 for d in diffs), (family, diffs)
    # what the conversion said it did
    assert any("recurrent weights scaled by 1.2" in n for n in done["lstm"].notes)
    assert any("CuDNNLSTM -> LSTM" in n for n in done["cudnn_lstm"].notes)
    assert any("ThresholdedReLU" in n for n in done["conv1d_embedding"].notes)
    assert len(table["nested_shared"].models) == 2  # the nested Sequential and the model that calls it twice


def _options(legacy_dir):
    from kfn_gen.verify.options import VerifyOptions

    return VerifyOptions(legacy_dir=legacy_dir)


@pytest.mark.slow
def test_control_plain_keras3_on_the_224_files(converted, legacy_dir):
    """Without kfn-gen: Keras 3's load_model of the same files fails (batch_input_shape misread, nested
    classes not found, the functional config refused) or loads and computes other numbers (hard_sigmoid)."""
    from kfn_gen.checkpoints.check import verify_conversions

    work, _, _ = converted
    pairs = [(str(work / _reference(f)), str(work / f"{f}.h5")) for f in FAMILIES]
    table = dict(zip(FAMILIES, verify_conversions(pairs, _options(legacy_dir))))
    assert {f for f, r in table.items() if r.status != "match"} == set(FAMILIES)
    loaded = {f: r.models[0].max_abs_diff for f, r in table.items() if r.models and r.models[0].max_abs_diff}
    # the one file Keras 3 loads computes other numbers: its 'hard_sigmoid' is another function (0.028 at this seed)
    assert set(loaded) == {"dense_hard_sigmoid"} and loaded["dense_hard_sigmoid"] > 1e-2, loaded


def test_relayout_equals_224s_loader(converted):
    """Keras-1 per-gate LSTM/GRU/ConvLSTM2D weights, Keras-1 channels_first and 1D kernels, Theano-flipped
    kernels: the converter re-lays them exactly as genuine 2.2.4's loader did (relayout_cases.py)."""
    check_relayout(converted[2])


@pytest.mark.slow  # two more sandboxed runs (~20 s): the default tier is at its 15-minute budget
def test_a_migrated_script_loads_224_weights_and_computes_224s_numbers(converted, legacy_dir, tmp_path):
    """model.load_weights('w.h5') of a file 2.2.4 saved, in the migration of the script that built the model:
    each side keeps the weights it loaded (nothing copied across), and the outputs must match."""
    from dataclasses import replace

    from kfn_gen.migrate.pipeline import migrate_source
    from kfn_gen.verify.run import verify_pair

    work, _, _ = converted
    old = LOADS_WEIGHTS + "model.load_weights('script_weights.h5')\n"
    result = migrate_source(old, "old.py")
    (tmp_path / "old.py").write_text(old)
    (tmp_path / "new.py").write_text(result.code)
    data = tmp_path / "data"
    data.mkdir()
    (data / "script_weights.h5").write_bytes((work / "script_weights.h5").read_bytes())
    report = verify_pair(str(tmp_path / "old.py"), str(tmp_path / "new.py"),
                         replace(_options(legacy_dir), cwd=str(data), own_weights=True))
    assert report.status == "match", report.format_table()
    assert report.models[0].max_abs_diff <= 1e-5


def test_migrate_convert_checkpoints_in_a_tree(converted, tmp_path):
    """A tutorial tree with its trained model.h5: migrate --out-dir --convert-checkpoints writes model.keras
    beside the migrated script and points load_model at it; a weights-only file is left for load_weights."""
    import keras
    import numpy as np
    from click.testing import CliRunner

    from kfn_gen.cli import main

    work, _, _ = converted
    tree, out = tmp_path / "repo", tmp_path / "out"
    (tree / "models").mkdir(parents=True)
    (tree / "models" / "model.h5").write_bytes((work / "lstm.h5").read_bytes())
    (tree / "models" / "weights.h5").write_bytes((work / "bidirectional_weights.h5").read_bytes())
    (tree / "predict.py").write_text("from keras.models import load_model\n\nmodel = load_model('models/model.h5')\n")
    result = CliRunner().invoke(main, ["migrate", str(tree), "--out-dir", str(out), "--convert-checkpoints"])
    assert result.exit_code in (0, 1), result.output
    assert "converted to" in result.output and "weights-only checkpoint left as it is" in result.output
    assert "load_model('models/model.keras')" in (out / "predict.py").read_text()
    assert (out / "models" / "weights.h5").exists() and not (out / "models" / "weights.keras").exists()
    x = np.random.default_rng(0).integers(0, 50, (3, 10))
    mine = keras.saving.load_model(out / "models" / "model.keras").predict(x, verbose=0)
    theirs = keras.saving.load_model(work / "lstm.keras").predict(x, verbose=0)
    np.testing.assert_array_equal(mine, theirs)


def test_training_config_carried_as_compile(converted):
    """The converted files load compiled in plain Keras 3 as 2.2.4 compiled them: optimizer class and
    hyper-parameters (lr -> learning_rate, decay -> 2.2.4's lr / (1 + decay * iterations) as InverseTimeDecay,
    clipnorm -> global_clipnorm), loss aliases and metrics; epsilon placement and optimizer state are reported."""
    import keras

    work, done, _ = converted
    lstm = keras.saving.load_model(work / "lstm.keras")
    opt = lstm.optimizer
    assert type(opt).__name__ == "SGD" and opt.nesterov and opt.momentum == pytest.approx(0.9)
    schedule = opt._learning_rate
    assert type(schedule).__name__ == "InverseTimeDecay"
    assert [float(schedule(step)) for step in (0, 10)] == pytest.approx([0.05, 0.05 / (1 + 1e-3 * 10)])
    assert lstm.loss == "mean_squared_error"
    conv = keras.saving.load_model(work / "conv_pool_bn.keras")
    assert type(conv.optimizer).__name__ == "Adam" and conv.optimizer.amsgrad
    assert conv.optimizer.global_clipnorm == pytest.approx(1.0)
    gru = keras.saving.load_model(work / "gru.keras")
    assert type(gru.optimizer).__name__ == "RMSprop" and float(gru.optimizer.learning_rate) == pytest.approx(0.002)
    assert any("epsilon inside the square root" in w for w in done["gru"].warnings)
    assert any("compiled as saved" in n for n in done["nested_shared"].notes)
    assert not any("compiled" in n for n in done["bidirectional"].notes)  # saved uncompiled


def test_optimizer_state_carried_so_the_next_step_is_224s(converted):
    """Trained by 2.2.4 (Adam; SGD with nesterov momentum and decay), saved with optimizer state: one more
    training step of the converted model in Keras 3 gives the weights 2.2.4's next step gave.  The control,
    the same file converted with a fresh optimizer, does not."""
    import keras
    import numpy as np

    work, done, _ = converted
    step = np.load(work / "trained_step.npz")

    def after_one_step(path, name):
        model = keras.saving.load_model(path)
        model.train_on_batch(step[f"{name}/x"], step[f"{name}/y"])
        got = model.get_weights()
        return max(float(np.abs(g - step[f"{name}/w/{k}"]).max()) for k, g in enumerate(got))

    for name in TRAINED:
        assert any("optimizer state carried (iteration 3)" in n for n in done[name].notes), done[name].notes
        assert after_one_step(work / f"{name}.keras", name) <= 1e-5, name
    assert after_one_step(work / "trained_adam_fresh.keras", "trained_adam") > 1e-3
