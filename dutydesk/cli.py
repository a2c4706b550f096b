"""The ``dutydesk`` command: the TUI by default, subcommands for office scripts.

The commands and options here are a stable interface. Errors a user can cause exit with
status 1 and one Chinese line on stderr; usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import __version__
from .errors import UserError


class Context:
    """Lazily opened store shared by the subcommands of one invocation."""

    current: "Context | None" = None  # for the crash log of an unexpected error

    def __init__(self, db_path: Path | None, operator: str | None):
        self.db_path = db_path
        self.operator = operator
        self._store = None
        Context.current = self

    @property
    def store(self):
        if self._store is None:
            from .store import open_store

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
    from .dates import parse_date

    return parse_date(value)


def echo_table(rows: list[dict], columns: list[str]) -> None:
    """Print rows as tab-separated text (easy to pipe into other tools)."""
    click.echo("\t".join(columns))
    for row in rows:
        click.echo("\t".join(str(row.get(c, "") if row.get(c) is not None else "") for c in columns))


class LazyGroup(click.Group):
    """The root group: the domain command groups are imported only when one is asked for (or for
    ``--help``), so that plain ``dutydesk`` opening the TUI does not import every CLI module."""

    LAZY = {"roster": "roster", "petitions": "petitions", "handoffs": "handoffs", "bulletin": "bulletin"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.LAZY))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            import importlib

            module = importlib.import_module(f"{__package__}.{self.LAZY[cmd_name]}.cli")
            self.add_command(module.group, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), envvar="DUTYDESK_DB",
              help="数据库文件（默认：$DUTYDESK_DB 或用户数据目录下 dutydesk/dutydesk.db）")
@click.option("--operator", help="操作人（默认：系统用户名），记入审计日志")
@click.version_option(__version__, "--version", prog_name="dutydesk", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, operator: str | None) -> None:
    """dutydesk：生态环境保护督察协调联络组值班台。不带命令时打开界面。"""
    obj = Context(db_path, operator)
    ctx.obj = obj
    ctx.call_on_close(obj.close)
    if ctx.invoked_subcommand is None:
        from .store import default_db_path

        path = db_path or default_db_path()
        from .ui.app import run_tui

        run_tui(path, operator=operator)


@cli.command()
@click.option("--demo", is_flag=True, help="填入演示数据（值班表、信访件批次、交办问题、简报）")
@pass_ctx
def init(obj: Context, demo: bool) -> None:
    """创建或升级数据库。"""
    store = obj.store
    click.echo(f"数据库已就绪：{store.path}")
    if demo:
        from .demo import fill_demo

        summary = fill_demo(store)
        click.echo(f"已填入演示数据：{summary}")


# -- settings -------------------------------------------------------------------------------
@cli.group()
def settings() -> None:
    """查看和修改设置（所有终端共用）。"""


@settings.command("show")
@click.argument("key", required=False)
@pass_ctx
def settings_show(obj: Context, key: str | None) -> None:
    """显示全部设置，或一项设置的值。"""
    from .refdata import all_settings, get_setting, setting_label

    if key:
        click.echo(get_setting(obj.store, key))
        return
    for k, v in all_settings(obj.store).items():
        shown = v.replace("\n", "\\n")
        click.echo(f"{k}\t{shown}\t# {setting_label(k)}")


@settings.command("set")
@click.argument("key")
@click.argument("value")
@pass_ctx
def settings_set(obj: Context, key: str, value: str) -> None:
    """设置 KEY 为 VALUE（多行文字用 \\n 分行）。"""
    from .refdata import set_setting

    set_setting(obj.store, key, value)
    click.echo(f"已设置 {key}")


# -- units ------------------------------------------------------------------------------------
@cli.group()
def units() -> None:
    """行政区域和责任单位。"""


@units.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="包括已停用的单位")
@pass_ctx
def units_list(obj: Context, include_inactive: bool) -> None:
    from .refdata import list_units

    rows = [u.__dict__ | {"active": "是" if u.active else "否"} for u in list_units(obj.store, include_inactive=include_inactive)]
    echo_table(rows, ["name", "short_name", "kind", "aliases", "active"])


@units.command("add")
@click.argument("name")
@click.option("--kind", default="", help="区/县/县级市/管理区/开发区/部门")
@click.option("--short", "short_name", default="", help="简称")
@click.option("--aliases", default="", help="别名，用、分隔")
@pass_ctx
def units_add(obj: Context, name: str, kind: str, short_name: str, aliases: str) -> None:
    from .refdata import add_unit

    add_unit(obj.store, name, kind=kind, short_name=short_name, aliases=aliases)
    click.echo(f"已添加单位：{name}")


@units.command("disable")
@click.argument("name")
@pass_ctx
def units_disable(obj: Context, name: str) -> None:
    from .refdata import set_unit_active

    set_unit_active(obj.store, name, False)
    click.echo(f"已停用单位：{name}")


@units.command("enable")
@click.argument("name")
@pass_ctx
def units_enable(obj: Context, name: str) -> None:
    from .refdata import set_unit_active

    set_unit_active(obj.store, name, True)
    click.echo(f"已启用单位：{name}")


@units.command("rename")
@click.argument("old")
@click.argument("new")
@pass_ctx
def units_rename(obj: Context, old: str, new: str) -> None:
    from .refdata import rename_unit

    rename_unit(obj.store, old, new)
    click.echo(f"已改名：{old} → {new}")


# -- vocabularies -----------------------------------------------------------------------------
@cli.group()
def vocab() -> None:
    """词表（污染类型、是否属实、办结状态等）。"""


@vocab.command("list")
@click.argument("kind", required=False)
@pass_ctx
def vocab_list(obj: Context, kind: str | None) -> None:
    from .refdata import VOCAB_LABELS, vocab as get_vocab

    kinds = [kind] if kind else list(VOCAB_LABELS)
    for k in kinds:
        if k not in VOCAB_LABELS:
            raise UserError(f"未知的词表：{k}（可用：{'、'.join(VOCAB_LABELS)}）")
        click.echo(f"{k}\t{VOCAB_LABELS[k]}\t{'、'.join(get_vocab(obj.store, k))}")


@vocab.command("add")
@click.argument("kind")
@click.argument("value")
@pass_ctx
def vocab_add(obj: Context, kind: str, value: str) -> None:
    from .refdata import add_vocab

    add_vocab(obj.store, kind, value)
    click.echo(f"已添加：{value}")


@vocab.command("remove")
@click.argument("kind")
@click.argument("value")
@pass_ctx
def vocab_remove(obj: Context, kind: str, value: str) -> None:
    from .refdata import remove_vocab

    remove_vocab(obj.store, kind, value)
    click.echo(f"已停用：{value}")


# -- holidays ---------------------------------------------------------------------------------
@cli.group()
def holidays() -> None:
    """节假日和调休（补充或更正官方安排）。"""


@holidays.command("list")
@pass_ctx
def holidays_list(obj: Context) -> None:
    from .workdays import list_holidays

    echo_table(list_holidays(obj.store), ["date", "kind", "name"])


@holidays.command("add")
@click.argument("date", callback=parse_date_option)
@click.option("--workday", is_flag=True, help="调休上班日（默认：放假日）")
@click.option("--name", default="", help="名称，如 春节")
@pass_ctx
def holidays_add(obj: Context, date: dt.date, workday: bool, name: str) -> None:
    from .workdays import add_holiday

    add_holiday(obj.store, date, "workday" if workday else "holiday", name)
    click.echo(f"已设置 {date.isoformat()} 为{'调休上班日' if workday else '放假日'}")


@holidays.command("remove")
@click.argument("date", callback=parse_date_option)
@pass_ctx
def holidays_remove(obj: Context, date: dt.date) -> None:
    from .workdays import remove_holiday

    remove_holiday(obj.store, date)
    click.echo(f"已删除 {date.isoformat()}")


# -- backup / restore -------------------------------------------------------------------------
@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="备份文件（默认：数据库旁 backups/）")
@pass_ctx
def backup(obj: Context, output: Path | None) -> None:
    """备份数据库（在线备份，不影响其他终端）。"""
    from .store.backup import backup_now

    path = backup_now(obj.store, target=output)
    click.echo(f"已备份到：{path}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="不再确认")
@pass_ctx
def restore(obj: Context, file: Path, yes: bool) -> None:
    """用备份文件恢复数据库（先检查文件，并先备份当前数据库）。"""
    from .store.backup import check_backup_file, restore as do_restore

    check_backup_file(file)
    if not yes and sys.stdin.isatty():
        click.confirm(f"用 {file} 覆盖当前数据库 {obj.store.path}？", abort=True)
    safety = do_restore(obj.store, file)
    click.echo(f"已恢复。恢复前的数据库已备份到：{safety}")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: user errors become one Chinese line and exit status 1."""
    Context.current = None
    try:
        cli.main(args=argv, prog_name="dutydesk", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已取消", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # user errors: one line; a bug: one line and the crash log
        from .launch import report_error

        ctx = Context.current
        sys.exit(report_error(exc, ctx.db_path if ctx else None, ctx._store if ctx else None))
