"""Reading, decoding, encoding and atomic writing keep every byte."""
from __future__ import annotations

import os
import stat

import pytest

from kfn_gen import sourcefile
from kfn_gen.sourcefile import SourceError, atomic_write, decode_source, encode_source


def roundtrip(data: bytes) -> bytes:
    dec = decode_source(data, "f.py")
    return dec.encode(dec.text, "f.py")


@pytest.mark.parametrize("data", [
    b"import keras\n",
    b"import keras\r\nx = 1\r\n",
    b"a = 1\r\nb = 2\nc = 3\rd = 4\r\n",  # mixed endings, never translated
    b"\xef\xbb\xbfimport keras\n",  # BOM
    "# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n".encode("latin-1"),
    "# vim: set fileencoding=cp1252 :\ns = '\u20ac'\n".encode("cp1252"),
    b"",
    b"no newline at end",
])
def test_decode_encode_roundtrip_is_byte_identical(data):
    assert roundtrip(data) == data


def test_crlf_and_mixed_endings_reach_the_migrator_untranslated():
    dec = decode_source(b"a = 1\r\nb = 2\nc = 3\r", "f.py")
    assert dec.text == "a = 1\r\nb = 2\nc = 3\r"


def test_bom_is_tracked_and_kept():
    dec = decode_source(b"\xef\xbb\xbfx = '\xc3\xa9'\n", "f.py")
    assert dec.bom and dec.encoding == "utf-8" and dec.text == "x = '\xe9'\n"
    assert dec.encode("y = 1\n").startswith(b"\xef\xbb\xbf")


def test_latin1_cookie_decoded_and_reencoded_in_latin1():
    data = "# -*- coding: latin-1 -*-\nname = 'Andr\xe9'\n".encode("latin-1")
    dec = decode_source(data, "f.py")
    assert dec.encoding in ("iso-8859-1", "latin-1")
    assert "Andr\xe9" in dec.text
    out = dec.encode(dec.text.replace("name", "nom"))
    assert out == "# -*- coding: latin-1 -*-\nnom = 'Andr\xe9'\n".encode("latin-1")


def test_invalid_bytes_give_line_and_column():
    with pytest.raises(SourceError) as ei:
        decode_source(b"import keras\nx = 'ab\xffcd'\n", "bad.py")
    d = ei.value.diagnostic
    assert (d.path, d.line, d.col, d.severity) == ("bad.py", 2, 8, "error")
    assert "ff" in d.message and "utf-8" in d.message


def test_invalid_bytes_on_first_line_without_cookie():
    with pytest.raises(SourceError) as ei:
        decode_source(b"x = '\xff'\n", "bad.py")
    assert (ei.value.diagnostic.line, ei.value.diagnostic.col) == (1, 6)


def test_binary_file_is_a_warning():
    with pytest.raises(SourceError) as ei:
        decode_source(b"\x89PNG\r\n\x1a\n\0\0\0", "img.py")
    assert ei.value.diagnostic.severity == "warning"
    assert "binary" in ei.value.diagnostic.message


def test_unknown_cookie_and_bom_conflict():
    with pytest.raises(SourceError) as ei:
        decode_source(b"# coding: no-such-codec\nx = 1\n", "f.py")
    assert "unknown encoding" in ei.value.diagnostic.message
    with pytest.raises(SourceError) as ei:
        decode_source(b"\xef\xbb\xbf# coding: latin-1\nx = 1\n", "f.py")
    assert "BOM" in ei.value.diagnostic.message


def test_unencodable_migrated_text_is_refused():
    with pytest.raises(SourceError) as ei:
        encode_source("x = 1\ny = '\u2603'\n", "iso-8859-1", False, "f.py")
    d = ei.value.diagnostic
    assert (d.line, d.col) == (2, 6)


def test_atomic_write_keeps_permissions(tmp_path):
    p = tmp_path / "script.py"
    p.write_bytes(b"old\n")
    os.chmod(p, 0o751)
    atomic_write(str(p), b"new\n")
    assert p.read_bytes() == b"new\n"
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o751
    assert [q.name for q in tmp_path.iterdir()] == ["script.py"]


def test_atomic_write_new_file_and_explicit_mode(tmp_path):
    p = tmp_path / "new.py"
    atomic_write(str(p), b"x\n", 0o600)
    assert p.read_bytes() == b"x\n" and stat.S_IMODE(os.stat(p).st_mode) == 0o600


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_atomic_write_failure_leaves_original_intact(tmp_path, monkeypatch, where):
    p = tmp_path / "script.py"
    p.write_bytes(b"original\r\n")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sourcefile.os, where, boom)
    with pytest.raises(OSError):
        atomic_write(str(p), b"half-written replacement that must never appear\n")
    monkeypatch.undo()
    assert p.read_bytes() == b"original\r\n"
    assert [q.name for q in tmp_path.iterdir()] == ["script.py"]  # temp file cleaned up


def test_atomic_write_through_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "real.py"
    target.write_bytes(b"a\n")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    atomic_write(str(link), b"b\n")
    assert link.is_symlink() and target.read_bytes() == b"b\n"


def test_restore_newlines_keeps_each_lines_ending():
    from kfn_gen.sourcefile import has_mixed_newlines, normalize_newlines, restore_newlines

    original = "import keras\r\nfrom keras.layers.core import Dense\nx = 1\r\ny = 2"
    assert has_mixed_newlines(original) and not has_mixed_newlines("a\r\nb\r\n")
    lf = normalize_newlines(original)
    migrated = lf.replace("keras.layers.core", "keras.layers").replace("x = 1\n", "x = 1\nimport os\n")
    assert restore_newlines(original, migrated) == (
        "import keras\r\nfrom keras.layers import Dense\nx = 1\r\nimport os\r\ny = 2")
