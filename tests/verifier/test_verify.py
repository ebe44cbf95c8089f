"""kfn-gen verify: both sides executed for real (Keras 2.2.4 oracle from PyPI vs Keras 3).

Every test asserts numbers or verdicts that a broken verifier would get wrong.
"""
from __future__ import annotations

import json
import textwrap
import time

import pytest
from click.testing import CliRunner

from kfn_gen.cli.verify import verify as verify_cmd
from kfn_gen.verify import VerifyReport, identify_activation, verify_pair

pytestmark = [pytest.mark.tf, pytest.mark.legacy]


OLD_RNN = """
import numpy as np
from keras.models import Sequential, Model
from keras.layers import LSTM, GRU, Dense, Input, Embedding, Dropout
from keras.optimizers import Adam, Adadelta

inp = Input(shape=(10, 6))
h = LSTM(32, return_sequences=True)(inp)
h = GRU(16)(h)
out = Dense(3)(h)
rnn = Model(inputs=inp, outputs=out)
rnn.compile(optimizer=Adam(lr=0.001), loss='mse')

seq = Sequential()
seq.add(Embedding(50, 8, input_length=12))
seq.add(LSTM(4))
seq.add(Dropout(0.5))
seq.add(Dense(1, activation='sigmoid'))
seq.compile(Adadelta(), 'binary_crossentropy', metrics=['acc'])

x = np.random.random((32, 10, 6))
rnn.fit(x, np.random.random((32, 3)), nb_epoch=2, batch_size=8)
print(rnn.predict(x).shape)
lstm = LSTM(3)
lstm.output  # raises under 2.2.4 too: recorded, execution goes on
"""

NEW_RNN = """
import numpy as np
import keras
from keras.models import Sequential, Model
from keras.layers import LSTM, GRU, Dense, Input, Embedding, Dropout
from keras.optimizers import Adam, Adadelta


def hard_sigmoid_224(x):
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


inp = Input(shape=(10, 6))
h = LSTM(32, return_sequences=True, recurrent_activation=hard_sigmoid_224)(inp)
h = GRU(16, recurrent_activation=hard_sigmoid_224, reset_after=False)(h)
out = Dense(3)(h)
rnn = Model(inputs=inp, outputs=out)
rnn.compile(optimizer=Adam(learning_rate=0.001), loss='mse')

seq = Sequential()
seq.add(Input(shape=(12,)))
seq.add(Embedding(50, 8))
seq.add(LSTM(4, recurrent_activation=hard_sigmoid_224))
seq.add(Dropout(0.5))
seq.add(Dense(1, activation='sigmoid'))
seq.compile(optimizer=Adadelta(learning_rate=1.0), loss='binary_crossentropy', metrics=['acc'])

x = np.random.random((32, 10, 6))
rnn.fit(x, np.random.random((32, 3)), epochs=2, batch_size=8)
print(rnn.predict(x).shape)
lstm = LSTM(3)
lstm.output
"""

# The Keras 3 defaults: sigmoid recurrent activation, GRU reset_after=True, Adadelta lr 0.001.
WRONG_RNN = (NEW_RNN.replace(", recurrent_activation=hard_sigmoid_224", "")
             .replace(", reset_after=False", "").replace("Adadelta(learning_rate=1.0)", "Adadelta()"))
WRONG_LSTM_ONLY = NEW_RNN.replace("LSTM(32, return_sequences=True, recurrent_activation=hard_sigmoid_224)",
                                  "LSTM(32, return_sequences=True)")


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return str(p)


def test_identify_activation():
    import numpy as np

    from kfn_gen.verify import PROBE_X

    assert identify_activation(np.clip(0.2 * PROBE_X + 0.5, 0, 1)).startswith("hard_sigmoid (Keras 2.2.4")
    assert identify_activation(1 / (1 + np.exp(-PROBE_X))) == "sigmoid"


def test_correct_migration_matches(legacy_dir, tmp_path):
    old, new = _write(tmp_path, "old.py", OLD_RNN), _write(tmp_path, "new.py", NEW_RNN)
    r = verify_pair(old, new, legacy_dir=legacy_dir)
    assert isinstance(r, VerifyReport)
    assert r.status == "match", r.format_table()
    assert r.ok
    assert [m.name for m in r.models] == ["rnn", "seq"]
    rnn, seq = r.models
    assert rnn.legacy_layers == ("LSTM", "GRU", "Dense") == rnn.migrated_layers
    assert rnn.legacy_params == rnn.migrated_params == 32 * 4 * (6 + 32 + 1) + 3 * 16 * (32 + 16 + 1) + 16 * 3 + 3
    assert seq.legacy_layers == ("Embedding", "LSTM", "Dropout", "Dense")
    for m in r.models:
        assert m.max_abs_diff is not None and m.max_abs_diff <= 1e-5, (m.name, m.max_abs_diff)
        assert m.train_step.status == "match", (m.name, m.train_step)
    # the statement 2.2.4 itself raises on was recorded on both sides, with its line, and did not stop the run
    assert [(e.side, e.type) for e in r.script_errors] == [("keras 2.2.4", "AttributeError"),
                                                           ("keras 3", "AttributeError")]
    json.dumps(r.to_json())


def test_wrong_migration_differs_with_cause_via_cli(legacy_dir, tmp_path):
    old, wrong = _write(tmp_path, "old.py", OLD_RNN), _write(tmp_path, "wrong.py", WRONG_RNN)
    report_path = tmp_path / "report.json"
    res = CliRunner().invoke(verify_cmd, [old, wrong, "--report", str(report_path), "--legacy-dir", legacy_dir])
    assert res.exit_code == 1, res.output
    rep = json.loads(report_path.read_text())
    assert rep["status"] == "differ" and not rep["ok"]
    rnn, seq = rep["models"]
    # GRU reset_after=True has a (2, 48) bias: weights cannot even be copied
    assert rnn["status"] == "differ"
    assert any("weight shapes" in p and "GRU" in p for p in rnn["problems"]), rnn["problems"]
    assert "reset_after" in rnn["likely_cause"]
    assert "recurrent_activation" in rnn["likely_cause"] and "hard_sigmoid" in rnn["likely_cause"]
    # the Sequential model: sigmoid vs hard_sigmoid in its LSTM, and Adadelta's default lr changed
    assert seq["status"] == "differ"
    assert seq["max_abs_diff"] > 1e-4, seq["max_abs_diff"]
    assert "recurrent_activation" in seq["likely_cause"]
    assert "learning rate 1 in Keras 2.2.4 but 0.001" in seq["likely_cause"], seq["likely_cause"]
    assert "recurrent_activation" in res.output and "differ" in res.output.lower()


def test_wrong_recurrent_activation_alone_is_named(legacy_dir, tmp_path):
    old, wrong = _write(tmp_path, "old.py", OLD_RNN), _write(tmp_path, "wrong.py", WRONG_LSTM_ONLY)
    r = verify_pair(old, wrong, legacy_dir=legacy_dir)
    assert r.status == "differ"
    rnn = r.models[0]
    assert rnn.status == "differ" and r.models[1].status == "match"
    assert rnn.max_abs_diff > 1e-3, rnn.max_abs_diff
    assert "layer 0 LSTM" in rnn.likely_cause and "sigmoid in the migration" in rnn.likely_cause
    assert "layer 1 GRU" not in rnn.likely_cause  # the GRU was migrated correctly
    table = r.format_table()
    assert f"{rnn.max_abs_diff:.2e}" in table and "likely cause" in table


BROKEN = {
    "hang": "import keras\nwhile True:\n    pass\n",
    "memory": "import numpy as np\nimport keras\nx = np.ones((4096, 1024, 1024))\n",
    "crash": "import os\nimport keras\nos.abort()\n",
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_scripts_give_error_verdict(legacy_dir, tmp_path, kind):
    bad = _write(tmp_path, f"{kind}.py", BROKEN[kind])
    good = _write(tmp_path, "new.py", NEW_RNN)
    t0 = time.monotonic()
    r = verify_pair(bad, good, legacy_dir=legacy_dir, timeout_s=25, memory_mb=4000)
    elapsed = time.monotonic() - t0
    assert r.status == "error" and r.exit_code == 2
    expected = {"hang": "timed out after 25s", "memory": "memory limit", "crash": "killed by SIGABRT"}[kind]
    assert expected in r.reason, r.reason
    assert elapsed < 25 + 20, elapsed


def test_cli_exit_2_when_it_cannot_run(legacy_dir, tmp_path):
    bad = _write(tmp_path, "nomodel.py", "import keras\nx = 1\n")
    res = CliRunner().invoke(verify_cmd, [bad, bad, "--legacy-dir", legacy_dir])
    assert res.exit_code == 2, res.output
    assert "built no Keras model" in res.output


TINY_OLD = """
from keras.models import Sequential
from keras.layers import Dense
m = Sequential([Dense(4, activation='tanh', input_shape=(3,)), Dense(2)])
"""
TINY_NEW = """
import keras
from keras.models import Sequential
from keras.layers import Dense
m = Sequential([keras.Input((3,)), Dense(4, activation='tanh'), Dense(2)])
"""


def test_batch_mode_survives_a_crash_and_a_hang(legacy_dir, tmp_path):
    """verify_many runs each side's scripts in one process; the crashing script is re-run alone for its
    verdict, the hanging one is stopped by its own per-script limit, and the others still verify."""
    from kfn_gen.verify import verify_many

    old, new = _write(tmp_path, "old.py", TINY_OLD), _write(tmp_path, "new.py", TINY_NEW)
    wrong = _write(tmp_path, "wrong.py", TINY_NEW.replace("'tanh'", "'relu'"))
    crash = _write(tmp_path, "crash.py", BROKEN["crash"])
    hang = _write(tmp_path, "hang.py", BROKEN["hang"])
    reports = verify_many([(old, new), (crash, new), (old, wrong), (hang, new), (old, new)], legacy_dir=legacy_dir,
                          timeout_s=20)
    assert [r.status for r in reports] == ["match", "error", "differ", "error", "match"]
    assert "killed by SIGABRT" in reports[1].reason
    assert "timed out after 20s" in reports[3].reason
    assert reports[0].models[0].max_abs_diff <= 1e-6 and reports[4].models[0].max_abs_diff <= 1e-6
    assert "activation computes tanh in Keras 2.2.4 but relu" in reports[2].models[0].likely_cause


DATA_OLD = r"""
import io, re, tarfile
import numpy as np
from keras.models import Model, Sequential
from keras.layers import Input, Dense, Embedding, recurrent
from keras.utils.data_utils import get_file

def tokenize(sent):
    return [x.strip() for x in re.split('(\W+)?', sent) if x.strip()]

path = get_file('babi-tasks-v1-2.tar.gz', origin='https://s3.amazonaws.com/text-datasets/babi_tasks_1-20_v1-2.tar.gz')
with tarfile.open(path) as tar:
    lines = tar.extractfile('tasks_1-20_v1-2/en-10k/qa1_single-supporting-fact_train.txt').readlines()
vocab = sorted({w for l in lines for w in tokenize(l.decode('utf-8').split(' ', 1)[1].split('\t')[0])})
with io.open(get_file('nietzsche.txt', origin='https://s3.amazonaws.com/text-datasets/nietzsche.txt'),
             encoding='utf-8') as f:
    chars = sorted(set(f.read().lower()))
with open('fra-eng/fra.txt', encoding='utf-8') as f:
    targets = sorted({c for line in f.read().split('\n')[:-1] for c in line.split('\t')[1]})
babi = Sequential()
babi.add(Embedding(len(vocab) + 1, 8, input_length=4))
babi.add(recurrent.GRU(len(chars)))
babi.add(Dense(len(targets), activation='softmax'))
babi.compile('adam', 'categorical_crossentropy')
"""


def test_offline_data_stand_ins_are_the_same_on_both_sides(legacy_dir, tmp_path):
    """get_file stand-ins (bAbI tarball, nietzsche.txt) and the cwd's fra-eng/fra.txt: both sides build the
    model from the data, so equal parameter counts (and the sizes the real files give) mean equal data; the
    legacy re.split keeps Python 3.6's result and the migration rewrites the pattern to get it under 3.11."""
    from kfn_gen.migrate.pipeline import migrate_source

    old = _write(tmp_path, "old.py", DATA_OLD)
    migrated = migrate_source(DATA_OLD, "old.py")
    assert "re.split('(\\W+)', sent)" in migrated.code
    assert "from keras import layers as recurrent\n" in migrated.code  # split off `from keras.layers import`
    new = _write(tmp_path, "new.py", migrated.code)
    r = verify_pair(old, new, legacy_dir=legacy_dir)
    assert r.status == "match", r.format_table()
    assert r.script_errors == ()
    (m,) = r.models
    vocab, chars = 21, 57  # qa1's 21 words (+1 for padding) and nietzsche's 57 characters, as the real files
    n_targets = m.legacy_output_shape[-1]
    assert m.legacy_params == m.migrated_params == (vocab + 1) * 8 + 3 * chars * (8 + chars + 1) + \
        (chars + 1) * n_targets
    assert n_targets > 40


def test_zero_sized_output_is_reported_not_a_crash(legacy_dir, tmp_path):
    """pretrained_word_embeddings without its data: Dense(len(labels_index)) of no labels.  oneDNN aborts
    the process on a zero-sized inner product; the runner reports it instead."""
    src = ("from keras.models import Sequential\nfrom keras.layers import Dense\nlabels = {}\n"
           "m = Sequential([Dense(8, input_shape=(4,)), Dense(len(labels), activation='softmax')])\n")
    old = _write(tmp_path, "old.py", src)
    r = verify_pair(old, old, legacy_dir=legacy_dir)
    assert r.models, r.reason  # before: "legacy side crashed: killed by SIGABRT (... dnnl::error)", no models
    assert r.models[0].status == "error"
    assert "an output has a zero-sized dimension ([None, 0])" in r.models[0].problems[0]
