"""kfn-gen: bring Keras 2.2 code to Keras 3, correctly.

Importing this package must stay cheap: the static migrator never imports TensorFlow.
"""

__version__ = "0.1.0"
