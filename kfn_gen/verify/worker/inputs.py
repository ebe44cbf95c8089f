"""Drawing seeded inputs and targets for a captured model (integers in range for an Embedding, CTC-consistent
labels and lengths), and feeding them to a 2.2.4 model."""
from __future__ import annotations

import collections

import numpy as np



IMAGE_SIZE = 64  # the free image size drawn first (grow_images doubles it when a model gives nothing back)


def free_size(shape, i, min_size=None):
    """The size drawn for the unknown axis i (> 0) of an input shape: 6 time steps for sequences, 64
    pixels for images (five 2x poolings still leave 2), or the model's own minimum image size when
    it needs more (keras.applications.InceptionV3 needs 75).  A rank-5 input whose only unknown axis is
    axis 1 is a sequence of images (ConvLSTM2D, TimeDistributed): 6 frames, not 64 (conv_lstm's
    gradient through 64 frames of 4 ConvLSTM2D layers took the legacy side from 3.0 to 11.8 GB of
    address space; with 6 frames it peaks at 3.7 GB)."""
    if len(shape) == 5 and i == 1 and None not in shape[2:]:
        return 6
    return max(IMAGE_SIZE, min_size or 0) if len(shape) >= 4 else 6


def grow_images(specs, limit: int = 512) -> bool:
    """Double the free image size of the inputs that have one (64 -> 128 -> ... -> limit); False when none
    could grow.  A fully convolutional model without its own minimum (a loaded InceptionV3 needs 75) gave 2.2.4
    an empty output for a too small image, where Keras 3 raises: the legacy side draws again, larger."""
    grown = False
    for s in specs:
        shape, size = s["shape"], max(IMAGE_SIZE, s.get("min_size") or 0)
        if any(i and d is None and free_size(shape, i) >= IMAGE_SIZE for i, d in enumerate(shape)) \
                and size * 2 <= limit:
            s["min_size"], grown = size * 2, True
    return grown


def zero_dim(shape):
    """Whether a (possibly nested, multi-output) shape has a zero-sized axis."""
    if isinstance(shape, (list, tuple)):
        if all(d is None or isinstance(d, int) for d in shape):
            return 0 in shape
        return any(zero_dim(x) for x in shape)
    return False


CTC_SOURCE_OPS = ("Identity", "Cast", "Squeeze", "ExpandDims", "Reshape")


def ctc_roles(K, inputs, specs, calls):
    """Mark the inputs that feed a K.ctc_batch_cost(y_true, y_pred, input_length, label_length) call
    (the call's own tensors, or a model input reached from them through Cast/Squeeze/Reshape/...):
    spec['ctc'] = {group, role: labels|input_length|label_length, time: y_pred's time steps, classes:
    its last axis}.  Only calls whose three integer arguments are all inputs of this model, and
    whose y_pred has a static time axis, are marked; the rest are drawn as any other input."""
    index = {id(t): i for i, t in enumerate(inputs)}

    def source(t):
        for _ in range(6):
            if id(t) in index:
                return index[id(t)]
            op = getattr(t, "op", None)
            if op is None or op.type not in CTC_SOURCE_OPS or not len(op.inputs):
                return None
            t = op.inputs[0]
        return None

    for g, (y_true, y_pred, input_length, label_length) in enumerate(calls):
        where = {role: source(t) for role, t in (("labels", y_true), ("input_length", input_length),
                                                 ("label_length", label_length))}
        shape = K.int_shape(y_pred)
        if None in where.values() or len(set(where.values())) != 3 or not shape or shape[1] is None:
            continue
        for role, i in where.items():
            specs[i]["ctc"] = {"group": g, "role": role, "time": int(shape[1]), "classes": int(shape[-1])}


def draw_ctc(specs, batch, rng):
    """{spec index: array} for the CTC-marked inputs (see ctc_roles), per group: input_length in
    [ceil(T/2), T] for T time steps, label_length in [1, min(max labels, (input_length + 1) // 2)]
    (a label of L classes with repeats needs at most 2L - 1 steps: always feasible, where random
    integers make 2.2.4's CTCLoss fail with 'Not enough time for target transition sequence'),
    labels in [0, classes - 1) (the last class is CTC's blank)."""
    groups = collections.defaultdict(dict)
    for i, s in enumerate(specs):
        if s.get("ctc"):
            groups[s["ctc"]["group"]][s["ctc"]["role"]] = i
    out = {}
    for g in sorted(groups):
        roles = groups[g]
        if set(roles) != {"labels", "input_length", "label_length"}:
            continue
        info = specs[roles["labels"]]["ctc"]
        t, classes = info["time"], info["classes"]
        lab_shape = specs[roles["labels"]]["shape"]
        max_labels = lab_shape[1] if len(lab_shape) > 1 and lab_shape[1] else t
        il = rng.integers((t + 1) // 2, t + 1, size=batch)
        hi = np.maximum(np.minimum(max_labels, (il + 1) // 2), 1)
        ll = 1 + (rng.random(batch) * hi).astype(np.int64)
        labels = rng.integers(0, max(classes - 1, 1), size=(batch, max_labels))
        for role, values in (("input_length", il), ("label_length", ll), ("labels", labels)):
            i = roles[role]
            shape = [batch if d is None else d for d in specs[i]["shape"]]
            out[i] = np.reshape(values, shape)
    return out


def draw_inputs(specs, batch, rng):
    ctc = draw_ctc(specs, batch, rng)
    xs = []
    for k, s in enumerate(specs):
        if k in ctc:
            xs.append(ctc[k].astype(s["dtype"] if s["dtype"] in ("float32", "float64", "int32", "int64")
                                    else "float32"))
            continue
        shape = [batch if i == 0 and d is None else (free_size(s["shape"], i, s.get("min_size")) if d is None else d)
                 for i, d in enumerate(s["shape"])]
        if s["int_high"]:
            a = rng.integers(0, s["int_high"], size=shape)
        elif "int" in s["dtype"]:
            a = rng.integers(0, 10, size=shape)
        else:
            a = rng.random(shape)
        if s.get("mask_value") is not None and len(shape) >= 2:
            mask_steps(a, s["mask_value"])
        xs.append(a.astype(s["dtype"] if s["dtype"] in ("float16", "float32", "float64", "int32", "int64", "uint8")
                           else "float32"))
    return xs


def mask_steps(a, value) -> None:
    """An input that starts a mask (it feeds a Masking layer, or an Embedding(mask_zero=True) with id 0):
    padded steps, as pad_sequences makes them, so that the masked path is compared too.  Row b has b % steps of its steps set to `value`: at the start (pre-padding,
    pad_sequences' default) in odd rows, at the end in even rows; row 0 is not padded."""
    steps = a.shape[1]
    for b in range(a.shape[0]):
        n = b % steps
        if n and b % 2:
            a[b, :n] = value
        elif n:
            a[b, steps - n:] = value


def static_shape(keras_shape, tensor):
    """Keras' shape, with TF's static size where Keras says None: Input(tensor=concatenate([...]))
    (neural_style_transfer's VGG19 input) is (None, None, None, 3) to Keras but (3, 400, w, 3) to TF,
    and TF refuses to feed it any other shape."""
    shape = list(keras_shape)
    try:
        tf_shape = tensor.get_shape().as_list()
    except Exception:  # noqa: BLE001 - unknown rank
        return shape
    if len(tf_shape) != len(shape):
        return shape
    return [k if k is not None else t for k, t in zip(shape, tf_shape)]


def _placeholders(tensor, limit=10_000):
    """The Placeholder ops (K.placeholder) a TF1 tensor is computed from, in graph creation order."""
    seen, stack, found = set(), [tensor.op], []
    while stack and len(seen) < limit:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if op.type == "Placeholder":
            found.append(op)
        stack.extend(i.op for i in op.inputs)
    order = {op.name: k for k, op in enumerate(tensor.graph.get_operations())}
    return [op.outputs[0] for op in sorted(found, key=lambda op: order[op.name])]


def legacy_predict(side, model, xs, batch):
    """model.predict, or for a model whose inputs are not all placeholders (Input(tensor=...):
    2.2.4's predict refuses any data for them) a session run feeding side.feed_tensors directly."""
    feed = getattr(model, "_feed_inputs", None)
    if feed is None or len(feed) == len(model.inputs):
        return side.orig["predict"](model, xs if len(xs) > 1 else xs[0], batch_size=batch, verbose=0)
    outs = _run_fed(side, model, xs, model.outputs)
    return outs if len(outs) > 1 else outs[0]


def _run_fed(side, model, xs, fetches):
    """Fetch tensors of a tensor-fed model with its feed tensors (Legacy.feed_tensors) given xs, in
    test phase."""
    K = side.K
    phase = [K.learning_phase()] if model.uses_learning_phase else []
    return K.function(side.feed_tensors(model) + phase, list(fetches))(list(xs) + [0] * len(phase))


def legacy_input_values(side, model, xs):
    """The values of a tensor-fed model's input tensors when its placeholders get xs."""
    return _run_fed(side, model, xs, model.inputs)


def _takes(model, xs) -> bool:
    """Whether arrays xs fit a Keras 3 model's inputs (count, rank, every static size)."""
    inputs = list(getattr(model, "inputs", None) or [])
    if len(inputs) != len(xs):
        return False
    for t, x in zip(inputs, xs):
        shape = tuple(t.shape)
        if len(shape) != x.ndim or any(d is not None and d != n for d, n in zip(shape, x.shape)):
            return False
    return True


def draw_targets(outputs, losses, rng):
    ys = []
    for i, out in enumerate(outputs):
        loss = losses[i] if i < len(losses) else ""
        if "sparse_categorical" in loss:
            y = rng.integers(0, out.shape[-1], size=out.shape[:-1] + (1,)).astype("float32")
        elif "categorical" in loss:
            y = np.eye(out.shape[-1], dtype="float32")[rng.integers(0, out.shape[-1], size=out.shape[:-1])]
        elif "binary" in loss or "hinge" in loss:
            y = rng.integers(0, 2, size=out.shape).astype("float32")
        else:
            y = rng.random(out.shape).astype("float32")
        ys.append(y)
    return ys
