"""`kfn-gen migrate PATH...`: migrate files, trees and notebooks to Keras 3.

Modelled on black/ruff/pyupgrade:

    kfn-gen migrate script.py                 # migrated code on stdout (or -o FILE)
    kfn-gen migrate - < script.py             # stdin -> stdout
    kfn-gen migrate --in-place repo/          # rewrite files (atomically)
    kfn-gen migrate --out-dir repo3 repo/     # mirror the tree into repo3 (other files copied)
    kfn-gen migrate --check --diff repo/      # change nothing; exit 1 if something would change

Exit status: 0 nothing to change (or everything written), 1 something would change or still needs a
hand change (--check: a warning is a finding the migration could not fix; --allow-warnings lets them pass)
or verification differs (--verify), 2 a file could not be processed (or a usage error), 3 verification
ran but covered only part of a script (PARTIAL), 130 interrupted.  --exit-zero turns 1 into 0.
Diagnostics go to stderr as ``file:line:col: severity: message [rule]``; notebooks are located
as ``nb.ipynb:cell N:line:col`` (N counts all cells from 1).  Importing this module must not
import TensorFlow: --verify loads it lazily.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time

import click

from kfn_gen.cli import config as project_config
from kfn_gen.cli.verify_options import verify_options

from kfn_gen.options import Options

EXIT_OK, EXIT_CHANGED, EXIT_ERROR, EXIT_PARTIAL = 0, 1, 2, 3


def _echo_err(text: str) -> None:
    click.echo(text, err=True)


@click.command("migrate", epilog="Exit status: 0 nothing to change (or all written); 1 a file would change or "
                "still needs a hand change (--check) or a verification differs (--verify); 2 a file could not be "
                "processed; 3 a verification covered only part of a script; 130 interrupted. "
                "Notebook locations read nb.ipynb:cell N:line:col. See docs/ci.md.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the migrated file here (one input file or stdin only).")
@click.option("-i", "--in-place", is_flag=True, help="Rewrite the files in place (atomic writes).")
@click.option("--out-dir", type=click.Path(file_okay=False),
              help="Write a migrated mirror of the input tree here; other files are copied byte for byte.")
@click.option("--check", is_flag=True,
              help="Write nothing to the inputs; exit 1 if a file would change, still needs a hand change "
                   "(a warning), or verification fails.")
@click.option("--allow-warnings", is_flag=True,
              help="With --check: warnings (hand changes still needed) do not fail the check.")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when files would change or need a hand change (2 still means a file failed).")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of the changes to stdout.")
@click.option("--color/--no-color", default=None, help="Color the diff (default: only on a terminal).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=None,
              help="Worker processes (0: one per CPU).  [default: 1, or jobs in [tool.kfn-gen]]")
@click.option("--exclude", multiple=True, metavar="PATTERN",
              help="gitignore-style pattern of paths to skip (repeatable).")
@click.option("--respect-gitignore/--no-respect-gitignore", default=True, show_default=True,
              help="Skip files matched by .gitignore files in the tree.")
@click.option("--stdin-filename", metavar="NAME",
              help="Name used for stdin (`-`) in diagnostics; a .ipynb name reads a notebook.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write a JSON report (one entry per file with its edits and diagnostics).")
@click.option("--summary-md", type=click.Path(dir_okay=False),
              help="Append a Markdown summary (e.g. $GITHUB_STEP_SUMMARY).")
@click.option("--max-file-size", type=click.FloatRange(min=0), default=5, show_default=True, metavar="MB",
              help="Skip (with a warning) files larger than this; 0: no limit.")
@click.option("--file-timeout", type=click.FloatRange(min=0), default=120, show_default=True, metavar="SECONDS",
              help="Give up on a file that takes longer (an error, the file untouched); 0: no limit.")
@click.option("--convert-checkpoints", is_flag=True,
              help="With --in-place/--out-dir: convert the Keras 2 .h5 models in the tree to .keras files beside "
                   "them (kfn-gen convert), and have load_model of them load the .keras file.")
@click.option("--verify", is_flag=True,
              help="Run each changed file against genuine Keras 2.2.4 and Keras 3 (needs TensorFlow).")
@verify_options
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings; no summary.")
@click.option("--output-format", type=click.Choice(project_config.CHOICES["output-format"]), default=None,
              help="How findings are printed: full (default; stderr), concise (CODE and message, no edits; "
                   "stderr), json or sarif (one document on stdout at the end), github (workflow annotations on "
                   "stdout).  See docs/ci.md.")
@click.option("--all-files", is_flag=True, hidden=True,
              help="Parse every file, even those that never mention keras (robustness sweeps).")
@click.option("--select", multiple=True, metavar="RULES",
              help="Run only these rules: codes (KFN005), code prefixes (KFN0) or names (optimizers), comma separated.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Do not run these rules (codes, prefixes or names).")
@click.option("--extend-select", multiple=True, metavar="RULES", help="Rules to run in addition to --select.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="A pyproject.toml with a [tool.kfn-gen] table (default: found upward from the first PATH).")
@click.option("--show-settings", is_flag=True, help="Print the settings in effect (and where they came from); exit.")
@click.option("--defaults", type=click.Choice(project_config.CHOICES["defaults"]), default=None,
              help="keras224: spell out arguments whose defaults changed, to keep 2.2.4's numbers; "
                   "keras3: take Keras 3's defaults (each numeric change reported as a warning).  [default: keras224]")
@click.option("--import-style", type=click.Choice(project_config.CHOICES["import-style"]), default=None,
              help="Emit `import keras` or `from tensorflow import keras`.  [default: keras]")
def migrate(paths, output, in_place, out_dir, check, allow_warnings, exit_zero, show_diff, color, jobs, exclude,
            respect_gitignore, stdin_filename, report_path, summary_md, max_file_size, file_timeout,
            convert_checkpoints, verify, quiet,
            output_format, all_files, select, ignore, extend_select, config_path, show_settings, defaults, import_style,
            verify_options) -> None:
    """Migrate Keras 2.2 code in PATHS (files, directories, notebooks, or - for stdin) to Keras 3."""
    from kfn_gen.files.batch import BatchConfig
    from kfn_gen.migrate.pipeline import selectable
    from kfn_gen.migrate.selection import unknown

    found = project_config.find(paths, config_path)
    given = {"select": project_config.split(select), "ignore": project_config.split(ignore),
             "extend-select": project_config.split(extend_select),
             "exclude": exclude, "defaults": defaults, "import-style": import_style,
             "jobs": jobs, "output-format": output_format}
    settings = project_config.settings(found, given)
    bad = unknown([*(settings["select"] or []), *settings["ignore"], *settings["extend-select"]], selectable())
    if bad:
        raise click.UsageError(f"no rule matches {', '.join(map(repr, bad))} (kfn-gen rules lists them)")
    if show_settings:
        click.echo(f"config: {found or '(none: built-in defaults)'}")
        for key, value in settings.items():
            click.echo(f"{key} = {value!r}")
        sys.exit(EXIT_OK)
    defaults, import_style, jobs, exclude = (settings["defaults"], settings["import-style"], settings["jobs"],
                                             tuple(settings["exclude"]))
    from kfn_gen.files.formats import AT_END, Printer

    fmt = settings["output-format"]
    printer = Printer(fmt, selectable(), quiet, _echo_err, click.echo)

    if in_place and out_dir:
        raise click.UsageError("--in-place and --out-dir are mutually exclusive")
    if check and in_place:
        raise click.UsageError("--check writes nothing: drop --in-place (or --check)")
    if output and (in_place or out_dir):
        raise click.UsageError("-o/--output cannot be combined with --in-place or --out-dir")
    if convert_checkpoints and not (in_place or out_dir):
        raise click.UsageError("--convert-checkpoints writes .keras files: add --in-place or --out-dir")
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("`-` (stdin) must be the only PATH")
    if color is None:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    options = Options(defaults=defaults, import_style=import_style,
                      select=None if settings["select"] is None else tuple(settings["select"]),
                      ignore=tuple(settings["ignore"]), extend_select=tuple(settings["extend-select"]))
    config = BatchConfig(options=options, in_place=in_place, out_dir=out_dir, check=check,
                         want_diff=show_diff, prefilter=not all_files, color=color,
                         max_bytes=int(max_file_size * 1024 * 1024), file_timeout=file_timeout)
    check_output_paths(output=output, report=report_path, summary_md=summary_md)
    gate = Gate(check=check, allow_warnings=allow_warnings)
    writes_code = not (in_place or out_dir or check or show_diff) and (output is None or output == "-")
    if fmt in AT_END and writes_code:
        raise click.UsageError(f"--output-format {fmt} writes to stdout: add --check, --diff, --in-place, "
                               "--out-dir or -o FILE")
    if paths == ("-",):
        rc = _run_stdin(config, stdin_filename or "-", output, verify, quiet, gate, printer)
    else:
        rc = _run_paths(list(paths), config, jobs or os.cpu_count() or 1, exclude, respect_gitignore, output,
                        report_path, summary_md, verify_options if verify else None, quiet, gate, printer,
                        convert_checkpoints)
    printer.finish()
    sys.exit(EXIT_OK if (exit_zero and rc == EXIT_CHANGED) else rc)


class Gate:
    """What fails `--check`: a file that would change, or (unless allow_warnings) one whose warnings say it
    still needs a hand change (ruff's "remaining violations")."""

    def __init__(self, check: bool, allow_warnings: bool) -> None:
        self.check, self.allow_warnings = check, allow_warnings

    def fails(self, changed: int, warnings: int) -> bool:
        return self.check and bool(changed or (warnings and not self.allow_warnings))


def check_output_paths(**paths) -> None:
    """Every file kfn-gen would write (-o, --report, --summary-md) must be writable before any input is
    touched: a bad path is a usage error (exit 2), never a traceback after files were rewritten."""
    for option, path in paths.items():
        if not path or path == "-":
            continue
        flag = {"output": "-o/--output", "report": "--report", "summary_md": "--summary-md"}[option]
        parent = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(path):
            raise click.BadParameter(f"{path!r} is a directory", param_hint=flag)
        if not os.path.isdir(parent):
            raise click.BadParameter(f"{path!r}: directory {parent!r} does not exist", param_hint=flag)
        if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
            raise click.BadParameter(f"{path!r} is not writable", param_hint=flag)


def _write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _run_stdin(config, name: str, output: str | None, verify: bool, quiet: bool, gate: Gate, printer) -> int:
    from kfn_gen.files.batch import migrate_bytes, colorize
    from kfn_gen.files.discover import _kind_of
    from kfn_gen.sourcefile import atomic_write

    if verify:
        _echo_err("kfn-gen: --verify needs files on disk; it is ignored for stdin")
    data = sys.stdin.buffer.read()
    kind = "notebook" if name.endswith(".ipynb") else "python"
    if _kind_of(name) == "copy" and name != "-" and not name.endswith(".ipynb"):
        kind = "python"
    new, diags, diff = migrate_bytes(data, name, kind, config)
    printer.emit(diags)
    if new is None:
        return EXIT_ERROR
    changed = new is not data and new != data
    if diff:
        _write_stdout((colorize(diff) if config.color else diff).encode("utf-8", "surrogateescape"))
    if not config.check and not config.want_diff:
        if output and output != "-":
            atomic_write(output, new)
        else:
            _write_stdout(new)
    warnings = sum(1 for d in diags if d.severity == "warning")
    return EXIT_CHANGED if gate.fails(changed, warnings) else EXIT_OK


def _run_paths(paths, config, jobs, exclude, respect_gitignore, output, report_path, summary_md, verify,
               quiet, gate: Gate, printer, convert_checkpoints: bool = False) -> int:
    from dataclasses import replace

    from kfn_gen.files.batch import colorize, run_batch
    from kfn_gen.files.discover import discover
    from kfn_gen.files.report import Progress, format_summary, summarize, write_json_report, write_markdown
    from kfn_gen.sourcefile import atomic_write

    t0 = time.perf_counter()
    for p in paths:
        if not os.path.lexists(p):
            raise click.BadParameter(f"{p!r} does not exist", param_hint="PATHS")
    if config.out_dir:
        out_real = os.path.realpath(config.out_dir)
        for p in paths:
            if os.path.isdir(p) and os.path.realpath(p) == out_real:
                raise click.UsageError("--out-dir must not be an input directory (use --in-place)")
    tasks = discover(paths, exclude, respect_gitignore, skip_dirs=[config.out_dir] if config.out_dir else [])
    if convert_checkpoints:
        from kfn_gen.checkpoints.tree import convert_tree

        names, notes = convert_tree(tasks, config.in_place, config.out_dir)
        printer.emit(notes)
        config = replace(config, options=replace(config.options, checkpoints=names))
    if not config.out_dir:  # other files only matter when mirroring a tree
        tasks = [t for t in tasks if t.kind not in ("copy", "symlink")]
    migratable = [t for t in tasks if t.kind in ("python", "notebook")]
    if not migratable:
        _echo_err(f"kfn-gen: no Python files or notebooks found under {', '.join(paths)}")
        return EXIT_ERROR
    to_stdout = not (config.in_place or config.out_dir or config.check or config.want_diff)
    if to_stdout or output:
        if len(paths) != 1 or os.path.isdir(paths[0]) or len(migratable) != 1:
            raise click.UsageError(
                "migrating a directory or several files needs --in-place, --out-dir, --check or --diff"
                + (" (-o takes one input file)" if output else ""))
        config = replace(config, want_output=True)
    tmp_dirs: list[str] = []
    if verify:
        if config.in_place:
            d = tempfile.mkdtemp(prefix="kfn-gen-originals-")
            tmp_dirs.append(d)
            config = replace(config, originals_dir=d)
        elif not config.out_dir:
            config = replace(config, want_output=True)

    progress = Progress(len(tasks))

    def on_result(i, r):
        show = [d for d in r.diagnostics if not (quiet and d.severity == "info")]
        if show or r.diff:
            progress.clear()
        printer.emit(r.diagnostics)
        if r.diff:
            _write_stdout((colorize(r.diff) if config.color else r.diff).encode("utf-8", "surrogateescape"))
        progress.update(i + 1, r.path)

    try:
        results = run_batch(tasks, config, jobs, on_result)
        progress.clear()
        rc = EXIT_OK
        if to_stdout or output:
            r = next(r for r in results if r.kind in ("python", "notebook"))
            if r.status == "skipped":  # a NUL byte (binary, UTF-16): never an empty stdout that says "done"
                _echo_err(f"kfn-gen: {r.path}: not Python source text (see the note above); nothing written")
                return EXIT_ERROR
            if r.status != "failed" and r.output is not None:
                if output and output != "-":
                    atomic_write(output, r.output, None)
                    r.written = output
                elif not verify:
                    _write_stdout(r.output)
        if verify:
            rc = _worse(rc, _verify(results, config, tmp_dirs, quiet, to_stdout, verify))
            if to_stdout and not output:
                r = next(r for r in results if r.kind in ("python", "notebook"))
                if r.output is not None and r.status != "failed":
                    _write_stdout(r.output)
        summary = summarize(results, time.perf_counter() - t0)
        if not quiet and not to_stdout:
            _echo_err(format_summary(summary, config.check).rstrip("\n"))
            if gate.check and summary["diagnostics"]["warning"]:
                _echo_err(f"check: {summary['diagnostics']['warning']} warning(s) still need a hand change"
                          + (" (allowed by --allow-warnings)" if gate.allow_warnings else ""))
        if report_path:
            write_json_report(report_path, results, summary, sys.argv)
        if summary_md:
            write_markdown(summary_md, results, summary, config.check)
        if summary["failed"]:
            return EXIT_ERROR
        if rc:
            return rc
        if gate.fails(summary["changed"], summary["diagnostics"]["warning"]):
            return EXIT_CHANGED
        return EXIT_OK
    finally:
        for d in tmp_dirs:
            shutil.rmtree(d, ignore_errors=True)


def _verify(results, config, tmp_dirs, quiet: bool, to_stdout: bool, options) -> int:
    """Run verify_pair (with `options`, a VerifyOptions) on each changed Python file; returns an exit status
    contribution."""
    changed = [r for r in results if r.status == "changed"]
    if not changed:
        return EXIT_OK
    try:
        from kfn_gen.verify import verify_pair  # lazy: imports TensorFlow
    except ImportError as exc:
        _echo_err(f"kfn-gen: --verify is not available: {exc}. It needs kfn_gen.verify and TensorFlow "
                  "(pip install 'kfn-gen[tf]').")
        for r in changed:
            r.verify = {"status": "error", "message": f"verification unavailable: {exc}"}
        return EXIT_ERROR
    rc = EXIT_OK
    scratch = None
    for r in changed:
        if r.kind != "python":
            r.verify = {"status": "skipped", "message": "verification of notebooks is not supported"}
            continue
        if config.in_place:
            old, new = r.original_copy, r.written
        elif r.written:  # --out-dir, or -o for one file
            old, new = r.path, r.written
        else:
            if scratch is None:
                scratch = tempfile.mkdtemp(prefix="kfn-gen-verify-")
                tmp_dirs.append(scratch)
            new = os.path.join(scratch, *r.rel.split("/"))
            os.makedirs(os.path.dirname(new), exist_ok=True)
            with open(new, "wb") as fh:
                fh.write(r.output or b"")
            old = r.path
        try:
            rep = verify_pair(old, new, options)
            r.verify = rep.to_json()
            if not rep.ok:
                # like `kfn-gen verify`: differ -> 1, could not run -> 2, partial -> 3
                rc = _worse(rc, {"differ": EXIT_CHANGED, "partial": EXIT_PARTIAL}.get(rep.status, EXIT_ERROR))
                if config.in_place:  # only what verified replaces the original
                    _restore(r, old, new)
            if not rep.ok or not quiet:
                # the figures (max abs diff per model, training step), not just the verdict
                _echo_err(f"{r.path}: verification {rep.status}")
                _echo_err(rep.format_table())
        except Exception as exc:  # noqa: BLE001 - one failing verification does not stop the others
            r.verify = {"status": "error", "message": f"{type(exc).__name__}: {exc}"}
            _echo_err(f"{r.path}: verification error: {type(exc).__name__}: {exc}")
            rc = EXIT_ERROR
            if config.in_place:
                _restore(r, old, new)
    return rc


def _worse(a: int, b: int) -> int:
    """The exit status that says more: could not run (2) > differs (1) > partial (3) > ok (0)."""
    order = [EXIT_OK, EXIT_PARTIAL, EXIT_CHANGED, EXIT_ERROR]
    return max(a, b, key=order.index)


def _restore(r, original_copy: str, written: str) -> None:
    """--in-place --verify: a file whose migration did not verify gets its original bytes back."""
    from kfn_gen.sourcefile import atomic_write

    with open(original_copy, "rb") as fh:
        atomic_write(written, fh.read())
    r.verify["restored"] = True
    _echo_err(f"{r.path}: not verified ({r.verify.get('status')}): the original was kept; rerun without "
              "--verify (or with --out-dir) to write the migration anyway")
