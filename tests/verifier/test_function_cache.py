"""The Keras 3 side caches the migrated K.function (keras224_function) as the legacy side caches
2.2.4's K.function: after MAX_REAL_FUNCTION_CALLS real calls per input shapes, calls from the
script return the last real outputs; calls from elsewhere are always real (kfn_gen/verify/worker/scriptenv.py)."""
from __future__ import annotations

import numpy as np

from kfn_gen.verify.worker import scriptenv


def _helper(counter):
    def keras224_function(inputs, outputs):
        def function(values):
            counter.append(1)
            return [np.asarray(values[0]) * len(counter)]
        return function
    return keras224_function


def test_script_calls_are_cached_per_function_and_shape(monkeypatch):
    monkeypatch.setattr(scriptenv, "_STATE", {"script": __file__, "fcalls": {}, "fcache": {}, "result": {}})
    real = []
    wrapped = scriptenv.cache_function_helper(_helper(real))
    assert scriptenv.cache_function_helper(wrapped) is wrapped  # wrapped once
    f = wrapped([], [])
    outs = [f([np.ones(2)])[0] for _ in range(4)]
    assert len(real) == scriptenv.MAX_REAL_FUNCTION_CALLS == 1
    assert all(np.array_equal(o, outs[0]) for o in outs)
    f([np.ones(3)])  # another shape: a real call
    g = wrapped([], [])  # another function: its own real call, even if f is freed
    del f
    g([np.ones(2)])
    assert len(real) == 3
    assert scriptenv._STATE["result"]["standins"]


def test_calls_from_outside_the_script_are_real(monkeypatch):
    monkeypatch.setattr(scriptenv, "_STATE", {"script": "/elsewhere/script.py", "fcalls": {}, "fcache": {},
                                              "result": {}})
    real = []
    f = scriptenv.cache_function_helper(_helper(real))([], [])
    for _ in range(3):
        f([np.ones(2)])
    assert len(real) == 3
