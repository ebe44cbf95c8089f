"""`[tool.kfn-gen]` in pyproject.toml: found upward from the files (as ruff and black find theirs), or named
with --config; a value given on the command line wins over the file, the file over the built-in default.

    [tool.kfn-gen]
    select = ["KFN"]            # codes, code prefixes or rule names
    ignore = ["optimizers"]
    extend-select = []
    exclude = ["vendored/"]     # gitignore-style, added to --exclude
    defaults = "keras224"       # or "keras3"
    import-style = "keras"      # or "tf.keras"
    jobs = 2
    output-format = "full"      # concise, json, github, sarif
"""
from __future__ import annotations

import os
import tomllib

import click

from kfn_gen.files.formats import FORMATS
from kfn_gen.options import DEFAULTS, IMPORT_STYLES

KEYS = {"select": list, "ignore": list, "extend-select": list, "exclude": list, "defaults": str,
        "import-style": str, "jobs": int, "output-format": str}
CHOICES = {"defaults": DEFAULTS, "import-style": IMPORT_STYLES, "output-format": FORMATS}
ADDED = {"exclude"}  # the command line adds to the file's list instead of replacing it
BUILT_IN = {"select": None, "ignore": [], "extend-select": [], "exclude": [], "defaults": "keras224",
            "import-style": "keras", "jobs": 1, "output-format": "full"}


def find(paths, explicit: str | None) -> str | None:
    """The pyproject.toml that configures these paths: --config, else the nearest one upward from the first
    path (the current directory for stdin) that has a [tool.kfn-gen] table."""
    if explicit:
        return explicit
    start = os.path.abspath(paths[0] if paths and paths[0] != "-" else os.getcwd())
    here = start if os.path.isdir(start) else os.path.dirname(start)
    while True:
        candidate = os.path.join(here, "pyproject.toml")
        if os.path.isfile(candidate) and "kfn-gen" in _load(candidate).get("tool", {}):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _load(path: str) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise click.UsageError(f"{path}: cannot read the configuration: {exc}") from None


def settings(path: str | None, given: dict) -> dict:
    """Built-in defaults, then [tool.kfn-gen] of `path`, then what the command line gave (None: not given)."""
    table = _load(path).get("tool", {}).get("kfn-gen", {}) if path else {}
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise click.UsageError(f"{path}: unknown [tool.kfn-gen] key(s): {', '.join(unknown)} "
                               f"(known: {', '.join(KEYS)})")
    out = dict(BUILT_IN)
    for key, value in table.items():
        if not isinstance(value, KEYS[key]) or (KEYS[key] is list and not all(isinstance(v, str) for v in value)):
            raise click.UsageError(f"{path}: [tool.kfn-gen] {key} must be a {KEYS[key].__name__}"
                                   + (" of strings" if KEYS[key] is list else ""))
        if key in CHOICES and value not in CHOICES[key]:
            raise click.UsageError(f"{path}: [tool.kfn-gen] {key} = {value!r}: one of {', '.join(CHOICES[key])}")
        out[key] = value
    for key, value in given.items():
        if value is not None and value != ():
            value = list(value) if isinstance(value, tuple) else value
            out[key] = out[key] + value if key in ADDED else value
    if given.get("select") and given.get("ignore") is None:  # what the command line selects, the file may not ignore
        out["ignore"] = [t for t in out["ignore"] if t.lower() not in {g.lower() for g in given["select"]}]
    return out


def split(values) -> tuple[str, ...] | None:
    """`--select A,B --select C` -> ('A', 'B', 'C'); nothing given -> None."""
    if not values:
        return None
    return tuple(t.strip() for v in values for t in v.split(",") if t.strip())
