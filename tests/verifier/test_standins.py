"""Offline stand-ins for downloaded / cwd data (kfn_gen.verify.worker.standins): fast, no TensorFlow.

The synthetic files must be byte-identical on every build (both verification sides read them),
keep the real layout so the keras examples' own parsing runs, and give the models the realistic
sizes those examples derive from the data.
"""
from __future__ import annotations

import hashlib
import io
import os
import random
import re
import tarfile
import urllib.request
import zipfile
from functools import reduce

import pytest

from kfn_gen.verify.worker import standins as S
from kfn_gen.verify.worker.inputs import free_size, zero_dim
from kfn_gen.migrate.rules.re_split import py36_equivalent

BABI_SENTENCE = "Bob dropped the apple. Where is the apple?"


def _fresh_bytes(name):
    S.standin_bytes.cache_clear()
    return S.standin_bytes(name)


@pytest.mark.parametrize("name", [e.name for e in S.DOWNLOADS if e.name != "glove.6B.zip"])
def test_downloads_are_byte_identical_on_every_build(name):
    a = _fresh_bytes(name)
    b = _fresh_bytes(name)
    assert a == b and len(a) > 10_000


def test_glove_and_news_builders_are_deterministic():
    assert S.glove_text(50) == S.glove_text(50)
    assert hashlib.sha256(repr(sorted(S.news20_tree().items())).encode()).hexdigest() == \
        hashlib.sha256(repr(sorted(S.news20_tree().items())).encode()).hexdigest()


# ---- the bAbI tarball, parsed the way keras' babi_memnn.py / babi_rnn.py parse it
def _tokenize(sent):  # babi_memnn.tokenize, with Python 3.6's re.split
    return [x.strip() for x in S.split_py36(r"(\W+)?", sent) if x.strip()]


def _parse_stories(lines):  # babi_memnn.parse_stories (only_supporting=False) + get_stories
    data, story = [], []
    for line in lines:
        line = line.decode("utf-8").strip()
        nid, line = line.split(" ", 1)
        if int(nid) == 1:
            story = []
        if "\t" in line:
            q, a, supporting = line.split("\t")
            data.append(([x for x in story if x], _tokenize(q), a, [int(i) for i in supporting.split()]))
            story.append("")
        else:
            story.append(_tokenize(line))
    return [(reduce(lambda x, y: x + y, s), q, a, sup) for s, q, a, sup in data]


@pytest.fixture(scope="module")
def babi():
    return tarfile.open(fileobj=io.BytesIO(S.standin_bytes("babi_tasks_1-20_v1-2.tar.gz")))


def test_babi_layout_has_every_task_in_en_and_en_10k(babi):
    names = set(babi.getnames())
    for lang in ("en", "en-10k"):
        for t, task in enumerate(S.BABI_TASKS, 1):
            for split in ("train", "test"):
                assert f"tasks_1-20_v1-2/{lang}/qa{t}_{task}_{split}.txt" in names
    assert "tasks_1-20_v1-2/en-10k/qa1_single-supporting-fact_train.txt" in names  # babi_memnn
    assert "tasks_1-20_v1-2/en/qa2_two-supporting-facts_train.txt" in names  # babi_rnn


def test_babi_qa1_has_the_real_vocabulary_and_query_length(babi):
    stories = []
    for split in ("train", "test"):
        f = babi.extractfile(f"tasks_1-20_v1-2/en-10k/qa1_single-supporting-fact_{split}.txt")
        stories += _parse_stories(f.readlines())
    vocab = set()
    for story, q, answer, _ in stories:
        vocab |= set(story + q + [answer])
    assert len(vocab) + 1 == 22  # babi_memnn prints 'Vocab size: 22' on the real qa1
    assert max(len(q) for _, q, _, _ in stories) == 4
    assert 40 <= max(len(s) for s, _, _, _ in stories) <= 70  # real: 68


def test_babi_answers_follow_from_the_supporting_facts(babi):
    f = babi.extractfile("tasks_1-20_v1-2/en/qa2_two-supporting-facts_train.txt")
    lines = [l.decode("utf-8").strip() for l in f.readlines()]
    story = {}
    checked = 0
    for line in lines:
        nid, text = line.split(" ", 1)
        if nid == "1":
            story = {}
        story[int(nid)] = text
        if "\t" in text:
            q, a, sup = text.split("\t")
            got, moved = (story[int(i)] for i in sup.split())
            obj = q.split()[-1].rstrip("?")
            holder = got.split()[0]
            assert obj in got and moved.startswith(holder) and moved.endswith(f"the {a}.")
            checked += 1
    assert checked == S.BABI_QUESTIONS["en"][0]


def test_nietzsche_has_the_real_character_set():
    text = S.standin_bytes("nietzsche.txt").decode("utf-8")
    assert len(set(text.lower())) == 57  # lstm_text_generation: 'total chars: 57' on the real file
    assert len(text) >= S.NIETZSCHE_CHARS


def test_glove_lines_are_word_and_dim_floats():
    zf = zipfile.ZipFile(io.BytesIO(_fresh_bytes("glove.6B.zip")))
    assert sorted(zf.namelist()) == sorted(f"glove.6B.{d}d.txt" for d in S.GLOVE_DIMS)
    lines = S.glove_text(100).decode("utf-8").splitlines()
    assert len(lines) == 5800
    fields = lines[123].split()
    assert len(fields) == 101 and fields[0].isalpha()
    [float(v) for v in fields[1:]]


def test_news20_reaches_the_example_vocabulary_cap():
    tree = S.news20_tree()
    groups = {p.split("/")[1] for p in tree}
    assert groups == set(S.NEWS_GROUPS)
    assert all(p.split("/")[2].isdigit() for p in tree)
    words = set()
    for blob in tree.values():
        text = blob.decode("latin-1")
        i = text.find("\n\n")
        assert 0 < i  # pretrained_word_embeddings skips the header up to the first blank line
        words |= set(re.findall(r"[a-z]+", text[i:].lower()))
    assert len(words) > 20_000  # MAX_NUM_WORDS: the Embedding gets 20001 rows as with the real corpus


def test_fra_lines_are_english_tab_french():
    text = S.fra_text()
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) - 1 == S.FRA_LINES  # lstm_seq2seq drops the last (empty) piece
    assert all(l.count("\t") == 1 for l in lines[:-1])
    assert max(len(l.split("\t")[0]) for l in lines[:-1]) == 16  # real first 10000 lines: 16
    zf = zipfile.ZipFile(io.BytesIO(_fresh_bytes("fra-eng.zip")))
    assert zf.read("fra.txt").decode("utf-8") == text


# ---- registry lookups and get_file
def test_find_download_by_fname_origin_or_alias():
    assert S.find_download("babi-tasks-v1-2.tar.gz", "https://x/babi_tasks_1-20_v1-2.tar.gz").name == \
        "babi_tasks_1-20_v1-2.tar.gz"
    assert S.find_download(None, "https://s3.amazonaws.com/text-datasets/nietzsche.txt").name == "nietzsche.txt"
    assert S.find_download("nietzsche.txt", None).name == "nietzsche.txt"
    assert S.find_download("imagenet_class_index.json", "https://x/imagenet_class_index.json") is None


def _fake_get_file(fname, origin, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
                   hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None):
    """2.2.4's get_file without progress bars: download (urlretrieve) origin to cache_dir/cache_subdir/fname."""
    assert file_hash is None and md5_hash is None  # the stand-in is not the real file: hashes dropped
    fpath = os.path.join(cache_dir, cache_subdir, fname)
    os.makedirs(os.path.dirname(fpath), exist_ok=True)
    if not os.path.exists(fpath):
        urllib.request.urlretrieve(origin, fpath)
    if untar:
        with tarfile.open(fpath) as tar:
            tar.extractall(os.path.dirname(fpath), filter="data")
    return fpath


def test_offline_get_file_serves_the_stand_in_through_the_real_get_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = S.offline_get_file("nietzsche.txt", origin="https://s3.amazonaws.com/text-datasets/nietzsche.txt",
                              file_hash="0" * 64, real=_fake_get_file)
    assert path.startswith(str(tmp_path / S.OFFLINE_DIR))  # never ~/.keras
    with open(path, "rb") as fh:
        assert fh.read() == S.standin_bytes("nietzsche.txt")
    tar = S.offline_get_file("babi-tasks-v1-2.tar.gz", "https://s3.amazonaws.com/text-datasets/"
                             "babi_tasks_1-20_v1-2.tar.gz", True, real=_fake_get_file)
    assert os.path.isfile(os.path.join(os.path.dirname(tar), "tasks_1-20_v1-2", "en", "qa1_single-supporting-fact_test.txt"))


def test_offline_get_file_unknown_download_raises(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(S.OfflineError, match=r"get_file\(fname='weights.h5', origin='https://x/w.h5'\) would "
                                             r"download and kfn-gen has no stand-in"):
        S.offline_get_file("weights.h5", "https://x/w.h5", real=_fake_get_file)
    with pytest.raises(S.OfflineError):  # no real get_file to serve through
        S.offline_get_file("nietzsche.txt", "https://x/nietzsche.txt")
    assert not os.path.exists(tmp_path / S.OFFLINE_DIR)


# ---- cwd seeding
def test_seed_cwd_writes_only_what_the_script_names_and_the_same_bytes_twice(tmp_path):
    src = "data_path = 'fra-eng/fra.txt'\nGLOVE = os.path.join('glove.6B', 'glove.6B.100d.txt')\n" \
          "TEXT_DATA_DIR = os.path.join(BASE_DIR, '20_newsgroup')\n"
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    assert S.seed_cwd(str(a), src) == ["fra-eng/fra.txt", "glove.6B/glove.6B.100d.txt", "20_newsgroup"]
    assert S.seed_cwd(str(a), src) == []  # already there
    S.seed_cwd(str(b), src)

    def files(root):
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    fa = files(a)
    assert fa == files(b)
    assert not (a / "glove.6B" / "glove.6B.50d.txt").exists()
    assert len([k for k in fa if k.startswith("20_newsgroup")]) == 20 * S.NEWS_DOCS_PER_GROUP
    assert S.seed_cwd(str(tmp_path), "print('no data here')\n") == []


# ---- Python 3.6's re.split
def test_split_py36_gives_the_babi_docstring_tokens():
    # babi_memnn.tokenize's doctest, written under Python <= 3.6
    assert _tokenize(BABI_SENTENCE) == ["Bob", "dropped", "the", "apple", ".", "Where", "is", "the", "apple", "?"]
    assert S.split_py36(r"(\W+)?", "a b") == ["a", " ", "b"]
    assert None in re.split(r"(\W+)?", "a b")  # what 3.7+ returns instead
    assert S.split_py36(r"\s*", "a  bc d", maxsplit=1) == ["a", "bc d"]
    assert S.split_py36(r"x*", "") == [""]


def test_split_py36_equals_re_split_on_patterns_that_cannot_match_empty():
    rng = random.Random(0)
    for _ in range(300):
        s = "".join(rng.choice("ab ,.;") for _ in range(rng.randrange(12)))
        for p in (r"\W+", r"(\W+)", r"[,;]", r"(a)(b)?", r"\s+"):
            assert S.split_py36(p, s) == re.split(p, s), (p, s)
            assert S.split_py36(p, s, 2) == re.split(p, s, maxsplit=2), (p, s)


@pytest.mark.parametrize("old", [r"(\W+)?", r"\s*", r"[,;]*", r"(ab)*", r"(\W+|x)?"])
def test_re_split_rule_rewrite_gives_python36_results(old):
    new = py36_equivalent(old)
    assert new is not None
    rng = random.Random(1)
    for _ in range(300):
        s = "".join(rng.choice("ab x,;.") for _ in range(rng.randrange(14)))
        assert re.split(new, s) == S.split_py36(old, s), (old, new, s)


@pytest.mark.parametrize("pattern", [r"(a|)?", r"\b", r"(\W+)??", r"a?b*", r"\W+"])
def test_re_split_rule_leaves_other_patterns(pattern):
    assert py36_equivalent(pattern) is None


# ---- the verifier's input sizes
def test_free_size_and_zero_dims():
    assert free_size([None, None, 40, 40, 1], 1) == 6  # ConvLSTM2D frames
    assert free_size([None, None, None, 3], 1) == 64  # image pixels
    assert free_size([None, None, None, None, 3], 1) == 64  # unknown video size stays as before
    assert free_size([None, None, 8], 1) == 6
    assert zero_dim([None, 0]) and zero_dim([[None, 3], [None, 0]]) and not zero_dim([None, 20])
    assert not zero_dim(None)
