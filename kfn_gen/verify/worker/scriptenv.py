"""What a script needs from outside its model, stood in identically on both sides of a verification.

``prepare_script(side, path, result)`` is called by the runner before it executes a script and
returns the ``sys.argv`` to use.  Each stand-in is recorded in ``result['standins']`` (a list of
short texts) so a report can say what was not genuine.

* **Command-line arguments.**  With ``spec['argv']`` (``kfn-gen verify --argv``) the script gets
  exactly those arguments.  Without it, a script that parses arguments with ``argparse`` gets
  synthetic ones, decided by :func:`synthesize_args` from the parser itself: every positional
  argument, every ``required=True`` option and every option declared with ``type=`` and left at
  ``None`` get a value (``choices`` -> the first choice, ``int`` -> 1, ``float`` -> 0.5, a name
  that says *prefix/output/result/save* -> a plain name in the cwd, *dir/folder* -> an empty
  directory, *image/img/mask/style/content/photo* -> a placeholder PNG written in the cwd,
  *path/file/text/data/input* -> a small text file, anything else -> the argument's own name).
  Options that already have a value, flags and ``--help`` are left alone.  The legacy side
  records what it synthesized; the Keras 3 side replays that record (same arguments, same
  files), so both sides always run with the same argv and byte-identical files.
* **Optional third-party modules** the model does not need (``OPTIONAL_MODULES``: cairocffi,
  editdistance, pylab, matplotlib), when they are not installed: a stand-in module whose
  attributes can be named and passed around but raise :class:`MissingModuleError` (an
  ``OfflineError``) when called.  Installed modules are used as they are.
* **ImageNet weights of keras.applications models** (``keras_applications`` 1.0.6 under 2.2.4,
  ``keras.src.applications`` under Keras 3): the constructor runs with the caller's arguments,
  ``weights='imagenet'`` included (so its argument checks are the genuine ones), but the weight
  file is not downloaded and not loaded: the model keeps its seeded initial weights.  The
  verifier copies the legacy weights into the migrated model anyway, so the comparison is the
  same as with the real weights.  The application's ``min_size`` is recorded on the model
  (``_kfn_min_image_size``) so the verifier draws images large enough for it.
* **The script's own ``K.function`` calls** (legacy side only; Keras 3 has no ``K.function``):
  after ``MAX_REAL_FUNCTION_CALLS`` real calls of one function with one set of input shapes,
  later calls return the last real outputs (optimisation loops such as L-BFGS over VGG19
  features would otherwise run for hours).  Calls made by Keras itself or by the verifier are
  never cached.  The Keras 3 side caches the functions of the script's migrated K.function (the
  ``keras224_function`` helper, wrapped by ``cache_function_helper`` once the script defines it)
  the same way, so both sides run the same number of real calls.

numpy only at import time: Keras is imported lazily from the side that calls in.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.abc
import importlib.machinery
import inspect
import itertools
import json
import os
import struct
import sys
import types
import zlib

import numpy as np

from kfn_gen.verify.worker.standins import OfflineError

OPTIONAL_MODULES = ("cairocffi", "editdistance", "pylab", "matplotlib")
MAX_REAL_FUNCTION_CALLS = 1
IMAGE_SIZE = (256, 152)  # placeholder images: (rows, cols); deep_dream's smallest octave (/1.96) keeps InceptionV3's 75

OUTPUT_WORDS = ("prefix", "output", "result", "save", "dest")
DIR_WORDS = ("dir", "folder")
IMAGE_WORDS = ("image", "img", "mask", "style", "content", "photo", "picture", "png", "jpg")
FILE_WORDS = ("path", "file", "text", "txt", "data", "input", "corpus")

LEGACY_APPS = ("vgg16", "vgg19", "resnet50", "inception_v3", "inception_resnet_v2", "xception", "mobilenet",
               "mobilenet_v2", "densenet", "nasnet")
KERAS3_APPS = ("vgg16", "vgg19", "resnet", "resnet_v2", "inception_v3", "inception_resnet_v2", "xception",
               "mobilenet", "mobilenet_v2", "mobilenet_v3", "densenet", "nasnet", "efficientnet",
               "efficientnet_v2", "convnext")
_APP_DEPTH = [0]  # shared by every wrapped constructor: only the outermost call stands in
WEIGHTS_SENTINEL = "<kfn-gen: ImageNet weights stood in (not downloaded, not loaded)>"


class MissingModuleError(OfflineError):
    """A stand-in for a module that is not installed was used."""


def redirect_function(func, fake) -> None:
    """Make every reference to `func` call `fake`: its code object is replaced, so re-exports and
    `from x import func` copies (which share the function object) are redirected too."""
    key = f"__kfn_gen_fake_{id(func)}"
    func.__globals__[key] = fake
    ns = {}
    exec(f"def _t(*args, **kwargs):\n    return {key}(*args, **kwargs)\n", func.__globals__, ns)
    func.__code__ = ns["_t"].__code__
    func.__defaults__ = None
    func.__kwdefaults__ = None

# --------------------------------------------------------------------------- entry point
_STATE: dict = {}


def prepare_script(side, path: str, result: dict) -> list:
    """Install the stand-ins (idempotent) for one script run; return its sys.argv."""
    spec = side.spec
    _STATE.clear()
    _STATE.update(result=result, cwd=os.getcwd(), seed=int(spec.get("seed", 0) or 0), replay=_replay(spec),
                  synthesize=spec.get("argv") is None, n_parsed=0, script=path, fcalls={}, fcache={})
    result.setdefault("standins", [])
    install_module_standins()
    install_argparse_standin()
    if getattr(side, "keras", None) is not None:  # a booted side (tests drive argv/modules without Keras)
        install_applications_standin(side)
        if side.name == "legacy":
            install_function_cache()
    return [path, *[str(a) for a in (spec.get("argv") or [])]]


def _note(text: str) -> None:
    notes = _STATE.get("result", {}).setdefault("standins", [])
    if text not in notes:
        notes.append(text)


def _replay(spec) -> list | None:
    ref = spec.get("reference_json")
    if not ref or not os.path.exists(ref):
        return None
    try:
        with open(ref) as fh:
            return json.load(fh).get("argv_standins") or []
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------- argv
def _kind(name: str) -> str:
    n = name.lower()
    if any(w in n for w in OUTPUT_WORDS):
        return "dir" if any(w in n for w in DIR_WORDS) else "name"
    if any(w in n for w in DIR_WORDS):
        return "dir"
    if any(w in n for w in IMAGE_WORDS):
        return "image"
    if any(w in n for w in FILE_WORDS):
        return "text"
    return "name"


def _value(action, files: list) -> str:
    if action.choices:
        return str(list(action.choices)[0])
    if action.type is int:
        return "1"
    if action.type is float:
        return "0.5"
    name = action.dest
    kind = _kind(name)
    if kind == "image":
        value = f"{name}.png"
    elif kind == "text":
        value = f"{name}.txt"
    elif kind == "dir":
        value = f"{name}_dir"
    else:
        value = f"kfn_{name}" if any(w in name.lower() for w in OUTPUT_WORDS) else name
    if kind in ("image", "text", "dir"):
        files.append({"path": value, "kind": kind})
    return value


def _count(action) -> int:
    if isinstance(action.nargs, int):
        return action.nargs
    return 1


def synthesize_args(parser: argparse.ArgumentParser):
    """(argv, files) giving a value to what the parser would leave missing; see the module doc."""
    argv, positional, files = [], [], []
    for action in parser._actions:
        if action.nargs == 0 or isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue  # flags, --help, --version
        if action.nargs == argparse.SUPPRESS:
            continue
        if not action.option_strings:
            if action.nargs in ("?", "*") and action.default is not None:
                continue
            positional.extend(_value(action, files) for _ in range(_count(action)))
            continue
        if action.required or (action.default is None and action.type is not None):
            opt = max(action.option_strings, key=len)
            argv.append(opt)
            argv.extend(_value(action, files) for _ in range(_count(action)))
    return argv + positional, files


def write_placeholder(root: str, relpath: str, kind: str, seed: int = 0) -> None:
    """Create root/relpath: a seeded RGB PNG of IMAGE_SIZE, a text file, or a directory.  The content
    depends on relpath and seed only, never on root (each side runs in its own cwd)."""
    rng = np.random.default_rng([seed, zlib.crc32(relpath.encode())])
    path = os.path.join(root, relpath)
    if kind == "dir":
        os.makedirs(path, exist_ok=True)
        return
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    if kind == "image":
        with open(path, "wb") as fh:
            fh.write(png_bytes(rng.integers(0, 256, size=(*IMAGE_SIZE, 3), dtype=np.uint8)))
    else:
        words = ["the", "of", "and", "to", "in", "is", "that", "it", "was", "for"]
        lines = [" ".join(words[i] for i in rng.integers(0, len(words), size=8)) for _ in range(20)]
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")


def png_bytes(rgb: np.ndarray) -> bytes:
    """A minimal 8-bit RGB PNG (no filter, zlib) for an (H, W, 3) uint8 array."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[r].tobytes() for r in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def install_argparse_standin() -> None:
    cls = argparse.ArgumentParser
    if getattr(cls.parse_known_args, "_kfn_standin", False):
        return
    orig = cls.parse_known_args

    def parse_known_args(self, args=None, namespace=None):
        st = _STATE
        if args is not None or sys.argv[1:] or not st.get("synthesize"):
            return orig(self, args, namespace)
        k = st["n_parsed"]
        st["n_parsed"] += 1
        replay = st.get("replay")
        if replay is not None:
            if k >= len(replay) or not replay[k]:
                return orig(self, args, namespace)
            entry = replay[k]
        else:
            argv, files = synthesize_args(self)
            entry = {"argv": argv, "files": files} if argv else None
            st["result"].setdefault("argv_standins", []).append(entry)
            if entry is None:
                return orig(self, args, namespace)
        for f in entry["files"]:
            write_placeholder(st["cwd"], f["path"], f["kind"], st["seed"])
        _note("argparse: synthetic command line " + " ".join(entry["argv"])
              + (f" (placeholder files: {', '.join(f['path'] for f in entry['files'])})" if entry["files"] else ""))
        return orig(self, list(entry["argv"]), namespace)

    parse_known_args._kfn_standin = True
    cls.parse_known_args = parse_known_args


# --------------------------------------------------------------------------- optional modules
class _Missing:
    """An attribute of a stand-in module: can be named and passed around, raises when called."""

    def __init__(self, qualname: str):
        self._kfn_name = qualname

    def __getattr__(self, name):
        if name.startswith("_"):  # duck-typing probes (hasattr(v, '_keras_history')) must see nothing
            raise AttributeError(name)
        return _Missing(f"{self._kfn_name}.{name}")

    def __call__(self, *args, **kwargs):
        top = self._kfn_name.split(".")[0]
        raise MissingModuleError(
            f"{self._kfn_name}() cannot run: module {top!r} is not installed and kfn-gen verify stands in "
            "for it (the model does not need it)")

    def __repr__(self):
        return f"<kfn-gen stand-in {self._kfn_name}>"


class _StandInModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("_"):  # duck-typing probes (hasattr(v, '_keras_history')) must see nothing
            raise AttributeError(name)
        return _Missing(f"{self.__name__}.{name}")


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on sys.meta_path: consulted only for modules no real finder found."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] not in OPTIONAL_MODULES:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        mod = _StandInModule(spec.name)
        mod.__path__ = []
        mod._kfn_standin = True
        return mod

    def exec_module(self, module):
        _note(f"module {module.__name__}: not installed, stood in (raises MissingModuleError when used)")


def install_module_standins() -> None:
    if not any(isinstance(f, _StandInFinder) for f in sys.meta_path):
        sys.meta_path.append(_StandInFinder())


# --------------------------------------------------------------------------- keras.applications
def _app_modules(side):
    names = [f"keras_applications.{m}" for m in LEGACY_APPS] if side.name == "legacy" else \
        [f"keras.src.applications.{m}" for m in KERAS3_APPS]
    mods = []
    for name in names:
        try:
            mods.append(importlib.import_module(name))
        except Exception:  # noqa: BLE001 - a module this version lacks
            continue
    return mods


def _weight_hooks(side):
    """(module with get_file, input-shape helper module, its function name, model class with load_weights)."""
    if side.name == "legacy":
        import keras.utils
        from keras.engine import network
        from keras_applications import imagenet_utils

        return keras.utils, imagenet_utils, "_obtain_input_shape", network.Network
    from keras.src.applications import imagenet_utils
    from keras.src.models import model
    from keras.src.utils import file_utils

    return file_utils, imagenet_utils, "obtain_input_shape", model.Model


def install_applications_standin(side) -> None:
    if getattr(side, "_kfn_apps_patched", False):
        return
    side._kfn_apps_patched = True
    try:
        hooks = _weight_hooks(side)
    except Exception:  # noqa: BLE001 - no applications in this Keras
        return
    for mod in _app_modules(side):
        for name, fn in list(vars(mod).items()):
            if (isinstance(fn, types.FunctionType) and fn.__module__ == mod.__name__ and name[:1].isupper()
                    and "weights" in inspect.signature(fn).parameters and not getattr(fn, "_kfn_app", False)):
                _wrap_application(side, fn, hooks)


def copy_function(fn):
    """A second function object with fn's code, globals, defaults and closure: it keeps running the original
    code after redirect_function has replaced fn's own."""
    new = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    new.__dict__.update(fn.__dict__)
    return new


def _wrap_application(side, fn, hooks):
    files_mod, shape_mod, shape_fn, model_cls = hooks
    orig = copy_function(fn)
    sig = inspect.signature(orig)
    depth = _APP_DEPTH

    def application(*args, **kwargs):
        if depth[0]:  # DenseNet121 -> DenseNet: the outer call already stands in
            return orig(*args, **kwargs)
        try:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            weights = bound.arguments.get("weights")
        except TypeError:
            weights = None
        min_sizes = []
        saved = []

        def swap(obj, attr, value):
            if isinstance(obj, dict):
                if attr in obj:
                    saved.append((obj, attr, obj[attr]))
                    obj[attr] = value
            elif hasattr(obj, attr):
                saved.append((obj, attr, getattr(obj, attr)))
                setattr(obj, attr, value)

        real_shape = getattr(shape_mod, shape_fn)

        def obtain_input_shape(*a, **k):
            min_sizes.append(k.get("min_size", a[2] if len(a) > 2 else None))
            return real_shape(*a, **k)

        swap(orig.__globals__, shape_fn, obtain_input_shape)
        swap(shape_mod, shape_fn, obtain_input_shape)
        if weights == "imagenet":
            real_load = model_cls.load_weights

            def get_file(*a, **k):
                return WEIGHTS_SENTINEL

            def load_weights(self, filepath, *a, **k):
                if filepath == WEIGHTS_SENTINEL:
                    return None
                return real_load(self, filepath, *a, **k)

            swap(files_mod, "get_file", get_file)
            swap(model_cls, "load_weights", load_weights)
        depth[0] += 1
        try:
            model = orig(*args, **kwargs)
        finally:
            depth[0] -= 1
            for obj, attr, value in reversed(saved):
                if isinstance(obj, dict):
                    obj[attr] = value
                else:
                    setattr(obj, attr, value)
        if min_sizes and min_sizes[0]:
            try:
                model._kfn_min_image_size = int(min_sizes[0])
            except Exception:  # noqa: BLE001
                pass
        if weights == "imagenet":
            _note(f"keras.applications {fn.__name__}(weights='imagenet'): ImageNet weights not downloaded; "
                  "seeded initial weights instead (the verifier copies the legacy weights into the migration)")
        return model

    redirect_function(fn, application)
    fn._kfn_app = True
    try:
        fn.__signature__ = sig  # Keras 3's export wrappers and users' inspect still see the real signature
    except Exception:  # noqa: BLE001
        pass


def min_image_size(model):
    """The smallest spatial size the verifier may draw for this model's free image dimensions."""
    return getattr(model, "_kfn_min_image_size", None)


# --------------------------------------------------------------------------- legacy K.function
def _cached_call(fid, real_call, inputs):
    """One call of a script's function: real for the first MAX_REAL_FUNCTION_CALLS per input shapes,
    then the last real outputs (copies)."""
    st = _STATE
    try:
        key = (fid, tuple((tuple(np.shape(x)), str(getattr(x, "dtype", type(x).__name__)))
                          for x in (inputs if isinstance(inputs, (list, tuple)) else [inputs])))
    except Exception:  # noqa: BLE001
        return real_call(inputs)
    n = st["fcalls"].get(key, 0) + 1
    st["fcalls"][key] = n
    if n <= MAX_REAL_FUNCTION_CALLS or key not in st["fcache"]:
        out = real_call(inputs)
        st["fcache"][key] = out
        return out
    _note(f"K.function: calls after the first {MAX_REAL_FUNCTION_CALLS} with the same input shapes return "
          "the last real outputs")
    return [np.array(o, copy=True) if isinstance(o, np.ndarray) else o for o in st["fcache"][key]]


_FUNCTION_IDS = itertools.count()


def cache_function_helper(helper):
    """Keras 3 side: the migrated script's keras224_function helper, its functions cached as the
    legacy side caches 2.2.4's K.function (only calls from the script itself)."""
    if getattr(helper, "_kfn_standin", False) or not callable(helper):
        return helper

    def wrapped(*args, **kwargs):
        function = helper(*args, **kwargs)
        fid = ("keras224_function", next(_FUNCTION_IDS))  # not id(): a freed function's id is reused

        def call(inputs):
            if sys._getframe(1).f_code.co_filename != _STATE.get("script"):
                return function(inputs)
            return _cached_call(fid, function, inputs)
        return call

    wrapped._kfn_standin = True
    return wrapped


def install_function_cache() -> None:
    from keras.backend import tensorflow_backend as tfb

    cls = tfb.Function
    if getattr(cls.__call__, "_kfn_standin", False):
        return
    real_call = cls.__call__

    def __call__(self, inputs):
        caller = sys._getframe(1).f_code.co_filename
        if caller != _STATE.get("script"):
            return real_call(self, inputs)
        return _cached_call(id(self), lambda xs: real_call(self, xs), inputs)

    __call__._kfn_standin = True
    cls.__call__ = __call__
