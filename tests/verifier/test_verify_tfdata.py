"""tf.data idiom (migrate/rules/tensor_inputs.py) verified against genuine Keras 2.2.4, with a
K.clear_session() between the train model and a second model as keras/examples/mnist_dataset_api.py
does: the legacy side still runs the model built before the clear (runner Legacy.model_scope)."""
from __future__ import annotations

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.options import Options
from kfn_gen.verify import verify_pair

OLD = '''\
import numpy as np
import tensorflow as tf
from keras import backend as K
from keras import layers, models
x_train = np.random.RandomState(0).rand(16, 5).astype(np.float32)
y_train = tf.one_hot(np.arange(16) % 3, 3)
dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
dataset = dataset.repeat().batch(4)
iterator = dataset.make_one_shot_iterator()
inputs, targets = iterator.get_next()
model_input = layers.Input(tensor=inputs)
h = layers.Dense(7, activation='relu')(model_input)
train_model = models.Model(model_input, layers.Dense(3, activation='softmax')(h))
train_model.compile(optimizer='sgd', loss='categorical_crossentropy', target_tensors=[targets])
train_model.fit(epochs=1, steps_per_epoch=2)
K.clear_session()
x = layers.Input(shape=(5,))
test_model = models.Model(x, layers.Dense(2)(layers.Dense(4, activation='tanh')(x)))
test_model.compile(optimizer='sgd', loss='mse')
'''


def test_tfdata_idiom_matches_after_clear_session(legacy_dir, tmp_path):
    old = tmp_path / "old.py"
    old.write_text(OLD)
    result = migrate_source(OLD, str(old), Options())
    assert result.ok and "fit(dataset, epochs=1" in result.code
    new = tmp_path / "new.py"
    new.write_text(result.code)
    r = verify_pair(str(old), str(new), legacy_dir=legacy_dir)
    assert r.status == "match", (r.reason, [(m.name, m.problems) for m in r.models])
    assert [m.name for m in r.models] == ["train_model", "test_model"]
    assert all(m.outputs and all(o.ok for o in m.outputs) for m in r.models)
    assert r.models[0].max_abs_diff is not None and r.models[0].max_abs_diff <= 1e-5


def test_control_unmigrated_idiom_differs(legacy_dir, tmp_path):
    """Control: the Keras 3 script keeping make_one_shot_iterator raises there and builds one model."""
    old = tmp_path / "old.py"
    old.write_text(OLD)
    new = tmp_path / "new.py"
    new.write_text(OLD.replace("import numpy as np\n", "import numpy as np\nimport keras\n"))
    r = verify_pair(str(old), str(new), legacy_dir=legacy_dir)
    assert r.status != "match"
