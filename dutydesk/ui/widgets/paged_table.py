"""PagedTable: one page of rows fetched from SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from ..internals import SafeDispatch
from .fast_table import FastTable
from ..keys import keymap


@dataclass
class Column:
    key: str
    label: str
    width: int | None = None
    shrink: int = 0  # FastTable.add_column's: the order in which columns give up cells on a narrow screen
    min_width: int | None = None


Fetch = Callable[[int, int], tuple[list[dict], "int | None"]]  # None: count afterwards (PagedTable.count)


class PagedTable(SafeDispatch, Vertical):
    """A list (:class:`FastTable`) that holds one page of rows fetched from SQL.

    ``fetch(offset, limit)`` returns ``(rows, total)``; each row is a dict with an ``id``
    (the row key) and the column keys. An optional ``_style`` key styles the whole row
    (e.g. ``"bold red"`` for overdue). Cell text is never parsed as markup.

    ``fetch`` may return ``total=None`` when ``count()`` is given: the page is shown first and
    counted right after it is painted (counting a broad search takes longer than its page).
    """

    BINDINGS = keymap("table", [], hidden=[
        ("pagedown,ctrl+down", "next_page", "下一页"), ("pageup,ctrl+up", "prev_page", "上一页"),
    ], priority={"next_page", "prev_page"})

    class Chosen(Message):
        """Enter on a row."""

        def __init__(self, table: "PagedTable", record_id: str) -> None:
            super().__init__()
            self.table = table
            self.record_id = record_id

        @property
        def control(self) -> "PagedTable":
            return self.table

    def __init__(self, columns: list[Column], fetch: Fetch, *, page_size: int = 100, id: str | None = None,
                 count: Callable[[], int] | None = None):
        super().__init__(id=id, classes="paged-table")
        self.columns = columns
        self.fetch = fetch
        self.count = count
        self.page_size = page_size
        self.page = 0
        self.total = 0
        self.total_known = True
        self.rows: list[dict] = []
        self.note = ""  # said after the pager (e.g. 已选 3 件)
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield FastTable()
        yield Static("", classes="pager", markup=False)

    def on_mount(self) -> None:
        table = self.table
        for col in self.columns:
            table.add_column(col.label, key=col.key, width=col.width, shrink=col.shrink, min_width=col.min_width)
        self.reload()

    @property
    def table(self) -> FastTable:
        return self.query_one(FastTable)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def reload(self, *, keep_cursor: bool = True) -> None:
        """Fetch the current page again (after a change or a new filter)."""
        table = self.table
        old_row = table.cursor_row if keep_cursor else 0
        rows, total = self.fetch(self.page * self.page_size, self.page_size)
        if self.page and not rows and total is None and self.count is not None:
            total = self.count()  # past the end (rows were deleted): find the last page
        if total is not None and self.page and self.page * self.page_size >= total:
            self.page = max(0, -(-total // self.page_size) - 1)
            rows, total = self.fetch(self.page * self.page_size, self.page_size)
        self._generation += 1
        self.total_known = total is not None
        if total is not None:
            self.total = total
        self.rows = rows
        keys = [c.key for c in self.columns]
        table.set_rows(((row["id"], [row.get(k) for k in keys], row.get("_style", "")) for row in rows),
                       cursor=old_row)
        self._show_pager()
        if not self.total_known:
            self.call_after_refresh(self._count_now, self._generation)

    def _count_now(self, generation: int) -> None:
        if generation != self._generation or self.count is None:
            return  # a newer page was loaded meanwhile: it counts for itself
        self.total = self.count()
        self.total_known = True
        self._show_pager()

    def _show_pager(self) -> None:
        start = self.page * self.page_size
        shown = f"（{start + 1 if self.rows else 0}–{start + len(self.rows)}）"
        if self.total_known:
            text = f"共 {self.total} 条  第 {self.page + 1}/{self.pages} 页  {shown}  PgUp/PgDn 翻页"
        else:
            text = f"共 … 条  第 {self.page + 1} 页  {shown}  PgUp/PgDn 翻页"
        if self.note:
            text += f"  {self.note}"
        self.query_one(".pager", Static).update(text, layout=False)  # one line of fixed size (dutydesk.tcss)

    def set_note(self, note: str) -> None:
        """What the pager line says after the pages (e.g. 已选 3 件)."""
        if note != self.note:
            self.note = note
            self._show_pager()

    def redraw_row(self, index: int) -> None:
        """Row ``index`` of the page drawn again from ``rows[index]`` (its dict changed)."""
        row = self.rows[index]
        self.table.update_row(index, [row.get(c.key) for c in self.columns], row.get("_style", ""))

    def first_page(self) -> None:
        self.page = 0
        self.reload(keep_cursor=False)

    def action_next_page(self) -> None:
        if not self.total_known and self.count is not None:
            self._count_now(self._generation)
        if self.page + 1 < self.pages:
            self.page += 1
            self.reload(keep_cursor=False)

    def action_prev_page(self) -> None:
        if self.page > 0:
            self.page -= 1
            self.reload(keep_cursor=False)

    @property
    def selected_id(self) -> str | None:
        table = self.table
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return str(self.rows[table.cursor_row]["id"])

    @property
    def selected_row(self) -> dict | None:
        table = self.table
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_fast_table_row_chosen(self, event: FastTable.RowChosen) -> None:
        event.stop()
        self.post_message(self.Chosen(self, event.row_key))
