"""`dutydesk roster ...` commands (stable interface for office scripts)."""

from __future__ import annotations

import click


@click.group(name="roster")
def group() -> None:
    """值班表。"""
