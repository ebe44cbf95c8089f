"""The K.gradients helper the migration defines in a script (migrate/rules/gradients.py explains it), and
the calls it takes: backend-function needs to know which K.gradients calls become Keras tensors."""
from __future__ import annotations

import libcst as cst

GRADIENTS = "keras.backend.tensorflow_backend.gradients"

HELPER = '''def {name}(loss, variables, bound=()):
    """Keras 2.2.4's K.gradients(loss, variables) for Keras tensors: a list with, for each variable
    (a Keras input tensor), a Keras tensor computing d sum(loss) / d variable (tf.GradientTape on
    keras.Model(variables, loss)), usable in keras.ops, models and keras224_function.  `bound`:
    (keras.Input, value) pairs of 2.2.4's Input(tensor=constant) (keras224_tensor_input) the loss
    may also depend on; the gradient tensors then depend on them too."""
    import tensorflow as tf

    if keras.backend.backend() != "tensorflow":
        raise NotImplementedError("keras224_gradients (K.gradients) needs the TensorFlow backend")
    variables = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    for t in [loss] + variables:
        if not isinstance(t, keras.KerasTensor):
            raise TypeError("K.gradients was migrated for Keras tensors only (a loss built from layer outputs, "
                            "variables that are model inputs); got %r: use tf.GradientTape by hand" % (t,))
    extra = [x for x, _ in bound if all(x is not v for v in variables)]
    model = keras.Model(variables + extra, loss)

    class Gradient(keras.layers.Layer):
        def __init__(self, index):
            super().__init__()
            self.index = index
            self.loss_model = model

        def call(self, xs, training=None):
            xs = list(xs)
            with tf.GradientTape() as tape:
                tape.watch(xs)
                total = tf.reduce_sum(self.loss_model(xs, training=training))
            grad = tape.gradient(total, xs[self.index])
            if grad is None:
                raise ValueError("K.gradients: the loss does not depend on variable %d (2.2.4 gave None)"
                                 % self.index)
            return grad

    return [Gradient(i)(variables + extra) for i in range(len(variables))]'''


def migratable(call: cst.Call) -> bool:
    """`K.gradients(loss, variables)`: exactly two positional arguments (2.2.4's signature)."""
    return len(call.args) == 2 and all(a.keyword is None and not a.star for a in call.args)
