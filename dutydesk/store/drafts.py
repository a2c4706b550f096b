"""Drafts of forms being typed, so a crash or a closed terminal loses nothing.

Drafts belong to the operator: two officers opening the same form at two terminals do not
see, restore or delete each other's text.
"""

from __future__ import annotations

import json

from ..dates import now_iso
from .db import Store


def _key(store: Store, key: str) -> str:
    return f"{store.operator}\x1f{key}"


def save_draft(store: Store, key: str, data: dict) -> None:
    with store.write():
        store.execute(
            "INSERT INTO drafts (key, operator, data, updated_at) VALUES (?,?,?,?) "
            "ON CONFLICT(key) DO UPDATE SET data=excluded.data, updated_at=excluded.updated_at, operator=excluded.operator",
            [_key(store, key), store.operator, json.dumps(data, ensure_ascii=False, default=str), now_iso()],
        )


def load_draft(store: Store, key: str) -> dict | None:
    row = store.one("SELECT data FROM drafts WHERE key=?", [_key(store, key)])
    if row is None:
        return None
    try:
        data = json.loads(row["data"])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def delete_draft(store: Store, key: str) -> None:
    with store.write():
        store.execute("DELETE FROM drafts WHERE key=?", [_key(store, key)])
