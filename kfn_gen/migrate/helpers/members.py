"""What stands in, in a migrated script, for a 2.2.4 name that has no Keras 3 home but a helper: the helper
to define, and the expression that takes the name's place (`{helper}` in it stands for the helper's name in
the script)."""
from __future__ import annotations

import re
from functools import lru_cache

from kfn_gen.keras224 import api as api224
from kfn_gen.migrate.helpers.functions import FUNCTIONS, Helper
from kfn_gen.migrate.helpers.interfaces import DECORATORS, LEGACY_INTERFACE

INTERFACES = "keras.legacy.interfaces"


def member(module: str, name: str, identity: str | None) -> tuple[Helper, str] | None:
    """(helper, expression) for `module.name` (its 2.2.4 identity where known), or None."""
    if module == INTERFACES and name in DECORATORS:
        positional, conversions, values = DECORATORS[name]
        return LEGACY_INTERFACE, f"{{helper}}({positional!r}, {conversions!r}, {values!r})"
    function = FUNCTIONS.get(f"{module}.{name}") or FUNCTIONS.get(identity or "")
    return (function, "{helper}") if function is not None else None


@lru_cache(maxsize=1 << 14)
def member_of(path: str) -> tuple[Helper, str] | None:
    """(helper, expression) for a dotted 2.2.4 path (`keras.models.model_from_config`, a companion-package
    path), if it has one."""
    module, _, name = path.rpartition(".")
    identity = api224.identity_of(path)
    if identity and api224.is_keras_path(path):  # `keras.models.model_from_config`: where 2.2.4 defined it
        home, _, leaf = identity.rpartition(".")
        found = member(home, leaf, identity)
        if found:
            return found
    return member(module, name, identity)


@lru_cache(maxsize=1)
def trigger() -> re.Pattern:
    """Matches a file that may name a helper's 2.2.4 name (the last part of each path, the decorators)."""
    names = {path.rpartition(".")[2] for path in FUNCTIONS} | set(DECORATORS)
    return re.compile(r"\b(?:" + "|".join(sorted(names)) + r")\b")
