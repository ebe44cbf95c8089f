"""`kfn-gen generate tf-function` output, text for text, and its static guarantees (no TensorFlow).

Goldens: fixtures/tfgen/<case>/expected_module.py, written only by scripts/regen_tfgen_goldens.py.
"""
from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kfn_gen.render import tfgen
from kfn_gen.cli import main

from tests.helpers import ROOT as REPO  # noqa: E402

ROOT = REPO
TFGEN = ROOT / "fixtures" / "tfgen"
CASES = sorted(p.name for p in TFGEN.iterdir() if (p / "input.py").exists())


def generate(case: str, **kw) -> tfgen.Generated:
    rel = f"fixtures/tfgen/{case}/input.py"
    return tfgen.generate((ROOT / rel).read_text(encoding="utf-8"), rel, **kw)


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    expected = (TFGEN / case / "expected_module.py").read_text(encoding="utf-8")
    assert generate(case).code == expected, f"regenerate with scripts/regen_tfgen_goldens.py {case} and review"


@pytest.mark.parametrize("case", CASES)
def test_module_is_tensorflow_only_and_valid(case):
    code = generate(case).code
    tree = ast.parse(code)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported == {"tensorflow", "numpy"}  # numpy (a TensorFlow dependency) only in from_file()
    assert "keras" not in code.split('"""', 2)[2].replace("Keras", ""), "the module must not use Keras"


def test_jit_flag():
    assert "jit_compile=True" in generate("video_qa", jit=True).code
    assert "jit_compile=False" in generate("video_qa").code


def test_shared_layer_and_model_have_one_set_of_variables():
    code = generate("shared_lstm").code
    assert code.count("tf.Variable(") == 8  # shared LSTM 3 + second LSTM 3 + Dense 2
    assert code.count("self.shared_lstm_kernel,") == 2
    code = generate("shared_vision").code
    assert code.count("self.vision_model(") == 2 and code.count("def vision_model(") == 1


NAMES = """
from keras.layers import Input, Dense
from keras.models import Model
list = Input(shape=(3,))
tf = Dense(2)(list)
self = Dense(2, name='class')(tf)
check_weights = Dense(2)(self)
model = Model(list, check_weights)
"""


def test_names_never_shadow_python_tf_or_helpers():
    code = tfgen.generate(NAMES, "names.py").code
    ast.parse(code)
    assert "def __call__(self, list_1):" in code
    assert "tf_1 = tf.matmul(list_1, self.dense_kernel)" in code
    assert "self.class_1_kernel" in code  # a layer named 'class' (a keyword)


UNSUPPORTED = """
from keras.layers import Input, Dense, Lambda
from keras.models import Model
x = Input(shape=(3,))
y = Dense(2)(x)
z = Lambda(lambda t: t * 2)(y)
model = Model(x, z)
"""


def test_layer_without_template_is_a_clear_error():
    with pytest.raises(tfgen.TFGenError, match=r"bad\.py:6: layer Lambda \(keras\.layers\.core\.Lambda\) has no "
                                                  r"tf-function template"):
        tfgen.generate(UNSUPPORTED, "bad.py")


def test_non_literal_argument_is_a_clear_error():
    src = "from keras.layers import Input, Dense\nfrom keras.models import Model\nn = 4\nx = Input(shape=(3,))\n" \
          "model = Model(x, Dense(n)(x))\n"
    with pytest.raises(tfgen.TFGenError, match=r"x\.py:5: Dense: argument units=n is not a literal"):
        tfgen.generate(src, "x.py")


def test_cli(tmp_path):
    script = str(TFGEN / "video_qa" / "input.py")
    runner = CliRunner()
    res = runner.invoke(main, ["generate", "tf-function", "--static", script, "--list"])
    assert res.exit_code == 0 and res.output.splitlines()[0].startswith("vision_model\tSequential\tline 7")
    out = tmp_path / "m.py"
    res = runner.invoke(main, ["generate", "tf-function", "--static", script, "--model", "question_encoder", "--jit",
                               "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "class QuestionEncoder(tf.Module)" in out.read_text() and "jit_compile=True" in out.read_text()
    bad = tmp_path / "bad.py"
    bad.write_text(UNSUPPORTED)
    res = runner.invoke(main, ["generate", "tf-function", "--static", str(bad)])
    assert res.exit_code == 2 and "Lambda" in res.output


def test_generator_never_imports_tensorflow():
    code = ("import sys; import kfn_gen.cli; from kfn_gen.render import tfgen; "
            f"tfgen.generate(open({str(TFGEN / 'video_qa' / 'input.py')!r}).read(), 'v.py'); "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_argument_without_template_is_a_clear_error():
    src = "from keras.layers import Input, Dense\nfrom keras.models import Model\nx = Input(shape=(3,))\n" \
          "model = Model(x, Dense(2, frobnicate=True)(x))\n"
    with pytest.raises(tfgen.TFGenError, match=r"x\.py:4: Dense: argument frobnicate=True has no tf-function"):
        tfgen.generate(src, "x.py")


def test_unknown_input_shape_is_a_clear_error():
    src = "from keras.models import Sequential\nfrom keras.layers import Dense\nmodel = Sequential()\n" \
          "model.add(Dense(2))\n"
    with pytest.raises(tfgen.TFGenError, match=r"x\.py:3: cannot tell the shape of input 0 of Sequential `model`"):
        tfgen.generate(src, "x.py")


def test_layer_built_in_a_loop_is_a_clear_error():
    src = "from keras.models import Sequential\nfrom keras.layers import Dense\nmodel = Sequential()\n" \
          "model.add(Dense(4, input_dim=3))\nfor i in range(2):\n    model.add(Dense(4))\n"
    with pytest.raises(tfgen.TFGenError, match=r"inside a loop or branch"):
        tfgen.generate(src, "x.py")
