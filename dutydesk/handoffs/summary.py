"""The per-unit summary (按单位汇总): each 牵头单位's problems by status, late, rebounds, closure rate."""

from __future__ import annotations

import datetime as dt

from .. import dates
from ..store.db import Store
from .lists import OPEN_SQL
from .model import TABLE


SUMMARY_COLUMNS = [
    ("unit", "牵头单位"), ("total", "问题总数"), ("not_started", "未启动"), ("in_progress", "整改中"),
    ("completed", "已完成"), ("accepted", "已验收"), ("closed", "已销号"), ("late", "滞后"),
    ("rebound", "反弹"), ("close_rate", "销号率"),
]


def summary(store: Store, today: dt.date | None = None) -> list[dict]:
    """Per 牵头单位: total, each status, late (open and past the deadline), rebounds, closure rate.

    The last row is 合计. Units follow the reference list's order.
    """
    today = today or dates.today()
    rows = store.query(
        f"""
        SELECT h.lead_unit AS unit,
               COUNT(*) AS total,
               SUM(h.status = '未启动') AS not_started,
               SUM(h.status = '整改中') AS in_progress,
               SUM(h.status = '已完成') AS completed,
               SUM(h.status = '已验收') AS accepted,
               SUM(h.status = '已销号') AS closed,
               SUM({OPEN_SQL} AND h.deadline IS NOT NULL AND h.deadline < ?) AS late,
               SUM(h.rebound > 0) AS rebound
        FROM {TABLE} h LEFT JOIN units u ON u.name = h.lead_unit
        WHERE h.deleted_at IS NULL
        GROUP BY h.lead_unit
        ORDER BY COALESCE(MIN(u.sort), 1e9), h.lead_unit
        """,
        [today.isoformat()],
    )
    keys = [k for k, _ in SUMMARY_COLUMNS if k not in ("unit", "close_rate")]
    total = {"unit": "合计", **{k: sum(r[k] or 0 for r in rows) for k in keys}}
    out = []
    for r in [*rows, total]:
        r = {k: (r[k] or 0) if k != "unit" else r[k] for k in ["unit", *keys]}
        r["close_rate"] = f"{r['closed'] * 100 / r['total']:.0f}%" if r["total"] else "—"
        out.append(r)
    return out
