"""`kfn-gen verify OLD.py NEW.py`: run both under genuine Keras 2.2.4 / Keras 3 and compare.

Exit status: 0 every model matches, 1 any model differs, 2 verification could not run.
Importing this module does not import TensorFlow (only the subprocesses do).
"""
from __future__ import annotations

import json
import sys

import click

from kfn_gen.cli.verify_options import verify_options


@click.command("verify")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Also write the report as JSON here.")
@verify_options
def verify(old: str, new: str, report_path: str | None, verify_options) -> None:
    """Verify that NEW (Keras 3) computes what OLD computed under genuine Keras 2.2.4."""
    from kfn_gen.verify import verify_pair

    report = verify_pair(old, new, verify_options)
    click.echo(report.format_table())
    if report_path:
        with open(report_path, "w", encoding="utf-8") as fh:
            json.dump(report.to_json(), fh, indent=2, default=str)
    sys.exit(report.exit_code)
