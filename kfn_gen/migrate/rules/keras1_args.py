"""Keras-1 arguments Keras 2.2.4 still translated, written the Keras 3 way.

2.2.4 wrapped most layer constructors in `legacy/interfaces.py` converters: `output_dim` -> `units`,
`init` -> `kernel_initializer`, `border_mode` -> `padding`, `nb_filter` -> `filters`, `dim_ordering`
('tf'/'th') -> `data_format`, `p` -> `rate`, `sigma` -> `stddev`, `Model(input=, output=)`, ...
Keras 3 raises "Unrecognized keyword arguments" for all of them.  The worst case is positional:
2.2.4's `conv2d_args_preprocessor` read `Conv2D(64, 3, 3)` as kernel_size (3, 3) (and a call with
three positionals that were not both ints raised TypeError, so every working 2.2.4 call means
that); Keras 3 silently reads the third positional as `strides`.

Also here: Keras 1's `merge([a, b], mode=...)` (gone in 2.2.4, common in Keras 2.0/2.1 tutorials)
-> the function form (`concatenate`, `add`, ...), and names Keras 3 spells differently
(`Deconvolution2D` -> `Conv2DTranspose`, `keras.optimizers.adam` -> `Adam`, `losses.mse`, ...).
"""
from __future__ import annotations


import libcst as cst

from kfn_gen.frontend.tree import dotted, walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.helpers.activations import hard_sigmoid_name
from kfn_gen.migrate.rule import Rule, calls, short
from kfn_gen.migrate.tables.arguments import (KERNEL_KWARGS, LEGACY_DROPPED, LEGACY_KWARGS, LEGACY_VALUES,
                                              MERGE_MODE_KWARGS, MERGE_MODES, POSITIONAL_KERNEL, RECURRENT_IDS)
from kfn_gen.migrate.tables.names import RENAMED, RENAMED_HOMES

MERGE_MODULE = "keras.layers.merge"


def rename_over(call: cst.Call, old: str, new: str) -> cst.Call:
    """Rename keyword `old` to `new`; a `new=` another rule added (a default) gives way to the user's value."""
    if A.kwarg(call, old) is None:
        return call
    if A.kwarg(call, new) is not None:
        call = A.remove_kwargs(call, {new})
    return A.rename_kwarg(call, old, new)


def _string(node) -> str | None:
    return node.evaluated_value if isinstance(node, cst.SimpleString) else None


def _int(node) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    return None


class Keras1Args(Rule):
    code = "KFN008"
    name = "keras1-args"
    description = "Keras-1 keyword and positional arguments 2.2.4 translated -> Keras 3 names"
    numeric = True

    def run(self, ctx: Context) -> None:
        self._needed = {}
        for call, ident in calls(ctx):
            if ident in LEGACY_KWARGS:
                self.keywords(ctx, call, ident)
            if ident in POSITIONAL_KERNEL:
                self.kernel(ctx, call, ident, POSITIONAL_KERNEL[ident])
            if ident is None and ctx.src.keras_path(call.func) == MERGE_MODULE:
                self.merge(ctx, call)
        self._fix_merge_imports(ctx)

    # ----- keyword conversions -----
    def keywords(self, ctx: Context, call: cst.Call, ident: str) -> None:
        cls = short(ident)
        conversions = dict(LEGACY_KWARGS[ident])
        done: list[str] = []
        for arg in call.args:
            if arg.keyword is None:
                continue
            old = arg.keyword.value
            if old in LEGACY_VALUES:
                text = _string(arg.value)
                if text in LEGACY_VALUES[old]:
                    value = LEGACY_VALUES[old][text]
                    if value is None:
                        ctx.edit(call, lambda c, o=old: A.remove_kwargs(c, {o}),
                                 f"{cls}: {old}='{text}' dropped (2.2.4 read it as the default data_format)")
                        continue
                    new = conversions[old]
                    ctx.edit(call, lambda c, o=old, n=new, v=value: A.set_kwarg_value(rename_over(c, o, n), n, v),
                             f"{cls}: {old}='{text}' -> {new}={value} (Keras-1 argument)")
                    continue
            if old in conversions:
                new = conversions[old]
                ctx.edit(call, lambda c, o=old, n=new: rename_over(c, o, n), None)
                done.append(f"{old}= -> {new}=")
                if new == "recurrent_activation" and _string(arg.value) == "hard_sigmoid":
                    self._hard_sigmoid(ctx, arg.value)
            elif old in LEGACY_DROPPED and ident in RECURRENT_IDS:
                ctx.edit(call, lambda c, o=old: A.remove_kwargs(c, {o}), f"{cls}: {LEGACY_DROPPED[old]}")
            elif old == "forget_bias_init" and ident in RECURRENT_IDS:
                self.forget_bias(ctx, call, cls, arg)
            elif old == "dropout" and ident == "keras.layers.embeddings.Embedding":
                ctx.edit(call, lambda c: A.remove_kwargs(c, {"dropout"}),
                         "Embedding: dropout= dropped (2.2.4 ignored it with a warning; a SpatialDropout1D after "
                         "the Embedding is the Keras 1 behaviour)")
            elif old == "mode" and ident == "keras.layers.normalization.BatchNormalization":
                if _int(arg.value) == 0:
                    ctx.edit(call, lambda c: A.remove_kwargs(c, {"mode"}),
                             "BatchNormalization: mode=0 dropped (the only mode 2.2.4 accepted)")
                else:
                    ctx.warn(call, "BatchNormalization(mode=...): 2.2.4 accepted only mode=0; modes 1 and 2 have "
                                   "no Keras 3 equivalent")
            elif old == "init" and ident == "keras.layers.convolutional.SeparableConv2D":
                code = A.code(ctx.src.module, arg.value)
                ctx.edit(call, lambda c, v=code: A.add_kwarg(A.rename_kwarg(c, "init", "depthwise_initializer"),
                                                             "pointwise_initializer", v),
                         "SeparableConv2D: init= -> depthwise_initializer= and pointwise_initializer= (2.2.4)")
            elif old == "output_shape" and ident == "keras.layers.convolutional.Conv2DTranspose":
                ctx.edit(call, lambda c: A.remove_kwargs(c, {"output_shape"}),
                         f"{cls}: output_shape= dropped (2.2.4 ignored it and computed the shape itself)")
        if done:
            ctx.edit(call, lambda c: c, f"{cls}: Keras-1 arguments renamed: {', '.join(done)}")
        if ident == "keras.layers.convolutional.ZeroPadding2D":
            self.pad_dict(ctx, call)
        if ident in RECURRENT_IDS or ident == "keras.layers.convolutional.Conv1D":
            self.input_dim_length(ctx, call, cls)
        if ident == "keras.layers.convolutional.Conv2DTranspose":  # Keras 1 Deconvolution2D(f, r, c, output_shape)
            pos = A.positional(call)
            if len(pos) == 4 and isinstance(pos[3].value, (cst.Tuple, cst.List)):
                ctx.edit(call, lambda c: _drop_positional(c, 3),
                         f"{cls}: positional output_shape dropped (2.2.4 ignored it)")

    def input_dim_length(self, ctx: Context, call: cst.Call, cls: str) -> None:
        """`LSTM(8, input_dim=3, input_length=5)`: 2.2.4 (recurrent/conv1d_args_preprocessor) made it
        input_shape=(5, 3); Keras 3 rejects input_length.  The first layer of a Sequential is the
        sequential-input rule's (it becomes a leading keras.Input)."""
        dim, length = A.kwarg(call, "input_dim"), A.kwarg(call, "input_length")
        if length is None or dim is None or call in ctx.facts.sequential_first or A.kwarg(call, "input_shape"):
            return
        mod = ctx.src.module
        shape = f"({A.code(mod, length.value)}, {A.code(mod, dim.value)})"
        ctx.edit(call, lambda c, s=shape: A.add_kwarg(A.remove_kwargs(c, {"input_dim", "input_length"}),
                                                      "input_shape", s),
                 f"{cls}: input_dim=, input_length= -> input_shape={shape} (2.2.4's conversion; Keras 3 has no "
                 "input_length)")

    def pad_dict(self, ctx: Context, call: cst.Call) -> None:
        """ZeroPadding2D(padding={'top_pad': 1, ...}): 2.2.4 (zeropadding2d_args_preprocessor) made it
        ((top, bottom), (left, right)), missing keys 0."""
        kw = A.kwarg(call, "padding")
        pos = A.positional(call)
        node = kw.value if kw is not None else (pos[0].value if pos else None)
        if not isinstance(node, cst.Dict):
            return
        keys = {}
        for el in node.elements:
            if not (isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString)):
                return
            keys[el.key.evaluated_value] = A.code(ctx.src.module, el.value)
        if not set(keys) <= {"top_pad", "bottom_pad", "left_pad", "right_pad"}:
            return
        g = lambda k: keys.get(k, "0")  # noqa: E731
        code = f"(({g('top_pad')}, {g('bottom_pad')}), ({g('left_pad')}, {g('right_pad')}))"
        ctx.edit(node, lambda _, e=cst.parse_expression(code): e,
                 f"ZeroPadding2D: Keras-1 padding dict -> {code} (2.2.4's conversion)")

    def forget_bias(self, ctx: Context, call: cst.Call, cls: str, arg: cst.Arg) -> None:
        if _string(arg.value) == "one":
            ctx.edit(call, lambda c: A.add_kwarg(A.remove_kwargs(c, {"forget_bias_init"}), "unit_forget_bias", "True")
                     if A.kwarg(c, "unit_forget_bias") is None else A.remove_kwargs(c, {"forget_bias_init"}),
                     f"{cls}: forget_bias_init='one' -> unit_forget_bias=True (2.2.4)")
        else:
            ctx.edit(call, lambda c: A.remove_kwargs(c, {"forget_bias_init"}),
                     f"{cls}: forget_bias_init= dropped (2.2.4 ignored any value but 'one')")

    def _hard_sigmoid(self, ctx: Context, node) -> None:
        if ctx.options.defaults != "keras224":
            ctx.warn(node, "'hard_sigmoid' means relu6(x+3)/6 in Keras 3, clip(0.2x+0.5, 0, 1) in 2.2.4")
            return
        name = hard_sigmoid_name(ctx, node)
        ctx.replace_code(node, name, f"'hard_sigmoid' -> {name} (Keras 3's hard_sigmoid is relu6(x+3)/6)")

    # ----- Conv2D(64, 3, 3) -----
    def kernel(self, ctx: Context, call: cst.Call, ident: str, n: int) -> None:
        cls = short(ident)
        pos = A.positional(call)
        names = KERNEL_KWARGS[n]
        kw = {name: A.kwarg(call, name) for name in names}
        mod = ctx.src.module
        if ident == "keras.layers.convolutional.Conv2DTranspose" and len(pos) == 4 and \
                isinstance(pos[3].value, (cst.Tuple, cst.List)):
            pos = pos[:3]  # Keras 1 Deconvolution2D(f, r, c, output_shape): output_shape is dropped (keywords())
        if len(pos) == n + 1 and not any(a.star for a in call.args):
            dims = [A.code(mod, a.value) for a in pos[1:]]
            literal = all(_int(a.value) is not None for a in pos[1:])
            kernel = f"({', '.join(dims)})"
            ctx.edit(call, lambda c, k=kernel: _merge_positionals(c, 1, n, k),
                     f"{cls}: positional kernel size {', '.join(dims)} -> {kernel} (2.2.4 read the Keras-1 "
                     f"positionals as kernel_size; Keras 3 would read {dims[1]} as strides)"
                     + ("" if literal else "; 2.2.4 accepted this call only when they are ints"))
            return
        present = [name for name in names if kw[name] is not None]
        if not present:
            return
        given_pos = len(pos) - 1  # kernel dims given positionally after filters
        if given_pos >= 1 and len(present) == n - given_pos and present == list(names[given_pos:]):
            dims = [A.code(mod, a.value) for a in pos[1:]] + [A.code(mod, kw[m].value) for m in present]
            kernel = f"({', '.join(dims)})"
            ctx.edit(call, lambda c, k=kernel, p=present, g=given_pos:
                     _merge_positionals(A.remove_kwargs(c, set(p)), 1, g, k),
                     f"{cls}: {', '.join(names)} -> kernel_size={kernel} (Keras-1 arguments)")
        elif len(present) == n and given_pos <= 0:
            dims = [A.code(mod, kw[m].value) for m in names]
            kernel = f"({', '.join(dims)})"
            ctx.edit(call, lambda c, k=kernel: A.add_kwarg(A.remove_kwargs(c, set(names)), "kernel_size", k)
                     if len(A.positional(c)) == 0 else _insert_positional(A.remove_kwargs(c, set(names)), 1, k),
                     f"{cls}: {', '.join(names)} -> kernel_size={kernel} (Keras-1 arguments)")
        else:
            ctx.warn(call, f"{cls}: Keras-1 kernel arguments ({', '.join(present)}) in a combination 2.2.4 did not "
                           "translate: migrate by hand")

    # ----- merge([a, b], mode=...) -----
    def merge(self, ctx: Context, call: cst.Call) -> None:
        mode_arg = A.kwarg(call, "mode")
        pos = A.positional(call)
        mode_node = mode_arg.value if mode_arg else (pos[1].value if len(pos) > 1 else None)
        mode = "sum" if mode_node is None else _string(mode_node)
        extra = {a.keyword.value for a in call.args if a.keyword is not None} - {"mode", "name", "concat_axis",
                                                                                 "dot_axes"}
        if mode not in MERGE_MODES or len(pos) > 2 or extra:
            what = "a callable/unknown mode" if mode not in MERGE_MODES else "arguments " + ", ".join(sorted(extra))
            ctx.warn(call, f"Keras 1 merge(..., mode={A.code(ctx.src.module, mode_node) if mode_node else 'sum'}) "
                           f"with {what} has no direct Keras 3 function: use a Lambda layer or the merge layers "
                           "(Concatenate, Add, Multiply, Average, Maximum, Dot)")
            return
        fn = MERGE_MODES[mode]
        ref = self._merge_ref(ctx, call, fn)
        kwmap = MERGE_MODE_KWARGS.get(mode)

        def edit(c, ref=ref, kwmap=kwmap):
            c = c.with_changes(func=cst.parse_expression(ref))
            c = A.remove_kwargs(c, {"mode"})
            if len(A.positional(c)) > 1:
                c = _drop_positional(c, 1)
            for name in ("concat_axis", "dot_axes"):
                if kwmap and name == kwmap[0]:
                    if A.kwarg(c, name) is not None:
                        c = A.rename_kwarg(c, name, kwmap[1])
                    else:
                        c = A.add_kwarg(c, kwmap[1], kwmap[2])
                else:
                    c = A.remove_kwargs(c, {name})
            return c
        tail = f" with {kwmap[1]}= (Keras 1 {kwmap[0]}, default {kwmap[2]})" if kwmap else ""
        ctx.edit(call, edit, f"Keras 1 merge(mode='{mode}') -> {ref}(){tail} (merge() is absent from 2.2.4 and "
                             "Keras 3)")

    def _merge_ref(self, ctx: Context, call: cst.Call, fn: str) -> str:
        func = call.func
        if isinstance(func, cst.Name) and _is_from_import_of_merge(ctx, func):
            self._needed.setdefault(func.value, set()).add(fn)
            return fn
        if isinstance(func, cst.Attribute):  # layers.merge(...) / keras.layers.merge(...)
            return f"{A.code(ctx.src.module, func.value)}.{fn}"
        return ctx.keras(f"keras.layers.{fn}", call)

    def _fix_merge_imports(self, ctx: Context) -> None:
        """`from keras.layers import merge` -> `from keras.layers import concatenate, ...` (the names used)."""
        needed, self._needed = self._needed, {}
        if not needed:
            return
        fns = sorted(set().union(*needed.values()))
        for node in walk(ctx.src.module):
            if not (isinstance(node, cst.ImportFrom) and node.module is not None
                    and not isinstance(node.names, cst.ImportStar)):
                continue
            mod = dotted(node.module)
            if mod != "keras.layers":
                continue
            if not any(a.asname is None and dotted(a.name) == "merge" for a in node.names):
                continue
            ctx.edit(node, lambda n: _replace_merge_alias(n, fns),
                     f"import of Keras 1 merge -> {', '.join(fns)}")


def _is_from_import_of_merge(ctx: Context, name: cst.Name) -> bool:
    """`merge` bound by `from keras.layers import merge` (not renamed with `as`)."""
    return name.value == "merge" and ctx.src.keras_path(name) == MERGE_MODULE


def _replace_merge_alias(node: cst.ImportFrom, fns: list[str]) -> cst.ImportFrom:
    names = [a for a in node.names if not (a.asname is None and dotted(a.name) == "merge")]
    existing = {dotted(a.name) for a in names}
    names += [cst.ImportAlias(name=cst.Name(f)) for f in fns if f not in existing]
    names = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in names[:-1]] + \
        [names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    return node.with_changes(names=names)


def _merge_positionals(call: cst.Call, start: int, count: int, code: str) -> cst.Call:
    """Replace positional args [start, start+count) with one positional `code`."""
    args = list(call.args)
    idx = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
    first, last = idx[start], idx[start + count - 1]
    merged = args[first].with_changes(value=cst.parse_expression(code), comma=args[last].comma)
    return call.with_changes(args=args[:first] + [merged] + args[last + 1:])


def _insert_positional(call: cst.Call, at: int, code: str) -> cst.Call:
    args = list(call.args)
    idx = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
    where = idx[at - 1] + 1 if at - 1 < len(idx) else 0
    new = cst.Arg(value=cst.parse_expression(code), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    if where == len(args):
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        new = new.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args[:where] + [new] + args[where:])


def _drop_positional(call: cst.Call, index: int) -> cst.Call:
    args = list(call.args)
    idx = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
    i = idx[index]
    if i == len(args) - 1 and i > 0:
        args[i - 1] = args[i - 1].with_changes(comma=args[i].comma)
    del args[i]
    return call.with_changes(args=args)


class RenamedNames(Rule):
    code = "KFN009"
    name = "renamed-names"
    description = "names 2.2.4 had that Keras 3 spells differently (Deconvolution2D, optimizers.adam, losses.mse, ...)"

    def run(self, ctx: Context) -> None:
        in_imports = set()
        for node in walk(ctx.src.module):
            if isinstance(node, cst.ImportFrom) and node.module is not None \
                    and not isinstance(node.names, cst.ImportStar):
                mod = dotted(node.module)
                if mod and (mod == "keras" or mod.startswith("keras.")):
                    for alias in node.names:
                        in_imports.update(walk(alias))
                        self.alias(ctx, mod, alias)
            elif isinstance(node, (cst.Import, cst.ImportFrom)):
                in_imports.update(walk(node))
        for node in walk(ctx.src.module):
            if node in in_imports:
                continue
            if isinstance(node, cst.Attribute):
                path = ctx.src.keras_path(node)
                if path is None or ctx.src.keras_path(node.value) is None:
                    continue
                new = self._new(ctx, path)
                if not new:
                    continue
                home = _keras3_home(path.rsplit(".", 1)[0], new)
                if home is None:
                    ctx.edit(node, lambda n, v=new: n.with_changes(attr=cst.Name(v)),
                             f"{node.attr.value} -> {new} (Keras 3 name)")
                else:  # `metrics.cosine_proximity`: Keras 3 has cosine_similarity in keras.losses only
                    full = ctx.keras(f"{home}.{new}", node)
                    ctx.replace_code(node, full, f"{A.code(ctx.src.module, node)} -> {full} (Keras 3 name and home)")
            elif isinstance(node, cst.Name):
                path = ctx.src.keras_path(node)
                if path is None or path.rsplit(".", 1)[-1] != node.value:
                    continue
                new = self._new(ctx, path)
                if new:
                    ctx.edit(node, lambda n, v=new: n.with_changes(value=v), None)

    def alias(self, ctx: Context, mod: str, alias: cst.ImportAlias) -> None:
        name = dotted(alias.name)
        new = self._new(ctx, f"{mod}.{name}")
        home = _keras3_home(mod, new) if new else None
        if home is not None:
            ctx.warn(alias, f"{name}: Keras 3 calls it {new} and has it in {home} only: import it from there")
        elif new:
            ctx.edit(alias, lambda a, v=new: a.with_changes(name=cst.Name(v)),
                     f"import {name} -> {new} (Keras 3 name; 2.2.4 alias)")

    @staticmethod
    def _new(ctx: Context, path: str) -> str | None:
        from kfn_gen.keras224 import api as api224
        spelled = path.rsplit(".", 1)[-1]
        ident = api224.resolve(path).identity
        return RENAMED.get((spelled, ident))


def _keras3_home(module: str, new: str) -> str | None:
    """None when Keras 3's counterpart of the 2.2.4 `module` has `new`; else the Keras 3 module that
    does (RENAMED_HOMES): 2.2.4's keras.metrics re-exported the losses, Keras 3's does not."""
    from kfn_gen.keras224 import api as api224
    from kfn_gen.migrate.tables.names import MODULE_HOMES

    target = MODULE_HOMES.get(module, module)
    if api224.keras3_has(f"{target}.{new}") or RENAMED_HOMES.get(new, target) == target:
        return None
    return RENAMED_HOMES[new]
