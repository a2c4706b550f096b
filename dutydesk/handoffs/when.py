"""Dates a duty officer types for a problem's steps: parsed as ledgers write them, never in the
future, never before the step they follow. Kept apart from ``intake.py`` (which brings the sheet
reader along) so the modules the first screen imports stay light."""

from __future__ import annotations

from typing import Any

from .. import dates
from ..errors import UserError


def date_or_none(value: Any, label: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return dates.parse_date(value, default_year=dates.today().year).isoformat()
    except UserError as exc:
        raise UserError(f"{label}：{exc}") from None


def business_date(value: Any, label: str, *, not_before: str | None = None, not_before_label: str = "") -> str:
    day = date_or_none(value, label) or dates.today().isoformat()
    if day > dates.today().isoformat():
        raise UserError(f"{label}不能晚于今天（{dates.cn_date(dates.today())}）")
    if not_before and day < not_before:
        raise UserError(f"{label}不能早于{not_before_label}（{dates.cn_date(not_before)}）")
    return day
