"""removed-functions and removed-modules, executed: 2.2.4 functions Keras 3 lacks (conv_utils, layer_utils,
model_from_config, multi_gpu_model's argument checks, keras_applications' _obtain_input_shape and correct_pad,
the Keras 1 interface decorators), defined in the migrated script,
give what genuine Keras 2.2.4 gives, on values and on errors, for a grid of arguments.  The original script
runs under genuine Keras 2.2.4, the migration under Keras 3; both print JSON; the two must be equal.  Control:
the unmigrated script stops at its imports under Keras 3."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kfn_gen.migrate.helpers.interfaces import DECORATORS
from kfn_gen.migrate.pipeline import migrate_source

from tests.helpers import ROOT as REPO

ROOT = str(REPO)

SCRIPT = '''\
import json
from itertools import product
import numpy as np
import keras
from keras import backend as K
from keras.layers import Input, Dense, Conv2D
from keras.models import Sequential, model_from_config
from keras.utils.conv_utils import (normalize_tuple, normalize_padding, conv_output_length, conv_input_length,
                                   deconv_length, convert_kernel)
from keras.utils.layer_utils import convert_all_kernels_in_model, convert_dense_weights_data_format
from keras.utils import multi_gpu_model
from keras.engine import Layer
from keras.legacy import interfaces
from keras_applications.imagenet_utils import _obtain_input_shape
from keras_applications import correct_pad
from keras.applications import imagenet_utils

out = {}


def attempt(f, *args):
    try:
        return f(*args)
    except (ValueError, AssertionError) as e:
        return "error: %s %s" % (type(e).__name__, e)


out["tuple"] = [attempt(normalize_tuple, v, n, "k") for v in (3, [1, 2, 3], (1, 2), "ab", 2.5) for n in (2, 3)]
out["padding"] = [attempt(normalize_padding, p) for p in ("SAME", "valid", "Causal", "full", "reflect")]
PADS = ("same", "valid", "full", "causal")
out["lengths"] = [attempt(conv_output_length, *a) for a in product((None, 7, 8), (1, 3), PADS, (1, 2), (1, 2))]
out["in_lengths"] = [attempt(conv_input_length, *a) for a in product((None, 4), (1, 3), PADS, (1, 2))]
out["deconv"] = [attempt(deconv_length, *a) for a in product((None, 5), (1, 2), (1, 3), PADS[:3], (None, 0, 1), (1, 2))]
kernel = np.arange(2 * 3 * 4 * 5, dtype="float32").reshape(2, 3, 4, 5)
out["kernel"] = [np.asarray(convert_kernel(k)).ravel().tolist() for k in (kernel, kernel[0], kernel[..., None])]
SHAPES = (None, (128, 128, 3), (3, 64, 64), (None, None, 3), (64, 64, 1), (16, 16, 3))
out["shapes"] = [attempt(_obtain_input_shape, s, 224, 32, f, r, w)
                 for s, f, r, w in product(SHAPES, ("channels_last", "channels_first"), (False, True), (None, "imagenet"))]
out["pads"] = [correct_pad(K, Input(shape=shape), k) for shape, k in product(((7, 8, 3), (8, 8, 3), (None, None, 3)), (3, (3, 5)))]
rng = np.random.RandomState(0)
images = rng.randint(0, 256, size=(2, 5, 6, 3)).astype("float32")
out["pre"] = {m: imagenet_utils.preprocess_input(images.copy(), mode=m).ravel().tolist()
              for m in ("caffe", "tf", "torch")}
model = Sequential([Dense(4, input_shape=(3,), activation="tanh"), Dense(2)])
clone = model_from_config({"class_name": model.__class__.__name__, "config": model.get_config()})
clone.set_weights(model.get_weights())
x = rng.rand(5, 3).astype("float32")
out["clone"] = [type(clone).__name__ == "Sequential",
                float(np.abs(clone.predict(x, verbose=0) - model.predict(x, verbose=0)).max())]
conv = Sequential([Conv2D(2, (3, 2), input_shape=(6, 6, 1))])
conv.set_weights([np.arange(12, dtype="float32").reshape(3, 2, 1, 2), np.zeros(2, "float32")])
convert_all_kernels_in_model(conv)
out["converted"] = conv.get_weights()[0].ravel().tolist()
dense = Dense(3)
dense.build((None, 2 * 3 * 4))
dense.set_weights([np.arange(72, dtype="float32").reshape(24, 3), np.ones(3, "float32")])
convert_dense_weights_data_format(dense, (2, 3, 4))
convert_dense_weights_data_format(dense, (4, 2, 3), "channels_last")
out["dense"] = dense.get_weights()[0].ravel().tolist()
out["gpus"] = [attempt(multi_gpu_model, model, g) for g in (1, [0])]
out["gpu_names"] = K.tensorflow_backend._get_available_gpus()


class Resize(Layer):
    @interfaces.legacy_upsampling2d_support
    def __init__(self, size=(2, 2), data_format=None, **kwargs):
        super(Resize, self).__init__(**kwargs)
        self.size, self.data_format = size, data_format


def keras1(*args, **kwargs):
    try:
        r = Resize(*args, **kwargs)
        return [list(r.size), r.data_format]
    except TypeError as e:
        return "error: %s" % e


out["interfaces"] = [keras1((3, 3), dim_ordering="th"), keras1(dim_ordering="tf"), keras1(dim_ordering="default"),
                     keras1(data_format="channels_first"), keras1(1, 2)]
print(json.dumps(out))
'''

# numpy < 1.23 read a list of slices as a tuple; 2.2.4's convert_kernel indexes so (conv_utils.py:82), and the
# oracle runs today's numpy: the legacy side gets that reading back, nothing else
OLD_NUMPY = '''\
import numpy as np
import keras.utils.conv_utils


class OldIndexing(np.ndarray):
    """numpy < 1.23 read a list of slices as a tuple; 2.2.4's convert_kernel indexes so."""
    def __getitem__(self, key):
        return np.ndarray.__getitem__(self, tuple(key) if isinstance(key, list) else key)


class OldNumpy:
    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def asarray(a, *args, **kwargs):
        return np.asarray(a, *args, **kwargs).view(OldIndexing)


keras.utils.conv_utils.np = OldNumpy()
'''

# appended on the legacy side: the arguments genuine 2.2.4 built each Keras 1 interface decorator from
DECORATOR_ARGUMENTS = '''
specs = {}
for name in dir(interfaces):
    if name.startswith("legacy_"):
        cells = getattr(interfaces, name).__closure__
        c = dict(zip(getattr(interfaces, name).__code__.co_freevars, [x.cell_contents for x in cells]))
        if not c["preprocessor"] and c["object_type"] == "class":
            specs[name] = [c["allowed_positional_args"] if c["check_positional_args"] else None,
                           [list(p) for p in c["conversions"]], c["value_conversions"] or None]
print(json.dumps(specs))
'''


def _run(code, env, cwd):
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env,
                          cwd=cwd)
    return proc


@pytest.mark.tf
@pytest.mark.legacy
def test_helpers_compute_what_keras224_computed(tmp_path):
    pytest.importorskip("tensorflow")
    from kfn_gen.verify import oracle as runtime

    legacy_dir = runtime.ensure_legacy_keras()
    legacy = ("import sys\nsys.path.insert(0, %r)\nfrom kfn_gen.verify.worker.shim224 import boot\nboot(%r)\n"
              % (ROOT, legacy_dir)) + OLD_NUMPY + SCRIPT + DECORATOR_ARGUMENTS
    result = migrate_source(SCRIPT, "s.py")
    noisy = [d.message for d in result.diagnostics if d.severity != "info"]
    assert result.code is not None and len(noisy) == 1 and noisy[0].startswith("multi_gpu_model -> the model"), noisy
    outputs = {}
    for name, code in (("legacy", legacy), ("keras3", result.code)):
        home = tmp_path / name
        home.mkdir()
        env = dict(os.environ, HOME=str(home), KERAS_HOME=str(home / ".keras"), TF_CPP_MIN_LOG_LEVEL="3")
        proc = _run(code, env, str(home))
        assert proc.returncode == 0, proc.stderr[-3000:]
        lines = proc.stdout.strip().splitlines()
        outputs[name] = json.loads(lines[-2 if name == "legacy" else -1])
        if name == "legacy":
            specs = json.loads(lines[-1])
    old, new = outputs["legacy"], outputs["keras3"]
    # the decorators carried over are built from what genuine 2.2.4 built them from
    assert specs == {k: [p, [list(c) for c in conv], v] for k, (p, conv, v) in DECORATORS.items()}
    assert old["interfaces"][0] == [[3, 3], "channels_first"] and old["interfaces"][4].startswith("error")
    assert set(new) == set(old)
    for key in old:
        assert new[key] == old[key], key
    # the grid reaches errors as well as values, and the clone computes the model's numbers
    assert sum(isinstance(v, str) and v.startswith("error") for v in old["shapes"]) >= 10
    assert old["clone"] == [True, 0.0]
    assert old["pads"][0] == [[1, 1], [0, 1]]
    # control: the script as it was stops at an import under Keras 3
    home = tmp_path / "control"
    home.mkdir()
    proc = _run(SCRIPT, dict(os.environ, HOME=str(home), KERAS_HOME=str(home / ".keras")), str(home))
    assert proc.returncode != 0 and ("ImportError" in proc.stderr or "ModuleNotFoundError" in proc.stderr)
