"""One cell's value as an import sees it: text cleaned and stripped, a whole number without
``.0`` (a 受理编号 2145 stays "2145"), a date kept as a date, yes/no as 是/否, and a text our own
exports defused (``'=1+1``) as it was written (``=1+1``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..text import clean


def cell(value: Any) -> Any:
    if value.__class__ is str:  # the common case first (a .csv has nothing else)
        if not value:
            return ""
        text = clean(value).strip()
        if text[:1] == "'" and text[1:2] in _DEFUSED:
            return undefuse(text)
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        text = format(value, ".15g")  # as Excel shows it: 0.1+0.2 is 0.3
        if "e" in text and abs(value) >= 1:
            text = format(value, ".15f").rstrip("0").rstrip(".")
        return text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if not value.second else value.isoformat()
    return clean(str(value)).strip()


_DEFUSED = ("=", "+", "-", "@")


def undefuse(text: str) -> str:
    """The text our exports wrote as ``'=…`` (so that no spreadsheet runs it as a formula) as it
    was: the inverse of ``exporters.xlsx.excel_safe``."""
    rest = text[1:]
    if len(rest) > 1 and not rest[1:].replace(".", "", 1).isdigit():
        return rest
    return text
