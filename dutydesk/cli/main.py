"""The ``dutydesk`` command: the TUI by default, subcommands for office scripts.

The commands and options here are a stable interface. Errors a user can cause exit with
status 1 and one Chinese line on stderr; usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import click

from .. import __version__
from ..errors import UserError
from .common import Context, pass_ctx


class LazyGroup(click.Group):
    """The root group: the domain command groups are imported only when one is asked for (or for
    ``--help``), so that plain ``dutydesk`` opening the TUI does not import every CLI module."""

    # command name -> module of this package that defines it (a click command of that name,
    # or ``group`` in a domain module)
    LAZY = {"roster": "roster", "petitions": "petitions", "handoffs": "handoffs", "bulletin": "bulletin",
            "settings": "reference", "units": "reference", "vocab": "reference", "holidays": "reference",
            "backup": "backup", "restore": "backup", "users": "users", "serve": "serve",
            "replica": "replica", "stats": "stats", "trash": "trash"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.LAZY))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            import importlib

            module = importlib.import_module(f"{__package__}.{self.LAZY[cmd_name]}")
            command = getattr(module, cmd_name, None)
            self.add_command(command if isinstance(command, click.Command) else module.group, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), envvar="DUTYDESK_DB",
              help="数据库文件（默认：$DUTYDESK_DB 或用户数据目录下 dutydesk/dutydesk.db）")
@click.option("--operator", help="操作人（默认：$DUTYDESK_OPERATOR，终端里按 F2 选的值守人员或本班值班员，最后是系统用户名），记入审计日志")
@click.version_option(__version__, "--version", prog_name="dutydesk", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, operator: str | None) -> None:
    """dutydesk：生态环境保护督察协调联络组值班台。不带命令时打开界面。"""
    obj = Context(db_path, operator)
    ctx.obj = obj
    ctx.call_on_close(obj.close)
    obj.wants_tui = ctx.invoked_subcommand is None  # opened by main() once the command line is done


@cli.command()
@click.option("--demo", is_flag=True, help="填入演示数据（值班表、信访件批次、交办问题、简报）")
@pass_ctx
def init(obj: Context, demo: bool) -> None:
    """创建或升级数据库。"""
    store = obj.store
    click.echo(f"数据库已就绪：{store.path}")
    if demo:
        from ..demo import fill_demo

        summary = fill_demo(store)
        click.echo(f"已填入演示数据：{summary}")



def main(argv: list[str] | None = None, *, open_tui: Callable[[Path, str | None], None] | None = None) -> None:
    """Console entry point: user errors become one Chinese line and exit status 1.

    ``open_tui(path, operator)`` opens the terminal app when no command is given (the entry point
    passes it: the command line itself does not import the UI)."""
    Context.current = None
    try:
        cli.main(args=argv, prog_name="dutydesk", standalone_mode=False)
        ctx = Context.current
        if ctx is not None and ctx.wants_tui:
            if open_tui is None:
                raise UserError("请不带命令运行 dutydesk 以打开界面")
            from ..store.paths import default_db_path

            open_tui(ctx.db_path or default_db_path(), ctx.operator)
    except click.exceptions.Abort:
        click.echo("已取消", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # user errors: one line; a bug: one line and the crash log
        from ..reporting import report_error

        ctx = Context.current
        sys.exit(report_error(exc, ctx.db_path if ctx else None, ctx._store if ctx else None))
