"""`kfn-gen convert OLD.h5 -o NEW.keras`: a Keras 1/2 HDF5 checkpoint into a file plain Keras 3 loads.

Exit status: 0 converted (and with --verify, every output matches genuine 2.2.4's), 1 converted but
--verify found a difference, 2 not converted (nothing written).
"""
from __future__ import annotations

import os
import sys

import click

from kfn_gen.cli.verify_options import verify_options


@click.command("convert")
@click.argument("old", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "new", type=click.Path(dir_okay=False),
              help="The Keras 3 file (default: OLD with .keras; with --weights-only, .weights.h5).")
@click.option("--weights-only", is_flag=True, help="Write only the weights, as a Keras 3 .weights.h5 file.")
@click.option("--architecture", type=click.Path(dir_okay=False),
              help="For a weights-only OLD (model.save_weights): the model's JSON (model.to_json()).")
@click.option("--verify", "check", is_flag=True,
              help="Load OLD in genuine Keras 2.2.4 and the output in Keras 3 and compare their outputs.")
@verify_options
def convert(old: str, new: str | None, weights_only: bool, architecture: str | None, check: bool,
            verify_options) -> None:
    """Convert a Keras 2.x (or 1.x) .h5 model into a Keras 3 file, exactly (2.2.4's numbers)."""
    from kfn_gen.checkpoints.convert import convert as run
    from kfn_gen.checkpoints.h5file import CheckpointError

    stem = os.path.splitext(old)[0]
    new = new or stem + (".weights.h5" if weights_only else ".keras")
    try:
        done = run(old, new, weights_only=weights_only, architecture=architecture)
    except CheckpointError as exc:
        click.echo(f"kfn-gen convert: {exc}", err=True)
        sys.exit(2)
    click.echo(f"{old} (Keras {done.keras_version or '?'}, {done.backend or '?'} backend) -> {new}")
    for note in done.notes:
        click.echo(f"  {note}")
    for warning in done.warnings:
        click.echo(f"  warning: {warning}")
    if not check:
        return
    if weights_only:
        click.echo("--verify needs a whole model (without --weights-only)", err=True)
        sys.exit(2)
    from kfn_gen.checkpoints.check import verify_conversions

    report = verify_conversions([(old, new)], verify_options, architectures=[architecture])[0]
    click.echo(report.format_table())
    sys.exit(report.exit_code)
