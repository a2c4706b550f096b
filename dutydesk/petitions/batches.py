"""Batches (批次) of petitions: reading, numbering, adding, editing, deleting an empty one (to the
回收站) and restoring it."""

from __future__ import annotations

import datetime as dt

from .. import dates
from ..errors import UserError
from ..refdata import get_setting
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line
from .deadlines import due_date_for
from .rows import update_row


def batch_by_no(store: Store, no: int) -> dict | None:
    return store.one("SELECT * FROM batches WHERE no = ? AND deleted_at IS NULL", [int(no)])


def get_batch(store: Store, batch_id: int) -> dict:
    return records.get(store, "batches", batch_id)


def last_seq(store: Store, batch_id: int) -> int:
    """The batch's highest 序号, its deleted petitions' included (a new petition comes after every
    number the batch ever gave): the live ones through ``petitions_batch``, the deleted ones
    through ``petitions_deleted_batch`` (m013), each a single index probe."""
    return store.scalar(
        "SELECT max(coalesce((SELECT max(seq) FROM petitions WHERE batch_id = ?1 AND deleted_at IS NULL), 0), "
        "coalesce((SELECT max(seq) FROM petitions WHERE batch_id = ?1 AND deleted_at IS NOT NULL), 0))",
        [int(batch_id)])


def list_batches(store: Store, *, batch_id: int | None = None) -> list[dict]:
    """Batches, newest first, with their counts (来电, 来信, 重点件, 重复件)."""
    where, params = "b.deleted_at IS NULL", []
    if batch_id is not None:
        where += " AND b.id = ?"
        params.append(batch_id)
    return store.query(
        f"""
        SELECT b.*, count(p.id) AS total,
               coalesce(sum(p.method = '来电'), 0) AS phone,
               coalesce(sum(p.method = '来信'), 0) AS letter,
               coalesce(sum(p.key_case), 0) AS key_cases,
               coalesce(sum(p.is_repeat), 0) AS repeats
        FROM batches b LEFT JOIN petitions p ON p.batch_id = b.id AND p.deleted_at IS NULL
        WHERE {where} GROUP BY b.id ORDER BY b.no DESC
        """,
        params,
    )


def batch_summary(store: Store, batch_id: int) -> dict:
    rows = list_batches(store, batch_id=batch_id)
    if not rows:
        raise UserError(f"批次不存在（#{batch_id}）")
    return rows[0]


def default_group(store: Store) -> str:
    return get_setting(store, "group")


def add_batch(store: Store, no: int, day: dt.date, *, group_name: str | None = None, note: str = "",
              source: str = "") -> int:
    if int(no) <= 0:
        raise UserError("批次号必须是正整数")
    with store.write():
        if batch_by_no(store, no):
            raise UserError(f"第{no}批已存在")
        return records.insert(store, "batches", {
            "no": int(no), "date": day.isoformat(),
            "group_name": clean_line(group_name if group_name is not None else default_group(store)),
            "note": clean(note).strip(), "source": clean_line(source),
        })


def ensure_batch(store: Store, no: int, day: dt.date | None = None, *, source: str = "") -> tuple[int, bool]:
    """The batch numbered ``no`` (created on ``day`` when new); returns (id, created)."""
    with store.write():
        row = batch_by_no(store, no)
        if row:
            return row["id"], False
        return add_batch(store, no, day or dates.today(), source=source), True


def update_batch(store: Store, batch_id: int, *, no: int | None = None, day: dt.date | None = None,
                 group_name: str | None = None, note: str | None = None,
                 expected_version: int | None = None) -> dict:
    changes: dict = {}
    if no is not None:
        other = batch_by_no(store, no)
        if other and other["id"] != batch_id:
            raise UserError(f"第{no}批已存在")
        changes["no"] = int(no)
    if day is not None:
        changes["date"] = day.isoformat()
    if group_name is not None:
        changes["group_name"] = clean_line(group_name)
    if note is not None:
        changes["note"] = clean(note).strip()
    with store.write():
        old = get_batch(store, batch_id)
        row = records.update(store, "batches", batch_id, changes, expected_version=expected_version)
        if row["date"] != old["date"]:  # the provisional deadlines of petitions not yet handed over follow
            due = due_date_for(store, dates.from_iso(row["date"]))[0].isoformat()
            for p in store.query("SELECT id FROM petitions WHERE batch_id = ? AND deleted_at IS NULL "
                                 "AND status = '待交办' AND assigned_date IS NULL", [batch_id]):
                update_row(store, p["id"], {"due_date": due}, action="按转办日期重算时限")
    return row


def delete_batch(store: Store, batch_id: int) -> dict:
    """Delete an empty batch (soft: the 回收站 restores it; its number is free again meanwhile).
    A batch that still holds petitions is refused: delete those first (each can be restored,
    and restoring one restores its batch)."""
    with store.write():
        batch = get_batch(store, batch_id)
        live = store.scalar("SELECT count(*) FROM petitions WHERE batch_id = ? AND deleted_at IS NULL", [batch_id])
        if live:
            raise UserError(f"第{batch['no']}批还有 {live} 件信访件，不能删除（只能删除空批次）")
        records.soft_delete(store, "batches", batch_id)
    return batch


def undelete_batch(store: Store, batch_id: int) -> None:
    """Restore a deleted batch; refused when its number has been used by another batch since."""
    with store.write():
        batch = records.get(store, "batches", batch_id, include_deleted=True)
        if batch["deleted_at"] and batch_by_no(store, batch["no"]):
            raise UserError(f"第{batch['no']}批已被另一个批次使用，无法恢复（可先修改那个批次的批次号）")
        records.undelete(store, "batches", batch_id)
