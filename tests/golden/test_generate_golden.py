"""`kfn-gen generate tf-function`, text for text: the renderer on captured model descriptions (no TensorFlow).

Goldens: fixtures/tfgen/<case>/captured.json (what the sandbox captured from input.py's migration) and
expected_module.py, both written only by scripts/regen_generate_goldens.py.  The numbers are checked in
tests/numeric/test_generate_captured.py."""
from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from kfn_gen.render.captured import render_model
from kfn_gen.render.keras3_layers import GenError
from tests.helpers import ROOT

TFGEN = ROOT / "fixtures" / "tfgen"
CASES = sorted(p.name for p in TFGEN.iterdir() if (p / "captured.json").exists())


def _render(case: str, **kw):
    model = json.loads((TFGEN / case / "captured.json").read_text(encoding="utf-8"))
    return render_model(model, f"fixtures/tfgen/{case}/input.py", **kw)


def test_every_case_has_a_golden():
    assert len(CASES) == len([p for p in TFGEN.iterdir() if (p / "input.py").exists()]) == 13


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    expected = (TFGEN / case / "expected_module.py").read_text(encoding="utf-8")
    assert _render(case).code == expected, f"regenerate with scripts/regen_generate_goldens.py {case} and review"


@pytest.mark.parametrize("case", CASES)
def test_module_is_tensorflow_only_and_valid(case):
    code = _render(case).code
    tree = ast.parse(code)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported == {"tensorflow", "numpy"}  # numpy (a TensorFlow dependency) only in from_file()
    assert "keras" not in code.split('"""', 2)[2].replace("Keras", ""), "the module must not use Keras"


def test_jit_flag():
    assert "jit_compile=True" in _render("video_qa", jit=True).code
    assert "jit_compile=False" in _render("video_qa").code


def test_shared_layer_and_model_have_one_set_of_variables():
    code = _render("shared_lstm").code
    assert code.count("tf.Variable(") == 8  # shared LSTM 3 + second LSTM 3 + Dense 2
    code = _render("shared_vision").code
    assert code.count("self.vision_model(") == 2 and code.count("def vision_model(") == 1


def test_an_unknown_layer_class_is_a_clear_error():
    model = json.loads((TFGEN / "mlp" / "captured.json").read_text(encoding="utf-8"))
    name = model["graph"]["nodes"][0]["layer"]
    model["graph"]["layers"][name]["class"] = "Frobnicate"
    with pytest.raises(GenError, match=rf"layer '{name}' \(Frobnicate from .*\) has no tf-function translation"):
        render_model(model, "x.py")


def test_rendering_never_imports_tensorflow_or_keras():
    code = ("import sys, json; from kfn_gen.render.captured import render_model; "
            f"render_model(json.load(open({str(TFGEN / 'video_qa' / 'captured.json')!r})), 'v.py'); "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
