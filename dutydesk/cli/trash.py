"""`dutydesk trash`: the 回收站 from the command line (what Ctrl+Z shows in the TUI)."""

from __future__ import annotations

import click

from ..errors import UserError
from .common import echo_table, pass_ctx


@click.group(name="trash")
def group() -> None:
    """回收站：最近删除的记录，及恢复。"""


@group.command("list")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="最多列出几条")
@pass_ctx
def list_cmd(obj, limit: int) -> None:
    """列出最近删除的记录（新的在前；信访人已隐去）。恢复用第一列的编号。"""
    from .. import registry, trash

    rows = [{"key": d.key, "kind": d.kind, "deleted_at": d.deleted_at, "deleted_by": d.deleted_by, "label": d.label}
            for d in trash.recently_deleted(obj.store, registry.trash_kinds(), limit=limit)]
    echo_table(rows, ["key", "kind", "deleted_at", "deleted_by", "label"])


@group.command("restore")
@click.argument("key")
@pass_ctx
def restore_cmd(obj, key: str) -> None:
    """恢复一条记录：KEY 为 trash list 第一列，如 handoff_progress:12。"""
    from .. import registry, trash

    table, _, record_id = key.partition(":")
    if not record_id.isdigit():
        raise UserError(f"编号应为“类别:数字”，如 handoff_progress:12，不是“{key[:40]}”")
    click.echo(trash.restore(obj.store, registry.trash_kinds(), table, int(record_id)))
