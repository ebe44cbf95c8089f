"""`kfn-gen rules`: the migration rules, in the order they run, as the registry declares them."""
from __future__ import annotations

import json

import click


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(fmt: str) -> None:
    """List the migration rules: code, name, whether it keeps 2.2.4's numbers, what it runs after."""
    from kfn_gen.migrate.pipeline import UNRESOLVED
    from kfn_gen.migrate.rules import all_rules

    found = all_rules()
    if fmt == "json":
        click.echo(json.dumps([{"code": r.code, "name": r.name, "numeric": r.numeric, "after": list(r.after),
                                "description": r.description} for r in found], indent=1))
        return
    width = max(len(r.name) for r in found)
    for r in found:
        tags = ("numeric" if r.numeric else "") + (f" after {', '.join(r.after)}" if r.after else "")
        click.echo(f"{r.code}  {r.name:<{width}}  {r.description}" + (f"  [{tags.strip()}]" if tags else ""))
    code, name = UNRESOLVED
    click.echo(f"{code}  {name:<{width}}  not a rewrite: every Keras name of the migrated code must exist in Keras 3; "
               "a leftover is a warning at its line")
