"""What every rule is: a name, a one-line description, and run(ctx) registering edits."""
from __future__ import annotations

from typing import Iterator

import libcst as cst

from ..frontend import _walk
from ..rewrite import Context


class Rule:
    name = ""
    description = ""

    def run(self, ctx: Context) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def calls(ctx: Context) -> Iterator[tuple[cst.Call, str | None]]:
    """Every call in the module with the Keras 2.2.4 identity of what it calls (or None)."""
    for node in _walk(ctx.src.module):
        if isinstance(node, cst.Call):
            yield node, ctx.src.identity(node.func)


def short(identity: str) -> str:
    return identity.rsplit(".", 1)[-1]
