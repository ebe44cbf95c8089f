"""Before/after tests for the breadth rules (issue 6): Keras-1 arguments, training API, callbacks,
removed layers, regularizers and loss aliases, backend breadth.

Each case migrates `before` and must give exactly `after` (minimal edits: untouched code is
byte-identical), with the listed diagnostics of the breadth rules: (line, severity, rule,
message prefix).  Diagnostics of the seed rules (imports, sequential-input, ...) are not pinned
here.  Every semantic claim behind a rule was read from genuine Keras 2.2.4 (see each rule's
module docstring); numbers are compared in tests/numeric/test_rules_breadth_numeric.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.options import Options

BREADTH_RULES = {"keras1-args", "renamed-names", "training-api", "callbacks", "layers-removed", "regularizers",
                 "loss-aliases", "backend-breadth", "int-args", "layer-weights",
                 "trainable-at-compile", "tensor-inputs"}


@dataclass
class Case:
    before: str
    after: str
    diags: list = field(default_factory=list)
    options: dict = field(default_factory=dict)
    idempotent: bool = True  # False: the migrated code keeps a construct reported for a hand migration


CASES = {
    'keras1_dense_dropout': Case(
        before='''\
from keras.layers import Dense, Dropout
d = Dense(output_dim=10, init='uniform', W_regularizer=None, bias=False)
p = Dropout(p=0.5)
''',
        after='''\
from keras.layers import Dense, Dropout
d = Dense(units=10, kernel_initializer='uniform', kernel_regularizer=None, use_bias=False)
p = Dropout(rate=0.5)
''',
        diags=[
        (2, 'info', 'keras1-args', 'Dense: Keras-1 arguments renamed: output_dim= -> units=, ini'),
        (3, 'info', 'keras1-args', 'Dropout: Keras-1 arguments renamed: p= -> rate='),
        ]),
    'keras1_conv2d_positional': Case(
        before='''\
from keras.layers import Convolution2D
c = Convolution2D(32, 3, 3, border_mode='same', subsample=(2, 2), activation='relu')
''',
        after='''\
from keras.layers import Convolution2D
c = Convolution2D(32, (3, 3), padding='same', strides=(2, 2), activation='relu')
''',
        diags=[
        (2, 'info', 'keras1-args', 'Conv2D: Keras-1 arguments renamed: border_mode= -> padding=,'),
        (2, 'info', 'keras1-args', 'Conv2D: positional kernel size 3, 3 -> (3, 3) (2.2.4 read th'),
        ]),
    'keras1_conv2d_nb_row': Case(
        before='''\
from keras.layers import Conv2D
a = Conv2D(16, nb_row=5, nb_col=5)
b = Conv2D(16, 5, nb_col=3)
c = Conv2D(nb_filter=8, nb_row=2, nb_col=2)
''',
        after='''\
from keras.layers import Conv2D
a = Conv2D(16, (5, 5))
b = Conv2D(16, (5, 3))
c = Conv2D(filters=8, kernel_size=(2, 2))
''',
        diags=[
        (2, 'info', 'keras1-args', 'Conv2D: nb_row, nb_col -> kernel_size=(5, 5) (Keras-1 argume'),
        (3, 'info', 'keras1-args', 'Conv2D: nb_row, nb_col -> kernel_size=(5, 3) (Keras-1 argume'),
        (4, 'info', 'keras1-args', 'Conv2D: Keras-1 arguments renamed: nb_filter= -> filters='),
        (4, 'info', 'keras1-args', 'Conv2D: nb_row, nb_col -> kernel_size=(2, 2) (Keras-1 argume'),
        ]),
    'keras1_conv2d_variables': Case(
        before='''\
from keras.layers import Conv2D
k = 3
c = Conv2D(64, k, k)
''',
        after='''\
from keras.layers import Conv2D
k = 3
c = Conv2D(64, (k, k))
''',
        diags=[
        (3, 'info', 'keras1-args', 'Conv2D: positional kernel size k, k -> (k, k) (2.2.4 read th'),
        ]),
    'keras1_conv3d_positional': Case(
        before='''\
from keras.layers import Conv3D
c = Conv3D(8, 3, 3, 3)
''',
        after='''\
from keras.layers import Conv3D
c = Conv3D(8, (3, 3, 3))
''',
        diags=[
        (2, 'info', 'keras1-args', 'Conv3D: positional kernel size 3, 3, 3 -> (3, 3, 3) (2.2.4 r'),
        ]),
    'keras1_conv1d': Case(
        before='''\
from keras.layers import Convolution1D
c = Convolution1D(nb_filter=64, filter_length=3, subsample_length=1, border_mode='valid')
''',
        after='''\
from keras.layers import Convolution1D
c = Convolution1D(filters=64, kernel_size=3, strides=1, padding='valid')
''',
        diags=[
        (2, 'info', 'keras1-args', 'Conv1D: Keras-1 arguments renamed: nb_filter= -> filters=, f'),
        ]),
    'keras1_dim_ordering': Case(
        before='''\
from keras.layers import MaxPooling2D, UpSampling2D, GlobalAveragePooling2D
a = MaxPooling2D((2, 2), dim_ordering='th')
b = UpSampling2D(dim_ordering='tf')
c = GlobalAveragePooling2D(dim_ordering='default')
''',
        after='''\
from keras.layers import MaxPooling2D, UpSampling2D, GlobalAveragePooling2D
a = MaxPooling2D((2, 2), data_format='channels_first')
b = UpSampling2D(data_format='channels_last')
c = GlobalAveragePooling2D()
''',
        diags=[
        (2, 'info', 'keras1-args', "MaxPooling2D: dim_ordering='th' -> data_format='channels_fir"),
        (3, 'info', 'keras1-args', "UpSampling2D: dim_ordering='tf' -> data_format='channels_las"),
        (4, 'info', 'keras1-args', "GlobalAveragePooling2D: dim_ordering='default' dropped (2.2."),
        ]),
    'keras1_padding_convlstm_input_length': Case(
        before='''\
from keras.layers import ZeroPadding2D, ConvLSTM2D, Conv1D
z = ZeroPadding2D(padding={'right_pad': 4, 'bottom_pad': 2, 'top_pad': 1})
c = ConvLSTM2D(5, 3, 3, name='conv')
d = Conv1D(4, 3, input_dim=2, input_length=9)
''',
        after='''\
from keras.layers import ZeroPadding2D, ConvLSTM2D, Conv1D
import keras


@keras.utils.register_keras_serializable(package="keras224")
def keras224_hard_sigmoid(x):
    """Keras 2.2.4's hard_sigmoid, clip(0.2 * x + 0.5, 0, 1) (Keras 3's differs)."""
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


z = ZeroPadding2D(padding=((1, 2), (0, 4)))
c = ConvLSTM2D(5, (3, 3), name='conv', recurrent_activation=keras224_hard_sigmoid)
d = Conv1D(4, 3, input_shape=(9, 2))
''',
        diags=[
        (2, 'info', 'keras1-args', 'ZeroPadding2D: Keras-1 padding dict -> ((1, 2), (0, 4))'),
        (3, 'info', 'keras1-args', 'ConvLSTM2D: positional kernel size 3, 3 -> (3, 3)'),
        (4, 'info', 'keras1-args', 'Conv1D: input_dim=, input_length= -> input_shape=(9, 2)'),
        ]),
    'keras1_recurrent': Case(
        before='''\
from keras.layers import LSTM
r = LSTM(output_dim=32, inner_activation='sigmoid', dropout_W=0.2, dropout_U=0.1, consume_less='gpu', forget_bias_init='one')
''',
        after='''\
from keras.layers import LSTM
r = LSTM(units=32, recurrent_activation='sigmoid', dropout=0.2, recurrent_dropout=0.1, unit_forget_bias=True)
''',
        diags=[
        (2, 'info', 'keras1-args', 'LSTM: consume_less= dropped (2.2.4 mapped it to `implementat'),
        (2, 'info', 'keras1-args', "LSTM: forget_bias_init='one' -> unit_forget_bias=True (2.2.4"),
        (2, 'info', 'keras1-args', 'LSTM: Keras-1 arguments renamed: output_dim= -> units=, inne'),
        ]),
    'keras1_recurrent_hard_sigmoid': Case(
        before='''\
from keras.layers import GRU
r = GRU(8, inner_activation='hard_sigmoid')
''',
        after='''\
from keras.layers import GRU
import keras


@keras.utils.register_keras_serializable(package="keras224")
def keras224_hard_sigmoid(x):
    """Keras 2.2.4's hard_sigmoid, clip(0.2 * x + 0.5, 0, 1) (Keras 3's differs)."""
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


r = GRU(8, recurrent_activation=keras224_hard_sigmoid, reset_after=False)
''',
        diags=[
        (2, 'info', 'keras1-args', 'GRU: Keras-1 arguments renamed: inner_activation= -> recurre'),
        (2, 'info', 'keras1-args', "'hard_sigmoid' -> keras224_hard_sigmoid (Keras 3's hard_sigm"),
        ]),
    'keras1_noise_pool1d_embedding': Case(
        before='''\
from keras.layers import GaussianNoise, MaxPooling1D, Embedding, BatchNormalization
n = GaussianNoise(sigma=0.1)
p = MaxPooling1D(pool_length=2, stride=1)
e = Embedding(1000, 64, dropout=0.2, init='uniform')
b = BatchNormalization(mode=0, beta_init='zero')
''',
        after='''\
from keras.layers import GaussianNoise, MaxPooling1D, Embedding, BatchNormalization
n = GaussianNoise(stddev=0.1)
p = MaxPooling1D(pool_size=2, strides=1)
e = Embedding(1000, 64, embeddings_initializer='uniform')
b = BatchNormalization(beta_initializer='zero')
''',
        diags=[
        (2, 'info', 'keras1-args', 'GaussianNoise: Keras-1 arguments renamed: sigma= -> stddev='),
        (3, 'info', 'keras1-args', 'MaxPooling1D: Keras-1 arguments renamed: pool_length= -> poo'),
        (4, 'info', 'keras1-args', 'Embedding: dropout= dropped (2.2.4 ignored it with a warning'),
        (4, 'info', 'keras1-args', 'Embedding: Keras-1 arguments renamed: init= -> embeddings_in'),
        (5, 'info', 'keras1-args', 'BatchNormalization: mode=0 dropped (the only mode 2.2.4 acce'),
        (5, 'info', 'keras1-args', 'BatchNormalization: Keras-1 arguments renamed: beta_init= ->'),
        ]),
    'keras1_model_input_output': Case(
        before='''\
from keras.layers import Input, Dense
from keras.models import Model
x = Input(shape=(4,), input_dtype='float32')
model = Model(input=x, output=Dense(2)(x))
''',
        after='''\
from keras.layers import Input, Dense
from keras.models import Model
x = Input(shape=(4,), dtype='float32')
model = Model(inputs=x, outputs=Dense(2)(x))
''',
        diags=[
        (3, 'info', 'keras1-args', 'Input: Keras-1 arguments renamed: input_dtype= -> dtype='),
        (4, 'info', 'keras1-args', 'Model: Keras-1 arguments renamed: input= -> inputs=, output='),
        ]),
    'keras1_merge': Case(
        before='''\
from keras.layers import Input, merge
a = Input(shape=(4,))
b = Input(shape=(4,))
c = merge([a, b], mode='concat', concat_axis=1)
s = merge([a, b], mode='sum')
d = merge([a, b], mode='dot', dot_axes=1)
''',
        after='''\
from keras.layers import Input, add, concatenate, dot
a = Input(shape=(4,))
b = Input(shape=(4,))
c = concatenate([a, b], axis=1)
s = add([a, b])
d = dot([a, b], axes=1)
''',
        diags=[
        (1, 'info', 'keras1-args', 'import of Keras 1 merge -> add, concatenate, dot'),
        (4, 'info', 'keras1-args', "Keras 1 merge(mode='concat') -> concatenate() with axis= (Ke"),
        (5, 'info', 'keras1-args', "Keras 1 merge(mode='sum') -> add() (merge() is absent from 2"),
        (6, 'info', 'keras1-args', "Keras 1 merge(mode='dot') -> dot() with axes= (Keras 1 dot_a"),
        ]),
    'keras1_merge_callable': Case(
        before='''\
from keras.layers import Input, merge
a = Input(shape=(4,))
c = merge([a, a], mode=lambda t: t[0] * t[1], output_shape=(4,))
''',
        after='''\
from keras.layers import Input, merge
a = Input(shape=(4,))
c = merge([a, a], mode=lambda t: t[0] * t[1], output_shape=(4,))
''',
        diags=[
        (3, 'warning', 'keras1-args', 'Keras 1 merge(..., mode=lambda t: t[0] * t[1]) with a callab'),
        ], idempotent=False),
    'renamed_deconv_atrous_optimizer': Case(
        before='''\
from keras.layers import Deconvolution2D, AtrousConvolution2D
from keras import optimizers, losses
d = Deconvolution2D(3, 4, 4, (None, 8, 8, 3), subsample=(2, 2))
a = AtrousConvolution2D(16, 3, 3, atrous_rate=(2, 2))
o = optimizers.adam(lr=0.01)
l = losses.mse
''',
        after='''\
from keras.layers import Conv2DTranspose, Conv2D
from keras import optimizers, losses
d = Conv2DTranspose(3, (4, 4), strides=(2, 2))
a = Conv2D(16, (3, 3), dilation_rate=(2, 2))
o = optimizers.Adam(learning_rate=0.01)
l = losses.mean_squared_error
''',
        diags=[
        (1, 'info', 'renamed-names', 'import Deconvolution2D -> Conv2DTranspose (Keras 3 name; 2.2'),
        (1, 'info', 'renamed-names', 'import AtrousConvolution2D -> Conv2D (Keras 3 name; 2.2.4 al'),
        (3, 'info', 'keras1-args', 'Conv2DTranspose: Keras-1 arguments renamed: subsample= -> st'),
        (3, 'info', 'keras1-args', 'Conv2DTranspose: positional output_shape dropped (2.2.4 igno'),
        (3, 'info', 'keras1-args', 'Conv2DTranspose: positional kernel size 4, 4 -> (4, 4) (2.2.'),
        (4, 'info', 'keras1-args', 'AtrousConvolution2D: Keras-1 arguments renamed: atrous_rate='),
        (4, 'info', 'keras1-args', 'AtrousConvolution2D: positional kernel size 3, 3 -> (3, 3) ('),
        (5, 'info', 'renamed-names', 'adam -> Adam (Keras 3 name)'),
        (6, 'info', 'renamed-names', 'mse -> mean_squared_error (Keras 3 name)'),
        ]),
    'training_fit_nb_epoch': Case(
        before='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
model.fit(x, y, nb_epoch=10, batch_size=32)
''',
        after='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
model.fit(x, y, epochs=10, batch_size=32)
''',
        diags=[
        (5, 'info', 'training-api', 'fit: nb_epoch= -> epochs= (Keras 1)'),
        ]),
    'training_fit_generator_flow': Case(
        before='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
model.fit_generator(datagen.flow(x, y, batch_size=16), samples_per_epoch=len(x), nb_epoch=5,
                    validation_data=(vx, vy), nb_val_samples=100, workers=4, pickle_safe=True)
''',
        after='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
model.fit(datagen.flow(x, y, batch_size=16), steps_per_epoch=len(x) // 16, epochs=5,
                    validation_data=(vx, vy), validation_steps=100)
''',
        diags=[
        (5, 'info', 'training-api', 'fit_generator -> fit; nb_epoch= -> epochs=; nb_val_samples= '),
        (5, 'warning', 'training-api', 'fit_generator: nb_val_samples= became validation_steps= as 2'),
        (5, 'warning', 'training-api', "fit_generator: pickle_safe, workers dropped (Keras 3's fit()"),
        ]),
    'training_fit_generator_positional': Case(
        before='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
model.fit_generator(gen, 100, 5, verbose=1, max_queue_size=10)
score = model.evaluate_generator(gen, 10)
out = model.predict_generator(gen, steps=10, workers=2)
''',
        after='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
model.fit(gen, steps_per_epoch=100, epochs=5, verbose=1)
score = model.evaluate(gen, steps=10)
out = model.predict(gen, steps=10)
''',
        diags=[
        (5, 'info', 'training-api', 'fit_generator -> fit; positional arguments given their 2.2.4'),
        (5, 'warning', 'training-api', "fit_generator: max_queue_size dropped (Keras 3's fit() has n"),
        (6, 'info', 'training-api', 'evaluate_generator -> evaluate; positional arguments given t'),
        (7, 'info', 'training-api', 'predict_generator -> predict'),
        (7, 'warning', 'training-api', "predict_generator: workers dropped (Keras 3's predict() has "),
        ]),
    'training_samples_per_epoch_name': Case(
        before='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
model.fit_generator(train_gen, samples_per_epoch=2000, nb_epoch=2)
model.fit_generator(train_gen.make(), samples_per_epoch=2000, nb_epoch=2)
''',
        after='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
model.fit(train_gen, steps_per_epoch=2000 // train_gen.batch_size if hasattr(train_gen, 'batch_size') else 2000, epochs=2)
model.fit(train_gen.make(), steps_per_epoch=2000, epochs=2)
''',
        diags=[
        (5, 'info', 'training-api', 'fit_generator -> fit; nb_epoch= -> epochs=; samples_per_epoc'),
        (6, 'info', 'training-api', 'fit_generator -> fit; nb_epoch= -> epochs=; samples_per_epoc'),
        (6, 'warning', 'training-api', 'fit_generator: samples_per_epoch=2000 (samples) became steps'),
        ]),
    'training_predict_classes_known': Case(
        before='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential
from keras.layers import Dense, Activation
model = Sequential()
model.add(Dense(10))
model.add(Activation('softmax'))
c = model.predict_classes(x)
p = model.predict_proba(x, batch_size=8)
binary = Sequential([Dense(1, activation="sigmoid")])
b = binary.predict_classes(x, verbose=1)
''',
        after='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential
from keras.layers import Dense, Activation
model = Sequential()
model.add(Dense(10))
model.add(Activation('softmax'))
c = model.predict(x, verbose=0).argmax(axis=-1)
p = model.predict(x, batch_size=8)
binary = Sequential([Dense(1, activation="sigmoid")])
b = (binary.predict(x, verbose=1) > 0.5).astype('int32')
''',
        diags=[
        (7, 'info', 'training-api', 'predict_classes -> predict(...).argmax(axis=-1) (2.2.4; the '),
        (8, 'info', 'training-api', "predict_proba -> predict (2.2.4's predict_proba was predict;"),
        (10, 'info', 'training-api', "predict_classes -> (predict(...) > 0.5).astype('int32') (2.2"),
        ]),
    'training_predict_classes_unknown': Case(
        before='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import load_model
model = load_model('model.h5')
c = model.predict_classes(x)
''',
        after='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import load_model


def keras224_predict_classes(model, x, batch_size=32, verbose=0):
    """Keras 2.2.4's Sequential.predict_classes (removed in Keras 3)."""
    proba = model.predict(x, batch_size=batch_size, verbose=verbose)
    if proba.shape[-1] > 1:
        return proba.argmax(axis=-1)
    return (proba > 0.5).astype("int32")


model = load_model('model.h5')
c = keras224_predict_classes(model, x)
''',
        diags=[
        (3, 'warning', 'training-api', 'load_model: Keras 3 misreads or refuses most .h5 models w'),
        (4, 'info', 'training-api', 'predict_classes -> keras224_predict_classes(model, ...) (2.2'),
        ]),
    'training_save_names': Case(
        before='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential, load_model
from keras.layers import Dense
model = Sequential([Dense(1)])
model.save('my_model')
model.save('ok.h5')
model.save_weights('weights.h5')
model.load_weights('weights.h5')
again = load_model('my_model')
model.save(path)
''',
        after='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from keras.models import Sequential, load_model
from keras.layers import Dense
model = Sequential([Dense(1)])
model.save('my_model.keras')
model.save('ok.h5')
model.save_weights('weights.weights.h5')
model.load_weights('weights.weights.h5')
again = load_model('my_model.keras')
model.save(path)
''',
        diags=[
        (5, 'warning', 'training-api', "save: file name 'my_model' -> 'my_model.keras' (Keras 3 requ"),
        (7, 'warning', 'training-api', "save_weights: file name 'weights.h5' -> 'weights.weights.h5'"),
        (8, 'info', 'training-api', "load_weights: 'weights.h5' -> 'weights.weights.h5' (the name"),
        (9, 'info', 'training-api', "load_model: 'my_model' -> 'my_model.keras' (the name the mig"),
        ]),
    'training_save_weights_through_a_variable': Case(
        before='''\
import os
import tempfile
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
weight_path = os.path.join(tempfile.gettempdir(), 'saved_wt.h5')
model.save_weights(weight_path)
model.load_weights(weight_path)
other = 'a.h5'
other = 'b.h5'
model.save_weights(other)
''',
        after='''\
import os
import tempfile
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
weight_path = os.path.join(tempfile.gettempdir(), 'saved_wt.weights.h5')
model.save_weights(weight_path)
model.load_weights(weight_path)
other = 'a.h5'
other = 'b.h5'
model.save_weights(other)
''',
        diags=[
        (7, 'warning', 'training-api', "save_weights: file name 'saved_wt.h5' -> 'saved_wt.weights.h5"),
        (11, 'warning', 'training-api', "save_weights: the file name is computed; Keras 3 requires it to end in"),
        ]),
    'training_save_weights_computed_names': Case(
        before='''\
import os
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
for epoch in range(2):
    model.save_weights('params_{0:03d}.hdf5'.format(epoch), True)
    model.save_weights('w_%d.h5' % epoch)
    model.save_weights(f"w_{epoch}.h5")
    model.save_weights(os.path.join('out', 'w' + str(epoch) + '.h5'))
    model.save_weights(r'C:\w_{}.h5'.format(epoch))
    model.save_weights('{}'.format(epoch))
    model.save_weights('w_%s' % epoch)
model.load_weights('params_{0:03d}.hdf5'.format(1))
model.save('model_{}_final'.format(1))
''',
        after='''\
import os
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1)])
for epoch in range(2):
    model.save_weights('params_{0:03d}.weights.h5'.format(epoch), True)
    model.save_weights('w_%d.weights.h5' % epoch)
    model.save_weights(f"w_{epoch}.weights.h5")
    model.save_weights(os.path.join('out', 'w' + str(epoch) + '.weights.h5'))
    model.save_weights(r'C:\w_{}.weights.h5'.format(epoch))
    model.save_weights('{}'.format(epoch))
    model.save_weights('w_%s' % epoch)
model.load_weights('params_{0:03d}.weights.h5'.format(1))
model.save('model_{}_final.keras'.format(1))
''',
        diags=[
        (6, 'warning', 'training-api', "save_weights: file name `'params_{0:03d}.hdf5'.format(epoch)` -> `'params_{0:"),
        (7, 'warning', 'training-api', "save_weights: file name `'w_%d.h5' % epoch` -> `'w_%d.weights.h5' % epoch`"),
        (8, 'warning', 'training-api', 'save_weights: file name `f"w_{epoch}.h5"` -> `f"w_{epoch}.weights.h5"`'),
        (9, 'warning', 'training-api', "save_weights: file name `os.path.join('out', 'w' + str(epoch) + '.h5')` -> "),
        (10, 'warning', 'training-api', "save_weights: file name `r'C:\\w_{}.h5'.format(epoch)` -> `r'C:\\w_{}.weig"),
        (11, 'warning', 'training-api', "save_weights('{}'.format(epoch)): the name ends in a computed part; Keras"),
        (12, 'warning', 'training-api', "save_weights('w_%s' % epoch): the name ends in a computed part; Keras 3 "),
        (13, 'info', 'training-api', "load_weights: `'params_{0:03d}.hdf5'.format(1)` -> `'params_{0:03d}.weights."),
        (14, 'warning', 'training-api', "save: file name `'model_{}_final'.format(1)` -> `'model_{}_final.keras'.for"),
        ]),
    'training_save_unknown_owner': Case(
        before='''\
from keras.models import load_model
img = picture = None
img.save('out.png')
picture.save('snapshot')
net = load_model('net.keras')
net.save_weights('w.h5')
''',
        after='''\
from keras.models import load_model
img = picture = None
img.save('out.png')
picture.save('snapshot')
net = load_model('net.keras')
net.save_weights('w.weights.h5')
''',
        diags=[
        (4, 'warning', 'training-api', "save('snapshot'): if this is a Keras model, Keras 3 requires"),
        (6, 'warning', 'training-api', "save_weights: file name 'w.h5' -> 'w.weights.h5'"),
        ]),
    'training_predict_proba_sklearn': Case(
        before='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from sklearn.linear_model import LogisticRegression
from keras.layers import Dense
clf = LogisticRegression()
p = clf.predict_proba(x)
''',
        after='''\
x = y = vx = vy = gen = train_gen = datagen = path = None
from sklearn.linear_model import LogisticRegression
from keras.layers import Dense
clf = LogisticRegression()
p = clf.predict_proba(x)
''',
        diags=[
        ]),
    'callbacks': Case(
        before='''\
from keras.callbacks import EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
a = EarlyStopping(monitor='val_acc', patience=3)
b = ModelCheckpoint('weights.{epoch:02d}.hdf5', monitor='val_acc', mode='auto', period=1, save_best_only=True)
c = ReduceLROnPlateau(monitor='val_loss', epsilon=1e-4)
d = ModelCheckpoint('best.h5', save_weights_only=True, monitor='val_mean_absolute_error', period=5)
e = EarlyStopping()
''',
        after='''\
from keras.callbacks import EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
a = EarlyStopping(monitor='val_acc', patience=3, mode='max')
b = ModelCheckpoint('weights.{epoch:02d}.keras', monitor='val_acc', mode='max', save_best_only=True)
c = ReduceLROnPlateau(monitor='val_loss', min_delta=1e-4)
d = ModelCheckpoint('best.weights.h5', save_weights_only=True, monitor='val_mean_absolute_error', mode='min')
e = EarlyStopping()
''',
        diags=[
        (2, 'info', 'callbacks', "EarlyStopping: mode='max' (2.2.4's mode='auto' chose 'max' f"),
        (3, 'info', 'callbacks', 'ModelCheckpoint: period=1 dropped (Keras 3 saves every epoch'),
        (3, 'warning', 'callbacks', "ModelCheckpoint: file name 'weights.{epoch:02d}.hdf5' -> 'we"),
        (3, 'info', 'callbacks', "ModelCheckpoint: mode='auto' -> 'max' (2.2.4's choice for mo"),
        (4, 'info', 'callbacks', 'ReduceLROnPlateau: epsilon= -> min_delta= (2.2.4 mapped it; '),
        (5, 'info', 'callbacks', "ModelCheckpoint: mode='min' (2.2.4's mode='auto' chose 'min'"),
        (5, 'warning', 'callbacks', 'ModelCheckpoint: period=5 dropped (Keras 3 has no per-N-epoc'),
        (5, 'warning', 'callbacks', "ModelCheckpoint: file name 'best.h5' -> 'best.weights.h5' (K"),
        ]),
    'removed_cudnn': Case(
        before='''\
from keras.layers import CuDNNLSTM, CuDNNGRU
a = CuDNNLSTM(32, 'he_normal', return_sequences=True)
b = CuDNNGRU(16)
''',
        after='''\
from keras.layers import LSTM, GRU
a = LSTM(32, kernel_initializer='he_normal', return_sequences=True, recurrent_activation='sigmoid')
b = GRU(16, recurrent_activation='sigmoid', reset_after=True)
''',
        diags=[
        (1, 'info', 'renamed-names', 'import CuDNNLSTM -> LSTM (Keras 3 name; 2.2.4 alias)'),
        (1, 'info', 'renamed-names', 'import CuDNNGRU -> GRU (Keras 3 name; 2.2.4 alias)'),
        (2, 'info', 'layers-removed', 'CuDNNLSTM: positional arguments given their 2.2.4 keywords ('),
        (2, 'info', 'layers-removed', "CuDNNLSTM -> LSTM (Keras 3's LSTM defaults are the cuDNN cel"),
        (2, 'warning', 'layers-removed', 'CuDNNLSTM -> LSTM: weights saved from a 2.2.4 CuDNNLSTM (bia'),
        (3, 'info', 'layers-removed', "CuDNNGRU -> GRU (Keras 3's GRU defaults are the cuDNN cell: "),
        (3, 'warning', 'layers-removed', 'CuDNNGRU -> GRU: weights saved from a 2.2.4 CuDNNGRU (bias o'),
        ]),
    'removed_thresholded_relu': Case(
        before='''\
from keras.layers.advanced_activations import ThresholdedReLU
a = ThresholdedReLU()
b = ThresholdedReLU(0.5)
c = ThresholdedReLU(theta=2.0)
d = ThresholdedReLU(-1.0)
''',
        after='''\
from keras.layers import ReLU
a = ReLU(threshold=1.0)
b = ReLU(threshold=0.5)
c = ReLU(threshold=2.0)
d = ReLU(-1.0)
''',
        diags=[
        (1, 'info', 'renamed-names', 'import ThresholdedReLU -> ReLU (Keras 3 name; 2.2.4 alias)'),
        (2, 'info', 'layers-removed', "ThresholdedReLU() -> ReLU(threshold=1.0) (2.2.4's default th"),
        (3, 'info', 'layers-removed', 'ThresholdedReLU(theta) -> ReLU(threshold=theta) (x * (x > th'),
        (4, 'info', 'layers-removed', 'ThresholdedReLU(theta=) -> ReLU(threshold=) (x * (x > theta)'),
        (5, 'warning', 'layers-removed', "ThresholdedReLU with a negative theta: Keras 3's ReLU(thresh"),
        ]),
    'removed_api': Case(
        before='''\
from keras.callbacks import TensorBoard
from keras.utils import print_summary
from keras.models import Sequential, model_from_yaml
from keras.wrappers.scikit_learn import KerasClassifier
model = Sequential()
tb = TensorBoard('./logs', 1, 32, write_grads=True)
print_summary(model, line_length=80)
y = model.to_yaml()
m = model_from_yaml(y)
clf = KerasClassifier(build_fn=None, epochs=3)
''',
        after='''\
from keras.callbacks import TensorBoard
from keras.models import Sequential, model_from_yaml
from keras.wrappers.scikit_learn import KerasClassifier
model = Sequential()
tb = TensorBoard(log_dir='./logs', histogram_freq=1)
model.summary(line_length=80)
y = model.to_yaml()
m = model_from_yaml(y)
clf = KerasClassifier(build_fn=None, epochs=3)
''',
        diags=[
        (2, 'info', 'layers-removed', 'import of print_summary removed (Keras 3 has none; every use'),
        (6, 'warning', 'callbacks', 'TensorBoard: batch_size, write_grads dropped'),
        (7, 'info', 'layers-removed', 'print_summary(model, ...) -> model.summary(...)'),
        (8, 'warning', 'layers-removed', 'to_yaml() was removed in Keras 3'),
        (9, 'warning', 'layers-removed', 'model_from_yaml was removed in Keras 3'),
        (10, 'warning', 'layers-removed', 'keras.wrappers.scikit_learn was removed in Keras 3'),
        ], idempotent=False),
    'regularizers_l1_l2': Case(
        before='''\
from keras import regularizers
from keras.layers import Dense
a = Dense(4, kernel_regularizer=regularizers.l1_l2())
b = Dense(4, kernel_regularizer=regularizers.l1_l2(l1=0.001))
c = Dense(4, kernel_regularizer=regularizers.l1_l2(0.1, 0.2))
d = Dense(4, kernel_regularizer=regularizers.l2(l=0.001))
''',
        after='''\
from keras import regularizers
from keras.layers import Dense
a = Dense(4, kernel_regularizer=regularizers.l1_l2(l1=0.01, l2=0.01))
b = Dense(4, kernel_regularizer=regularizers.l1_l2(l1=0.001, l2=0.01))
c = Dense(4, kernel_regularizer=regularizers.l1_l2(0.1, 0.2))
d = Dense(4, kernel_regularizer=regularizers.l2(l2=0.001))
''',
        diags=[
        (3, 'info', 'regularizers', "l1_l2: l1=0.01, l2=0.01 (2.2.4 defaults; Keras 3's are 0)"),
        (4, 'info', 'regularizers', "l1_l2: l2=0.01 (2.2.4 defaults; Keras 3's are 0)"),
        (6, 'info', 'regularizers', 'l2(l=) -> l2(l2=) (Keras 3 name)'),
        ]),
    'regularizers_l1_l2_keras3': Case(
        before='''\
from keras import regularizers
from keras.layers import Dense
a = Dense(4, kernel_regularizer=regularizers.l1_l2())
''',
        after='''\
from keras import regularizers
from keras.layers import Dense
a = Dense(4, kernel_regularizer=regularizers.l1_l2())
''',
        diags=[
        (3, 'warning', 'regularizers', 'l1_l2: default l1, l2 changes from 0.01 (2.2.4) to 0.0 (Kera'),
        ],
        options={'defaults': 'keras3'}),
    'regularizers_activity': Case(
        before='''\
from keras import regularizers
from keras.layers import Dense, ActivityRegularization
a = Dense(4, activity_regularizer=regularizers.l1(0.01))
b = ActivityRegularization(l2=0.01)
''',
        after='''\
from keras import regularizers
from keras.layers import Dense, ActivityRegularization
import keras


@keras.utils.register_keras_serializable(package="keras224")
class Keras224ActivityRegularization(keras.layers.ActivityRegularization):
    """Keras 2.2.4's ActivityRegularization: the penalty is not divided by the batch size."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(l1=l1, l2=l2, **kwargs)
        self.activity_regularizer = Keras224ActivityRegularizer(keras.regularizers.L1L2(l1=l1, l2=l2))


@keras.utils.register_keras_serializable(package="keras224")
class Keras224ActivityRegularizer(keras.regularizers.Regularizer):
    """Keras 2.2.4's activity penalty: Keras 3 divides it by the batch size, 2.2.4 did not."""

    def __init__(self, regularizer):
        self.regularizer = keras.regularizers.get(regularizer)

    def __call__(self, x):
        loss = self.regularizer(x)
        if len(x.shape) == 0:
            return loss
        return loss * keras.ops.cast(keras.ops.shape(x)[0], loss.dtype)

    def get_config(self):
        return {"regularizer": keras.regularizers.serialize(self.regularizer)}


a = Dense(4, activity_regularizer=Keras224ActivityRegularizer(regularizers.l1(0.01)))
b = Keras224ActivityRegularization(l2=0.01)
''',
        diags=[
        (3, 'info', 'regularizers', 'activity_regularizer wrapped in Keras224ActivityRegularizer '),
        (4, 'info', 'regularizers', 'ActivityRegularization -> Keras224ActivityRegularization (th'),
        ]),
    'loss_aliases': Case(
        before='''\
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1, kernel_constraint="maxnorm")])
model.compile(optimizer='sgd', loss='logcosh', metrics=['cosine_proximity', 'mae'])
model.compile('sgd', 'kullback_leibler_divergence')
''',
        after='''\
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(1, kernel_constraint="max_norm")])
model.compile(optimizer='sgd', loss='log_cosh', metrics=['cosine_similarity', 'mae'])
model.compile('sgd', 'kl_divergence')
''',
        diags=[
        (3, 'info', 'loss-aliases', "constraint 'maxnorm' -> 'max_norm' (Keras 3 name)"),
        (4, 'info', 'loss-aliases', "loss 'logcosh' -> 'log_cosh' (Keras 3 name)"),
        (4, 'info', 'loss-aliases', "metric 'cosine_proximity' -> 'cosine_similarity' (Keras 3 na"),
        (4, 'warning', 'loss-aliases', "metric 'cosine_proximity': 2.2.4 reported -cosine (cosine_pr"),
        (5, 'info', 'loss-aliases', "loss 'kullback_leibler_divergence' -> 'kl_divergence' (Keras"),
        ]),
    'backend_dim_ordering': Case(
        before='''\
from keras import backend as K
K.set_image_dim_ordering('th')
if K.image_dim_ordering() == 'tf':
    shape = (28, 28, 1)
order = K.image_dim_ordering()
''',
        after='''\
from keras import backend as K
K.set_image_data_format('channels_first')
if K.image_data_format() == 'channels_last':
    shape = (28, 28, 1)
order = ('th' if K.image_data_format() == 'channels_first' else 'tf')
''',
        diags=[
        (2, 'info', 'backend-breadth', "set_image_dim_ordering('th') -> set_image_data_format('chann"),
        (3, 'info', 'backend-breadth', "image_dim_ordering() == 'tf' -> image_data_format() == 'chan"),
        (5, 'info', 'backend-breadth', "image_dim_ordering() -> the same 'th'/'tf' value from image_"),
        ]),
    'backend_manual_and_keras_shape': Case(
        before='''\
from keras import backend as K
from keras.layers import Input, Dense
x = Input(shape=(4,))
h = Dense(3)(x)
n = h._keras_shape[-1]
ins = [x, K.learning_phase()]  # a learning phase in a variable: K.function is left for a hand migration
f = K.function(ins, [h])
''',
        after='''\
from keras import backend as K
from keras.layers import Input, Dense
x = Input(shape=(4,))
h = Dense(3)(x)
n = h.shape[-1]
ins = [x, K.learning_phase()]  # a learning phase in a variable: K.function is left for a hand migration
f = K.function(ins, [h])
''',
        diags=[
        (5, 'info', 'backend-breadth', "_keras_shape -> shape (a Keras 3 tensor's shape is the same "),
        (7, 'warning', 'backend-breadth', 'K.function(inputs, outputs) has no Keras 3 equivalent: build'),
        (6, 'warning', 'backend-breadth', 'K.learning_phase() was removed: pass `training=True/False` w'),
        ]),
    'int_args_numpy_integers': Case(
        before='''\
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Embedding, LSTM, RepeatVector
y = np.array([3, 1, 2])
max_words = 1000
num_classes = np.max(y) + 1
hidden, steps = max_words // 2, len(y)
def block(units=16):
    return Dense(units)
model = Sequential()
model.add(Embedding(max_words, (num_classes), input_length=steps))
model.add(LSTM(hidden))
model.add(RepeatVector(n=steps * 2))
model.add(Dense(output_dim=num_classes))
model.add(Dense(int(num_classes), activation='softmax'))
''',
        after='''\
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Embedding, LSTM, RepeatVector
import keras


@keras.utils.register_keras_serializable(package="keras224")
def keras224_hard_sigmoid(x):
    """Keras 2.2.4's hard_sigmoid, clip(0.2 * x + 0.5, 0, 1) (Keras 3's differs)."""
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


y = np.array([3, 1, 2])
max_words = 1000
num_classes = np.max(y) + 1
hidden, steps = max_words // 2, len(y)
def block(units=16):
    return Dense(int(units))
model = Sequential()
model.add(keras.Input(shape=(steps,)))
model.add(Embedding(max_words, int(num_classes)))
model.add(LSTM(hidden, recurrent_activation=keras224_hard_sigmoid))
model.add(RepeatVector(n=steps * 2))
model.add(Dense(units=int(num_classes)))
model.add(Dense(int(num_classes), activation='softmax'))
''',
        diags=[
        (9, 'info', 'int-args', 'Dense: units wrapped in int() (Keras 3 accepts only a Python'),
        (11, 'info', 'int-args', 'Embedding: output_dim wrapped in int()'),
        (14, 'info', 'keras1-args', 'Dense: Keras-1 arguments renamed: output_dim= -> units='),
        (14, 'info', 'int-args', 'Dense: units wrapped in int()'),
        ]),
    'layer_weights_argument': Case(
        before='''\
from keras.models import Sequential
from keras.layers import Conv2D, Dense, TimeDistributed, Embedding
w = m = None
model = Sequential()
model.add(Conv2D(2, 3, padding='same',
                 name='c', weights=w))  # set after build
model.add(Dense(3, weights=None))
model.add(TimeDistributed(Dense(3, weights=w)))
model.add(Embedding(3, 4, weights=[m]))
''',
        after='''\
from keras.models import Sequential
from keras.layers import Conv2D, Dense, TimeDistributed, Embedding
import keras


def keras224_initial_weights(layer, weights):
    """Keras 2.2.4's `weights=` layer argument: set once the layer is built (2.2.4 set them in
    Layer.__call__ right after build(); Keras 3 has no such argument)."""
    import functools

    build, pending = layer.build, [weights]

    @functools.wraps(build)  # Keras 3 reads build's signature to pass the input shape
    def build_then_set_weights(*args, **kwargs):
        build(*args, **kwargs)
        if pending:
            values = pending.pop()
            if keras.backend.backend() == "tensorflow":
                import tensorflow as tf

                with tf.init_scope():  # a first build inside a traced function: assign once, eagerly
                    layer.set_weights(values)
            else:
                layer.set_weights(values)

    layer.build = build_then_set_weights
    return layer


w = m = None
model = Sequential()
model.add(keras224_initial_weights(Conv2D(2, 3, padding='same',
                 name='c'), w))  # set after build
model.add(Dense(3))
model.add(TimeDistributed(Dense(3)))
model.add(Embedding(3, 4, weights=[m]))
''',
        diags=[
        (5, 'info', 'layer-weights', "Conv2D(..., weights=w) -> keras224_initial_weights(Conv2D(...), w)"),
        (7, 'info', 'layer-weights', 'Dense: weights=None dropped'),
        (8, 'warning', 'layer-weights', 'Dense: weights= dropped: 2.2.4 ignored it for a layer inside'),
        ]),
    'trainable_after_compile': Case(
        before='''\
import re
from keras.models import Model, Sequential
from keras.layers import Dense, Input
pattern = re.compile('x')
d = Sequential([Dense(1, input_dim=3)])
d.compile(optimizer='sgd', loss='mse')  # trains d
d.trainable = False
z = Input(shape=(3,))
combined = Model(z, d(z))
combined.compile(optimizer='sgd', loss='mse')
''',
        after='''\
import re
from keras.models import Model, Sequential
from keras.layers import Dense, Input
import keras


def keras224_train_as_compiled(model):
    """Keras 2.2.4 fixed at compile() which weights a model trains; Keras 3 takes them when the
    model first trains.  A later `layer.trainable = ...` (a GAN freezing its discriminator for the
    combined model) must not change what this model trains: its fit/train_on_batch run with the
    trainable flags it had when compiled (as of this call)."""
    import functools

    def flags():
        layers, stack = [], [model]
        while stack:  # parents before children: setting `trainable` propagates downwards
            layer = stack.pop()
            layers.append((layer, layer.trainable))
            stack.extend(reversed(getattr(layer, "layers", [])))
        return layers, [(v, v.trainable) for v in model.weights]

    def restore(state):
        layers, variables = state
        for layer, flag in layers:
            layer.trainable = flag
        for v, flag in variables:
            v.trainable = flag

    compiled = flags()
    for method_name in ("fit", "train_on_batch"):
        method = getattr(model, method_name)
        method = getattr(method, "keras224_untouched", method)  # compiled again: wrap the original

        @functools.wraps(method)
        def train(*args, _method=method, **kwargs):
            now = flags()
            restore(compiled)
            try:
                return _method(*args, **kwargs)
            finally:
                restore(now)

        train.keras224_untouched = method
        setattr(model, method_name, train)
    return model


pattern = re.compile('x')
d = Sequential([keras.Input(shape=(3,)), Dense(1)])
d.compile(optimizer='sgd', loss='mse')  # trains d
keras224_train_as_compiled(d)
d.trainable = False
z = Input(shape=(3,))
combined = Model(z, d(z))
combined.compile(optimizer='sgd', loss='mse')
''',
        diags=[
        (6, 'info', 'trainable-at-compile', 'd.compile(): keras224_train_as_compiled(d) added'),
        ]),
    'tensor_inputs_reported': Case(
        before='''\
import tensorflow as tf
from keras import layers, models
dataset = tf.data.Dataset.from_tensor_slices(([[1.0]], [[0.0]])).batch(1)
iterator = dataset.make_one_shot_iterator()
inputs, targets = iterator.get_next()
x = layers.Input(tensor=inputs)
model = models.Model(x, layers.Dense(1)(x))
model.compile(optimizer='sgd', loss='mse', target_tensors=[targets])
''',
        after='''\
import tensorflow as tf
from keras import layers, models
dataset = tf.data.Dataset.from_tensor_slices(([[1.0]], [[0.0]])).batch(1)
iterator = dataset.make_one_shot_iterator()
inputs, targets = iterator.get_next()
x = layers.Input(tensor=inputs)
model = models.Model(x, layers.Dense(1)(x))
model.compile(optimizer='sgd', loss='mse', target_tensors=[targets])
''',
        diags=[
        (4, 'warning', 'tensor-inputs', 'make_one_shot_iterator() is gone from TF 2 datasets'),
        (6, 'warning', 'tensor-inputs', "Input(tensor=...): Keras 3's Input takes only a KerasTensor"),
        (8, 'warning', 'tensor-inputs', "compile(target_tensors=...): Keras 3's compile has no target_tensors"),
        ],
        idempotent=False),
}


def _migrate(case: Case):
    result = migrate_source(case.before, "t.py", Options(**case.options))
    assert result.ok, [d.format() for d in result.diagnostics]
    return result


@pytest.mark.parametrize("name", sorted(CASES))
def test_before_after(name):
    case = CASES[name]
    result = _migrate(case)
    assert result.code == case.after
    cst.parse_module(result.code)


@pytest.mark.parametrize("name", sorted(CASES))
def test_diagnostics(name):
    case = CASES[name]
    result = _migrate(case)
    got = [(d.line, d.severity, d.rule, d.message) for d in result.diagnostics if d.rule in BREADTH_RULES]
    for line, severity, rule, prefix in case.diags:
        assert any(g[:3] == (line, severity, rule) and g[3].startswith(prefix) for g in got), \
            (line, severity, rule, prefix, got)
    assert len(got) == len(case.diags), got


@pytest.mark.parametrize("name", sorted(CASES))
def test_idempotent(name):
    """Migrating the migrated code again changes nothing the breadth rules own."""
    case = CASES[name]
    if not case.idempotent:
        pytest.skip("the migration keeps a construct reported for a hand migration")
    once = _migrate(case).code
    again = migrate_source(once, "t.py", Options(**case.options))
    assert again.code is not None
    infos = [d for d in again.diagnostics if d.rule in BREADTH_RULES and d.severity == "info"]
    assert infos == [], [d.format() for d in infos]


def test_conv2d_third_positional_is_never_left_as_strides():
    """Keras 3 reads Conv2D(f, a, b)'s b as strides: no migrated call may keep three positionals."""
    src = "from keras.layers import Conv2D, Convolution2D\na = Conv2D(8, 3, 3)\nb = Convolution2D(8, 5, 5, activation='relu')\n"
    code = migrate_source(src, "t.py").code
    for node in cst.parse_module(code).body[1:]:
        call = node.body[0].value
        assert len([a for a in call.args if a.keyword is None]) == 2


def test_merge_import_fixed_when_inserted_first():
    """`from keras.layers import merge, Dense`: the imports rule splits the line; merge must not survive."""
    src = "from keras.layers import merge, Dense, Input\na = Input(shape=(2,))\nc = merge([a, a], mode='mul')\n"
    code = migrate_source(src, "t.py").code
    assert "import merge" not in code and "merge(" not in code
    assert "multiply([a, a])" in code
    assert "from keras.layers import Dense, Input, multiply" in code


def test_keras3_defaults_warn_instead_of_pinning():
    src = "from keras.layers import LSTM\nr = LSTM(4, inner_activation='hard_sigmoid')\n"
    result = migrate_source(src, "t.py", Options(defaults="keras3"))
    assert "recurrent_activation='hard_sigmoid'" in result.code
    assert any(d.severity == "warning" and d.rule == "keras1-args" and "relu6" in d.message for d in result.diagnostics)


@pytest.mark.parametrize("defaults", ["keras224", "keras3"])
def test_inner_activation_supersedes_the_gate_default(defaults):
    """`inner_activation=` names the gate: no 2.2.4-default gate is added, reported or defined."""
    src = "from keras.layers import LSTM\nr = LSTM(4, inner_activation='sigmoid')\n"
    result = migrate_source(src, "t.py", Options(defaults=defaults))
    assert "LSTM(4, recurrent_activation='sigmoid')" in result.code
    assert "keras224_hard_sigmoid" not in result.code
    assert not [d for d in result.diagnostics if d.rule == "recurrent-224" and "recurrent_activation" in d.message]
