"""The breadth rules (issue 6), in the order they run after the seed rules."""
from __future__ import annotations


def breadth_rules() -> list:
    from .add_loss import AddLoss
    from .backend_breadth import BackendBreadth
    from .backend_function import BackendFunction
    from .callbacks import Callbacks
    from .custom_layers import CustomLayers
    from .get_file import GetFile
    from .gradients import Gradients
    from .graph_constants import GraphConstants
    from .int_args import IntArgs
    from .keras1_args import Keras1Args, RenamedNames
    from .layer_weights import LayerWeights
    from .layers_removed import LayersRemoved
    from .regularizers import LossAliases, Regularizers
    from .tensor_inputs import TensorInputs
    from .tf_removed import TfRemoved
    from .trainable_at_compile import TrainableAtCompile
    from .training_api import TrainingApi

    return [Keras1Args(), RenamedNames(), TrainingApi(), AddLoss(), CustomLayers(), Callbacks(), LayersRemoved(),
            Regularizers(), LossAliases(), BackendBreadth(), GraphConstants(),
            TensorInputs(),  # before Gradients and BackendFunction: they feed its keras224_tensor_input values
            Gradients(), BackendFunction(), TfRemoved(), GetFile(), IntArgs(), TrainableAtCompile(),
            LayerWeights()]  # LayerWeights last: it wraps the edited call
