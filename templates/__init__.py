"""Jinja2 templates of kfn-gen (installed as the package kfn_gen.templates). No logic here."""
