"""The handoffs (问题交办) domain as the registry sees it."""

from __future__ import annotations

from ..manifest import Manifest
from ..store.db import Store
from ..trash import Kind
from . import schema


def _label(store: Store, row: dict) -> str:
    return f"{row['problem_no']} {row['lead_unit']}：{row['description']}"


def _restore(store: Store, record_id: int) -> None:
    from .service import undelete  # the service is imported when a problem is restored

    undelete(store, record_id)


MANIFEST = Manifest(
    "handoffs",
    schema.migrations,
    trash_kinds=(Kind("handoffs", "handoffs", "问题交办", _label, _restore),),
)
