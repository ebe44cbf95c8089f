"""`kfn-gen graph FILE --format json|dot|mermaid`: the intermediate graph of a legacy script."""
from __future__ import annotations

import json
import sys

import click

from kfn_gen.ir import build
from kfn_gen.render import drawing
from kfn_gen.frontend import source as frontend


@click.command("graph")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "dot", "mermaid"]), default="json", show_default=True)
def graph(file: str, fmt: str) -> None:
    """Dump the layer/node graph a legacy Keras script (or a Keras 2 .h5 checkpoint) builds."""
    from kfn_gen.sourcefile import SourceError, read_source

    if file.endswith((".h5", ".hdf5")):
        return _checkpoint(file, fmt)
    try:
        text = read_source(file)
    except SourceError as exc:
        click.echo(exc.diagnostic.format(), err=True)
        sys.exit(2)
    src, diags = frontend.parse(text, file)
    if src is None:
        for d in diags:
            click.echo(d.format(), err=True)
        sys.exit(2)
    errors = [d for d in frontend.check_names(src) if d.severity == "error"]
    g, facts = build.build(src)
    errors += [d for d in facts.diagnostics if d.severity == "error"]
    for d in errors:
        click.echo(d.format(), err=True)
    if errors:
        sys.exit(2)
    _draw(g, file, fmt)


def _checkpoint(file: str, fmt: str) -> None:
    from kfn_gen.checkpoints.convert import plan_checkpoint
    from kfn_gen.checkpoints.graph import checkpoint_graph
    from kfn_gen.checkpoints.h5file import CheckpointError

    try:
        _, plan = plan_checkpoint(file)
    except CheckpointError as exc:
        click.echo(f"kfn-gen graph: {exc}", err=True)
        sys.exit(2)
    _draw(checkpoint_graph(plan), file, fmt)


def _draw(g, file: str, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(g.to_json(), indent=1))
    elif fmt == "dot":
        click.echo(drawing.dot(g, file), nl=False)
    else:
        click.echo(drawing.mermaid(g, file), nl=False)
