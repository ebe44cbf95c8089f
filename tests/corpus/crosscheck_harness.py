"""An independent second opinion on `kfn-gen verify`, written apart from the verifier on purpose.

Run as a script, once per side:  python crosscheck_harness.py legacy|keras3 LEGACY_DIR JOB.json
JOB.json: {"scripts": [[key, path], ...], "out": DIR}.  Each script runs as `__main__`, as a user runs it,
in its own empty working directory, with:
- offline data: `keras.datasets.<name>.load_data` returns small seeded random arrays of the real shapes;
- real training, made small: fit/evaluate see at most 32 rows, one epoch, generators one step (the verifier instead
  replaces training with stand-ins: this harness does not share that code or that choice);
- every model the script builds captured in creation order (a model built by Keras itself, such as
  Keras 3's Sequential's inner Functional, is not the script's and is skipped).
The legacy side (genuine Keras 2.2.4, booted by the verifier's shim224 with the Python/NumPy aliases a
2018 script needed) writes each model's weights, seeded inputs and outputs; the Keras 3 side (no shim)
builds its models the same way, copies the legacy weights in, and writes its own outputs on the same
inputs.  What is shared with the verifier: the boot of 2.2.4 on tf.compat.v1, and nothing else.
"""
from __future__ import annotations

import json
import os
import runpy
import sys
import traceback

import numpy as np

ROWS = 32
BATCH = 3

# (x shape per sample or "seq" for word-index sequences, y kind, train rows, test rows): the real sizes,
# which scripts hard-code (`x_train.reshape(60000, 784)`); "int:N" labels below N, "col:N" as a column
DATASETS = {
    "mnist": ((28, 28), "int:10", 60000, 10000),
    "fashion_mnist": ((28, 28), "int:10", 60000, 10000),
    "cifar10": ((32, 32, 3), "col:10", 50000, 10000),
    "cifar100": ((32, 32, 3), "col:100", 50000, 10000),
    "imdb": ("seq", "int:2", 25000, 25000),
    "reuters": ("seq", "int:46", None, None),
}
REUTERS_ROWS = 11228


def fake_loader(name):
    shape, ykind, n_train, n_test = DATASETS[name]

    def load_data(*args, **kwargs):
        rng = np.random.RandomState(1234)
        train, test = n_train, n_test
        if name == "reuters":
            split = kwargs.get("test_split", args[5] if len(args) > 5 else 0.2)
            train = int(REUTERS_ROWS * (1 - split))
            test = REUTERS_ROWS - train

        def xs(n):
            if shape == "seq":
                words = kwargs.get("num_words") or 1000
                lengths = rng.randint(5, 60, size=n)
                flat = rng.randint(1, words, size=int(lengths.sum()))
                out = np.empty(n, dtype=object)
                out[:] = [list(a) for a in np.split(flat, np.cumsum(lengths)[:-1])]
                return out
            return rng.randint(0, 256, size=(n,) + shape).astype("uint8")

        def ys(n):
            top = int(ykind.split(":")[1])
            y = rng.randint(0, top, size=(n,))
            return y.reshape(n, 1) if ykind.startswith("col") else y

        return (xs(train), ys(train)), (xs(test), ys(test))

    return load_data


def small(v):
    if isinstance(v, np.ndarray):
        return v[:ROWS]
    if isinstance(v, (list, tuple)) and v and all(isinstance(a, np.ndarray) for a in v):
        return type(v)(a[:ROWS] for a in v)
    if isinstance(v, dict):
        return {k: small(a) for k, a in v.items()}
    return v


def patch(keras, model_cls, side):
    for name in DATASETS:
        mod = getattr(keras.datasets, name, None)
        if mod is not None:
            mod.load_data = fake_loader(name)

    def fewer_steps(name, steps_at):
        method = getattr(model_cls, name, None)
        if method is None:
            return

        def one_step(self, *args, **kwargs):
            args = list(args)
            if len(args) > steps_at:
                args[steps_at] = 1
            else:
                kwargs["steps_per_epoch" if name == "fit_generator" else "steps"] = 1
            if name == "fit_generator":
                kwargs["epochs"] = 1
                kwargs.pop("nb_epoch", None)
                val = kwargs.get("validation_data")
                if isinstance(val, (list, tuple)):
                    kwargs["validation_data"] = type(val)(small(v) for v in val)
                elif val is not None:
                    kwargs["validation_steps"] = 1
                kwargs.pop("callbacks", None)
            kwargs.pop("workers", None)
            kwargs.pop("use_multiprocessing", None)
            return method(self, *args, **kwargs)

        setattr(model_cls, name, one_step)

    fit, evaluate = model_cls.fit, model_cls.evaluate

    def small_fit(self, x=None, y=None, *args, **kwargs):
        kwargs["epochs"] = 1
        kwargs.pop("nb_epoch", None)
        kwargs["verbose"] = 0
        kwargs.pop("callbacks", None)
        if hasattr(x, "__next__") or hasattr(x, "on_epoch_end"):  # Keras 3's fit of a generator or PyDataset
            kwargs["steps_per_epoch"] = 1
            kwargs.pop("validation_data", None)
            return fit(self, x, **kwargs)
        if "validation_data" in kwargs and isinstance(kwargs["validation_data"], (list, tuple)):
            kwargs["validation_data"] = type(kwargs["validation_data"])(small(v) for v in kwargs["validation_data"])
        return fit(self, small(x), small(y), *args[:1], **kwargs)

    def small_evaluate(self, x=None, y=None, *args, **kwargs):
        if hasattr(x, "__next__") or hasattr(x, "on_epoch_end"):
            kwargs["steps"] = 1
            return evaluate(self, x, *args, **kwargs)
        return evaluate(self, small(x), small(y), *args, **kwargs)

    model_cls.fit, model_cls.evaluate = small_fit, small_evaluate
    fewer_steps("fit_generator", 1)  # 2.2.4: fit_generator(generator, steps_per_epoch, ...)
    fewer_steps("evaluate_generator", 1)
    fewer_steps("predict_generator", 1)
    keras_dir = os.path.dirname(keras.__file__)
    captured = []
    if side == "keras3":
        from keras.src.models import functional, sequential

        owners = [model_cls, functional.Functional, sequential.Sequential]
    else:
        owners = [keras.engine.network.Network]
    for owner in owners:
        hook(owner, keras_dir, captured)
    return captured


def hook(owner, keras_dir, captured):
    init = owner.__dict__["__init__"]

    def recording_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        caller = sys._getframe(1)
        while caller is not None and (caller.f_code.co_name in ("__init__", "recording_init")
                                      and caller.f_locals.get("self") is self):
            caller = caller.f_back  # a subclass's __init__ calling this one: look at who built the model
        if caller is not None and os.path.abspath(caller.f_code.co_filename).startswith(keras_dir):
            return
        if all(m is not self for m in captured):
            captured.append(self)

    owner.__init__ = recording_init


def inputs_for(model, keras, side):
    rng = np.random.RandomState(7)
    out = []
    embedding_dims = [layer.input_dim for layer in model.layers if type(layer).__name__ == "Embedding"]
    for t in model.inputs:
        shape = tuple(keras.backend.int_shape(t)) if side == "legacy" else tuple(t.shape)
        shape = (BATCH,) + tuple(5 if d is None else d for d in shape[1:])
        dtype = str(t.dtype.name if hasattr(t.dtype, "name") else t.dtype)
        if "int" in dtype or embedding_dims:
            out.append(rng.randint(0, min(embedding_dims) if embedding_dims else 10, size=shape).astype(
                "int32" if "int" in dtype else "float32"))
        else:
            out.append(rng.uniform(-1, 1, size=shape).astype("float32"))
    return out


def run(side, legacy_dir, job):
    if side == "legacy":
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
        from kfn_gen.verify.worker.shim224 import boot, install_numpy_aliases

        install_numpy_aliases()
        keras = boot(legacy_dir)
        from keras.engine import training

        model_cls = training.Model
    else:
        import keras

        model_cls = keras.Model
    captured = patch(keras, model_cls, side)
    here = os.getcwd()
    for key, path in job["scripts"]:
        result = {"ran": True, "error": None, "models": []}
        work = os.path.join(job["out"], f"{side}-{key}")
        os.makedirs(work, exist_ok=True)
        os.chdir(work)
        sys.argv = [path]
        np.random.seed(0)
        del captured[:]
        try:
            runpy.run_path(path, run_name="__main__")
        except SystemExit:
            pass
        except BaseException as exc:  # the script's own failure is the finding
            tb = traceback.extract_tb(exc.__traceback__)
            line = next((f.lineno for f in reversed(tb) if f.filename == path), None)
            result.update(ran=False, error=f"line {line}: {type(exc).__name__}: {exc}"[:400])
        os.chdir(here)
        arrays = {}
        legacy = np.load(os.path.join(job["out"], f"legacy-{key}.npz"), allow_pickle=False) \
            if side == "keras3" and os.path.exists(os.path.join(job["out"], f"legacy-{key}.npz")) else None
        for i, model in enumerate(captured):
            info = {"class": type(model).__name__}
            try:
                if side == "legacy":
                    xs = inputs_for(model, keras, side)
                    weights = model.get_weights()
                    for k, w in enumerate(weights):
                        arrays[f"m{i}_w{k}"] = w
                    arrays[f"m{i}_nw"] = np.array(len(weights))
                else:
                    if legacy is None or f"m{i}_nw" not in legacy:
                        raise LookupError("no legacy model at this position")
                    xs = [legacy[f"m{i}_x{k}"] for k in range(int(legacy[f"m{i}_nx"]))]
                    model.set_weights([legacy[f"m{i}_w{k}"] for k in range(int(legacy[f"m{i}_nw"]))])
                ys = model.predict(xs if len(xs) > 1 else xs[0], batch_size=BATCH, verbose=0)
                ys = ys if isinstance(ys, list) else [ys]
                for k, x in enumerate(xs):
                    arrays[f"m{i}_x{k}"] = x
                arrays[f"m{i}_nx"] = np.array(len(xs))
                for k, y in enumerate(ys):
                    arrays[f"m{i}_y{k}"] = np.asarray(y)
                arrays[f"m{i}_ny"] = np.array(len(ys))
            except Exception as exc:
                info["error"] = f"{type(exc).__name__}: {exc}"[:300]
            result["models"].append(info)
        np.savez(os.path.join(job["out"], f"{side}-{key}.npz"), **arrays)
        with open(os.path.join(job["out"], f"{side}-{key}.json"), "w") as fh:
            json.dump(result, fh)
        if side == "legacy":
            keras.backend.clear_session()


def verdict(out_dir, key, atol=1e-5, rtol=1e-5):
    """(equivalent or None when 2.2.4 itself did not run the script, why)."""
    res = {}
    for side in ("legacy", "keras3"):
        with open(os.path.join(out_dir, f"{side}-{key}.json")) as fh:
            res[side] = json.load(fh)
    old, new = res["legacy"], res["keras3"]
    if not old["ran"]:
        return None, f"2.2.4 did not run it: {old['error']}"
    if not new["ran"]:
        return False, f"the migration failed where 2.2.4 ran: {new['error']}"
    if len(old["models"]) != len(new["models"]):
        return False, f"{len(old['models'])} models under 2.2.4, {len(new['models'])} under Keras 3"
    a = np.load(os.path.join(out_dir, f"legacy-{key}.npz"))
    b = np.load(os.path.join(out_dir, f"keras3-{key}.npz"))
    worst = 0.0
    for i, (mo, mn) in enumerate(zip(old["models"], new["models"])):
        if "error" in mo or "error" in mn:
            return False, f"model {i}: {mo.get('error') or mn.get('error')}"
        if int(a[f"m{i}_ny"]) != int(b[f"m{i}_ny"]):
            return False, f"model {i}: a different number of outputs"
        for k in range(int(a[f"m{i}_ny"])):
            ya, yb = a[f"m{i}_y{k}"], b[f"m{i}_y{k}"]
            if ya.shape != yb.shape:
                return False, f"model {i} output {k}: shape {ya.shape} vs {yb.shape}"
            diff = float(np.max(np.abs(ya.astype("float64") - yb))) if ya.size else 0.0
            worst = max(worst, diff)
            if not np.all(np.abs(ya.astype("float64") - yb) <= atol + rtol * np.abs(ya)):
                return False, f"model {i} output {k}: max abs diff {diff:.3g}"
    return True, f"{len(old['models'])} models equal (max abs diff {worst:.3g})"


if __name__ == "__main__":
    side_, legacy_dir_, job_path = sys.argv[1:4]
    with open(job_path) as fh_:
        run(side_, legacy_dir_, json.load(fh_))
