"""A second opinion on `kfn-gen verify` (issue 18): an independent harness (crosscheck_harness.py: script as
`__main__`, offline data, real but small training, every model captured in creation order, 2.2.4's weights
copied into the Keras 3 models, outputs compared) runs a sample of the Keras 2.2.4 examples and their
migrations; its verdict on each pair must agree with `kfn-gen verify`'s.  A disagreement fails the test:
one of the two is wrong, and which one is the finding.

The sample holds pairs expected to be equivalent and pairs made wrong on purpose (a fix of the migration
undone), so that agreement on both answers is checked, not only on MATCH.  The default tier runs a small
sample; the slow tier more examples.  Not in the samples: scripts whose later statements depend on the
number of epochs they trained (reuters_mlp_relu_vs_selu plots 40 epochs of history; the harness trains one),
and loops of hundreds of training calls (addition_rnn, lstm_text_generation): the harness's small training
changes what they do.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kfn_gen.migrate.pipeline import migrate_source
from tests.corpus import crosscheck_harness as harness
from tests.helpers import verify_in_one_batch

pytestmark = [pytest.mark.tf, pytest.mark.legacy]

HARD_SIGMOID = ", recurrent_activation=keras224_hard_sigmoid"
# key: (example, an edit that undoes one of the migration's fixes, or None)
SAMPLE = {
    "mnist_mlp": ("mnist_mlp", None),
    "imdb_cnn": ("imdb_cnn", None),
    # Keras 3's LSTM gate is not 2.2.4's hard_sigmoid: 0.11 apart on real weights
    "imdb_lstm (gate fix undone)": ("imdb_lstm", (HARD_SIGMOID, "")),
}
SLOW_SAMPLE = {
    "reuters_mlp": ("reuters_mlp", None),
    "mnist_cnn": ("mnist_cnn", None),
    "imdb_lstm": ("imdb_lstm", None),
    "imdb_bidirectional_lstm": ("imdb_bidirectional_lstm", None),
    "imdb_cnn_lstm": ("imdb_cnn_lstm", None),
    "mnist_irnn": ("mnist_irnn", None),
    "cifar10_cnn": ("cifar10_cnn", None),
    "mnist_transfer_cnn": ("mnist_transfer_cnn", None),
    "mnist_siamese": ("mnist_siamese", None),
    "imdb_bidirectional_lstm (gate fix undone)": ("imdb_bidirectional_lstm", (HARD_SIGMOID, "")),
}


def _pairs(root, sample, tmp):
    pairs = {}
    for key, (example, undo) in sample.items():
        old = os.path.join(root, "examples", f"{example}.py")
        with open(old, encoding="utf-8") as fh:
            res = migrate_source(fh.read(), old)
        assert res.ok, [d.format() for d in res.diagnostics]
        code = res.code
        if undo is not None:
            assert undo[0] in code, f"{example}: the fix to undo is not in the migration"
            code = code.replace(undo[0], undo[1])
        new = tmp / f"{example}{'_undone' if undo else ''}_k3.py"
        new.write_text(code, encoding="utf-8")
        pairs[key] = (old, str(new))
    return pairs


def _harness(side, legacy_dir, scripts, out):
    job = out / f"job-{side}.json"
    job.write_text(json.dumps({"scripts": scripts, "out": str(out)}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, harness.__file__, side, legacy_dir, str(job)], env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]


def _crosscheck(tmp_path_factory, legacy_dir, root, sample):
    tmp = tmp_path_factory.mktemp("crosscheck")
    pairs = _pairs(root, sample, tmp)
    keys = [k.replace(" ", "_").replace("(", "").replace(")", "") for k in pairs]
    _harness("legacy", legacy_dir, [[k, pairs[key][0]] for k, key in zip(keys, pairs)], tmp)
    _harness("keras3", legacy_dir, [[k, pairs[key][1]] for k, key in zip(keys, pairs)], tmp)
    second = {key: harness.verdict(str(tmp), k) for k, key in zip(keys, pairs)}
    reports = verify_in_one_batch(tmp_path_factory, legacy_dir,
                                  {key: (lambda _tmp, p=pair: p) for key, pair in pairs.items()},
                                  timeout_s=600, memory_mb=8000)
    return second, reports


def _assert_agree(second, reports, sample):
    rows, disagree = [], []
    for key in sample:
        (equivalent, why), report = second[key], reports[key]
        assert equivalent is not None, f"{key}: {why}"  # the sample holds only scripts 2.2.4 runs
        rows.append(f"{key}: harness {'equivalent' if equivalent else 'NOT equivalent'} ({why}); "
                    f"kfn-gen verify {report.status.upper()}")
        if equivalent != (report.status == "match"):
            disagree.append(rows[-1] + f"\n{report.format_table()}")
    assert not disagree, "\n".join(disagree)
    return rows


@pytest.fixture(scope="module")
def default_sample(tmp_path_factory, legacy_dir, keras224_sdist):
    return _crosscheck(tmp_path_factory, legacy_dir, keras224_sdist, SAMPLE)


def test_harness_and_verify_agree_on_a_sample_of_the_examples(default_sample):
    second, reports = default_sample
    rows = _assert_agree(second, reports, SAMPLE)
    print("\n".join(rows))


def test_both_find_the_undone_fix(default_sample):
    """The agreement is not vacuous: both say NOT equivalent where a fix was undone, and equal elsewhere."""
    second, reports = default_sample
    for key, (_, undo) in SAMPLE.items():
        assert second[key][0] is (undo is None), (key, second[key])
        assert (reports[key].status == "match") is (undo is None), (key, reports[key].status)


@pytest.mark.slow
def test_harness_and_verify_agree_on_more_examples(tmp_path_factory, legacy_dir, keras224_sdist):
    second, reports = _crosscheck(tmp_path_factory, legacy_dir, keras224_sdist, SLOW_SAMPLE)
    print("\n".join(_assert_agree(second, reports, SLOW_SAMPLE)))
