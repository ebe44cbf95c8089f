"""The public API of genuine Keras 2.2.4, as data (keras224/keras224_api.json).

The JSON is produced by scripts/dump_keras224_api.py running the real Keras 2.2.4; it maps
each module's public names to the identity of the object they name ("defining.module.Qualname"),
so every spelling of a name (`keras.layers.core.Dense`, `from keras.layers import Dense as D`,
a star import) resolves to one identity, and a misspelt name is caught with a suggestion.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Modules Keras 2.2.4 had whose import needs optional packages the dump does not install.
_EXTRA_MODULES = {"keras.wrappers.scikit_learn": {"KerasClassifier": "keras.wrappers.scikit_learn.KerasClassifier",
                                                  "KerasRegressor": "keras.wrappers.scikit_learn.KerasRegressor"}}


@dataclass(frozen=True)
class Resolved:
    """What a dotted Keras name means: an object (identity) or a module."""

    identity: str | None = None  # e.g. "keras.layers.core.Dense"
    module: str | None = None  # e.g. "keras.layers"
    missing: str | None = None  # first attribute that does not exist
    missing_in: str | None = None  # ...in this module
    suggestion: str | None = None

    @property
    def ok(self) -> bool:
        return self.missing is None


@lru_cache(maxsize=1)
def _table() -> dict:
    with resources.files("kfn_gen.keras224").joinpath("keras224_api.json").open("r", encoding="utf-8") as fh:
        data = json.load(fh)
    for mod, names in _EXTRA_MODULES.items():
        data["modules"].setdefault(mod, names)
        for ident in names.values():
            data["kinds"].setdefault(ident, "class")
    return data


def modules() -> dict[str, dict[str, str]]:
    return _table()["modules"]


def values() -> dict[str, str]:
    """{"value:<module>.<NAME>": Python source of its 2.2.4 value} for the recorded constants."""
    return _table().get("values", {})


def value(identity: str | None) -> str | None:
    """The Python source of a 2.2.4 module constant ("value:keras_applications.vgg16.WEIGHTS_PATH" -> its URL
    string), where the dump recorded one (upper-case str/number/tuple constants)."""
    return values().get(identity or "")


def kind(identity: str) -> str | None:
    """'layer', 'model', 'optimizer', 'class' or 'function' (None if not a Keras object)."""
    return _table()["kinds"].get(identity)


# Keras 2.2's package and its companion packages (keras_applications/keras_preprocessing are not installed with
# Keras 3)
KERAS_PACKAGES = ("keras", "keras_applications", "keras_preprocessing")


def keras3_modules() -> dict[str, set[str]]:
    """Keras 3's public modules and their names (keras224/keras3_api.json)."""
    return _keras3()


def is_keras_path(dotted: str) -> bool:
    return dotted == "keras" or dotted.startswith("keras.")


@lru_cache(maxsize=1)
def _keras3() -> dict[str, list[str]]:
    with resources.files("kfn_gen.keras224").joinpath("keras3_api.json").open("r", encoding="utf-8") as fh:
        return {k: set(v) for k, v in json.load(fh)["modules"].items()}


def keras3_has(dotted: str) -> bool:
    """True when `dotted` names a public Keras 3 module or object (keras224/keras3_api.json)."""
    table = _keras3()
    if dotted in table:
        return True
    mod, _, name = dotted.rpartition(".")
    return name in table.get(mod, ())


@lru_cache(maxsize=1 << 16)  # a pure function of the tables; every rule asks it for every attribute chain
def resolve(dotted: str) -> Resolved:
    """Resolve `keras.a.b.C` against Keras 2.2.4; a name only Keras 3 has is 'keras3:<path>'.

    Keras-3-only names appear in code that is already (partly) migrated: no rule matches them,
    and they are not errors, so a second migration run changes nothing.
    """
    found = _resolve224(dotted)
    if not found.ok:
        parts = dotted.split(".")
        for i in range(len(parts), 1, -1):
            prefix = ".".join(parts[:i])
            if not keras3_has(prefix):
                continue
            if prefix in _keras3():  # a Keras 3 module
                if i == len(parts):
                    return Resolved(module=prefix)
                break  # ...that lacks the next name too: report the 2.2.4 miss
            return Resolved(identity="keras3:" + prefix)  # an object (attributes below it are its own)
    return found


def _resolve224(dotted: str) -> Resolved:
    mods = modules()
    parts = dotted.split(".")
    if parts[0] != "keras":
        return Resolved(missing=parts[0], missing_in="")
    current = "keras"
    for i, attr in enumerate(parts[1:], start=1):
        entries = mods.get(current, {})
        target = entries.get(attr)
        if target is None and f"{current}.{attr}" in mods:  # a submodule not re-exported as attribute
            target = "module:" + f"{current}.{attr}"
        if target is None:
            close = difflib.get_close_matches(attr, list(entries), n=1, cutoff=0.75)
            return Resolved(missing=attr, missing_in=current, suggestion=close[0] if close else None)
        if target.startswith("module:"):
            current = target[len("module:"):]
            continue
        if i != len(parts) - 1:  # attribute of a class/function: not the API table's business
            return Resolved(identity=target)
        return Resolved(identity=target)
    return Resolved(module=current)


def identity_of(path: str) -> str | None:
    """The 2.2.4 identity a dotted path names: resolved through keras, or read from a companion package's
    module (`keras_applications.vgg16.WEIGHTS_PATH`)."""
    if is_keras_path(path):
        return resolve(path).identity
    module, _, name = path.rpartition(".")
    return names_in(module).get(name)


def names_in(module: str) -> dict[str, str]:
    return modules().get(module, {})


def suggest(name: str, candidates) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return close[0] if close else None
