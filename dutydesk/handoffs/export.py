"""The problem rectification ledger (问题整改台账) as .xlsx (re-importable) or printable .docx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import dates
from ..errors import UserError
from ..refdata import get_setting
from ..store.db import Store
from .links import linked_petitions
from .lists import iter_all
from .model import CLOSED, rebound_text
from .progress import progress_entries, progress_summary
from .rechecks import recheck_summary, rechecks


def ledger_rows(store: Store, *, unit: str | None = None, status: str | None = None, view: str | None = None,
                today: dt.date | None = None) -> list[dict]:
    """Every matching problem with its progress, re-checks and linked petitions (list order)."""
    today = today or dates.today()
    out = []
    for seq, row in enumerate(iter_all(store, unit=unit, status=status, view=view, today=today), 1):
        progress = progress_entries(store, row["id"])
        checks = rechecks(store, row["id"])
        pets = linked_petitions(store, row["id"])
        latest = progress[-1] if progress else None  # ordered by date, then entry order
        closure = []
        if row["accepted_on"]:
            closure.append(f"{dates.cn_date(row['accepted_on'], year=False)}由{row['accepted_by']}验收"
                           + (f"（{row['acceptance_note']}）" if row["acceptance_note"] else ""))
        if row["closed_on"]:
            closure.append(f"{dates.cn_date(row['closed_on'], year=False)}销号（{row['closed_by']}；{row['close_basis']}）")
        if checks:
            closure.append("回头看：" + recheck_summary(checks))
        if row["rebound"]:
            closure.append(rebound_text(row["rebound"]))
        out.append({
            **row,
            "seq": seq,
            "progress": latest["content"] if latest else "",
            "progress_date": latest["date"] if latest else "",
            "progress_all": progress_summary(progress, sep="\n"),
            "rechecks": recheck_summary(checks),
            "petitions": "、".join(p["case_no"] or f"#{p['id']}" for p in pets),
            "units": row["lead_unit"] + (f"（配合：{row['coop_units']}）" if row["coop_units"] else ""),
            "plan": "\n".join(x for x in (
                f"目标：{row['target']}" if row["target"] else "",
                f"措施：{row['measures']}" if row["measures"] else "") if x),
            "deadline_text": (row["deadline_text"] or "未定")
            + (f"（{row['deadline_category']}）" if row["deadline_category"] else ""),
            "schedule": "，".join(x for x in (row["countdown"], row["pace"]) if x),
            "closure": "\n".join(closure),
        })
    return out


def _filter_text(unit: str | None, status: str | None, view: str | None) -> str:
    parts = [p for p in (unit, status, view if view and view != "全部" else None) if p]
    return f"（{'，'.join(parts)}）" if parts else ""


def export_ledger(store: Store, path: str | Path, *, unit: str | None = None, status: str | None = None,
                  view: str | None = None, today: dt.date | None = None) -> Path:
    """Write the ledger to ``path``: .xlsx (all fields) or .docx (landscape, printable)."""
    from ..exporters import handoffs_ledger as writer
    from ..exporters.docx_common import TableFonts

    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".docx"}:
        raise UserError(f"不支持的导出格式：{path.suffix or '（无扩展名）'}（请用 .xlsx 或 .docx）")
    today = today or dates.today()
    rows = ledger_rows(store, unit=unit, status=status, view=view, today=today)
    title = f"问题整改台账{_filter_text(unit, status, view)}"
    if suffix == ".xlsx":
        return writer.write_xlsx(path, rows, title=f"{title}（截至{dates.cn_date(today)}）")
    closed = sum(1 for r in rows if r["status"] == CLOSED)
    late = sum(1 for r in rows if r["late"])
    subtitle = (f"{get_setting(store, 'org')}    截至{dates.cn_date(today)}，共{len(rows)}个问题，"
                f"已销号{closed}个，滞后{late}个")
    fonts = TableFonts(
        title=get_setting(store, "font_title"), body=get_setting(store, "font_body"),
        header=get_setting(store, "font_heading1"), subtitle=get_setting(store, "font_heading2"),
        pagenum=get_setting(store, "font_pagenum"),
    )
    return writer.write_docx(path, rows, title=title, subtitle=subtitle, fonts=fonts)


def default_export_dir(store: Store) -> Path:
    from ..refdata import exports_dir

    return exports_dir(store)
