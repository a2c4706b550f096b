"""`dutydesk bulletin ...` commands (stable interface for office scripts)."""

from __future__ import annotations

import click


@click.group(name="bulletin")
def group() -> None:
    """工作简报。"""
