"""The reference for generated tf-function modules: the migrated Keras 3 model, built in process.

`keras_model(text, path, var)` migrates the legacy script with kfn-gen's own migrator, then runs
the migrated script's top-level statements, skipping training/evaluation calls (compile, fit,
evaluate, predict, ...) and statements that fail (data the guide never defined, `assert`s about
Keras 2 node bookkeeping), and returns the model bound to `var`.  Imports Keras: used by the
numeric tests and the benchmark, never by the generator.
"""
from __future__ import annotations

import ast

SKIP_METHODS = {"compile", "fit", "fit_generator", "evaluate", "evaluate_generator", "predict", "predict_generator",
                "train_on_batch", "test_on_batch", "predict_on_batch", "summary", "save", "save_weights",
                "load_weights", "plot_model"}


def _skipped(stmt: ast.stmt) -> bool:
    value = getattr(stmt, "value", None)
    if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) and isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        return name in SKIP_METHODS
    return isinstance(stmt, ast.Assert)


def migrated_source(text: str, path: str) -> str:
    from kfn_gen.migrate.pipeline import migrate_source

    result = migrate_source(text, path)
    if result.code is None:
        raise ValueError(f"{path}: migration failed: " + "; ".join(d.format() for d in result.diagnostics))
    return result.code


def keras_model(text: str, path: str, var: str):
    """The migrated Keras 3 model `var` of a legacy script."""
    code = migrated_source(text, path)
    tree = ast.parse(code, path)
    namespace: dict = {"__name__": "__kfn_gen_reference__"}
    for stmt in tree.body:
        if _skipped(stmt):
            continue
        module = ast.Module(body=[stmt], type_ignores=[])
        try:
            exec(compile(module, path, "exec"), namespace)
        except Exception:  # noqa: BLE001 - guide snippets use data they never define
            continue
    if var not in namespace:
        raise ValueError(f"{path}: the migrated script did not bind {var!r}")
    return namespace[var]


def random_inputs(model_inputs: list[tuple], batch: int, seed: int = 0, int_high: int = 10):
    """Random numpy inputs for (shape, dtype, kind) triples; ints and 'ids' in [0, int_high) (Embedding ids)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = []
    for shape, dtype, kind in model_inputs:
        full = (batch, *[d if d is not None else 5 for d in shape[1:]])
        if dtype.startswith("int") or kind == "ids":
            out.append(rng.integers(0, int_high, size=full).astype(dtype))
        else:
            out.append(rng.standard_normal(full).astype(dtype))
    return out


def randomize_weights(model, seed: int = 0, scale: float = 0.3) -> list:
    """Give every weight random values (fresh models have zero biases and trivial batch-norm statistics,
    which would hide a weight-order mistake); returns model.get_weights()."""
    import numpy as np

    rng = np.random.default_rng(seed)
    new = []
    for var, value in zip(model.weights, model.get_weights()):
        if "variance" in var.path:
            new.append(rng.uniform(0.5, 1.5, value.shape).astype(value.dtype))
        else:
            new.append((scale * rng.standard_normal(value.shape)).astype(value.dtype))
    model.set_weights(new)
    return model.get_weights()
