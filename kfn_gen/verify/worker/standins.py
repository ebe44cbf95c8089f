"""Offline stand-ins shared by both sides of a verification run (numpy only, no Keras import).

* ``keras.datasets.*.load_data`` return seeded random arrays with the real shapes and dtypes
  (mnist/fashion_mnist (60000, 28, 28) uint8, cifar10/100 (50000, 32, 32, 3) uint8 with (N, 1)
  labels, imdb/reuters object arrays of int lists honouring num_words/skip_top/maxlen/start_char/
  oov_char/index_from, boston_housing (404, 13) float64).  Sequence lengths are drawn shorter than
  the real corpora (20..200 tokens) to bound memory; the arrays' shapes are the real ones.
* ``get_word_index`` returns a synthetic ``{'w<i>': i}`` index of the real vocabulary size.
* ``get_file`` never touches the network.  For the well-known files keras examples download
  (:data:`DOWNLOADS`: the bAbI tasks tarball, nietzsche.txt, glove.6B.zip, news20.tar.gz,
  fra-eng.zip, image_ocr's wordlists.tgz) it serves a synthetic stand-in through the side's OWN
  ``get_file`` (fed a ``file://`` origin and a cache dir under the cwd), so caching, ``untar``/``extract`` and the
  returned path follow that Keras version; anything else raises :class:`OfflineError`.
* :func:`seed_cwd` writes the data files some scripts open from the cwd (:data:`CWD_FILES`:
  ``fra-eng/fra.txt``, ``glove.6B/glove.6B.100d.txt``, ``20_newsgroup/``) when the script's
  source names them.
* :func:`split_py36`: ``re.split`` as Python <= 3.6 computed it (empty matches never split);
  the legacy side gives it to the script's own calls (bAbI's ``re.split('(\\W+)?', s)``).

The synthetic files are generated from a numpy RNG seeded by the file's name (never by the run's
seed), so both sides, and every run, see byte-identical data.  They are small (each builds in
well under a second) but keep the real layout and format (directory names, the bAbI story format,
GloVe's ``word v1 ... v100`` lines, 20 newsgroups' headers, ``English\tFrench`` lines) and
realistic sizes where the models depend on them (vocabulary sizes, sequence lengths, character
sets), so the scripts' own parsing runs unchanged and builds models of realistic shapes.
"""
from __future__ import annotations

import gzip
import io
import os
import re
import tarfile
import urllib.parse
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np


class OfflineError(RuntimeError):
    """Raised where a script would download something."""


VOCAB = {"imdb": 88584, "reuters": 30979}
COUNTS = {"mnist": (60000, 10000), "fashion_mnist": (60000, 10000), "cifar10": (50000, 10000),
          "cifar100": (50000, 10000), "imdb": (25000, 25000), "reuters": (8982, 2246), "boston_housing": (404, 102)}
DATASETS = tuple(COUNTS)


def _rng(name: str, seed: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _sequences(rng, n, vocab, num_words=None, skip_top=0, maxlen=None, start_char=1, oov_char=2, index_from=3):
    hi = min(200, maxlen - (1 if start_char is not None else 0)) if maxlen else 200
    hi = max(hi, 2)
    lengths = rng.integers(min(20, hi - 1), hi, size=n)
    flat = rng.integers(1, vocab + 1, size=int(lengths.sum())) + index_from
    if num_words is not None or skip_top:
        top = num_words if num_words is not None else vocab + index_from + 1
        bad = (flat >= top) | (flat < skip_top)
        if oov_char is not None:
            flat[bad] = oov_char
        else:
            flat[bad] = min(skip_top + index_from, top - 1)
    out = np.empty(n, dtype=object)
    pos = 0
    for i, k in enumerate(lengths.tolist()):
        seq = flat[pos:pos + k].tolist()
        pos += k
        out[i] = ([start_char] + seq) if start_char is not None else seq
    return out


def fake_load_data(name: str, seed: int = 0, *args, **kwargs):
    """What ``keras.datasets.<name>.load_data(*args, **kwargs)`` returns, made of seeded random data."""
    rng = _rng(name, seed)
    n_train, n_test = COUNTS[name]
    if name in ("mnist", "fashion_mnist"):
        x = rng.integers(0, 256, size=(n_train + n_test, 28, 28), dtype=np.uint8)
        y = rng.integers(0, 10, size=n_train + n_test).astype(np.uint8)
        return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
    if name in ("cifar10", "cifar100"):
        classes = 10
        if name == "cifar100":
            label_mode = kwargs.get("label_mode", args[0] if args else "fine")
            classes = 100 if label_mode == "fine" else 20
        x = rng.integers(0, 256, size=(n_train + n_test, 32, 32, 3), dtype=np.uint8)
        y = rng.integers(0, classes, size=(n_train + n_test, 1)).astype(np.uint8 if name == "cifar10" else np.int64)
        return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
    if name in ("imdb", "reuters"):
        names = ("path", "num_words", "skip_top", "maxlen")
        opts = dict(zip(names, args))
        opts.update(kwargs)
        seq_kw = {k: opts[k] for k in ("num_words", "skip_top", "maxlen", "start_char", "oov_char", "index_from")
                  if k in opts}
        x = _sequences(rng, n_train + n_test, VOCAB[name], **seq_kw)
        classes = 2 if name == "imdb" else 46
        y = rng.integers(0, classes, size=n_train + n_test).astype(np.int64)
        return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
    if name == "boston_housing":
        x = rng.random((n_train + n_test, 13)) * 100.0
        y = rng.random(n_train + n_test) * 50.0
        return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
    raise KeyError(name)


def fake_word_index(name: str, *args, **kwargs) -> dict:
    return {f"w{i}": i for i in range(1, VOCAB.get(name, 1000) + 1)}



# --------------------------------------------------------------------------- synthetic files
# Words: the commonest English words first, then pronounceable synthetic ones (consonant-vowel
# syllables), all lower-case ASCII letters so Keras' Tokenizer keeps them whole.
_COMMON = ("the of and to a in is that it for you was with on as have but be they are this not at by "
           "from or one had an what all were we when there can your which their if do will each about "
           "how up out them then she many some so these would other into has more her two like him see "
           "time could no make than first been its who now people my made over did down only way find "
           "use may water long little very after words called just where most know").split()
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


@lru_cache(maxsize=None)
def _vocabulary(n: int) -> tuple:
    words = list(dict.fromkeys(_COMMON))
    seen = set(words)
    k = len(_SYLLABLES)
    i = 0
    while len(words) < n:
        j, parts = i, []
        for _ in range(2 + (i >= k * k) + (i >= k * k + k ** 3)):
            parts.append(_SYLLABLES[j % k])
            j //= k
        w = "".join(parts)
        i += 1
        if w not in seen:
            seen.add(w)
            words.append(w)
    return tuple(words[:n])


def _zipf_ranks(rng, n_tokens, vocab, uniform_share=0.0):
    """Token ranks, Zipf-like (rank r drawn ~ 1/(r+1)) with a share drawn uniformly over the vocabulary."""
    weights = 1.0 / np.arange(1, vocab + 1)
    ranks = rng.choice(vocab, size=n_tokens, p=weights / weights.sum())
    if uniform_share:
        mask = rng.random(n_tokens) < uniform_share
        ranks[mask] = rng.integers(0, vocab, size=int(mask.sum()))
    return ranks


def _wrap(words, width=70):
    lines, cur = [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return "\n".join(lines)


# ---- bAbI: tasks_1-20_v1-2/{en,en-10k}/qa<N>_<name>_{train,test}.txt
BABI_TASKS = ("single-supporting-fact", "two-supporting-facts", "three-supporting-facts", "two-arg-relations",
              "three-arg-relations", "yes-no-questions", "counting", "lists-sets", "simple-negation",
              "indefinite-knowledge", "basic-coreference", "conjunction", "compound-coreference", "time-reasoning",
              "basic-deduction", "basic-induction", "positional-reasoning", "size-reasoning", "path-finding",
              "agents-motivations")
BABI_QUESTIONS = {"en": (100, 50), "en-10k": (300, 50)}  # questions per (train, test) file
_PEOPLE = ("Mary", "John", "Daniel", "Sandra")
_MOVES = ("moved to", "went to", "journeyed to", "travelled to", "went back to")
_PLACES = ("bathroom", "hallway", "office", "kitchen", "garden", "bedroom")
_OBJECTS = ("football", "apple", "milk")
_GETS = ("got", "grabbed", "picked up", "took")
_DROPS = ("dropped", "discarded", "put down", "left")


class _Draws:
    """Uniform integers from a seeded numpy Generator, drawn in blocks (per-call numpy draws are slow)."""

    def __init__(self, rng):
        self.rng, self.buf, self.i = rng, [], 0

    def below(self, n: int) -> int:
        if self.i >= len(self.buf):
            self.buf, self.i = self.rng.integers(0, 2 ** 31, size=4096).tolist(), 0
        self.i += 1
        return self.buf[self.i - 1] % n

    def pick(self, seq):
        return seq[self.below(len(seq))]


def _babi_story(d: _Draws, two_facts: bool) -> list:
    """One story in the bAbI format: numbered statements, and 5 questions ``Q? \\tanswer\\tfacts``
    whose answers and supporting line numbers are right.  qa1: 'Where is <person>?' after every
    2 moves.  qa2 (and the other tasks): people also get and drop objects; 'Where is the
    <object>?' after 1..12 statements (long stories, as in the real qa2), its two supporting facts
    being the line where the holder got it and the holder's last move."""
    lines, where, moved_at, holder, got_at = [], {}, {}, {}, {}

    def say(text):
        lines.append(f"{len(lines) + 1} {text}")
        return len(lines)

    def move(p):
        where[p] = d.pick(_PLACES)
        moved_at[p] = say(f"{p} {d.pick(_MOVES)} the {where[p]}.")

    def get(p, o):
        holder[o] = p
        got_at[o] = say(f"{p} {d.pick(_GETS)} the {o} there.")

    def drop(p, o):
        del holder[o]
        say(f"{p} {d.pick(_DROPS)} the {o}.")

    for _ in range(5):
        if not two_facts:
            move(d.pick(_PEOPLE))
            move(d.pick(_PEOPLE))
            p = d.pick(sorted(where))
            say(f"Where is {p}? \t{where[p]}\t{moved_at[p]}")
            continue
        for _ in range(1 + d.below(12)):
            p = d.pick(_PEOPLE)
            free = [o for o in _OBJECTS if o not in holder]
            held = [o for o in _OBJECTS if holder.get(o) == p]
            act = d.below(3) if p in where else 0
            if act == 1 and free:
                get(p, d.pick(free))
            elif act == 2 and held:
                drop(p, d.pick(held))
            else:
                move(p)
        ready = [o for o in _OBJECTS if o in holder and moved_at[holder[o]] > got_at[o]]
        if not ready:  # make one: someone with a place gets a free object (dropping one if needed), then moves
            p = d.pick(sorted(where)) if where else None
            if p is None:
                p = d.pick(_PEOPLE)
                move(p)
            free = [o for o in _OBJECTS if o not in holder]
            if not free:
                o = d.pick(_OBJECTS)
                drop(holder[o], o)
                free = [o]
            o = [x for x in _OBJECTS if holder.get(x) == p]
            if not o:
                get(p, d.pick(free))
            move(p)
            ready = [o for o in _OBJECTS if o in holder and moved_at[holder[o]] > got_at[o]]
        o = d.pick(ready)
        p = holder[o]
        say(f"Where is the {o}? \t{where[p]}\t{got_at[o]} {moved_at[p]}")
    return lines


def _babi_file(path: str, n_questions: int, two_facts: bool) -> bytes:
    d = _Draws(_rng(path, 0))
    out = []
    for _ in range(n_questions // 5):
        out.extend(_babi_story(d, two_facts))
    return ("\n".join(out) + "\n").encode("utf-8")


def babi_tree() -> dict:
    """{member path: bytes} of the bAbI tasks tarball (tasks_1-20_v1-2/en and en-10k, 20 tasks each)."""
    tree = {}
    for lang, counts in BABI_QUESTIONS.items():
        for t, task in enumerate(BABI_TASKS, 1):
            for split, nq in zip(("train", "test"), counts):
                path = f"tasks_1-20_v1-2/{lang}/qa{t}_{task}_{split}.txt"
                tree[path] = _babi_file(path, nq, two_facts=t != 1)
    return tree


# ---- nietzsche.txt: 57 distinct characters after .lower(), as the real file
NIETZSCHE_CHARS = 36_000
_RARE = ("[1]", "_i.e._", "(cf.", "x=y", "wäre", "æsthetic", "café", "noël", "1886;", "2:", '"what?"', "--so",
         "mind's", "27", "(39)", "405.", "aphorism 68!", "quite")


def nietzsche_text() -> str:
    rng = _rng("nietzsche.txt", 0)
    vocab = _vocabulary(4000)
    paras, size, k = ["PREFACE"], 0, 0
    while size < NIETZSCHE_CHARS:
        k += 1
        sentences = []
        for _ in range(int(rng.integers(2, 7))):
            words = [vocab[r] for r in _zipf_ranks(rng, int(rng.integers(6, 30)), len(vocab))]
            for i in range(len(words) - 1):
                if rng.random() < 0.08:
                    words[i] += ("," if rng.random() < 0.7 else ";")
            if rng.random() < 0.2:
                words.insert(int(rng.integers(len(words))), _RARE[rng.integers(len(_RARE))])
            words[0] = words[0].capitalize()
            sentences.append(" ".join(words) + (".", ".", ".", "?", "!", "--")[rng.integers(6)])
        para = _wrap(f"{k}. {' '.join(sentences)}".split())
        paras.append(para)
        size += len(para) + 3
    return "\n\n\n".join(paras) + "\n"


# ---- GloVe: glove.6B.<d>d.txt, "word v1 ... vd" per line
GLOVE_DIMS = (50, 100, 200, 300)
NEWS_VOCAB = 40_000  # words the 20 newsgroups stand-in draws from


def glove_text(dim: int) -> bytes:
    """Vectors for the 2000 commonest words of the newsgroups stand-in and every 10th rarer one
    (5800 lines): like the real file, most but not all of a corpus' words have a vector."""
    rng = _rng(f"glove.6B.{dim}d.txt", 0)
    vocab = _vocabulary(NEWS_VOCAB)
    keep = [w for i, w in enumerate(vocab) if i < 2000 or i % 10 == 0]
    vecs = rng.normal(0.0, 0.4, size=(len(keep), dim))
    fmt = " ".join(["%.5f"] * dim)
    rows = (w + " " + fmt % tuple(vec) for w, vec in zip(keep, vecs.tolist()))
    return ("\n".join(rows) + "\n").encode("utf-8")


def glove_tree() -> dict:
    return {f"glove.6B.{d}d.txt": glove_text(d) for d in GLOVE_DIMS}


# ---- 20 newsgroups: 20_newsgroup/<group>/<digits>, a mail header then the body
NEWS_GROUPS = ("alt.atheism", "comp.graphics", "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware",
               "comp.sys.mac.hardware", "comp.windows.x", "misc.forsale", "rec.autos", "rec.motorcycles",
               "rec.sport.baseball", "rec.sport.hockey", "sci.crypt", "sci.electronics", "sci.med", "sci.space",
               "soc.religion.christian", "talk.politics.guns", "talk.politics.mideast", "talk.politics.misc",
               "talk.religion.misc")
NEWS_DOCS_PER_GROUP = 15


def news20_tree() -> dict:
    """300 messages, 60 to 1400 words each (a few past the example's MAX_SEQUENCE_LENGTH of 1000),
    half of the words Zipf-distributed, half uniform over 40000 words: > 20000 distinct words, so
    the example's MAX_NUM_WORDS=20000 cap is reached as with the real corpus."""
    rng = _rng("20_newsgroup", 0)
    vocab = _vocabulary(NEWS_VOCAB)
    tree = {}
    for g, group in enumerate(NEWS_GROUPS):
        ids = np.sort(rng.choice(np.arange(10000, 99999), size=NEWS_DOCS_PER_GROUP, replace=False))
        for doc_id in ids.tolist():
            n = int(rng.integers(60, 1400)) if rng.random() < 0.1 else int(rng.integers(60, 700))
            words = [vocab[r] for r in _zipf_ranks(rng, n, len(vocab), uniform_share=0.5)]
            for i in range(len(words) - 1):
                if rng.random() < 0.06:
                    words[i] += (".", ",", "?", ":")[rng.integers(4)]
            body = _wrap(words, 72)
            author = vocab[int(rng.integers(100, 3000))]
            subject = " ".join(vocab[r] for r in _zipf_ranks(rng, int(rng.integers(2, 7)), 3000))
            head = (f"Xref: cantaloupe.srv.cs.cmu.edu {group}:{doc_id}\n"
                    f"Path: cantaloupe.srv.cs.cmu.edu!news\n"
                    f"From: {author}@{vocab[int(rng.integers(100, 3000))]}.edu ({author.capitalize()})\n"
                    f"Newsgroups: {group}\nSubject: Re: {subject}\n"
                    f"Organization: {vocab[int(rng.integers(100, 3000))].capitalize()} University\n"
                    f"Lines: {body.count(chr(10)) + 1}\n")
            tree[f"20_newsgroup/{group}/{doc_id}"] = (head + "\n" + body + "\n").encode("latin-1")
    return tree


# ---- fra-eng: "English\tFrench" lines, shortest first (the first 10000 of the real file are short)
FRA_LINES = 1500
_EN = ("I", "you", "he", "she", "we", "they", "it", "Tom", "go", "run", "wait", "stop", "help", "come", "see",
       "eat", "win", "try", "ask", "leave", "hi", "really", "fire", "jump", "hello", "cheers", "get", "up",
       "am", "is", "are", "was", "fine", "sick", "busy", "old", "hot", "cold", "home", "out", "in", "now",
       "here", "it's", "I'm", "don't", "can't", "who", "why", "how", "quick", "zero", "box", "jazz", "keep",
       "very", "by", "way", "$5", "the", "a", "me", "us", "him", "OK", "calm", "down", "awesome")
_FR = ("je", "tu", "il", "elle", "nous", "vous", "ils", "Tom", "va", "cours", "attends", "arrête", "à", "l'aide",
       "viens", "vois", "mange", "gagne", "essaie", "salut", "vraiment", "au", "feu", "saute", "bonjour", "santé",
       "suis", "est", "sommes", "êtes", "étais", "malade", "occupé", "occupée", "vieux", "chaud", "froid",
       "maison", "dehors", "dedans", "maintenant", "ici", "c'est", "qui", "pourquoi", "comment", "vite", "zéro",
       "boîte", "garde", "très", "sûr", "où", "déjà", "ça", "là", "Ça", "œuvre", "fenêtre", "leçon", "naïf",
       "île", "goût", "Noël", "«", "»", "le", "la", "les", "un", "une", "moi", "lui", "rentre", "calme-toi",
       "génial", "côté", "août", "9", "5", "€", "%", "-", "Quoi", "ÇA", "Ê", "É", "À")


def fra_text() -> str:
    rng = _rng("fra.txt", 0)
    pairs = []
    while len(pairs) < FRA_LINES:
        en = " ".join(_EN[i] for i in rng.integers(0, len(_EN), size=int(rng.integers(1, 4))))
        en = (en[0].upper() + en[1:] + (".", "!", "?")[rng.integers(3)])
        fr = " ".join(_FR[i] for i in rng.integers(0, len(_FR), size=int(rng.integers(1, 8))))
        fr = fr[0].upper() + fr[1:] + (" !", ".", " ?", ".")[rng.integers(4)]
        if len(en) <= 16 and len(fr) <= 57:
            pairs.append((en, fr))
    pairs.sort(key=lambda p: (len(p[0]), p[0]))
    return "".join(f"{en}\t{fr}\n" for en, fr in pairs)


# ---- wordlists.tgz (image_ocr): wordlist_mono_clean.txt (one word a line, commonest first) and
# wordlist_bi_clean.txt (two words a line), at the top of the archive
WORDLIST_MONO = 40_000
WORDLIST_BI = 30_000
_LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))
_LETTER_P = np.array([8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0, 0.2, 0.8, 4.0, 2.4, 6.7, 7.5, 1.9, 0.1, 6.0,
                      6.3, 9.1, 2.8, 1.0, 2.4, 0.2, 2.0, 0.1])  # English letter frequencies (%)


def wordlist_mono() -> list:
    """40000 distinct lower-case a-z words, the commonest English words first: about 70% have 2..4
    letters, so image_ocr's first word list (16000 words of <= 4 letters, all monograms) and its
    second (16000 monograms and 16000 bigrams of <= 12 characters) can both be filled."""
    rng = _rng("wordlist_mono_clean.txt", 0)
    words = list(dict.fromkeys(_COMMON))
    seen = set(words)
    while len(words) < WORDLIST_MONO:
        n = 4096
        lengths = np.where(rng.random(n) < 0.7, rng.integers(2, 5, size=n), rng.integers(5, 11, size=n))
        letters = rng.choice(_LETTERS, size=(n, 10), p=_LETTER_P / _LETTER_P.sum())
        for row, k in zip(letters.tolist(), lengths.tolist()):
            w = "".join(row[:k])
            if w not in seen and len(words) < WORDLIST_MONO:
                seen.add(w)
                words.append(w)
    return words


def wordlist_bi() -> list:
    """30000 'first second' lines of two words drawn Zipf-like from the 3000 commonest monograms; as
    in running text some start with a capital (the example lower-cases them) and about 2% hold an
    apostrophe or a digit (the example's ^[a-z ]+$ filter drops them)."""
    rng = _rng("wordlist_bi_clean.txt", 0)
    mono = wordlist_mono()[:3000]
    ranks = _zipf_ranks(rng, 2 * WORDLIST_BI, len(mono)).reshape(-1, 2).tolist()
    caps = rng.random(WORDLIST_BI) < 0.15
    odd = rng.random(WORDLIST_BI) < 0.02
    lines = []
    for (a, b), cap, bad in zip(ranks, caps.tolist(), odd.tolist()):
        first, second = mono[a], mono[b]
        if cap:
            first = first.capitalize()
        if bad:
            second = second + ("'s", "2")[len(second) % 2]
        lines.append(f"{first} {second}")
    return lines


def wordlists_tree() -> dict:
    return {"wordlist_mono_clean.txt": ("\n".join(wordlist_mono()) + "\n").encode("utf-8"),
            "wordlist_bi_clean.txt": ("\n".join(wordlist_bi()) + "\n").encode("utf-8")}


# ---- archives (fixed mtimes and owners: identical bytes every time)
def _tar_gz(tree: dict) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for dirname in sorted({os.path.dirname(p) for p in tree} - {""}):
            parts = dirname.split("/")
            for k in range(1, len(parts) + 1):
                d = "/".join(parts[:k])
                if d not in tar.getnames():
                    info = tarfile.TarInfo(d)
                    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 1_400_000_000
                    tar.addfile(info)
        for path in sorted(tree):
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(tree[path]), 0o644, 1_400_000_000
            tar.addfile(info, io.BytesIO(tree[path]))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=6) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _zip(tree: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(tree):
            info = zipfile.ZipInfo(path, date_time=(2014, 5, 13, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, tree[path])
    return out.getvalue()


# --------------------------------------------------------------------------- registries
@dataclass(frozen=True)
class StandinFile:
    """A download `get_file` serves offline: `name` and `aliases` are the file names it answers to
    (matched against get_file's fname and the basename of its origin URL)."""
    name: str
    aliases: tuple
    build: Callable[[], bytes]
    description: str


DOWNLOADS = (
    StandinFile("babi_tasks_1-20_v1-2.tar.gz", ("babi-tasks-v1-2.tar.gz", "tasks_1-20_v1-2.tar.gz"),
                lambda: _tar_gz(babi_tree()),
                "bAbI tasks 1-20 v1.2: tasks_1-20_v1-2/{en,en-10k}/qa<N>_<task>_{train,test}.txt; qa1 stories "
                "as in the real task, every other task in the qa2 'Where is the <object>?' form"),
    StandinFile("nietzsche.txt", (), lambda: nietzsche_text().encode("utf-8"),
                f"{NIETZSCHE_CHARS} characters of synthetic prose over the real file's 57 characters"),
    StandinFile("glove.6B.zip", ("glove.6B",), lambda: _zip(glove_tree()),
                "glove.6B.{50,100,200,300}d.txt: 5800 words each"),
    StandinFile("news20.tar.gz", ("20news-19997.tar.gz", "20_newsgroup.tar.gz"), lambda: _tar_gz(news20_tree()),
                "20_newsgroup/<group>/<id>: 20 groups x 15 messages"),
    StandinFile("fra-eng.zip", (), lambda: _zip({"fra.txt": fra_text().encode("utf-8"),
                                                 "_about.txt": b"Synthetic stand-in for manythings.org fra-eng.\n"}),
                f"fra.txt: {FRA_LINES} 'English<TAB>French' lines"),
    StandinFile("wordlists.tgz", (), lambda: _tar_gz(wordlists_tree()),
                f"wordlist_mono_clean.txt ({WORDLIST_MONO} words, commonest first) and wordlist_bi_clean.txt "
                f"({WORDLIST_BI} 'word word' lines) at the top of the archive, as keras' image_ocr.py reads them"),
)


@dataclass(frozen=True)
class CwdFile:
    """Data a script opens from its cwd: written there (file `path`, or the tree `build` returns,
    whose keys start with `path`) when the script's source contains `trigger`."""
    path: str
    trigger: str
    build: Callable[[], object]  # bytes for a file, {relpath: bytes} for a directory


CWD_FILES = (
    CwdFile("fra-eng/fra.txt", "fra.txt", lambda: fra_text().encode("utf-8")),
    *(CwdFile(f"glove.6B/glove.6B.{d}d.txt", f"glove.6B.{d}d.txt", (lambda d=d: glove_text(d))) for d in GLOVE_DIMS),
    CwdFile("20_newsgroup", "20_newsgroup", news20_tree),
)


@lru_cache(maxsize=None)
def standin_bytes(name: str) -> bytes:
    """The bytes of the DOWNLOADS entry called `name` (built once per process)."""
    return next(e for e in DOWNLOADS if e.name == name).build()


def find_download(fname=None, origin=None):
    """The DOWNLOADS entry get_file(fname, origin) asks for, or None."""
    keys = set()
    if fname:
        keys.add(os.path.basename(str(fname)))
    if origin:
        keys.add(os.path.basename(urllib.parse.urlsplit(str(origin)).path))
    for entry in DOWNLOADS:
        if keys & {entry.name, *entry.aliases}:
            return entry
    return None


OFFLINE_DIR = ".kfn-gen-offline"  # under the cwd: stand-in sources and the get_file cache


def offline_get_file(*args, real=None, **kwargs):
    """get_file without the network.  A registered stand-in is served by `real` (the side's own
    get_file) from a ``file://`` origin into ``<cwd>/.kfn-gen-offline/keras`` (so no user cache
    is read or written and every run 'downloads' the stand-in); hashes are dropped (the stand-in
    is not the real file).  Anything else raises OfflineError."""
    fname = kwargs.get("fname", args[0] if args else None)
    origin = kwargs.get("origin", args[1] if len(args) > 1 else None)
    entry = find_download(fname, origin)
    if entry is None or real is None:
        raise OfflineError(
            f"kfn-gen verify runs offline: get_file(fname={fname!r}, origin={origin!r}) would download and "
            "kfn-gen has no stand-in for it (known: " + ", ".join(e.name for e in DOWNLOADS) + "); "
            "models that need downloaded weights or data cannot be verified")
    import inspect

    bound = inspect.signature(real).bind(*args, **kwargs)
    root = os.path.abspath(OFFLINE_DIR)
    src_name = (os.path.basename(urllib.parse.urlsplit(str(origin)).path) if origin else "") or entry.name
    src = os.path.join(root, "src", src_name)
    if not os.path.exists(src):
        os.makedirs(os.path.dirname(src), exist_ok=True)
        with open(src + ".tmp", "wb") as fh:
            fh.write(standin_bytes(entry.name))
        os.replace(src + ".tmp", src)
    cache = os.path.join(root, "keras")
    os.makedirs(cache, exist_ok=True)  # 2.2.4 falls back to /tmp/.keras when the dir is not writable yet
    bound.arguments["origin"] = "file://" + urllib.parse.quote(src)
    bound.arguments["cache_dir"] = cache
    for k in ("md5_hash", "file_hash"):
        if k in bound.arguments:
            bound.arguments[k] = None
    return real(*bound.args, **bound.kwargs)


def seed_cwd(cwd: str, source: str) -> list:
    """Write into `cwd` every CWD_FILES entry whose trigger occurs in the script `source` (and
    that is not there yet); returns the relative paths written."""
    written = []
    for entry in CWD_FILES:
        if entry.trigger not in source or os.path.exists(os.path.join(cwd, entry.path)):
            continue
        data = entry.build()
        tree = data if isinstance(data, dict) else {entry.path: data}
        for rel, blob in tree.items():
            dest = os.path.join(cwd, *rel.split("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as fh:
                fh.write(blob)
        written.append(entry.path)
    return written


# --------------------------------------------------------------------------- Python <= 3.6 behaviour
def split_py36(pattern, string, maxsplit=0, flags=0):
    """``re.split`` as Python <= 3.6 computed it: a match of the empty string never splits (3.7
    splits there too; keras' bAbI examples rely on the old behaviour, keras-team/keras#13248).
    This follows 3.6's ``_sre`` split loop: after an empty match at i, search again from i + 1."""
    p = re.compile(pattern, flags) if isinstance(pattern, (str, bytes)) else pattern
    out, last, start, n = [], 0, 0, 0
    while not maxsplit or n < maxsplit:
        m = p.search(string, start)
        if m is None:
            break
        if m.start() == m.end():
            if m.start() >= len(string):
                break
            start = m.start() + 1
            continue
        out.append(string[last:m.start()])
        out.extend(m.groups())
        last = start = m.end()
        n += 1
    out.append(string[last:])
    return out
