"""Generated tf-function modules compute what the migrated Keras 3 model computes (<= 1e-5 abs).

For each model: generate the module, build the migrated Keras 3 model in process, feed its
get_weights() to the module, compare outputs on random inputs; then tf.saved_model.save the
module, forget its source, reload and compare again (both the restored __call__ and the
serving signature).  Small shapes: the whole file runs in about a minute on 2 CPU cores.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
np = pytest.importorskip("numpy")
tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from kfn_gen.render import tfgen  # noqa: E402
from kfn_gen.render import tfgen_keras
from tests.helpers import ROOT as REPO  # noqa: E402

ROOT = REPO
TFGEN = ROOT / "fixtures" / "tfgen"
CASES = sorted(p.name for p in TFGEN.iterdir() if (p / "input.py").exists())
MAX_SEED_FLOPS = 5e8  # per sample; heavier seeds (224x224 VGG towers, 100-frame videos) run small in fixtures/tfgen


def _seeds() -> list[str]:
    """Every seed fixture whose script builds a model the generator handles, if cheap enough to run here."""
    out, seen = [], set()
    for d in sorted((ROOT / "fixtures").iterdir()):
        if d.name == "tfgen" or not (d / "input.py").exists():
            continue
        try:
            gen = tfgen.generate((d / "input.py").read_text(encoding="utf-8"), f"fixtures/{d.name}/input.py")
        except tfgen.TFGenError:
            continue
        body = gen.code.split('"""', 2)[2]  # the same model in several guide snippets: run it once
        if gen.flops <= MAX_SEED_FLOPS and body not in seen:
            seen.add(body)
            out.append(d.name)
    return out


SEEDS = _seeds()
ATOL = 1e-5
pytestmark = pytest.mark.tf


def load_module(code: str, name: str, where: Path):
    path = where / f"{name}.py"
    path.write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path


def as_list(out) -> list:
    if isinstance(out, dict):
        return [out[k] for k in sorted(out, key=lambda k: int(k.rsplit("_", 1)[-1]))]
    if isinstance(out, (list, tuple)):
        return list(out)
    return [out]


def assert_close(got, want, what: str):
    got, want = as_list(got), as_list(want)
    assert len(got) == len(want), f"{what}: {len(got)} outputs, Keras has {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape, f"{what}: output {i} shape {g.shape} != Keras {w.shape}"
        err = float(np.max(np.abs(g - w))) if g.size else 0.0
        assert err <= ATOL, f"{what}: output {i} differs from Keras by {err:.3g}"


def check(rel: str, tmp_path: Path, jit: bool = False, model: str | None = None):
    text = (ROOT / rel).read_text(encoding="utf-8")
    gen = tfgen.generate(text, rel, model=model, jit=jit)
    kmodel = tfgen_keras.keras_model(text, rel, gen.model.var)
    module, path = load_module(gen.code, f"gen_{abs(hash((rel, jit))) % 10**8}", tmp_path)
    m = getattr(module, gen.class_name)(tfgen_keras.randomize_weights(kmodel, seed=2))
    xs = tfgen_keras.random_inputs(gen.inputs, batch=3, seed=1)
    want = kmodel(xs if len(xs) > 1 else xs[0])
    got = m(*xs)
    assert isinstance(got, list) == gen.list_output
    assert isinstance(want, (list, tuple)) == isinstance(got, list), "output structure differs from Keras'"
    assert_close(got, want, f"{rel} module")

    # SavedModel: reload without the module source and serve.
    export = tmp_path / "saved"
    tf.saved_model.save(m, str(export))
    del m, module
    sys.modules.pop(path.stem, None)
    path.unlink()
    loaded = tf.saved_model.load(str(export))
    assert_close(loaded(*xs), want, f"{rel} reloaded __call__")
    serving = loaded.signatures["serving_default"]
    names = [spec.name for spec in serving.structured_input_signature[1].values()]
    feed = dict(zip([s.name for s in loaded.__call__.concrete_functions[0].structured_input_signature[0]], xs))
    assert set(feed) == set(names)
    assert_close(serving(**{k: tf.constant(v) for k, v in feed.items()}), want, f"{rel} serving_default")


@pytest.mark.parametrize("case", CASES)
def test_tfgen_case_matches_keras3(case, tmp_path):
    check(f"fixtures/tfgen/{case}/input.py", tmp_path)


@pytest.mark.parametrize("case", SEEDS)
def test_seed_fixture_matches_keras3(case, tmp_path):
    check(f"fixtures/{case}/input.py", tmp_path)


@pytest.mark.parametrize("case", ["video_qa", "inception"])
def test_jit_module_matches_keras3(case, tmp_path):
    check(f"fixtures/tfgen/{case}/input.py", tmp_path, jit=True)


def test_nested_model_selected_by_name(tmp_path):
    check("fixtures/tfgen/video_qa/input.py", tmp_path, model="question_encoder")
