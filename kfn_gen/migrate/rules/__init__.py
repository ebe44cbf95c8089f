"""The rule registry: every Rule subclass defined in this package, in an order that honours `after`.

One module per rule (two where two rules share their helpers); simple mappings live in migrate/tables/.
The order is a topological sort of the `after` declarations, ties broken by rule code; `kfn-gen rules`
prints it.  Nothing else may depend on the order: tests/rules/test_rule_registry.py migrates the fixtures in
a second valid order (ties broken the other way) and asserts the same code.
"""
from __future__ import annotations

import functools
import heapq
import importlib
import inspect
import pkgutil

from kfn_gen.migrate.rule import Rule


class RuleOrderError(Exception):
    """The rules' `after` declarations name an unknown rule or form a cycle, or two rules share a code or name."""


def rule_classes() -> list[type[Rule]]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found += [c for _, c in inspect.getmembers(module, inspect.isclass)
                  if issubclass(c, Rule) and c is not Rule and c.__module__ == module.__name__]
    return found


def ordered(classes: list[type[Rule]], reverse_ties: bool = False) -> list[type[Rule]]:
    """Kahn's topological sort of `after`; among the rules free to run, the lowest code first (the
    highest with reverse_ties)."""
    by_name = {}
    for cls in classes:
        if not (cls.code and cls.name):
            raise RuleOrderError(f"{cls.__qualname__} has no code or no name")
        if cls.name in by_name or any(c.code == cls.code for c in by_name.values()):
            raise RuleOrderError(f"{cls.__qualname__}: code {cls.code} or name {cls.name} is used twice")
        by_name[cls.name] = cls
    waiting = {}
    for cls in classes:
        unknown = [n for n in cls.after if n not in by_name]
        if unknown:
            raise RuleOrderError(f"{cls.name} runs after {', '.join(unknown)}: no such rule")
        waiting[cls.name] = set(cls.after)
    key = (lambda c: tuple(-ord(ch) for ch in c.code)) if reverse_ties else (lambda c: c.code)
    ready = [(key(by_name[n]), n) for n, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    out = []
    while ready:
        _, name = heapq.heappop(ready)
        out.append(by_name[name])
        del waiting[name]
        for other, deps in waiting.items():
            if name in deps:
                deps.discard(name)
                if not deps:
                    heapq.heappush(ready, (key(by_name[other]), other))
    if waiting:
        raise RuleOrderError("the rules' `after` declarations form a cycle among: " + ", ".join(sorted(waiting)))
    return out


@functools.lru_cache(maxsize=2)
def _order(reverse_ties: bool) -> tuple[type[Rule], ...]:
    return tuple(ordered(rule_classes(), reverse_ties))


def all_rules(reverse_ties: bool = False) -> list[Rule]:
    return [cls() for cls in _order(reverse_ties)]
