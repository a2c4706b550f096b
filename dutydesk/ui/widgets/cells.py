"""Table cells: user text as one plain line, never markup."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from ...text import clean_line

CELL_MAX = 200


def line(value: Any) -> str:
    """User text as one line for a table cell: control characters and ESC sequences removed,
    at most ``CELL_MAX`` characters (a column fitted to its cells grows to its widest cell and
    keeps that width: one 100 KB cell would make every later redraw slow)."""
    if value is None:
        return ""
    text = clean_line(value)
    if len(text) > CELL_MAX:
        text = text[: CELL_MAX - 1] + "…"
    return text


def plain(value: Any, style: str = "") -> Text:
    """:func:`line` as a Rich ``Text`` for a DataTable cell: never parsed as markup, one line."""
    return Text(line(value), style=style, no_wrap=True, overflow="ellipsis")
