"""Reading, decoding, re-encoding and atomically writing source files without losing a byte.

The rules of the house:

* Files are read as bytes and decoded without newline translation, so CRLF, LF, CR and mixed
  line endings reach the migrator exactly as they are on disk (and come back the same way).
* The encoding is the one Python itself would use (PEP 263 / PEP 3120): a UTF-8 BOM, else a
  ``# -*- coding: NAME -*-`` cookie on line 1 or 2, else UTF-8.  The migrated text is encoded
  back with the same codec, the BOM is kept, and a codec that would not round-trip the original
  bytes exactly is refused (the file is left alone with an error diagnostic).
* Invalid bytes give an error diagnostic naming line and column; files that look binary (a NUL
  byte) are skipped with a warning.
* Writes go to a temporary file in the destination directory which then replaces the target with
  ``os.replace``; the original permission bits are kept.  If anything fails the target is intact.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import stat
import tempfile
import tokenize
from dataclasses import dataclass

from kfn_gen.diagnostics import Diagnostic

#: Rule names used by diagnostics the front end (not a migration rule) emits.
RULE_ENCODING = "encoding"
RULE_BINARY = "binary"
RULE_IO = "io"

_COOKIE_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class SourceError(Exception):
    """A file could not be read/decoded/encoded; carries the Diagnostic to report."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class DecodedSource:
    """A decoded source text plus what is needed to turn it back into the same bytes."""

    text: str
    encoding: str  # a codec name for str.encode (never "utf-8-sig": the BOM is tracked apart)
    bom: bool

    def encode(self, text: str, path: str = "<string>") -> bytes:
        return encode_source(text, self.encoding, self.bom, path)


def looks_binary(data: bytes) -> bool:
    """True for data that is not source text (a NUL byte in the first 8 KiB, like git)."""
    return b"\0" in data[:8192]


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    prefix = data[:offset]
    line = prefix.count(b"\n") + 1
    start = prefix.rfind(b"\n") + 1
    return line, offset - start + 1


def detect_encoding(data: bytes, path: str = "<string>") -> tuple[str, bool]:
    """(codec, has_bom) as Python would decide it for this source; raises SourceError."""
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        # CPython reads a cookie on a CR-ended first or second line too (its tokenizer's universal newlines);
        # tokenize's readline splits at LF only, so the detection sees the two lines with LF endings
        head = data[:4096].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        enc, _ = tokenize.detect_encoding(io.BytesIO(head).readline)
    except SyntaxError as exc:
        msg = str(exc)
        line = 1
        lines = data.split(b"\n", 2)
        for i, raw in enumerate(lines[:2]):
            if _COOKIE_RE.match(raw):
                line = i + 1
                break
        if "unknown encoding" in msg:
            raise SourceError(Diagnostic(path, line, 1, "error", f"unknown encoding in coding cookie ({msg})", RULE_ENCODING))
        if "encoding problem" in msg:  # BOM + a non-UTF-8 cookie
            raise SourceError(Diagnostic(path, line, 1, "error", f"conflicting BOM and coding cookie ({msg})", RULE_ENCODING))
        # "invalid or missing encoding declaration": undecodable bytes in the first two lines
        # without a cookie; fall through to UTF-8 so the decoder names the exact position.
        return "utf-8", bom
    if enc == "utf-8-sig":
        return "utf-8", True
    return enc, bom


def decode_source(data: bytes, path: str = "<string>") -> DecodedSource:
    """Decode source bytes exactly as Python would, keeping every line ending; raises SourceError."""
    if looks_binary(data):
        off = data.index(b"\0")
        line, col = _line_col(data, off)
        raise SourceError(Diagnostic(path, line, col, "warning", "binary file (NUL byte) skipped", RULE_BINARY))
    encoding, bom = detect_encoding(data, path)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        off = exc.start + (len(codecs.BOM_UTF8) if bom else 0)
        line, col = _line_col(data, off)
        bad = data[off:off + max(1, exc.end - exc.start)]
        raise SourceError(Diagnostic(
            path, line, col, "error",
            f"cannot decode as {encoding}: invalid byte(s) {bad.hex(' ')} ({exc.reason}); file left untouched",
            RULE_ENCODING))
    except LookupError as exc:  # pragma: no cover - detect_encoding already checks codecs
        raise SourceError(Diagnostic(path, 1, 1, "error", f"unknown encoding {encoding!r}: {exc}", RULE_ENCODING))
    if text.encode(encoding) != body:
        raise SourceError(Diagnostic(
            path, 1, 1, "error",
            f"encoding {encoding} does not round-trip this file byte for byte; file left untouched",
            RULE_ENCODING))
    return DecodedSource(text, encoding, bom)


def encode_source(text: str, encoding: str, bom: bool, path: str = "<string>") -> bytes:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        prefix = text[:exc.start]
        line = prefix.count("\n") + 1
        col = exc.start - (prefix.rfind("\n") + 1) + 1
        raise SourceError(Diagnostic(
            path, line, col, "error",
            f"migrated code cannot be encoded as {encoding} (character {text[exc.start]!r}); file left untouched",
            RULE_ENCODING))
    return (codecs.BOM_UTF8 + data) if bom else data


# ---------------------------------------------------------------------------------------------
# writing


def atomic_write(path: str, data: bytes, mode: int | None = None) -> None:
    """Write data to path atomically: temp file in the same directory, fsync, chmod, os.replace.

    mode: permission bits for the result; by default those of the existing file, else the
    umask default.  A symlink at path is resolved so the link itself is kept.  On any failure
    the temporary file is removed and the existing file is untouched.  A file with other hard links
    is rewritten in place instead (replacing it would leave the other names on the old bytes): the
    new bytes are first written and synced beside it, so a full disk fails before the file is touched.
    """
    if os.path.islink(path):
        path = os.path.realpath(path)
    directory = os.path.dirname(os.path.abspath(path))
    st = None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        pass
    if st is not None and st.st_nlink > 1:
        _write_in_place(path, data, directory)
        return
    if mode is None:
        if st is not None:
            mode = stat.S_IMODE(st.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".kfn-tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if st is not None and hasattr(os, "chown"):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_in_place(path: str, data: bytes, directory: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".kfn-tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:  # room for the new bytes, proven before the original is opened
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with open(path, "r+b") as fh:
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def read_bytes(path: str) -> tuple[bytes, os.stat_result]:
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        return fh.read(), st


def unchanged_since(path: str, st: os.stat_result) -> bool:
    """True if path still has the size and mtime it had when read (no concurrent edit)."""
    try:
        now = os.stat(path)
    except OSError:
        return False
    return now.st_size == st.st_size and now.st_mtime_ns == st.st_mtime_ns


# ---------------------------------------------------------------------------------------------
# mixed line endings
#
# libcst (and so the migrator) refuses a module mixing CRLF and LF ("Found newline ... but it's
# not EOL").  Such files are migrated with every ending turned into LF, and the endings are put
# back afterwards: every line the migration kept gets its original ending, new or rewritten lines
# get the ending of the line they replace (else the file's most common one).

_EOL_RE = re.compile(r"\r\n|\r|\n")


def _split_eol(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    for m in _EOL_RE.finditer(text):
        out.append((text[pos:m.start()], m.group()))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], ""))
    return out


def eol_kinds(text: str) -> set[str]:
    return set(_EOL_RE.findall(text))


def has_mixed_newlines(text: str) -> bool:
    return len(eol_kinds(text)) > 1


def normalize_newlines(text: str) -> str:
    return _EOL_RE.sub("\n", text)


def restore_newlines(original: str, migrated_lf: str) -> str:
    """Give migrated_lf (LF only) the line endings of original, line by line."""
    import difflib
    from collections import Counter

    old = _split_eol(original)
    new = _split_eol(migrated_lf)
    counts = Counter(eol for _, eol in old if eol)
    dominant = counts.most_common(1)[0][0] if counts else "\n"
    # blank lines do not anchor the alignment: a helper the migration inserted ends in blank lines, and a
    # match starting there would give the script's own lines the endings of other lines
    sm = difflib.SequenceMatcher(lambda line: not line.strip(), [b for b, _ in old], [b for b, _ in new], autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            pairs = [(i1 + k, j1 + k) for k in range(j2 - j1)]
        else:  # within a changed block, lines kept as they were (blank or form-feed lines too) keep their ending
            inner = difflib.SequenceMatcher(None, [b for b, _ in old[i1:i2]], [b for b, _ in new[j1:j2]], autojunk=False)
            pairs = []
            for itag, a1, a2, b1, b2 in inner.get_opcodes():
                for k in range(b2 - b1):
                    paired = itag in ("equal", "replace") and a1 + k < a2
                    pairs.append((i1 + a1 + k if paired else None, j1 + b1 + k))
        for i, j in pairs:
            body, eol = new[j]
            if eol:
                eol = (old[i][1] if i is not None else "") or dominant
            out.append(body + eol)
    return "".join(out)


def read_source(path: str) -> str:
    """A source file's text decoded as Python decodes it (BOM, coding cookie, line endings kept), for the
    commands that only read (`graph`, `generate`); raises SourceError with a file:line:col diagnostic."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise SourceError(Diagnostic(path, 1, 1, "error", f"cannot read: {exc.strerror or exc}", RULE_ENCODING)) from exc
    return decode_source(data, path).text
