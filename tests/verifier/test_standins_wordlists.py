"""The wordlists.tgz stand-in (keras' image_ocr.py): fast, no TensorFlow.

image_ocr does ``fdir = os.path.dirname(get_file('wordlists.tgz', origin=..., untar=True))`` and
reads ``wordlist_mono_clean.txt`` / ``wordlist_bi_clean.txt`` from ``fdir``; its word lists need
16000 monograms of <= 4 letters (first curriculum) and 16000 monograms + 16000 valid bigrams of
<= 12 characters (second).  The parsing below follows the example's ``build_word_list``.
"""
from __future__ import annotations

import codecs
import os
import re
import tarfile
import urllib.request

from kfn_gen.verify.worker import standins as S

ORIGIN = "http://www.mythic-ai.com/datasets/wordlists.tgz"


def _get_file_224(fname, origin, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
                  hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None):
    """2.2.4's get_file(untar=True) paths (keras/utils/data_utils.py): the archive is downloaded to
    datadir/fname + '.tar.gz', extracted into datadir, and datadir/fname is returned."""
    datadir = os.path.join(cache_dir, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    untar_fpath = os.path.join(datadir, fname)
    fpath = untar_fpath + ".tar.gz"
    if not os.path.exists(fpath):
        urllib.request.urlretrieve(origin, fpath)
    if not os.path.exists(untar_fpath):
        with tarfile.open(fpath) as tar:
            tar.extractall(datadir, filter="data")
    return untar_fpath


def _word_list(mono_file, bi_file, num_words, max_string_len, mono_fraction):
    """image_ocr's TextImageGenerator.build_word_list, the reading part."""
    words = []
    with codecs.open(mono_file, mode="r", encoding="utf-8") as f:
        for line in f:
            if len(words) == int(num_words * mono_fraction):
                break
            word = line.rstrip()
            if len(word) <= max_string_len:
                words.append(word)
    with codecs.open(bi_file, mode="r", encoding="utf-8") as f:
        for line in f.readlines():
            if len(words) == num_words:
                break
            columns = line.lower().split()
            word = columns[0] + " " + columns[1]
            if re.search(r"^[a-z ]+$", word) and len(word) <= max_string_len:
                words.append(word)
    return words


def test_wordlists_is_byte_identical_on_every_build():
    S.standin_bytes.cache_clear()
    a = S.standin_bytes("wordlists.tgz")
    S.standin_bytes.cache_clear()
    assert a == S.standin_bytes("wordlists.tgz") and len(a) > 100_000
    assert S.find_download("wordlists.tgz", ORIGIN).name == "wordlists.tgz"


def test_image_ocr_reads_both_curricula_from_the_extracted_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fdir = os.path.dirname(S.offline_get_file("wordlists.tgz", origin=ORIGIN, untar=True, real=_get_file_224))
    mono = os.path.join(fdir, "wordlist_mono_clean.txt")
    bi = os.path.join(fdir, "wordlist_bi_clean.txt")
    first = _word_list(mono, bi, 16000, 4, 1)  # on_train_begin
    assert len(first) == 16000 and first[:3] == ["the", "of", "and"]
    assert all(re.fullmatch(r"[a-z]{1,4}", w) for w in first)
    second = _word_list(mono, bi, 32000, 12, 0.5)  # on_epoch_begin, epoch >= 21
    assert len(second) == 32000
    bigrams = second[16000:]
    assert all(" " in w and re.fullmatch(r"[a-z ]{3,12}", w) for w in bigrams)
    assert len(set(bigrams)) > 5000


def test_bigram_lines_need_the_examples_cleaning():
    lines = S.wordlist_bi()
    assert len(lines) == S.WORDLIST_BI and all(len(l.split()) == 2 for l in lines)
    capitalised = sum(l[0].isupper() for l in lines)
    invalid = sum(not re.fullmatch(r"[a-z ]+", l.lower()) for l in lines)
    assert 0.1 * len(lines) < capitalised < 0.2 * len(lines)
    assert 0.01 * len(lines) < invalid < 0.03 * len(lines)
