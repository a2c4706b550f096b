"""The one-line app header."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widget import Widget

from ...text import clean_line


class AppHeader(Widget):
    """Title, today's date in Chinese form, and who is on duty today, in one line drawn by one
    widget (every screen has one; a widget per part cost start-up time for nothing)."""

    DEFAULT_CSS = """
    AppHeader { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.title_text = self.date_text = self.duty_text = ""

    def show(self, title: str, date_text: str, duty_text: str) -> None:
        self.title_text, self.date_text, self.duty_text = clean_line(title), clean_line(date_text), clean_line(duty_text)
        self.refresh()

    def render(self) -> Text:
        width = self.content_region.width or 160
        title = Text(f" {self.title_text}  ", style="bold", no_wrap=True)
        duty = self.duty_text
        room = max(0, int(width * 0.6) - 2)  # who is on duty gets at most 60% of the line
        if cell_len(duty) > room:
            duty = set_cell_size(duty, max(0, room - 1)) + "…"
        right = Text(f" {duty} " if duty else "", no_wrap=True)
        middle = max(0, width - title.cell_len - right.cell_len)
        date = self.date_text if cell_len(self.date_text) <= middle else ""
        left_pad = max(0, (width - cell_len(date)) // 2 - title.cell_len)  # centred on the line when it can be
        if left_pad + cell_len(date) > middle:
            left_pad = max(0, (middle - cell_len(date)) // 2)
        centre = " " * left_pad + date
        centre += " " * max(0, middle - cell_len(centre))
        return Text.assemble(title, centre, right, no_wrap=True, overflow="crop", end="")
