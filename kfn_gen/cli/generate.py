"""`kfn-gen generate tf-function SCRIPT.py [--model NAME] [--list] [--jit] -o module.py`.

Renders a standalone TensorFlow module (no Keras import) whose `@tf.function` computes what the
script's Keras 2.2.4 model computed.  Never imports TensorFlow: generation is static.
"""
from __future__ import annotations

import os
import sys
import tempfile

import click


@click.group("generate")
def generate() -> None:
    """Generate code from a legacy Keras script's graph."""


@generate.command("tf-function")
@click.argument("script", type=click.Path(exists=True, dir_okay=False))
@click.option("--model", "model", metavar="NAME", help="The model variable to generate (default: the last model "
              "the script builds).")
@click.option("--list", "list_", is_flag=True, help="List the models the script builds and exit.")
@click.option("--jit", is_flag=True, help="Compile the forward pass with XLA (tf.function(jit_compile=True)).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the module here "
              "(default: stdout).")
def tf_function(script: str, model: str | None, list_: bool, jit: bool, output: str | None) -> None:
    """A standalone @tf.function module (TensorFlow only) for a model of SCRIPT."""
    from kfn_gen.render import tfgen

    from kfn_gen.sourcefile import SourceError, read_source

    try:
        text = read_source(script)
    except SourceError as exc:
        click.echo(exc.diagnostic.format(), err=True)
        sys.exit(2)
    try:
        if list_:
            graph = tfgen.load_graph(text, script)
            models = tfgen.list_models(graph)
            if not models:
                click.echo(f"{script}: no models", err=True)
                sys.exit(1)
            for m in models:
                click.echo(f"{m['var'] or '?'}\t{m['class']}\tline {m['line']}\t{m['inputs']} input(s)\t"
                           f"{m['outputs']} output(s)\t{m['layers']} layer(s)")
            return
        gen = tfgen.generate(text, script, model=model, jit=jit)
    except tfgen.TFGenError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if output is None:
        click.echo(gen.code, nl=False)
        return
    directory = os.path.dirname(os.path.abspath(output))
    fd, tmp = tempfile.mkstemp(prefix=".kfn-gen-", suffix=".py", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(gen.code)
    os.replace(tmp, output)
    click.echo(f"{output}: class {gen.class_name} for {gen.model.name} `{gen.model.var}` (line {gen.model.line}), "
               f"{gen.n_weights} weight arrays{', XLA' if jit else ''}", err=True)
