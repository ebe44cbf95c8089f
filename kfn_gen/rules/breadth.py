"""The breadth rules (issue 6), in the order they run after the seed rules."""
from __future__ import annotations


def breadth_rules() -> list:
    from .keras1_args import Keras1Args, RenamedNames

    return [Keras1Args(), RenamedNames()]
