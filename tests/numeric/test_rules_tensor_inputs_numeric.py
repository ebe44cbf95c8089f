"""neural_doodle's graph idioms, migrated by kfn-gen, compute what genuine Keras 2.2.4 computed.

A miniature of keras/examples/neural_doodle.py: an image model on the concatenation of a constant
style image and the target placeholder, a mask model on `Input(tensor=K.concatenate([style_mask,
target_mask]))` (two constants: migrate/rules/tensor_inputs.py binds them to a keras.Input that the migrated
K.gradients / K.function feed), a region style loss whose parameters shadow the module's K.variables
and a `loss = K.variable(0)` accumulated and returned by a function (migrate/rules/graph_constants.py follows
it to its callers).  The loss and its gradient w.r.t. the target are fetched with K.function under
Keras 2.2.4 and under Keras 3.  Control: the migration with the bound mask values halved differs, so
the fed masks reach the numbers.
"""
from __future__ import annotations

import numpy as np
import pytest

from kfn_gen.migrate.pipeline import migrate_source
from tests.helpers import run_script_npz

pytest.importorskip("tensorflow")
pytestmark = [pytest.mark.tf, pytest.mark.legacy]

SCRIPT = '''\
import numpy as np
from keras import backend as K
from keras.layers import Input, Conv2D, AveragePooling2D
from keras.models import Model

rng = np.random.RandomState(0)
style_image = K.variable(rng.uniform(-1, 1, (1, 8, 8, 3)))
target_image = K.placeholder((1, 8, 8, 3))
images = K.concatenate([style_image, target_image], axis=0)
conv = Conv2D(4, 3, padding='same', activation='relu', name='conv')
img = Input(shape=(8, 8, 3))
image_model = Model(img, conv(img))
image_features = image_model(images)
style_mask = K.variable((rng.uniform(0, 1, (1, 8, 8, 2)) > 0.5).astype('float32'))
target_mask = K.variable((rng.uniform(0, 1, (1, 8, 8, 2)) > 0.5).astype('float32'))
masks = K.concatenate([style_mask, target_mask], axis=0)
mask_input = Input(tensor=masks, shape=(None, None, None), name='mask_input')
mask_model = Model(mask_input, AveragePooling2D((3, 3), padding='same', strides=(1, 1), name='mask_conv')(mask_input))
conv.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype('float32') for w in conv.get_weights()])


def gram_matrix(x):
    features = K.batch_flatten(x)
    return K.dot(features, K.transpose(features))


def region_style_loss(style_image, target_image, style_mask, target_mask):
    masked_style = K.permute_dimensions(style_image, (2, 0, 1)) * style_mask
    masked_target = K.permute_dimensions(target_image, (2, 0, 1)) * target_mask
    num_channels = K.cast(K.shape(style_image)[-1], dtype='float32')
    s = gram_matrix(masked_style) / K.mean(style_mask) / num_channels
    c = gram_matrix(masked_target) / K.mean(target_mask) / num_channels
    return K.mean(K.square(s - c))


def style_loss(style_image, target_image, style_masks, target_masks):
    loss = K.variable(0)
    for i in range(2):
        loss += region_style_loss(style_image, target_image, style_masks[:, :, i], target_masks[:, :, i])
    return loss


masks_out = mask_model.output
loss = K.variable(0)
loss += 0.5 * style_loss(image_features[0], image_features[1], masks_out[0], masks_out[1])
loss += 0.01 * K.sum(K.square(target_image))
grads = K.gradients(loss, target_image)
f_outputs = K.function([target_image], [loss] + grads)
x = rng.uniform(-1, 1, (1, 8, 8, 3))
outs = f_outputs([x])
np.savez('out.npz', loss=outs[0], grad=outs[1])
'''


def test_neural_doodle_idioms_match_keras224(legacy_dir, tmp_path):
    result = migrate_source(SCRIPT, "doodle.py")
    assert not [d for d in result.diagnostics if d.severity == "warning"], result.diagnostics
    code = result.code
    assert "mask_input = keras224_tensor_input(tensor=masks," in code
    assert "    loss = keras.ops.convert_to_tensor(0, dtype=keras.backend.floatx())\n" in code
    old = run_script_npz(SCRIPT, tmp_path / "old", legacy_dir)
    new = run_script_npz(code, tmp_path / "new")
    assert old["grad"].shape == new["grad"].shape == (1, 8, 8, 3)
    assert abs(float(old["loss"])) > 1e-3 and np.abs(old["grad"]).max() > 1e-3  # not a trivial zero
    np.testing.assert_allclose(new["loss"], old["loss"], rtol=1e-5, atol=1e-5)
    assert np.abs(new["grad"] - old["grad"]).max() <= 1e-5
    # control: the mask model fed the bound masks halved (zeros would divide by K.mean(mask) = 0)
    halved = code.replace(".bound.append((x, tensor))", ".bound.append((x, 0.5 * keras.ops.convert_to_tensor(tensor)))")
    assert halved != code
    ctl = run_script_npz(halved, tmp_path / "ctl")
    assert abs(float(ctl["loss"]) - float(old["loss"])) > 1e-3
