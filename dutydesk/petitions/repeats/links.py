"""Marking a petition as repeating an earlier one, and undoing it."""

from __future__ import annotations

from ...errors import UserError
from ...store import records
from ...store.db import Store
from ..rows import TABLE, update_row


def link_repeat(store: Store, petition_id: int, other_id: int) -> dict:
    """Mark a petition as repeating an earlier one ("与D2HH202403250005重复")."""
    if petition_id == other_id:
        raise UserError("不能与自身重复")
    other = records.get(store, TABLE, other_id)
    row, _ = update_row(store, petition_id, {
        "is_repeat": 1, "repeat_of": f"与{other['case_no']}重复", "repeat_of_id": other_id,
    }, action="关联重复件")
    return row


def unlink_repeat(store: Store, petition_id: int) -> dict:
    row, _ = update_row(store, petition_id, {"is_repeat": 0, "repeat_of": "", "repeat_of_id": None}, action="取消重复")
    return row
