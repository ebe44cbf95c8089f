"""bidirectional-backwards: a Bidirectional of a go_backwards=True layer gets 2.2.4's backward copy explicitly
(numeric check against 2.2.4, with a control that differs: tests/numeric/test_rules_breadth_numeric.py,
bidirectional_go_backwards)."""
from __future__ import annotations

from kfn_gen.migrate.pipeline import migrate_source

HEAD = "from keras.layers import LSTM, GRU, Bidirectional\n"


def _code(body: str) -> str:
    result = migrate_source(HEAD + body, "s.py")
    assert result.code is not None
    return result.code


def test_the_backward_copy_runs_forwards_with_the_other_rules_edits_and_its_own_name():
    code = _code("bi = Bidirectional(GRU(4, return_sequences=True, go_backwards=True, name='g'))\n")
    forward, backward = code.split("bi = Bidirectional(")[1].split(", backward_layer=")
    assert "go_backwards=True, name='g'" in forward and "go_backwards=False, name='backward_g'" in backward
    for edit in ("recurrent_activation=keras224_hard_sigmoid", "reset_after=False"):  # recurrent-224's
        assert edit in forward and edit in backward


def test_left_alone_otherwise():
    for body in ("bi = Bidirectional(LSTM(4))\n", "bi = Bidirectional(LSTM(4, go_backwards=False))\n",
                 "bi = Bidirectional(LSTM(4, go_backwards=True), backward_layer=LSTM(4))\n"):
        assert _code(body).count("backward_layer=") == body.count("backward_layer=")


def test_the_layer_keyword_and_a_module_spelling_inside_a_function():
    code = _code("import keras\ndef build():\n"
                 "    return keras.layers.Bidirectional(layer=keras.layers.LSTM(4, go_backwards=True))\n")
    assert "backward_layer=keras.layers.LSTM(4, go_backwards=False" in code
