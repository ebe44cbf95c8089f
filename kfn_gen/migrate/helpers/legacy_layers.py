"""`MaxoutDense` and `Highway` (keras/legacy/layers.py, deprecated in 2.2.4, gone in Keras 3) ->
2.2.4's own layers, defined in the migrated script.

2.2.4's MaxoutDense: W (nb_feature, input_dim, output_dim), b (nb_feature, output_dim) zeros;
`max(K.dot(x, W) + b, axis=1)`.  Highway: W, W_carry (input_dim, input_dim), b zeros, b_carry ones
(in that weight order); t = sigmoid(x W_carry + b_carry), y = t * activation(x W + b) + (1 - t) * x,
activation linear by default.  Both take the Keras-1 constructor arguments 2.2.4 kept (init=,
W_regularizer=, bias=, weights=, input_dim=), so calls are unchanged but for the class.
"""
from __future__ import annotations

MAXOUT = "keras.legacy.layers.MaxoutDense"
HIGHWAY = "keras.legacy.layers.Highway"

_COMMON = '''
    def _setup(self, init, weights, W_regularizer, b_regularizer, W_constraint, b_constraint, bias):
        self.init = keras.initializers.get(init)
        self.initial_weights = weights
        self.W_regularizer = keras.regularizers.get(W_regularizer)
        self.b_regularizer = keras.regularizers.get(b_regularizer)
        self.W_constraint = keras.constraints.get(W_constraint)
        self.b_constraint = keras.constraints.get(b_constraint)
        self.bias = bias

    def _weight(self, name, shape, initializer, regularizer=None, constraint=None):
        return self.add_weight(name=name, shape=shape, initializer=initializer, regularizer=regularizer,
                               constraint=constraint)

    def _initial_weights(self):
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)
            self.initial_weights = None
'''

HELPER_MAXOUT = '''class {name}(keras.layers.Layer):
    """Keras 2.2.4's MaxoutDense (keras/legacy/layers.py), gone in Keras 3: the element-wise maximum of
    nb_feature linear layers; weights W (nb_feature, input_dim, output_dim) and b (nb_feature,
    output_dim) as in 2.2.4."""

    def __init__(self, output_dim, nb_feature=4, init='glorot_uniform', weights=None, W_regularizer=None,
                 b_regularizer=None, activity_regularizer=None, W_constraint=None, b_constraint=None, bias=True,
                 input_dim=None, **kwargs):
        if input_dim:
            kwargs['input_shape'] = (input_dim,)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.output_dim, self.nb_feature = output_dim, nb_feature
        self._setup(init, weights, W_regularizer, b_regularizer, W_constraint, b_constraint, bias)
''' + _COMMON + '''
    def build(self, input_shape):
        shape = (self.nb_feature, input_shape[-1], self.output_dim)
        self.W = self._weight("W", shape, self.init, self.W_regularizer, self.W_constraint)
        self.b = self._weight("b", (self.nb_feature, self.output_dim), "zeros", self.b_regularizer,
                              self.b_constraint) if self.bias else None
        self._initial_weights()

    def call(self, x):
        output = keras.ops.tensordot(x, self.W, axes=[[1], [1]])  # (batch, nb_feature, output_dim) = K.dot
        if self.bias:
            output = output + self.b
        return keras.ops.max(output, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)'''

HELPER_HIGHWAY = '''class {name}(keras.layers.Layer):
    """Keras 2.2.4's Highway (keras/legacy/layers.py), gone in Keras 3: t = sigmoid(x W_carry + b_carry),
    y = t * activation(x W + b) + (1 - t) * x; weights W, W_carry, b, b_carry as in 2.2.4."""

    def __init__(self, init='glorot_uniform', activation=None, weights=None, W_regularizer=None,
                 b_regularizer=None, activity_regularizer=None, W_constraint=None, b_constraint=None, bias=True,
                 input_dim=None, **kwargs):
        kwargs.pop('transform_bias', None)  # ignored by 2.2.4 too
        if input_dim:
            kwargs['input_shape'] = (input_dim,)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.activation = keras.activations.get(activation)
        self._setup(init, weights, W_regularizer, b_regularizer, W_constraint, b_constraint, bias)
''' + _COMMON + '''
    def build(self, input_shape):
        dim = input_shape[-1]
        self.W = self._weight("W", (dim, dim), self.init, self.W_regularizer, self.W_constraint)
        self.W_carry = self._weight("W_carry", (dim, dim), self.init)
        if self.bias:
            self.b = self._weight("b", (dim,), "zeros", self.b_regularizer, self.b_constraint)
            self.b_carry = self._weight("b_carry", (dim,), "ones")
        self._initial_weights()

    def call(self, x):
        y = keras.ops.matmul(x, self.W_carry)
        if self.bias:
            y = y + self.b_carry
        transform_weight = keras.activations.sigmoid(y)
        y = keras.ops.matmul(x, self.W)
        if self.bias:
            y = y + self.b
        return self.activation(y) * transform_weight + (1 - transform_weight) * x

    def compute_output_shape(self, input_shape):
        return input_shape'''

HELPERS = {MAXOUT: ("keras224_MaxoutDense", HELPER_MAXOUT), HIGHWAY: ("keras224_Highway", HELPER_HIGHWAY)}
