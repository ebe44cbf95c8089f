"""One small Keras 2.2 snippet per rule, for `kfn-gen rule CODE`: the command migrates it with that rule alone
and prints before and after.  tests/rules/test_rule_examples.py checks each snippet makes its rule act."""
from __future__ import annotations

EXAMPLES: dict[str, str] = {
    "imports": "from keras.layers.convolutional import Conv2D\nfrom keras.engine.topology import Layer\n",
    "node-access": "from keras.layers import Input, Dense\nx = Input(shape=(4,))\nd = Dense(3)\ny = d(x)\n"
                   "shape = d.get_output_shape_at(0)\n",
    "sequential-input": "from keras.models import Sequential\nfrom keras.layers import Dense\n"
                        "model = Sequential()\nmodel.add(Dense(32, input_dim=784))\n",
    "recurrent-224": "from keras.layers import LSTM, GRU\nlstm = LSTM(64)\ngru = GRU(32)\n",
    "optimizers": "from keras.optimizers import Adam, SGD\nadam = Adam(lr=0.001, decay=1e-6)\n"
                  "sgd = SGD(lr=0.01, momentum=0.9)\n",
    "backend-ops": "from keras import backend as K\ndef loss(y_true, y_pred):\n"
                   "    return K.mean(K.square(y_pred - y_true), axis=-1)\n",
    "compile-metrics": "import numpy as np\nfrom keras.models import Sequential\nx_train = y_train = np.zeros((4, 3))\n"
                       "model = Sequential()\n"
                       "model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])\n"
                       "history = model.fit(x_train, y_train)\nprint(history.history['acc'])\n",
    "keras1-args": "from keras.layers import Convolution2D, Dense\n"
                   "conv = Convolution2D(32, 3, 3, border_mode='same')\nout = Dense(output_dim=10)\n",
    "renamed-names": "from keras.layers import Deconvolution2D\nfrom keras import optimizers\n"
                     "up = Deconvolution2D(8, (3, 3))\nopt = optimizers.adam()\n",
    "training-api": "import numpy as np\nfrom keras.models import Sequential\nx_train = y_train = np.zeros((4, 3))\n"
                    "model = Sequential()\n"
                    "model.fit(x_train, y_train, nb_epoch=10)\nprobs = model.predict_proba(x_train)\n",
    "add-loss": "from keras.layers import Input, Dense\nfrom keras.models import Model\nfrom keras import backend as K\n"
                "x = Input(shape=(4,))\ny = Dense(4)(x)\nmodel = Model(x, y)\nmodel.add_loss(K.mean(y))\n",
    "custom-layers": "from keras.engine.topology import Layer\nclass Scale(Layer):\n"
                     "    def build(self, input_shape):\n"
                     "        self.w = self.add_weight('w', (input_shape[-1],), initializer='ones')\n",
    "callbacks": "from keras.callbacks import ReduceLROnPlateau, ModelCheckpoint\n"
                 "reduce = ReduceLROnPlateau(epsilon=1e-4)\nsave = ModelCheckpoint('w.h5', period=5)\n",
    "layers-removed": "from keras.layers import CuDNNLSTM, ThresholdedReLU\nrnn = CuDNNLSTM(64)\n"
                      "act = ThresholdedReLU(theta=0.5)\n",
    "regularizers": "from keras import regularizers\nfrom keras.layers import Dense\n"
                    "d = Dense(8, kernel_regularizer=regularizers.l2(l=0.01))\n",
    "loss-aliases": "from keras.models import Sequential\nmodel = Sequential()\n"
                    "model.compile('adam', loss='logcosh')\n",
    "backend-breadth": "from keras import backend as K\nif K.image_dim_ordering() == 'th':\n    axis = 1\n",
    "graph-constants": "from keras import backend as K\nK.set_learning_phase(0)\nscale = K.variable(2.0)\n",
    "tensor-inputs": "import tensorflow as tf\nfrom keras.layers import Input\n"
                     "t = tf.zeros((8, 4))\nx = Input(tensor=t)\n",
    "gradients": "from keras import backend as K\nfrom keras.layers import Input, Dense\n"
                 "x = Input(shape=(4,))\ny = Dense(1)(x)\ngrads = K.gradients(K.mean(y), [x])\n",
    "backend-function": "from keras import backend as K\nfrom keras.layers import Input, Dense\n"
                        "x = Input(shape=(4,))\ny = Dense(2)(x)\nf = K.function([x], [y])\n",
    "tf-removed": "import keras\nimport tensorflow as tf\nslim = tf.contrib.slim\n",
    "get-file": "from keras.utils.data_utils import get_file\n"
                "path = get_file('aclImdb', origin='http://example.com/aclImdb.tgz', untar=True)\n",
    "int-args": "import numpy as np\nfrom keras.layers import Dense\nn = np.int64(10)\nout = Dense(n)\n",
    "trainable-at-compile": "import numpy as np\nfrom keras.models import Sequential\nfrom keras.layers import Dense\n"
                            "x_train, y_train = np.zeros((4, 3)), np.zeros((4, 2))\n"
                            "model = Sequential([Dense(2, input_shape=(3,))])\nmodel.compile('sgd', 'mse')\n"
                            "model.layers[0].trainable = False\nmodel.fit(x_train, y_train)\n",
    "layer-weights": "import numpy as np\nfrom keras.layers import Input, Dense\nx = Input(shape=(4,))\n"
                     "y = Dense(3, weights=[np.ones((4, 3)), np.zeros(3)])(x)\n",
    "re-split-py37": "import keras\nimport re\ntext = 'a b'\nwords = re.split(r'\\W*', text)\n",
    "numpy-removed": "import keras\nimport numpy as np\nx = np.zeros(3, dtype=np.float)\nnan = np.NaN\n",
    "stdlib-removed": "import keras\nimport inspect\ndef f(a, b=1):\n    pass\nspec = inspect.getargspec(f)\n",
    "reset-states": "from keras.models import Sequential\nmodel = Sequential()\nmodel.reset_states()\n",
    "removed-modules": "from keras import engine\nLayer = engine.Layer\n",
    "bound-modules": "from keras import backend as K\ndef crop(x, t):\n    return K.tf.slice(x, [0, t], [-1, 2])\n",
    "removed-constants": "import keras\nurl = keras.applications.vgg16.vgg16.WEIGHTS_PATH_NO_TOP\n",
    "optimizer-subclasses": "from keras.optimizers import Optimizer\nclass Padam(Optimizer):\n"
                            "    def get_updates(self, loss, params):\n        return []\n",
    "removed-functions": "from keras.utils.conv_utils import normalize_tuple\n"
                         "from keras_applications.imagenet_utils import _obtain_input_shape\n"
                         "kernel = normalize_tuple(3, 2, 'kernel_size')\n",
    "layer-defaults": "from keras.layers import AveragePooling2D\npool = AveragePooling2D()\n",
    "masked-bidirectional": "from keras.layers import Input, Embedding, LSTM, Bidirectional\n"
                            "ids = Input(shape=(20,))\nx = Embedding(1000, 32, mask_zero=True)(ids)\n"
                            "x = Bidirectional(LSTM(16, return_sequences=True))(x)\n",
    "bidirectional-backwards": "from keras.layers import Bidirectional, GRU\n"
                               "bi = Bidirectional(GRU(8, return_sequences=True, go_backwards=True))\n",
    "layer-shapes": "from keras.models import load_model\nmodel = load_model('m.h5')\nfor layer in model.layers:\n"
                    "    print(layer.output_shape)\n",
}
