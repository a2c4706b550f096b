"""`dutydesk handoffs ...` commands (stable interface for office scripts)."""

from __future__ import annotations

import click


@click.group(name="handoffs")
def group() -> None:
    """问题交办。"""
