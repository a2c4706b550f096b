"""`dutydesk petitions ...` commands (stable interface for office scripts)."""

from __future__ import annotations

import click


@click.group(name="petitions")
def group() -> None:
    """信访件。"""
