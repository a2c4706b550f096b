"""Problems and petitions (信访件): finding a petition by 受理编号, linking one, and making a
problem from a petition. The petitions table may be absent (the petitions domain is optional)."""

from __future__ import annotations

from typing import Any

from ..errors import UserError
from ..store.db import Store
from ..text import clean_line
from .intake import create
from .model import ENTITY, PETITION_SOURCE, TABLE
from .problems import get


def petitions_table_exists(store: Store) -> bool:
    return bool(store.scalar("SELECT 1 FROM sqlite_master WHERE type='table' AND name='petitions'"))


def linked_petitions(store: Store, handoff_id: int) -> list[dict]:
    """Linked petitions as ``{id, case_no}`` (case_no empty if the petitions table is absent)."""
    if not petitions_table_exists(store):
        return [{"id": r["petition_id"], "case_no": ""} for r in
                store.query("SELECT petition_id FROM handoff_petitions WHERE handoff_id=?", [handoff_id])]
    return store.query(
        "SELECT p.id, p.case_no FROM handoff_petitions hp JOIN petitions p ON p.id = hp.petition_id "
        "WHERE hp.handoff_id=? ORDER BY p.id", [handoff_id]
    )


def _require_petitions(store: Store) -> None:
    if not petitions_table_exists(store):
        raise UserError("信访件模块尚未建立（数据库中没有信访件表）")


def find_petition(store: Store, case_no: str) -> int:
    """The id of the petition with 受理编号 ``case_no``."""
    _require_petitions(store)
    case_no = clean_line(case_no)
    if not case_no:
        raise UserError("受理编号不能为空")
    rows = store.query("SELECT id FROM petitions WHERE case_no = ? AND deleted_at IS NULL ORDER BY id", [case_no])
    if not rows:
        raise UserError(f"找不到受理编号为 {case_no[:40]} 的信访件")
    if len(rows) > 1:
        raise UserError(f"受理编号 {case_no[:40]} 对应多件信访件，请在信访件界面核对")
    return rows[0]["id"]


def link_petition(store: Store, handoff_id: int, petition_id: int) -> None:
    _require_petitions(store)
    with store.write():
        get(store, handoff_id)
        p = store.one("SELECT id, case_no FROM petitions WHERE id=? AND deleted_at IS NULL", [petition_id])
        if p is None:
            raise UserError(f"信访件不存在或已删除（#{petition_id}）")
        if store.one("SELECT 1 FROM handoff_petitions WHERE handoff_id=? AND petition_id=?", [handoff_id, petition_id]):
            return
        store.execute("INSERT INTO handoff_petitions (handoff_id, petition_id) VALUES (?,?)", [handoff_id, petition_id])
        store.audit(ENTITY, handoff_id, "关联信访件", {"petition": p["case_no"]})


def problems_for_petition(store: Store, petition_id: int) -> list[dict]:
    """Problems made from a petition (``id``, ``problem_no``, ``status``)."""
    return store.query(
        f"SELECT h.id, h.problem_no, h.status FROM handoff_petitions hp JOIN {TABLE} h ON h.id = hp.handoff_id "
        "WHERE hp.petition_id=? AND h.deleted_at IS NULL ORDER BY h.id", [petition_id]
    )


def create_from_petition(store: Store, petition_id: int, **overrides: Any) -> int:
    """Turn a petition (信访件) into a problem with 来源 信访件 and the link; returns its id.

    Description, 行政区域, 牵头单位 and 配合单位 come from the petition; ``overrides``
    (any field of :func:`create`) win.
    """
    from ..petitions.model import scrub_identity

    _require_petitions(store)
    with store.write():
        p = store.one("SELECT id, case_no, content, unit, lead_unit, coop_units, petitioner_name, petitioner_phone, "
                      "petitioner_address FROM petitions WHERE id=? AND deleted_at IS NULL", [petition_id])
        if p is None:
            raise UserError(f"信访件不存在或已删除（#{petition_id}）")
        existing = problems_for_petition(store, petition_id)
        if existing:
            raise UserError(f"信访件 {p['case_no']} 已生成问题 {existing[0]['problem_no']}")
        fields: dict[str, Any] = {
            "source": PETITION_SOURCE,
            "description": scrub_identity(p["content"] or "", p),  # a ledger leaves the office: no petitioner
            "region": p["unit"] or "",
            "lead_unit": p["lead_unit"] or p["unit"] or "",
            "coop_units": p["coop_units"] or "",
            "note": f"由信访件 {p['case_no']} 生成" if p["case_no"] else "",
        }
        fields.update(overrides)
        hid = create(store, **fields)
        store.execute("INSERT INTO handoff_petitions (handoff_id, petition_id) VALUES (?,?)", [hid, petition_id])
        store.audit(ENTITY, hid, "关联信访件", {"petition": p["case_no"]})
    return hid
