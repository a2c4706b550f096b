"""The petitions domain as the registry sees it."""

from __future__ import annotations

from ..manifest import Manifest
from ..store.db import Store
from ..text import mask_name
from ..trash import Kind
from . import letter_log, schema2


def _label(store: Store, row: dict) -> str:
    from .privacy import public_text  # imported when the 回收站 is shown

    who = mask_name(row.get("petitioner_name") or "")
    return f"{row['case_no']}（{row['unit']}）" + (f"信访人 {who} " if who else "") \
        + public_text(store, row["content"] or "", row)


def _restore(store: Store, record_id: int) -> None:
    from .intake import undelete_petition  # imported when a petition is restored

    undelete_petition(store, record_id)


def _batch_label(store: Store, row: dict) -> str:
    return f"第{row['no']}批（转办 {row['date']}{('，' + row['group_name']) if row['group_name'] else ''}）" \
        + (f" {row['note']}" if row["note"] else "")


def _batch_restore(store: Store, record_id: int) -> None:
    from .batches import undelete_batch  # imported when a batch is restored

    undelete_batch(store, record_id)


MANIFEST = Manifest(
    "petitions",
    schema2.migrations,  # m001–m012 of schema.py, then its own
    trash_kinds=(
        Kind("petitions", "petitions", "信访件", _label, _restore),
        Kind("batches", "batches", "批次", _batch_label, _batch_restore),
    ),
    settings=letter_log.SETTINGS,  # 文号, the letters' templates and the 催办 window are checked when set
)
