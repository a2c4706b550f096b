"""Statistics tables in .docx: the GB/T 9704 table the bulletin's appendix page and
``dutydesk stats --format docx`` share, and the whole ``dutydesk stats`` document.

The table: full text-block width (156 mm), single rules, a 黑体 header row repeated on every
page, 仿宋 cells (labels left, numbers centred), the 合计 row in bold; the notes (注：…) under it.
"""

from __future__ import annotations

import io
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from rich.cells import cell_len

from .. import dates
from .docx_common import SIZE, add_page_number_footer, finalize, new_document, set_font
from .stats_table import TEXT, TOTAL_LABEL, StatsReport, StatsTable

TEXT_WIDTH_MM = 156
CELL = SIZE["小四"]
FONTS = {"title": "方正小标宋简体", "body": "仿宋_GB2312", "h1": "黑体", "h2": "楷体_GB2312", "page": "宋体"}


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cell(cell: Any, text: str, *, font: str, size: float, bold: bool = False, align: Any) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(size * 1.5)
    set_font(p.add_run(text), font, size, bold=bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def column_widths(table: StatsTable, width_mm: float = TEXT_WIDTH_MM, size: float = CELL) -> list[float]:
    """Widths in proportion to what a column holds (in terminal cells, CJK two, plus two of
    padding): the labels whole, a number column its widest number or its header; a header
    longer than three characters wraps only when the whole headers would not fit at ``size``."""
    rows = table.text_rows()
    cell_mm = size * 25.4 / 72 / 2  # a half-width cell of this size

    def need(cap: int) -> list[int]:
        out = []
        for i, (header, kind) in enumerate(zip(table.headers, table.kinds)):
            content = max([cell_len(r[i]) for r in rows] or [0])
            out.append(max(content, cell_len(header) if kind == TEXT else min(cell_len(header), cap)) + 2)
        return out

    cells = need(10**6)
    if sum(cells) * cell_mm > width_mm:
        cells = need(6)
    return [width_mm * n / sum(cells) for n in cells]


def add_stats_table(document: Any, table: StatsTable, *, fonts: dict[str, str] | None = None,
                    size: float = CELL, width_mm: float = TEXT_WIDTH_MM) -> Any:
    """The table (header, rows, 合计) and its notes, appended to ``document``."""
    f = {**FONTS, **(fonts or {})}
    cols = len(table.headers)
    widths = column_widths(table, width_mm, size)
    grid = document.add_table(rows=1, cols=cols)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False  # LibreOffice ignores cell widths unless the grid says so too
    head = grid.rows[0]
    _repeat_header(head)
    for cell, text in zip(head.cells, table.headers):
        _cell(cell, text, font=f["h1"], size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in table.text_rows():
        row = grid.add_row()
        _cant_split(row)
        total = values and values[0] == TOTAL_LABEL
        for cell, text, kind in zip(row.cells, values, table.kinds):
            align = WD_ALIGN_PARAGRAPH.CENTER if kind != TEXT or total else WD_ALIGN_PARAGRAPH.LEFT
            _cell(cell, text, font=f["body"], size=size, bold=bool(total), align=align)
    for i, w in enumerate(widths):
        grid.columns[i].width = Mm(w)
        for row in grid.rows:
            row.cells[i].width = Mm(w)
    for note in [table.note] if table.notes else []:
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(size * 1.5)
        set_font(p.add_run(note), f["body"], size)
    return grid


def _centered(document: Any, text: str, font: str, size: float, *, bold: bool = False, before: float = 0) -> None:
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.space_before = Pt(before)
    set_font(p.add_run(text), font, size, bold=bold)


def add_table_title(document: Any, table: StatsTable, fonts: dict[str, str]) -> None:
    """The table's title (小标宋 二号) and 截至 date (楷体 三号), centred."""
    _centered(document, table.title, fonts["title"], SIZE["二号"], bold=True)
    _centered(document, table.subtitle, fonts["h2"], SIZE["三号"])


def report_docx_bytes(report: StatsReport, fonts: dict[str, str] | None = None) -> bytes:
    """``dutydesk stats --format docx``: title, 截至 date, the headline figures, the table."""
    f = {**FONTS, **{k: v for k, v in (fonts or {}).items() if v}}
    document = new_document(body_font=f["body"], body_size=SIZE["三号"])
    normal = document.styles["Normal"].paragraph_format
    normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.line_spacing = Pt(28.95)  # 22 lines a page
    normal.space_before = normal.space_after = Pt(0)
    _centered(document, report.title, f["title"], SIZE["二号"], bold=True)
    _centered(document, f"（截至{dates.cn_date(report.as_of)}）", f["h2"], SIZE["三号"])
    for n, (name, figures) in enumerate(report.sections):
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Pt(SIZE["三号"] * 2)
        set_font(p.add_run(f"{'一二三四'[n]}、{name}。"), f["h1"], SIZE["三号"])
        set_font(p.add_run("，".join(f"{x.label}{x.text}" for x in figures) + "。"), f["body"], SIZE["三号"])
    _centered(document, report.table.title, f["title"], SIZE["小二"], bold=True, before=12)
    add_stats_table(document, report.table, fonts=f, size=SIZE["五号"])  # nine columns and the notes on one page
    add_page_number_footer(document, font=f["page"], size=SIZE["四号"], outer=True)
    finalize(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
