"""A public breadth corpus that is not the examples (issue 17): pinned 2017-2019 PyPI releases written against
`import keras` (kfn_gen.keras224.corpus.BREADTH), downloaded at test time into the user cache, never committed.

Default tier: the seven packages of one author's attention/transformer family, which import each other.
Every file migrates (none refused), the output parses, a second run changes nothing, no Keras name Keras 3
lacks is left without a diagnostic, and (Keras 3) every package module imports, all migrated packages on
sys.path in one process.  The whole corpus (22 packages) is the slow tier and scripts/breadth_table.py.
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest

from kfn_gen.keras224.corpus import BREADTH, package_modules, package_root
from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.frontend.unresolved import silent_leftovers

FAMILY = ("keras-self-attention==0.41.0", "keras-multi-head==0.22.0", "keras-pos-embd==0.11.0",
          "keras-transformer==0.30.0", "keras-layer-normalization==0.14.0", "keras-embed-sim==0.7.0",
          "keras-position-wise-feed-forward==0.6.0")


def _migrate_tree(spec: str, out_root) -> list[str]:
    """Migrate every .py of the release into out_root; return the problems found (empty when all is well)."""
    root = package_root(spec)
    problems = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            if not n.endswith(".py"):
                continue
            path = os.path.join(dirpath, n)
            rel = os.path.relpath(path, root)
            with open(path, encoding="utf-8") as fh:
                source = fh.read()
            res = migrate_source(source, rel)
            if res.code is None:
                problems.append(f"{rel}: refused: {[d.format() for d in res.diagnostics if d.severity == 'error']}")
                continue
            ast.parse(res.code)
            if migrate_source(res.code, rel).code != res.code:
                problems.append(f"{rel}: a second run changes it")
            problems += [f"{rel}:{s}: silent" for s in silent_leftovers(res)]
            target = out_root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(res.code, encoding="utf-8")
    return problems


def _fetch(spec):
    try:
        return package_root(spec)
    except Exception as exc:  # pragma: no cover - no PyPI
        pytest.fail(f"could not fetch {spec} from PyPI: {exc}")


@pytest.fixture(scope="module")
def family(tmp_path_factory):
    out = {}
    for spec in FAMILY:
        _fetch(spec)
        root = tmp_path_factory.mktemp(spec.replace("==", "-"))
        out[spec] = (root, _migrate_tree(spec, root))
    return out


@pytest.mark.parametrize("spec", FAMILY)
def test_family_migrates_cleanly(family, spec):
    assert family[spec][1] == []


@pytest.mark.tf
def test_family_modules_import_under_keras3(family, tmp_path):
    roots = [str(family[spec][0]) for spec in FAMILY]
    mods = [m for spec in FAMILY for m, _ in package_modules(package_root(spec))]
    code = ("import importlib, json, sys\nsys.path[:0] = json.loads(sys.argv[1])\nbad = {}\n"
            "for m in json.loads(sys.argv[2]):\n    try:\n        importlib.import_module(m)\n"
            "    except Exception as exc:\n        bad[m] = f'{type(exc).__name__}: {exc}'\nprint(json.dumps(bad))\n")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(roots), json.dumps(mods)], capture_output=True,
                         text=True, timeout=300, cwd=tmp_path, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert out.returncode == 0, out.stderr[-2000:]
    assert len(mods) >= 25 and json.loads(out.stdout.strip().splitlines()[-1]) == {}


@pytest.mark.slow
@pytest.mark.parametrize("spec", [s for s in BREADTH if s not in FAMILY])
def test_whole_breadth_corpus_no_crash_no_silent_leftover(spec, tmp_path):
    _fetch(spec)
    problems = [p for p in _migrate_tree(spec, tmp_path) if "refused" not in p]  # refusals: docs/breadth-table.md
    assert problems == []
