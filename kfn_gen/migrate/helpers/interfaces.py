"""keras.legacy.interfaces (2.2.4's Keras 1 argument converters), which Keras 3 lacks: custom layers copied
from Keras 2.2 decorate their __init__ with them (`@interfaces.legacy_upsampling2d_support`).

Each decorator renamed Keras 1 keywords to Keras 2 ones before the call (`dim_ordering='th'` ->
`data_format='channels_first'`), with a warning, and refused extra positional arguments.  The migrated
script gets 2.2.4's generator (`keras224_legacy_interface`, its code without the preprocessor hook) and each
decorator it reaches built from it with 2.2.4's own arguments, read from genuine 2.2.4
(`legacy_X_support.__closure__`; tests/package/test_legacy_interfaces_live.py checks they still agree).
Decorators that had a preprocessor function (conv, recurrent, embedding, batchnorm, add_weight, get_updates,
generator methods) are not carried over.
"""
from __future__ import annotations

from kfn_gen.migrate.helpers.functions import Helper

LEGACY_INTERFACE = Helper("keras224_legacy_interface", '''def {name}(allowed_positional_args=None, conversions=None, value_conversions=None):
    """Keras 2.2.4's interfaces.generate_legacy_interface: a decorator of __init__ that converts Keras 1
    keyword arguments (and their values) to Keras 2 ones, with a warning."""
    import functools
    import inspect
    import warnings

    def legacy_support(func):
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            object_name = self.__class__.__name__
            if allowed_positional_args is not None and len(args) > len(allowed_positional_args):
                raise TypeError('`' + object_name + '` can accept only ' + str(len(allowed_positional_args))
                                + ' positional arguments ' + str(tuple(allowed_positional_args))
                                + ', but you passed the following positional arguments: ' + str(list(args)))
            for key in value_conversions or {}:
                if key in kwargs and kwargs[key] in value_conversions[key]:
                    kwargs[key] = value_conversions[key][kwargs[key]]
            converted = []
            for old_name, new_name in conversions or []:
                if old_name in kwargs:
                    value = kwargs.pop(old_name)
                    if new_name in kwargs:
                        raise TypeError('For the `' + new_name + '` argument, the layer received both the legacy '
                                        'keyword argument `' + old_name + '` and the Keras 2 keyword argument `'
                                        + new_name + '`. Stick to the latter!')
                    kwargs[new_name] = value
                    converted.append(new_name)
            if converted:
                warnings.warn('Update your `' + object_name + '` call to the Keras 2 API: ' + ', '.join(
                    name + '=' + repr(kwargs[name]) for name in converted), stacklevel=2)
            return func(self, *args, **kwargs)
        wrapper._original_function = func
        wrapper.__signature__ = inspect.signature(func)  # what Keras 3 reads to record the constructor's config
        return wrapper
    return legacy_support
''')

DIM_ORDERING = {"dim_ordering": {"tf": "channels_last", "th": "channels_first", "default": None}}

# name in keras.legacy.interfaces -> (allowed positional arguments or None, conversions, value conversions)
DECORATORS = {
    "legacy_cropping2d_support": (["cropping"], [("dim_ordering", "data_format")], DIM_ORDERING),
    "legacy_cropping3d_support": (["cropping"], [("dim_ordering", "data_format")], DIM_ORDERING),
    "legacy_dense_support": (["units"],
        [("output_dim", "units"), ("init", "kernel_initializer"), ("W_regularizer", "kernel_regularizer"),
         ("b_regularizer", "bias_regularizer"), ("W_constraint", "kernel_constraint"),
         ("b_constraint", "bias_constraint"), ("bias", "use_bias")], None),
    "legacy_dropout_support": (["rate", "noise_shape", "seed"], [("p", "rate")], None),
    "legacy_gaussiandropout_support": (["rate"], [("p", "rate")], None),
    "legacy_gaussiannoise_support": (["stddev"], [("sigma", "stddev")], None),
    "legacy_global_pooling_support": (None, [("dim_ordering", "data_format")], DIM_ORDERING),
    "legacy_input_support": (None, [("input_dtype", "dtype")], None),
    "legacy_lambda_support": (["function", "output_shape"], [], None),
    "legacy_model_constructor_support": (None, [("input", "inputs"), ("output", "outputs")], None),
    "legacy_pooling1d_support": (["pool_size", "strides", "padding"],
        [("pool_length", "pool_size"), ("stride", "strides"), ("border_mode", "padding")], None),
    "legacy_pooling2d_support": (["pool_size", "strides", "padding"],
        [("border_mode", "padding"), ("dim_ordering", "data_format")], DIM_ORDERING),
    "legacy_pooling3d_support": (["pool_size", "strides", "padding"],
        [("border_mode", "padding"), ("dim_ordering", "data_format")], DIM_ORDERING),
    "legacy_prelu_support": (["alpha_initializer"], [("init", "alpha_initializer")], None),
    "legacy_spatialdropout1d_support": (["rate"], [("p", "rate")], None),
    "legacy_spatialdropoutNd_support": (["rate"], [("p", "rate"), ("dim_ordering", "data_format")], DIM_ORDERING),
    "legacy_upsampling1d_support": (["size"], [("length", "size")], None),
    "legacy_upsampling2d_support": (["size"], [("dim_ordering", "data_format")], DIM_ORDERING),
    "legacy_upsampling3d_support": (["size"], [("dim_ordering", "data_format")], DIM_ORDERING),
    "legacy_zeropadding3d_support": (["padding"], [("dim_ordering", "data_format")], DIM_ORDERING),
}
