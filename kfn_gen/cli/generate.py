"""`kfn-gen generate tf-function SCRIPT.py|MODEL.keras [--model NAME] [--list] [--jit] -o module.py`.

Runs the script's migration under Keras 3 in the verifier's sandbox (or loads the saved model there),
captures each model it builds, renders a standalone TensorFlow module (no Keras import) for one of them,
and checks the module against that model on seeded inputs, after a SavedModel round trip too.
"""
from __future__ import annotations

import os
import sys
import tempfile

import click

from kfn_gen.cli.verify_options import verify_options


@click.group("generate")
def generate() -> None:
    """Generate code from the models a legacy Keras script builds."""


@generate.command("tf-function")
@click.argument("source", metavar="SCRIPT_OR_MODEL", type=click.Path(exists=True, dir_okay=False))
@click.option("--model", "model", metavar="NAME", help="The model to generate, by variable or name (default: the "
              "last model the script builds).")
@click.option("--list", "list_", is_flag=True, help="List the models the script builds and exit.")
@click.option("--jit", is_flag=True, help="Compile the forward pass with XLA (tf.function(jit_compile=True)).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the module here, and "
              "its captured weights beside it as MODULE.weights.npz (default: the module on stdout).")
@click.option("--saved-model", type=click.Path(file_okay=False), help="Also write a SavedModel (serving signature, "
              "the captured weights inside) to this directory.")
@click.option("--no-check", is_flag=True, help="Do not run the module against the model it came from.")
@verify_options
def tf_function(source: str, model: str | None, list_: bool, jit: bool, output: str | None,
                saved_model: str | None, no_check: bool, verify_options) -> None:
    """A standalone @tf.function module (TensorFlow only) for a model of SCRIPT_OR_MODEL (.py or .keras)."""
    from kfn_gen.generate.capture import CaptureError, capture
    from kfn_gen.generate.run import generate as run, write_weights

    try:
        if list_:
            captured = capture(source, verify_options)
            if not captured.models:
                click.echo(f"{source}: no models", err=True)
                sys.exit(1)
            for m in captured.models:
                info = (f"{len(m['inputs'])} input(s)\t{len(m['graph']['outputs'])} output(s)\t"
                        f"{len(m['graph']['layers'])} layer(s)" if "graph" in m else f"cannot generate: {m['error']}")
                click.echo(f"{m.get('var') or '?'}\t{m['class']}\t{m['name']}\t{info}")
            return
        captured, modules = run(source, verify_options, jit=jit, check=not no_check,
                                saved_model=saved_model or True, only=model, last=True)
    except CaptureError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not modules:
        click.echo(f"error: {source}: builds no model (Model, Sequential) that kfn-gen could capture", err=True)
        sys.exit(2)
    chosen = modules[-1]
    for e in captured.script_errors[:5]:
        click.echo(f"{source}:{e['line']}: note: under Keras 3 this statement failed: {e['type']}: {e['message']}",
                   err=True)
    if chosen.code is None:
        click.echo(f"error: {chosen.label}: {chosen.error}", err=True)
        sys.exit(2)
    if output is None:
        click.echo(chosen.code, nl=False)
    else:
        _write_atomic(output, chosen.code)
        write_weights(os.path.splitext(output)[0] + ".weights.npz", captured, chosen.index)
    checked = ("not checked" if no_check else
               f"max abs diff {chosen.max_abs_diff:.2e}, after a SavedModel round trip "
               f"{chosen.saved_model_max_abs_diff:.2e}" if chosen.max_abs_diff is not None else
               f"check failed: {chosen.error}")
    click.echo(f"{output or '<stdout>'}: class {chosen.class_name} for {chosen.label}, {chosen.n_weights} weight "
               f"arrays{', XLA' if jit else ''}; {checked}", err=True)
    if not no_check and not chosen.matches:
        click.echo(f"error: the generated module does not compute what the model computes (atol {chosen.atol:g})",
                   err=True)
        sys.exit(1)


def _write_atomic(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".kfn-gen-", suffix=".py", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, path)
