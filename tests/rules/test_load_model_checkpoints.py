"""migrate --convert-checkpoints (Options.checkpoints): load_model of a converted file's name loads the .keras
file, whatever the spelling of load_model and wherever the call is; other names keep the convert warning."""
from __future__ import annotations

import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.options import Options

CONVERTED = Options(checkpoints=("model.h5", "weights.best.hdf5"))

CASES = {
    "from-import": ("from keras.models import load_model\nm = load_model('model.h5')\n", "load_model('model.keras')"),
    "alias-in-function": ("from keras.models import load_model as lm\n\ndef restore(d):\n"
                          "    return lm(\"checkpoints/model.h5\", compile=False)\n",
                          'lm("checkpoints/model.keras", compile=False)'),
    "module-path-in-class": ("import keras\n\nclass Predictor:\n    def __init__(self):\n"
                             "        self.model = keras.models.load_model(r'C:\\\\run\\\\weights.best.hdf5')\n",
                             "keras.models.load_model(r'C:\\\\run\\\\weights.best.keras')"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_converted_names_load_the_keras_file(case):
    source, expected = CASES[case]
    result = migrate_source(source, "s.py", CONVERTED)
    assert expected in result.code, result.code
    assert not any("`kfn-gen convert " in d.message for d in result.diagnostics)  # no convert warning left
    assert any("the file kfn-gen converted it to" in d.message for d in result.diagnostics)


def test_other_names_keep_the_warning_with_the_command():
    source = "from keras.models import load_model\nm = load_model('other/model_v2.h5')\n"
    result = migrate_source(source, "s.py", CONVERTED)
    assert "load_model('other/model_v2.h5')" in result.code
    said = [d.message for d in result.diagnostics if "kfn-gen convert" in d.message]
    assert said and "`kfn-gen convert other/model_v2.h5 -o other/model_v2.keras --verify`" in said[0]
    plain = migrate_source("from keras.models import load_model\nm = load_model('model.h5')\n", "s.py")
    assert "load_model('model.h5')" in plain.code  # without the option nothing is renamed
