"""`kfn-gen verify OLD.py NEW.py`: run both under genuine Keras 2.2.4 / Keras 3 and compare.

Exit status: 0 every model matches, 1 any model differs, 2 verification could not run.
Importing this module does not import TensorFlow (only the subprocesses do).
"""
from __future__ import annotations

import json
import shlex
import sys

import click


@click.command("verify")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Also write the report as JSON here.")
@click.option("--legacy-dir", type=click.Path(file_okay=False),
              help="Keras 2.2.4 directory (default: $KFN_GEN_LEGACY_DIR or the user cache; installed from PyPI "
                   "on first use).")
@click.option("--timeout", "timeout_s", type=float, default=300, show_default=True,
              help="Wall-clock limit per side, seconds.")
@click.option("--memory-mb", type=int, default=6000, show_default=True,
              help="Address-space limit per side (TensorFlow alone needs ~2100 MB).")
@click.option("--atol", type=float, default=1e-5, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-train-check", is_flag=True,
              help="Report training-step (gradient/optimizer) differences as notes, not as a difference.")
@click.option("--argv", "argv_text", metavar="ARGS",
              help="The scripts' command line, shell-quoted (e.g. --argv 'img/pic.jpg results/dream'); both sides "
                   "get it, paths to existing files made absolute.  Default: argparse scripts get synthetic "
                   "arguments and placeholder files.")
def verify(old: str, new: str, report_path: str | None, legacy_dir: str | None, timeout_s: float, memory_mb: int,
           atol: float, seed: int, no_train_check: bool, argv_text: str | None) -> None:
    """Verify that NEW (Keras 3) computes what OLD computed under genuine Keras 2.2.4."""
    from kfn_gen.verify import verify_pair

    report = verify_pair(old, new, legacy_dir=legacy_dir, timeout_s=timeout_s, memory_mb=memory_mb, atol=atol,
                         seed=seed, check_training=not no_train_check,
                         argv=None if argv_text is None else shlex.split(argv_text))
    click.echo(report.format_table())
    if report_path:
        with open(report_path, "w", encoding="utf-8") as fh:
            json.dump(report.to_json(), fh, indent=2, default=str)
    sys.exit(report.exit_code)
