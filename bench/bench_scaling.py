"""Static migration time and memory against file size: generated Keras scripts of 1k, 10k and 50k lines.

    python bench/bench_scaling.py [--sizes 1000 10000 50000]

Each size is migrated in a fresh process (`migrate_source`, no I/O), so the peak RSS is that file's alone.
The table gives seconds, peak RSS, and both per 1,000 lines relative to the smallest file: a column that
stays near 1.0x is linear growth.  Issue 16's target: 50k lines under 15 s and 1 GB.  Nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

HEADER = """\
import numpy as np
from keras.models import Model, Sequential
from keras.layers import Input, Dense, LSTM, Conv2D, MaxPooling2D, Flatten, Dropout, concatenate
from keras import backend as K
from keras.optimizers import Adam
"""
# one block: 20 lines, a functional model, a Sequential, a backend call, training calls
BLOCK = """\
inp_{i} = Input(shape=(16,))
h_{i} = Dense(32, activation='relu', init='glorot_uniform')(inp_{i})
h_{i} = Dropout(0.5)(h_{i})
side_{i} = Dense(8)(inp_{i})
out_{i} = Dense(4, activation='softmax')(concatenate([h_{i}, side_{i}]))
model_{i} = Model(input=inp_{i}, output=out_{i})
model_{i}.compile(optimizer=Adam(lr=0.001), loss='categorical_crossentropy', metrics=['accuracy'])
seq_{i} = Sequential()
seq_{i}.add(Conv2D(8, 3, 3, border_mode='same', input_shape=(12, 12, 1)))
seq_{i}.add(MaxPooling2D())
seq_{i}.add(Flatten())
seq_{i}.add(Dense(output_dim=2))
seq_{i}.compile('sgd', 'mse')
rnn_{i} = Sequential([LSTM(6, input_shape=(5, 3))])
x_{i} = np.random.rand(4, 16)
y_{i} = K.mean(K.square(K.constant(x_{i})), axis=-1)
model_{i}.fit(x_{i}, np.eye(4), nb_epoch=1, verbose=0)
for layer in seq_{i}.layers:
    print(layer.output_shape)
seq_{i}.save_weights('seq_{{}}.h5'.format({i}))
"""

CHILD = """\
import json, resource, sys, time
sys.path.insert(0, {root!r})
from kfn_gen.migrate.pipeline import migrate_source
text = open({path!r}, encoding="utf-8").read()
t = time.perf_counter()
res = migrate_source(text, {path!r})
sec = time.perf_counter() - t
print(json.dumps({{"seconds": sec, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "ok": res.code is not None, "edits": sum(d.severity == "info" for d in res.diagnostics)}}))
"""


def script(lines: int) -> str:
    blocks = max(1, (lines - HEADER.count("\n")) // BLOCK.count("\n"))
    return HEADER + "".join(BLOCK.format(i=i) for i in range(blocks))


def measure(lines: int, work: str) -> dict:
    path = os.path.join(work, f"generated_{lines}.py")
    text = script(lines)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=ROOT, path=path)], capture_output=True, text=True,
                         check=True)
    row = json.loads(out.stdout.strip().splitlines()[-1])
    row.update(lines=text.count("\n"), wall=time.perf_counter() - t)
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    args = ap.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kfn-gen-scaling-") as work:
        rows = [measure(n, work) for n in args.sizes]
    base = rows[0]
    print(f"{'lines':>7} {'seconds':>8} {'peak RSS MB':>12} {'s per 1k lines':>15} {'vs smallest':>12} "
          f"{'MB per 1k lines':>16} {'edits':>7}")
    for r in rows:
        per = r["seconds"] / r["lines"] * 1000
        base_per = base["seconds"] / base["lines"] * 1000
        mb = r["rss_mb"] / r["lines"] * 1000
        print(f"{r['lines']:>7} {r['seconds']:>8.2f} {r['rss_mb']:>12.0f} {per:>15.3f} {per / base_per:>11.2f}x "
              f"{mb:>16.1f} {r['edits']:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
