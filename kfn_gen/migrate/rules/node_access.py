"""`layer.get_output_at(i)` and friends, resolved statically to the tensor of the right call.

Keras 3 has no get_output_at/get_input_at/get_*_shape_at and no layer input_shape/output_shape.
The graph knows which call (node) each index means; a 2.2.4 Model/Sequential has a node 0 of its
own, so `inner.get_output_at(1)` is its first call.  The rewrite names the variable that holds
that tensor at that point of the script; `==` between two such tensors becomes `is` (2.2.4
compared symbolic tensors by identity; Keras 3's KerasTensor.__eq__ is not guaranteed to).
A Sequential's own `.input`/`.output` become `.inputs[0]`/`.outputs[0]`: Keras 3's Sequential defines the
former only once it is called on a tensor.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.ir.values import TensorVal
from kfn_gen.frontend.tree import walk
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule


class NodeAccess(Rule):
    code = "KFN002"
    name = "node-access"
    description = "get_output_at/get_input_at/get_*_shape_at and layer shapes resolved to the right call"

    def run(self, ctx: Context) -> None:
        tensors = set()
        for node, acc in ctx.facts.accesses.items():
            text = ctx.src.module.code_for_node(node)
            layer = acc.layer
            is_shape = acc.what.endswith("_shape")
            side = "output" if acc.what.startswith("output") else "input"
            if acc.node_index is None:  # the properties .output/.input/.output_shape/.input_shape
                if acc.n_nodes > 1 and not (layer.is_model and acc.n_nodes == 1):
                    ctx.warn(node, f"`{text}` is ill-defined: the layer has {acc.n_nodes} nodes; Keras 2.2.4 raised "
                                   f"AttributeError here, Keras 3 returns the first call's {side}. Name the call you "
                                   "mean")
                    continue
                if not is_shape:
                    tensors.add(node)
                    if layer.kind == "sequential" and acc.n_nodes == 1:
                        # Keras 3's Sequential has .input/.output only once called on a tensor; its built graph
                        # is .inputs/.outputs (one each: 2.2.4's Sequential.input was inputs[0])
                        new = f"{ctx.src.module.code_for_node(node.value)}.{side}s[0]"
                        ctx.replace_code(node, new, f"`{text}` -> `{new}` (a Keras 3 Sequential has no .{side} "
                                                    "until it is called)")
                    continue  # Keras 3 layer.output/.input mean the same for a single-call layer
                if layer.is_model:
                    continue  # Keras 3 models keep input_shape/output_shape
                refs = self.refs(ctx, layer, 0, side)
                new = self.expr(acc, refs, is_shape) or f"{ctx.src.module.code_for_node(node.value)}.{side}.shape"
                ctx.replace_code(node, new, f"`{text}` -> `{new}` (Keras 3 layers have no {acc.what})")
                continue
            if acc.uncertain:
                ctx.warn(node, f"`{text}`: the layer is created or called in a loop or branch; node numbering is not "
                               "static, left as is (Keras 3 has no get_*_at)")
                continue
            j = acc.node_index - layer.node_offset
            if acc.node_index < 0 or acc.node_index >= acc.n_nodes:
                ctx.warn(node, f"`{text}`: the layer has only {acc.n_nodes} node(s) here; Keras 2.2.4 raised "
                               "ValueError")
                continue
            if j < 0:  # a model's own node 0: its inputs/outputs as built
                owner = ctx.src.module.code_for_node(node.func.value)
                own = f"{side}s[0]" if layer.kind == "sequential" else side  # Sequential: see above
                new = f"{owner}.{own}" + (".shape" if is_shape else "")
            else:
                new = self.expr(acc, self.refs(ctx, layer, j, side), is_shape)
                if new is None:
                    owner = ctx.src.module.code_for_node(node.func.value)
                    attr = "output_tensors" if side == "output" else "input_tensors"
                    new = f"{owner}._inbound_nodes[{j}].{attr}[0]" + (".shape" if is_shape else "")
                    ctx.warn(node, f"`{text}`: no variable holds that tensor; using Keras 3's node list")
            ctx.replace_code(node, new, f"`{text}` -> `{new}` (call {j + 1} of `{layer.var or layer.name}`)"
                             if j >= 0 else f"`{text}` -> `{new}` (the model's own node 0)")
            if not is_shape:
                tensors.add(node)
        self.identity_comparisons(ctx, tensors)

    def refs(self, ctx: Context, layer, j: int, side: str):
        if j >= len(layer.nodes):
            return None
        node = layer.nodes[j]
        return node.outputs if side == "output" else node.inputs

    def expr(self, acc, refs, is_shape: bool) -> str | None:
        if not refs:
            return None
        names = []
        for r in refs:
            holders = acc.holders.get((r.layer, r.node, r.index))
            if not holders:
                return None
            names.append(holders[0] + (".shape" if is_shape else ""))
        return names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"

    def identity_comparisons(self, ctx: Context, tensors: set) -> None:
        def is_tensor(expr) -> bool:
            return expr in tensors or isinstance(ctx.facts.values.get(expr), TensorVal)

        for node in walk(ctx.src.module):
            if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
                continue
            target = node.comparisons[0]
            if not isinstance(target.operator, (cst.Equal, cst.NotEqual)):
                continue
            if not (is_tensor(node.left) and is_tensor(target.comparator)):
                continue
            op = "is" if isinstance(target.operator, cst.Equal) else "is not"

            def fn(updated, op=op):
                t = updated.comparisons[0]
                new_op = cst.Is(whitespace_before=t.operator.whitespace_before,
                                whitespace_after=t.operator.whitespace_after) if op == "is" else cst.IsNot(
                    whitespace_before=t.operator.whitespace_before, whitespace_after=t.operator.whitespace_after)
                return updated.with_changes(comparisons=[t.with_changes(operator=new_op)])
            ctx.edit(node, fn, f"tensor comparison `{'==' if op == 'is' else '!='}` -> `{op}` (2.2.4 compared "
                               "symbolic tensors by identity)")
