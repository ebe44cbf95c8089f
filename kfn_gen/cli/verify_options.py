"""The options that say how verification runs, shared by `kfn-gen verify` and `kfn-gen migrate --verify`.

`@verify_options` adds them to a command and hands the command one `verify_options` argument: a
kfn_gen.verify.options.VerifyOptions (importing it does not import TensorFlow).
"""
from __future__ import annotations

import functools
import shlex

import click

_NAMES = ("legacy_dir", "timeout_s", "memory_mb", "atol", "seed", "no_train_check", "argv_text", "data_cwd")


def verify_options(command):
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from kfn_gen.verify.options import VerifyOptions

        given = {name: kwargs.pop(name) for name in _NAMES}
        argv = given["argv_text"]
        kwargs["verify_options"] = VerifyOptions(
            legacy_dir=given["legacy_dir"], timeout_s=given["timeout_s"], memory_mb=given["memory_mb"],
            atol=given["atol"], seed=given["seed"], check_training=not given["no_train_check"],
            argv=None if argv is None else tuple(shlex.split(argv)), cwd=given["data_cwd"])
        return command(*args, **kwargs)

    options = [
        click.option("--legacy-dir", type=click.Path(file_okay=False),
                     help="Keras 2.2.4 directory (default: $KFN_GEN_LEGACY_DIR or the user cache; installed from "
                          "PyPI on first use)."),
        click.option("--timeout", "timeout_s", type=float, default=300, show_default=True,
                     help="Verification: wall-clock limit per side, seconds."),
        click.option("--memory-mb", type=int, default=6000, show_default=True,
                     help="Verification: address-space limit per side (TensorFlow alone needs ~2100 MB)."),
        click.option("--atol", type=float, default=1e-5, show_default=True,
                     help="Verification: outputs match within atol + 1e-5 x |legacy|."),
        click.option("--seed", type=int, default=0, show_default=True, help="Verification: seed of inputs and weights."),
        click.option("--no-train-check", is_flag=True,
                     help="Verification: report training-step (gradient/optimizer) differences as notes, not as a "
                          "difference."),
        click.option("--argv", "argv_text", metavar="ARGS",
                     help="Verification: the scripts' command line, shell-quoted (e.g. --argv 'img/pic.jpg out/'); "
                          "both sides get it, paths to existing files made absolute.  Default: argparse scripts "
                          "get synthetic arguments and placeholder files."),
        click.option("--cwd", "data_cwd", type=click.Path(exists=True, file_okay=False),
                     help="Verification: run each side in a copy of this directory, so data files the script "
                          "opens by relative path are found (default: an empty directory with synthetic "
                          "stand-ins for the well-known data files)."),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper
