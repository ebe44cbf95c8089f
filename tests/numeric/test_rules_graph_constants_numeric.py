"""graph-constants and K.shape (migrate/rules/graph_constants.py, tables_backend.BACKEND_HELPERS["shape"])
compute what genuine Keras 2.2.4 computed: the deep_dream idiom on a small seeded conv net whose
input has unknown height and width.

`K.set_learning_phase(0)` (removed), `loss = K.variable(0.)` (a constant tensor) accumulating
`coeff * K.sum(K.square(x[:, 1:-1, 1:-1, :])) / K.prod(K.cast(K.shape(x), 'float32'))` over two
layers (the shape is only known when the model runs), the gradient w.r.t. the input normalized and
fetched with K.function on two image sizes, run under Keras 2.2.4 (tf.compat.v1,
kfn_gen.verify.worker.shim224) and, migrated by kfn-gen, under Keras 3; the values are compared.
Controls: the scaling depends on the run-time image size (a static shape could not give it), and the
migrated model in training mode (what K.set_learning_phase(1) would give: Dropout and
BatchNormalization batch statistics) gives a different loss, so the removed phase mattered.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402
from tests.helpers import run_script_npz  # noqa: E402

pytestmark = [pytest.mark.tf, pytest.mark.legacy]

SCRIPT = textwrap.dedent("""\
    import numpy as np
    from keras import backend as K
    from keras.layers import Input, Conv2D, BatchNormalization, Dropout
    from keras.models import Model

    K.set_learning_phase(0)
    img = Input(shape=(None, None, 3))
    c1 = Conv2D(4, 3, activation='relu', name='c1')(img)
    b1 = BatchNormalization(name='b1')(c1)
    d1 = Dropout(0.5)(b1)
    c2 = Conv2D(5, 3, activation='tanh', name='c2')(d1)
    model = Model(img, c2)
    rng = np.random.RandomState(0)
    for layer in model.layers:
        if layer.get_weights():
            layer.set_weights([rng.uniform(0.2, 1.5, w.shape).astype('float32') for w in layer.get_weights()])
    layer_dict = dict([(layer.name, layer) for layer in model.layers])

    loss = K.variable(0.)
    for name, coeff in (('b1', 0.5), ('c2', 2.)):
        x = layer_dict[name].output
        scaling = K.prod(K.cast(K.shape(x), 'float32'))
        loss += coeff * K.sum(K.square(x[:, 1:-1, 1:-1, :])) / scaling
    grads = K.gradients(loss, img)[0]
    grads /= K.maximum(K.mean(K.abs(grads)), K.epsilon())
    outputs = [loss, grads]
    fetch = K.function([img], outputs)
    sizes = K.function([img], [K.shape(c2)])
    a = rng.uniform(-1, 1, (1, 9, 11, 3))
    b = rng.uniform(-1, 1, (2, 14, 8, 3))
    la, ga = fetch([a])
    lb, gb = fetch([b])
    out = dict(la=la, ga=ga, lb=lb, gb=gb, sa=sizes([a])[0], sb=sizes([b])[0])
    np.savez('out.npz', **out)
    """)

def test_constant_variable_and_dynamic_shape_match_keras224(legacy_dir, tmp_path):
    migrated = migrate_source(SCRIPT, "script.py")
    assert migrated.ok, [d.format() for d in migrated.diagnostics]
    code = migrated.code
    assert "set_learning_phase" not in code and "K.variable" not in code and "keras224_shape(x)" in code
    old = run_script_npz(SCRIPT, tmp_path / "old", legacy_dir)
    # the control, Keras 3 side only: the same loss model called in training mode
    control = ("train = keras.Model(img, loss)\n"
               "out['la_train'] = keras.ops.convert_to_numpy(train(a, training=True))\n"
               "np.savez('out.npz', **out)\n")
    new = run_script_npz(code + control, tmp_path / "new")
    for key in ("la", "ga", "lb", "gb", "sa", "sb"):
        assert new[key].shape == old[key].shape, key
        assert np.max(np.abs(new[key] - old[key])) <= 1e-5, (key, np.max(np.abs(new[key] - old[key])))
    assert old["sa"].tolist() == [1, 5, 7, 5] and old["sb"].tolist() == [2, 10, 4, 5]
    assert new["sa"].dtype == old["sa"].dtype == np.int32
    assert abs(float(old["la"])) > 1e-2 and abs(float(old["lb"])) > 1e-2 and np.abs(old["ga"]).mean() > 0.5
    # control: in training mode (Dropout, batch statistics) the loss differs: the removed phase mattered
    assert abs(float(new["la_train"]) - float(old["la"])) > 1e-3


PLACEHOLDER_SCRIPT = textwrap.dedent("""\
    import numpy as np
    from keras import backend as K
    from keras.layers import Dense

    rng = np.random.RandomState(1)
    fixed = K.variable(rng.uniform(-1, 1, (2, 4)))
    p = K.placeholder((1, 4))
    both = K.concatenate([fixed, p], axis=0)
    dense = Dense(3, activation='tanh')
    h = dense(both)
    dense.set_weights([rng.uniform(-1, 1, (4, 3)).astype('float32'), rng.uniform(-1, 1, (3,)).astype('float32')])
    assert K.ndim(h) == 2
    loss = K.sum(K.square(h))
    grads = K.gradients(loss, p)[0]
    f = K.function([p], [h, loss, grads])
    x = rng.uniform(-1, 1, (1, 4))
    hv, lv, gv = f([x])
    np.savez('out.npz', hv=hv, lv=lv, gv=gv)
    """)


def test_placeholder_and_constant_variables_match_keras224(legacy_dir, tmp_path):
    """neural_style_transfer's input: constant K.variable images concatenated with a K.placeholder
    (-> keras.Input(batch_shape=...)), through a layer, fetched and differentiated by K.function."""
    migrated = migrate_source(PLACEHOLDER_SCRIPT, "script.py")
    assert migrated.ok, [d.format() for d in migrated.diagnostics]
    assert "keras.Input(batch_shape=(1, 4)" in migrated.code and "len(h.shape) == 2" in migrated.code
    old = run_script_npz(PLACEHOLDER_SCRIPT, tmp_path / "old", legacy_dir)
    new = run_script_npz(migrated.code, tmp_path / "new")
    for key in ("hv", "lv", "gv"):
        assert new[key].shape == old[key].shape, key
        assert np.max(np.abs(new[key] - old[key])) <= 1e-5, (key, np.max(np.abs(new[key] - old[key])))
    # the constant rows count: the output has the 2 fixed rows and the fed one, all different
    assert old["hv"].shape == (3, 3) and np.abs(old["hv"][0] - old["hv"][2]).max() > 1e-2
    assert np.abs(old["gv"]).max() > 1e-2
