"""Reading and writing dates the way duty officers write them (DOMAIN.md section 7)."""

from __future__ import annotations

import datetime as dt
import re

from .errors import UserError

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

_CN_FULL = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*$")
_CN_SHORT = re.compile(r"^\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*$")
_NUMERIC = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


def today() -> dt.date:
    """Today's date; tests monkeypatch ``dutydesk.dates.today`` to freeze it."""
    return dt.date.today()


EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (with Excel's 1900 leap day, from March 1900 on)


def parse_date(value: object, *, default_year: int | None = None) -> dt.date:
    """Parse ``2024-03-13``, ``2024/3/13``, ``3月13日``, ``2024年3月13日``, Excel dates (also a serial
    number such as ``45364`` in a cell not formatted as a date).

    Raises :class:`UserError` with a Chinese message when it is not a date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value if value is not None else "").strip()
    if not text:
        raise UserError("日期不能为空")
    text = text.translate(str.maketrans("０１２３４５６７８９／－．", "0123456789/-."))
    try:
        if m := _CN_FULL.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _CN_SHORT.match(text):
            year = default_year or today().year
            return dt.date(year, int(m[1]), int(m[2]))
        if m := _NUMERIC.match(text) or _COMPACT.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        # Excel / ISO timestamps such as "2024-03-13 00:00:00" or "2024-03-13T08:30".
        if text.isdigit() and len(text) == 5 and 20000 <= int(text) <= 80000:
            # an Excel serial number left in a cell not formatted as a date (1954-10-03 … 2119-01-10)
            return EXCEL_EPOCH + dt.timedelta(days=int(text))
        if re.match(r"^\d{4}-\d{1,2}-\d{1,2}[ T]\d", text):
            from dateutil import parser as du_parser  # imported on use: ~15 ms at start-up

            return du_parser.isoparse(text.replace(" ", "T")).date()
    except ValueError:
        pass
    raise UserError(f"无法识别的日期：{text[:40]}（请写成 2024-03-13、2024/3/13、3月13日 或 2024年3月13日）")


def parse_optional_date(value: object, **kw) -> dt.date | None:
    if value is None or str(value).strip() == "":
        return None
    return parse_date(value, **kw)


def iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def from_iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def cn_date(value: dt.date | str, *, year: bool = True) -> str:
    """2024年3月13日, or 3月13日 with ``year=False``."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    md = f"{value.month}月{value.day}日"
    return f"{value.year}年{md}" if year else md


def weekday_cn(value: dt.date | str) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return WEEKDAYS[value.weekday()]


def cn_date_long(value: dt.date | str) -> str:
    """2024年3月13日 星期三."""
    return f"{cn_date(value)} {weekday_cn(value)}"


def now_iso() -> str:
    """Local timestamp to the second, for audit and status logs."""
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
