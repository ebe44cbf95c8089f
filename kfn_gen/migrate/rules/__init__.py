"""The rule registry: one module per rule that needs code; simple mappings live in migrate/tables/."""
from __future__ import annotations


def all_rules():
    from kfn_gen.migrate.rules.backend_ops import BackendOps
    from kfn_gen.migrate.rules.breadth import breadth_rules
    from kfn_gen.migrate.rules.imports import Imports
    from kfn_gen.migrate.rules.metrics import CompileMetrics
    from kfn_gen.migrate.rules.node_access import NodeAccess
    from kfn_gen.migrate.rules.numpy_removed import NumpyRemoved
    from kfn_gen.migrate.rules.optimizers import Optimizers
    from kfn_gen.migrate.rules.re_split import ReSplitPy37
    from kfn_gen.migrate.rules.recurrent import RecurrentDefaults
    from kfn_gen.migrate.rules.removed_modules import RemovedModules
    from kfn_gen.migrate.rules.reset_states import ResetStates
    from kfn_gen.migrate.rules.sequential_input import SequentialInput
    from kfn_gen.migrate.rules.stdlib_removed import StdlibRemoved

    return [Imports(), NodeAccess(), SequentialInput(), RecurrentDefaults(), Optimizers(), BackendOps(),
            CompileMetrics(), *breadth_rules(), ReSplitPy37(), NumpyRemoved(), StdlibRemoved(),
            ResetStates(), RemovedModules()]
