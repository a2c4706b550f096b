"""The petition row: reading and finding it, the one audited update path (the petitioner's
identity masked, the search index and the type table kept in step), the status log and the
change history."""

from __future__ import annotations

import datetime as dt

from .. import dates
from ..store import records
from ..store.db import Store
from ..text import clean_line
from . import search
from .model import (OPEN_STATUSES, RESULT_TEXT_FIELDS, case_key, referenced_numbers, split_list)
from .privacy import identity_of, masked_audit

TABLE = "petitions"
ENTITY = "petitions"
NOT_AUDITED = {"created_at", "updated_at", "version", "case_key", "case_rev"}
# A new petition's audit row names it (受理编号, 行政区域, batch, 序号) and nothing more: the rest is in the
# row, and every later change of a field is audited as [old, new], so the history stays complete. (The
# whole row, its text and the petitioner masked, was two thirds of the audit table: a province's million
# petitions would keep each one twice.)
CREATION_AUDITED = ("case_no", "unit", "batch_id", "seq")


def find_by_case_no(store: Store, case_no: str, unit: str = "") -> dict | None:
    return store.one("SELECT * FROM petitions WHERE case_key = ? AND deleted_at IS NULL", [case_key(case_no, unit)])


def find_referenced(store: Store, text: str, *, exclude_id: int | None = None) -> dict | None:
    """The petition a repeat note refers to ("与D2HH202403250005重复"), if it is known."""
    for number in referenced_numbers(text):
        row = find_by_case_no(store, number)
        if row is None:  # a merged multi-site case ("…*") is keyed with its unit
            row = store.one(
                "SELECT * FROM petitions WHERE deleted_at IS NULL AND (case_key LIKE ? || '|%') ORDER BY id LIMIT 1",
                [case_key(number)],
            )
        if row and row["id"] != exclude_id:
            return row
    return None


def get_petition(store: Store, petition_id: int) -> dict:
    row = records.get(store, TABLE, petition_id)
    batch = store.one("SELECT no, date, group_name FROM batches WHERE id = ?", [row["batch_id"]]) or {}
    row["batch_no"], row["batch_date"], row["group_name"] = batch.get("no"), batch.get("date"), batch.get("group_name")
    row.update(latest_texts(store, petition_id))
    return row


# the id of a petition's latest result (by 办结日期, then as recorded), given the petition's id as {id}
LATEST_RESULT_ID = "SELECT id FROM petition_results WHERE petition_id = {id} ORDER BY date DESC, id DESC LIMIT 1"


def latest_texts(store: Store, petition_id: int) -> dict[str, str]:
    """The latest result's texts (调查核实情况, 是否属实, 处理和整改情况, 责任追究情况; empty
    without a result): ``petition_results`` is their one place (m013)."""
    row = store.one(f"SELECT {', '.join(RESULT_TEXT_FIELDS)} FROM petition_results "
                    f"WHERE id = ({LATEST_RESULT_ID.format(id='?')})", [petition_id])
    return row or dict.fromkeys(RESULT_TEXT_FIELDS, "")


def existing_case_keys(store: Store, keys: list[str]) -> dict[str, int]:
    """{case_key: batch no} of the live petitions among ``keys`` (one query per 500 keys)."""
    out: dict[str, int] = {}
    keys = list(dict.fromkeys(keys))
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        for r in store.execute(
                "SELECT p.case_key, b.no FROM petitions p JOIN batches b ON b.id = p.batch_id "
                f"WHERE p.deleted_at IS NULL AND p.case_key IN ({', '.join('?' for _ in chunk)})", chunk).fetchall():
            out[r[0]] = r[1]
    return out


def set_types(store: Store, petition_id: int, types: str) -> None:
    store.execute("DELETE FROM petition_types WHERE petition_id = ?", [petition_id])
    for t in split_list(types):
        store.execute("INSERT OR IGNORE INTO petition_types (petition_id, type) VALUES (?, ?)", [petition_id, t])


def log_status(store: Store, petition_id: int, old: str, new: str, day: dt.date, note: str = "") -> None:
    store.execute(
        "INSERT INTO petition_status_log (petition_id, old_status, new_status, day, at, operator, note) "
        "VALUES (?,?,?,?,?,?,?)",
        [petition_id, old, new, day.isoformat(), dates.now_iso(), store.operator, clean_line(note)],
    )


def update_row(store: Store, petition_id: int, changes: dict, *, expected_version: int | None = None,
            action: str = "修改", also_audited: dict | None = None) -> tuple[dict, dict]:
    """``records.apply_update`` auditing the petitioner's identity masked, keeping the search
    index and type table in step. Returns (new row, diff). ``also_audited``: changes made
    elsewhere in the same action ({field: [old, new]}, the latest result's texts), written in
    the same audit entry when the row changed."""
    with store.write():
        identity = identity_of(store, petition_id)
        row, diff = records.apply_update(
            store, TABLE, petition_id, changes, expected_version=expected_version, entity=ENTITY, action=action,
            audit_view=lambda d: masked_audit({**{k: v for k, v in d.items() if k not in NOT_AUDITED},
                                               **(also_audited or {})}, identity),
            conflict_message="该信访件已被其他人修改，请比较后再保存",
        )
        if "content" in diff or "status" in diff:
            was = {k: diff[k][0] if k in diff else row[k] for k in ("content", "status")}
            search.reindex_petition(store, petition_id, (was["content"], was["status"] in OPEN_STATUSES),
                                    (row["content"], row["status"] in OPEN_STATUSES))
        if "pollution_types" in diff:
            set_types(store, petition_id, changes["pollution_types"])
        return row, diff
