"""The 态势 screen's one form: the date the figures are counted to."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from .... import dates
from ...modals import FormModal, field


class AsOfForm(FormModal[str]):
    TITLE_TEXT = "统计截至日期"

    def compose_fields(self) -> ComposeResult:
        yield field("日期", Input(id="date", placeholder="2024-03-13、3月13日 或 2024年3月13日"))

    def build(self, values) -> str:
        return dates.parse_date(values["date"]).isoformat()
