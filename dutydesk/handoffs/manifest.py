"""The handoffs (问题交办) domain as the registry sees it."""

from __future__ import annotations

from ..manifest import Manifest
from ..store.db import Store
from ..trash import Kind
from . import problems, schema


def _label(store: Store, row: dict) -> str:
    return f"{row['problem_no']} {row['lead_unit']}：{row['description']}"


MANIFEST = Manifest(
    "handoffs",
    schema.migrations,
    trash_kinds=(Kind("handoffs", "handoffs", "问题交办", _label, problems.undelete),),
)
