"""Verify a migration by executing both sides: genuine Keras 2.2.4 vs Keras 3.

Approach (issue 3): **model capture by execution with offline stand-ins**, one subprocess per side.

1. ``kfn_gen.verify.oracle`` locates or installs Keras 2.2.4 (pinned, ``--no-deps --target``
   into a user cache dir, flock + atomic rename).
2. ``kfn_gen/verify/worker/runner.py`` runs the legacy script under Keras 2.2.4 (booted on
   ``tf.compat.v1`` by ``kfn_gen.verify.worker.shim224``), then the migrated script under Keras 3, each in
   its own process (the two Keras never share a process), with cwd in a fresh temp dir, an
   ``RLIMIT_AS`` memory limit (TF 2.21 + Keras peak at ~2.1 GB of address space, ~0.55 GB RSS for
   a small model, so limits below ~2000 MB fail at ``import tensorflow``; default 6000 MB) and a
   wall-clock limit per side, in the sandbox of ``kfn_gen.verify.sandbox`` (docs/security.md).
3. The runner executes the script statement by statement with stand-ins for datasets
   (seeded random arrays of the real shapes), ``get_file`` (synthetic stand-ins of the files keras
   examples download, else an offline error; the data files some scripts open from the cwd are
   written there, the same bytes for both sides: ``kfn_gen.verify.worker.standins``), ``time.sleep``
   and training calls (``fit``/``evaluate``/``train_on_batch``... are argument-checked against
   the real signature and skipped; ``predict`` runs on <= 8 rows), and captures every model
   constructed, in creation order.  Command lines, placeholder input files, optional
   modules and ImageNet weights are stood in by ``kfn_gen/verify/worker/scriptenv.py`` (listed in the
   report as ``stand-in:`` lines).  See the runner's docstring for details.
4. Legacy side: seeded inputs (integers in range for the Embedding an input feeds), inference
   outputs, per-layer weights, and the trainable weights after ONE optimizer step on a seeded
   batch (learning phase 0, so Dropout is off on both sides; learning phase 1 for a model with
   BatchNormalization and nothing random, see worker/describe.py: training_mode) go to an ``.npz``.
   Keras 3 side: models are paired by creation order (by variable name when the counts
   differ), leaf layers by position after dropping ``InputLayer`` (nested models are walked);
   legacy weights are copied in, the same inputs predicted, the same optimizer step taken.
5. This process compares the arrays with numpy (``|legacy - migrated| <= atol + rtol*|legacy|``)
   and names the likely cause of a difference from what the runners recorded: activation
   functions probed numerically on both sides (hard_sigmoid vs sigmoid), GRU ``reset_after``,
   optimizer learning rate / decay / epsilon / clipnorm / Adagrad accumulator.

``verify_many`` does the same for many pairs with one process per side (TensorFlow boots twice in
all, not twice per pair; scripts run one after another with the Keras session cleared and a
per-script SIGALRM limit; a script that kills its process is re-run alone for its verdict).

oneDNN is left at TF's default (on): with it off, Eigen's convolution materialises im2col patches
(a VGG tower over 100 frames of 224x224 needed > 16 GB); both sides use the same kernels either way.

Importing this module never imports TensorFlow or Keras.
"""
from __future__ import annotations

from kfn_gen.verify.compare import PROBE_X, compare, identify_activation, likely_causes
from kfn_gen.verify.processes import run_side, run_side_batch
from kfn_gen.verify.report import EXIT_CODES, STATUSES, ModelEntry, OutputDiff, ScriptError, TrainStep, VerifyReport, coverage_text
from kfn_gen.verify.options import VerifyOptions, script_argv
from kfn_gen.verify.run import verify_many, verify_pair
from kfn_gen.verify.verdict import coverage

__all__ = ["EXIT_CODES", "PROBE_X", "STATUSES", "ModelEntry", "OutputDiff", "ScriptError", "TrainStep", "VerifyOptions", "VerifyReport",
           "compare", "coverage", "coverage_text", "identify_activation", "likely_causes", "run_side", "run_side_batch",
           "script_argv", "verify_many", "verify_pair"]
