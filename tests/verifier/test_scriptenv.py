"""Stand-ins for what example scripts need from outside their model (kfn_gen/verify/worker/scriptenv.py).

Fast: no TensorFlow.  Anything that patches interpreter-wide state (argparse, sys.meta_path) runs
in a subprocess so the test process stays clean.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import zlib

import numpy as np
import pytest

from kfn_gen.verify.worker import scriptenv
from kfn_gen.verify import script_argv

from tests.helpers import ROOT as REPO  # noqa: E402

ROOT = str(REPO)


def _run(code: str, cwd) -> dict:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ROOT}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_positionals_get_placeholder_images_and_output_names():
    # deep_dream.py / neural_style_transfer.py's parsers
    p = argparse.ArgumentParser()
    p.add_argument("base_image_path", metavar="base", type=str)
    p.add_argument("style_reference_image_path", metavar="ref", type=str)
    p.add_argument("result_prefix", metavar="res_prefix", type=str)
    p.add_argument("--iter", type=int, default=10, required=False)
    argv, files = scriptenv.synthesize_args(p)
    assert argv == ["base_image_path.png", "style_reference_image_path.png", "kfn_result_prefix"]
    assert files == [{"path": "base_image_path.png", "kind": "image"},
                     {"path": "style_reference_image_path.png", "kind": "image"}]
    ns = p.parse_args(argv)
    assert ns.iter == 10  # options with a default keep it


def test_typed_options_left_at_none_are_filled_flags_and_untyped_are_not():
    # neural_doodle.py's parser, plus variational_autoencoder.py's untyped -w and a flag
    p = argparse.ArgumentParser()
    p.add_argument("--nlabels", type=int)
    p.add_argument("--style-image", type=str)
    p.add_argument("--target-image-prefix", type=str)
    p.add_argument("--out-dir", type=str)
    p.add_argument("--mode", type=str, choices=["fast", "slow"])
    p.add_argument("--rate", type=float)
    p.add_argument("--corpus-file", type=str, required=True)
    p.add_argument("-w", "--weights")
    p.add_argument("-m", "--mse", action="store_true")
    argv, files = scriptenv.synthesize_args(p)
    ns = p.parse_args(argv)
    assert (ns.nlabels, ns.style_image, ns.target_image_prefix, ns.out_dir, ns.mode, ns.rate, ns.corpus_file) == (
        1, "style_image.png", "kfn_target_image_prefix", "out_dir_dir", "fast", 0.5, "corpus_file.txt")
    assert ns.weights is None and ns.mse is False
    assert [f["kind"] for f in files] == ["image", "dir", "text"]


def test_parser_without_missing_values_gets_no_synthetic_args():
    p = argparse.ArgumentParser()
    p.add_argument("-w", "--weights")
    p.add_argument("--epochs", type=int, default=3)
    assert scriptenv.synthesize_args(p) == ([], [])


def test_placeholder_png_is_deterministic_and_decodes(tmp_path):
    a, b = tmp_path / "a" / "sub" / "img.png", tmp_path / "b" / "sub" / "img.png"
    scriptenv.write_placeholder(str(tmp_path / "a"), "sub/img.png", "image", seed=0)
    scriptenv.write_placeholder(str(tmp_path / "b"), "sub/img.png", "image", seed=0)
    assert a.read_bytes() == b.read_bytes()  # each side has its own cwd: same bytes in both
    Image = pytest.importorskip("PIL.Image")
    arr = np.asarray(Image.open(a))
    assert arr.shape == (*scriptenv.IMAGE_SIZE, 3) and arr.dtype == np.uint8
    scriptenv.write_placeholder(str(tmp_path / "a"), "sub/img.png", "image", seed=1)
    assert a.read_bytes() != b.read_bytes()
    rng = np.random.default_rng([0, zlib.crc32(b"sub/img.png")])
    assert np.array_equal(arr, rng.integers(0, 256, size=(*scriptenv.IMAGE_SIZE, 3), dtype=np.uint8))


SIDE = """
import argparse, json, os, sys, types
from kfn_gen.verify.worker.scriptenv import prepare_script
side = types.SimpleNamespace(name={name!r}, keras=None, spec={spec!r})
result = {{}}
sys.argv = prepare_script(side, os.path.abspath('script.py'), result)
p = argparse.ArgumentParser()
p.add_argument('image_path')
p.add_argument('--nlabels', type=int)
ns = p.parse_args()
print(json.dumps({{'ns': vars(ns), 'result': result, 'files': sorted(os.listdir('.')),
                  'png': open(ns.image_path, 'rb').read().hex() if os.path.exists(ns.image_path) else None}}))
"""


def test_keras3_side_replays_the_legacy_record_same_files(tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "keras3").mkdir()
    leg = _run(SIDE.format(name="legacy", spec={"seed": 0}), tmp_path / "legacy")
    assert leg["ns"] == {"image_path": "image_path.png", "nlabels": 1}
    record = leg["result"]["argv_standins"]
    assert record == [{"argv": ["--nlabels", "1", "image_path.png"],
                       "files": [{"path": "image_path.png", "kind": "image"}]}]
    assert any("synthetic command line" in s for s in leg["result"]["standins"])
    # the Keras 3 side reads the legacy record (here: edited, to show it is replayed, not re-derived)
    record[0]["argv"] = ["--nlabels", "4", "image_path.png"]
    ref = tmp_path / "legacy.json"
    ref.write_text(json.dumps({"argv_standins": record}))
    k3 = _run(SIDE.format(name="keras3", spec={"seed": 0, "reference_json": str(ref)}), tmp_path / "keras3")
    assert k3["ns"] == {"image_path": "image_path.png", "nlabels": 4}
    assert k3["png"] == leg["png"] and leg["png"] is not None
    assert "argv_standins" not in k3["result"]


def test_explicit_argv_is_used_verbatim(tmp_path):
    out = _run(SIDE.format(name="legacy", spec={"seed": 0, "argv": ["given.png", "--nlabels", "3"]}), tmp_path)
    assert out["ns"] == {"image_path": "given.png", "nlabels": 3}
    assert "argv_standins" not in out["result"] and out["png"] is None


def test_script_argv_makes_existing_paths_absolute(tmp_path, monkeypatch):
    (tmp_path / "img.jpg").write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    assert script_argv(["img.jpg", "results/dream", "--iter", "2"]) == [
        str(tmp_path / "img.jpg"), "results/dream", "--iter", "2"]
    assert script_argv(None) is None


@pytest.mark.skipif(importlib.util.find_spec("editdistance") is not None, reason="editdistance is installed")
def test_missing_optional_module_is_stood_in_and_raises_only_when_used(tmp_path):
    out = _run("""
        import json, sys
        from kfn_gen.verify.worker import scriptenv
        scriptenv._STATE.update(result={})
        scriptenv.install_module_standins()
        import editdistance
        from editdistance import eval as ed_eval
        import json as real_json
        res = {'attr': repr(editdistance.FORMAT_X), 'private': hasattr(editdistance.eval, '_keras_history'),
               'real': real_json is json and not hasattr(json, '_kfn_standin')}
        try:
            ed_eval('a', 'b')
        except scriptenv.MissingModuleError as exc:
            res['error'] = str(exc)
        try:
            import kfn_gen_surely_missing_module
        except ModuleNotFoundError:
            res['others_still_missing'] = True
        res['standins'] = scriptenv._STATE['result']['standins']
        print(json.dumps(res))
    """, tmp_path)
    assert out["attr"] == "<kfn-gen stand-in editdistance.FORMAT_X>"
    assert out["private"] is False and out["real"] is True and out["others_still_missing"] is True
    assert "editdistance.eval() cannot run" in out["error"] and "not installed" in out["error"]
    assert out["standins"] == ["module editdistance: not installed, stood in (raises MissingModuleError when used)"]
