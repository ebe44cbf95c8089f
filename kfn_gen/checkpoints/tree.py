"""migrate --convert-checkpoints: the Keras 2 .h5 models found in the migrated tree, converted beside their
migrated scripts, so that `load_model('model.h5')` can load `model.keras` (training_api reads the names)."""
from __future__ import annotations

import os

from kfn_gen.checkpoints.h5file import CheckpointError, read_checkpoint
from kfn_gen.diagnostics import Diagnostic

SUFFIXES = (".h5", ".hdf5")
RULE = "convert-checkpoints"


def keras_name(path: str) -> str:
    """model.h5 -> model.keras (what the migrated load_model opens)."""
    return os.path.splitext(path)[0] + ".keras"


def convert_tree(tasks, in_place: bool, out_dir: str | None) -> tuple[tuple[str, ...], list[Diagnostic]]:
    """Convert every Keras 2 model file among `tasks` (files.discover's); return the base names converted and
    one diagnostic per checkpoint: converted (info), or why not (warning; the file is left as it is)."""
    from kfn_gen.checkpoints.convert import convert

    converted, diags = [], []
    for task in tasks:
        if task.kind != "copy" or not task.src.endswith(SUFFIXES):  # a regular file other than source
            continue
        dest = keras_name(task.src if in_place else os.path.join(out_dir, *task.rel.split("/")))
        try:
            ck = read_checkpoint(task.src)
            if ck.model_config is None:
                diags.append(Diagnostic(task.src, 1, 1, "info", "weights-only checkpoint left as it is: "
                                        "model.load_weights of it works in the migrated script", RULE))
                continue
            os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
            done = convert(task.src, dest)
        except CheckpointError as exc:
            diags.append(Diagnostic(task.src, 1, 1, "warning", f"checkpoint not converted: {exc}", RULE))
            continue
        converted.append(os.path.basename(task.src))
        extra = f" ({'; '.join(done.notes)})" if done.notes else ""
        diags.append(Diagnostic(task.src, 1, 1, "info", f"converted to {dest}: Keras 3 loads it as 2.2.4 "
                                f"computed{extra}", RULE))
    return tuple(sorted(set(converted))), diags
