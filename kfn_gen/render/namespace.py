"""Identifiers of a generated module: one owner, no collisions with Python, TensorFlow's names or each other."""
from __future__ import annotations

import builtins
import keyword
import re


class Namespace:
    """Owns every identifier the generated module emits (like torch.fx's _Namespace).

    `create('x')` returns 'x', then 'x_1', 'x_2', ...; candidates are sanitized into identifiers
    and never collide with keywords, builtins, reserved names or each other."""

    def __init__(self, reserved=(), parent: "Namespace | None" = None):
        self.parent = parent
        base = set(dir(builtins)) | set(keyword.kwlist) | set(keyword.softkwlist) if parent is None else set()
        self._used: set[str] = set(reserved) | base
        self._counts: dict[str, int] = {}
        self._children: list[Namespace] = []

    def scope(self, reserved=()) -> "Namespace":
        """A nested scope (a function body): its names avoid this scope's names, not its siblings'; a name
        this scope creates later avoids the nested scopes' names (a module function named after a layer
        must not be shadowed by a local that took the name first)."""
        child = Namespace(reserved, parent=self)
        self._children.append(child)
        return child

    def taken(self, name: str) -> bool:
        return name in self._used or (self.parent is not None and self.parent.taken(name))

    def _taken_below(self, name: str) -> bool:
        return any(name in c._used or c._taken_below(name) for c in self._children)

    @staticmethod
    def sanitize(candidate: str) -> str:
        name = re.sub(r"\W", "_", candidate or "")
        name = re.sub(r"_+", "_", name).strip("_") or "v"
        if name[0].isdigit():
            name = "_" + name
        return name

    def create(self, candidate: str) -> str:
        base = self.sanitize(candidate)
        name = base
        if self.taken(name) or self._taken_below(name):
            m = re.fullmatch(r"(.*?)_(\d+)", base)
            stem = m.group(1) if m and m.group(1) else base
            n = self._counts.get(stem, 0)
            while self.taken(name) or self._taken_below(name):
                n += 1
                name = f"{stem}_{n}"
            self._counts[stem] = n
        self._used.add(name)
        return name

    def reserve(self, name: str) -> None:
        self._used.add(name)


def snake(name: str) -> str:
    """CamelCase -> snake_case: Dense -> dense, ExpandDims -> expand_dims (layer names, keras.ops names)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
