"""Layer arguments that had a default in Keras 2.2.4 and are required in Keras 3: 2.2.4's value, written out.

`AveragePooling2D()` pooled 2x2 in 2.2.4 and raises TypeError in Keras 3 (pool_size has no default there).
Which parameters: keras224/signatures.required_now(), the difference of the two signature tables (genuine
2.2.4, live Keras 3), not a hand list.  A call that gives the parameter (by keyword, by position, or by its
Keras-1 name that 2.2.4 translated) or passes *args/**kwargs is left alone.
"""
from __future__ import annotations

from kfn_gen.keras224.signatures import required_now
from kfn_gen.migrate import args as A
from kfn_gen.migrate.rewrite import Context
from kfn_gen.migrate.rule import Rule, calls, short
from kfn_gen.migrate.tables.arguments import LEGACY_KWARGS


class LayerDefaults(Rule):
    code = "KFN032"
    name = "layer-defaults"
    description = "2.2.4 defaults Keras 3 made required (AveragePooling2D() -> pool_size=(2, 2)) written out"

    def run(self, ctx: Context) -> None:
        table = required_now()
        for call, ident in calls(ctx):
            if ident is None or not ident.startswith("keras.layers.") or short(ident) not in table:
                continue
            if any(a.star for a in call.args):
                continue
            given = {a.keyword.value for a in call.args if a.keyword is not None}
            aliases = {new: old for old, new in LEGACY_KWARGS.get(ident, ())}
            n_pos = len(A.positional(call))
            for name, index, default in table[short(ident)]:
                if name in given or aliases.get(name) in given or index < n_pos:
                    continue
                ctx.edit(call, lambda c, n=name, d=default: A.add_kwarg(c, n, d),
                         f"{short(ident)}: {name}={default} (2.2.4's default; Keras 3 requires the argument)")
