"""`kfn-gen verify` (being built)."""
from __future__ import annotations

import click


@click.command("verify")
def verify() -> None:
    """Not built yet."""
    raise click.ClickException("kfn-gen verify is not built yet")
