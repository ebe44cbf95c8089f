"""Notebooks: code cells migrated, magics/shell lines kept, outputs/metadata/formatting untouched."""
from __future__ import annotations

import json
import sys

import pytest

nbformat = pytest.importorskip("nbformat")

from kfn_gen.files.batch import BatchConfig, run_batch  # noqa: E402
from kfn_gen.files.discover import discover
from kfn_gen.diagnostics import Diagnostic, MigrationResult  # noqa: E402
import libcst as cst  # noqa: E402
from kfn_gen.files.ipython import mask_ipython, unmask_ipython  # noqa: E402
from kfn_gen.files.notebooks import _find_style, migrate_notebook  # noqa: E402
from kfn_gen.options import Options  # noqa: E402


def parse_only(source: str, path: str) -> MigrationResult:
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        d = Diagnostic(path, exc.raw_line, exc.raw_column + 1, "error", f"syntax error: {exc.message}", "parse")
        return MigrationResult(path, source, None, (d,))
    return MigrationResult(path, source, source, ())


def fake_migrate(source: str, path: str, options: Options = Options()) -> MigrationResult:
    parsed = parse_only(source, path)
    if parsed.code is None:
        return parsed
    diags = []
    for i, line in enumerate(source.splitlines(), 1):
        col = line.find("keras.layers.core")
        if col >= 0:
            diags.append(Diagnostic(path, i, col + 1, "info", "keras.layers.core -> keras.layers", "core-import"))
    return MigrationResult(path, source, source.replace("keras.layers.core", "keras.layers"), tuple(diags))


def fn(src, path):
    return fake_migrate(src, path)


PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def make_notebook() -> bytes:
    v4 = nbformat.v4
    nb = v4.new_notebook(metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11"},
        "custom": {"ünïcode": "kept"},
    })
    nb.cells = [
        v4.new_markdown_cell("# Training a net\nwith *Keras*", id="md1"),
        v4.new_code_cell("%matplotlib inline\n!pip install keras==2.2.4\nimport keras\n"
                         "from keras.layers.core import Dense, Dropout", id="c2", execution_count=1,
                         outputs=[v4.new_output("stream", name="stdout", text="Collecting keras\n")]),
        v4.new_code_cell("model = keras.models.Sequential()\nmodel.add(Dense(2))\nmodel.summary?", id="c3",
                         execution_count=2,
                         outputs=[v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"},
                                                metadata={"needs_background": "light"})]),
        v4.new_code_cell("%%time\nimport keras.layers.core as core\nfiles = !ls\nfor f in files:\n"
                         "    !echo {f}\n    print(f)", id="c4", execution_count=3),
        v4.new_code_cell("%%bash\necho keras.layers.core", id="c5"),
        v4.new_code_cell("x = (1\n     % 2)\n", id="c6", metadata={"tags": ["keep"]}),
    ]
    return nbformat.writes(nb).encode("utf-8")


def test_magics_outputs_and_metadata_preserved():
    data = make_notebook()
    out = migrate_notebook(data, "nb.ipynb", fn)
    assert out.new_data is not None and out.changed
    new = json.loads(out.new_data)
    old = json.loads(data)
    src = ["".join(c["source"]) for c in new["cells"]]
    assert src[1] == ("%matplotlib inline\n!pip install keras==2.2.4\nimport keras\n"
                      "from keras.layers import Dense, Dropout")
    assert src[2] == "model = keras.models.Sequential()\nmodel.add(Dense(2))\nmodel.summary?"
    assert src[3] == ("%%time\nimport keras.layers as core\nfiles = !ls\nfor f in files:\n"
                      "    !echo {f}\n    print(f)")
    assert src[4] == "%%bash\necho keras.layers.core"  # not Python: untouched
    assert src[5] == "x = (1\n     % 2)\n"
    # everything but the changed sources is identical, key order included
    for c_old, c_new in zip(old["cells"], new["cells"]):
        c_old.pop("source"), c_new.pop("source")
    assert new == old and list(new) == list(old)
    nbformat.validate(nbformat.reads(out.new_data.decode(), as_version=4))
    # only the changed cells' lines differ in the file bytes
    changed = [line for line in out.new_data.decode().splitlines() if line not in data.decode().splitlines()]
    assert len(changed) == 2 and all("keras.layers" in line for line in changed)


def test_notebook_diagnostics_and_diff_name_cell_and_line(tmp_path):
    p = tmp_path / "nb.ipynb"
    p.write_bytes(make_notebook())
    [r] = run_batch(discover([str(p)]), BatchConfig(migrate_fn=fake_migrate, want_diff=True))
    assert r.status == "changed"
    locs = [d.format().split(": info")[0] for d in r.edits]
    assert locs == [f"{p}:cell 2:4:6", f"{p}:cell 4:2:8"]
    assert f"--- {p}:cell 2\n+++ {p}:cell 2\n" in r.diff  # absolute paths: no a/ b/ prefixes
    assert "-import keras.layers.core as core\n+import keras.layers as core\n" in r.diff


def test_untouched_notebook_is_byte_identical_and_style_reproducible(tmp_path):
    data = make_notebook().replace(b"keras.layers.core", b"keras.layers")
    assert _find_style(json.loads(data), data.decode()) is not None  # Jupyter's own layout round-trips
    p = tmp_path / "done.ipynb"
    p.write_bytes(data)
    [r] = run_batch(discover([str(p)]), BatchConfig(migrate_fn=fake_migrate, in_place=True))
    assert r.status == "unchanged" and p.read_bytes() == data


def test_other_json_layouts_are_reproduced():
    nb = json.loads(make_notebook())
    for indent, ensure_ascii in [(2, True), (4, False), (None, False)]:
        if indent is None:
            text = json.dumps(nb, ensure_ascii=ensure_ascii, separators=(",", ":"))
        else:
            text = json.dumps(nb, indent=indent, ensure_ascii=ensure_ascii) + "\n"
        out = migrate_notebook(text.encode(), "nb.ipynb", fn)
        assert not [d for d in out.diagnostics if d.severity != "info"]
        back = out.new_data.decode()
        assert back.replace("keras.layers", "keras.layers.core").replace("keras.layers.core.core", "x") != ""
        expected = text.replace("from keras.layers.core import", "from keras.layers import").replace(
            "import keras.layers.core as", "import keras.layers as")
        assert back == expected


def test_broken_notebook_json_is_an_error_and_untouched(tmp_path):
    p = tmp_path / "broken.ipynb"
    data = make_notebook()[:-40]
    p.write_bytes(data)
    [r] = run_batch(discover([str(p)]), BatchConfig(migrate_fn=fake_migrate, in_place=True))
    assert r.status == "failed"
    [d] = r.diagnostics
    assert d.severity == "error" and "invalid notebook JSON" in d.message and d.line > 1
    assert p.read_bytes() == data


def test_cell_with_syntax_error_is_skipped_others_migrated():
    nb = json.loads(make_notebook())
    nb["cells"][2]["source"] = ["print 'py2 cell'\n", "model.add(Dense(2))"]
    out = migrate_notebook(json.dumps(nb, indent=1).encode(), "nb.ipynb", fn)
    assert out.new_data is not None and out.changed
    warns = [d for d in out.diagnostics if d.severity == "warning"]
    assert len(warns) == 1 and warns[0].path == "nb.ipynb:cell 3" and "cell skipped" in warns[0].message
    assert "from keras.layers import" in out.new_data.decode()


def test_non_python_notebook_untouched():
    nb = json.loads(make_notebook())
    nb["metadata"]["kernelspec"]["language"] = "R"
    nb["metadata"]["language_info"]["name"] = "R"
    data = json.dumps(nb).encode()
    out = migrate_notebook(data, "nb.ipynb", fn)
    assert out.new_data == data and not out.changed


def test_nbformat_missing_gives_clear_diagnostic(monkeypatch):
    data = make_notebook()
    monkeypatch.setitem(sys.modules, "nbformat", None)
    out = migrate_notebook(data, "nb.ipynb", fn)
    assert out.new_data is None
    assert "pip install 'kfn-gen[notebooks]'" in out.diagnostics[0].message


def test_mask_roundtrip_and_expression_continuations():
    src = ("%load_ext autoreload\nx = (a\n     % b)\ny = 'a' \\\n    '!b'\n!ls -la \\\n  /tmp\nobj??\n"
           "if x:\n    files = !ls\n")
    masked, ph = mask_ipython(src, "T")
    lines = masked.splitlines()
    assert lines[0] == "pass  # __kfn_magic_T_0__"
    assert lines[1:5] == src.splitlines()[1:5]  # % and ! inside an expression are not magics
    assert lines[5:8] == ["pass  # __kfn_magic_T_1__", "pass  # __kfn_magic_T_2__", "pass  # __kfn_magic_T_3__"]
    assert lines[9] == "    files = None  # __kfn_magic_T_4__"  # the binding stays visible to name checks
    assert unmask_ipython(masked, ph) == src
    assert unmask_ipython(masked.replace("pass  # __kfn_magic_T_3__\n", ""), ph) is None
    assert mask_ipython("%%writefile x.py\nimport keras\n", "T") is None


def test_notebook_with_crlf_and_bom_kept():
    text = make_notebook().decode().replace("\n", "\r\n")
    data = b"\xef\xbb\xbf" + text.encode()
    out = migrate_notebook(data, "nb.ipynb", fn)
    assert out.new_data.startswith(b"\xef\xbb\xbf")
    body = out.new_data[3:].decode()
    assert "\r\n" in body and "\n" not in body.replace("\r\n", "")


def test_real_migrator_on_a_notebook_keeps_magics_and_is_a_fixed_point(tmp_path):
    """Integration with whatever rules exist: invariants only."""
    v4 = nbformat.v4
    nb = v4.new_notebook(metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}})
    nb.cells = [
        v4.new_code_cell("%matplotlib inline\n!pip install keras==2.2.4\nfrom keras.models import Sequential\n"
                         "from keras.layers.core import Dense, Dropout", execution_count=1,
                         outputs=[v4.new_output("stream", name="stdout", text="ok\n")]),
        v4.new_markdown_cell("Build the model"),
        v4.new_code_cell("model = Sequential()\nmodel.add(Dense(8, input_dim=4, activation='relu'))\n"
                         "model.add(Dropout(0.5))\nfiles = !ls\ndisplay(model)"),
        v4.new_code_cell("%%time\nmodel.compile(loss='mse', optimizer='sgd')"),
    ]
    p = tmp_path / "real.ipynb"
    p.write_bytes(nbformat.writes(nb).encode())
    [r] = run_batch(discover([str(p)]), BatchConfig(in_place=True))
    assert r.status in ("changed", "unchanged"), [d.format() for d in r.diagnostics]
    new = nbformat.reads(p.read_text(), as_version=4)
    nbformat.validate(new)
    text = "\n".join(c.source for c in new.cells)
    for line in ("%matplotlib inline", "!pip install keras==2.2.4", "files = !ls", "%%time", "display(model)"):
        assert line in text
    assert new.cells[0].outputs == nb.cells[0].outputs and new.cells[1] == nb.cells[1]
    once = p.read_bytes()
    [r2] = run_batch(discover([str(p)]), BatchConfig(in_place=True))
    assert r2.status == "unchanged" and p.read_bytes() == once
