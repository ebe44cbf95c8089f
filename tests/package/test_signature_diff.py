"""Every difference between the layer constructors of Keras 2.2.4 (dumped from genuine 2.2.4) and Keras 3
(live) is handled, so that a new corpus finds none the diff did not predict (issue 17: systematic, not file
by file).  Each difference is checked by what it does, not by a list:

- a class 2.2.4 had and Keras 3 lacks: migrating a script that uses it says so (an edit or a warning);
- a parameter Keras 3 lacks: Keras 3 still accepts it (its **kwargs translate it), or the migration edits
  or warns on it;
- a default Keras 3 made required: the migrated call builds in Keras 3 with 2.2.4's value;
- a default that changed: Keras 3 builds the same layer config either way (a spelling change:
  'channels_last' -> None), or the rule HANDLED names writes the 2.2.4 meaning out.
"""
from __future__ import annotations

import json
import os
import sys

import pytest

pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from kfn_gen.keras224.signatures import HERE, layers  # noqa: E402
from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402

pytestmark = pytest.mark.tf
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from dump_signatures import signatures  # noqa: E402

# values for the required parameters of the classes the diff involves
SAMPLES = {"units": "4", "filters": "2", "kernel_size": "3", "input_dim": "10", "output_dim": "3"}
# what a Keras 3 class needs that its signature does not say (InputLayer checks for a shape itself)
KERAS3_NEEDS = {"InputLayer": "shape=(3,)"}
# values for parameters whose 2.2.4 default (None) means "not given"
GIVEN = {"input_shape": "(3,)", "batch_input_shape": "(None, 3)", "input_length": "5"}
# changed defaults that change the layer, and the rule that writes 2.2.4's meaning out
HANDLED = {("LSTM", "recurrent_activation"): "recurrent-224", ("LSTMCell", "recurrent_activation"): "recurrent-224",
           ("GRU", "recurrent_activation"): "recurrent-224", ("GRUCell", "recurrent_activation"): "recurrent-224",
           ("ConvLSTM2D", "recurrent_activation"): "recurrent-224", ("GRU", "reset_after"): "recurrent-224",
           ("GRUCell", "reset_after"): "recurrent-224"}
OLD, NEW = layers("keras224"), layers("keras3")


def _call(cls: str, extra: str = "", keras3: bool = False) -> str:
    """A call with the 2.2.4-required arguments; with keras3, also those Keras 3 made required (2.2.4's values)."""
    req = [SAMPLES[name] for name, default in OLD[cls] if default is None]
    if keras3:
        now = dict(NEW[cls])
        req += [f"{name}={default}" for name, default in OLD[cls]
                if default is not None and now.get(name, "") is None and not extra.startswith(name + "=")]
        if cls in KERAS3_NEEDS and "shape" not in extra:
            req.append(KERAS3_NEEDS[cls])
    return f"{cls}({', '.join(req + ([extra] if extra else []))})"


def _migrate(code: str):
    res = migrate_source(code, "snippet.py")
    assert res.ok, [d.format() for d in res.diagnostics]
    return res


def _build(code: str):
    ns: dict = {}
    exec(compile(code, "migrated.py", "exec"), ns)  # noqa: S102 - our own migrated snippet
    return ns["layer"]


def _diff():
    gone_classes, gone, required, changed = [], [], [], []
    for cls, params in sorted(OLD.items()):
        if cls not in NEW:
            gone_classes.append(cls)
            continue
        now = dict(NEW[cls])
        for name, default in params:
            if name not in now:
                gone.append((cls, name, default))
            elif default is not None and now[name] is None:
                required.append((cls, name, default))
            elif default is not None and now[name] != default:
                changed.append((cls, name, default))
    return gone_classes, gone, required, changed


def test_keras3_signatures_are_the_live_keras3():
    with open(os.path.join(HERE, "keras3_signatures.json"), encoding="utf-8") as fh:
        stored = json.load(fh)
    live = json.loads(json.dumps(signatures(keras.layers, keras.layers.Layer)))
    assert stored["layers"] == live, "re-run: python scripts/dump_signatures.py keras3"


def test_the_diff_is_what_the_tests_below_cover():
    gone_classes, gone, required, changed = _diff()
    assert len(gone_classes) >= 10 and len(gone) >= 5 and len(required) >= 3 and len(changed) >= 10
    for cls, _, _ in gone + required + changed:
        assert all(default is not None or name in SAMPLES for name, default in OLD[cls]), cls


def test_each_class_keras3_lacks_is_migrated_or_reported():
    for cls in _diff()[0]:
        res = _migrate(f"from keras.layers import {cls}\nlayer = {cls}\n")
        said = [d for d in res.diagnostics if cls in d.message]
        assert said, f"{cls}: removed in Keras 3, and the migration says nothing"


def test_each_parameter_keras3_lacks_is_accepted_or_handled():
    for cls, name, default in _diff()[1]:
        default = GIVEN.get(name, default) if default == "None" else default
        code = f"import keras\nlayer = keras.layers.{_call(cls, f'{name}={default}', keras3=True)}\n"
        try:
            _build(code)
            continue  # Keras 3's **kwargs still take it
        except Exception:  # noqa: BLE001
            pass
        res = _migrate(f"from keras.layers import {cls}\nlayer = {_call(cls, f'{name}={default}')}\n")
        assert any(d.line == 2 and name in d.message for d in res.diagnostics), (cls, name)
        _build(res.code)


def test_each_default_keras3_made_required_gets_224s_value():
    required = _diff()[2]
    assert {c for c, _, _ in required} >= {"AveragePooling1D", "AveragePooling2D", "AveragePooling3D"}
    for cls, name, default in required:
        with pytest.raises(TypeError):
            _build(f"import keras\nlayer = keras.layers.{_call(cls)}\n")  # the premise: Keras 3 refuses it
        res = _migrate(f"from keras.layers import {cls}\nlayer = {_call(cls)}\n")
        assert any(d.rule == "layer-defaults" and name in d.message for d in res.diagnostics), (cls, name)
        want = _build(f"import keras\nlayer = keras.layers.{_call(cls, f'{name}={default}')}\n").get_config()
        assert _build(res.code).get_config()[name] == want[name], (cls, name)


def test_each_changed_default_is_the_same_layer_or_handled():
    for cls, name, default in _diff()[3]:
        plain = _build(f"import keras\nlayer = keras.layers.{_call(cls, keras3=True)}\n").get_config()
        old = _build(f"import keras\nlayer = keras.layers.{_call(cls, f'{name}={default}', keras3=True)}\n").get_config()
        plain.pop("name", None), old.pop("name", None)
        if plain == old:
            assert (cls, name) not in HANDLED, f"{cls}.{name}: the same layer either way; drop it from HANDLED"
            continue
        assert (cls, name) in HANDLED, f"{cls}.{name}: 2.2.4 default {default} builds another layer in Keras 3"
        res = _migrate(f"from keras.layers import {cls}\nlayer = {_call(cls)}\n")
        assert any(d.rule == HANDLED[cls, name] and f"{name}=" in d.message for d in res.diagnostics), (cls, name)
