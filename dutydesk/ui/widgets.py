"""Shared widgets: the app header and a table paged from SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from ..text import clean_line


class SafeDispatch:
    """Mixin for the app, screens and widgets: an exception in one of their handlers is
    reported by the app (crash log + message, or a notification for ``UserError``) and the
    node keeps processing messages. Textual's default stops the node's message loop, which
    freezes the screen (or, for key bindings handled by the app, the whole app).
    In ``strict`` mode (tests) and outside a dutydesk app the default behaviour is kept.
    """

    async def _dispatch_message(self, message) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            app = self.app  # type: ignore[attr-defined]
            if getattr(app, "strict", True) or not hasattr(app, "report_crash"):
                raise
            app._handle_exception(error)


CELL_MAX = 200


def plain(value: Any, style: str = "") -> Text:
    """User text as a Rich ``Text`` for a table cell: never parsed as markup, one line, at most
    ``CELL_MAX`` characters (a DataTable column grows to its widest cell and keeps that width:
    one 100 KB cell would make every later redraw of the table take about a second)."""
    if value is None:
        value = ""
    text = clean_line(value)
    if len(text) > CELL_MAX:
        text = text[: CELL_MAX - 1] + "…"
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


class AppHeader(Horizontal):
    """Title, today's date in Chinese form, and who is on duty today."""

    def compose(self) -> ComposeResult:
        yield Static("", id="hdr-title", markup=False)
        yield Static("", id="hdr-date", markup=False)
        yield Static("", id="hdr-duty", markup=False)

    def show(self, title: str, date_text: str, duty_text: str) -> None:
        self.query_one("#hdr-title", Static).update(title)
        self.query_one("#hdr-date", Static).update(date_text)
        self.query_one("#hdr-duty", Static).update(duty_text)


@dataclass
class Column:
    key: str
    label: str
    width: int | None = None


Fetch = Callable[[int, int], tuple[list[dict], int]]


class PagedTable(SafeDispatch, Vertical):
    """A DataTable that holds one page of rows fetched from SQL.

    ``fetch(offset, limit)`` returns ``(rows, total)``; each row is a dict with an ``id``
    (the row key) and the column keys. An optional ``_style`` key styles the whole row
    (e.g. ``"bold red"`` for overdue). Cell text is never parsed as markup.
    """

    BINDINGS = [
        Binding("pagedown,ctrl+down", "next_page", "下一页", id="table.next_page", show=False),
        Binding("pageup,ctrl+up", "prev_page", "上一页", id="table.prev_page", show=False),
    ]

    class Chosen(Message):
        """Enter on a row."""

        def __init__(self, table: "PagedTable", record_id: str) -> None:
            super().__init__()
            self.table = table
            self.record_id = record_id

        @property
        def control(self) -> "PagedTable":
            return self.table

    def __init__(self, columns: list[Column], fetch: Fetch, *, page_size: int = 100, id: str | None = None):
        super().__init__(id=id, classes="paged-table")
        self.columns = columns
        self.fetch = fetch
        self.page_size = page_size
        self.page = 0
        self.total = 0
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        table: DataTable = DataTable(cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", classes="pager", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in self.columns:
            table.add_column(col.label, key=col.key, width=col.width)
        self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def reload(self, *, keep_cursor: bool = True) -> None:
        """Fetch the current page again (after a change or a new filter)."""
        table = self.table
        old_row = table.cursor_row if keep_cursor else 0
        rows, total = self.fetch(self.page * self.page_size, self.page_size)
        self.total = total
        if self.page and self.page >= self.pages:
            self.page = self.pages - 1
            rows, total = self.fetch(self.page * self.page_size, self.page_size)
        self.rows = rows
        table.clear()
        for row in rows:
            style = row.get("_style", "")
            table.add_row(*(plain(row.get(c.key), style) for c in self.columns), key=str(row["id"]))
        if rows:
            table.move_cursor(row=min(old_row, len(rows) - 1), animate=False)
        start = self.page * self.page_size
        self.query_one(".pager", Static).update(
            f"共 {total} 条  第 {self.page + 1}/{self.pages} 页  "
            f"（{start + 1 if rows else 0}–{start + len(rows)}）  PgUp/PgDn 翻页"
        )

    def first_page(self) -> None:
        self.page = 0
        self.reload(keep_cursor=False)

    def action_next_page(self) -> None:
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

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Chosen(self, event.row_key.value))
