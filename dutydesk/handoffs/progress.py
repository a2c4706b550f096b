"""整改进展: the dated progress entries of a problem, adding one, and their short summary."""

from __future__ import annotations

from typing import Any

from .. import dates
from ..errors import UserError
from ..store import records
from ..store.db import Store
from ..text import clean
from .intake import business_date
from .model import CLOSED, ENTITY, IN_PROGRESS, NOT_STARTED, TABLE
from .problems import get, log_status


def progress_entries(store: Store, handoff_id: int) -> list[dict]:
    return store.query(
        "SELECT * FROM handoff_progress WHERE handoff_id=? AND deleted_at IS NULL ORDER BY date, id", [handoff_id]
    )


def latest_progress(store: Store, handoff_id: int) -> dict | None:
    return store.one(
        "SELECT * FROM handoff_progress WHERE handoff_id=? AND deleted_at IS NULL ORDER BY date DESC, id DESC LIMIT 1",
        [handoff_id],
    )


def add_progress(store: Store, handoff_id: int, content: str, *, on: Any = None) -> int:
    """A dated 整改进展 entry. A problem not yet started moves to 整改中."""
    content = clean(content).strip()
    if not content:
        raise UserError("整改进展不能为空")
    with store.write():
        row = get(store, handoff_id)
        if row["status"] == CLOSED:
            raise UserError("已销号的问题不能再添加进展；如回头看发现问题反弹，请录入回头看记录")
        day = business_date(on, "进展日期")
        pid = records.insert(store, "handoff_progress", {"handoff_id": int(handoff_id), "date": day,
                                                         "content": content})
        store.audit(ENTITY, handoff_id, "添加进展", {"date": day, "content": content})
        if row["status"] == NOT_STARTED:
            records.update(store, TABLE, int(handoff_id), {"status": IN_PROGRESS, "started_on": day},
                           entity=ENTITY, action=f"变更状态：{NOT_STARTED} → {IN_PROGRESS}")
            log_status(store, int(handoff_id), NOT_STARTED, IN_PROGRESS, date=day, note="添加整改进展，自动转为整改中")
    return pid


def progress_summary(entries: list[dict], limit: int = 3, *, sep: str = "；") -> str:
    """The latest entries as ``3月13日：…；3月10日：…`` (newest first)."""
    parts = [f"{dates.cn_date(p['date'], year=False)}：{p['content']}" for p in reversed(entries[-limit:])]
    return sep.join(parts)
