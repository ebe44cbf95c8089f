"""What both sides share: the Side adapter (boot, capture hooks, stand-ins for training calls and predict),
the worker's limits, and small array helpers."""
from __future__ import annotations

import collections
import functools
import inspect
import os
import re
import sys

import numpy as np

from kfn_gen.migrate.helpers import names as helper_names
from kfn_gen.verify.worker.scriptenv import copy_function, redirect_function
from kfn_gen.verify.worker.standins import (DATASETS, fake_load_data, fake_word_index, offline_get_file)


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
    guard = None  # worker/guard.py, installed by the runner

    def optimizer_info(self, model):
        opt = getattr(model, "optimizer", None)
        if opt is None:
            return None
        try:
            cfg = opt.get_config()
        except Exception:
            cfg = {}
        return {"class": type(opt).__name__, "config": jsonable(cfg)}

    def __init__(self, spec):
        self.spec = spec
        self.keras = None
        self.captured = []  # models in creation order
        self._seen = set()
        self._depth = 0
        self.calls = collections.Counter()
        self.predict_cache = {}
        self.orig = {}
        self.ctc_calls = []  # legacy: (y_true, y_pred, input_length, label_length) of each K.ctc_batch_cost
        self.trained_at = {}  # id(model) -> what its first training call after compile() trains (Keras 3)

    def note_training(self, model):
        """A training call (stand-in): Keras 2.2.4 fixed the trained weights at compile(), nothing to note."""

    def loss_result(self, model, x, y, return_dict=False):
        """What train_on_batch/test_on_batch/evaluate return, with zeros for the numbers: the structure
        of the real return (a scalar, or one value per name of metrics_names), so that a script that
        indexes or unpacks it runs as it would after real training."""
        raise NotImplementedError

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

    def capture_loaded(self, func):
        """A model the script loads from a file is one of its models (2.2.4's load_model built it through the
        constructors the capture hooks; Keras 3 builds it inside its own from_config, which the hooks skip)."""
        real = copy_function(func)
        side = self

        def models(model):
            """The loaded model and the models nested in it, inner ones first (the order 2.2.4 built them)."""
            for layer in getattr(model, "layers", ()):
                if side.is_model(layer):
                    yield from models(layer)
            yield model

        def load_model(*args, **kwargs):
            model = real(*args, **kwargs)
            for m in models(model) if side._depth == 0 else ():
                if id(m) not in side._seen:
                    side._seen.add(id(m))
                    side.captured.append(m)
            return model
        self.patch_function_code(func, load_model)

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
        real = copy_function(func)
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
                if meth.endswith("_generator"):
                    return side.loss_result(model, None, None)
                x = args[0] if args else kwargs.get("x")
                y = args[1] if len(args) > 1 else kwargs.get("y")
                return side.loss_result(model, None if is_generator(x) else x, y,
                                        bool(kwargs.get("return_dict")))

            standin.__name__ = meth
            return standin

        def compile_standin(model, *args, **kwargs):
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


def jsonable(v):
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, (bool, int, str)) or v is None:
        return v
    if isinstance(v, float):
        return v if np.isfinite(v) else str(v)
    if isinstance(v, (np.floating, np.integer)):
        return jsonable(v.item())
    if isinstance(v, np.ndarray) and v.size < 50:
        return jsonable(v.tolist())
    if callable(v):
        return getattr(v, "__name__", type(v).__name__)
    return str(v)
