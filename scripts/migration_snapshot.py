#!/usr/bin/env python
"""Fingerprint what the static migrator does to every file it can find, to show a refactor changed nothing.

    python scripts/migration_snapshot.py before.json        # on the old commit (a git worktree)
    python scripts/migration_snapshot.py after.json         # on the new one
    python scripts/migration_snapshot.py --compare before.json after.json

Each file is migrated with both import styles; the fingerprint is a SHA-1 of the migrated code and every
diagnostic line.  Files: fixtures/ and, when they are in the user cache, the Keras 2.2.4 sdist and the
breadth corpus (tests download them).  Run from the checkout being measured.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fingerprints() -> dict:
    sys.path.insert(0, ROOT)
    from kfn_gen.keras224.corpus import cache_dir
    from kfn_gen.migrate.pipeline import migrate_source
    from kfn_gen.options import Options

    files = sorted(glob.glob(os.path.join(ROOT, "fixtures", "**", "*.py"), recursive=True))
    corpora = (cache_dir(), os.path.join(os.path.dirname(cache_dir()), "pypi"))  # as corpus.package_root
    for corpus in corpora:
        files += sorted(glob.glob(os.path.join(corpus, "**", "*.py"), recursive=True))
    out = {}
    for path in files:
        try:
            with open(path, encoding="utf-8") as fh:
                source = fh.read()
        except (OSError, UnicodeDecodeError):
            continue
        key = os.path.relpath(path, ROOT if path.startswith(ROOT) else os.path.dirname(cache_dir()))
        for style in ("keras", "tf.keras"):
            r = migrate_source(source, key, Options(import_style=style))
            text = (r.code if r.code is not None else "<refused>") + "\n".join(d.format() for d in r.diagnostics)
            out[f"{key}|{style}"] = hashlib.sha1(text.encode("utf-8")).hexdigest()
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"] and len(argv) == 3:
        with open(argv[1]) as a, open(argv[2]) as b:
            before, after = json.load(a), json.load(b)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        print(f"{len(before)} before, {len(after)} after, {len(changed)} differ")
        for k in changed[:50]:
            print("  " + k)
        return 1 if changed else 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    prints = fingerprints()
    with open(argv[0], "w") as fh:
        json.dump(prints, fh, indent=0, sort_keys=True)
    print(f"wrote {argv[0]}: {len(prints)} migrations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
