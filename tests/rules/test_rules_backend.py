"""Before/after tests for backend-ops (K.* -> Keras 3) and add-loss (model.add_loss(tensor)).

Each semantic choice is read from genuine 2.2.4 keras/backend/tensorflow_backend.py (see
migrate/tables/backend.py); the numbers are compared with genuine 2.2.4 in
tests/numeric/test_backend_ops_numeric.py.  Untouched code stays byte-identical; helpers are defined once.
"""
from __future__ import annotations

import libcst as cst

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.migrate.rules.add_loss import PRELUDE as ADD_LOSS_PRELUDE
from kfn_gen.migrate.tables.backend import BACKEND_HELPERS

HEAD = """\
from keras import backend as K
from keras.layers import Lambda
"""
BEFORE = HEAD + """\
def f(x, y, z):
    a = K.gather(x, [0, 2])
    b = K.cumsum(K.exp(x), 1) + K.cumprod(x)
    c = K.l2_normalize(x, axis=-1) + K.l2_normalize(x)
    d = K.in_top_k(x, y, 3)
    e = K.zeros((2, 3), 'float32', 'zz') + K.eye(3, 'float32') + K.identity(x, name='i')
    g = K.pow(x, a=2) + K.clip(x, min_value=0.0, max_value=1.0) + K.concatenate([x, y])
    h = K.sqrt(K.sum(K.square(x), axis=1)) + K.hard_sigmoid(x + 1)
    i = K.reshape(x, (K.shape(x)[0], K.int_shape(x)[1] * 2)) + K.cast(K.shape(x), 'float32')
    j = K.batch_dot(x, y, axes=[2, 3]) + K.batch_flatten(z)
    k = K.random_normal((K.shape(x)[0], 2), seed=1) + K.random_uniform(shape=(3,))
    l = K.conv1d(x, z, padding='causal') + K.local_conv1d(x, z, [1], [1]) + K.switch(x, y, z)
    m = K.update_add(z, 1.0) + K.constant([1, 2]) + K.dtype(x) + K.repeat(x, 3)
    n = K.ctc_batch_cost(x, y, z, z)
    return K.mean(x, axis=1, keepdims=True) + K.argmax(x) + K.epsilon()
"""
AFTER_BODY = """\
def f(x, y, z):
    a = keras.ops.take(x, [0, 2], axis=0)
    b = keras.ops.cumsum(keras.ops.exp(x), 1) + keras.ops.cumprod(x, axis=0)
    c = keras.ops.normalize(x, axis=-1, epsilon=1e-6) + keras.ops.normalize(x, axis=None, epsilon=1e-6)
    d = keras.ops.in_top_k(predictions=x, targets=y, k=3)
    e = keras.ops.zeros((2, 3), 'float32') + keras.ops.eye(N=3, dtype='float32') + keras.ops.copy(x)
    g = keras.ops.power(x, x2=2) + keras.ops.clip(x, x_min=0.0, x_max=1.0) + keras.ops.concatenate([x, y], axis=-1)
    h = keras.ops.sqrt(keras.ops.maximum(keras.ops.sum(keras.ops.square(x), axis=1), 0.0)) + keras.ops.clip(0.2 * (x + 1) + 0.5, 0.0, 1.0)
    i = keras.ops.reshape(x, (keras.ops.shape(x)[0], tuple(x.shape)[1] * 2)) + keras.ops.cast(keras224_shape(x), 'float32')
    j = keras224_batch_dot(x, y, axes=[2, 3]) + keras224_batch_flatten(z)
    k = keras.random.normal((keras.ops.shape(x)[0], 2), seed=1) + keras.random.uniform(shape=(3,))
    l = K.conv1d(x, z, padding='causal') + K.local_conv1d(x, z, [1], [1]) + K.switch(x, y, z)
    m = z.assign_add(1.0) + keras.ops.convert_to_tensor([1, 2], dtype=keras.backend.floatx()) + keras.backend.standardize_dtype(x.dtype) + keras.ops.repeat(keras.ops.expand_dims(x, 1), 3, axis=1)
    n = keras224_ctc_batch_cost(x, y, z, z)
    return keras.ops.mean(x, axis=1, keepdims=True) + keras.ops.argmax(x, axis=-1) + K.epsilon()
"""
DIAGS = [
    (4, 'info', 'backend-ops', "`K.gather` -> `keras.ops.take` with axis=0 (2.2.4's behaviou"),
    (5, 'info', 'backend-ops', '`K.cumsum` -> `keras.ops.cumsum`'),
    (5, 'info', 'backend-ops', '`K.exp` -> `keras.ops.exp`'),
    (5, 'info', 'backend-ops', "`K.cumprod` -> `keras.ops.cumprod` with axis=0 (2.2.4's beha"),
    (6, 'info', 'backend-ops', '`K.l2_normalize` -> `keras.ops.normalize` with epsilon=1e-6 '),
    (6, 'info', 'backend-ops', '`K.l2_normalize` -> `keras.ops.normalize` with axis=None, ep'),
    (7, 'info', 'backend-ops', '`K.in_top_k` -> `keras.ops.in_top_k`'),
    (8, 'info', 'backend-ops', '`K.zeros` -> `keras.ops.zeros`'),
    (8, 'info', 'backend-ops', '`K.eye` -> `keras.ops.eye`'),
    (8, 'info', 'backend-ops', '`K.identity` -> `keras.ops.copy`'),
    (9, 'info', 'backend-ops', '`K.pow` -> `keras.ops.power`'),
    (9, 'info', 'backend-ops', '`K.clip` -> `keras.ops.clip`'),
    (9, 'info', 'backend-ops', '`K.concatenate` -> `keras.ops.concatenate` with axis=-1 (2.2'),
    (10, 'info', 'backend-ops', '`K.sqrt(...)` -> `keras.ops.sqrt(keras.ops.maximum(…, 0.0))`'),
    (10, 'info', 'backend-ops', '`K.sum` -> `keras.ops.sum`'),
    (10, 'info', 'backend-ops', '`K.square` -> `keras.ops.square`'),
    (10, 'info', 'backend-ops', '`K.hard_sigmoid(...)` -> `keras.ops.clip(0.2 * … + 0.5, 0.0,'),
    (11, 'info', 'backend-ops', '`K.reshape` -> `keras.ops.reshape`'),
    (11, 'info', 'backend-ops', "`K.shape(...)` -> `keras.ops.shape(…)` (2.2.4's semantics)"),
    (11, 'info', 'backend-ops', "`K.int_shape(...)` -> `tuple(….shape)` (2.2.4's semantics)"),
    (11, 'info', 'backend-ops', '`K.cast` -> `keras.ops.cast`'),
    (11, 'info', 'backend-ops', "`K.shape` -> `keras224_shape` (2.2.4's shape, defined in the"),
    (12, 'info', 'backend-ops', "`K.batch_dot` -> `keras224_batch_dot` (2.2.4's batch_dot, de"),
    (12, 'info', 'backend-ops', "`K.batch_flatten` -> `keras224_batch_flatten` (2.2.4's batch"),
    (13, 'info', 'backend-ops', '`K.random_normal` -> `keras.random.normal`'),
    (13, 'warning', 'backend-ops', '`K.random_normal` with a seed: 2.2.4 drew new numbers on eve'),
    (13, 'info', 'backend-ops', "`K.shape(...)` -> `keras.ops.shape(…)` (2.2.4's semantics)"),
    (13, 'info', 'backend-ops', '`K.random_uniform` -> `keras.random.uniform`'),
    (14, 'warning', 'backend-ops', "`K.conv1d`: Keras 3's keras.ops.conv has no 'causal' padding"),
    (14, 'warning', 'backend-ops', '`K.local_conv1d` has no faithful Keras 3 equivalent (Keras 3'),
    (14, 'warning', 'backend-ops', '`K.switch` has no faithful Keras 3 equivalent (use keras.ops'),
    (15, 'info', 'backend-ops', "`K.update_add(...)` -> `….assign_add(…)` (2.2.4's semantics)"),
    (15, 'info', 'backend-ops', '`K.constant(...)` -> `keras.ops.convert_to_tensor(…, dtype=…'),
    (15, 'info', 'backend-ops', '`K.dtype(...)` -> `keras.backend.standardize_dtype(….dtype)`'),
    (15, 'info', 'backend-ops', '`K.repeat(...)` -> `keras.ops.repeat(keras.ops.expand_dims(…'),
    (16, 'info', 'backend-ops', "`K.ctc_batch_cost` -> `keras224_ctc_batch_cost` (2.2.4's ctc"),
    (17, 'info', 'backend-ops', '`K.mean` -> `keras.ops.mean`'),
    (17, 'info', 'backend-ops', "`K.argmax` -> `keras.ops.argmax` with axis=-1 (2.2.4's behav"),
]


def _migrate(src):
    result = migrate_source(src, "t.py")
    assert result.code is not None, [d.format() for d in result.diagnostics]
    return result


def test_backend_ops_before_after():
    result = _migrate(BEFORE)
    helpers = "".join("\n\n" + BACKEND_HELPERS[fn][1].format(name=BACKEND_HELPERS[fn][0]) + "\n"
                      for fn in ("batch_dot", "batch_flatten", "ctc_batch_cost", "shape"))
    assert result.code == HEAD + "import keras\n" + helpers + "\n\n" + AFTER_BODY
    cst.parse_module(result.code)


def test_backend_ops_diagnostics():
    got = [(d.line, d.severity, d.rule, d.message) for d in _migrate(BEFORE).diagnostics if d.rule == "backend-ops"]
    assert len(got) == len(DIAGS), got
    for (line, severity, rule, prefix), g in zip(DIAGS, got):
        assert g[:3] == (line, severity, rule) and g[3].startswith(prefix), (g, prefix)


def test_backend_ops_idempotent():
    once = _migrate(BEFORE).code
    again = _migrate(once)
    assert again.code == once
    assert not [d for d in again.diagnostics if d.rule == "backend-ops" and d.severity == "info"]


def test_unbindable_call_is_reported_not_rewritten():
    src = HEAD + "args = (1, 2)\ny = K.mean(*args)\nz = K.sqrt(x=1, bogus=2)\n"
    result = _migrate(src)
    assert result.code == src
    msgs = [d for d in result.diagnostics if d.rule == "backend-ops"]
    assert [(d.line, d.severity) for d in msgs] == [(4, "warning"), (5, "warning")]
    assert "cannot be matched to 2.2.4's mean(x, axis, keepdims)" in msgs[0].message


def test_shape_tensor_vs_subscript():
    src = HEAD + "def f(x):\n    return K.shape(x)[1:], K.shape(x) * 2\n"
    code = _migrate(src).code
    assert "return keras.ops.shape(x)[1:], keras224_shape(x) * 2" in code
    assert "def keras224_shape(x):" in code


ADD_LOSS_BEFORE = """\
from keras.layers import Input, Dense
from keras.models import Model
from keras import backend as K
x = Input(shape=(4,))
h = Dense(3)(x)
model = Model(x, h)
model.add_loss(K.mean(K.square(h)))
model.add_loss(K.mean(h), inputs=x)
model.compile(optimizer='adam')
"""


def test_add_loss_before_after():
    result = _migrate(ADD_LOSS_BEFORE)
    helper = ADD_LOSS_PRELUDE.format(name="keras224_add_loss")
    assert result.code == ADD_LOSS_BEFORE.replace(
        "from keras import backend as K\n", "from keras import backend as K\nimport keras\n\n\n" + helper + "\n\n\n").replace(
        "model.add_loss(K.mean(K.square(h)))", "keras224_add_loss(model, keras.ops.mean(keras.ops.square(h)))").replace(
        "model.add_loss(K.mean(h), inputs=x)", "model.add_loss(keras.ops.mean(h), inputs=x)")
    diags = [(d.line, d.severity) for d in result.diagnostics if d.rule == "add-loss"]
    assert diags == [(7, "info"), (8, "warning")]


def test_add_loss_in_a_custom_layer_call_is_kept():
    src = """\
from keras.layers import Layer
from keras import backend as K
class L(Layer):
    def call(self, x):
        self.add_loss(K.sum(x))
        return x
"""
    code = _migrate(src).code
    assert "self.add_loss(keras.ops.sum(x))" in code and "keras224_add_loss" not in code



ADD_WEIGHT_BEFORE = '''\
from keras.layers import Layer
class L(Layer):
    def build(self, input_shape):
        self.w = self.add_weight('w', (input_shape[-1], 3), initializer='uniform')
        self.b = self.add_weight((3,), 'b', trainable=False)
        self.c = self.add_weight(name='c', shape=(3,))
        shape = (3,)
        self.d = self.add_weight(shape, 'd')
class NotKeras(object):
    def build(self):
        self.add_weight('x', (1,))
'''


def test_add_weight_positionals_keyworded_as_keras224_bound_them():
    """2.2.4: add_weight(name, shape, ...), or (shape, name) when the first is a tuple/list
    (legacy/interfaces.py:add_weight_args_preprocessing); Keras 3's first positional is shape."""
    result = _migrate(ADD_WEIGHT_BEFORE)
    assert result.code == ADD_WEIGHT_BEFORE.replace(
        "self.add_weight('w', (input_shape[-1], 3),", "self.add_weight(name='w', shape=(input_shape[-1], 3),").replace(
        "self.add_weight((3,), 'b',", "self.add_weight(shape=(3,), name='b',")
    diags = [(d.line, d.severity) for d in result.diagnostics if d.rule == "custom-layers"]
    assert diags == [(4, "info"), (5, "info"), (8, "warning")]
