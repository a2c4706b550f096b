"""The roster (值班表) domain as the registry sees it: duty-log entries, leaves, roster days and
handovers go to the 回收站; the ``shifts`` setting is the roster's and is checked by it."""

from __future__ import annotations

from ..manifest import Manifest
from ..store import records
from ..store.db import Store
from ..text import mask_name, mask_numbers, mask_phone
from ..trash import Kind
from . import dutylog, schema, service
from .shifts import parse_shifts


def _log_label(store: Store, row: dict) -> str:
    caller = " ".join(p for p in (row["from_unit"], mask_name(row["from_name"]), mask_phone(row["from_phone"])) if p)
    return f"{row['at_time'][5:16]} {row['shift']} {row['kind']}" + (f"（{caller}）" if caller else "") \
        + f"：{row['content']}"



def _leave_label(store: Store, row: dict) -> str:
    name = store.scalar("SELECT name FROM people WHERE id = ?", [row["person_id"]]) or f"#{row['person_id']}"
    return f"{name} {row['start']}—{row['end']}" + (f" {row['note']}" if row["note"] else "")


def _leave_restore(store: Store, record_id: int) -> None:
    records.undelete(store, "leaves", record_id)


def _day_label(store: Store, row: dict) -> str:
    leader = store.scalar("SELECT name FROM people WHERE id = ?", [row["leader_id"]]) if row["leader_id"] else ""
    members = "、".join(r["name"] for r in store.query(
        "SELECT p.name FROM roster_members m JOIN people p ON p.id = m.person_id WHERE m.day_id = ? ORDER BY m.sort",
        [row["id"]]))
    return f"{row['date']} {row['shift']}" + (f" 带班 {leader}" if leader else "") + (f" 值班 {members}" if members else "")



def _handover_label(store: Store, row: dict) -> str:  # a note may quote a caller: numbers masked
    return f"{row['shift_date']} {row['shift']} 交班（{row['by_operator']}）：{mask_numbers(row['note'] or '')}"


MANIFEST = Manifest(
    "roster",
    schema.migrations,
    trash_kinds=(
        Kind("duty_log", "duty_log", "值班日志", _log_label, dutylog.undelete_entry),
        Kind("leaves", "leaves", "请假", _leave_label, _leave_restore),
        Kind("roster_days", "roster_days", "值班安排", _day_label, service.undelete_slot),
        Kind("handovers", "handovers", "交班记录", _handover_label, dutylog.undelete_handover),
    ),
    settings={"shifts": parse_shifts},  # a bad line is refused when set, not discovered later
)
