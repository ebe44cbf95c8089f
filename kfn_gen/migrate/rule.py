"""What every rule is: a code, a name, a one-line description, what it must run after, and run(ctx).

A rule registers edits on the original tree through the context (ctx.edit, ctx.define, ...); it never
reads or changes what another rule registered.  Where its edit makes another rule's warning moot it says
so with ctx.supersede(node, rule_names), and the pipeline drops those warnings once every rule has run.
"""
from __future__ import annotations

from typing import Iterator

import libcst as cst

from kfn_gen.frontend.tree import walk
from kfn_gen.migrate.rewrite import Context


class Rule:
    code = ""  # "KFN001": stable, for reports and select/ignore; also the tie-break of the run order
    name = ""
    description = ""
    # True where Keras 3 would run the unmigrated code but compute numbers Keras 2.2.4 did not
    # (defaults that changed meaning); False where the unmigrated code would stop with an error.
    numeric = False
    # Names of the rules whose edits on the same nodes this rule's edits must wrap (edits on one node
    # compose in run order).  The registry orders the rules by these and fails on a cycle.
    after: tuple[str, ...] = ()

    def run(self, ctx: Context) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def calls(ctx: Context) -> Iterator[tuple[cst.Call, str | None]]:
    """Every call in the module with the Keras 2.2.4 identity of what it calls (or None).

    The name is resolved lexically first; a layer constructor reached through a variable
    (`RNN = layers.LSTM; RNN(128)`) gets its class from the graph.  Rules only register edits, the tree
    does not change while they run: the list is computed once per file.
    """
    if ctx.calls_cache is None:
        constructors = ctx.facts.constructors
        found = []
        for node in walk(ctx.src.module):
            if isinstance(node, cst.Call):
                ident = ctx.src.identity(node.func)
                if ident is None and node in constructors and constructors[node].kind == "layer":
                    ident = constructors[node].cls
                found.append((node, ident))
        ctx.calls_cache = found
    return iter(ctx.calls_cache)


def short(identity: str) -> str:
    return identity.rsplit(".", 1)[-1]
