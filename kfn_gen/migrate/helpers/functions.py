"""Keras 2.2.4 functions that Keras 3 lacks, and that 2018-2019 code imports: 2.2.4's own implementation,
defined in the migrated script (removed-functions binds the script's name for it to the helper).

Each body is 2.2.4's code (keras/utils/conv_utils.py, keras/utils/layer_utils.py, keras/engine/saving.py) or
keras_applications 1.0.6's (imagenet_utils.py, __init__.py), with what Keras 3 spells differently changed and
said so in the helper's docstring:
* `convert_kernel` indexed with a list of slices, which numpy >= 1.23 rejects; a tuple means the same.
* `normalize_padding` allowed 'full' only on Theano: dropped.
* `correct_pad(backend, inputs, kernel_size)` read `backend.int_shape(inputs)`; Keras 3's backend has no
  int_shape, so the shape is `inputs.shape` (the same tuple) and the data format Keras 3's.
* `model_from_config` deserialized through 2.2.4's layer registry, which knew Sequential and Model; Keras 3's
  `keras.layers.deserialize` does not, so they are passed as custom objects (a functional model's class name
  is 'Functional' in Keras 3).
* `convert_all_kernels_in_model` set the flipped kernels with K.batch_set_value: `variable.assign`.
* `multi_gpu_model` returns the model itself (same numbers, one device), and says so as a warning.
* `_Merge` (the base of merge layers) is 2.2.4's class on keras.layers.Layer, its K calls as keras.ops.
* `Recurrent` (Keras 1's recurrent base) runs 2.2.4's K.rnn loop unrolled over known time steps; stateful
  use raises.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Helper:
    wanted: str  # the helper's name in the script (ctx.define may add a suffix)
    code: str  # its definition, with {name} for the name
    note: str = ""  # where the helper keeps 2.2.4's numbers but not all it did: said as a warning

    @property
    def template(self) -> str:
        return self.code.replace("{", "{{").replace("}", "}}").replace("{{name}}", "{name}")


NORMALIZE_TUPLE = Helper("keras224_normalize_tuple", '''def {name}(value, n, name):
    """Keras 2.2.4's conv_utils.normalize_tuple: an int or an iterable of n ints -> a tuple of n ints."""
    if isinstance(value, int):
        return (value,) * n
    try:
        value_tuple = tuple(value)
    except TypeError:
        raise ValueError('The `' + name + '` argument must be a tuple of ' + str(n) + ' integers. Received: '
                         + str(value))
    if len(value_tuple) != n:
        raise ValueError('The `' + name + '` argument must be a tuple of ' + str(n) + ' integers. Received: '
                         + str(value))
    for single_value in value_tuple:
        try:
            int(single_value)
        except ValueError:
            raise ValueError('The `' + name + '` argument must be a tuple of ' + str(n) + ' integers. Received: '
                             + str(value) + ' including element ' + str(single_value) + ' of type '
                             + str(type(single_value)))
    return value_tuple
''')

NORMALIZE_PADDING = Helper("keras224_normalize_padding", '''def {name}(value):
    """Keras 2.2.4's conv_utils.normalize_padding ('full' was Theano's only)."""
    padding = value.lower()
    if padding not in {'valid', 'same', 'causal'}:
        raise ValueError('The `padding` argument must be one of "valid", "same" (or "causal" for Conv1D). '
                         'Received: ' + str(padding))
    return padding
''')

CONVERT_KERNEL = Helper("keras224_convert_kernel", '''def {name}(kernel):
    """Keras 2.2.4's conv_utils.convert_kernel: flips a 3D-5D kernel's spatial axes (Theano <-> TensorFlow)."""
    import numpy as np

    kernel = np.asarray(kernel)
    if not 3 <= kernel.ndim <= 5:
        raise ValueError('Invalid kernel shape:', kernel.shape)
    slices = [slice(None, None, -1) for _ in range(kernel.ndim)]
    slices[-2:] = (slice(None, None), slice(None, None))
    return np.copy(kernel[tuple(slices)])
''')

CONV_OUTPUT_LENGTH = Helper("keras224_conv_output_length", '''def {name}(input_length, filter_size, padding, stride, dilation=1):
    """Keras 2.2.4's conv_utils.conv_output_length."""
    if input_length is None:
        return None
    assert padding in {'same', 'valid', 'full', 'causal'}
    dilated_filter_size = filter_size + (filter_size - 1) * (dilation - 1)
    if padding == 'same':
        output_length = input_length
    elif padding == 'valid':
        output_length = input_length - dilated_filter_size + 1
    elif padding == 'causal':
        output_length = input_length
    elif padding == 'full':
        output_length = input_length + dilated_filter_size - 1
    return (output_length + stride - 1) // stride
''')

CONV_INPUT_LENGTH = Helper("keras224_conv_input_length", '''def {name}(output_length, filter_size, padding, stride):
    """Keras 2.2.4's conv_utils.conv_input_length."""
    if output_length is None:
        return None
    assert padding in {'same', 'valid', 'full'}
    if padding == 'same':
        pad = filter_size // 2
    elif padding == 'valid':
        pad = 0
    elif padding == 'full':
        pad = filter_size - 1
    return (output_length - 1) * stride - 2 * pad + filter_size
''')

DECONV_LENGTH = Helper("keras224_deconv_length", '''def {name}(dim_size, stride_size, kernel_size, padding, output_padding, dilation=1):
    """Keras 2.2.4's conv_utils.deconv_length: a transposed convolution's output length."""
    assert padding in {'same', 'valid', 'full'}
    if dim_size is None:
        return None
    kernel_size = kernel_size + (kernel_size - 1) * (dilation - 1)
    if output_padding is None:
        if padding == 'valid':
            dim_size = dim_size * stride_size + max(kernel_size - stride_size, 0)
        elif padding == 'full':
            dim_size = dim_size * stride_size - (stride_size + kernel_size - 2)
        elif padding == 'same':
            dim_size = dim_size * stride_size
    else:
        if padding == 'same':
            pad = kernel_size // 2
        elif padding == 'valid':
            pad = 0
        elif padding == 'full':
            pad = kernel_size - 1
        dim_size = ((dim_size - 1) * stride_size + kernel_size - 2 * pad + output_padding)
    return dim_size
''')

CONVERT_ALL_KERNELS = Helper("keras224_convert_all_kernels_in_model", '''def {name}(model):
    """Keras 2.2.4's layer_utils.convert_all_kernels_in_model: flips every Conv1D/2D/3D/2DTranspose kernel's
    spatial axes (Theano <-> TensorFlow)."""
    import numpy as np

    for layer in model.layers:
        if layer.__class__.__name__ in {'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose'}:
            kernel = np.asarray(layer.kernel.numpy())
            slices = [slice(None, None, -1) for _ in range(kernel.ndim)]
            slices[-2:] = (slice(None, None), slice(None, None))
            layer.kernel.assign(np.copy(kernel[tuple(slices)]))
''')

CONVERT_DENSE_WEIGHTS = Helper("keras224_convert_dense_weights_data_format", '''def {name}(dense, previous_feature_map_shape, target_data_format='channels_first'):
    """Keras 2.2.4's layer_utils.convert_dense_weights_data_format: reorders the kernel rows of a Dense layer
    that follows a Flatten when a convnet's data format changes."""
    import numpy as np

    assert target_data_format in {'channels_last', 'channels_first'}
    kernel, bias = dense.get_weights()
    for i in range(kernel.shape[1]):
        if target_data_format == 'channels_first':
            c, h, w = previous_feature_map_shape
            ki = kernel[:, i].reshape((h, w, c))
            ki = np.transpose(ki, (2, 0, 1))
        else:
            h, w, c = previous_feature_map_shape
            ki = kernel[:, i].reshape((c, h, w))
            ki = np.transpose(ki, (1, 2, 0))
        kernel[:, i] = np.reshape(ki, (np.prod(previous_feature_map_shape),))
    dense.set_weights([kernel, bias])
''')

MULTI_GPU_MODEL = Helper("keras224_multi_gpu_model", '''def {name}(model, gpus=None):
    """Keras 2.2.4's multi_gpu_model, as far as its numbers go: its replicas ran the model on slices of the
    batch and concatenated the outputs, which is what the model computes.  Keras 3 cannot replicate a built
    model: for data parallelism, build and compile it inside tf.distribute.MirroredStrategy().scope().
    2.2.4's checks of `gpus` are kept; the model runs on one device."""
    import tensorflow as tf

    if not gpus:
        gpus = len(tf.config.list_physical_devices('GPU'))
    if isinstance(gpus, (list, tuple)):
        if len(gpus) <= 1:
            raise ValueError('For multi-gpu usage to be effective, call `multi_gpu_model` with `len(gpus) >= 2`. '
                             'Received: `gpus=%s`' % gpus)
    elif gpus <= 1:
        raise ValueError('For multi-gpu usage to be effective, call `multi_gpu_model` with `gpus >= 2`. '
                         'Received: `gpus=%d`' % gpus)
    return model
''', note="multi_gpu_model -> the model itself: the same numbers, on one device (Keras 3 replicates only a "
         "model built inside tf.distribute.MirroredStrategy().scope())")

MODEL_FROM_CONFIG = Helper("keras224_model_from_config", '''def {name}(config, custom_objects=None):
    """Keras 2.2.4's model_from_config: a model (or layer) from {'class_name': ..., 'config': ...}."""
    if isinstance(config, list):
        raise TypeError('`model_from_config` expects a dictionary, not a list. Maybe you meant to use '
                        '`Sequential.from_config(config)`?')
    objects = {'Sequential': keras.Sequential, 'Model': keras.Model, 'Functional': keras.Model}
    objects.update(custom_objects or {})
    return keras.layers.deserialize(config, custom_objects=objects)
''')

OBTAIN_INPUT_SHAPE = Helper("keras224_obtain_input_shape", '''def {name}(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """keras_applications 1.0.6's imagenet_utils._obtain_input_shape: a model's input shape, checked."""
    import warnings

    if weights != 'imagenet' and input_shape and len(input_shape) == 3:
        if data_format == 'channels_first':
            if input_shape[0] not in {1, 3}:
                warnings.warn('This model usually expects 1 or 3 input channels. However, it was passed an '
                              'input_shape with ' + str(input_shape[0]) + ' input channels.')
            default_shape = (input_shape[0], default_size, default_size)
        else:
            if input_shape[-1] not in {1, 3}:
                warnings.warn('This model usually expects 1 or 3 input channels. However, it was passed an '
                              'input_shape with ' + str(input_shape[-1]) + ' input channels.')
            default_shape = (default_size, default_size, input_shape[-1])
    else:
        if data_format == 'channels_first':
            default_shape = (3, default_size, default_size)
        else:
            default_shape = (default_size, default_size, 3)
    if weights == 'imagenet' and require_flatten:
        if input_shape is not None:
            if input_shape != default_shape:
                raise ValueError('When setting`include_top=True` and loading `imagenet` weights, `input_shape` '
                                 'should be ' + str(default_shape) + '.')
        return default_shape
    if input_shape:
        if data_format == 'channels_first':
            if input_shape is not None:
                if len(input_shape) != 3:
                    raise ValueError('`input_shape` must be a tuple of three integers.')
                if input_shape[0] != 3 and weights == 'imagenet':
                    raise ValueError('The input must have 3 channels; got `input_shape=' + str(input_shape) + '`')
                if ((input_shape[1] is not None and input_shape[1] < min_size) or
                        (input_shape[2] is not None and input_shape[2] < min_size)):
                    raise ValueError('Input size must be at least ' + str(min_size) + 'x' + str(min_size)
                                     + '; got `input_shape=' + str(input_shape) + '`')
        else:
            if input_shape is not None:
                if len(input_shape) != 3:
                    raise ValueError('`input_shape` must be a tuple of three integers.')
                if input_shape[-1] != 3 and weights == 'imagenet':
                    raise ValueError('The input must have 3 channels; got `input_shape=' + str(input_shape) + '`')
                if ((input_shape[0] is not None and input_shape[0] < min_size) or
                        (input_shape[1] is not None and input_shape[1] < min_size)):
                    raise ValueError('Input size must be at least ' + str(min_size) + 'x' + str(min_size)
                                     + '; got `input_shape=' + str(input_shape) + '`')
    else:
        if require_flatten:
            input_shape = default_shape
        else:
            if data_format == 'channels_first':
                input_shape = (3, None, None)
            else:
                input_shape = (None, None, 3)
    if require_flatten:
        if None in input_shape:
            raise ValueError('If `include_top` is True, you should specify a static `input_shape`. Got '
                             '`input_shape=' + str(input_shape) + '`')
    return input_shape
''')

CORRECT_PAD = Helper("keras224_correct_pad", '''def {name}(backend, inputs, kernel_size):
    """keras_applications 1.0.6's correct_pad: the zero padding of a 2D convolution with downsampling
    (`backend` was always Keras' own; the shape is read from the tensor)."""
    img_dim = 2 if keras.config.image_data_format() == 'channels_first' else 1
    input_size = tuple(inputs.shape)[img_dim:(img_dim + 2)]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    if input_size[0] is None:
        adjust = (1, 1)
    else:
        adjust = (1 - input_size[0] % 2, 1 - input_size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))
''')

MERGE = Helper("keras224_Merge", '''class {name}(keras.layers.Layer):
    """Keras 2.2.4's keras.layers.merge._Merge: the base of elementwise merge layers (a subclass defines
    _merge_function(inputs)).  Inputs of lower rank get axes inserted after the batch axis, as 2.2.4's call
    did (Keras 3 knows every rank, so 2.2.4's unknown-rank branch is not needed)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs):
        raise NotImplementedError

    def _compute_elemwise_op_output_shape(self, shape1, shape2):
        if None in [shape1, shape2]:
            return None
        elif len(shape1) < len(shape2):
            return self._compute_elemwise_op_output_shape(shape2, shape1)
        elif not shape2:
            return shape1
        output_shape = list(shape1[:-len(shape2)])
        for i, j in zip(shape1[-len(shape2):], shape2):
            if i is None or j is None:
                output_shape.append(None)
            elif i == 1:
                output_shape.append(j)
            elif j == 1:
                output_shape.append(i)
            else:
                if i != j:
                    raise ValueError('Operands could not be broadcast together with shapes ' + str(shape1) + ' '
                                     + str(shape2))
                output_shape.append(i)
        return tuple(output_shape)

    def build(self, input_shape):
        input_shape = [tuple(s) if s is not None else None for s in input_shape]
        if len(input_shape) < 2:
            raise ValueError('A merge layer should be called on a list of at least 2 inputs. Got '
                             + str(len(input_shape)) + ' inputs.')
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        if len(batch_sizes) > 1:
            raise ValueError('Can not merge tensors with different batch sizes. Got tensors with shapes : '
                             + str(input_shape))
        output_shape = None if input_shape[0] is None else input_shape[0][1:]
        for shape in input_shape[1:]:
            output_shape = self._compute_elemwise_op_output_shape(output_shape,
                                                                  None if shape is None else shape[1:])
        self._reshape_required = not (None not in input_shape and len(set(map(len, input_shape))) == 1)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError('A merge layer should be called on a list of inputs.')
        if self._reshape_required:
            max_ndim = max(len(x.shape) for x in inputs)
            reshaped_inputs = []
            for x in inputs:
                for _ in range(max_ndim - len(x.shape)):
                    x = keras.ops.expand_dims(x, 1)
                reshaped_inputs.append(x)
            return self._merge_function(reshaped_inputs)
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape):
        output_shape = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            output_shape = self._compute_elemwise_op_output_shape(output_shape,
                                                                  None if shape is None else tuple(shape[1:]))
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        return ((list(batch_sizes)[0],) if len(batch_sizes) == 1 else (None,)) + output_shape

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if len(mask) != len(inputs):
            raise ValueError('The lists `inputs` and `mask` should have the same length.')
        if all(m is None for m in mask):
            return None
        masks = [keras.ops.expand_dims(m, 0) for m in mask if m is not None]
        return keras.ops.all(keras.ops.concatenate(masks, axis=0), axis=0, keepdims=False)
''')

RECURRENT = Helper("keras224_Recurrent", '''class {name}(keras.layers.Layer):
    """Keras 2.2.4's keras.legacy.layers.Recurrent (the Keras 1 base of recurrent layers): a subclass defines
    step(inputs, states) -> (output, new_states), sets self.states in build() and self.units.  The time loop
    is 2.2.4's K.rnn, unrolled over the known time steps: at a masked step the states are kept and the output
    is states[0] (the previous output when unroll=True), as 2.2.4's TensorFlow backend did.  Stateful use is
    not carried over."""

    def __init__(self, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, implementation=0, **kwargs):
        super().__init__(**kwargs)
        if stateful:
            raise NotImplementedError('a stateful Keras 2.2.4 Recurrent subclass is not carried over to Keras 3: '
                                      'port it to keras.layers.RNN with a cell')
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.implementation = implementation
        self.supports_masking = True
        self.state_spec = None
        self.dropout = 0
        self.recurrent_dropout = 0

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        if self.return_sequences:
            output_shape = (input_shape[0], input_shape[1], self.units)
        else:
            output_shape = (input_shape[0], self.units)
        if self.return_state:
            return [output_shape] + [(input_shape[0], self.units) for _ in self.states]
        return output_shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.states]
        return output_mask

    def step(self, inputs, states):
        raise NotImplementedError

    def get_constants(self, inputs, training=None):
        return []

    def get_initial_state(self, inputs):
        initial_state = keras.ops.sum(keras.ops.zeros_like(inputs), axis=(1, 2))
        initial_state = keras.ops.tile(keras.ops.expand_dims(initial_state, -1), [1, self.units])
        return [initial_state for _ in range(len(self.states))]

    def preprocess_input(self, inputs, training=None):
        return inputs

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):
            initial_state = list(inputs[1:])
            inputs = inputs[0]
        elif initial_state is None:
            initial_state = self.get_initial_state(inputs)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if len(initial_state) != len(self.states):
            raise ValueError('Layer has ' + str(len(self.states)) + ' states but was passed '
                             + str(len(initial_state)) + ' initial states.')
        constants = self.get_constants(inputs, training=None)
        x = self.preprocess_input(inputs, training=None)
        axes = [1, 0] + list(range(2, len(x.shape)))
        xs = keras.ops.transpose(x, axes)
        masks = None if mask is None else keras.ops.expand_dims(keras.ops.transpose(mask, (1, 0)), -1)
        if self.go_backwards:
            xs = keras.ops.flip(xs, 0)
            masks = None if masks is None else keras.ops.flip(masks, 0)
        if xs.shape[0] is None:
            raise ValueError('this Keras 2.2.4 Recurrent subclass needs a known number of time steps in Keras 3: '
                             'give its input a shape with the time dimension')
        states, outputs, prev_output = list(initial_state), [], None
        for t in range(xs.shape[0]):
            output, new_states = self.step(xs[t], states + list(constants))
            new_states = list(new_states)
            if masks is not None:
                kept = states[0] if not self.unroll else (
                    keras.ops.zeros_like(output) if prev_output is None else prev_output)
                output = keras.ops.where(masks[t], output, kept)
                new_states = [keras.ops.where(masks[t], new, old) for new, old in zip(new_states, states)]
            states, prev_output = new_states, output
            outputs.append(output)
        last_output = outputs[-1]
        outputs = keras.ops.stack(outputs, axis=0)
        outputs = keras.ops.transpose(outputs, [1, 0] + list(range(2, len(outputs.shape))))
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return [output] + list(states)
        return output
''')

GET_AVAILABLE_GPUS = Helper("keras224_get_available_gpus", '''def {name}():
    """Keras 2.2.4's tensorflow_backend._get_available_gpus: the names of the local GPU devices."""
    import tensorflow as tf

    return [device.name for device in tf.config.list_logical_devices('GPU')]
''')

# 2.2.4 identity (or, for a private or companion-package name, its dotted path) -> helper
FUNCTIONS = {
    "keras.utils.conv_utils.normalize_tuple": NORMALIZE_TUPLE,
    "keras.utils.conv_utils.normalize_padding": NORMALIZE_PADDING,
    "keras.utils.conv_utils.convert_kernel": CONVERT_KERNEL,
    "keras.utils.conv_utils.conv_output_length": CONV_OUTPUT_LENGTH,
    "keras.utils.conv_utils.conv_input_length": CONV_INPUT_LENGTH,
    "keras.utils.conv_utils.deconv_length": DECONV_LENGTH,
    "keras.utils.layer_utils.convert_all_kernels_in_model": CONVERT_ALL_KERNELS,
    "keras.utils.layer_utils.convert_dense_weights_data_format": CONVERT_DENSE_WEIGHTS,
    "keras.utils.multi_gpu_utils.multi_gpu_model": MULTI_GPU_MODEL,
    "keras.utils.training_utils.multi_gpu_model": MULTI_GPU_MODEL,
    "keras.engine.saving.model_from_config": MODEL_FROM_CONFIG,
    "keras_applications.imagenet_utils._obtain_input_shape": OBTAIN_INPUT_SHAPE,
    # Keras <= 2.1.6 kept it there; code written for both imports it from either, under a version check
    "keras.applications.imagenet_utils._obtain_input_shape": OBTAIN_INPUT_SHAPE,
    "keras_applications.correct_pad": CORRECT_PAD,
    "keras.layers.merge._Merge": MERGE,
    "keras.legacy.layers.Recurrent": RECURRENT,
    "keras.backend.tensorflow_backend._get_available_gpus": GET_AVAILABLE_GPUS,
}
# helpers whose body uses `keras.` (the others import what they use)
USES_KERAS = {MODEL_FROM_CONFIG, CORRECT_PAD, MERGE, RECURRENT}
