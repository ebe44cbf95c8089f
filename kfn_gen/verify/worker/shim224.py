"""Boot genuine Keras 2.2.4 on TensorFlow 2.21's ``tf.compat.v1`` (subprocess only).

Only the verifier's runner imports this, inside a subprocess that never imports Keras 3.
Order matters (each step is load-bearing):

1. collections ABC aliases, numpy/inspect aliases (plain Python, before anything imports them);
2. ``import tensorflow`` and ``tf.compat.v1.disable_v2_behavior()``.  That call itself imports
   ``keras`` (TF's Keras-3 bridge): if the 2.2.4 directory were already on ``sys.path`` here,
   Keras 2.2.4 would be imported NOW and bind the real TF2 module (``AttributeError: module
   'tensorflow' has no attribute 'get_default_graph'``), so the directory is added only later;
3. ``sys.modules['tensorflow'] = tf.compat.v1`` so 2.2.4's ``import tensorflow as tf`` gets TF1 APIs;
4. private TF internals 2.2.4 touches that TF 2.21 removed or moved;
5. purge every ``keras``/``keras.*`` module imported by step 2 (that is Keras 3), THEN put the
   2.2.4 directory first on ``sys.path`` and ``import keras``.
"""
from __future__ import annotations

import collections
import collections.abc
import inspect
import sys


def install_python_aliases() -> None:
    """Aliases removed from Python / numpy since 2018 that 2.2.4 and 2018 scripts use."""
    # Python 3.10 removed the ABC aliases from `collections`; 2.2.4 uses collections.Iterable etc.
    for name in ("Iterable", "Mapping", "MutableMapping", "Sequence", "Callable", "Hashable", "Set",
                 "MutableSequence", "MutableSet", "Sized", "Container", "Generator", "Iterator"):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))
    # Python 3.11 removed inspect.getargspec; 2.2.4 generic_utils.has_arg and
    # keras.preprocessing.image call it (only .args/.varargs/.keywords/.defaults are read).
    if not hasattr(inspect, "getargspec"):
        ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")

        def getargspec(func):
            spec = inspect.getfullargspec(func)
            return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)

        inspect.getargspec = getargspec
    install_numpy_aliases()


def install_numpy_aliases() -> None:
    """numpy 2 removed these aliases; keras_preprocessing.sequence.pad_sequences uses np.unicode_,
    and 2018 scripts use np.float / np.int / np.bool / np.object (numpy 1.24 removed them)."""
    import numpy as np

    aliases = {
        "float_": np.float64, "unicode_": np.str_, "string_": np.bytes_, "complex_": np.complex128,
        "int": int, "float": float, "bool": bool, "object": object, "str": str, "long": int,
        "complex": complex, "unicode": str, "bool8": np.bool_, "int0": np.intp, "uint0": np.uintp,
        "NaN": np.nan, "Inf": np.inf, "PINF": np.inf, "NINF": -np.inf, "infty": np.inf,
    }
    for name, value in aliases.items():
        try:
            getattr(np, name)
        except AttributeError:
            setattr(np, name, value)


def install_h5py_bytes_attrs() -> None:
    """Keras 2.2.4 was written for h5py 2, whose string attributes read back as bytes: its saving code calls
    `.decode('utf8')` on them (`f.attrs['keras_version'].decode('utf8')`).  h5py 3 returns str, so 2.2.4's
    own load_weights of a file it just saved raised AttributeError (mnist_dataset_api).  In the 2.2.4
    process only, string attributes read back as bytes again."""
    try:
        import h5py
        import numpy as np
    except ImportError:  # pragma: no cover - h5py comes with the [tf] extra
        return
    if getattr(h5py.AttributeManager.__getitem__, "_kfn_bytes", False):
        return
    original = h5py.AttributeManager.__getitem__

    def getitem(self, name):
        value = original(self, name)
        if isinstance(value, str):
            return value.encode("utf8")
        if isinstance(value, np.ndarray) and value.ndim == 1 and value.size == 0:
            return []  # the empty weight_names of a layer without weights: numpy 2 refuses an empty array's truth
        if isinstance(value, np.ndarray) and value.dtype.kind in "OU":
            # fixed-length bytes ('S'), as h5py 2 returned them: 2.2.4's H5Dict turns those into a list
            # (`val.dtype.type == np.string_`), and load_model tests that list's truth
            return np.array([v.encode("utf8") if isinstance(v, str) else v for v in value.flat],
                            dtype=bytes).reshape(value.shape)
        return value

    getitem._kfn_bytes = True
    h5py.AttributeManager.__getitem__ = getitem


def boot(legacy_dir: str):
    """Import and return genuine Keras 2.2.4 from legacy_dir (see the module docstring)."""
    if "keras" in sys.modules and getattr(sys.modules["keras"], "__version__", "") == "2.2.4":
        return sys.modules["keras"]
    install_python_aliases()
    install_h5py_bytes_attrs()
    import tensorflow as tf

    tf.compat.v1.disable_v2_behavior()  # imports Keras 3's bridge: purged below
    sys.modules["tensorflow"] = tf.compat.v1
    from tensorflow.python.framework import ops, tensor
    from tensorflow.python.ops import control_flow_ops, variables, while_loop

    # 2.2.4 backend.is_tensor / K.is_keras_tensor use ops._TensorLike and ops.is_dense_tensor_like,
    # both deleted from TF 2.x internals.
    ops._TensorLike = (tensor.Tensor, variables.Variable)
    ops.is_dense_tensor_like = lambda t: isinstance(t, ops._TensorLike)
    # 2.2.4 backend.rnn calls control_flow_ops.while_loop, which moved to while_loop.while_loop.
    control_flow_ops.while_loop = while_loop.while_loop
    for name in [n for n in sys.modules if n == "keras" or n.startswith("keras.")]:
        del sys.modules[name]
    sys.path.insert(0, legacy_dir)
    import keras

    if keras.__version__ != "2.2.4":
        raise ImportError(f"{legacy_dir} gave keras {keras.__version__}, expected 2.2.4")
    return keras
