"""The handoffs (问题交办) domain as the registry sees it."""

from __future__ import annotations

from ..manifest import Manifest
from ..store.db import Store
from ..trash import Kind
from . import problems, progress, rechecks, schema


def _label(store: Store, row: dict) -> str:
    return f"{row['problem_no']} {row['lead_unit']}：{row['description']}"


def _problem_no(store: Store, handoff_id: int) -> str:
    return store.scalar("SELECT problem_no FROM handoffs WHERE id = ?", [handoff_id]) or f"#{handoff_id}"


def _progress_label(store: Store, row: dict) -> str:
    return f"{_problem_no(store, row['handoff_id'])} {row['date']} 整改进展：{row['content']}"


def _recheck_label(store: Store, row: dict) -> str:
    found = "发现反弹" if row["came_back"] else "未反弹"
    return f"{_problem_no(store, row['handoff_id'])} {row['date']} 回头看{found}：{row['finding']}"


MANIFEST = Manifest(
    "handoffs",
    schema.migrations,
    trash_kinds=(
        Kind("handoffs", "handoffs", "问题交办", _label, problems.undelete),
        Kind("handoff_progress", "handoff_progress", "整改进展", _progress_label, progress.undelete_progress),
        Kind("handoff_rechecks", "handoff_rechecks", "回头看", _recheck_label, rechecks.undelete_recheck),
    ),
)
