"""Training API: Keras-1/2.2.4 model methods -> their Keras 3 form, keeping what 2.2.4 did.

* `fit(nb_epoch=)` -> `epochs=` (legacy_generator_methods_support also covers fit_generator).
* `fit_generator` / `evaluate_generator` / `predict_generator` -> `fit` / `evaluate` / `predict`; the
  2.2.4 positionals get keywords (Keras 3's `fit` reads its 2nd positional as `y`); `workers`,
  `use_multiprocessing`, `max_queue_size` (Keras 3 `fit` rejects them) are dropped with a warning.
* `samples_per_epoch=N`: 2.2.4 (legacy/interfaces.py:generator_methods_args_preprocessor) set
  `steps_per_epoch = N // generator.batch_size` when the generator has a `batch_size` (Keras
  iterators such as `datagen.flow(...)`), else `N` itself.  `nb_val_samples` / `val_samples` were
  renamed without any division (`validation_steps` / `steps`).
* `predict_classes(x)` (engine/sequential.py:253): argmax over the last axis when the output has
  more than one unit, else `(p > 0.5).astype('int32')`; the rule picks from the graph when the
  output width is known, else writes a helper with both branches.  `predict_proba` -> `predict`.
* `save('m')` without extension and `save_weights('w.h5')`: Keras 3 needs `.keras` / `.weights.h5`;
  literal names, and the literal that ends a computed name (`'w_{}.h5'.format(i)`, `'w_%d.h5' % i`,
  `d + '/w.h5'`, `os.path.join(d, 'w.h5')`, f-strings), are rewritten (with the matching `load_model` /
  `load_weights`), with a warning; a name whose end is computed is reported.
"""
from __future__ import annotations

import os
import posixpath

import libcst as cst

from kfn_gen.ir.values import LayerVal
from kfn_gen.frontend.tree import dotted
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls
from kfn_gen.migrate.tables.training import (GENERATOR_ARGS, GENERATOR_DROPPED, GENERATOR_METHODS, GENERATOR_RENAMES,
                                             SHAPE_KEEPING)

PREDICT_CLASSES_HELPER = "keras224_predict_classes"
PREDICT_CLASSES_PRELUDE = '''def {name}(model, x, batch_size=32, verbose=0):
    """Keras 2.2.4's Sequential.predict_classes (removed in Keras 3)."""
    proba = model.predict(x, batch_size=batch_size, verbose=verbose)
    if proba.shape[-1] > 1:
        return proba.argmax(axis=-1)
    return (proba > 0.5).astype("int32")'''
LOAD_MODEL = "keras.engine.saving.load_model"
H5_EXT = (".h5", ".hdf5", ".keras")


def _method(call: cst.Call) -> str | None:
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else None


def _str(node) -> str | None:
    return node.evaluated_value if isinstance(node, cst.SimpleString) else None


def _bound_name_literal(ctx: Context, node) -> cst.SimpleString | None:
    """The file-name literal behind a variable bound once at module level to a string or to
    `os.path.join(..., 'name.h5')` (mnist_dataset_api: weight_path = os.path.join(tmp, 'saved_wt.h5'))."""
    if not isinstance(node, cst.Name):
        return None
    scope = ctx.src.scopes.get(node)
    if scope is None or len(scope.assignments[node.value]) != 1:
        return None
    target = next(iter(scope.assignments[node.value])).node
    for stmt in ctx.src.module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and small.targets[0].target is target:
                value = small.value
                if isinstance(value, cst.SimpleString):
                    return value
                if isinstance(value, cst.Call) and dotted(value.func) == "os.path.join" and value.args \
                        and isinstance(value.args[-1].value, cst.SimpleString):
                    return value.args[-1].value
    return None


def _file_arg(call: cst.Call):
    pos = A.positional(call)
    if pos:
        return pos[0].value
    kw = A.kwarg(call, "filepath")
    return kw.value if kw is not None else None


class _FileName:
    """The literal that ends a file-name expression: the whole name (`'w.h5'`), or the last literal piece
    of one computed around it (`'w_{}.h5'.format(i)`, `'w_%d.h5' % i`, `d + '/w.h5'`,
    `os.path.join(d, 'w.h5')`, `f'w_{i}.h5'`). Its end is the file name's end, so the extension can be
    read and changed there; `open_end` when the piece ends in a placeholder (`'{}'.format(name)`)."""

    def __init__(self, piece, raw: str, whole: bool, key: str, code: str):
        # key: what a later load of the same file shows (the name, or the template the name is made from)
        self.piece, self.raw, self.whole, self.key = piece, raw, whole, key
        self.tail = raw
        template = not whole and not isinstance(piece, cst.FormattedStringText)
        self.open_end = template and (raw.endswith("}") or (len(raw) > 1 and raw[-2] == "%"))
        self.shown = raw if whole else code

    @classmethod
    def of(cls, node) -> "_FileName | None":
        if node is None:
            return None
        code = cst.Module([]).code_for_node(node)
        whole = True
        while True:
            if isinstance(node, cst.SimpleString):
                if node.prefix.lower() not in ("", "u", "r"):
                    return None
                value = node.evaluated_value if whole else node.raw_value
                return cls(node, value, whole, value if whole else node.value, code)
            if isinstance(node, cst.FormattedString):
                last = node.parts[-1] if node.parts else None
                if not isinstance(last, cst.FormattedStringText):
                    return None
                return cls(last, last.value, False, code, code)
            whole = False
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                    and node.func.attr.value == "format":
                node = node.func.value
            elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
                node = node.left
            elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
                node = node.right
            elif isinstance(node, cst.Call) and dotted(node.func) in ("os.path.join", "path.join", "join") \
                    and node.args and node.args[-1].star == "":
                node = node.args[-1].value
            else:
                return None

    def quoted(self, text: str) -> str:
        return f"'{text}'" if self.whole else f"`{text}`"

    def renamed(self, drop: str, ext: str) -> str:
        text = self.shown
        return (text[: -len(drop) - 1] if drop else text) + ext if self.whole else self._in_code(text, drop, ext)

    def _in_code(self, code: str, drop: str, ext: str) -> str:
        raw = self.raw
        new_raw = (raw[: -len(drop) - 1] if drop else raw) + ext
        at = code.rfind(raw)
        return code if at < 0 else code[:at] + new_raw + code[at + len(raw):]

    def rewrite(self, ctx: Context, drop: str, ext: str, message: str | None) -> None:
        cut = len(drop) + 1 if drop else 0
        if isinstance(self.piece, cst.FormattedStringText):
            value = self.piece.value
            ctx.edit(self.piece, lambda t: t.with_changes(value=value[: len(value) - cut] + ext), message)
            return
        code = self.piece.value  # raw source: escapes kept as written
        close = len(self.piece.quote)
        body = code[:-close]
        ctx.replace_code(self.piece, body[: len(body) - cut] + ext + code[-close:], message)


class TrainingApi(Rule):
    code = "KFN010"
    name = "training-api"
    description = "fit/fit_generator Keras-1 arguments, generator methods, predict_classes/proba, save file names"

    def run(self, ctx: Context) -> None:
        imports_sklearn = "sklearn" in ctx.src.text
        saved_models: dict[str, str] = {}
        saved_weights: dict[str, str] = {}
        for call, ident in calls(ctx):
            m = _method(call)
            if ident is not None or m is None:
                continue
            if m == "fit":
                self.fit(ctx, call)
            elif m in GENERATOR_METHODS:
                self.generator(ctx, call, m)
            elif m == "predict_classes":
                self.predict_classes(ctx, call)
            elif m == "predict_proba":
                owner = self._model(ctx, call)
                if owner is None and imports_sklearn:
                    continue  # could be a scikit-learn estimator
                ctx.edit(call.func, lambda f: f.with_changes(attr=cst.Name("predict")),
                         "predict_proba -> predict (2.2.4's predict_proba was predict; Keras 3 removed it)")
            elif m == "save":
                self.save(ctx, call, saved_models, ".keras", H5_EXT, "save")
            elif m == "save_weights":
                self.save(ctx, call, saved_weights, ".weights.h5", (".weights.h5",), "save_weights")
        for call, ident in calls(ctx):
            m = _method(call)
            if ident == LOAD_MODEL:
                self.reload(ctx, call, saved_models, "load_model")
            elif ident is None and m == "load_weights":
                self.reload(ctx, call, saved_weights, "load_weights")

    def _model(self, ctx: Context, call: cst.Call):
        owner = ctx.facts.values.get(call.func.value)
        if isinstance(owner, LayerVal) and owner.layer.is_model:
            return owner.layer
        return None

    # ----- fit -----
    def fit(self, ctx: Context, call: cst.Call) -> None:
        if A.kwarg(call, "nb_epoch") is not None:
            ctx.edit(call, lambda c: A.rename_kwarg(c, "nb_epoch", "epochs"), "fit: nb_epoch= -> epochs= (Keras 1)")

    def generator(self, ctx: Context, call: cst.Call, m: str) -> None:
        new = GENERATOR_METHODS[m]
        names = GENERATOR_ARGS[m]
        pos = A.positional(call)
        mod = ctx.src.module
        notes = [f"{m} -> {new}"]
        if len(pos) > 1:
            ctx.edit(call, lambda c: A.keywordize(c, names, start=1), None)
            notes.append(f"positional arguments given their 2.2.4 keywords ({', '.join(names[1:len(pos)])})")
        gen = pos[0].value if pos else (A.kwarg(call, "generator").value if A.kwarg(call, "generator") else None)
        if A.kwarg(call, "generator") is not None:
            ctx.edit(call, lambda c: A.rename_kwarg(c, "generator", "x"), None)
        for old, repl in GENERATOR_RENAMES.items():
            if A.kwarg(call, old) is not None:
                ctx.edit(call, lambda c, o=old, r=repl: A.rename_kwarg(c, o, r), None)
                notes.append(f"{old}= -> {repl}=")
                if old in ("nb_val_samples", "val_samples"):
                    ctx.warn(call, f"{m}: {old}= became {repl}= as 2.2.4 did, without dividing by the batch size: "
                                   f"Keras 1 counted samples, {repl} counts batches")
        spe = A.kwarg(call, "samples_per_epoch")
        if spe is not None:
            n = A.code(mod, spe.value)
            steps, exact = self._steps(ctx, gen, n)
            ctx.edit(call, lambda c, s=steps: A.set_kwarg_value(A.rename_kwarg(c, "samples_per_epoch",
                                                                               "steps_per_epoch"),
                                                                "steps_per_epoch", s), None)
            notes.append(f"samples_per_epoch={n} -> steps_per_epoch={steps}")
            if not exact:
                ctx.warn(call, f"{m}: samples_per_epoch={n} (samples) became steps_per_epoch={steps} (batches): "
                               "2.2.4 divided by generator.batch_size only when the generator had one")
        dropped = sorted(a.keyword.value for a in call.args if a.keyword is not None and a.keyword.value in
                         GENERATOR_DROPPED)
        dropped += [names[i] for i in range(1, len(pos)) if i < len(names) and names[i] in GENERATOR_DROPPED]
        if dropped:
            ctx.edit(call, lambda c, d=set(dropped): A.remove_kwargs(c, d), None)
            ctx.warn(call, f"{m}: {', '.join(dropped)} dropped (Keras 3's {new}() has no such argument; for parallel "
                           "loading make the generator a keras.utils.PyDataset(workers=..., use_multiprocessing=...))")
        ctx.edit(call.func, lambda f, n=new: f.with_changes(attr=cst.Name(n)), f"{'; '.join(notes)}")

    def _steps(self, ctx: Context, gen, n: str) -> tuple[str, bool]:
        """steps_per_epoch as 2.2.4 computed it from samples_per_epoch; (code, statically exact)."""
        mod = ctx.src.module
        if isinstance(gen, cst.Call) and isinstance(gen.func, cst.Attribute) and \
                gen.func.attr.value in ("flow", "flow_from_directory", "flow_from_dataframe"):
            bs = A.kwarg(gen, "batch_size")
            size = A.code(mod, bs.value) if bs is not None else "32"
            if bs is None and gen.func.attr.value == "flow" and len(A.positional(gen)) > 2:
                size = A.code(mod, A.positional(gen)[2].value)
            return f"{n} // {size}", True
        if isinstance(gen, cst.Name):
            g = gen.value
            return f"{n} // {g}.batch_size if hasattr({g}, 'batch_size') else {n}", True
        return n, False

    # ----- predict_classes -----
    def predict_classes(self, ctx: Context, call: cst.Call) -> None:
        model = self._model(ctx, call)
        width = self._output_width(ctx, model) if model is not None else None
        if width is None:
            name = ctx.define(PREDICT_CLASSES_HELPER, PREDICT_CLASSES_PRELUDE, call, imports_keras=False)

            def edit(c, name=name):
                obj = c.func.value
                arg = cst.Arg(obj, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                return c.with_changes(func=cst.Name(name), args=[arg, *c.args])
            ctx.edit(call, edit, f"predict_classes -> {name}(model, ...) (2.2.4's predict_classes: argmax when the "
                                 "output has more than one unit, else p > 0.5; the output width is not known here)")
            return
        if width > 1:
            ctx.edit(call, lambda c: _wrap_predict(c, ".argmax(axis=-1)", False),
                     f"predict_classes -> predict(...).argmax(axis=-1) (2.2.4; the output has {width} units)")
        else:
            ctx.edit(call, lambda c: _wrap_predict(c, ".astype('int32')", True),
                     "predict_classes -> (predict(...) > 0.5).astype('int32') (2.2.4; the output has 1 unit)")

    def _output_width(self, ctx: Context, model) -> int | None:
        graph = ctx.graph
        if model.uncertain:
            return None
        if model.kind == "sequential":
            ids = list(model.members)
        else:
            ids = [model.outputs[0].layer] if len(model.outputs) == 1 else []
        while ids:
            layer = graph.layers[ids[-1]]
            if layer.name in SHAPE_KEEPING and model.kind == "sequential":
                ids.pop()
                continue
            if layer.name == "Dense":
                units = layer.args[0] if layer.args else layer.kwargs.get("units") or layer.kwargs.get("output_dim")
                if units is not None and units.literal and isinstance(units.value, int):
                    return units.value
            return None
        return None

    # ----- save / load -----
    def save(self, ctx: Context, call: cst.Call, saved: dict, ext: str, ok: tuple, what: str) -> None:
        node = _file_arg(call)
        name = _FileName.of(_bound_name_literal(ctx, node) or node)
        if name is None:
            if node is not None and what == "save_weights" and self._model(ctx, call) is not None:
                ctx.warn(call, f"{what}: the file name is computed; Keras 3 requires it to end in {ext} "
                               "(2.2.4 wrote HDF5 whatever the name)")
            return
        if name.tail.endswith(ok):
            return
        h5 = name.tail.endswith((".h5", ".hdf5"))
        if self._model(ctx, call) is None and not (what == "save_weights" and h5):
            # `.save(...)` is a common method name (PIL images, numpy, pickles...): only a known Keras model,
            # or HDF5 weights, is renamed; an unknown owner saving an extension-less name is reported
            if "." not in name.tail.rsplit("/", 1)[-1]:
                ctx.warn(call, f"{what}('{name.shown}'): if this is a Keras model, Keras 3 requires the name to "
                               f"end in {ext}" + (" (or .h5)" if what == "save" else ""))
            return
        if name.open_end:
            ctx.warn(call, f"{what}({name.shown}): the name ends in a computed part; Keras 3 requires it to end "
                           f"in {ext}" + (" (or .h5)" if what == "save" else ""))
            return
        drop = name.tail.rsplit(".", 1)[1] if what == "save_weights" and h5 else ""
        new = name.renamed(drop, ext)
        saved[name.key] = (name, drop, ext)
        name.rewrite(ctx, drop, ext, None)
        ctx.warn(call, f"{what}: file name {name.quoted(name.shown)} -> {name.quoted(new)} (Keras 3 requires the {ext} extension; "
                       "2.2.4 wrote HDF5 whatever the name)")

    def reload(self, ctx: Context, call: cst.Call, saved: dict, what: str) -> None:
        node = _file_arg(call)
        name = _FileName.of(node)
        if name is not None and name.key in saved:
            _, drop, ext = saved[name.key]
            new = name.renamed(drop, ext)
            name.rewrite(ctx, drop, ext, f"{what}: {name.quoted(name.shown)} -> {name.quoted(new)} (the name the "
                                         "migrated script saves to)")
        elif what == "load_model" and not (name is not None and name.tail.endswith(".keras")) \
                and not any(name is not None and name.shown == old.renamed(drop, ext)
                            for old, drop, ext in saved.values()):
            self.load_model(ctx, call, name)

    def load_model(self, ctx: Context, call: cst.Call, name: "_FileName | None") -> None:
        base = posixpath.basename(name.tail.replace("\\", "/")) if name is not None and name.whole else None
        if base is not None and base in ctx.options.checkpoints:  # migrate --convert-checkpoints converted it
            drop = os.path.splitext(base)[1][1:]
            name.rewrite(ctx, drop, ".keras", f"load_model: {name.quoted(name.shown)} -> "
                                              f"{name.quoted(name.renamed(drop, '.keras'))} (the file kfn-gen "
                                              "converted it to: Keras 3 loads it as 2.2.4 computed)")
            return
        path = name.shown if name is not None and name.whole else "MODEL.h5"
        stem = os.path.splitext(path)[0]
        ctx.warn(call, "load_model: Keras 3 misreads or refuses most .h5 models written by Keras 2 (batch_input_shape, "
                       "layers nested in Bidirectional/TimeDistributed) and binds 'hard_sigmoid' to a different "
                       f"function; convert the file once, exactly: `kfn-gen convert {path} -o {stem}.keras --verify`, "
                       "and load the .keras file")


def _wrap_predict(call: cst.Call, suffix: str, threshold: bool) -> cst.BaseExpression:
    pred = call.with_changes(func=call.func.with_changes(attr=cst.Name("predict")))
    if A.kwarg(pred, "verbose") is None:  # 2.2.4 predict_classes defaulted to verbose=0
        pred = A.add_kwarg(pred, "verbose", "0")
    code = cst.Module([]).code_for_node(pred)
    if threshold:
        return cst.parse_expression(f"({code} > 0.5){suffix}")
    return cst.parse_expression(f"{code}{suffix}")
