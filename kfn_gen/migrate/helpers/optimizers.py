"""Keras 2.2.4's RMSprop and Adagrad, as code the migrated script defines for itself.

Both compute lr * g / (sqrt(a) + epsilon) in 2.2.4 (keras/optimizers.py, RMSprop.get_updates and
Adagrad.get_updates); Keras 3 computes lr * g / sqrt(a + epsilon), and its Adagrad starts the
accumulator at 0.1 instead of 0.  With gradients near 1e-4 a step differs 10x.  The classes use
Keras 3's documented custom-optimizer API and are registered, so save/load works.
"""

RMSPROP = '''@keras.utils.register_keras_serializable(package="keras224")
class {name}(keras.optimizers.Optimizer):
    """RMSprop as Keras 2.2.4 computed it: lr * g / (sqrt(a) + epsilon) (Keras 3: sqrt(a + epsilon))."""

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, name="keras224_rmsprop", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = [self.add_variable_from_reference(v, "accumulator") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        a = self._accumulators[self._get_variable_index(variable)]
        g = keras.ops.cast(gradient, variable.dtype)
        lr = keras.ops.cast(learning_rate, variable.dtype)
        # keras.ops calls rather than operators: Embedding gradients arrive as IndexedSlices
        self.assign(a, keras.ops.add(keras.ops.multiply(self.rho, a),
                                     keras.ops.multiply(1.0 - self.rho, keras.ops.square(g))))
        self.assign_sub(variable, keras.ops.divide(keras.ops.multiply(lr, g),
                                                   keras.ops.add(keras.ops.sqrt(a), self.epsilon)))

    def get_config(self):
        return {{**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}}'''

ADAGRAD = '''@keras.utils.register_keras_serializable(package="keras224")
class {name}(keras.optimizers.Optimizer):
    """Adagrad as Keras 2.2.4 computed it: accumulator from 0, lr * g / (sqrt(a) + epsilon)."""

    def __init__(self, learning_rate=0.01, epsilon=1e-7, name="keras224_adagrad", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = [self.add_variable_from_reference(v, "accumulator") for v in var_list]

    def update_step(self, gradient, variable, learning_rate):
        a = self._accumulators[self._get_variable_index(variable)]
        g = keras.ops.cast(gradient, variable.dtype)
        lr = keras.ops.cast(learning_rate, variable.dtype)
        # keras.ops calls rather than operators: Embedding gradients arrive as IndexedSlices
        self.assign_add(a, keras.ops.square(g))
        self.assign_sub(variable, keras.ops.divide(keras.ops.multiply(lr, g),
                                                   keras.ops.add(keras.ops.sqrt(a), self.epsilon)))

    def get_config(self):
        return {{**super().get_config(), "epsilon": self.epsilon}}'''

CLASSES = {"RMSprop": ("Keras224RMSprop", RMSPROP), "Adagrad": ("Keras224Adagrad", ADAGRAD)}
