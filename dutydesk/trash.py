"""The trash (回收站): records deleted anywhere in the app, and how to bring each kind back.

Every place a user can delete something is a soft delete (``deleted_at``). Each domain declares
its kinds of deletable record in its manifest (:class:`Kind`: a short label, a petitioner's
identity masked, and a restore through the domain, which re-checks the domain's rules, e.g. a
petition's 受理编号 must still be free, a bulletin must still be a draft); this module lists the
recent deletions of the kinds it is given in one place and restores one. No UI imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from .errors import UserError
from .store import records
from .store.db import Store
from .text import clean_line

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


def recently_deleted(store: Store, kinds: Iterable[Kind], *, limit: int = 100) -> list[Deleted]:
    """The latest deletions of every kind, newest first."""
    by_table = {k.table: k for k in kinds}
    rows = records.recently_deleted(store, [(k.table, k.entity) for k in by_table.values()], limit=limit)
    out = []
    for row in rows:
        kind = by_table[row["_table"]]
        try:
            label = kind.label(store, row)
        except Exception:  # a label must never hide a record from the trash
            label = f"#{row['id']}"
        out.append(Deleted(kind.table, row["id"], kind.name, _short(label), row["deleted_at"], row["_deleted_by"]))
    return out


def restore(store: Store, kinds: Iterable[Kind], table: str, record_id: int) -> str:
    """Bring one record back through its domain; returns a message. Raises :class:`UserError`."""
    kind = next((k for k in kinds if k.table == table), None)
    if kind is None:
        raise UserError(f"无法恢复这类记录：{table}")
    row = records.get(store, table, record_id, include_deleted=True)
    if not row.get("deleted_at"):
        return f"{kind.name}已恢复过，无需再恢复"
    label = _short(kind.label(store, row), 40)
    kind.restore(store, record_id)
    return f"已恢复{kind.name}：{label}"
