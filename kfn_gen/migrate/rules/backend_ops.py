"""`K.mean(...)` and the other Keras 2.2.4 backend calls -> Keras 3 (`keras.ops`, `keras.random`, ...).

Keras 3's `keras.backend` keeps only a handful of names (epsilon, floatx, image_data_format, ...);
the math moved to `keras.ops`.  The table (migrate/tables/backend.py) says, per 2.2.4 function, how
its call becomes Keras 3 with the same numbers:

* a Keras 3 function with the call's own arguments: keywords renamed (`K.pow(x, a=2)` ->
  `keras.ops.power(x, x2=2)`), 2.2.4 defaults written where Keras 3's differ (`K.gather` rows ->
  `keras.ops.take(..., axis=0)`, `K.cumsum` axis 0, `K.l2_normalize` epsilon), every argument
  keyworded where the positional order changed (`K.in_top_k`), `name=` dropped;
* an expression (`K.sqrt(x)` -> `keras.ops.sqrt(keras.ops.maximum(x, 0.0))`: 2.2.4 clipped at 0;
  `K.int_shape(x)` -> `tuple(x.shape)`; `K.shape(x)[0]` -> `keras.ops.shape(x)[0]`);
* a helper with 2.2.4's semantics defined once in the migrated script (`K.batch_dot`,
  `K.batch_flatten`, `K.ctc_batch_cost`).

Everything else is a warning at the call's line and column, with the Keras 3 idiom when one is
known; the call is left as written.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.frontend.tree import walk
from kfn_gen.migrate.importing import drop_rewritten
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls
from kfn_gen.migrate.tables.backend import (BACKEND_HELPERS, BACKEND_KEPT, BACKEND_NO_EQUIVALENT, BACKEND_OPS, BACKEND_TEMPLATES,
                             DROP, TEMPLATE_ONLY, TEMPLATE_SUBSCRIPTED)
from kfn_gen.migrate.tables.backend import BACKEND_MANUAL  # reported by backend-breadth with the Keras 3 idiom

RANDOM = {"random_normal", "random_uniform", "truncated_normal"}
# (fn, param) -> {literal value: why it cannot be mapped}
UNSUPPORTED_VALUES = {("conv1d", "padding"): {"causal": "Keras 3's keras.ops.conv has no 'causal' padding: pad "
                                                         "the left by dilation_rate * (kernel_size - 1) with "
                                                         "keras.ops.pad, then use padding='valid'"}}


def _backend_name(ident: str | None) -> str | None:
    if ident and ident.startswith("reexport:"):  # TensorFlow functions 2.2.4's backend re-exported (name_scope)
        ident = ident[len("reexport:"):]
    if ident and ident.startswith(("keras.backend.tensorflow_backend.", "keras.backend.common.")):
        return ident.rsplit(".", 1)[-1]
    return None


def _bind(call: cst.Call, params) -> dict[str, cst.Arg] | None:
    """2.2.4 parameter name -> argument, or None when the call cannot be bound statically."""
    bound: dict[str, cst.Arg] = {}
    for i, a in enumerate(call.args):
        if a.star:
            return None
        if a.keyword is None:
            if i >= len(params):
                return None
            bound[params[i]] = a
        else:
            if a.keyword.value not in params or a.keyword.value in bound:
                return None
            bound[a.keyword.value] = a
    return bound


_ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float, cst.SimpleString,
          cst.List, cst.Tuple, cst.Dict)


_EMPTY = cst.Module(body=[])


def _atom(module: cst.Module, node: cst.BaseExpression) -> str:
    code = A.code(module, node)
    if isinstance(node, _ATOMS) or getattr(node, "lpar", None):
        return code
    return f"({code})"


class BackendOps(Rule):
    code = "KFN006"
    name = "backend-ops"
    description = "K.* -> keras.ops / keras.random / keras.activations with 2.2.4 semantics"
    numeric = True

    def run(self, ctx: Context) -> None:
        subscripted = {n.value for n in walk(ctx.src.module) if isinstance(n, cst.Subscript)}
        rewritten: set[int] = set()  # the func nodes of calls rewritten: their names' imports may go
        for call, ident in calls(ctx):
            fn = _backend_name(ident)
            if fn is None or fn in BACKEND_KEPT or fn in BACKEND_MANUAL:
                continue
            text = A.code(ctx.src.module, call.func)
            done = False
            if fn in BACKEND_OPS:
                done = self._op(ctx, call, fn, text)
            elif fn in BACKEND_TEMPLATES and (fn not in BACKEND_HELPERS or call in subscripted):
                done = self._template(ctx, call, fn, text, call in subscripted)
            elif fn in BACKEND_HELPERS:
                wanted, code = BACKEND_HELPERS[fn]
                name = ctx.define(wanted, code, call)
                ctx.edit(call, lambda c, n=name: c.with_changes(func=cst.Name(n)),
                         f"`{text}` -> `{name}` (2.2.4's {fn}, defined in the script)")
                done = True
            else:
                why = BACKEND_NO_EQUIVALENT.get(fn, f"keras.backend has no {fn}")
                ctx.warn(call, f"`{text}` has no faithful Keras 3 equivalent ({why}); migrate by hand")
            if done:
                rewritten.add(id(call.func))
        self._references(ctx)
        # `from keras.backend import int_shape`: the import goes once every call of the name is rewritten
        drop_rewritten(ctx, rewritten, lambda ident: _backend_name(ident) is not None,
                       "import of a keras.backend function removed (Keras 3's keras.backend has none; every use "
                       "was rewritten)")

    def _references(self, ctx: Context) -> None:
        """`Lambda(K.exp)`: a backend function passed as a value, not called here.  It becomes its Keras 3
        function where that takes the same arguments with the same meaning (no renamed keyword, no
        default to write), or 2.2.4's helper; anything else is reported (it needs the call's arguments)."""
        funcs = {id(call.func) for call, _ in calls(ctx)}
        inside_import = {id(n) for imp in walk(ctx.src.module) if isinstance(imp, (cst.Import, cst.ImportFrom))
                         for n in walk(imp)}
        for node in walk(ctx.src.module):
            if not isinstance(node, cst.Attribute) or id(node) in funcs or id(node) in inside_import:
                continue
            fn = _backend_name(ctx.src.identity(node))
            if fn is None or fn in BACKEND_KEPT or fn in BACKEND_MANUAL:
                continue
            text = A.code(ctx.src.module, node)
            op = BACKEND_OPS.get(fn)
            if op is not None and not (op.renames or op.defaults or op.keywords or op.drop):
                ref = ctx.keras(op.target, node)
                ctx.replace_code(node, ref, f"`{text}` (passed as a function) -> `{ref}`")
            elif fn in BACKEND_HELPERS:
                wanted, code = BACKEND_HELPERS[fn]
                name = ctx.define(wanted, code, node)
                ctx.replace_code(node, name, f"`{text}` (passed as a function) -> `{name}` (2.2.4's {fn}, "
                                             "defined in the script)")
            elif fn in BACKEND_OPS or fn in BACKEND_TEMPLATES:
                ctx.warn(node, f"`{text}` is passed as a function: its Keras 3 form depends on the arguments it "
                               f"is called with; write it as a lambda of them, e.g. `lambda x: {text}(x)`")

    def _op(self, ctx: Context, call: cst.Call, fn: str, text: str) -> bool:
        op = BACKEND_OPS[fn]
        bound = _bind(call, op.params)
        if bound is None:
            ctx.warn(call, f"`{text}`: arguments that cannot be matched to 2.2.4's {fn}{_sig(op.params)} statically "
                           f"(*args/**kwargs or unknown keywords): migrate by hand to `{op.target}`")
            return False
        for (f, param), bad in UNSUPPORTED_VALUES.items():
            arg = bound.get(param) if f == fn else None
            if arg is not None and isinstance(arg.value, cst.SimpleString) and arg.value.evaluated_value in bad:
                ctx.warn(call, f"`{text}`: {bad[arg.value.evaluated_value]}")
                return False
        ref = ctx.keras(op.target, call)
        # positional arguments after a dropped one, or all when the order differs, become keywords
        n_pos = len(A.positional(call))

        def edit(c: cst.Call, op=op, ref=ref) -> cst.Call:
            args, keyword_from = [], (0 if op.keywords else None)
            for i, a in enumerate(c.args):
                name = op.params[i] if a.keyword is None else a.keyword.value
                if name in op.drop:
                    if a.keyword is None and keyword_from is None:
                        keyword_from = i
                    continue
                new = op.renames.get(name, name)
                if a.keyword is not None:
                    a = a.with_changes(keyword=cst.Name(new))
                elif keyword_from is not None:
                    a = a.with_changes(keyword=cst.Name(new), equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
                args.append(a)
            if args and len(args) < len(c.args):
                args[-1] = args[-1].with_changes(comma=c.args[-1].comma)
            c = c.with_changes(func=cst.parse_expression(ref), args=args)
            for name, value in op.defaults.items():
                given = name in op.params and (A.kwarg(c, op.renames.get(name, name)) is not None
                                               or op.params.index(name) < n_pos)
                if not given:
                    c = A.add_kwarg(c, op.renames.get(name, name), value)
            return c

        extra = ", ".join(f"{op.renames.get(k, k)}={v}" for k, v in op.defaults.items()
                          if not (k in op.params and (k in bound)))
        ctx.edit(call, edit, f"`{text}` -> `{ref}`" + (f" with {extra} (2.2.4's behaviour)" if extra else ""))
        if fn in RANDOM and "seed" in bound and not (isinstance(bound["seed"].value, cst.Name)
                                                     and bound["seed"].value.value == "None"):
            ctx.warn(call, f"`{text}` with a seed: 2.2.4 drew new numbers on every run of the graph; Keras 3's "
                           f"{op.target} with an int seed draws the SAME numbers on every call. For fresh noise "
                           "pass a keras.random.SeedGenerator(seed) created once (in a layer's __init__)")
        return True

    def _template(self, ctx: Context, call: cst.Call, fn: str, text: str, subscripted: bool) -> bool:
        params, template = BACKEND_TEMPLATES[fn]
        if subscripted and fn in TEMPLATE_SUBSCRIPTED:
            template = TEMPLATE_SUBSCRIPTED[fn]
        names = tuple(p for p, _ in params)
        bound = _bind(call, names)
        missing = [p for p, d in params if d is None and bound is not None and p not in bound]
        if bound is None or missing:
            ctx.warn(call, f"`{text}`: arguments that cannot be matched to 2.2.4's {fn}{_sig(names)} statically: "
                           "migrate by hand")
            return False
        for p, _ in params:
            if p in bound and (fn, p) in TEMPLATE_ONLY:
                code = A.code(ctx.src.module, bound[p].value)
                if code != TEMPLATE_ONLY[(fn, p)]:
                    ctx.warn(call, f"`{text}` with {p}={code}: no Keras 3 equivalent of that argument; migrate by hand")
                    return False

        def edit(c: cst.Call, params=params, names=names, template=template) -> cst.BaseExpression:
            now = _bind(c, names)  # the updated call: nested calls already migrated
            values: dict[str, str] = {}
            for p, default in params:
                if p in now:
                    node = now[p].value
                    values[p], values[p + "_"] = _EMPTY.code_for_node(node), _atom(_EMPTY, node)
                elif default is not None and default != DROP:
                    values[p] = values[p + "_"] = default
            new = cst.parse_expression(template.format(**values))
            return new.with_changes(lpar=c.lpar, rpar=c.rpar) if hasattr(new, "lpar") else new

        if "keras." in template:
            ctx.keras("keras", call)
        shown = template.format(**{k: "…" for p, _ in params for k in (p, p + "_")})
        ctx.edit(call, edit, f"`{text}(...)` -> `{shown}` (2.2.4's semantics)")
        return True


def _sig(params) -> str:
    return "(" + ", ".join(params) + ")"
