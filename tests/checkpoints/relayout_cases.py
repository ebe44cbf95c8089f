"""weights.relayout against genuine 2.2.4's own loader code (engine/saving.py:preprocess_weights_for_loading) on
the layouts no 2.2.4 model can write today: Keras-1 per-gate LSTM/GRU weights, Keras-1 channels_first and 1D
kernels, and kernels saved by the Theano backend.  2.2.4 converts random weights on its built layers; the
converter must give the same arrays for the same layer configs."""
from __future__ import annotations

import json

import numpy as np

# run by tests/checkpoints/test_convert_families.py, in the 2.2.4 process that writes the checkpoints

CASES_224 = r'''
import json
import numpy as np
from keras.layers import LSTM, GRU, Conv1D, Conv2D, ConvLSTM2D
from keras.engine.saving import preprocess_weights_for_loading
from keras.utils import conv_utils

# 2.2.4's convert_kernel indexes with a list of slices, which numpy >= 1.23 refuses: the same function with a
# tuple (what older numpy did with the list)
def convert_kernel(kernel):
    slices = [slice(None, None, -1) for _ in range(kernel.ndim)]
    slices[-2:] = (slice(None, None), slice(None, None))
    return np.copy(kernel[tuple(slices)])


conv_utils.convert_kernel = convert_kernel

rng = np.random.RandomState(0)
out, configs = {}, {}


def case(name, layer, input_shape, shapes, version, backend):
    layer.build(input_shape)
    ws = [rng.normal(size=s).astype("float32") for s in shapes]
    got = preprocess_weights_for_loading(layer, list(ws), version, backend)
    for k, w in enumerate(ws):
        out[f"{name}/in/{k}"] = w
    for k, w in enumerate(got):
        out[f"{name}/out/{k}"] = w
    configs[name] = [type(layer).__name__, layer.get_config(), version, backend, len(ws), len(got)]


u, d = 3, 4
case("lstm_keras1", LSTM(u), (None, 5, d), [(d, u), (u, u), (u,)] * 4, "1", "tensorflow")
case("gru_keras1", GRU(u), (None, 5, d), [(d, u), (u, u), (u,)] * 3, "1", "tensorflow")
case("conv2d_keras1_th", Conv2D(2, (3, 3), data_format="channels_first"), (None, d, 8, 8), [(2, d, 3, 3), (2,)],
     "1", "theano")
case("conv2d_theano", Conv2D(2, (3, 3)), (None, 8, 8, d), [(3, 3, d, 2), (2,)], "2", "theano")
case("conv1d_keras1", Conv1D(2, 3), (None, 10, d), [(3, 1, d, 2), (2,)], "1", "tensorflow")
case("convlstm2d_keras1", ConvLSTM2D(2, (3, 3)), (None, 4, 6, 6, d),
     [(3, 3, d, 2), (3, 3, 2, 2), (2,)] * 4, "1", "tensorflow")
out["configs"] = np.array(json.dumps(configs))
np.savez("out.npz", **out)
'''


def check_relayout(arrays) -> None:
    """The converter's re-layout of each case equals 2.2.4's (arrays: what CASES_224 saved)."""
    from kfn_gen.checkpoints.layer_config import plan_layer
    from kfn_gen.checkpoints.weights import relayout

    configs = json.loads(str(arrays["configs"]))
    assert len(configs) == 6
    for name, (cls, config, version, backend, n_in, n_out) in configs.items():
        if "recurrent_activation" in config:  # the fold is checked elsewhere: the layout only here
            config = dict(config, recurrent_activation="sigmoid")
        plan = plan_layer(cls, config, name)
        ws = [arrays[f"{name}/in/{k}"] for k in range(n_in)]
        want = [arrays[f"{name}/out/{k}"] for k in range(n_out)]
        got = relayout(plan, ws, version, backend, [w.shape for w in want])
        assert [g.shape for g in got] == [w.shape for w in want], name
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w, err_msg=name)
