"""The petitions domain as the registry sees it."""

from __future__ import annotations

from ..manifest import Manifest
from ..store.db import Store
from ..text import mask_name
from ..trash import Kind
from . import letter_log, schema
from .model import scrub_identity


def _label(store: Store, row: dict) -> str:
    who = mask_name(row.get("petitioner_name") or "")
    return f"{row['case_no']}（{row['unit']}）" + (f"信访人 {who} " if who else "") \
        + scrub_identity(row["content"] or "", row)


def _restore(store: Store, record_id: int) -> None:
    from .intake import undelete_petition  # imported when a petition is restored

    undelete_petition(store, record_id)


MANIFEST = Manifest(
    "petitions",
    schema.migrations,
    trash_kinds=(Kind("petitions", "petitions", "信访件", _label, _restore),),
    settings=letter_log.SETTINGS,  # 文号, the letters' templates and the 催办 window are checked when set
)
