"""Integer layer arguments Keras 3 checks with isinstance(x, int): wrap non-int expressions in int().

2.2.4 stored `units`, `input_dim`/`output_dim`, `n` as given and used them as shapes, so a numpy
integer worked: keras/examples/reuters_mlp.py writes `num_classes = np.max(y_train) + 1` and
`Dense(num_classes)`.  Keras 3 rejects numpy integers there ("Received an invalid value for
`units`, expected a positive integer. Received: units=46"; LSTM fails when built, on its
state_size).  The table (tables/arguments.py: INT_ARGS) lists the arguments Keras 3 rejects and 2.2.4
took; tests/package/test_tables_live.py builds each with a numpy integer.  `int(v)` keeps the value of
every integer 2.2.4 accepted (2.2.4's own UpSampling1D did `int(size)`, convolutional.py:1960).
SimpleRNN/GRU are not listed: 2.2.4 rejected numpy units too (recurrent.py:429).

An argument is left alone when it is surely a Python int already: a literal, `len()`/`int()`
values, `range()` loop variables, arithmetic on those, or a name every one of whose bindings is
such a value.  Anything else (a numpy result, a function parameter, an attribute) is wrapped.
"""
from __future__ import annotations

import libcst as cst
import libcst.metadata as md

from kfn_gen.frontend.tree import parents
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule, calls
from kfn_gen.migrate.tables.arguments import INT_ARGS

_INT_OPS = (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide, cst.Modulo, cst.LeftShift, cst.RightShift,
            cst.BitAnd, cst.BitOr, cst.BitXor)
_INT_FUNCS = {"len", "int", "abs", "max", "min", "round"}  # int for int arguments (round: one argument)


class IntArgs(Rule):
    code = "KFN024"
    name = "int-args"
    description = "numpy integers in units=/input_dim=/output_dim=/n=/size= -> int() (Keras 3 rejects them)"

    def run(self, ctx: Context) -> None:
        self._seen: set = set()
        for call, ident in calls(ctx):
            if ident not in INT_ARGS or any(a.star for a in call.args):
                continue
            cls, spec = INT_ARGS[ident]
            pos = [a for a in call.args if a.keyword is None]
            for index, keyword, legacy in spec:
                arg = next((a for a in call.args if a.keyword is not None and a.keyword.value in (keyword, legacy)),
                           pos[index] if index < len(pos) else None)
                if arg is None or self.surely_int(ctx, arg.value):
                    continue
                ctx.edit(arg.value, _wrap, f"{cls}: {keyword} wrapped in int() (Keras 3 accepts only a Python int; "
                                           "2.2.4 also took numpy integers)")

    # ----- is the expression a Python int whatever the run? -----
    def surely_int(self, ctx: Context, node) -> bool:
        if isinstance(node, cst.Integer):
            return True
        if isinstance(node, cst.UnaryOperation):
            return isinstance(node.operator, (cst.Minus, cst.Plus, cst.BitInvert)) and self.surely_int(ctx, node.expression)
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Power):  # int ** non-negative int literal
                return self.surely_int(ctx, node.left) and isinstance(node.right, cst.Integer)
            return isinstance(node.operator, _INT_OPS) and self.surely_int(ctx, node.left) \
                and self.surely_int(ctx, node.right)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in _INT_FUNCS \
                and _builtin(ctx, node.func):
            fn = node.func.value
            if fn in ("len", "int"):
                return True
            if fn == "round":
                return len(node.args) == 1
            if fn in ("abs", "max", "min"):
                return bool(node.args) and all(a.keyword is None and not a.star and self.surely_int(ctx, a.value)
                                               for a in node.args)
            return False
        if isinstance(node, cst.Name):
            return self._name_int(ctx, node)
        return False

    def _name_int(self, ctx: Context, name: cst.Name) -> bool:
        scope = ctx.src.scopes.get(name)
        if scope is None:
            return False
        refs = [r for acc in scope.accesses[name] for r in acc.referents]
        if not refs:
            return False
        key = tuple(sorted(id(r) for r in refs))
        if key in self._seen:  # `n = n + 1`: the other bindings decide
            return True
        self._seen.add(key)
        try:
            return all(isinstance(r, md.Assignment) and self._binding_int(ctx, r.node) for r in refs)
        finally:
            self._seen.discard(key)

    def _binding_int(self, ctx: Context, target) -> bool:
        parent_of = parents(ctx.src.module)
        parent = parent_of.get(target)
        if isinstance(parent, cst.AssignTarget):
            stmt = parent_of.get(parent)
            return isinstance(stmt, cst.Assign) and self.surely_int(ctx, stmt.value)
        if isinstance(parent, cst.AnnAssign) and parent.target is target:
            return parent.value is not None and self.surely_int(ctx, parent.value)
        if isinstance(parent, cst.AugAssign) and parent.target is target:
            return isinstance(parent.operator, (cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign,
                                                cst.FloorDivideAssign, cst.ModuloAssign)) \
                and self.surely_int(ctx, parent.value)
        if isinstance(parent, cst.Element):  # a, b = 1, len(x)
            tup = parent_of.get(parent)
            holder = parent_of.get(tup)
            stmt = parent_of.get(holder) if isinstance(holder, cst.AssignTarget) else None
            if isinstance(tup, (cst.Tuple, cst.List)) and isinstance(stmt, cst.Assign) \
                    and isinstance(stmt.value, (cst.Tuple, cst.List)) \
                    and len(stmt.value.elements) == len(tup.elements) \
                    and not any(isinstance(e, cst.StarredElement) for e in (*tup.elements, *stmt.value.elements)):
                i = list(tup.elements).index(parent)
                return self.surely_int(ctx, stmt.value.elements[i].value)
            return False
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.target is target:  # for i in range(n)
            it = parent.iter
            return isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value == "range" \
                and _builtin(ctx, it.func)
        return False


def _builtin(ctx: Context, name: cst.Name) -> bool:
    """Does `name` here mean the Python builtin (not rebound anywhere it could come from)?"""
    scope = ctx.src.scopes.get(name)
    refs = [r for acc in scope.accesses[name] for r in acc.referents] if scope is not None else []
    return bool(refs) and all(isinstance(r, md.BuiltinAssignment) for r in refs)


def _wrap(value: cst.BaseExpression) -> cst.BaseExpression:
    inner = value.with_changes(lpar=[], rpar=[]) if hasattr(value, "lpar") and value.lpar else value
    return cst.Call(func=cst.Name("int"), args=[cst.Arg(value=inner)])
