"""The `kfn-gen` command.  Each subcommand lives in its own small module."""
from __future__ import annotations

import click

from kfn_gen import __version__
from kfn_gen.cli import convert, generate, graph, migrate, rules, verify


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # click would say "Aborted!" and exit 1, the code for "would change"
            click.echo("kfn-gen: interrupted", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kfn-gen")
def main() -> None:
    """Migrate Keras 2.2 code to Keras 3, generate tf.function modules, verify against Keras 2.2.4."""


main.add_command(migrate.migrate)
main.add_command(graph.graph)
main.add_command(verify.verify)
main.add_command(generate.generate)
main.add_command(convert.convert)
main.add_command(rules.rules)
main.add_command(rules.rule)
