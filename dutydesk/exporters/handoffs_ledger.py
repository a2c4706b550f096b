"""Writers for the problem rectification ledger (问题整改台账): .xlsx and a printable landscape .docx.

They take plain row dicts (built by ``dutydesk.handoffs.export``); nothing here reads the store.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH

from . import docx_common as dc
from .docx_common import TableFonts
from .xlsx import write_table

# (row key, column title): the .xlsx ledger; its titles are what ``handoffs import`` reads.
XLSX_COLUMNS: list[tuple[str, str]] = [
    ("seq", "序号"), ("problem_no", "问题编号"), ("source", "来源"), ("description", "问题描述"),
    ("region", "行政区域"), ("lead_unit", "牵头单位"), ("coop_units", "配合单位"), ("owner", "责任人"),
    ("owner_phone", "联系电话"), ("target", "整改目标"), ("measures", "整改措施"), ("deadline", "整改时限"),
    ("deadline_category", "时限类别"), ("assigned_on", "交办日期"), ("countdown", "倒排工期"), ("pace", "进度"),
    ("status", "状态"), ("progress", "最新进展"), ("progress_date", "进展日期"), ("completed_on", "完成日期"),
    ("accepted_on", "验收日期"), ("accepted_by", "验收人"), ("acceptance_note", "验收情况"),
    ("closed_on", "销号日期"), ("closed_by", "销号人"), ("close_basis", "销号依据"), ("rechecks", "回头看"),
    ("rebound_text", "反弹"), ("petitions", "关联信访件"),
]
XLSX_WIDTHS = [6, 16, 12, 40, 12, 16, 20, 10, 14, 30, 30, 12, 10, 12, 10, 10, 10, 40, 12, 12, 12, 14, 20, 12,
               14, 24, 30, 8, 20]
DATE_KEYS = {"deadline", "assigned_on", "progress_date", "completed_on", "accepted_on", "closed_on"}


def _as_date(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def write_xlsx(path: Path, rows: Sequence[dict], *, title: str) -> Path:
    data = [[_as_date(r.get(k)) if k in DATE_KEYS else r.get(k, "") for k, _ in XLSX_COLUMNS] for r in rows]
    return write_table(path, [t for _, t in XLSX_COLUMNS], data, title=title, sheet_name="问题整改台账",
                       widths=XLSX_WIDTHS)


# The printable ledger: fewer, combined columns on a landscape page (267 mm wide).
DOCX_COLUMNS: list[tuple[str, str, float]] = [
    ("seq", "序号", 12), ("problem_no", "问题编号", 26), ("description", "问题描述", 44), ("units", "责任单位", 26),
    ("plan", "整改目标及措施", 44), ("deadline_text", "整改时限", 20), ("progress_all", "整改进展", 44),
    ("status_text", "状态", 15), ("schedule", "倒排工期", 16), ("closure", "验收销号及回头看", 20),
]


def write_docx(path: Path, rows: Sequence[dict], *, title: str, subtitle: str, fonts: TableFonts | None = None) -> Path:
    fonts = fonts or TableFonts()
    doc = dc.new_document(body_font=fonts.body, body_size=dc.SIZE["五号"], landscape=True,
                          margins_mm=(20, 15, 18, 15))
    dc.add_paragraph(doc, title, font=fonts.title, size=dc.SIZE["小二"], align=WD_ALIGN_PARAGRAPH.CENTER,
                     space_after=4)
    dc.add_paragraph(doc, subtitle, font=fonts.subtitle, size=dc.SIZE["小四"], align=WD_ALIGN_PARAGRAPH.CENTER,
                     space_after=6)
    data = [[r.get(k, "") for k, _, _ in DOCX_COLUMNS] for r in rows]
    widths = [w for _, _, w in DOCX_COLUMNS]
    dc.add_table(doc, [t for _, t, _ in DOCX_COLUMNS], data, font=fonts.body, size=dc.SIZE["小五"],
                 header_font=fonts.header, widths_mm=widths)
    if not rows:
        dc.add_paragraph(doc, "（无符合条件的问题）", font=fonts.body, size=dc.SIZE["五号"],
                         align=WD_ALIGN_PARAGRAPH.CENTER)
    dc.add_page_number_footer(doc, font=fonts.pagenum, size=dc.SIZE["小四"], outer=False)
    return dc.save(doc, path)
