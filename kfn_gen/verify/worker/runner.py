"""Subprocess entry point of ``kfn-gen verify``: ``python runner.py SPEC.json``.

One process runs ONE side: ``side='legacy'`` boots genuine Keras 2.2.4 (``shim224``),
``side='keras3'`` imports Keras 3.  The parent (``kfn_gen.verify``) sets cwd to a temp dir,
the memory limit and the wall-clock limit.

Steps: install offline stand-ins, execute the user's script top-level statement by statement
(one namespace, ``__name__ == '__main__'``; a failing statement is recorded with its line and
execution goes on), capture every Model/Sequential constructed (``__init__`` hooks, creation
order, named after the variable last bound to it), then

* legacy: record structure, draw seeded inputs (ints in range for the Embedding they feed; the
  labels / input_length / label_length inputs of a K.ctc_batch_cost drawn so CTC can align them),
  predict in inference mode, compute the gradient of the compiled loss on a seeded batch
  (learning phase 0, so Dropout is off; 1 for a BatchNormalization model with nothing random, see
  training_mode) and take two optimizer steps fed with exactly those gradients; save
  weights/inputs/outputs/gradients/updated weights to ``legacy.npz``;
* keras3: pair models with the legacy ones, copy weights layer by layer, predict on the same
  inputs, compute Keras 3's own gradient at the same weights, of the weights its first training
  call after compile() trained (compared with the legacy one: catches loss changes), then apply
  the LEGACY gradients with the migrated optimizer for two steps (catches lr/decay/epsilon/clipnorm
  changes without amplifying float noise through Adam's g/sqrt(v)); save to ``keras3.npz``.

Stand-ins for training calls (both sides): ``fit``/``fit_generator``/``train_on_batch``/
``test_on_batch``/``evaluate*`` do NOT train: the call's arguments are bound against the real
signature (so ``fit(nb_epoch=...)`` still raises under Keras 3), a generator argument (2.2.4's
``fit_generator(generator=...)``, Keras 3's ``fit(x=...)``) yields one batch, and a fake History / zero losses come back.  Skipping training keeps the optimizer fresh
for the one-step comparison and bounds time.  ``predict*`` really run, on at most 8 rows, and the
result is tiled to the requested row count; after 3 real calls per model and input shape, the
cached result is reused (text-generation loops call predict thousands of times).

What a script needs from outside its model (``kfn_gen/verify/worker/scriptenv.py``, identical on both
sides): argparse arguments (synthetic, with placeholder files, unless the spec gives ``argv``),
stand-ins for optional modules that are not installed (cairocffi, editdistance, pylab,
matplotlib), keras.applications models built with ``weights='imagenet'`` but nothing
downloaded, and (legacy) the script's own ``K.function`` loops after one real call per shape.

Random draws (both sides, ``install_random_standin``): the script's ``K.random_normal``/
``random_uniform``/``truncated_normal`` (2.2.4) and ``keras.random.normal``/``uniform``/
``truncated_normal`` (Keras 3) return the SAME deterministic function of the shape (a sin of the
flat index, by TF ops), so a model that samples in its forward pass (a VAE) can be compared; the
report notes it as a stand-in.  Keras' own internal draws (initializers, noise layers) are real.
"""
from __future__ import annotations

import ast
import collections
import contextlib
import functools
import inspect
import json
import os
import re
import signal
import sys
import time
import traceback
import types

if __name__ == "__main__":
    # Do not let the user's `import runtime` etc. find this package's modules.
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
    _pkg_root = os.path.dirname(os.path.dirname(os.path.dirname(_here)))
    try:
        import kfn_gen  # noqa: F401
    except ImportError:
        sys.path.append(_pkg_root)

import numpy as np

from kfn_gen.migrate.helpers import names as helper_names
from kfn_gen.verify.worker.scriptenv import cache_function_helper, min_image_size, prepare_script, redirect_function
from kfn_gen.verify.worker.standins import (DATASETS, OfflineError, fake_load_data, fake_word_index, offline_get_file,
                                     split_py36)

PROBE_X = np.array([-4.0, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0], dtype=np.float32)
MAX_REAL_PREDICTS = 3
PREDICT_ROWS = 8
N_STEPS = 2  # two steps: the first step alone cannot see decay= or the Nadam schedule
STOCHASTIC = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
              "GaussianDropout", "AlphaDropout")


FUNCTION_HELPER = re.compile(rf"{helper_names.FUNCTION}(_\d+)?")
# migrated-script helpers whose Model is internal
HELPER_BUILDERS = re.compile(rf"({'|'.join(helper_names.MODEL_BUILDERS)})(_\d+)?")


class FatalRun(BaseException):
    """Stops the whole run (memory exhausted)."""


# --------------------------------------------------------------------------- side adapters
class Side:
    name = ""

    def optimizer_info(self, model):
        opt = getattr(model, "optimizer", None)
        if opt is None:
            return None
        try:
            cfg = opt.get_config()
        except Exception:
            cfg = {}
        return {"class": type(opt).__name__, "config": _jsonable(cfg)}

    def __init__(self, spec):
        self.spec = spec
        self.keras = None
        self.captured = []  # models in creation order
        self._seen = set()
        self._depth = 0
        self.calls = collections.Counter()
        self.predict_cache = {}
        self.orig = {}
        self.compile_metrics = {}
        self.ctc_calls = []  # legacy: (y_true, y_pred, input_length, label_length) of each K.ctc_batch_cost
        self.trained_at = {}  # id(model) -> what its first training call after compile() trains (Keras 3)

    def note_training(self, model):
        """A training call (stand-in): Keras 2.2.4 fixed the trained weights at compile(), nothing to note."""

    # ---- capture
    def hook_init(self, cls):
        orig = cls.__dict__["__init__"]
        side = self

        @functools.wraps(orig)
        def __init__(self, *args, **kwargs):
            side._depth += 1
            try:
                orig(self, *args, **kwargs)
            finally:
                side._depth -= 1
            if side._depth == 0 and id(self) not in side._seen and not side.internal(sys._getframe(1)):
                side._seen.add(id(self))
                side.captured.append(self)

        # Keras 3's Operation.__new__ reads getfullargspec(cls.__init__) for auto-config: keep the signature.
        __init__.__signature__ = inspect.signature(orig)
        cls.__init__ = __init__

    internal_files = ()

    def internal(self, frame):
        """A model Keras builds for itself (Keras 3's Sequential wraps a Functional on every add), or
        the one a migrated K.function builds (the keras224_function helper migrate/rules/backend_function.py
        emits; 2.2.4's K.function built no model, so it is not one of the script's models)."""
        fn = frame.f_code.co_filename.replace(os.sep, "/")
        return fn.endswith(self.internal_files) or bool(HELPER_BUILDERS.fullmatch(frame.f_code.co_name))

    # ---- stand-ins
    def patch_function_code(self, func, fake):
        """Make every reference to `func` call `fake` (re-exports share the function object)."""
        redirect_function(func, fake)

    def patch_get_file(self, func):
        """get_file serves the registered stand-ins (standins.DOWNLOADS) through a copy of this side's
        own get_file, fed a file:// origin (its caching/untar/extract semantics kept); anything else
        raises OfflineError."""
        real = types.FunctionType(func.__code__, func.__globals__, func.__name__, func.__defaults__,
                                  func.__closure__)
        real.__kwdefaults__ = func.__kwdefaults__
        self.patch_function_code(func, functools.partial(offline_get_file, real=real))

    def patch_datasets(self, module_prefixes):
        seed = self.spec.get("seed", 0)
        for name in DATASETS:
            for prefix in module_prefixes:
                mod = sys.modules.get(f"{prefix}.{name}")
                if mod is None:
                    try:
                        mod = __import__(f"{prefix}.{name}", fromlist=["load_data"])
                    except Exception:
                        continue
                ld = getattr(mod, "load_data", None)
                if ld is not None and not getattr(ld, "_kfn_patched", False):
                    self.patch_function_code(ld, functools.partial(fake_load_data, name, seed))
                    ld._kfn_patched = True
                wi = getattr(mod, "get_word_index", None)
                if wi is not None and not getattr(wi, "_kfn_patched", False):
                    self.patch_function_code(wi, functools.partial(fake_word_index, name))
                    wi._kfn_patched = True

    def patch_training(self, model_cls, extra=()):
        side = self
        for meth in ("fit", "fit_generator", "train_on_batch", "test_on_batch", "evaluate", "evaluate_generator",
                     "predict", "predict_on_batch", "predict_generator", "compile", *extra):
            if hasattr(model_cls, meth):
                self.orig[meth] = getattr(model_cls, meth)

        def bind(meth, model, args, kwargs):
            inspect.signature(side.orig[meth]).bind(model, *args, **kwargs)
            side.calls[meth] += 1

        def zero_losses(model):
            n = side.compile_metrics.get(id(model), 0)
            return 0.0 if n == 0 else [0.0] * (n + 1)

        def is_generator(x):
            """A generator/iterator or a keras Sequence (PyDataset), not arrays or lists of arrays."""
            return inspect.isgenerator(x) or hasattr(x, "__next__") or (
                hasattr(x, "__getitem__") and hasattr(x, "__len__") and hasattr(x, "on_epoch_end"))

        def one_batch(gen):
            if hasattr(gen, "__getitem__") and hasattr(gen, "__len__"):
                return gen[0]
            if hasattr(gen, "__next__"):
                return next(gen)
            return None

        def make(meth, kind):
            def standin(model, *args, **kwargs):
                bind(meth, model, args, kwargs)
                if meth in ("fit", "fit_generator", "train_on_batch"):
                    side.note_training(model)
                # fit_generator(generator=...) and Keras 3's fit(x=generator) both take one batch
                gen = args[0] if args else kwargs.get("generator", kwargs.get("x"))
                if gen is not None and (meth.endswith("_generator") or (kind == "fit" and is_generator(gen))):
                    one_batch(gen)
                if kind == "fit":
                    epochs = kwargs.get("epochs", kwargs.get("nb_epoch", 1))
                    return side.fake_history(model, epochs if isinstance(epochs, int) else 1)
                return zero_losses(model)

            standin.__name__ = meth
            return standin

        def compile_standin(model, *args, **kwargs):
            metrics = kwargs.get("metrics")
            if metrics is None and len(args) >= 3 and side.name == "legacy":
                metrics = args[2]
            side.compile_metrics[id(model)] = len(metrics) if isinstance(metrics, (list, tuple)) else 0
            side.trained_at.pop(id(model), None)
            return side.orig["compile"](model, *args, **kwargs)

        for meth in ("fit", "fit_generator"):
            if meth in self.orig:
                setattr(model_cls, meth, make(meth, "fit"))
        for meth in ("train_on_batch", "test_on_batch", "evaluate", "evaluate_generator"):
            if meth in self.orig:
                setattr(model_cls, meth, make(meth, "loss"))
        model_cls.compile = compile_standin

        def predict(model, x, *args, **kwargs):
            bind("predict", model, (x, *args), kwargs)
            return side.bounded_predict(model, x)

        def predict_on_batch(model, x, *args, **kwargs):
            bind("predict_on_batch", model, (x, *args), kwargs)
            return side.bounded_predict(model, x)

        model_cls.predict = predict
        model_cls.predict_on_batch = predict_on_batch
        if "predict_generator" in self.orig:
            def predict_generator(model, generator, steps=None, *args, **kwargs):
                bind("predict_generator", model, (generator, steps, *args), kwargs)
                batch = one_batch(generator)
                x = batch[0] if isinstance(batch, tuple) else batch
                out = side.bounded_predict(model, x)
                reps = steps or 1
                return _map_arrays(out, lambda a: np.concatenate([a] * reps, axis=0))

            model_cls.predict_generator = predict_generator

    def bounded_predict(self, model, x):
        n = _num_rows(x)
        if n is None:  # a dataset or generator: let the real method take one step
            return self.orig["predict"](model, x, steps=1, verbose=0)
        key = (id(model), _shapes_key(x))
        self.calls[key] += 1
        if self.calls[key] <= MAX_REAL_PREDICTS or key not in self.predict_cache:
            fixed = _fixed_batch(model)  # a stateful model's batch size is part of the model: keep it
            rows = min(n, PREDICT_ROWS) if fixed is None else max(fixed, (min(n, PREDICT_ROWS) // fixed) * fixed)
            small = _map_arrays(x, lambda a: np.asarray(a)[:rows])
            self.predict_cache[key] = self.real_predict(model, small, fixed or PREDICT_ROWS)
        out = self.predict_cache[key]
        return _map_arrays(out, lambda a: np.resize(a, (n,) + a.shape[1:]))

    def fake_history(self, model, epochs):
        class _Hist(dict):
            def __missing__(self, key):
                return [0.0] * max(epochs, 1)

        h = self.history_cls()
        h.history = _Hist()
        h.epoch = list(range(epochs))
        h.params = {"epochs": epochs}
        return h


def _fixed_batch(model):
    """The batch size a model was built for (batch_input_shape / batch_shape, as stateful RNNs need), or None."""
    try:
        dim = model.inputs[0].shape[0]
        dim = getattr(dim, "value", dim)  # TF1's Dimension
        return int(dim) if dim is not None else None
    except (AttributeError, IndexError, TypeError, ValueError):
        return None


def _num_rows(x):
    if isinstance(x, np.ndarray):
        return x.shape[0] if x.ndim else None
    if isinstance(x, (list, tuple)) and x and all(isinstance(a, np.ndarray) for a in x):
        return x[0].shape[0]
    if isinstance(x, dict) and x and all(isinstance(a, np.ndarray) for a in x.values()):
        return next(iter(x.values())).shape[0]
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (list, tuple, np.ndarray)):
        return None
    return None


def _shapes_key(x):
    if isinstance(x, np.ndarray):
        return (x.shape[1:], str(x.dtype))
    if isinstance(x, dict):
        return tuple(sorted((k, _shapes_key(v)) for k, v in x.items()))
    return tuple(_shapes_key(a) for a in x)


def _map_arrays(x, fn):
    if isinstance(x, dict):
        return {k: fn(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(fn(a) for a in x)
    return fn(x)


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (bool, int, str)) or v is None:
        return v
    if isinstance(v, float):
        return v if np.isfinite(v) else str(v)
    if isinstance(v, (np.floating, np.integer)):
        return _jsonable(v.item())
    if isinstance(v, np.ndarray) and v.size < 50:
        return _jsonable(v.tolist())
    if callable(v):
        return getattr(v, "__name__", type(v).__name__)
    return str(v)


class Legacy(Side):
    name = "legacy"

    def boot(self):
        from kfn_gen.verify.worker.shim224 import boot

        self.keras = boot(self.spec["legacy_dir"])
        keras = self.keras
        from keras import backend as K
        from keras.engine import network, sequential, training
        from keras.utils import data_utils

        self.K = K
        self.history_cls = keras.callbacks.History
        self.hook_init(network.Network)
        self.hook_init(sequential.Sequential)
        self.patch_training(training.Model, extra=())
        self.patch_get_file(data_utils.get_file)
        self.patch_re_split()
        self.patch_datasets(["keras.datasets"])
        self.patch_ctc()
        self.patch_clear_session()
        self.model_cls = training.Model
        self.InputLayer = keras.engine.input_layer.InputLayer

    def patch_re_split(self):
        """The script's own re.split calls compute what Python <= 3.6 computed (standins.split_py36):
        2.2.4-era scripts were written for it (bAbI's tokenize splits on '(\\W+)?').  Calls from
        anywhere else keep this Python's re.split."""
        import re

        real, side = re.split, self

        def split(pattern, string, maxsplit=0, flags=0):
            if sys._getframe(1).f_code.co_filename == side.spec.get("script"):
                return split_py36(pattern, string, maxsplit, flags)
            return real(pattern, string, maxsplit, flags)

        re.split = split

    def patch_ctc(self):
        """Record the tensors of every K.ctc_batch_cost call (the graph's own, run unchanged):
        input_specs marks the model inputs that are its labels / input_length / label_length so
        draw_inputs can draw values CTC accepts (see ctc_roles)."""
        from keras.backend import tensorflow_backend as tfb

        func = tfb.ctc_batch_cost
        real = types.FunctionType(func.__code__, func.__globals__, func.__name__, func.__defaults__,
                                  func.__closure__)
        side = self

        def ctc_batch_cost(y_true, y_pred, input_length, label_length):
            out = real(y_true, y_pred, input_length, label_length)
            side.ctc_calls.append((y_true, y_pred, input_length, label_length))
            return out

        self.patch_function_code(func, ctc_batch_cost)

    def patch_clear_session(self):
        """K.clear_session() mid-script (mnist_dataset_api: a train model, clear_session, a test model):
        2.2.4 resets the default graph and forgets its session and learning-phase placeholder
        (backend/tensorflow_backend.py), but the models built before live on in the old graph.  The
        script sees 2.2.4's behaviour; the old graph's session is kept so that model_scope can still
        run those models, and its placeholder stays in _GRAPH_LEARNING_PHASES (a lookup only made
        with that graph as default, i.e. by model_scope)."""
        from keras.backend import tensorflow_backend as tfb

        func = tfb.clear_session
        real = types.FunctionType(func.__code__, func.__globals__, func.__name__, func.__defaults__,
                                  func.__closure__)
        side = self

        def clear_session():
            graph = tfb.tf.get_default_graph()
            phase = tfb._GRAPH_LEARNING_PHASES.get(graph)
            # its session, or None when none was made yet (model_scope then makes one)
            side.old_graphs[graph] = tfb._SESSION if tfb._SESSION is not None and tfb._SESSION.graph is graph \
                else None
            real()
            if phase is not None and graph in side.old_graphs:
                tfb._GRAPH_LEARNING_PHASES[graph] = phase

        self.old_graphs = {}
        self.patch_function_code(func, clear_session)

    def in_old_graph(self, model):
        """Whether the model was built before a K.clear_session() (see patch_clear_session)."""
        outputs = getattr(model, "outputs", None) or []
        return bool(outputs) and getattr(outputs[0], "graph", None) in self.old_graphs

    def model_scope(self, model):
        """The graph and session a model built before a K.clear_session() runs in (else a no-op)."""
        from keras.backend import tensorflow_backend as tfb

        stack = contextlib.ExitStack()
        outputs = getattr(model, "outputs", None) or []
        graph = getattr(outputs[0], "graph", None) if outputs else None
        if graph in self.old_graphs and graph is not tfb.tf.get_default_graph():
            sess = self.old_graphs[graph]
            if sess is None:
                sess = self.old_graphs[graph] = tfb.tf.Session(graph=graph)
            stack.enter_context(graph.as_default())
            stack.enter_context(sess.as_default())
        return stack

    def is_keras_tensor(self, v):
        return hasattr(v, "_keras_history") and hasattr(v, "op")

    def is_input_tensor(self, v):
        return isinstance(v._keras_history[0], self.InputLayer)

    def clear_session(self):
        K = self.K
        K.clear_session()
        for sess in self.old_graphs.values():  # between scripts: the previous script's graphs are not kept
            if sess is not None:
                sess.close()
        self.old_graphs.clear()
        K.set_floatx("float32")
        K.set_epsilon(1e-7)
        K.set_image_data_format("channels_last")

    def seed_everything(self, seed):
        import random

        random.seed(seed)
        np.random.seed(seed)
        sys.modules["tensorflow"].set_random_seed(seed)  # graph-level seed: 2.2.4 initializers

    def real_predict(self, model, x, batch_size=PREDICT_ROWS):
        return self.orig["predict"](model, x, batch_size=batch_size, verbose=0)

    def is_model(self, layer):
        return isinstance(layer, self.keras.engine.network.Network)

    def probe(self, fn):
        K = self.K
        return K.get_session().run(fn(K.constant(PROBE_X))).tolist()

    def feed_tensors(self, model):
        """The tensors the verifier feeds for a model: its inputs, except that an input built on a
        computed tensor (Input(tensor=K.concatenate([constant, constant, placeholder])), which is
        neural_style_transfer's VGG19) is replaced by the placeholders that tensor is computed from.
        As the script uses it, that model is a function of those placeholders only; the Keras 3
        migration bakes the constants into a model whose inputs are the placeholders' keras.Input.
        An input with no placeholder behind it (Input(tensor=iterator.get_next())) is fed itself.
        legacy_capture also records the values the model's own input tensors then had (`tin`): a
        migration whose model starts at that tensor (keras224_tensor_input wraps a Keras tensor as
        2.2.4's InputLayer did) is fed those instead (keras3_capture, _takes)."""
        feeds = []
        for t in model.inputs:
            layer = t._keras_history[0]
            found = [] if getattr(layer, "is_placeholder", True) else _placeholders(t)
            for f in found or [t]:
                if all(f is not g for g in feeds):
                    feeds.append(f)
        return feeds

    def input_specs(self, model, batch):
        if not model.inputs:
            raise ValueError("the model was never built (no input shape given and never called on a tensor)")
        specs = []
        feeds = self.feed_tensors(model)
        for t in feeds:
            dtype = t.dtype.name if hasattr(t.dtype, "name") else str(t.dtype)
            history = getattr(t, "_keras_history", None)
            if history is None:  # a K.placeholder behind a tensor-fed input (feed_tensors)
                shape = _static_shape(self.K.int_shape(t), t)
                spec = {"shape": shape, "dtype": dtype, "name": t.op.name, "int_high": None,
                        "min_size": min_image_size(model), "placeholder": True}
            else:
                shape = _static_shape(self.K.int_shape(t), t)
                spec = {"shape": shape, "dtype": dtype, "name": history[0].name,
                        "int_high": self._embedding_dim(history[0]), "min_size": min_image_size(model)}
            specs.append(spec)
        ctc_roles(self.K, feeds, specs, self.ctc_calls)
        return specs

    def _embedding_dim(self, input_layer, depth=0):
        Embedding = self.keras.layers.Embedding
        for node in getattr(input_layer, "_outbound_nodes", []):
            out = node.outbound_layer
            if isinstance(out, Embedding):
                return int(out.input_dim)
            if self.is_model(out) and depth < 5:
                for inner in out._input_layers:
                    dim = self._embedding_dim(inner, depth + 1)
                    if dim:
                        return dim
        return None

    def loss_names(self, model):
        # loss=None outputs (a model trained by add_loss alone) take no targets
        return [getattr(fn, "__name__", str(fn)) for fn in getattr(model, "loss_functions", []) if fn is not None]

    def train_steps(self, model, xs, ys, n_steps=2, training=False):
        """Gradients of the compiled loss in learning phase 0 (Dropout off), or 1 with `training`
        (see training_mode), then n_steps optimizer updates fed with exactly those gradients.
        Returns (params, [grads per step])."""
        K = self.K
        x, y, sw = model._standardize_user_data(xs, ys)
        dyn = model._uses_dynamic_learning_phase()
        ins = x + y + sw + ([1.0 if training else 0.0] if dyn else [])
        feeds = model._feed_inputs + model._feed_targets + model._feed_sample_weights + (
            [K.learning_phase()] if dyn else [])
        params = list(model._collected_trainable_weights)
        tf = sys.modules["tensorflow"]  # tf.compat.v1 here
        # Embedding gradients are IndexedSlices: densify so they can be fed back as arrays.
        gfun = K.function(feeds, [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g
                                  for g in K.gradients(model.total_loss, params)])
        phs = [K.placeholder(shape=K.int_shape(p), dtype=K.dtype(p)) for p in params]
        real_gradients = K.gradients
        K.gradients = lambda loss, variables: list(phs)  # get_updates -> get_gradients (clipnorm/clipvalue kept)
        try:
            updates = model.optimizer.get_updates(loss=model.total_loss, params=params)
        finally:
            K.gradients = real_gradients
        step = K.function(phs, [K.constant(0.0)], updates=updates)
        grads = []
        for _ in range(n_steps):
            g = gfun(ins)
            grads.append(g)
            step(g)
        return params, grads

    def trainable_mask(self, layer):
        tw = {id(w) for w in layer.trainable_weights}
        return [id(w) in tw for w in layer.weights]

    def reset_states(self, model):
        if any(getattr(l, "stateful", False) for l in model.layers):
            model.reset_states()


class Keras3(Side):
    name = "keras3"
    internal_files = ("keras/src/models/sequential.py", "keras/src/models/functional.py",
                      "keras/src/models/model.py")

    def boot(self):
        # No compatibility shim on this side: the migrated script runs on today's NumPy and Python as a user
        # would run it, so whatever the migration missed (np.float, inspect.getargspec, ...) shows.
        import keras
        from keras.src.models import functional, model, sequential
        from keras.src.utils import file_utils

        self.keras = keras
        self.history_cls = keras.callbacks.History
        for cls in (model.Model, functional.Functional, sequential.Sequential):
            self.hook_init(cls)
        self.patch_training(model.Model)
        self.patch_get_file(file_utils.get_file)
        self.patch_datasets(["keras.src.datasets"])
        self.InputLayer = keras.layers.InputLayer
        self.model_cls = keras.Model

    def is_keras_tensor(self, v):
        return isinstance(v, self.keras.KerasTensor)

    def is_input_tensor(self, v):
        return isinstance(v._keras_history[0], self.InputLayer)

    def clear_session(self):
        cfg = self.keras.config
        self.keras.backend.clear_session()
        cfg.set_floatx("float32")
        cfg.set_epsilon(1e-7)
        cfg.set_image_data_format("channels_last")

    def seed_everything(self, seed):
        self.keras.utils.set_random_seed(seed)  # python, numpy and backend seeds

    def real_predict(self, model, x, batch_size=PREDICT_ROWS):
        return self.orig["predict"](model, x, batch_size=batch_size, verbose=0)

    def is_model(self, layer):
        return isinstance(layer, self.keras.Model)

    def probe(self, fn):
        ops = self.keras.ops
        return np.asarray(ops.convert_to_numpy(fn(ops.convert_to_tensor(PROBE_X)))).tolist()

    def note_training(self, model):
        """Keras 3 takes the weights a model trains when it first trains after compile() (the TensorFlow
        trainer's train_step reads `self.trainable_weights` when traced): a later `trainable = ...`
        does not change them; one set before that call does."""
        if id(model) not in self.trained_at:
            self.trained_at[id(model)] = list(model.trainable_weights)

    def trained_weights(self, model):
        """What the model's training updates: as of its first training call, else as of now."""
        return self.trained_at.get(id(model), model.trainable_weights)

    def own_gradients(self, model, xs, ys, training=False):
        """Keras 3's gradient of its compiled loss at the current weights; inference-mode forward
        unless `training` (the legacy side's training_mode); BatchNormalization's moving statistics,
        updated by a training-mode call, are put back."""
        import tensorflow as tf

        x = xs if len(xs) > 1 else xs[0]
        y = None if ys is None else (ys if len(ys) > 1 else ys[0])
        kept = [(v, v.numpy()) for v in model.non_trainable_weights] if training else []
        with tf.GradientTape() as tape:
            y_pred = model(x, training=training)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        for v, value in kept:
            v.assign(value)
        variables = self.trained_weights(model)
        grads = tape.gradient(loss, variables)
        return {id(v): (None if g is None else np.asarray(tf.convert_to_tensor(g)))  # IndexedSlices -> dense
                for v, g in zip(variables, grads)}

    def apply_gradients(self, model, pairs):
        ops = self.keras.ops
        model.optimizer.apply_gradients([(ops.convert_to_tensor(g), v) for g, v in pairs])

    def trainable_mask(self, layer):
        tw = {id(w) for w in layer.trainable_weights}
        return [id(w) in tw for w in layer.weights]

    def reset_states(self, model):
        for l in model.layers:
            if getattr(l, "stateful", False) and hasattr(l, "reset_states"):
                l.reset_states()


# --------------------------------------------------------------------------- random stand-in
def install_random_standin(side):
    """Random draws made by the user's script become one deterministic function of the shape.

    No two runtimes draw the same random numbers, so a model that samples in its forward pass (a VAE's
    ``K.random_normal(shape=(batch, dim))`` in a Lambda) could never verify.  During verification both
    sides replace the script's random calls with the SAME function: with i = 0, 1, ... over the
    flattened shape, ``s = sin(0.7 * i + 0.3)`` in float32 (TF ops, so it works on symbolic shapes in
    tf.compat.v1 graph mode and in Keras 3 traced functions alike), then ``mean + stddev * sqrt(3) * s``
    for normal and truncated normal draws, ``minval + (maxval - minval) * (0.5 + 0.5 * s)`` for uniform
    ones (floored for integer dtypes), cast to the requested dtype (floatx when None).  The seed is ignored.

    Legacy side: ``keras.backend.random_normal`` & co. (what ``K.random_normal`` finds; the
    tensorflow_backend module too), but calls from inside Keras 2.2.4 itself (initializers,
    GaussianNoise) keep the real function.  Keras 3 side: the public ``keras.random`` module (and
    tf.keras' view of it); Keras 3's own layers and initializers call ``keras.src.random`` and are
    untouched.  Uses are counted in ``side.calls`` (``random_standin:<name>``) and the report says so.
    """
    tf = sys.modules["tensorflow"]  # tf.compat.v1 on the legacy side

    def values(shape, dtype, low_scale):
        shape = tf.convert_to_tensor(shape if not isinstance(shape, (list, tuple)) else list(shape))
        shape = tf.cast(shape, "int32")
        i = tf.cast(tf.range(tf.reduce_prod(shape)), "float32")
        s = tf.reshape(tf.sin(0.7 * i + 0.3), shape)
        out = low_scale(s)
        dtype = tf.as_dtype(dtype or "float32")
        if dtype.is_integer:
            out = tf.floor(out)
        return tf.cast(out, dtype)

    def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        return values(shape, dtype, lambda s: mean + stddev * (1.7320508 * s))

    def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
        if maxval is None:
            maxval = 1.0
        return values(shape, dtype, lambda s: minval + (maxval - minval) * (0.5 + 0.5 * s))

    fakes = {"normal": normal, "uniform": uniform, "truncated_normal": normal}

    def counted(name, fake, real, internal_prefix=None):
        @functools.wraps(real)
        def standin(*args, **kwargs):
            if internal_prefix and sys._getframe(1).f_globals.get("__name__", "").startswith(internal_prefix):
                return real(*args, **kwargs)
            side.calls[f"random_standin:{name}"] += 1
            return fake(*args, **kwargs)
        return standin

    if side.name == "legacy":
        mods = [sys.modules.get("keras.backend"), sys.modules.get("keras.backend.tensorflow_backend")]
        names = {"random_normal": "normal", "random_uniform": "uniform", "truncated_normal": "truncated_normal"}
        prefix = "keras."
    else:
        mods = [side.keras.random]
        try:
            import keras._tf_keras.keras.random as tf_keras_random
            mods.append(tf_keras_random)
        except ImportError:
            pass
        names = {"normal": "normal", "uniform": "uniform", "truncated_normal": "truncated_normal"}
        prefix = None
    for mod in {id(m): m for m in mods if m is not None}.values():
        for attr, kind in names.items():
            real = getattr(mod, attr, None)
            if real is not None and not getattr(real, "_kfn_standin", False):
                fake = counted(attr, fakes[kind], real, prefix)
                fake._kfn_standin = True
                setattr(mod, attr, fake)


# --------------------------------------------------------------------------- script execution
def run_script(side, path, result):
    with open(path, encoding="utf-8", errors="replace") as fh:
        source = fh.read()
    tree = ast.parse(source, filename=path)
    ns = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    sys.argv = prepare_script(side, path, result)  # argv, optional modules, applications weights
    names = {}
    errors = result["errors"]
    result["statements_total"] = len(tree.body)  # the verdict's coverage: how much of the script ran
    for stmt in tree.body:
        code = compile(ast.Module(body=[stmt], type_ignores=[]), path, "exec")
        try:
            exec(code, ns)
        except SystemExit as exc:
            result["exited_at"] = {"line": stmt.lineno, "code": str(exc.code)}
            break
        except MemoryError as exc:
            raise FatalRun(f"memory limit exceeded (MemoryError) at {os.path.basename(path)}:{stmt.lineno}") from exc
        except Exception as exc:  # noqa: BLE001 - user code may raise anything
            tb = traceback.extract_tb(exc.__traceback__)
            user_line = next((f.lineno for f in reversed(tb) if f.filename == path), stmt.lineno)
            errors.append({"line": user_line, "stmt_line": stmt.lineno, "type": type(exc).__name__,
                           "message": str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""})
        result["statements_run"] += 1
        if side.name == "keras3":  # the migrated K.function: cached as the legacy side caches 2.2.4's
            for var in [v for v in ns if FUNCTION_HELPER.fullmatch(v)]:
                ns[var] = cache_function_helper(ns[var])
        captured = {id(m) for m in side.captured}
        for var, val in list(ns.items()):
            if id(val) in captured and not var.startswith("_"):
                names[id(val)] = var
    return names, ns


def synthesize_models(side, ns, names, wanted=None):
    """For scripts that build a layer graph but no Model (guide snippets): one model per Keras
    tensor variable left in the namespace, from every Input variable to that tensor.  `wanted`
    (Keras 3 side) is the legacy side's [(tensor var, [input vars])]."""
    made = []
    if wanted is None:
        tensors = [(k, v) for k, v in ns.items() if not k.startswith("_") and side.is_keras_tensor(v)]
        inputs = [k for k, v in tensors if side.is_input_tensor(v)]
        wanted = [(k, inputs) for k, v in tensors if not side.is_input_tensor(v)]
        if not wanted:  # only Input(...) lines: compare the inputs themselves (shape, dtype)
            wanted = [(k, [k]) for k in inputs]
    for out, ins in wanted:
        try:
            xs = [ns[k] for k in ins]
            model = side.model_cls(inputs=xs if len(xs) != 1 else xs[0], outputs=ns[out])
        except Exception:
            continue
        names[id(model)] = out
        made.append((model, {"output": out, "inputs": list(ins)}))
    return made


# --------------------------------------------------------------------------- model description
# Layers whose training-mode output is random (2.2.4 keras/layers/core.py, noise.py).
STOCHASTIC_LAYERS = {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                     "GaussianDropout", "AlphaDropout"}


def training_mode(leaves):
    """Compare the loss gradient in training mode (learning phase 1) when the model has a
    BatchNormalization and nothing random in training: BatchNormalization then normalizes with the
    batch statistics, as in the first step of fit.  In inference mode its initial moving statistics
    (mean 0, variance 1) normalize nothing, so a deep model's activations grow layer after layer
    and its softmax saturates: a regime training never sees, where 2.2.4's categorical
    crossentropy (probabilities clipped to [1e-7, 1 - 1e-7], no gradient past the clip) and
    Keras 3's (computed from the logits) differ.  Otherwise (Dropout, noise, RNN dropout, Lambda
    or custom layers whose randomness cannot be seen) inference mode, as before."""
    has_bn = False
    for _, layer in leaves:
        for sub in (layer, getattr(layer, "layer", None), getattr(layer, "forward_layer", None)):
            if sub is None:
                continue
            cls = type(sub).__name__
            module = type(sub).__module__ or ""
            if cls in STOCHASTIC_LAYERS or cls == "Lambda" or not module.startswith("keras."):
                return False
            cell = getattr(sub, "cell", None)
            for holder in (sub, cell):
                if holder is not None and (getattr(holder, "dropout", 0) or getattr(holder, "recurrent_dropout", 0)):
                    return False
            has_bn = has_bn or cls == "BatchNormalization"
    return has_bn


def leaf_layers(side, model, prefix=""):
    out = []
    i = 0
    for layer in model.layers:
        if isinstance(layer, side.InputLayer):
            continue
        path = f"{prefix}{i}"
        i += 1
        if side.is_model(layer):
            out.extend(leaf_layers(side, layer, path + "."))
        else:
            out.append((path, layer))
    return out


def _act_fns(layer):
    """(attribute, function) pairs of the activations a layer computes with."""
    found = []
    targets = [("", layer)]
    for attr in ("cell", "layer", "forward_layer"):
        sub = getattr(layer, attr, None)
        if sub is not None:
            targets.append((attr + ".", sub))
            inner = getattr(sub, "cell", None)
            if inner is not None:
                targets.append((attr + ".cell.", inner))
    seen = set()
    for pre, obj in targets:
        for a in ("activation", "recurrent_activation"):
            fn = getattr(obj, a, None)
            if callable(fn) and a not in seen:
                seen.add(a)
                found.append((a, fn))
    return found


def _probe_once(side, fn):
    """side.probe(fn), once per plain function: under 2.2.4 every probe adds ops to the session's graph,
    and re-running a big graph (InceptionV3 + a script's gradients) 200 times took ~100 s."""
    if not isinstance(fn, types.FunctionType):
        return side.probe(fn)
    cache = side.__dict__.setdefault("_probe_cache", {})
    if fn not in cache:
        cache[fn] = side.probe(fn)
    return cache[fn]


def describe_layer(side, path, layer):
    d = {"path": path, "class": type(layer).__name__, "name": layer.name}
    try:
        d["params"] = int(layer.count_params())
    except Exception:
        d["params"] = None
    d["weight_shapes"] = [list(w.shape) for w in layer.get_weights()]
    probes = {}
    for attr, fn in _act_fns(layer):
        try:
            probes[attr] = [round(v, 6) for v in _probe_once(side, fn)]
            probes[attr + "_name"] = getattr(fn, "__name__", type(fn).__name__)
        except Exception:
            pass
    d["probes"] = probes
    cfg = {}
    for obj in (layer, getattr(layer, "cell", None), getattr(getattr(layer, "layer", None), "cell", None),
                getattr(layer, "layer", None)):
        for k in ("reset_after", "rate", "dropout", "recurrent_dropout", "stddev"):
            if obj is not None and hasattr(obj, k) and k not in cfg:
                v = getattr(obj, k)
                if isinstance(v, (bool, int, float)):
                    cfg[k] = v
    d["config"] = cfg
    return d


def _output_shape(model):
    try:
        s = model.output_shape
    except AttributeError:
        # 2.2.4: a model also called on inputs of other shapes (a Sequential with no input shape,
        # then called on Input((68,))) has no single output_shape; node 0 is its own graph, the
        # shape Keras 3's output_shape reports
        try:
            s = model.get_output_shape_at(0)
        except Exception:
            return None
    except Exception:
        return None
    return _jsonable(s)


def describe_model(side, index, model, names):
    d = {"index": index, "var": names.get(id(model)), "class": type(model).__name__, "keras_name": model.name}
    try:
        d["params"] = int(model.count_params())
    except Exception:
        d["params"] = None
    d["output_shape"] = _output_shape(model)
    try:
        leaves = leaf_layers(side, model)
        d["layers"] = [describe_layer(side, p, l) for p, l in leaves]
    except Exception as exc:
        leaves = []
        d["layers"] = []
        d["describe_error"] = f"{type(exc).__name__}: {exc}"
    d["optimizer"] = side.optimizer_info(model)
    d["stochastic"] = sorted({l["class"] for l in d["layers"] if l["class"] in STOCHASTIC
                              or any(l["config"].get(k) for k in ("dropout", "recurrent_dropout"))})
    return d, leaves


def display_names(models):
    counts = collections.Counter(m.get("var") or m["keras_name"] for m in models)
    seen = collections.Counter()
    for m in models:
        base = m.get("var") or m["keras_name"]
        seen[base] += 1
        m["name"] = base if counts[base] == 1 else f"{base}#{seen[base]}"


# --------------------------------------------------------------------------- per side
def free_size(shape, i, min_size=None):
    """The size drawn for the unknown axis i (> 0) of an input shape: 6 time steps for sequences, 64
    pixels for images (five 2x poolings still leave 2), or the model's own minimum image size when
    it needs more (keras.applications.InceptionV3 needs 75).  A rank-5 input whose only unknown axis is
    axis 1 is a sequence of images (ConvLSTM2D, TimeDistributed): 6 frames, not 64 (conv_lstm's
    gradient through 64 frames of 4 ConvLSTM2D layers took the legacy side from 3.0 to 11.8 GB of
    address space; with 6 frames it peaks at 3.7 GB)."""
    if len(shape) == 5 and i == 1 and None not in shape[2:]:
        return 6
    return max(64, min_size or 0) if len(shape) >= 4 else 6


def _zero_dim(shape):
    """Whether a (possibly nested, multi-output) shape has a zero-sized axis."""
    if isinstance(shape, (list, tuple)):
        if all(d is None or isinstance(d, int) for d in shape):
            return 0 in shape
        return any(_zero_dim(x) for x in shape)
    return False


CTC_SOURCE_OPS = ("Identity", "Cast", "Squeeze", "ExpandDims", "Reshape")


def ctc_roles(K, inputs, specs, calls):
    """Mark the inputs that feed a K.ctc_batch_cost(y_true, y_pred, input_length, label_length) call
    (the call's own tensors, or a model input reached from them through Cast/Squeeze/Reshape/...):
    spec['ctc'] = {group, role: labels|input_length|label_length, time: y_pred's time steps, classes:
    its last axis}.  Only calls whose three integer arguments are all inputs of this model, and
    whose y_pred has a static time axis, are marked; the rest are drawn as any other input."""
    index = {id(t): i for i, t in enumerate(inputs)}

    def source(t):
        for _ in range(6):
            if id(t) in index:
                return index[id(t)]
            op = getattr(t, "op", None)
            if op is None or op.type not in CTC_SOURCE_OPS or not len(op.inputs):
                return None
            t = op.inputs[0]
        return None

    for g, (y_true, y_pred, input_length, label_length) in enumerate(calls):
        where = {role: source(t) for role, t in (("labels", y_true), ("input_length", input_length),
                                                 ("label_length", label_length))}
        shape = K.int_shape(y_pred)
        if None in where.values() or len(set(where.values())) != 3 or not shape or shape[1] is None:
            continue
        for role, i in where.items():
            specs[i]["ctc"] = {"group": g, "role": role, "time": int(shape[1]), "classes": int(shape[-1])}


def draw_ctc(specs, batch, rng):
    """{spec index: array} for the CTC-marked inputs (see ctc_roles), per group: input_length in
    [ceil(T/2), T] for T time steps, label_length in [1, min(max labels, (input_length + 1) // 2)]
    (a label of L classes with repeats needs at most 2L - 1 steps: always feasible, where random
    integers make 2.2.4's CTCLoss fail with 'Not enough time for target transition sequence'),
    labels in [0, classes - 1) (the last class is CTC's blank)."""
    groups = collections.defaultdict(dict)
    for i, s in enumerate(specs):
        if s.get("ctc"):
            groups[s["ctc"]["group"]][s["ctc"]["role"]] = i
    out = {}
    for g in sorted(groups):
        roles = groups[g]
        if set(roles) != {"labels", "input_length", "label_length"}:
            continue
        info = specs[roles["labels"]]["ctc"]
        t, classes = info["time"], info["classes"]
        lab_shape = specs[roles["labels"]]["shape"]
        max_labels = lab_shape[1] if len(lab_shape) > 1 and lab_shape[1] else t
        il = rng.integers((t + 1) // 2, t + 1, size=batch)
        hi = np.maximum(np.minimum(max_labels, (il + 1) // 2), 1)
        ll = 1 + (rng.random(batch) * hi).astype(np.int64)
        labels = rng.integers(0, max(classes - 1, 1), size=(batch, max_labels))
        for role, values in (("input_length", il), ("label_length", ll), ("labels", labels)):
            i = roles[role]
            shape = [batch if d is None else d for d in specs[i]["shape"]]
            out[i] = np.reshape(values, shape)
    return out


def draw_inputs(specs, batch, rng):
    ctc = draw_ctc(specs, batch, rng)
    xs = []
    for k, s in enumerate(specs):
        if k in ctc:
            xs.append(ctc[k].astype(s["dtype"] if s["dtype"] in ("float32", "float64", "int32", "int64")
                                    else "float32"))
            continue
        shape = [batch if i == 0 and d is None else (free_size(s["shape"], i, s.get("min_size")) if d is None else d)
                 for i, d in enumerate(s["shape"])]
        if s["int_high"]:
            a = rng.integers(0, s["int_high"], size=shape)
        elif "int" in s["dtype"]:
            a = rng.integers(0, 10, size=shape)
        else:
            a = rng.random(shape)
        xs.append(a.astype(s["dtype"] if s["dtype"] in ("float16", "float32", "float64", "int32", "int64", "uint8")
                           else "float32"))
    return xs


def _static_shape(keras_shape, tensor):
    """Keras' shape, with TF's static size where Keras says None: Input(tensor=concatenate([...]))
    (neural_style_transfer's VGG19 input) is (None, None, None, 3) to Keras but (3, 400, w, 3) to TF,
    and TF refuses to feed it any other shape."""
    shape = list(keras_shape)
    try:
        tf_shape = tensor.get_shape().as_list()
    except Exception:  # noqa: BLE001 - unknown rank
        return shape
    if len(tf_shape) != len(shape):
        return shape
    return [k if k is not None else t for k, t in zip(shape, tf_shape)]


def _placeholders(tensor, limit=10_000):
    """The Placeholder ops (K.placeholder) a TF1 tensor is computed from, in graph creation order."""
    seen, stack, found = set(), [tensor.op], []
    while stack and len(seen) < limit:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if op.type == "Placeholder":
            found.append(op)
        stack.extend(i.op for i in op.inputs)
    order = {op.name: k for k, op in enumerate(tensor.graph.get_operations())}
    return [op.outputs[0] for op in sorted(found, key=lambda op: order[op.name])]


def legacy_predict(side, model, xs, batch):
    """model.predict, or for a model whose inputs are not all placeholders (Input(tensor=...):
    2.2.4's predict refuses any data for them) a session run feeding side.feed_tensors directly."""
    feed = getattr(model, "_feed_inputs", None)
    if feed is None or len(feed) == len(model.inputs):
        return side.orig["predict"](model, xs if len(xs) > 1 else xs[0], batch_size=batch, verbose=0)
    outs = _run_fed(side, model, xs, model.outputs)
    return outs if len(outs) > 1 else outs[0]


def _run_fed(side, model, xs, fetches):
    """Fetch tensors of a tensor-fed model with its feed tensors (Legacy.feed_tensors) given xs, in
    test phase."""
    K = side.K
    phase = [K.learning_phase()] if model.uses_learning_phase else []
    return K.function(side.feed_tensors(model) + phase, list(fetches))(list(xs) + [0] * len(phase))


def legacy_input_values(side, model, xs):
    """The values of a tensor-fed model's input tensors when its placeholders get xs."""
    return _run_fed(side, model, xs, model.inputs)


def _takes(model, xs) -> bool:
    """Whether arrays xs fit a Keras 3 model's inputs (count, rank, every static size)."""
    inputs = list(getattr(model, "inputs", None) or [])
    if len(inputs) != len(xs):
        return False
    for t, x in zip(inputs, xs):
        shape = tuple(t.shape)
        if len(shape) != x.ndim or any(d is not None and d != n for d, n in zip(shape, x.shape)):
            return False
    return True


def draw_targets(outputs, losses, rng):
    ys = []
    for i, out in enumerate(outputs):
        loss = losses[i] if i < len(losses) else ""
        if "sparse_categorical" in loss:
            y = rng.integers(0, out.shape[-1], size=out.shape[:-1] + (1,)).astype("float32")
        elif "categorical" in loss:
            y = np.eye(out.shape[-1], dtype="float32")[rng.integers(0, out.shape[-1], size=out.shape[:-1])]
        elif "binary" in loss or "hinge" in loss:
            y = rng.integers(0, 2, size=out.shape).astype("float32")
        else:
            y = rng.random(out.shape).astype("float32")
        ys.append(y)
    return ys


def legacy_capture(side, names, ns, result, arrays):
    batch = side.spec.get("batch", 4)
    rng = np.random.default_rng(side.spec.get("seed", 0))
    models = []
    synth = {}
    if not side.captured:
        synth = {id(m): info for m, info in synthesize_models(side, ns, names)}
    scope = contextlib.ExitStack()
    for index, model in enumerate(side.captured):
        scope.close()  # the previous model's graph (models built before a K.clear_session(): Legacy.model_scope)
        scope.enter_context(side.model_scope(model))
        d, leaves = describe_model(side, index, model, names)
        if id(model) in synth:
            d["synthesized"] = synth[id(model)]
        models.append(d)
        key = f"m{index}"
        try:
            specs = side.input_specs(model, batch)
            fixed = [s["shape"][0] for s in specs if s["shape"] and s["shape"][0] is not None]
            per_row = sum(int(np.prod([free_size(s["shape"], i) if d is None else d
                                       for i, d in enumerate(s["shape"]) if i])) for s in specs)
            # one row for huge inputs (video: 100 frames of 224x224x3), else `batch` rows
            b = fixed[0] if fixed else (1 if per_row > 1_000_000 else batch)
            d["input_specs"] = specs
            if any(sp.get("placeholder") for sp in specs):  # fed through placeholders: TF's static shapes
                d["output_shape"] = _jsonable([_static_shape(side.K.int_shape(o), o) for o in model.outputs]
                                              if len(model.outputs) > 1 else
                                              _static_shape(side.K.int_shape(model.outputs[0]), model.outputs[0]))
            if any(dim == 0 for sp in specs for dim in sp["shape"]):  # oneDNN aborts on empty tensors
                raise ValueError("an input has a zero-sized dimension "
                                 f"({[sp['shape'] for sp in specs]}): the script's data was probably missing")
            if _zero_dim(d.get("output_shape")):  # Dense(len(labels)) of no labels: oneDNN aborts the process
                raise ValueError(f"an output has a zero-sized dimension ({d['output_shape']}): the script's data "
                                 "was probably missing")
            xs = draw_inputs(specs, b, rng)
            side.reset_states(model)
            try:
                if not leaves:  # Model(x, x) synthesized for a snippet of Input lines only: the identity
                    outs = list(xs)  # (TF1 refuses to fetch a fed tensor)
                else:
                    outs = _as_list(legacy_predict(side, model, xs, b))
            except Exception as exc:  # big models (video): retry with one row
                if b == 1 or not ("OOM" in str(exc) or "Exhausted" in type(exc).__name__):
                    raise
                xs = [x[:1] for x in xs]
                side.reset_states(model)
                outs = _as_list(legacy_predict(side, model, xs, 1))
                d["batch"] = 1
        except MemoryError:
            if not side.in_old_graph(model):
                raise FatalRun("memory limit exceeded (MemoryError) while predicting " + str(d.get("var")))
            # extending a cleared graph's session copies that whole graph: the other models still run
            d["predict_error"] = ("MemoryError: memory limit exceeded while running it in the graph that "
                                  "K.clear_session() left (its session copies the whole graph to extend it)")
            continue
        except Exception as exc:
            d["predict_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
            continue
        for k, x in enumerate(xs):
            arrays[f"{key}/in/{k}"] = x
        for k, o in enumerate(outs):
            arrays[f"{key}/out/{k}"] = np.asarray(o)
        if any(sp.get("placeholder") for sp in specs):
            # fed through placeholders (Legacy.feed_tensors): also the values of the model's own input
            # tensors, for a migration whose model takes those (Input(tensor=...) kept as the input)
            try:
                for k, t in enumerate(legacy_input_values(side, model, xs)):
                    arrays[f"{key}/tin/{k}"] = np.asarray(t)
                d["n_tensor_inputs"] = len(model.inputs)
            except Exception as exc:  # noqa: BLE001 - the placeholder comparison still stands
                d["tensor_inputs_error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
        d["n_inputs"], d["n_outputs"] = len(xs), len(outs)
        for path, layer in leaves:
            for j, w in enumerate(layer.get_weights()):
                arrays[f"{key}/w/{path}/{j}"] = w
        # --- one optimizer step
        if getattr(model, "optimizer", None) is None or not hasattr(model, "train_function"):
            d["train_step"] = {"skipped": "model not compiled"}
            continue
        losses = side.loss_names(model)
        d["losses"] = losses
        try:
            ys = draw_targets(outs, losses, rng) if losses else None
            side.reset_states(model)
            training = training_mode(leaves)
            params, grads = side.train_steps(model, xs, ys, N_STEPS, training=training)
            where = {}
            for path, layer in leaves:
                for j, w in enumerate(layer.weights):
                    where[id(w)] = f"{path}/{j}"
            unmapped = [p.name for p in params if id(p) not in where]
            for k, y in enumerate(ys or []):
                arrays[f"{key}/y/{k}"] = y
            for s_, g in enumerate(grads, 1):
                for p, gv in zip(params, g):
                    if id(p) in where:
                        arrays[f"{key}/g{s_}/{where[id(p)]}"] = gv
            for path, layer in leaves:
                for j, w in enumerate(layer.get_weights()):
                    if f"{key}/g1/{path}/{j}" in arrays:
                        arrays[f"{key}/w2/{path}/{j}"] = w
            d["train_step"] = {"ok": True, "has_targets": ys is not None, "unmapped": unmapped, "training": training}
        except Exception as exc:
            d["train_step"] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    scope.close()
    display_names(models)
    result["models"] = models


def pair_models(legacy_models, migrated_models):
    """Pair by creation order; if the counts differ and names are unique on both sides, by name."""
    if len(legacy_models) == len(migrated_models):
        return list(range(len(legacy_models)))
    by_name = {m["name"]: i for i, m in enumerate(migrated_models)}
    return [by_name.get(m["name"]) for m in legacy_models]


def keras3_capture(side, names, ns, result, arrays):
    ref = json.load(open(side.spec["reference_json"]))
    ref_arrays = np.load(side.spec["reference_npz"])
    wanted = [(m["synthesized"]["output"], m["synthesized"]["inputs"]) for m in ref["models"] if m.get("synthesized")]
    if wanted and not side.captured:
        synthesize_models(side, ns, names, wanted)
    models = []
    for index, model in enumerate(side.captured):
        d, _ = describe_model(side, index, model, names)
        models.append(d)
    display_names(models)
    result["models"] = models
    pairs = pair_models(ref["models"], models)
    result["pairs"] = pairs
    for li, mi in enumerate(pairs):
        lm = ref["models"][li]
        if mi is None or "n_inputs" not in lm:
            continue
        model, d = side.captured[mi], models[mi]
        key = f"m{li}"
        xs = [ref_arrays[f"{key}/in/{k}"] for k in range(lm["n_inputs"])]
        if lm.get("n_tensor_inputs") and model.built and not _takes(model, xs):
            tin = [ref_arrays[f"{key}/tin/{k}"] for k in range(lm["n_tensor_inputs"])]
            if _takes(model, tin):  # the migration kept 2.2.4's input tensor as its model input
                xs = tin
                d["fed"] = "the values of 2.2.4's input tensors"
        x = xs if len(xs) > 1 else xs[0]
        try:
            if not model.built:
                model(x)  # builds Sequential models without an Input, and subclassed models
        except Exception as exc:
            d["build_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        try:
            leaves = leaf_layers(side, model)
            d["layers"] = [describe_layer(side, p, l) for p, l in leaves]
            d["params"] = int(model.count_params())
            d["output_shape"] = _output_shape(model)
        except Exception as exc:
            d["describe_error"] = f"{type(exc).__name__}: {exc}"
            continue
        set_errors = []
        legacy_paths = [l["path"] for l in lm["layers"]]
        if len(leaves) != len(legacy_paths):
            set_errors.append(f"layer count differs: legacy {len(legacy_paths)}, migrated {len(leaves)}")
        for (path, layer), lpath in zip(leaves, legacy_paths):
            n = sum(1 for k in ref_arrays.files if k.startswith(f"{key}/w/{lpath}/"))
            ws = [ref_arrays[f"{key}/w/{lpath}/{j}"] for j in range(n)]
            cur = layer.get_weights()
            if [w.shape for w in cur] != [w.shape for w in ws]:
                set_errors.append(f"layer {path} {type(layer).__name__} '{layer.name}': weight shapes legacy "
                                  f"{[list(w.shape) for w in ws]}, migrated {[list(w.shape) for w in cur]}")
                continue
            try:
                layer.set_weights(ws)
            except Exception as exc:
                set_errors.append(f"layer {path} {type(layer).__name__}: set_weights failed: {exc}")
        d["set_weights_errors"] = set_errors
        try:
            side.reset_states(model)
            outs = _as_list(side.orig["predict"](model, x, batch_size=xs[0].shape[0], verbose=0))
            for k, o in enumerate(outs):
                arrays[f"{key}/out/{k}"] = np.asarray(o)
            d["n_outputs"] = len(outs)
        except Exception as exc:
            d["predict_error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
            continue
        # --- one optimizer step on the same batch
        lts = lm.get("train_step", {})
        if not lts.get("ok") or set_errors:
            continue
        if getattr(model, "optimizer", None) is None:
            d["train_step"] = {"error": "migrated model is not compiled"}
            continue
        ys = [ref_arrays[f"{key}/y/{k}"] for k in range(len(outs))] if lts.get("has_targets") else None
        try:
            side.reset_states(model)
            own = side.own_gradients(model, xs, ys, training=bool(lts.get("training")))
            var_of = {}
            for (path, layer), lpath in zip(leaves, legacy_paths):
                for j, w in enumerate(layer.weights):
                    var_of[f"{lpath}/{j}"] = w
            missing = []
            trained = {id(v) for v in side.trained_weights(model)}
            for s_ in range(1, N_STEPS + 1):
                pairs = []
                for name in ref_arrays.files:
                    if name.startswith(f"{key}/g{s_}/"):
                        wkey = name[len(f"{key}/g{s_}/"):]
                        v = var_of.get(wkey)
                        if v is None or id(v) not in trained:
                            missing.append(wkey)
                            continue
                        pairs.append((ref_arrays[name], v))
                        if s_ == 1 and own.get(id(v)) is not None:
                            arrays[f"{key}/g1/{wkey}"] = own[id(v)]
                if pairs:
                    side.apply_gradients(model, pairs)
            for wkey, v in var_of.items():
                if f"{key}/w2/{wkey}" in ref_arrays.files:
                    arrays[f"{key}/w2/{wkey}"] = np.asarray(v.numpy() if hasattr(v, "numpy") else v)
            d["train_step"] = {"ok": True, "not_trainable_in_migration": sorted(set(missing))}
        except Exception as exc:
            d["train_step"] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}


class JobTimeout(BaseException):
    """Raised by SIGALRM when one script of a batch runs past its own limit."""


def reset_side(side):
    """Between the scripts of a batch: forget models and caches, reset Keras global state."""
    side.captured, side._seen, side._depth = [], set(), 0
    side.calls, side.predict_cache, side.compile_metrics = collections.Counter(), {}, {}
    side.ctc_calls = []
    side.trained_at = {}
    side.clear_session()


def run_job(side, job, boot_s):
    """Run one script (job: script, out_dir, cwd, optional reference_json/npz) and write its results."""
    side.spec = {**side.base_spec, **job}
    out_dir = job["out_dir"]
    os.makedirs(out_dir, exist_ok=True)
    result = {"side": side.name, "script": job["script"], "errors": [], "statements_run": 0, "fatal": None,
              "timings": {"boot_s": boot_s}}
    arrays = {}
    limit = int(job.get("timeout_s") or 0)
    try:
        if job.get("cwd"):
            os.chdir(job["cwd"])
        side.seed_everything(side.spec.get("seed", 0))
        if limit:
            signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(limit)
        t1 = time.perf_counter()
        names, ns = run_script(side, job["script"], result)
        result["timings"]["script_s"] = round(time.perf_counter() - t1, 3)
        result["calls"] = {k: v for k, v in side.calls.items() if isinstance(k, str)}
        t2 = time.perf_counter()
        if side.name == "legacy":
            legacy_capture(side, names, ns, result, arrays)
        else:
            keras3_capture(side, names, ns, result, arrays)
        result["timings"]["capture_s"] = round(time.perf_counter() - t2, 3)
    except JobTimeout:
        result["fatal"] = f"timed out after {limit}s (wall-clock limit)"
    except FatalRun as exc:
        result["fatal"] = str(exc)
    except MemoryError:
        result["fatal"] = "memory limit exceeded (MemoryError)"
    except Exception as exc:  # noqa: BLE001
        result["fatal"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()[-2000:]
    finally:
        if limit:
            signal.alarm(0)
    _write_results(side, out_dir, result, arrays)


def _alarm(signum, frame):
    raise JobTimeout()


def _write_results(side, out_dir, result, arrays):
    tmp = os.path.join(out_dir, f"{side.name}.tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, os.path.join(out_dir, f"{side.name}.npz"))
    with open(os.path.join(out_dir, f"{side.name}.json.tmp"), "w") as fh:
        json.dump(result, fh, default=str)
    os.replace(os.path.join(out_dir, f"{side.name}.json.tmp"), os.path.join(out_dir, f"{side.name}.json"))


# what a missing module at boot is installed by: Keras 2.2.4's own imports and TensorFlow's
BOOT_PACKAGES = {"scipy": "scipy", "yaml": "pyyaml", "h5py": "h5py", "PIL": "pillow", "six": "six",
                 "tensorflow": "tensorflow-cpu", "keras": "tensorflow-cpu", "numpy": "numpy"}


def boot_hint(exc) -> str:
    """'; install it with: pip install "kfn-gen[tf]"' for a module the [tf] extra installs, else the package."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return ""
    top = exc.name.split(".")[0]
    if top in BOOT_PACKAGES:
        return f" (the {BOOT_PACKAGES[top]} package; install it with: pip install \"kfn-gen[tf]\")"
    return f" (install it with: pip install {top})"


def main(argv):
    """SPEC: side, legacy_dir, seed, batch, and either one job's keys (script, out_dir, ...) or
    ``jobs``: a list of them, run one after another in this process (batch mode; the file named by
    ``progress`` gets each job's index as it starts, so the parent knows which one killed the process)."""
    spec = json.load(open(argv[1]))
    jobs = spec.pop("jobs", None) or [spec]
    side = Legacy(spec) if spec["side"] == "legacy" else Keras3(spec)
    side.base_spec = spec
    t0 = time.perf_counter()
    try:
        side.boot()
        install_random_standin(side)
        time.sleep = lambda *a, **k: None  # scripts that wait for nothing
    except Exception as exc:  # noqa: BLE001
        for job in jobs:
            os.makedirs(job["out_dir"], exist_ok=True)
            _write_results(side, job["out_dir"], {"side": side.name, "script": job["script"], "errors": [],
                                                  "statements_run": 0, "timings": {},
                                                  "fatal": f"could not boot: {type(exc).__name__}: {exc}"
                                                           + boot_hint(exc)}, {})
        os._exit(0)
    boot_s = round(time.perf_counter() - t0, 3)
    for i, job in enumerate(jobs):
        if i:
            reset_side(side)
        if spec.get("progress"):
            with open(spec["progress"], "a") as fh:
                fh.write(f"{i}\n")
        run_job(side, job, boot_s if i == 0 else 0.0)
    sys.stdout.flush()
    os._exit(0)  # skip TF's atexit handlers and user threads


if __name__ == "__main__":
    main(sys.argv)
