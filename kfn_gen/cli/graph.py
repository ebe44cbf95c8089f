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
    """Dump the layer/node graph a legacy Keras script builds."""
    from kfn_gen.sourcefile import SourceError, read_source

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
    if fmt == "json":
        click.echo(json.dumps(g.to_json(), indent=1))
    elif fmt == "dot":
        click.echo(drawing.dot(g, file), nl=False)
    else:
        click.echo(drawing.mermaid(g, file), nl=False)
