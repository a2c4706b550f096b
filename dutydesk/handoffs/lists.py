"""Lists of problems: filters and views (即将到期, 超期, 反弹), one page at a time with the derived
display fields, and the alert counts."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from .. import dates
from ..errors import UserError
from ..store.db import Store
from .model import DUE_SOON_DAYS, LONG_TERM, STATUSES, TABLE, VIEWS, rebound_text, schedule, status_text


LATEST_PROGRESS_SQL = (
    "(SELECT p.date || ' ' || p.content FROM handoff_progress p WHERE p.handoff_id = h.id "
    "AND p.deleted_at IS NULL ORDER BY p.date DESC, p.id DESC LIMIT 1)"
)
OPEN_SQL = "h.status IN ('未启动', '整改中')"


def _filters(unit: str | None, status: str | None, view: str | None, today: dt.date) -> tuple[str, list]:
    where, params = ["h.deleted_at IS NULL"], []
    if unit:
        where.append("(h.lead_unit = ? OR h.region = ? OR ('、' || h.coop_units || '、') LIKE ?)")
        params += [unit, unit, f"%、{unit}、%"]
    if status:
        if status not in STATUSES:
            raise UserError(f"未知的状态：{status}（可选：{'、'.join(STATUSES)}）")
        where.append("h.status = ?")
        params.append(status)
    view = view or "全部"
    if view == "即将到期":
        where.append(f"{OPEN_SQL} AND h.deadline BETWEEN ? AND ?")
        params += [today.isoformat(), (today + dt.timedelta(days=DUE_SOON_DAYS)).isoformat()]
    elif view == "超期":
        where.append(f"{OPEN_SQL} AND h.deadline < ?")
        params.append(today.isoformat())
    elif view == "反弹":
        where.append("h.rebound > 0")
    elif view != "全部":
        raise UserError(f"未知的视图：{view}（可选：{'、'.join(VIEWS)}）")
    return " AND ".join(where), params


ORDER_SQL = (f"ORDER BY CASE WHEN {OPEN_SQL} THEN 0 ELSE 1 END, h.deadline IS NULL, h.deadline, "
             "h.problem_no")  # as the index handoffs_list_order (schema m005): a page walks it


def decorate(row: dict, today: dt.date) -> dict:
    """Add the derived display fields (倒排, 进度, 状态 text, 反弹 text) to a row."""
    s = schedule(row["status"], row["deadline"], today, completed_on=row.get("completed_on"),
                 category=row.get("deadline_category") or "")
    row["countdown"] = s.countdown
    row["pace"] = s.pace
    row["late"] = s.late
    row["days_left"] = s.days_left
    row["status_text"] = status_text(row["status"], row["rebound"])
    row["rebound_text"] = rebound_text(row["rebound"])
    row["deadline_text"] = dates.cn_date(row["deadline"]) if row["deadline"] else (
        LONG_TERM if row.get("deadline_category") == LONG_TERM else "")
    return row


def page(store: Store, *, offset: int = 0, limit: int = 100, unit: str | None = None, status: str | None = None,
         view: str | None = None, today: dt.date | None = None) -> tuple[list[dict], int]:
    """One page of problems, open ones first by deadline (overdue first); with derived fields."""
    today = today or dates.today()
    where, params = _filters(unit, status, view, today)
    total = store.scalar(f"SELECT COUNT(*) FROM {TABLE} h WHERE {where}", params)
    rows = store.query(
        f"SELECT h.*, {LATEST_PROGRESS_SQL} AS latest FROM {TABLE} h WHERE {where} {ORDER_SQL} LIMIT ? OFFSET ?",
        params + [limit, offset],
    )
    return [decorate(r, today) for r in rows], total


def iter_all(store: Store, *, unit: str | None = None, status: str | None = None, view: str | None = None,
             today: dt.date | None = None, batch: int = 500) -> Iterable[dict]:
    """All matching problems in list order, fetched page by page (for exports and the CLI)."""
    offset = 0
    while True:
        rows, total = page(store, offset=offset, limit=batch, unit=unit, status=status, view=view, today=today)
        yield from rows
        offset += batch
        if offset >= total or not rows:
            return


def alert_counts(store: Store, today: dt.date | None = None) -> dict[str, int]:
    """Open problems past their deadline, due within ``DUE_SOON_DAYS``, and reopened after 反弹."""
    today = today or dates.today()
    row = store.one(
        f"""SELECT SUM({OPEN_SQL} AND h.deadline < ?) AS late,
                   SUM({OPEN_SQL} AND h.deadline BETWEEN ? AND ?) AS due_soon,
                   SUM(h.rebound > 0 AND h.status <> '已销号') AS rebound_open
            FROM {TABLE} h WHERE h.deleted_at IS NULL""",
        [today.isoformat(), today.isoformat(), (today + dt.timedelta(days=DUE_SOON_DAYS)).isoformat()],
    ) or {}
    return {k: int(row.get(k) or 0) for k in ("late", "due_soon", "rebound_open")}
