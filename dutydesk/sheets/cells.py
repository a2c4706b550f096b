"""One cell's value as an import sees it: text cleaned and stripped, a whole number without
``.0`` (a 受理编号 2145 stays "2145"), a date kept as a date, yes/no as 是/否."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..text import clean


def cell(value: Any) -> Any:
    if value.__class__ is str:  # the common case first (a .csv has nothing else)
        return clean(value).strip() if value else ""
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
