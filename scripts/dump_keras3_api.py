"""Regenerate kfn_gen/keras224/keras3_api.json: the public names of Keras 3 (as installed), per module.

The front end accepts a Keras name that exists in Keras 2.2.4 OR in Keras 3, so migrated code
(keras.ops, keras.optimizers.schedules, ...) migrates again without errors (idempotence).
Run:  python scripts/dump_keras3_api.py [OUT]   (default: the package's table; tests write elsewhere and compare)
"""
import json
import os
import sys
import types

import keras

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "kfn_gen", "keras224",
                                                          "keras3_api.json")
table = {}
todo = ["keras"]
while todo:
    name = todo.pop()
    mod = eval(name, {"keras": keras})  # noqa: S307 - attribute walk of keras' public API only
    names = sorted(n for n in dir(mod) if not n.startswith("_"))
    table[name] = names
    for n in names:
        obj = getattr(mod, n)
        if isinstance(obj, types.ModuleType) and obj.__name__.startswith("keras") and f"{name}.{n}" not in table \
                and name.count(".") < 3 and n not in ("src",):
            todo.append(f"{name}.{n}")
with open(OUT, "w") as fh:
    json.dump({"keras_version": keras.__version__, "modules": dict(sorted(table.items()))}, fh, indent=0)
    fh.write("\n")
print(f"wrote {OUT}: {len(table)} modules, {sum(map(len, table.values()))} names")
