"""Regenerate the migrator's golden files: fixtures/<case>/expected.py and expected.txt.

expected.py is the migrated script (absent when migration must fail); expected.txt lists every
diagnostic, with the path shown as `input.py`.  Review the diff before committing:
    python scripts/regen_goldens.py && git diff fixtures/
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kfn_gen.migrate.pipeline import migrate_source  # noqa: E402
from kfn_gen.options import Options  # noqa: E402


def golden(case_dir: Path, options: Options = Options()) -> tuple[str | None, str]:
    source = (case_dir / "input.py").read_bytes().decode("utf-8")
    result = migrate_source(source, "input.py", options)
    diags = "".join(d.format() + "\n" for d in result.diagnostics)
    return result.code, diags


def main() -> int:
    cases = sorted(p.parent for p in (ROOT / "fixtures").glob("*/input.py"))
    for case in cases:
        code, diags = golden(case)
        expected = case / "expected.py"
        if code is None:
            expected.unlink(missing_ok=True)
        else:
            expected.write_bytes(code.encode("utf-8"))
        (case / "expected.txt").write_bytes(diags.encode("utf-8"))
    print(f"wrote goldens for {len(cases)} cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
