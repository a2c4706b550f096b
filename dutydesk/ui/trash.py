"""回收站: recently deleted records of every screen; Enter (or r) restores the selected one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from .. import registry, trash
from ..errors import UserError
from ..store.db import Store
from .base import UNDO_HINT  # noqa: F401 (where screens used to find it)
from .internals import SafeDispatch
from .widgets.cells import plain
from .keys import keymap

COLUMNS = [("kind", "类别"), ("deleted_at", "删除时间"), ("deleted_by", "删除人"), ("label", "内容")]


class TrashModal(SafeDispatch, ModalScreen[int]):
    """The latest deletions across the app. Returns how many records were restored."""

    BINDINGS = keymap("trash", [
        ("enter,r", "restore", "恢复"), ("escape,q", "close", "关闭"),
    ])

    def __init__(self, store: Store, *, limit: int = 200):
        super().__init__(classes="dialog-screen")
        self.store = store
        self.limit = limit
        self.items: list[trash.Deleted] = []
        self.restored = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="trash"):
            yield Static("回收站：最近删除的记录（Enter 或 r 恢复，Esc 关闭）", classes="dialog-title", markup=False)
            yield DataTable(id="trash-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="trash-status", markup=False)
            yield Button("关闭 (Esc)", id="close")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        self.items = trash.recently_deleted(self.store, registry.trash_kinds(), limit=self.limit)
        table.clear()
        for item in self.items:
            table.add_row(plain(item.kind), plain(item.deleted_at[:16]), plain(item.deleted_by), plain(item.label),
                          key=item.key)
        if self.items:
            table.move_cursor(row=min(max(row, 0), len(self.items) - 1), animate=False)
        self.query_one("#trash-status", Static).update(
            f"共 {len(self.items)} 条" if self.items else "回收站是空的：没有删除过的记录。")

    def selected(self) -> trash.Deleted | None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        return self.items[row] if 0 <= row < len(self.items) else None

    def action_restore(self) -> None:
        item = self.selected()
        if item is None:
            return
        try:
            message = trash.restore(self.store, registry.trash_kinds(), item.table, item.id)
        except UserError as exc:
            self.notify(str(exc), title="无法恢复", severity="error", markup=False)
            self.reload()
            return
        self.restored += 1
        self.notify(message, markup=False)
        self.reload()

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_restore()

    def action_close(self) -> None:
        self.dismiss(self.restored)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(self.restored)
