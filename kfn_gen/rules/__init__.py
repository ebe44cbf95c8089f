"""The rule registry: one module per rule that needs code; simple mappings live in tables.py."""
from __future__ import annotations


def all_rules():
    from .backend_ops import BackendOps
    from .breadth import breadth_rules
    from .imports import Imports
    from .metrics import CompileMetrics
    from .node_access import NodeAccess
    from .optimizers import Optimizers
    from .re_split import ReSplitPy37
    from .recurrent import RecurrentDefaults
    from .sequential_input import SequentialInput

    return [Imports(), NodeAccess(), SequentialInput(), RecurrentDefaults(), Optimizers(), BackendOps(),
            CompileMetrics(), *breadth_rules(), ReSplitPy37()]
