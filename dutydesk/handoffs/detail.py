"""The detail of one problem as readable text (detail pane, ``handoffs show``)."""

from __future__ import annotations

import datetime as dt

from .. import dates
from ..store.db import Store
from .links import linked_petitions
from .lists import decorate
from .problems import get, status_log
from .progress import progress_entries
from .rechecks import rechecks


def describe(store: Store, handoff_id: int, today: dt.date | None = None) -> str:
    """The detail of one problem as readable text (detail pane, ``handoffs show``)."""
    today = today or dates.today()
    row = decorate(get(store, handoff_id), today)
    d = dates.cn_date
    lines = [
        f"{row['problem_no']}  【{row['source']}】  {row['status_text']}"
        + (f"  {row['countdown']}" if row["countdown"] else "") + f"  {row['pace']}",
        f"问题描述：{row['description']}",
        f"行政区域：{row['region'] or '—'}    牵头单位：{row['lead_unit']}    配合单位：{row['coop_units'] or '—'}",
        f"责任人：{row['owner'] or '—'} {row['owner_phone']}".rstrip(),
        f"整改时限：{row['deadline_text'] or '未定'}（{row['deadline_category'] or '未分类'}）"
        f"    交办日期：{d(row['assigned_on']) if row['assigned_on'] else '—'}",
        f"整改目标：{row['target'] or '—'}",
        f"整改措施：{row['measures'] or '—'}",
    ]
    if row["completed_on"]:
        lines.append(f"完成日期：{d(row['completed_on'])}")
    if row["accepted_on"]:
        lines.append(f"验收：{d(row['accepted_on'])} {row['accepted_by']}"
                     + (f"，{row['acceptance_note']}" if row["acceptance_note"] else ""))
    if row["closed_on"]:
        lines.append(f"销号：{d(row['closed_on'])} {row['closed_by']}，依据：{row['close_basis']}")
    if row["rebound"]:
        lines.append(f"反弹：回头看发现反弹 {row['rebound']} 次")
    pets = linked_petitions(store, row["id"])
    if pets:
        lines.append("关联信访件：" + "、".join(p["case_no"] or f"#{p['id']}" for p in pets))
    if row["note"]:
        lines.append(f"备注：{row['note']}")
    prog = progress_entries(store, row["id"])
    lines.append(f"整改进展（{len(prog)}条）：" + ("" if prog else "无"))
    for p in reversed(prog):
        lines.append(f"  {d(p['date'])}  {p['content']}")
    checks = rechecks(store, row["id"])
    if checks:
        lines.append(f"回头看（{len(checks)}次）：")
        for c in checks:
            lines.append(f"  {d(c['date'])}  {c['checker'] or ''}  {'发现反弹' if c['came_back'] else '未反弹'}：{c['finding']}")
    log = status_log(store, row["id"])
    lines.append("状态记录：")
    for item in log:
        extra = "，".join(x for x in (item["by_whom"], item["basis"], item["note"]) if x)
        lines.append(f"  {d(item['date']) if item['date'] else ''}  {item['from_status'] or '—'} → {item['to_status']}"
                     f"  （{item['operator']} {item['at']}）" + (f"  {extra}" if extra else ""))
    return "\n".join(lines)
