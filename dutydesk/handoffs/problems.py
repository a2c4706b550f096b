"""The problem row: finding it (by id or 问题编号), deleting and restoring it, and its
status log.

Every write of the domain is audited under the entity ``handoffs`` (so one history shows edits,
status changes, progress and 回头看); status changes are also kept, append-only, in
``handoff_status_log`` (:func:`log_status`)."""

from __future__ import annotations

from ..dates import now_iso
from ..errors import UserError
from ..store import records
from ..store.db import Store
from ..text import clean_line
from .model import ENTITY, TABLE


def get(store: Store, handoff_id: int) -> dict:
    return records.get(store, TABLE, int(handoff_id))


def by_no(store: Store, problem_no: str) -> dict:
    no = clean_line(problem_no)
    row = store.one(f"SELECT * FROM {TABLE} WHERE problem_no = ? AND deleted_at IS NULL", [no])
    if row is None:
        raise UserError(f"找不到问题编号：{no[:40]}")
    return row


def resolve(store: Store, ref: int | str) -> dict:
    """A problem by id (int) or by 问题编号 (text)."""
    if isinstance(ref, int):
        return get(store, ref)
    return by_no(store, ref)


def log_status(store: Store, handoff_id: int, from_status: str | None, to_status: str, *, date: str | None,
                by_whom: str = "", basis: str = "", note: str = "") -> None:
    store.execute(
        "INSERT INTO handoff_status_log (handoff_id, at, operator, from_status, to_status, date, by_whom, basis, note) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        [handoff_id, now_iso(), store.operator, from_status, to_status, date, by_whom, basis, note],
    )


def status_log(store: Store, handoff_id: int) -> list[dict]:
    return store.query("SELECT * FROM handoff_status_log WHERE handoff_id=? ORDER BY id", [handoff_id])


def soft_delete(store: Store, handoff_id: int) -> None:
    """Delete a problem (soft: it leaves lists, counts and exports and can be restored)."""
    records.soft_delete(store, TABLE, int(handoff_id), entity=ENTITY)


def undelete(store: Store, handoff_id: int) -> None:
    """Restore a deleted problem (its 问题编号 stayed reserved, so it cannot clash)."""
    records.undelete(store, TABLE, int(handoff_id), entity=ENTITY)
