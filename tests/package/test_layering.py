"""The package's import graph has layers (ARCHITECTURE.md): no import from a lower layer up, no rule
importing another rule, and the verifier's worker (a subprocess per side) importing only what it needs."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tests.helpers import ROOT as REPO  # noqa: E402

PACKAGE = REPO / "kfn_gen"

# Lower layers first.  A package may import its own layer's ground modules and anything below it;
# packages that share a layer do not import each other.
LAYERS = [
    {"__init__", "diagnostics", "options", "linemap", "sourcefile"},  # the shared vocabulary
    {"keras224"},  # what Keras 2.2.4 is: its API, its Keras-1 names, its source corpus
    {"frontend"},  # parse a script and say what each name means
    {"ir"},  # the layer/node graph a script builds
    {"migrate"},  # rules -> edits -> migrated text
    {"render", "verify", "files"},  # tf.function and drawings; running both sides; files, trees, notebooks
    {"generate", "checkpoints"},  # capture + render models; old .h5 checkpoints into Keras 3 files
    {"cli"},
]
LAYER_OF = {name: i for i, names in enumerate(LAYERS) for name in names}


def _imports(path: Path) -> list[tuple[str, int]]:
    """kfn_gen modules imported by `path` (absolute names), with their line."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: relative import (the package uses absolute imports)")
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kfn_gen":
            folder = PACKAGE.parent / node.module.replace(".", "/")
            submodules = [f"{node.module}.{a.name}" for a in node.names
                          if (folder / a.name).is_dir() or (folder / f"{a.name}.py").exists()]
            out += [(m, node.lineno) for m in submodules or [node.module]]
        elif isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "kfn_gen"]
    return out


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


FILES = sorted(PACKAGE.rglob("*.py"))


def test_every_top_level_module_and_package_has_a_layer():
    tops = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
            if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))}
    assert tops == set(LAYER_OF), "add the new module or package to LAYERS (and to ARCHITECTURE.md)"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_up_a_layer_or_across_one(path):
    here = _top("kfn_gen." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    for module, line in _imports(path):
        there = _top(module)
        if there == here:
            continue
        assert LAYER_OF[there] < LAYER_OF[here] or LAYER_OF[there] == 0 == LAYER_OF[here] and here != "__init__", \
            f"{path}:{line}: {here} (layer {LAYER_OF[here]}) imports {module} (layer {LAYER_OF[there]})"


@pytest.mark.parametrize("path", sorted((PACKAGE / "migrate" / "rules").glob("*.py")), ids=lambda p: p.stem)
def test_no_rule_imports_another_rule(path):
    for module, line in _imports(path):
        assert not module.startswith("kfn_gen.migrate.rules") or path.name == "__init__.py", \
            f"{path}:{line}: a rule imports {module}: share it through migrate/helpers or migrate/tables"


@pytest.mark.parametrize("path", sorted((PACKAGE / "verify" / "worker").glob("*.py")), ids=lambda p: p.stem)
def test_the_worker_imports_only_its_own_side(path):
    """The worker runs in each side's subprocess (genuine 2.2.4 or Keras 3): it must not pull in the
    migrator (libcst), the CLI or the parent's orchestration."""
    for module, line in _imports(path):
        assert module.startswith(("kfn_gen.verify.worker", "kfn_gen.migrate.helpers.names")) \
            or module in ("kfn_gen", "kfn_gen.migrate.helpers"), f"{path}:{line}: the worker imports {module}"
