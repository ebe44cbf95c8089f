"""Inputs that start a mask hold padded steps (verify/worker/inputs.py), so that the masked path is compared:
pre-padding in odd rows, post-padding in even rows, row 0 whole; for an Embedding(mask_zero=True) input the
padding is id 0.  No TensorFlow needed."""
from __future__ import annotations

import numpy as np

from kfn_gen.verify.worker.inputs import draw_inputs


def test_a_masking_input_gets_pre_and_post_padding():
    (x,) = draw_inputs([{"shape": [None, 5, 3], "dtype": "float32", "int_high": None, "mask_value": -1.0}], 4,
                       np.random.default_rng(0))
    padded = (x == -1.0).all(axis=-1)
    assert padded.tolist() == [[False] * 5, [True, False, False, False, False],
                               [False, False, False, True, True], [True, True, True, False, False]]


def test_embedding_ids_get_zero_padding_and_other_inputs_none():
    ids, plain = draw_inputs([{"shape": [None, 4], "dtype": "int32", "int_high": 1000, "mask_value": 0.0},
                              {"shape": [None, 4], "dtype": "int32", "int_high": 1000}], 3, np.random.default_rng(1))
    assert ids[1, 0] == 0 and (ids[2, 2:] == 0).all() and ids.dtype == np.int32
    assert (plain != 0).all()
