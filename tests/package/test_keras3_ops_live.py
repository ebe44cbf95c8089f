"""The keras.ops -> TensorFlow table (render/keras3_ops.py) against the installed Keras 3 and TensorFlow:
every keras.ops name exists, its parameters are keras.ops' own (names, order, defaults), and every
TensorFlow function it names exists.  Numbers: each translation computes what keras.ops computes."""
from __future__ import annotations

import inspect

import pytest

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")
np = pytest.importorskip("numpy")

from kfn_gen.render.keras3_ops import COMPOSITE, INFIX, OPS, REQUIRED, call  # noqa: E402

pytestmark = pytest.mark.tf


def _resolve(dotted: str):
    obj = tf
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("name", sorted(OPS) + sorted(COMPOSITE))
def test_each_entry_matches_the_live_keras_ops_signature(name):
    fn, params = OPS.get(name) or ("tf.identity", COMPOSITE[name][1])
    live = inspect.signature(getattr(keras.ops, name)).parameters
    assert [p[0] for p in params] == list(live)[:len(params)], f"keras.ops.{name}{inspect.signature(getattr(keras.ops, name))}"
    for pname, _, default in params:
        want = inspect.Parameter.empty if default is REQUIRED else default
        assert live[pname].default == want, f"keras.ops.{name}: default of {pname}"
    assert fn in INFIX or callable(_resolve(fn))


CASES = [("sum", ["x"], {"axis": "1", "keepdims": "True"}), ("mean", ["x"], {}), ("max", ["x"], {"axis": "-1"}),
         ("square", ["x"], {}), ("abs", ["x"], {}), ("maximum", ["x", "y"], {}), ("subtract", ["x", "y"], {}),
         ("concatenate", ["[x, y]"], {}), ("concatenate", ["[x, y]"], {"axis": "-1"}),
         ("expand_dims", ["x"], {"axis": "1"}), ("transpose", ["x"], {}), ("softmax", ["x"], {}),
         ("clip", ["x", "-0.5", "0.5"], {}), ("stack", ["[x, y]"], {"axis": "1"}), ("power", ["x", "2.0"], {}),
         ("normalize", ["x"], {"axis": "1"}), ("normalize", ["x"], {"epsilon": "10.0"})]


@pytest.mark.parametrize("name, args, kwargs", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_translation_computes_what_keras_ops_computes(name, args, kwargs):
    rng = np.random.default_rng(0)
    x, y = (rng.standard_normal((3, 4)).astype("float32") for _ in range(2))
    scope = {"x": x, "y": y}
    want = np.asarray(eval(f"keras.ops.{name}({', '.join(args + [f'{k}={v}' for k, v in kwargs.items()])})",
                           {"keras": keras, **scope}))
    got = np.asarray(eval(call(name, args, kwargs), {"tf": tf, "x": tf.constant(x), "y": tf.constant(y)}))
    assert got.shape == want.shape and float(np.max(np.abs(got - want))) <= 1e-6


def test_a_composite_op_never_evaluates_an_argument_twice():
    """normalize reads x twice: a random draw or any call passed as x would run twice; it is refused."""
    from kfn_gen.render.keras3_ops import OpError

    with pytest.raises(OpError, match="assign"):
        call("normalize", ["random_normal((2, 3))"], {})
    with pytest.raises(OpError, match="order"):
        call("normalize", ["x"], {"order": "1"})
    assert call("normalize", ["x"], {}, epsilon=0.5).endswith("1.0 / 0.5))")


def test_ctc_loss_computes_what_keras_ops_computes():
    """image_ocr's loss (the migration's K.ctc_batch_cost helper calls keras.ops.ctc_loss)."""
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((3, 7, 5)).astype("float32")
    labels = np.array([[1, 2, 0], [3, 3, 1], [2, 0, 0]], "int32")
    lengths = {"t": np.array([3, 3, 1], "int32"), "o": np.array([7, 6, 7], "int32")}
    want = np.asarray(keras.ops.ctc_loss(labels, logits, lengths["t"], lengths["o"], mask_index=4))
    expr = call("ctc_loss", ["labels", "logits", "t", "o"], {"mask_index": "4"})
    got = np.asarray(eval(expr, {"tf": tf, "labels": tf.constant(labels), "logits": tf.constant(logits),
                                 "t": tf.constant(lengths["t"]), "o": tf.constant(lengths["o"])}))
    assert got.shape == (3,) and float(np.max(np.abs(got - want))) <= 1e-5
    other = np.asarray(eval(call("ctc_loss", ["labels", "logits", "t", "o"], {}), {
        "tf": tf, "labels": tf.constant(labels), "logits": tf.constant(logits), "t": tf.constant(lengths["t"]),
        "o": tf.constant(lengths["o"])}))
    assert float(np.max(np.abs(other - want))) > 0.1  # the blank index matters
