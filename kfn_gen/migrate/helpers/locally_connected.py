"""`LocallyConnected1D/2D` (removed in Keras 3) -> 2.2.4's own layer, defined in the migrated script.

Keras 2.2.4's layers (keras/layers/local.py) are convolutions with unshared weights, 'valid'
padding only.  Their `call` is `K.local_conv1d` / `K.local_conv2d` (keras/backend/
tensorflow_backend.py): every output position's input patch reshaped to (1, batch, features),
the patches concatenated to (positions, batch, features), `batch_dot` with the kernel
(positions, features, filters) (a matmul for two rank-3 tensors), then reshaped and permuted to
(batch, ..., filters); then `K.bias_add` with a bias of one vector per output position and the
activation.  The helper classes repeat those steps with keras.ops and keep 2.2.4's constructor
signature and weight layout (kernel, then bias, same shapes), so weights copy across unchanged.
2.2.4's quirks are kept: LocallyConnected1D slices channels-last whatever its data_format, and
LocallyConnected2D's channels_first bias is reshaped (not transposed) to (1, filters, rows, cols),
as K.bias_add did.  Not carried: get_config (model.save of a model holding one needs the class
registered by hand).
"""
from __future__ import annotations

LOCAL_1D = "keras.layers.local.LocallyConnected1D"
LOCAL_2D = "keras.layers.local.LocallyConnected2D"

_INIT = '''    def __init__(self, filters, kernel_size, strides={strides}, padding='valid', data_format=None, activation=None,
                 use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if padding != 'valid':
            raise ValueError("Invalid border mode for {cls} (only \\"valid\\" is supported): " + padding)
        self.filters = filters
        self.kernel_size = tuple(kernel_size) if isinstance(kernel_size, (list, tuple)) else (kernel_size,) * {rank}
        self.strides = tuple(strides) if isinstance(strides, (list, tuple)) else (strides,) * {rank}
        self.data_format = data_format or keras.backend.image_data_format()
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)

    def _weight(self, name, shape, initializer, regularizer, constraint):
        return self.add_weight(name=name, shape=shape, initializer=initializer, regularizer=regularizer,
                               constraint=constraint)
'''

HELPER_1D = '''class {name}(keras.layers.Layer):
    """Keras 2.2.4's LocallyConnected1D (keras/layers/local.py, K.local_conv1d), removed in Keras 3: a
    1D convolution with unshared weights, kernel (output_length, kernel_size * input_dim, filters) and
    bias (output_length, filters) as in 2.2.4."""

''' + _INIT.format(strides="1", cls="LocallyConnected1D", rank=1) + '''
    def build(self, input_shape):
        length = (input_shape[1] - self.kernel_size[0]) // self.strides[0] + 1
        self.kernel = self._weight("kernel", (length, self.kernel_size[0] * input_shape[2], self.filters),
                                   self.kernel_initializer, self.kernel_regularizer, self.kernel_constraint)
        self.bias = self._weight("bias", (length, self.filters), self.bias_initializer, self.bias_regularizer,
                                 self.bias_constraint) if self.use_bias else None

    def call(self, inputs):
        length, features, _ = self.kernel.shape
        step, size = self.strides[0], self.kernel_size[0]
        xs = [keras.ops.reshape(inputs[:, i * step:i * step + size, :], (1, -1, features)) for i in range(length)]
        output = keras.ops.transpose(keras.ops.matmul(keras.ops.concatenate(xs, axis=0), self.kernel), (1, 0, 2))
        if self.use_bias:
            output = output + self.bias
        return self.activation(output)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], (input_shape[1] - self.kernel_size[0]) // self.strides[0] + 1, self.filters)'''

HELPER_2D = '''class {name}(keras.layers.Layer):
    """Keras 2.2.4's LocallyConnected2D (keras/layers/local.py, K.local_conv2d), removed in Keras 3: a
    2D convolution with unshared weights, kernel (output_row * output_col, kernel_rows * kernel_cols *
    channels, filters) and bias (output_row, output_col, filters) as in 2.2.4."""

''' + _INIT.format(strides="(1, 1)", cls="LocallyConnected2D", rank=2) + '''
    def _output_size(self, input_shape):
        rows, cols = input_shape[1:3] if self.data_format == "channels_last" else input_shape[2:4]
        return ((rows - self.kernel_size[0]) // self.strides[0] + 1, (cols - self.kernel_size[1]) // self.strides[1] + 1)

    def build(self, input_shape):
        channels = input_shape[3] if self.data_format == "channels_last" else input_shape[1]
        rows, cols = self._output_size(input_shape)
        self.kernel = self._weight("kernel", (rows * cols, self.kernel_size[0] * self.kernel_size[1] * channels,
                                              self.filters),
                                   self.kernel_initializer, self.kernel_regularizer, self.kernel_constraint)
        self.bias = self._weight("bias", (rows, cols, self.filters), self.bias_initializer, self.bias_regularizer,
                                 self.bias_constraint) if self.use_bias else None

    def call(self, inputs):
        rows, cols = self._output_size(inputs.shape)
        features = self.kernel.shape[1]
        (kr, kc), (sr, sc) = self.kernel_size, self.strides
        xs = []
        for i in range(rows):
            for j in range(cols):
                if self.data_format == "channels_last":
                    patch = inputs[:, i * sr:i * sr + kr, j * sc:j * sc + kc, :]
                else:
                    patch = inputs[:, :, i * sr:i * sr + kr, j * sc:j * sc + kc]
                xs.append(keras.ops.reshape(patch, (1, -1, features)))
        output = keras.ops.matmul(keras.ops.concatenate(xs, axis=0), self.kernel)
        output = keras.ops.reshape(output, (rows, cols, -1, self.filters))
        if self.data_format == "channels_last":
            output = keras.ops.transpose(output, (2, 0, 1, 3))
            if self.use_bias:
                output = output + self.bias
        else:
            output = keras.ops.transpose(output, (2, 3, 0, 1))
            if self.use_bias:  # 2.2.4's K.bias_add: reshaped, not transposed
                output = output + keras.ops.reshape(self.bias, (1, self.filters, rows, cols))
        return self.activation(output)

    def compute_output_shape(self, input_shape):
        rows, cols = self._output_size(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], rows, cols, self.filters)
        return (input_shape[0], self.filters, rows, cols)'''

HELPERS = {LOCAL_1D: ("keras224_LocallyConnected1D", HELPER_1D), LOCAL_2D: ("keras224_LocallyConnected2D", HELPER_2D)}
