"""masked-bidirectional: a Bidirectional that returns sequences, in a script where a mask can start, becomes
2.2.4's (the last output repeated at masked steps, not Keras 3's zeros); numeric check against 2.2.4, with
a control that differs: tests/numeric/test_rules_breadth_numeric.py, masked_bidirectional."""
from __future__ import annotations

import pytest

from kfn_gen.migrate.pipeline import migrate_source

HEAD = "from keras.layers import Input, Embedding, Masking, LSTM, GRU, Bidirectional\nimport keras\n"


def _migrate(body: str):
    result = migrate_source(HEAD + body, "s.py")
    assert result.code is not None
    return result


@pytest.mark.parametrize("source", ["Embedding(100, 8, mask_zero=True)", "Masking(mask_value=-1.0)",
                                    "Embedding(100, 8, mask_zero=flag)"])
def test_a_sequence_bidirectional_behind_a_mask_becomes_2_2_4s(source):
    code = _migrate(f"flag = True\nm = {source}\nb = Bidirectional(LSTM(4, return_sequences=True))\n").code
    assert "b = keras224_Bidirectional(LSTM(4, return_sequences=True" in code
    assert "class keras224_Bidirectional(keras.layers.Bidirectional):" in code
    assert code.count("zero_output_for_mask = False") == 2
    assert '@keras.utils.register_keras_serializable(package="keras224")' in code


@pytest.mark.parametrize("body", [
    "m = Embedding(100, 8)\nb = Bidirectional(LSTM(4, return_sequences=True))\n",  # no mask starts
    "m = Embedding(100, 8, mask_zero=False)\nb = Bidirectional(LSTM(4, return_sequences=True))\n",
    "m = Masking()\nb = Bidirectional(LSTM(4))\n",  # the last output only: the same in both
    "m = Masking()\nb = Bidirectional(GRU(4, return_sequences=False))\n",
])
def test_left_alone_where_both_compute_the_same(body):
    code = _migrate(body).code
    assert "keras224_Bidirectional" not in code


def test_a_wrapped_layer_known_only_by_name_is_rewritten():
    code = _migrate("m = Masking()\nrnn = LSTM(4, return_sequences=True)\nb = Bidirectional(rnn)\n").code
    assert "b = keras224_Bidirectional(rnn)" in code


def test_an_attribute_spelling_gets_a_warning_not_an_edit():
    result = _migrate("m = Masking()\nb = keras.layers.Bidirectional(LSTM(4, return_sequences=True))\n")
    assert "keras224_Bidirectional" not in result.code
    assert any("zero_output_for_mask" in d.message and d.rule == "masked-bidirectional"
               for d in result.diagnostics)


def test_the_layer_keyword_inside_a_function_is_rewritten():
    code = _migrate("def build(x):\n    x = Masking()(x)\n"
                    "    return Bidirectional(layer=GRU(4, return_sequences=True))(x)\n").code
    assert "return keras224_Bidirectional(layer=GRU(4, return_sequences=True" in code
