"""A Sequential model's first-layer input arguments -> a leading `keras.Input`.

2.2.4 built a Sequential from `input_shape=` / `input_dim=` / `batch_input_shape=` on its first
layer (and from any Embedding, whose input shape defaulted to (input_length,) or (None,)).
Keras 3 warns on those arguments and leaves an Embedding-first Sequential unbuilt; a leading
`keras.Input(...)` states the same shape.  In functional code `Embedding(input_length=)` only
repeats the input's shape: Keras 3 warns and ignores it, so it is dropped.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rule import Rule, calls, short

RECURRENT = {"SimpleRNN", "LSTM", "GRU", "CuDNNLSTM", "CuDNNGRU"}


class SequentialInput(Rule):
    code = "KFN003"
    name = "sequential-input"
    description = "first-layer input_shape/input_dim/batch_input_shape -> a leading keras.Input"

    def run(self, ctx: Context) -> None:
        mod = ctx.src.module
        firsts = ctx.facts.sequential_first
        for call, slot in firsts.items():
            layer = slot.layer
            cls = layer.name
            kw = {k: A.code(mod, A.kwarg(call, k).value) for k in
                  ("input_shape", "input_dim", "batch_input_shape", "batch_size", "input_length", "dtype")
                  if A.kwarg(call, k) is not None}
            drop = {"input_shape", "batch_input_shape", "batch_size"}
            input_args = []
            if "batch_input_shape" in kw:
                input_args.append(f"batch_shape={kw['batch_input_shape']}")
            else:
                if "input_shape" in kw:
                    shape = kw["input_shape"]
                elif cls == "Embedding":
                    shape = f"({kw['input_length']},)" if "input_length" in kw else "(None,)"
                elif "input_dim" in kw and cls in RECURRENT:
                    shape = f"({kw.get('input_length', 'None')}, {kw['input_dim']})"
                elif "input_dim" in kw:
                    shape = f"({kw['input_dim']},)"
                else:
                    continue
                input_args.append(f"shape={shape}")
                if "batch_size" in kw:
                    input_args.append(f"batch_size={kw['batch_size']}")
            if cls != "Embedding":
                drop.add("input_dim")
            if cls == "Embedding" or cls in RECURRENT:
                drop.add("input_length")
            if "dtype" in kw:
                input_args.append(f"dtype={kw['dtype']}")
            inp = f"{ctx.keras('keras.Input', call)}({', '.join(input_args)})"
            present = sorted(k for k in drop if k in kw)
            if present:
                ctx.edit(call, lambda c, d=drop: A.remove_kwargs(c, d), None)
            message = f"{cls}: {', '.join(present) or 'implicit input shape'} -> a leading {inp}"
            if slot.how == "list":
                container = self.container(ctx, call)
                if container is None:
                    continue
                ctx.edit(container, lambda lst, c=call, i=inp: self.insert_element(lst, c, i, ctx), message)
            else:
                stmt = slot.statement
                add_call = self.add_call(stmt)
                if add_call is None:
                    continue
                owner = A.code(mod, add_call.func.value)
                ctx.insert_before(stmt, f"{owner}.add({inp})", message, call)
        self.functional_input_length(ctx, firsts)

    def functional_input_length(self, ctx: Context, firsts) -> None:
        for call, ident in calls(ctx):
            if ident is None or short(ident) != "Embedding" or call in firsts:
                continue
            if A.kwarg(call, "input_length") is not None and call in ctx.facts.constructors:
                ctx.edit(call, lambda c: A.remove_kwargs(c, {"input_length"}),
                         "Embedding: input_length= dropped (the input tensor already has that shape; Keras 3 "
                         "warns and ignores it)")

    def container(self, ctx: Context, call: cst.Call):
        """The list or tuple the call is an element of (from the cached parent map: a scan of the module per
        call made this rule quadratic in the file's size)."""
        from kfn_gen.frontend.tree import parents
        up = parents(ctx.src.module)
        element = up.get(call)
        holder = up.get(element) if isinstance(element, cst.Element) else None
        return holder if isinstance(holder, (cst.List, cst.Tuple)) else None

    @staticmethod
    def insert_element(lst, call_original, inp: str, ctx: Context):
        # the first element is the layer; insert keras.Input before it with the same layout
        first = lst.elements[0]
        new = cst.Element(value=cst.parse_expression(inp), comma=first.comma if isinstance(first.comma, cst.Comma)
                          else cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return lst.with_changes(elements=[new, *lst.elements])

    @staticmethod
    def add_call(stmt):
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr):
            call = stmt.body[0].value
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "add":
                return call
        return None
