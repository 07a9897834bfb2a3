"""Deterministic demo data: members and clients across Europe, in four languages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The `flask demo` command group (`serve` loads the demo on a brand-new site)."""
    from webapp.demo.cli import demo_cli

    app.cli.add_command(demo_cli)
