"""整改进展: the dated progress entries of a problem, adding, deleting (to the 回收站) and restoring
one, and their short summary."""

from __future__ import annotations

from typing import Any

from .. import dates
from ..errors import UserError
from ..store import records
from ..store.db import Store
from ..text import clean
from .model import CLOSED, ENTITY, IN_PROGRESS, NOT_STARTED, TABLE
from .problems import get, log_status, require_live
from .when import business_date


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


PROGRESS = "handoff_progress"


def last_entry(store: Store, handoff_id: int, on: Any = None) -> dict:
    """The latest progress entry of a problem (of the date ``on`` when given): the one
    ``handoffs delete-progress`` and the screen's delete key take. Raises :class:`UserError`."""
    day = business_date(on, "进展日期") if on is not None else None
    row = store.one(f"SELECT * FROM {PROGRESS} WHERE handoff_id = ? AND deleted_at IS NULL"
                    + (" AND date = ?" if day else "") + " ORDER BY date DESC, id DESC LIMIT 1",
                    [handoff_id] + ([day] if day else []))
    if row is None:
        raise UserError("该问题" + (f"在{dates.cn_date(day)}" if day else "") + "没有整改进展")
    return row


def _entry(store: Store, entry_id: int, *, include_deleted: bool = False) -> dict:
    return records.get(store, PROGRESS, int(entry_id), include_deleted=include_deleted)


def delete_progress(store: Store, entry_id: int) -> dict:
    """Delete a progress entry (soft: the 回收站 restores it); returns it. The status it may have
    started (未启动 → 整改中) stays, as the status log says."""
    with store.write():
        entry = _entry(store, entry_id)
        get(store, entry["handoff_id"])  # a deleted problem's entries go and come back with it
        records.soft_delete(store, PROGRESS, int(entry_id))
        store.audit(ENTITY, entry["handoff_id"], "删除进展", {"date": entry["date"], "content": entry["content"]})
    return entry


def undelete_progress(store: Store, entry_id: int) -> None:
    """Restore a deleted progress entry (refused while its problem is deleted)."""
    with store.write():
        entry = _entry(store, entry_id, include_deleted=True)
        if not entry["deleted_at"]:
            return
        require_live(store, entry["handoff_id"])
        records.undelete(store, PROGRESS, int(entry_id))
        store.audit(ENTITY, entry["handoff_id"], "恢复进展", {"date": entry["date"], "content": entry["content"]})


def progress_summary(entries: list[dict], limit: int = 3, *, sep: str = "；") -> str:
    """The latest entries as ``3月13日：…；3月10日：…`` (newest first)."""
    parts = [f"{dates.cn_date(p['date'], year=False)}：{p['content']}" for p in reversed(entries[-limit:])]
    return sep.join(parts)
