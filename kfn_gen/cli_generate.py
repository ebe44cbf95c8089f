"""`kfn-gen generate` (being built)."""
from __future__ import annotations

import click


@click.command("generate")
def generate() -> None:
    """Not built yet."""
    raise click.ClickException("kfn-gen generate is not built yet")
