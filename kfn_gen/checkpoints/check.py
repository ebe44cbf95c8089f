"""convert --verify: the old file loaded by genuine Keras 2.2.4 against the new file loaded by plain Keras 3,
through the verifier (same sandbox, seeded inputs, table and likely causes), each with its own weights."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace

LEGACY = "from keras.models import load_model\n\nmodel = load_model({path!r}, compile=False)\n"
# a weights-only file and the model.to_json() that goes with it
LEGACY_JSON = ("from keras.models import model_from_json\n\nwith open({arch!r}) as fh:\n"
               "    model = model_from_json(fh.read())\nmodel.load_weights({path!r})\n")
# plain Keras 3 on the new file; on an .h5 file this is the control: what a user gets without kfn-gen
KERAS3 = "import keras\n\nmodel = keras.saving.load_model({path!r}, compile=False)\n"


def verify_conversions(pairs, options=None, architectures=None):
    """[(old .h5 for Keras 2.2.4, new file for Keras 3)] -> [VerifyReport], in two processes (one per side).
    architectures: per pair, None or the model.to_json() file of a weights-only old file."""
    from kfn_gen.verify.options import VerifyOptions
    from kfn_gen.verify.run import verify_many

    options = options or VerifyOptions()
    architectures = architectures or [None] * len(pairs)
    work = tempfile.mkdtemp(prefix="kfn-gen-convert-")
    try:
        scripts = []
        for i, ((old, new), arch) in enumerate(zip(pairs, architectures)):
            # the files are read where they are, by absolute path (the sandbox lets a run read, not write, them)
            old, new = os.path.abspath(old), os.path.abspath(new)
            sources = (LEGACY_JSON.format(path=old, arch=os.path.abspath(arch)) if arch else LEGACY.format(path=old),
                       KERAS3.format(path=new))
            paths = (os.path.join(work, f"load_old{i}.py"), os.path.join(work, f"load_new{i}.py"))
            for path, source in zip(paths, sources):
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(source)
            scripts.append(paths)
        reports = verify_many(scripts, replace(options, own_weights=True))
        return [replace(r, old_path=old, new_path=new) for r, (old, new) in zip(reports, pairs)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
