"""convert --verify: the old file loaded by genuine Keras 2.2.4 against the new file loaded by plain Keras 3,
through the verifier (same sandbox, seeded inputs, table and likely causes), each with its own weights."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace

LEGACY = "from keras.models import load_model\n\nmodel = load_model({path!r}, compile=False)\n"
# plain Keras 3 on the new file; on an .h5 file this is the control: what a user gets without kfn-gen
KERAS3 = "import keras\n\nmodel = keras.saving.load_model({path!r}, compile=False)\n"


def verify_conversions(pairs, options=None):
    """[(old .h5 for Keras 2.2.4, new file for Keras 3)] -> [VerifyReport], in two processes (one per side)."""
    from kfn_gen.verify.options import VerifyOptions
    from kfn_gen.verify.run import verify_many

    options = options or VerifyOptions()
    work = tempfile.mkdtemp(prefix="kfn-gen-convert-")
    try:
        data = os.path.join(work, "data")
        os.makedirs(data)
        scripts = []
        for i, (old, new) in enumerate(pairs):
            names = f"old{i}.h5", f"new{i}{'.keras' if new.endswith('.keras') else '.h5'}"
            for src, name in zip((old, new), names):
                shutil.copyfile(src, os.path.join(data, name))
            legacy, keras3 = os.path.join(work, f"load_old{i}.py"), os.path.join(work, f"load_new{i}.py")
            for path, text in ((legacy, LEGACY.format(path=names[0])), (keras3, KERAS3.format(path=names[1]))):
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(text)
            scripts.append((legacy, keras3))
        reports = verify_many(scripts, replace(options, cwd=data, own_weights=True))
        return [replace(r, old_path=old, new_path=new) for r, (old, new) in zip(reports, pairs)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
