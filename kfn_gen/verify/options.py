"""What a verification run may do and how strictly it compares: one object, passed whole."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class VerifyOptions:
    legacy_dir: str | None = None  # Keras 2.2.4; None: $KFN_GEN_LEGACY_DIR or the user cache (installed on first use)
    timeout_s: float = 300  # wall-clock limit per side and script
    memory_mb: int = 6000  # RLIMIT_AS per side (TensorFlow alone needs ~2100 MB)
    seed: int = 0  # inputs, weights and PYTHONHASHSEED of both sides
    atol: float = 1e-5
    rtol: float = 1e-5
    check_training: bool = True  # False: gradient and optimizer-step differences are notes, not differences
    argv: tuple[str, ...] | None = None  # the scripts' command line; None: synthetic argparse arguments
    keep_dir: str | None = None  # receives the work directory (specs, npz, both sides' output)
    cwd: str | None = None  # a directory copied into each side's working directory (data the script opens)
    # each side keeps the weights its script gave its models (kfn-gen convert --verify: the two files' weights are
    # what is compared), instead of the legacy weights copied into the migrated models; no training step
    own_weights: bool = False
    # the legacy side also saves each model it captured as a 2.2.4 HDF5 file, out/models/m<index>.h5 under the
    # work directory (scripts/checkpoints_table.py: checkpoints of real scripts, written by genuine 2.2.4)
    save_models: bool = False

    def __post_init__(self):
        if self.argv is not None:
            object.__setattr__(self, "argv", tuple(str(a) for a in self.argv))


def script_argv(argv):
    """The command line both sides get: None (synthesize for argparse), or argv with each argument that
    names an existing file or directory (relative to the current directory) made absolute."""
    if argv is None:
        return None
    return [os.path.abspath(a) if (a and not os.path.isabs(a) and os.path.exists(a)) else str(a) for a in argv]
