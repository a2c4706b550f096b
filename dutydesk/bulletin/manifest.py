"""The bulletin (工作简报) domain as the registry sees it."""

from __future__ import annotations

from ..manifest import Manifest
from ..store.db import Store
from ..text import clean_line
from ..trash import Kind
from . import schema


def _item_label(store: Store, row: dict) -> str:
    day = store.scalar("SELECT date FROM bulletins WHERE id = ?", [row["bulletin_id"]]) or ""
    what = "新闻" if row["kind"] == "news" else "县区动态"
    return f"{day} {what} {clean_line(row['title']) or row['unit']}：{row['body']}"


def _item_restore(store: Store, record_id: int) -> None:
    from .service import undelete_item  # the service is imported when an item is restored

    undelete_item(store, record_id)


MANIFEST = Manifest(
    "bulletin",
    schema.migrations,
    trash_kinds=(Kind("bulletin_items", "bulletin_items", "简报条目", _item_label, _item_restore),),
)
