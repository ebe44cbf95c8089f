#!/usr/bin/env python
"""Regenerate fixtures/tfgen/<case>/expected_module.py from fixtures/tfgen/<case>/input.py.

The only writer of the tf-function goldens (tests/golden/test_tfgen_golden.py compares text).  Run from
anywhere; paths in the generated headers are relative to the repository root.  Review the diff.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kfn_gen.render import tfgen  # noqa: E402


def main(argv: list[str]) -> int:
    cases = sorted(p for p in (ROOT / "fixtures" / "tfgen").iterdir() if (p / "input.py").exists())
    if argv:
        cases = [c for c in cases if c.name in argv]
    for case in cases:
        rel = f"fixtures/tfgen/{case.name}/input.py"
        gen = tfgen.generate((case / "input.py").read_text(encoding="utf-8"), rel)
        out = case / "expected_module.py"
        old = out.read_text(encoding="utf-8") if out.exists() else None
        out.write_text(gen.code, encoding="utf-8", newline="\n")
        print(f"{out.relative_to(ROOT)}: {'unchanged' if old == gen.code else 'written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
