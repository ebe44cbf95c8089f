"""The byte-exact promise, as a property: random files assembled from form feeds, tabs, CR/LF/CRLF mixes,
BOMs, coding cookies and Keras snippets either come back byte-identical (no edits), or are refused with an
error (untouched), or differ only on the lines a rule edited (every other line is there, byte for byte, in
order).  libcst alone does not keep these bytes (a form feed before a statement, a CR-only last line)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kfn_gen.files.batch import BatchConfig, migrate_bytes

# lines no rule touches (kept byte for byte) ...
PLAIN = ["x = 1", "x = x + 1", "# a comment \t with a tab", "\tpass" , "y = [1,\t2]", "", "\x0cz = 3", "\x0c", "s = 'caf\u00e9'",
         "print(1)  # trailing"]
# ... and Keras lines, some of which rules edit (the names they use are imported at the top)
IMPORTS = ["import keras", "import numpy as np", "from keras.layers.core import Dense", "from keras.layers import LSTM",
           "from keras.optimizers import SGD"]
KERAS = ["d = Dense(3)", "r = LSTM(4)", "opt = SGD(lr=0.1)", "opt = SGD(0.1)", "a = np.zeros(2, dtype=np.float)",
         "b = np.NaN", "m = keras.models.Sequential([Dense(2, input_shape=(3,))])"]
ENDINGS = ["\n", "\r\n", "\r"]


@st.composite
def files(draw):
    body = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            body.append(("plain", draw(st.sampled_from(PLAIN))))
        else:
            body.append(("keras", draw(st.sampled_from(KERAS))))
    body = [(k, line) for k, line in body if line != "\tpass"]  # top-level: no stray indentation
    head = [("keras", line) for line in IMPORTS if draw(st.booleans()) or line == "import keras"]
    names = " ".join(line for _, line in head)
    body = [(k, line) for k, line in body if k == "plain" or _defined(line, names)]
    cookie = draw(st.sampled_from([None, "utf-8", "latin-1"]))
    if cookie:
        head.insert(0, ("plain", f"# -*- coding: {cookie} -*-"))
    one_ending = draw(st.booleans())
    ending = draw(st.sampled_from(ENDINGS))
    lines = [(k, text + (ending if one_ending else draw(st.sampled_from(ENDINGS)))) for k, text in head + body]
    if draw(st.booleans()):  # no final newline
        k, text = lines[-1]
        lines[-1] = (k, text.rstrip("\r\n"))
    text = "".join(t for _, t in lines)
    data = text.encode(cookie or "utf-8")
    if cookie in (None, "utf-8") and draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data, [t.encode(cookie or "utf-8") for k, t in lines if k == "plain"]


def _defined(line: str, imports: str) -> bool:
    used = {"Dense": "Dense", "LSTM": "LSTM", "SGD": "SGD", "np.": "numpy"}
    return all(name in imports for key, name in used.items() if key in line)


def _subsequence(needles: list[bytes], hay: bytes) -> bool:
    pos = 0
    for n in needles:
        found = hay.find(n, pos)
        if found < 0:
            return False
        pos = found + len(n)
    return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files())
def test_bytes_are_kept_except_where_a_rule_edits(case):
    data, plain = case
    new, diags, _ = migrate_bytes(data, "gen.py", "python", BatchConfig())
    edits = [d for d in diags if d.severity == "info"]
    if new is None:
        assert any(d.severity == "error" for d in diags)
        return
    if not edits:
        assert new == data, [d.format() for d in diags]
        return
    assert new.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    assert _subsequence([p for p in plain if p.strip(b"\r\n")], new), (data, new)


@pytest.mark.parametrize("data", [
    b"import keras\n\x0cx = 1\n",                         # a form feed before a statement
    b"import keras\n@keras.saving.register_keras_serializable()\n\x0cdef f():\n    return 1\n",
    b"import keras\rx = 1\r",                             # CR-only, final CR
    b"import keras\r\n\x0c\r\nx = 1",                     # CRLF, no final newline
])
def test_nothing_to_migrate_is_byte_identical(data):
    new, diags, _ = migrate_bytes(data, "t.py", "python", BatchConfig())
    assert new == data and not [d for d in diags if d.severity in ("info", "error")]


def test_edited_file_keeps_form_feeds_and_cr_endings_elsewhere():
    data = b"from keras.layers.core import Dense\r\x0cx = 1\r@Dense\r\x0cdef f():\r    return 1\r"
    new, diags, _ = migrate_bytes(data, "t.py", "python", BatchConfig())
    assert new == data.replace(b"keras.layers.core", b"keras.layers")


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_a_coding_cookie_is_read_whatever_the_line_ending(ending):
    """CPython reads a latin-1 cookie on a CR-ended line (universal newlines); so must kfn-gen."""
    text = "# -*- coding: latin-1 -*-" + ending + "from keras.layers.core import Dense" + ending + "s = 'caf\u00e9'" + ending
    new, diags, _ = migrate_bytes(text.encode("latin-1"), "t.py", "python", BatchConfig())
    assert new == text.replace("keras.layers.core", "keras.layers").encode("latin-1"), [d.format() for d in diags]


def test_mixed_line_endings_stay_with_their_lines_past_an_inserted_helper():
    """Found by the property above: the helper inserted before `x = 1` ends in blank lines, and aligning
    from a blank line gave the first `x = 1` the CRLF of the last one (and the last one an LF)."""
    data = b"import keras\nfrom keras.layers import LSTM\nx = 1\nr = LSTM(4)\n\nx = 1\r\n"
    new, _, _ = migrate_bytes(data, "gen.py", "python", BatchConfig())
    assert b"\nx = 1\nr = LSTM(4, recurrent_activation=" in new
    assert new.endswith(b"\n\nx = 1\r\n")


def test_a_kept_blank_line_keeps_its_ending_inside_an_edited_block():
    """Found by the property above: `r = LSTM(4)` is rewritten and a helper is inserted before it, so the
    form-feed line after it sits in one changed block with them; paired by position, it took an LF for its
    CRLF. Within a changed block, lines kept as they were keep their own ending."""
    data = b"import keras\nfrom keras.layers.core import Dense\nfrom keras.layers import LSTM\n\nr = LSTM(4)\n\x0c\r\n"
    new, diags, _ = migrate_bytes(data, "gen.py", "python", BatchConfig())
    assert new.endswith(b"r = LSTM(4, recurrent_activation=keras224_hard_sigmoid)\n\x0c\r\n"), [d.format() for d in diags]
    assert new.count(b"\r\n") == 1
