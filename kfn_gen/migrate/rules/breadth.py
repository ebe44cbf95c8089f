"""The breadth rules (issue 6), in the order they run after the seed rules."""
from __future__ import annotations


def breadth_rules() -> list:
    from kfn_gen.migrate.rules.add_loss import AddLoss
    from kfn_gen.migrate.rules.backend_breadth import BackendBreadth
    from kfn_gen.migrate.rules.backend_function import BackendFunction
    from kfn_gen.migrate.rules.callbacks import Callbacks
    from kfn_gen.migrate.rules.custom_layers import CustomLayers
    from kfn_gen.migrate.rules.get_file import GetFile
    from kfn_gen.migrate.rules.gradients import Gradients
    from kfn_gen.migrate.rules.graph_constants import GraphConstants
    from kfn_gen.migrate.rules.int_args import IntArgs
    from kfn_gen.migrate.rules.keras1_args import Keras1Args, RenamedNames
    from kfn_gen.migrate.rules.layer_weights import LayerWeights
    from kfn_gen.migrate.rules.layers_removed import LayersRemoved
    from kfn_gen.migrate.rules.regularizers import LossAliases, Regularizers
    from kfn_gen.migrate.rules.tensor_inputs import TensorInputs
    from kfn_gen.migrate.rules.tf_removed import TfRemoved
    from kfn_gen.migrate.rules.trainable_at_compile import TrainableAtCompile
    from kfn_gen.migrate.rules.training_api import TrainingApi

    return [Keras1Args(), RenamedNames(), TrainingApi(), AddLoss(), CustomLayers(), Callbacks(), LayersRemoved(),
            Regularizers(), LossAliases(), BackendBreadth(), GraphConstants(),
            TensorInputs(),  # before Gradients and BackendFunction: they feed its keras224_tensor_input values
            Gradients(), BackendFunction(), TfRemoved(), GetFile(), IntArgs(), TrainableAtCompile(),
            LayerWeights()]  # LayerWeights last: it wraps the edited call
