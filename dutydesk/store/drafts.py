"""Drafts of forms being typed, so a crash or a closed terminal loses nothing."""

from __future__ import annotations

import json

from ..dates import now_iso
from .db import Store


def save_draft(store: Store, key: str, data: dict) -> None:
    with store.write():
        store.db.execute(
            "INSERT INTO drafts (key, operator, data, updated_at) VALUES (?,?,?,?) "
            "ON CONFLICT(key) DO UPDATE SET data=excluded.data, updated_at=excluded.updated_at, operator=excluded.operator",
            [key, store.operator, json.dumps(data, ensure_ascii=False), now_iso()],
        )


def load_draft(store: Store, key: str) -> dict | None:
    row = store.one("SELECT data FROM drafts WHERE key=?", [key])
    if row is None:
        return None
    try:
        return json.loads(row["data"])
    except ValueError:
        return None


def delete_draft(store: Store, key: str) -> None:
    with store.write():
        store.db.execute("DELETE FROM drafts WHERE key=?", [key])
