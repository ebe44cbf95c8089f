"""`kfn-gen graph` (being built)."""
from __future__ import annotations

import click


@click.command("graph")
def graph() -> None:
    """Not built yet."""
    raise click.ClickException("kfn-gen graph is not built yet")
