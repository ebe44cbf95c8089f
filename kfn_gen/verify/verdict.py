"""From the compared models and the script errors of both sides to a verdict: which errors the migration
added, how much of the script the verdict covers, and the root causes of what ran on neither side."""
from __future__ import annotations

import re


from kfn_gen.linemap import line_map as _line_map
from kfn_gen.verify.report import coverage_text, _fmt
from kfn_gen.verify.worker.guard import REFUSED as SANDBOX_PREFIX

# what verify/worker/random_standin.py does, for the report
RANDOM_STANDIN = ("the same deterministic stand-in replaced random draws on both sides (Keras 2.2.4 "
                  "K.random_normal/random_uniform/truncated_normal, Keras 3 keras.random.normal/uniform/"
                  "truncated_normal): outputs that depend on them are compared as functions of that "
                  "stand-in noise, not of real random numbers")
# import name -> the package that installs it, for the causes a partial verdict names
PIP_NAMES = {"sklearn": "scikit-learn", "cv2": "opencv-python", "PIL": "pillow", "yaml": "pyyaml",
             "skimage": "scikit-image", "pydot": "pydot", "graphviz": "graphviz"}


def _standins(legacy, migrated):
    """What both runs stood in for (synthetic argv, placeholder files, missing modules, weights)."""
    out = []
    for res in (legacy, migrated):
        for text in res.get("standins") or []:
            if text not in out:
                out.append(text)
    return tuple(out)


def _note_random_standin(entries, legacy, migrated):
    """Say so on every model when the script's random draws were replaced (worker/random_standin.py)."""
    from dataclasses import replace

    used = sorted({k.split(":", 1)[1] for side in (legacy, migrated) for k in (side.get("calls") or {})
                   if k.startswith("random_standin:")})
    if not used:
        return entries
    note = f"random stand-in ({', '.join(used)}): {RANDOM_STANDIN}"
    return [replace(e, notes=(*e.notes, note)) for e in entries]


def _map_to_original(merrs, old_path, new_path):
    """[(Keras 3 error, the original script's statement line or None)]: the migration inserts and rewrites
    lines, so a migrated statement is mapped back to the original one by a line diff (None: a line the
    migration inserted, or texts that could not be read)."""
    if not merrs:
        return []
    try:
        with open(old_path, encoding="utf-8", errors="replace") as fh:
            old_text = fh.read()
        with open(new_path, encoding="utf-8", errors="replace") as fh:
            new_text = fh.read()
    except OSError:
        return [(e, None) for e in merrs]
    mapping = _line_map(new_text, old_text)
    return [(e, mapping.get(e.stmt_line if e.stmt_line is not None else e.line)) for e in merrs]


def _new_errors(lerrs, mapped):
    """Keras 3 errors at top-level statements where the Keras 2.2.4 run raised nothing.

    Both sides failing at the same statement (a missing optional module, a download) is not a difference
    of the migration (it is a gap in coverage, see coverage()); counting errors per side was not enough:
    a Keras 3 error hid behind an unrelated 2.2.4 one (a VAE's add_loss behind 2.2.4's pydot errors).
    """
    failed = {e.stmt_line if e.stmt_line is not None else e.line for e in lerrs}
    return [e for e, line in mapped if line not in failed]


def coverage(legacy: dict, lerrs, mapped) -> dict:
    """How much of the script the verdict covers.

    A top-level statement is covered when it ran without an error on both sides, or raised the same
    exception type at the same statement on both (the script's own behaviour, reproduced: the 2.2.4 guide's
    `layer.output` on a shared layer raises on purpose).  It is not covered when it raised under 2.2.4 only,
    or on both sides for a reason outside the script (a missing package, a missing data file) or as a
    consequence of one (a NameError after a failed import): then the verdict cannot say what the statement
    would have computed.  The root causes are named so that a user knows what to install or provide.
    """
    total = int(legacy.get("statements_total") or legacy.get("statements_run") or 0)
    line = lambda e: e.stmt_line if e.stmt_line is not None else e.line  # noqa: E731
    legacy_err = {line(e): e for e in lerrs}
    migrated_err = {ln: e for e, ln in mapped if ln is not None}
    environment = any(_from_environment(e) for e in lerrs)
    same, gap, legacy_only = 0, 0, 0
    for stmt, e in legacy_err.items():
        other = migrated_err.get(stmt)
        if other is None:
            legacy_only += 1
        elif other.type == e.type and not _from_environment(e) and not (environment and e.type == "NameError"):
            same += 1
        else:
            gap += 1
    not_run = gap + legacy_only + len(set(migrated_err) - set(legacy_err))
    return {"statements": total, "ran_on_both": max(0, total - not_run), "same_error_on_both": same,
            "failed_on_both": gap, "failed_legacy_only": legacy_only,
            "causes": _causes([e for s, e in legacy_err.items() if s not in migrated_err or _from_environment(e)
                               or migrated_err[s].type != e.type or (environment and e.type == "NameError")])}


def _missing_module(e) -> str | None:
    """The top-level module an import error says is not installed, or None."""
    m = re.search(r"No module named '([^'.]+)", e.message) if e.type in ("ModuleNotFoundError", "ImportError") \
        else None
    return m.group(1) if m else None


def _missing_file(e) -> bool:
    return e.type in ("FileNotFoundError", "IsADirectoryError") or (e.type == "OSError" and "No such file" in e.message)


def _sandbox_refused(e) -> bool:
    return e.type == "PermissionError" and e.message.startswith(SANDBOX_PREFIX)


def _from_environment(e) -> bool:
    """An error of the run's environment, not of the script: a module or a file that is not there, or
    something the sandbox refused (the network, a write outside the run's directories)."""
    return _missing_module(e) is not None or _missing_file(e) or _sandbox_refused(e)


def _causes(lerrs, most: int = 3) -> list[str]:
    """The distinct root causes of the 2.2.4 side's errors; a NameError is usually a consequence (of an
    import or a data load that failed earlier), so it is named only when nothing else is."""
    roots = [e for e in lerrs if e.type not in ("NameError", "UnboundLocalError")] or list(lerrs)
    out: list[str] = []
    for e in roots:
        text = _cause(e)
        if text not in out:
            out.append(text)
    return out[:most] + ([f"+{len(out) - most} more"] if len(out) > most else [])


def _cause(e) -> str:
    top = _missing_module(e)
    if top:
        return f"{top} is not installed: pip install {PIP_NAMES.get(top, top)}"
    if _missing_file(e):
        return f"line {e.line}: a file the script reads is missing ({e.message}): provide it (run in its directory)"
    if _sandbox_refused(e):
        return f"line {e.line}: {e.message[len(SANDBOX_PREFIX):].strip()} (the verdict does not cover it)"
    return f"line {e.line}: {e.type}: {e.message}"


def _overall(entries, new_errs, n_migrated, cov=None):
    differ = [e for e in entries if e.status == "differ"]
    errors = [e for e in entries if e.status == "error"]
    reasons = []
    if differ:
        reasons.append("differ: " + ", ".join(
            f"{e.name} (max abs diff {_fmt(e.max_abs_diff)})" if e.max_abs_diff is not None else e.name for e in differ))
    if n_migrated > len(entries):
        reasons.append(f"the migration built {n_migrated} models, Keras 2.2.4 {len(entries)}")
    if new_errs:
        reasons.append(f"the migrated script raised where Keras 2.2.4 did not ({new_errs[0].format()})")
        return "differ", "; ".join(reasons)
    if differ or n_migrated > len(entries):
        return "differ", "; ".join(reasons)
    if errors:
        return "error", "could not compare: " + ", ".join(f"{e.name} ({e.problems[0]})" for e in errors)
    if cov and cov["statements"] and cov["ran_on_both"] < cov["statements"]:
        return "partial", (f"{len(entries)} model(s) equal, but only {coverage_text(cov)}: the verdict does "
                           "not cover the rest of the script")
    return "match", None
