"""What every command module shares: the lazily opened store of one invocation, date options,
tab-separated tables."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

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


@contextmanager
def progress_line() -> Iterator:
    """A progress callback ``(stage, done, total)`` for a long import: one line on stderr, redrawn
    in place, when stderr is a terminal; ``None`` (nothing printed) when it is piped or redirected."""
    stream = sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()):
        yield None
        return
    shown = False

    def show(stage: str, done: int, total: int | None) -> None:
        nonlocal shown
        text = f"{stage}：{done:,}" + (f" / {total:,} 行（{done * 100 // max(total, 1)}%）" if total else " 行")
        stream.write("\r\x1b[K" + text)
        stream.flush()
        shown = True

    try:
        yield show
    finally:
        if shown:
            stream.write("\r\x1b[K")
            stream.flush()


def sheet_option(f):
    return click.option("--sheet", "sheet", default=None, metavar="NAME",
                        help="读取哪个工作表（默认：第一个表头可识别的工作表；.docx 为“表格N”）")(f)


def add_units_option(f):
    return click.option("--add-units", is_flag=True,
                        help="表中无法识别的单位作为新单位添加（与导入在同一事务中）")(f)


def switch_commands(group: click.Group, apply: Callable[[object, str, bool], None], *, noun: str,
                    helps: tuple[str, str]) -> None:
    """``disable NAME`` and ``enable NAME`` on ``group``: ``apply(store, name, enabled)``, then
    已停用/已启用 + noun; ``helps`` are the two commands' help texts."""
    for enabled, word, text in ((False, "disable", helps[0]), (True, "enable", helps[1])):
        def command(obj: Context, name: str, enabled: bool = enabled) -> None:
            apply(obj.store, name, enabled)
            click.echo(f"已{'启用' if enabled else '停用'}{noun}：{name}")

        group.command(word, help=text)(click.argument("name")(pass_ctx(command)))
