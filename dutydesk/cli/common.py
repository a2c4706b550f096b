"""What every command module shares: the lazily opened store of one invocation, date options,
where ``-o`` writes, tab-separated tables."""

from __future__ import annotations

import datetime as dt
import os
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


def output_path(typed: str | os.PathLike, folder: Path) -> Path:
    """Where ``-o`` writes. A path the user typed relative to the current folder (``./x.xlsx``,
    ``../x.xlsx``), an absolute path and ``~/…`` are taken as typed; any other relative path
    (``ledger.xlsx``, ``2024/ledger.xlsx``) goes into ``folder``, dutydesk's own private folder
    for that kind of file (the exports folder, or backups/ for a backup), so a full ledger never
    lands by accident in whatever folder the command happened to run in (issue 16, M1)."""
    text = os.fspath(typed)
    if not text:
        return folder
    if text.startswith("~") or os.path.isabs(text):
        return Path(text).expanduser()
    seps = ("/", os.sep) + ((os.altsep,) if os.altsep else ())
    if text in (".", "..") or any(text.startswith(dots + sep) for dots in (".", "..") for sep in seps):
        return Path(text)
    return folder / text


def force_option(f):
    """``--force``: overwrite an existing file that dutydesk did not write (``store.files``)."""
    return click.option("--force", is_flag=True, help="目标文件已存在且不是 dutydesk 写的，也覆盖")(f)


def echo_table(rows: list[dict], columns: list[str]) -> None:
    """Print rows as tab-separated text (easy to pipe into other tools)."""
    click.echo("\t".join(columns))
    for row in rows:
        click.echo("\t".join(str(row.get(c, "") if row.get(c) is not None else "") for c in columns))
