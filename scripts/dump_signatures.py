"""Regenerate the constructor signatures of the layer classes of Keras 2.2.4 and Keras 3 (data for the
defaults rule and the signature-diff test).

    python scripts/dump_signatures.py keras224 [KERAS224_SITE_DIR]   (genuine 2.2.4, booted by the verifier's shim)
    python scripts/dump_signatures.py keras3                        (the installed Keras 3)

Each writes kfn_gen/keras224/<side>_signatures.json: {class name in keras.layers: [[param, default] ...]},
the parameters of __init__ in order (self and **kwargs left out), a default as its repr, null when the
parameter is required.  tests/package/test_signature_diff.py keeps keras3_signatures.json equal to the live
Keras 3 and checks that every difference is handled.
"""
import inspect
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def signatures(layers_module, layer_base) -> dict:
    out = {}
    for name in sorted(dir(layers_module)):
        obj = getattr(layers_module, name)
        if name.startswith("_") or not inspect.isclass(obj) or not issubclass(obj, layer_base):
            continue
        try:
            sig = inspect.signature(obj.__init__)
        except (TypeError, ValueError):
            continue
        params = []
        for p in list(sig.parameters.values())[1:]:
            if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                continue
            params.append([p.name, None if p.default is p.empty else repr(p.default)])
        out[name] = params
    return out


def main(argv):
    side = argv[1]
    if side == "keras224":
        from kfn_gen.verify.oracle import ensure_legacy_keras
        from kfn_gen.verify.worker.shim224 import boot

        keras = boot(argv[2] if len(argv) > 2 else ensure_legacy_keras())
        from keras.engine.base_layer import Layer
    else:
        import keras
        Layer = keras.layers.Layer
    table = signatures(keras.layers, Layer)
    out = os.path.join(ROOT, "kfn_gen", "keras224", f"{side}_signatures.json")
    with open(out, "w") as fh:
        json.dump({"keras_version": keras.__version__, "layers": table}, fh, indent=0, sort_keys=True)
        fh.write("\n")
    print(f"wrote {out}: {len(table)} layer classes")


if __name__ == "__main__":
    main(sys.argv)
