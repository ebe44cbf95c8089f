"""Offline stand-ins shared by both sides of a verification run (numpy only, no Keras import).

* ``keras.datasets.*.load_data`` return seeded random arrays with the real shapes and dtypes
  (mnist/fashion_mnist (60000, 28, 28) uint8, cifar10/100 (50000, 32, 32, 3) uint8 with (N, 1)
  labels, imdb/reuters object arrays of int lists honouring num_words/skip_top/maxlen/start_char/
  oov_char/index_from, boston_housing (404, 13) float64).  Sequence lengths are drawn shorter than
  the real corpora (20..200 tokens) to bound memory; the arrays' shapes are the real ones.
* ``get_word_index`` returns a synthetic ``{'w<i>': i}`` index of the real vocabulary size.
* ``get_file`` raises :class:`OfflineError`: verification never touches the network.
"""
from __future__ import annotations

import zlib

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


def offline_get_file(*args, **kwargs):
    fname = kwargs.get("fname", args[0] if args else None)
    origin = kwargs.get("origin", args[1] if len(args) > 1 else None)
    raise OfflineError(
        f"kfn-gen verify runs offline: get_file(fname={fname!r}, origin={origin!r}) would download; "
        "models that need downloaded weights or data cannot be verified")
