"""办理时限: the deadline rule (settings), due dates counted on the work calendar, overdue
petitions and the alert counts."""

from __future__ import annotations

import datetime as dt

from ..refdata import get_int_setting, get_setting
from ..store.db import Store
from ..workdays import WorkCalendar
from .model import OPEN_STATUSES


def deadline_rule(store: Store) -> tuple[int, bool]:
    """(days, working days?) from the settings ``deadline_days`` and ``deadline_mode``."""
    return get_int_setting(store, "deadline_days", 7), get_setting(store, "deadline_mode") == "workday"


def deadline_text(store: Store) -> str:
    days, work = deadline_rule(store)
    return f"{days}个{'工作日' if work else '自然日'}"


def due_date_for(store: Store, start: dt.date, calendar: WorkCalendar | None = None) -> tuple[dt.date, str]:
    """办理时限 counted from ``start``; returns (due date, warning when holidays were guessed)."""
    days, work = deadline_rule(store)
    cal = calendar or WorkCalendar(store)
    due = cal.add_days(start, days, workdays=work)
    return due, cal.warning()


def is_overdue(row: dict, today: dt.date) -> bool:
    return bool(row.get("due_date")) and row.get("status") in OPEN_STATUSES and row["due_date"] < today.isoformat()


def alert_counts(store: Store, today: dt.date) -> dict[str, int]:
    """超期 / 今日到期 / 待交办 counts for the screen's status line (partial indexes only)."""
    t = today.isoformat()
    row = store.one(
        "SELECT coalesce(sum(due_date < ?), 0) AS overdue, coalesce(sum(due_date = ?), 0) AS due_today "
        "FROM petitions INDEXED BY petitions_open_due_numbers WHERE deleted_at IS NULL AND status IN ('待交办', '已交办') "
        "AND due_date IS NOT NULL AND due_date <= ?", [t, t, t])
    waiting = store.scalar("SELECT count(*) FROM petitions WHERE deleted_at IS NULL AND status = '待交办'") or 0
    return {"overdue": row["overdue"], "due_today": row["due_today"], "waiting": waiting}
