"""Regenerate kfn_gen/keras224/keras224_api.json from genuine Keras 2.2.4.

The table maps every public name of every Keras 2.2.4 module to the identity of the object it
names ("defining_module.qualname", or "module:NAME" for submodules), so the front end can tell
`keras.layers.core.Dense`, `keras.layers.Dense` and `from keras.layers import *; Dense` apart from
`Activition`.  Names a module re-exported from elsewhere (TensorFlow's name_scope in keras.backend)
are recorded as "reexport:<deepest keras module that binds it>.<name>": they existed in 2.2.4.  Other public
names a module bound are recorded too: constants such as keras_applications.vgg16.WEIGHTS_PATH as
"value:<module>.<name>" (and, for upper-case str/number/tuple constants, their value as Python source under
"values"), modules it imported such as the backend's `tf` and `np` as "pymodule:<their name>"
(`K.tf.slice` ran in 2.2.4).  No rule takes them for a Keras class or function.  keras_applications and keras_preprocessing (installed with 2.2.4) are walked as well.  Run:  python scripts/dump_keras224_api.py [KERAS224_SITE_DIR]  (default: the verifier's cache, installed if missing)
"""
import importlib
import inspect
import json
import os
import pkgutil
import sys
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from kfn_gen.verify.oracle import ensure_legacy_keras  # noqa: E402
from kfn_gen.verify.worker.shim224 import boot  # noqa: E402

SITE = sys.argv[1] if len(sys.argv) > 1 else ensure_legacy_keras()
OUT = os.path.join(ROOT, "kfn_gen", "keras224", "keras224_api.json")
keras = boot(SITE)
assert keras.__version__ == "2.2.4", keras.__version__

SKIP = ("keras.applications.", "keras.datasets.")
from keras.engine.base_layer import Layer  # noqa: E402
from keras.engine.network import Network  # noqa: E402
from keras.optimizers import Optimizer  # noqa: E402


def kind_of(obj):
    if inspect.isclass(obj):
        if issubclass(obj, Network):
            return "model"
        if issubclass(obj, Layer):
            return "layer"
        if issubclass(obj, Optimizer):
            return "optimizer"
        return "class"
    return "function"


def _rank(module):
    """The home of a re-export: the deepest module of keras itself, then of the companion packages."""
    return (module == "keras" or module.startswith("keras."), len(module))


def literal(obj):
    """A str, number, bool or None, or a tuple of them: written back by repr() exactly."""
    if isinstance(obj, tuple):
        return all(literal(x) for x in obj)
    return obj is None or isinstance(obj, (str, int, float, bool))


table = {}
kinds = {}
values = {}
reexports, homes = [], {}  # (module, attr, id(obj)); id(obj) -> (deepest module binding it, attr)
import keras_applications  # noqa: E402
import keras_preprocessing  # noqa: E402

mods = []
for package in (keras, keras_applications, keras_preprocessing):
    mods += [package.__name__] + [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
for name in sorted(mods):
    if "tests" in name or "theano" in name or "cntk" in name:
        continue
    try:
        mod = importlib.import_module(name)
    except Exception as exc:  # pragma: no cover - reported, not fatal
        print("skip", name, exc, file=sys.stderr)
        continue
    entries = {}
    for attr in sorted(dir(mod)):
        if attr.startswith("_"):
            continue
        obj = getattr(mod, attr)
        if isinstance(obj, types.ModuleType):
            if obj.__name__.startswith(("keras", "keras_applications", "keras_preprocessing")):
                entries[attr] = "module:" + obj.__name__
            else:  # a module it imported (the backend's tf, np): `K.tf.slice` ran in 2.2.4
                # the verifier's shim gives 2.2.4 TensorFlow's v1 API as `tf`: under TensorFlow 1 it was tensorflow
                module = "tensorflow" if obj.__name__ == "tensorflow._api.v2.compat.v1" else obj.__name__
                entries[attr] = "pymodule:" + module
            continue
        if not (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj)):
            entries[attr] = f"value:{name}.{attr}"  # a constant (WEIGHTS_PATH), an instance
            if obj is not None and literal(obj) and attr.isupper():  # a constant: its value, as Python source
                values[entries[attr]] = repr(obj)
            continue
        owner = getattr(obj, "__module__", "") or ""
        if not owner.startswith(("keras", "keras_applications", "keras_preprocessing")):
            # a name 2.2.4 re-exported from elsewhere (its backend re-exports TensorFlow's name_scope, ...): it
            # existed, so using it is no error.  Its identity is where Keras bound it (the deepest module), marked
            # reexport: so no rule takes it for a Keras object unless it names it
            reexports.append((name, attr, id(obj)))
            home = homes.get(id(obj))
            if home is None or _rank(name) > _rank(home[0]):
                homes[id(obj)] = (name, attr)
            continue
        entries[attr] = f"{owner}.{obj.__qualname__}"
        kinds[entries[attr]] = kind_of(obj)
    table[name] = entries
for name, attr, key in reexports:
    home_mod, home_attr = homes[key]
    table[name][attr] = f"reexport:{home_mod}.{home_attr}"

with open(OUT, "w") as fh:
    json.dump({"keras_version": keras.__version__, "modules": table, "kinds": kinds, "values": values}, fh, indent=0,
              sort_keys=True)
    fh.write("\n")
print(f"wrote {OUT}: {len(table)} modules, {sum(map(len, table.values()))} names")
