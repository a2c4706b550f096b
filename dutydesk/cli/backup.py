"""`dutydesk backup / restore`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import Context, force_option, output_path, pass_ctx


# -- backup / restore -------------------------------------------------------------------------
@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="备份文件（默认：数据库旁 backups/；只写文件名时也放在 backups/，./文件名 为当前文件夹）")
@force_option
@pass_ctx
def backup(obj: Context, output: str | None, force: bool) -> None:
    """备份数据库（在线备份，不影响其他终端）。"""
    from ..store.backup import backup_dir, backup_now

    target = output_path(output, backup_dir(obj.store)) if output else None
    path = backup_now(obj.store, target=target, force=force)
    click.echo(f"已备份到：{path}")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="不再确认")
@pass_ctx
def restore(obj: Context, file: Path, yes: bool) -> None:
    """用备份文件恢复数据库（先检查文件，并先备份当前数据库）。"""
    from ..registry import migration_sets
    from ..store.backup import check_backup_file, restore as do_restore

    check_backup_file(file, migration_sets())
    if not yes and sys.stdin.isatty():
        click.confirm(f"用 {file} 覆盖当前数据库 {obj.store.path}？", abort=True)
    safety = do_restore(obj.store, file, migration_sets())
    click.echo(f"已恢复。恢复前的数据库已备份到：{safety}")
