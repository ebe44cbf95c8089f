"""Render jinja2 templates from templates/ (packaged as kfn_gen.templates).  Logic stays in Python."""
from __future__ import annotations

from pathlib import Path

import jinja2

_ENV = None


def template_dir() -> Path:
    """templates/ at the repository root, installed as the package kfn_gen.templates."""
    try:
        from importlib import resources

        return Path(str(resources.files("kfn_gen.templates")))
    except ModuleNotFoundError:  # running from a source checkout that is not installed
        return Path(__file__).resolve().parent.parent / "templates"


def env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(template_dir())),
                                  undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                  trim_blocks=True, lstrip_blocks=True, autoescape=False)
    return _ENV


def render(template: str, **context) -> str:
    return env().get_template(template).render(**context)
