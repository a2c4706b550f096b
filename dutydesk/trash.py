"""The trash (回收站): records deleted anywhere in the app, and how to bring each kind back.

Every place a user can delete something is a soft delete (``deleted_at``): petitions,
problems (问题交办), duty-log entries, bulletin items and leaves (销假). This module lists the
recent deletions of all of them in one place, each with a short label (a petitioner's
identity masked), and restores one through its domain (which re-checks the domain's rules,
e.g. a petition's 受理编号 must still be free, a bulletin must still be a draft).
No UI imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .errors import UserError
from .store import records
from .store.db import Store
from .text import clean_line, mask_name, mask_phone

LABEL_MAX = 60


@dataclass(frozen=True)
class Kind:
    table: str
    entity: str  # the entity its audit rows (and its deletion) are recorded under
    name: str  # 类别 as shown
    label: Callable[[Store, dict], str]
    restore: Callable[[Store, int], None]


@dataclass
class Deleted:
    table: str
    id: int
    kind: str
    label: str
    deleted_at: str
    deleted_by: str

    @property
    def key(self) -> str:
        return f"{self.table}:{self.id}"


def _short(text: str, limit: int = LABEL_MAX) -> str:
    text = clean_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _petition_label(store: Store, row: dict) -> str:
    from .petitions.model import scrub_identity

    who = mask_name(row.get("petitioner_name") or "")
    return f"{row['case_no']}（{row['unit']}）" + (f"信访人 {who} " if who else "") \
        + scrub_identity(row["content"] or "", row)


def _petition_restore(store: Store, record_id: int) -> None:
    from .petitions.intake import undelete_petition

    undelete_petition(store, record_id)


def _handoff_label(store: Store, row: dict) -> str:
    return f"{row['problem_no']} {row['lead_unit']}：{row['description']}"


def _handoff_restore(store: Store, record_id: int) -> None:
    from .handoffs.problems import undelete

    undelete(store, record_id)


def _log_label(store: Store, row: dict) -> str:
    caller = " ".join(p for p in (row["from_unit"], mask_name(row["from_name"]), mask_phone(row["from_phone"])) if p)
    return f"{row['at_time'][5:16]} {row['shift']} {row['kind']}" + (f"（{caller}）" if caller else "") \
        + f"：{row['content']}"


def _log_restore(store: Store, record_id: int) -> None:
    from .roster.dutylog import undelete_entry

    undelete_entry(store, record_id)


def _item_label(store: Store, row: dict) -> str:
    day = store.scalar("SELECT date FROM bulletins WHERE id = ?", [row["bulletin_id"]]) or ""
    what = "新闻" if row["kind"] == "news" else "县区动态"
    return f"{day} {what} {clean_line(row['title']) or row['unit']}：{row['body']}"


def _item_restore(store: Store, record_id: int) -> None:
    from .bulletin.service import undelete_item

    undelete_item(store, record_id)


def _leave_label(store: Store, row: dict) -> str:
    name = store.scalar("SELECT name FROM people WHERE id = ?", [row["person_id"]]) or f"#{row['person_id']}"
    return f"{name} {row['start']}—{row['end']}" + (f" {row['note']}" if row["note"] else "")


def _leave_restore(store: Store, record_id: int) -> None:
    records.undelete(store, "leaves", record_id)


KINDS: dict[str, Kind] = {k.table: k for k in (
    Kind("petitions", "petitions", "信访件", _petition_label, _petition_restore),
    Kind("handoffs", "handoffs", "问题交办", _handoff_label, _handoff_restore),
    Kind("duty_log", "duty_log", "值班日志", _log_label, _log_restore),
    Kind("bulletin_items", "bulletin_items", "简报条目", _item_label, _item_restore),
    Kind("leaves", "leaves", "请假", _leave_label, _leave_restore),
)}


def recently_deleted(store: Store, *, limit: int = 100) -> list[Deleted]:
    """The latest deletions of every kind, newest first."""
    rows = records.recently_deleted(store, [(k.table, k.entity) for k in KINDS.values()], limit=limit)
    out = []
    for row in rows:
        kind = KINDS[row["_table"]]
        try:
            label = kind.label(store, row)
        except Exception:  # a label must never hide a record from the trash
            label = f"#{row['id']}"
        out.append(Deleted(kind.table, row["id"], kind.name, _short(label), row["deleted_at"], row["_deleted_by"]))
    return out


def restore(store: Store, table: str, record_id: int) -> str:
    """Bring one record back through its domain; returns a message. Raises :class:`UserError`."""
    kind = KINDS.get(table)
    if kind is None:
        raise UserError(f"无法恢复这类记录：{table}")
    row = records.get(store, table, record_id, include_deleted=True)
    if not row.get("deleted_at"):
        return f"{kind.name}已恢复过，无需再恢复"
    label = _short(kind.label(store, row), 40)
    kind.restore(store, record_id)
    return f"已恢复{kind.name}：{label}"
