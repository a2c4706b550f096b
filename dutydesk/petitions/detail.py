"""The detail view of one petition as text: the only place (with the full ledger) where the
petitioner's name, phone and address are shown in clear, and only when ``reveal``."""

from __future__ import annotations

import datetime as dt

from .. import dates
from ..store.db import Store
from ..text import mask_address, mask_name, mask_phone
from .deadlines import is_overdue
from .letter_log import letters_text
from .model import COUNTERS, PRIVATE_FIELDS, fmt_number
from .privacy import names_index, public_text
from .rows import get_petition
from .workflow import results


_KEPT = frozenset({"case_no", "case_key", "case_rev", "status", "unit", "lead_unit", "coop_units", "method",
                   "pollution_types", "received_date", "assigned_date", "due_date", "closed_date", "published_date",
                   "batch_date", "created_at", "updated_at", "deleted_at"})  # no identity can be in these


def detail_text(store: Store, petition_id: int, *, reveal: bool = True, today: dt.date | None = None) -> str:
    p = get_petition(store, petition_id)
    today = today or dates.today()
    name, phone, address = p["petitioner_name"], p["petitioner_phone"], p["petitioner_address"]
    if not reveal:  # hidden in the fields, and in every text (privacy.public_text)
        name, phone, address = mask_name(name), mask_phone(phone), mask_address(address)
        names = names_index(store)
        p = {k: public_text(names, v, p) if isinstance(v, str) and k not in PRIVATE_FIELDS and k not in _KEPT else v
             for k, v in p.items()}
    due = p["due_date"] or "未定"
    if is_overdue(p, today):
        due += "（已超期）"
    elif p["due_date"] == today.isoformat() and p["status"] in ("待交办", "已交办"):
        due += "（今日到期）"
    lines = [
        f"受理编号：{p['case_no']}    第{p['batch_no']}批（转办 {p['batch_date']}）    序号 {p['seq']}",
        f"受理方式：{p['method'] or '未知'}    受理日期：{p['received_date'] or '—'}    "
        f"重点件：{'是' if p['key_case'] else '否'}    重复件：{(p['repeat_of'] or '是') if p['is_repeat'] else '否'}",
        f"行政区域：{p['unit']}    污染类型：{p['pollution_types'] or '—'}",
        f"信访人：{name or '—'}    联系电话：{phone or '—'}    地址：{address or '—'}",
        "",
        "交办问题基本情况：",
        p["content"],
        "",
        f"牵头责任单位：{p['lead_unit'] or '（未交办）'}    配合单位：{p['coop_units'] or '—'}",
        f"交办时间：{p['assigned_date'] or '—'}    办理时限：{due}",
        f"办结目标：{p['target'] or '—'}",
        f"状态：{p['status']}    办结日期：{p['closed_date'] or '—'}    公开日期：{p['published_date'] or '—'}",
    ]
    sent = letters_text(store, petition_id)
    if sent:
        lines.append(f"通知：{sent}")
    if p["investigation"] or p["handling"] or p["truth"]:
        lines += ["", f"调查核实情况：{p['investigation'] or '—'}", f"是否属实：{p['truth'] or '—'}",
                  f"处理和整改情况：{p['handling'] or '—'}", f"责任追究情况：{p['accountability'] or '—'}"]
    counters = "，".join(f"{c.label}{fmt_number(p[c.field])}{c.unit}" for c in COUNTERS if p[c.field])
    if counters:
        lines.append(f"处理问责：{counters}")
    entries = results(store, petition_id)
    if len(entries) > 1:
        lines += ["", "办理结果记录："] + [f"  {r['date']}  {r['kind']}" for r in entries]
    if p["note"]:
        lines += ["", f"备注：{p['note']}"]
    return "\n".join(lines)


REVEAL_ACTION = "查看联系方式"


def audit_reveal(store: Store, petition_id: int) -> None:
    """Record that the petitioner of ``petition_id`` was shown in clear (the detail view, v): who,
    when, which petition; the identity itself is not copied into the audit."""
    with store.write():
        store.audit("petitions", petition_id, REVEAL_ACTION, {})
