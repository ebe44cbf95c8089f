"""`kfn-gen rules`: the migration rules, in the order they run, as the registry declares them."""
from __future__ import annotations

import json

import click


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(fmt: str) -> None:
    """List the migration rules: code, name, whether it keeps 2.2.4's numbers, what it runs after."""
    from kfn_gen.migrate.pipeline import selectable

    found = selectable()
    if fmt == "json":
        click.echo(json.dumps([{"code": r.code, "name": r.name, "numeric": r.numeric, "after": list(r.after),
                                "description": r.description} for r in found], indent=1))
        return
    width = max(len(r.name) for r in found)
    for r in found:
        tags = ("numeric" if r.numeric else "") + (f" after {', '.join(r.after)}" if r.after else "")
        click.echo(f"{r.code}  {r.name:<{width}}  {r.description}" + (f"  [{tags.strip()}]" if tags else ""))


@click.command("rule")
@click.argument("which", metavar="CODE_OR_NAME")
def rule(which: str) -> None:
    """One rule's documentation, and its example before and after (migrated by that rule alone)."""
    import difflib
    import sys

    from kfn_gen.migrate.examples import EXAMPLES
    from kfn_gen.migrate.pipeline import migrate_source
    from kfn_gen.migrate.rules import all_rules

    found = [r for r in all_rules() if which.upper() == r.code or which.lower() == r.name]
    if not found:
        click.echo(f"error: no rule {which!r} (kfn-gen rules lists them)", err=True)
        sys.exit(2)
    r = found[0]
    click.echo(f"{r.code}  {r.name}  {'(keeps 2.2.4 numbers)' if r.numeric else ''}".rstrip())
    click.echo(r.description)
    doc = (sys.modules[type(r).__module__].__doc__ or "").strip()
    if doc:
        click.echo("\n" + doc)
    before = EXAMPLES.get(r.name)
    if before:
        result = migrate_source(before, "example.py", rules=[r])
        click.echo("\nExample (this rule alone):\n")
        diff = difflib.unified_diff(before.splitlines(True), (result.code or before).splitlines(True),
                                    "before", "after")
        click.echo("".join(diff).rstrip("\n") or before)
        for d in result.diagnostics:
            if d.rule == r.name:
                click.echo(f"  {d.line}:{d.col}: {d.severity}: {d.message}")
