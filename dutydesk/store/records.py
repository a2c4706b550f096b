"""Generic record operations shared by every domain: audited insert, optimistic update,
soft delete and undo.

Every domain table has ``id INTEGER PRIMARY KEY``, ``version INTEGER NOT NULL DEFAULT 1``,
``created_at``, ``updated_at`` and ``deleted_at`` columns.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Callable, Iterable

from ..dates import now_iso
from ..errors import ConflictError, UserError
from .db import Store


def get(store: Store, table: str, record_id: int, *, include_deleted: bool = False) -> dict:
    row = store.one(f"SELECT * FROM [{table}] WHERE id = ?", [record_id])
    if row is None or (row.get("deleted_at") and not include_deleted):
        raise UserError(f"记录不存在或已删除（{table} #{record_id}）")
    return row


def insert(store: Store, table: str, values: dict[str, Any], *, entity: str | None = None) -> int:
    """Insert a record and audit it. Opens its own write transaction if needed."""
    now = now_iso()
    row = {**values, "created_at": now, "updated_at": now, "version": 1}
    with store.write():
        cols = ", ".join(f"[{c}]" for c in row)
        marks = ", ".join("?" for _ in row)
        cur = store.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({marks})", list(row.values()))
        record_id = cur.lastrowid
        store.audit(entity or table, record_id, "新增", values)
    return record_id


def update(store: Store, table: str, record_id: int, changes: dict[str, Any], **options: Any) -> dict:
    """Apply ``changes``; refuse with :class:`ConflictError` if the record moved on.

    Returns the updated row. Options as :func:`apply_update` (``expected_version``, ``entity``,
    ``action``, ``audit_view``, ``conflict_message``).
    """
    return apply_update(store, table, record_id, changes, **options)[0]


def apply_update(
    store: Store,
    table: str,
    record_id: int,
    changes: dict[str, Any],
    *,
    expected_version: int | None = None,
    entity: str | None = None,
    action: str = "修改",
    audit_view: Callable[[dict], dict] | None = None,
    conflict_message: str = "该记录已被其他人修改，请比较后再保存",
) -> tuple[dict, dict]:
    """Apply ``changes`` and return ``(row, diff)``; diff is ``{field: [old, new]}`` (empty: nothing changed).

    Only changed fields are written and audited; ``audit_view`` may mask or drop fields of the
    diff before it is written to the audit log (e.g. a petitioner's identity).
    """
    with store.write():
        current = get(store, table, record_id)
        if expected_version is not None and current["version"] != expected_version:
            raise ConflictError(conflict_message, current=current)
        diff = {k: [current.get(k), v] for k, v in changes.items() if current.get(k) != v}
        if not diff:
            return current, {}
        sets = ", ".join(f"[{c}] = ?" for c in diff)
        store.execute(
            f"UPDATE [{table}] SET {sets}, version = version + 1, updated_at = ? WHERE id = ?",
            [v[1] for v in diff.values()] + [now_iso(), record_id],
        )
        store.audit(entity or table, record_id, action, audit_view(diff) if audit_view else diff)
        return get(store, table, record_id), diff


def soft_delete(store: Store, table: str, record_id: int, *, entity: str | None = None) -> None:
    with store.write():
        get(store, table, record_id)
        store.execute(
            f"UPDATE [{table}] SET deleted_at = ?, version = version + 1 WHERE id = ?",
            [now_iso(), record_id],
        )
        store.audit(entity or table, record_id, "删除")


def undelete(store: Store, table: str, record_id: int, *, entity: str | None = None) -> None:
    """Bring a soft-deleted record back (audited as 恢复). A live record that took its place
    (same unique key) is refused with :class:`UserError`, and nothing changes."""
    with store.write():
        row = get(store, table, record_id, include_deleted=True)
        if not row.get("deleted_at"):
            return
        try:
            store.execute(
                f"UPDATE [{table}] SET deleted_at = NULL, version = version + 1 WHERE id = ?", [record_id]
            )
        except sqlite3.IntegrityError as exc:
            raise UserError(f"无法恢复：已有一条相同的记录（{table} #{record_id}）") from exc
        store.audit(entity or table, record_id, "恢复")


def deleted(store: Store, table: str, *, limit: int = 100) -> list[dict]:
    """Recently deleted records, newest first (for an undo list)."""
    return store.query(
        f"SELECT * FROM [{table}] WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC LIMIT ?", [limit]
    )


def recently_deleted(store: Store, tables: Iterable[str | tuple[str, str]], *, limit: int = 100) -> list[dict]:
    """Soft-deleted records of several tables, newest deletion first (for the trash).

    ``tables`` are table names or ``(table, entity)`` pairs (the entity the deletion was
    audited under, when it is not the table's name). Each row is the record itself plus
    ``_table``, ``_entity`` and ``_deleted_by`` (the operator of the last 删除 in the audit).
    """
    rows: list[dict] = []
    for spec in tables:
        table, entity = (spec, spec) if isinstance(spec, str) else spec
        for row in store.query(
            f"SELECT * FROM [{table}] WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC LIMIT ?", [limit]
        ):
            row["_table"], row["_entity"] = table, entity
            rows.append(row)
    for row in rows:  # who deleted it; the audit row's id orders deletions within one second
        audit = store.one(
            "SELECT id, operator FROM audit WHERE entity = ? AND entity_id = ? AND action = '删除' "
            "ORDER BY id DESC LIMIT 1", [row["_entity"], str(row["id"])],
        ) or {"id": 0, "operator": ""}
        row["_deleted_by"], row["_audit_id"] = audit["operator"], audit["id"]
    rows.sort(key=lambda r: (r["deleted_at"], r["_audit_id"], r["id"]), reverse=True)
    return rows[:limit]


def history_text(store: Store, entity: str, record_id: Any, *, labels: dict[str, str] | None = None,
                 hidden: set[str] = frozenset(), items: list[dict] | None = None) -> str:
    """The change history of one record as readable Chinese text (newest last).

    ``hidden`` fields (e.g. a petitioner's identity) are shown as "（已隐藏）". ``items``: the
    entries to show, when the domain adds some to ``store.history``'s.
    """
    labels = labels or {}
    lines = []
    for item in store.history(entity, record_id) if items is None else items:
        lines.append(f"{item['at']}  {item['operator']}  {item['action']}")
        for key, change in (item["changes"] or {}).items():
            name = labels.get(key, key)
            if key in hidden:
                lines.append(f"    {name}：（已隐藏）")
            elif isinstance(change, list) and len(change) == 2:
                lines.append(f"    {name}：{_short(change[0])} → {_short(change[1])}")
            else:
                lines.append(f"    {name}：{_short(change)}")
    return "\n".join(lines) or "（无修改记录）"


def _short(value: Any, limit: int = 80) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"
