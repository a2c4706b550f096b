"""What every command module shares: the lazily opened store of one invocation, date options,
tab-separated tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click


class Context:
    """Lazily opened store shared by the subcommands of one invocation."""

    current: "Context | None" = None  # for the crash log of an unexpected error

    def __init__(self, db_path: Path | None, operator: str | None):
        self.db_path = db_path
        self.operator = operator
        self._store = None
        self.wants_tui = False
        Context.current = self

    @property
    def store(self):
        if self._store is None:
            from ..bootstrap import open_store

            self._store = open_store(self.db_path, operator=self.operator)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


pass_ctx = click.make_pass_decorator(Context)


def parse_date_option(ctx, param, value):
    """click callback: read a date in any accepted form; exit 1 with a Chinese line if bad."""
    if value is None or isinstance(value, dt.date):
        return value
    from ..dates import parse_date

    return parse_date(value)


def echo_table(rows: list[dict], columns: list[str]) -> None:
    """Print rows as tab-separated text (easy to pipe into other tools)."""
    click.echo("\t".join(columns))
    for row in rows:
        click.echo("\t".join(str(row.get(c, "") if row.get(c) is not None else "") for c in columns))
