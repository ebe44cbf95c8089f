"""Static migration: front-end facts in, minimal edits out (pipeline.py is the entry point).

`migrate_source` is loaded on first use, so that the verifier's worker can read the names of the helpers
this package emits (helpers/names.py) without importing libcst.
"""
from __future__ import annotations


def __getattr__(name):
    if name == "migrate_source":
        from kfn_gen.migrate.pipeline import migrate_source

        return migrate_source
    raise AttributeError(name)
