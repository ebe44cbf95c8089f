"""Random draws replaced by the same deterministic function of the shape on both sides (a VAE's sampling
can then be compared); Keras' own internal draws stay real."""
from __future__ import annotations

import functools
import sys


def draws(tf) -> dict:
    """{"normal", "uniform", "truncated_normal"}: keras.random's signatures, the deterministic values below,
    over the `tf` given (tf.compat.v1 or TF 2).  Also what `kfn-gen generate`'s module check puts in place of
    a generated module's random helpers (verify/worker/check_module.py), so that both compare the same draws."""
    def values(shape, dtype, low_scale):
        shape = tf.convert_to_tensor(shape if not isinstance(shape, (list, tuple)) else list(shape))
        shape = tf.cast(shape, "int32")
        i = tf.cast(tf.range(tf.reduce_prod(shape)), "float32")
        s = tf.reshape(tf.sin(0.7 * i + 0.3), shape)
        out = low_scale(s)
        dtype = tf.as_dtype(dtype or "float32")
        if dtype.is_integer:
            out = tf.floor(out)
        return tf.cast(out, dtype)

    def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        return values(shape, dtype, lambda s: mean + stddev * (1.7320508 * s))

    def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
        if maxval is None:
            maxval = 1.0
        return values(shape, dtype, lambda s: minval + (maxval - minval) * (0.5 + 0.5 * s))

    return {"normal": normal, "uniform": uniform, "truncated_normal": normal}


def install_random_standin(side):
    """Random draws made by the user's script become one deterministic function of the shape.

    No two runtimes draw the same random numbers, so a model that samples in its forward pass (a VAE's
    ``K.random_normal(shape=(batch, dim))`` in a Lambda) could never verify.  During verification both
    sides replace the script's random calls with the SAME function: with i = 0, 1, ... over the
    flattened shape, ``s = sin(0.7 * i + 0.3)`` in float32 (TF ops, so it works on symbolic shapes in
    tf.compat.v1 graph mode and in Keras 3 traced functions alike), then ``mean + stddev * sqrt(3) * s``
    for normal and truncated normal draws, ``minval + (maxval - minval) * (0.5 + 0.5 * s)`` for uniform
    ones (floored for integer dtypes), cast to the requested dtype (floatx when None).  The seed is ignored.

    Legacy side: ``keras.backend.random_normal`` & co. (what ``K.random_normal`` finds; the
    tensorflow_backend module too), but calls from inside Keras 2.2.4 itself (initializers,
    GaussianNoise) keep the real function.  Keras 3 side: the public ``keras.random`` module (and
    tf.keras' view of it); Keras 3's own layers and initializers call ``keras.src.random`` and are
    untouched.  Uses are counted in ``side.calls`` (``random_standin:<name>``) and the report says so.
    """
    fakes = draws(sys.modules["tensorflow"])  # tf.compat.v1 on the legacy side

    def counted(name, fake, real, internal_prefix=None):
        @functools.wraps(real)
        def standin(*args, **kwargs):
            if internal_prefix and sys._getframe(1).f_globals.get("__name__", "").startswith(internal_prefix):
                return real(*args, **kwargs)
            side.calls[f"random_standin:{name}"] += 1
            return fake(*args, **kwargs)
        return standin

    if side.name == "legacy":
        mods = [sys.modules.get("keras.backend"), sys.modules.get("keras.backend.tensorflow_backend")]
        names = {"random_normal": "normal", "random_uniform": "uniform", "truncated_normal": "truncated_normal"}
        prefix = "keras."
    else:
        mods = [side.keras.random]
        try:
            import keras._tf_keras.keras.random as tf_keras_random
            mods.append(tf_keras_random)
        except ImportError:
            pass
        names = {"normal": "normal", "uniform": "uniform", "truncated_normal": "truncated_normal"}
        prefix = None
    for mod in {id(m): m for m in mods if m is not None}.values():
        for attr, kind in names.items():
            real = getattr(mod, attr, None)
            if real is not None and not getattr(real, "_kfn_standin", False):
                fake = counted(attr, fakes[kind], real, prefix)
                fake._kfn_standin = True
                setattr(mod, attr, fake)
