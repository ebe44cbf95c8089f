"""The rule registry: one module per rule that needs code; simple mappings live in tables.py."""
from __future__ import annotations


def all_rules():
    from .backend_ops import BackendOps
    from .breadth import breadth_rules
    from .imports import Imports
    from .metrics import CompileMetrics
    from .node_access import NodeAccess
    from .numpy_removed import NumpyRemoved
    from .optimizers import Optimizers
    from .re_split import ReSplitPy37
    from .recurrent import RecurrentDefaults
    from .removed_modules import RemovedModules
    from .reset_states import ResetStates
    from .sequential_input import SequentialInput
    from .stdlib_removed import StdlibRemoved

    return [Imports(), NodeAccess(), SequentialInput(), RecurrentDefaults(), Optimizers(), BackendOps(),
            CompileMetrics(), *breadth_rules(), ReSplitPy37(), NumpyRemoved(), StdlibRemoved(),
            ResetStates(), RemovedModules()]
