"""`kfn-gen migrate` for one file (the batch front end replaces this)."""
from __future__ import annotations

import sys

import click

from .migrate import migrate_source
from .options import Options


@click.command("migrate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option("--defaults", type=click.Choice(["keras224", "keras3"]), default="keras224", show_default=True)
@click.option("--import-style", type=click.Choice(["keras", "tf.keras"]), default="keras", show_default=True)
def migrate(file: str, output: str | None, defaults: str, import_style: str) -> None:
    """Migrate FILE to Keras 3."""
    with open(file, encoding="utf-8", newline="") as fh:
        source = fh.read()
    result = migrate_source(source, file, Options(defaults=defaults, import_style=import_style))
    for d in result.diagnostics:
        click.echo(d.format(), err=True)
    if result.code is None:
        sys.exit(2)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(result.code)
    else:
        sys.stdout.write(result.code)
