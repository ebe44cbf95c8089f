"""grow_images: the legacy side draws a larger image when a model gave 2.2.4 an empty output (a loaded InceptionV3
needs 75 pixels, the first draw is 64); sequences, frame counts and fixed shapes never grow."""
from __future__ import annotations

import numpy as np

from kfn_gen.verify.worker.inputs import IMAGE_SIZE, draw_inputs, grow_images


def _spec(shape):
    return {"shape": shape, "dtype": "float32", "int_high": None, "min_size": None}


def test_free_image_axes_double_up_to_the_limit():
    specs = [_spec([None, None, None, 3])]
    rng = np.random.default_rng(0)
    sizes = [draw_inputs(specs, 2, rng)[0].shape[1]]
    while grow_images(specs):
        sizes.append(draw_inputs(specs, 2, rng)[0].shape[1])
    assert sizes == [IMAGE_SIZE, 128, 256, 512]


def test_no_free_image_axis_does_not_grow():
    for shape in ([None, None, 8], [None, None, 32, 32, 3], [None, 64, 64, 3]):  # sequence, frames, fixed image
        specs = [_spec(shape)]
        assert not grow_images(specs) and specs[0]["min_size"] is None, shape
