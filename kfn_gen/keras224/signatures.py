"""The constructor signatures of the layer classes of Keras 2.2.4 and of Keras 3, and what differs.

keras224_signatures.json is dumped from genuine 2.2.4 and keras3_signatures.json from the live Keras 3 by
scripts/dump_signatures.py; tests/package/test_signature_diff.py keeps the Keras 3 one current and checks
that every difference between them is handled by a rule or listed with its reason.
"""
from __future__ import annotations

import functools
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


@functools.lru_cache(maxsize=None)
def layers(side: str) -> dict[str, list[tuple[str, str | None]]]:
    """{class name in keras.layers: [(parameter, default repr or None when required), ...]} of a side
    ("keras224" or "keras3")."""
    with open(os.path.join(HERE, f"{side}_signatures.json"), encoding="utf-8") as fh:
        return {cls: [tuple(p) for p in params] for cls, params in json.load(fh)["layers"].items()}


@functools.lru_cache(maxsize=None)
def required_now() -> dict[str, list[tuple[str, int, str]]]:
    """{class: [(parameter, its position in 2.2.4's signature, 2.2.4's default)]} for the parameters that had a
    default in 2.2.4 and have none in Keras 3 (a call that leaves them out raises TypeError there)."""
    old, new = layers("keras224"), layers("keras3")
    out: dict[str, list[tuple[str, int, str]]] = {}
    for cls, params in old.items():
        now = dict(new.get(cls, ()))
        for i, (name, default) in enumerate(params):
            if default is not None and name in now and now[name] is None:
                out.setdefault(cls, []).append((name, i, default))
    return out
