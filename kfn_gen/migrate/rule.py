"""What every rule is: a name, a one-line description, and run(ctx) registering edits."""
from __future__ import annotations

from typing import Iterator

import libcst as cst

from kfn_gen.frontend.source import _walk
from kfn_gen.migrate.rewrite import Context


class Rule:
    name = ""
    description = ""

    def run(self, ctx: Context) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def calls(ctx: Context) -> Iterator[tuple[cst.Call, str | None]]:
    """Every call in the module with the Keras 2.2.4 identity of what it calls (or None).

    The name is resolved lexically first; a layer constructor reached through a variable
    (`RNN = layers.LSTM; RNN(128)`) gets its class from the graph.
    """
    constructors = ctx.facts.constructors
    for node in _walk(ctx.src.module):
        if isinstance(node, cst.Call):
            ident = ctx.src.identity(node.func)
            if ident is None and node in constructors and constructors[node].kind == "layer":
                ident = constructors[node].cls
            yield node, ident


def short(identity: str) -> str:
    return identity.rsplit(".", 1)[-1]
