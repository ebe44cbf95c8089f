"""The invariant (kfn_gen/frontend/unresolved.py): every Keras import and attribute chain of a migrated file resolves
in Keras 3, or the file carries a diagnostic at that line.  No silent leftovers.

Text tier: the idioms issue 17 found passing through silently, each checked by the invariant itself (not by
expected strings); shadowed names are not flagged.  Live tier: the API table the check reads equals what the
installed Keras 3 exports, and the names it flags really fail to import there.
"""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap

import pytest

from kfn_gen.migrate.pipeline import migrate_source
from kfn_gen.frontend.unresolved import silent_leftovers, unresolved_names
from tests.helpers import ROOT as REPO  # noqa: E402

ROOT = str(REPO)

# 2.2.4 internals and companion packages that 2017-2019 repositories import (issue 17's list)
IDIOMS = [
    "from keras.engine import saving\n",
    "from keras.engine.topology import get_source_inputs\n",
    "from keras.backend import tensorflow_backend as KTF\n",
    "from keras_applications.imagenet_utils import _obtain_input_shape\n",
    "from keras.utils.layer_utils import convert_all_kernels_in_model\n",
    "from keras.layers.merge import _Merge\n",
    "import keras\nx = keras.wrappers.scikit_learn.KerasClassifier\n",
    "from keras.preprocessing import image\ny = image.random_rotation\n",
    "import keras.backend as K\nz = K.get_session()\n",
    "from keras import backend as K\nw = K.local_conv1d\n",
    "from keras.layers import *\nf = K.sqrt\n",
    "from keras.layers import *\nv = K.epsilon()\n",
]


@pytest.mark.parametrize("code", IDIOMS)
def test_no_unresolved_name_passes_silently(code):
    source = "import numpy as np\n" + code + "print(np.pi)\n"
    res = migrate_source(source, "t.py")
    if res.code is None:  # refused: the error names the line
        assert any(d.severity == "error" for d in res.diagnostics)
        return
    assert silent_leftovers(res) == [], [d.format() for d in res.diagnostics]


def test_the_silent_cases_now_say_so():
    """These passed through with no diagnostic at all before the invariant: two are now warned, one fixed."""
    for code in ("from keras.engine import saving\n", "from keras.preprocessing import image\ny = image.random_rotation\n"):
        res = migrate_source(code, "t.py")
        assert res.code is not None
        assert any(d.severity == "warning" for d in res.diagnostics), (code, res.code)
    res = migrate_source("from keras.engine.topology import get_source_inputs\n", "t.py")
    assert res.code == "from keras.utils import get_source_inputs\n" and unresolved_names(res.code) == []


def test_a_name_only_224s_star_import_bound_is_flagged():
    """2.2.4's modules had no __all__: `from keras.layers import *` bound `K` (keras.backend).  Keras 3's does not:
    a K left in the migrated code is a NameError, reported; names Keras 3's star import binds are not."""
    code = "from keras.layers import *\nx = Input(shape=(3,))\ny = Dense(2)(x)\ne = K.epsilon\n"
    res = migrate_source(code, "t.py")
    assert [(u.line, u.name) for u in unresolved_names(res.code)] == [(4, "keras.layers.K")]
    said = [d.message for d in res.diagnostics if d.line == 4 and d.rule == "unresolved"]
    assert len(said) == 1 and "`keras.layers.K`: bound by 2.2.4's `from keras.layers import *`" in said[0]
    assert "would stop here with NameError" in said[0]  # not ImportError: the star import itself succeeds
    shadowed = "from keras.layers import *\nK = 3\nprint(K)\n"
    assert unresolved_names(migrate_source(shadowed, "t.py").code) == []


def test_names_keras3_has_and_shadowed_aliases_are_not_flagged():
    code = textwrap.dedent("""\
        import keras
        from keras import layers
        from keras.layers import Dense
        import keras.backend as K
        def helper(model):
            layers = []
            layers.append(model)
            return layers
        d = Dense(3)
        e = keras.layers.Dense(2)
        f = keras.ops.mean
        g = K.epsilon()
        h = layers.Conv2D(1, 3)
        """)
    assert unresolved_names(code) == []
    assert [u.name for u in unresolved_names("import keras\nx = keras.layers.Dens\n")] == ["keras.layers.Dens"]
    assert [u.name for u in unresolved_names("from keras.layers import Dens\n")] == ["keras.layers.Dens"]
    assert [u.name for u in unresolved_names("import keras.engine\n")] == ["keras.engine"]


def test_unchanged_file_reports_at_the_exact_column():
    res = migrate_source("import keras\nfrom keras.engine import saving\n", "t.py")
    [d] = [d for d in res.diagnostics if d.rule in ("unresolved", "imports") and d.severity == "warning"]
    assert (d.line, d.col) in ((2, 1),)


@pytest.mark.tf
def test_api_table_equals_the_installed_keras(tmp_path):
    """keras3_api.json is what scripts/dump_keras3_api.py writes for the installed Keras: a stale table would
    let a missing name through, or flag one Keras 3 has."""
    out = tmp_path / "api.json"
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "dump_keras3_api.py"), str(out)], check=True,
                   capture_output=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    with open(os.path.join(ROOT, "kfn_gen", "keras224", "keras3_api.json")) as fh:
        committed = json.load(fh)
    live = json.loads(out.read_text())
    assert committed["modules"] == live["modules"], "regenerate: python scripts/dump_keras3_api.py"


@pytest.mark.tf
@pytest.mark.parametrize("code", IDIOMS)
def test_flagged_names_really_fail_on_keras3(code):
    for u in unresolved_names(code):
        mod, _, name = u.name.rpartition(".")
        with pytest.raises((ImportError, AttributeError)):
            try:
                importlib.import_module(u.name)
            except ImportError:
                getattr(importlib.import_module(mod), name)


def test_form_feeds_do_not_shift_the_reported_line():
    """ast counts lines at CR/LF only; str.splitlines also splits at form feeds.  The warning must stand at the
    line the user wrote, whatever form feeds come before it."""
    source = "from keras.layers.core import Dense\n\x0c\nx = 1  # \x0c inside a comment\nfrom keras.engine import saving\n"
    res = migrate_source(source, "t.py")
    assert res.code is not None and res.code != source
    assert [d.line for d in res.diagnostics if d.rule in ("unresolved", "imports") and d.severity == "warning"] == [4]
    assert silent_leftovers(res) == []
