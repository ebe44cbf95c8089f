"""Re-lay one layer's saved weights for its Keras 3 layer, as 2.2.4's loader did (engine/saving.py:
preprocess_weights_for_loading and _convert_rnn_weights), then fold 2.2.4's hard_sigmoid into them.
Pure NumPy: no Keras is imported.

Applied in 2.2.4's order: Keras-1 layouts (per-gate LSTM/GRU/ConvLSTM2D weights, channels_first and 1D
convolution kernels), Theano-saved convolution kernels (flipped: Theano convolves, TensorFlow correlates),
the CuDNN layout; then the exact hard_sigmoid rescaling (layer_config.py says why it is exact).
"""
from __future__ import annotations

import numpy as np

from kfn_gen.checkpoints.layer_config import HARD_SIGMOID_FOLD, LayerPlan

CONV = {"Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "ConvLSTM2D"}


def relayout(plan: LayerPlan, weights: list, version: str, backend: str, want: list) -> list:
    """plan's weights as its Keras 3 layer holds them; `want` is that layer's list of weight shapes.  version and
    backend: what the file's weights group says, as 2.2.4's loader read them (exactly "1": Keras 1 layouts)."""
    ws = [np.asarray(w) for w in weights]
    cls = plan.new_class
    if version == "1":
        ws = _keras1(cls, plan.config, ws)
    if cls in CONV and ws:
        if backend == "theano":
            ws[0] = _flip(ws[0])
            if cls == "ConvLSTM2D":
                ws[1] = _flip(ws[1])
        if want and tuple(want[0]) != ws[0].shape and ws[0].ndim == 4:
            ws[0] = np.transpose(ws[0], (3, 2, 0, 1))  # Theano dim ordering, as 2.2.4 did
            if cls == "ConvLSTM2D":
                ws[1] = np.transpose(ws[1], (3, 2, 0, 1))
    if plan.cudnn and len(ws) == 3:
        ws = _from_cudnn(plan.cudnn, ws)
    for part in sorted(plan.fold):
        ws = _fold(cls, part, ws)
    return ws


def _flip(kernel):
    """2.2.4's conv_utils.convert_kernel: reverse every axis but the last two."""
    slices = [slice(None, None, -1)] * (kernel.ndim - 2) + [slice(None), slice(None)]
    return np.copy(kernel[tuple(slices)])


def _keras1(cls: str, config: dict, ws: list) -> list:
    fmt = config.get("data_format")
    if cls == "Conv1D" and ws:
        w = ws[0]
        if w.ndim == 4 and w.shape[1] != 1:  # Keras 1.1: (filters, input_dim, filter_length, 1)
            w = np.transpose(w, (2, 3, 1, 0))
        if w.ndim == 4:
            ws[0] = w[:, 0, :, :]
    elif cls == "Conv2D" and fmt == "channels_first" and ws:
        ws[0] = np.transpose(ws[0], (2, 3, 1, 0))
    elif cls == "Conv2DTranspose" and ws:
        ws[0] = np.transpose(ws[0], (0, 1, 3, 2) if fmt != "channels_first" else (2, 3, 0, 1))
    elif cls == "Conv3D" and fmt == "channels_first" and ws:
        ws[0] = np.transpose(ws[0], (2, 3, 4, 1, 0))
    elif cls == "GRU" and len(ws) == 9:  # z, r, h: (W, U, b) each
        ws = [np.concatenate([ws[k], ws[k + 3], ws[k + 6]], axis=-1) for k in range(3)]
    elif cls in ("LSTM", "ConvLSTM2D") and len(ws) == 12:  # saved i, c, f, o; Keras 2: i, f, c, o
        ws = [np.concatenate([ws[k], ws[k + 6], ws[k + 3], ws[k + 9]], axis=-1) for k in range(3)]
        if cls == "ConvLSTM2D" and fmt == "channels_first":
            ws[0], ws[1] = np.transpose(ws[0], (2, 3, 1, 0)), np.transpose(ws[1], (2, 3, 1, 0))
    return ws


def _gates(kernel, n_gates, func):
    return np.hstack([func(k) for k in np.hsplit(kernel, n_gates)])


def _from_cudnn(cls: str, ws: list) -> list:
    """2.2.4's _convert_rnn_weights from CuDNNLSTM / CuDNNGRU to LSTM / GRU(reset_after=True)."""
    units = ws[1].shape[0]
    n = 4 if cls == "LSTM" else 3
    if ws[2].shape != (2 * units * n,):
        return ws  # already the Keras layout
    kernel = _gates(ws[0], n, lambda k: k.T.reshape(k.shape, order="F"))
    recurrent = _gates(ws[1], n, lambda k: k.T)
    if cls == "LSTM":
        bias = np.sum(np.split(ws[2], 2, axis=0), axis=0)
    else:
        bias = ws[2].reshape((2, -1))
    return [kernel, recurrent, bias]


def _fold(cls: str, part: str, ws: list) -> list:
    """Scale the weights feeding 2.2.4's hard_sigmoid by 1.2 (last axis = the gate columns of recurrent layers)."""
    ws = [w.copy() for w in ws]
    if part == "recurrent":
        units = ws[1].shape[-1] // (4 if cls in ("LSTM", "ConvLSTM2D") else 3)
        cols = [*range(0, 2 * units), *range(3 * units, 4 * units)] if cls != "GRU" else list(range(0, 2 * units))
        for w in ws:
            w[..., cols] *= HARD_SIGMOID_FOLD
        return ws
    if cls == "GRU":
        units = ws[1].shape[-1] // 3
        for w in ws:
            w[..., 2 * units:] *= HARD_SIGMOID_FOLD
        return ws
    first = 1 if cls.startswith("SeparableConv") else 0  # the depthwise kernel stays; pointwise and bias scale
    for w in ws[first:]:
        w *= HARD_SIGMOID_FOLD
    return ws
