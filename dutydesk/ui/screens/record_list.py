"""What the two record-list screens (信访件, 问题交办) share.

A paged list of records (``TABLE``, a :class:`PagedTable`) with a detail pane: the selected
record is read fresh from the database; after a change the list, the counts and the detail
are reloaded with the changed record selected; record forms open through the editing flow.
"""

from __future__ import annotations

from typing import Any, Callable

from textual.widgets import Static

from ...errors import UserError
from ..base import BaseScreen
from ..editing import open_record_form
from ..widgets.paged_table import PagedTable


class RecordListScreen(BaseScreen):
    TABLE = ""  # selector of the screen's PagedTable
    DETAIL = ""  # selector of the detail pane (a Static)
    PICK_FIRST = "请先在列表中选择一条记录"  # said when nothing is selected
    EMPTY = ""  # the detail pane of an empty list

    def get_record(self, record_id: int) -> dict:  # pragma: no cover - abstract
        """The record, fresh; :class:`UserError` if it is gone."""
        raise NotImplementedError

    def describe(self, record_id: int) -> str:  # pragma: no cover - abstract
        """The detail pane's text for a record; :class:`UserError` if it is gone."""
        raise NotImplementedError

    def show_detail(self) -> None:
        rid = self.table.selected_id
        try:
            text = self.EMPTY if rid is None else self.describe(int(rid))
        except UserError:
            text = ""
        set_text(self.query_one(self.DETAIL, Static), text)

    def _update_counts(self) -> None:  # pragma: no cover - abstract
        """The counts line above the list."""

    @property
    def table(self) -> PagedTable:
        return self.query_one(self.TABLE, PagedTable)

    def selected(self) -> dict | None:
        """The selected record, read fresh from the database (None and a notice if none)."""
        rid = self.table.selected_id
        if rid is None:
            self.notify(self.PICK_FIRST, severity="warning")
            return None
        try:
            return self.get_record(int(rid))
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.refresh_data()
            return None

    def reload_list(self) -> None:
        self.table.reload()

    def after_change(self, message: str, *, select_id: int | None = None) -> None:
        self.notify(message, markup=False)
        self.reload_list()
        if select_id is not None:
            self._move_to(select_id)
        self._update_counts()
        self.show_detail()

    def _move_to(self, record_id: int) -> None:
        for i, row in enumerate(self.table.rows):
            if row["id"] == record_id:
                self.table.table.move_cursor(row=i, animate=False)
                return

    def action_focus_table(self) -> None:
        self.table.table.focus()

    def edit(self, form, select_id: int, message: Callable[[Any], str]) -> None:
        """Open a record form (``ui.editing``); after it saved, say ``message(value)`` and show
        the record; after "keep theirs", show theirs."""
        open_record_form(self, form,
                         lambda outcome: self.after_change(outcome.notice(message(outcome.value)), select_id=select_id),
                         lambda notice: self.after_change(notice, select_id=select_id))


def set_text(widget: Static, text: str) -> None:
    """Update a Static only when its text changes (each update lays the screen out again)."""
    if getattr(widget, "_dd_text", None) != text:
        widget._dd_text = text
        widget.update(text)
