"""get-file: `get_file(fname, untar=True)` returns, after migration, the path 2.2.4 returned relative to the
extracted files.  Text test (fast) and an executed test: the original script under genuine Keras 2.2.4
and the migration under Keras 3 fetch the same local archives (file:// origins, nothing downloaded) and
must read the same files through the returned paths."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile

import pytest

from kfn_gen.migrate.pipeline import migrate_source

from tests.helpers import ROOT as REPO  # noqa: E402

ROOT = str(REPO)

SCRIPT = '''\
import json, os, sys
from keras.utils.data_utils import get_file
base = sys.argv[1]
fdir = os.path.dirname(get_file('wordlists.tgz', origin='file://' + base + '/wordlists.tgz', untar=True))
imdb = get_file('aclImdb', origin='file://' + base + '/aclImdb.tar.gz', untar=True)
print(json.dumps([open(os.path.join(fdir, 'words.txt')).read(),
                  open(os.path.join(imdb, 'train', 'a.txt')).read()]))
'''


def test_untar_true_is_wrapped_and_extract_true_is_reported():
    res = migrate_source(SCRIPT + "z = get_file('x.zip', origin='u', extract=True)\n", "s.py")
    assert "os.path.dirname(keras224_untar_path(get_file('wordlists.tgz', origin='file://' + base + " \
           "'/wordlists.tgz', untar=True), 'wordlists.tgz'))" in res.code
    assert "imdb = keras224_untar_path(get_file('aclImdb', origin=" in res.code
    assert "z = get_file('x.zip', origin='u', extract=True)\n" in res.code
    assert "import keras\n" not in res.code  # the helper needs os, not keras
    got = [(d.line, d.severity) for d in res.diagnostics if d.rule == "get-file"]
    assert got == [(4, "info"), (5, "info"), (8, "warning")]
    again = migrate_source(res.code, "s.py")
    assert again.code == res.code  # idempotent


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tf:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


def _run(code, args, env, cwd):
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          env=env, cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.tf
@pytest.mark.legacy
def test_migrated_paths_read_what_keras224_read(tmp_path):
    pytest.importorskip("tensorflow")
    from kfn_gen.verify import oracle as runtime

    legacy_dir = runtime.ensure_legacy_keras()
    base = tmp_path / "archives"
    base.mkdir()
    _tar(base / "wordlists.tgz", {"words.txt": "alpha beta"})
    _tar(base / "aclImdb.tar.gz", {"aclImdb/train/a.txt": "a review"})
    legacy_code = ("import sys\nsys.path.insert(0, %r)\nfrom kfn_gen.verify.worker.shim224 import boot\nboot(%r)\n"
                   % (ROOT, legacy_dir)) + SCRIPT
    migrated = migrate_source(SCRIPT, "s.py").code
    results = []
    for name, code in (("legacy", legacy_code), ("keras3", migrated)):
        home = tmp_path / name
        home.mkdir()
        env = dict(os.environ, HOME=str(home), KERAS_HOME=str(home / ".keras"), TF_CPP_MIN_LOG_LEVEL="3")
        results.append(_run(code, [str(base)], env, str(home)))
    assert results[0] == ["alpha beta", "a review"]
    assert results[1] == results[0]
    # control: the unmigrated get_file path under Keras 3 does not reach the word list
    plain = SCRIPT.replace("from keras.utils.data_utils import get_file", "from keras.utils import get_file")
    home = tmp_path / "control"
    home.mkdir()
    proc = subprocess.run([sys.executable, "-c", plain, str(base)], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, HOME=str(home), KERAS_HOME=str(home / ".keras")), cwd=str(home))
    assert proc.returncode != 0 and "words.txt" in proc.stderr
