#!/usr/bin/env python
"""Regenerate the generate tf-function goldens: fixtures/tfgen/<case>/captured.json and expected_module.py.

The only writer of those files (tests/golden/test_generate_golden.py compares text; no TensorFlow there).
For each case: run fixtures/tfgen/<case>/input.py's migration in the sandbox (Keras 3 and TensorFlow needed
here), keep the description of the last model it builds (captured.json: configs, nodes, shapes; no weights),
and render it (expected_module.py).  Review the diff.

    python scripts/regen_generate_goldens.py            # every case
    python scripts/regen_generate_goldens.py mlp vqa    # some
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kfn_gen.generate.capture import capture  # noqa: E402
from kfn_gen.render.captured import render_model  # noqa: E402
from kfn_gen.verify.options import VerifyOptions  # noqa: E402


def main(argv: list[str]) -> int:
    cases = sorted(p for p in (ROOT / "fixtures" / "tfgen").iterdir() if (p / "input.py").exists())
    if argv:
        cases = [c for c in cases if c.name in argv]
    for case in cases:
        rel = f"fixtures/tfgen/{case.name}/input.py"
        captured = capture(str(ROOT / rel), VerifyOptions(timeout_s=300))
        model = captured.models[-1]
        if "error" in model:
            print(f"{rel}: {model['error']}", file=sys.stderr)
            return 1
        (case / "captured.json").write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        (case / "expected_module.py").write_text(render_model(model, rel).code, encoding="utf-8")
        print(f"{rel}: captured.json and expected_module.py written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
