"""The printable 值班表 (.docx): title, the roster table, and the phone list of everyone on it."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH

from .docx_common import SIZE, add_page_number_footer, add_paragraph, add_table, new_document, save

CONTACT_HEADERS = ["姓名", "单位/职务", "角色", "联系电话"]


def write_roster_docx(path: Path, *, title: str, subtitle: str, headers: Sequence[str], rows: Sequence[Sequence],
                      contacts: Sequence[Sequence], fonts: dict[str, str], force: bool = False) -> Path:
    """A4 portrait; ``subtitle`` lines are centred under the title; the header row repeats on each page."""
    path = Path(path)
    body = fonts.get("font_body") or "仿宋_GB2312"
    doc = new_document(body_font=body, body_size=SIZE["四号"], margins_mm=(30, 20, 28, 20))
    add_paragraph(doc, title, font=fonts.get("font_title") or "宋体", size=SIZE["二号"],
                  align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    for line in subtitle.splitlines():
        add_paragraph(doc, line, font=fonts.get("font_heading2") or "楷体", size=SIZE["小三"],
                      align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(doc, "", font=body, size=SIZE["五号"])
    widths = {"日期": 24, "星期": 16, "班次": 12, "带班领导": 22, "值班人员": 32, "联系电话": 42, "备注": 20}
    if "联系电话" in headers:  # one number a line: a number never breaks in the middle
        col = list(headers).index("联系电话")
        rows = [[str(v).replace("、", "\n") if i == col and v else v for i, v in enumerate(r)] for r in rows]
    add_table(doc, headers, rows, size=SIZE["五号"], header_font=fonts.get("font_heading1") or "黑体",
              widths_mm=_fit([widths.get(h, 20) for h in headers], 170))
    if contacts:
        add_paragraph(doc, "值班人员联系方式", font=fonts.get("font_heading1") or "黑体", size=SIZE["四号"],
                      space_before=12, space_after=6)
        add_table(doc, CONTACT_HEADERS, contacts, size=SIZE["五号"], header_font=fonts.get("font_heading1") or "黑体",
                  widths_mm=[24, 70, 24, 40])
    add_page_number_footer(doc, font=fonts.get("font_pagenum") or "宋体", size=SIZE["四号"], outer=False)
    return save(doc, path, force=force)


def _fit(widths: list[float], text_width_mm: float = 156) -> list[float]:
    """Scale column widths to the text block (GB/T 9704: 156 mm)."""
    total = sum(widths)
    return [w * text_width_mm / total for w in widths] if total else widths
