"""Table cells: user text as one plain line, never markup."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ...text import clean_line

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
