"""回头看: re-checks of accepted or closed problems; a rebound (反弹) reopens the problem. A record
can be deleted (to the 回收站) and restored."""

from __future__ import annotations

from typing import Any

from .. import dates
from ..errors import UserError
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line
from .model import ENTITY, IN_PROGRESS, RECHECKABLE, TABLE
from .problems import get, log_status, require_live
from .when import business_date, date_or_none

RECHECKS = "handoff_rechecks"


def last_recheck(store: Store, handoff_id: int, on: Any = None) -> dict:
    """The latest 回头看 record of a problem (of the date ``on`` when given). Raises :class:`UserError`."""
    day = business_date(on, "回头看日期") if on is not None else None
    row = store.one(f"SELECT * FROM {RECHECKS} WHERE handoff_id = ? AND deleted_at IS NULL"
                    + (" AND date = ?" if day else "") + " ORDER BY date DESC, id DESC LIMIT 1",
                    [handoff_id] + ([day] if day else []))
    if row is None:
        raise UserError("该问题" + (f"在{dates.cn_date(day)}" if day else "") + "没有回头看记录")
    return row


def rechecks(store: Store, handoff_id: int) -> list[dict]:
    return store.query(
        "SELECT * FROM handoff_rechecks WHERE handoff_id=? AND deleted_at IS NULL ORDER BY date, id", [handoff_id]
    )


def recheck(store: Store, handoff_id: int, *, finding: str, came_back: bool = False, on: Any = None,
            checker: str = "", new_deadline: Any = None) -> int:
    """A 回头看 on an accepted or closed problem. If the problem came back (反弹) it reopens:
    status 整改中, ``rebound`` + 1, acceptance and closure cleared (they stay in the status
    log and the audit), optionally a new deadline."""
    finding, checker = clean(finding).strip(), clean_line(checker)
    if not finding:
        raise UserError("回头看须填写发现情况")
    with store.write():
        row = get(store, handoff_id)
        if row["status"] not in RECHECKABLE:
            raise UserError(f"回头看只针对已验收或已销号的问题（当前状态：{row['status']}）")
        base = row["closed_on"] or row["accepted_on"]
        day = business_date(on, "回头看日期", not_before=base,
                             not_before_label="销号日期" if row["closed_on"] else "验收日期")
        deadline = date_or_none(new_deadline, "新的整改时限")
        if deadline and not came_back:
            raise UserError("只有发现反弹时才需要新的整改时限")
        if deadline and deadline < day:
            raise UserError("新的整改时限不能早于回头看日期")
        rid = records.insert(store, "handoff_rechecks", {"handoff_id": int(handoff_id), "date": day,
                                                         "checker": checker, "finding": finding,
                                                         "came_back": int(bool(came_back))})
        store.audit(ENTITY, handoff_id, "回头看", {"date": day, "checker": checker, "finding": finding,
                                                  "came_back": "是" if came_back else "否"})
        if came_back:
            changes: dict[str, Any] = {
                "status": IN_PROGRESS, "rebound": row["rebound"] + 1, "completed_on": None,
                "accepted_on": None, "accepted_by": "", "acceptance_note": "",
                "closed_on": None, "closed_by": "", "close_basis": "",
            }
            if deadline:
                changes["deadline"] = deadline
            records.update(store, TABLE, int(handoff_id), changes, entity=ENTITY,
                           action=f"回头看发现反弹：{row['status']} → {IN_PROGRESS}")
            log_status(store, int(handoff_id), row["status"], IN_PROGRESS, date=day, by_whom=checker,
                        basis=finding, note="回头看发现反弹，重新打开")
    return rid


def delete_recheck(store: Store, recheck_id: int) -> dict:
    """Delete a 回头看 record (soft: the 回收站 restores it); returns it. One that found a rebound
    no longer counts in the problem's 反弹 count; the reopening it caused stays (the status log
    keeps it; change the status if it was wrong)."""
    with store.write():
        row = records.get(store, RECHECKS, int(recheck_id))
        problem = get(store, row["handoff_id"])
        records.soft_delete(store, RECHECKS, int(recheck_id))
        store.audit(ENTITY, row["handoff_id"], "删除回头看", _readable(row))
        if row["came_back"] and problem["rebound"] > 0:
            records.update(store, TABLE, problem["id"], {"rebound": problem["rebound"] - 1}, entity=ENTITY,
                           action="删除回头看：反弹次数 - 1")
    return row


def undelete_recheck(store: Store, recheck_id: int) -> None:
    """Restore a deleted 回头看 record (refused while its problem is deleted); a rebound counts again."""
    with store.write():
        row = records.get(store, RECHECKS, int(recheck_id), include_deleted=True)
        if not row["deleted_at"]:
            return
        require_live(store, row["handoff_id"])
        records.undelete(store, RECHECKS, int(recheck_id))
        store.audit(ENTITY, row["handoff_id"], "恢复回头看", _readable(row))
        if row["came_back"]:
            problem = get(store, row["handoff_id"])
            records.update(store, TABLE, problem["id"], {"rebound": problem["rebound"] + 1}, entity=ENTITY,
                           action="恢复回头看：反弹次数 + 1")


def _readable(row: dict) -> dict:
    return {"date": row["date"], "checker": row["checker"], "finding": row["finding"],
            "came_back": "是" if row["came_back"] else "否"}


def recheck_summary(entries: list[dict]) -> str:
    return "；".join(
        f"{dates.cn_date(c['date'], year=False)}{'发现反弹' if c['came_back'] else '未反弹'}：{c['finding']}" for c in entries
    )
