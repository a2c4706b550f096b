"""An official letter (交办通知, 催办通知) as .docx, in the GB/T 9704-2012 layout of the bulletin.

- A4 portrait, margins 37/28/35/26 mm (text block 156 × 225 mm), 22 lines a page (28.95 pt),
  body 仿宋 三号 (16 pt) with ``w:eastAsia`` set, two-character first-line indent, justified.
- 版头: ``注意保密`` top left in 黑体 三号 when the letter carries petitioners' contacts; the
  发文机关 centred in red 小标宋 (一号, squeezed horizontally to one line when long); the 文号
  centred below it; a red rule.
- The title in 小标宋 二号, centred (broken where the domain put ``\\n``); 主送 flush left
  with a full-width colon; the body; ``附件：`` references; the signature and 成文日期
  (right, four characters in; the signature centred over the date).
- Each attachment (附件) starts a landscape section (text block 225 × 156 mm) with ``附件N``
  in 黑体, its title and a bordered table whose header repeats on every page.
- Page numbers ``— N —`` in 4号宋体, odd pages right, even pages left, every section.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .. import dates
from ..text import clean
from . import docx_common as dc
from .bulletin_docx import LINE_PITCH, MARGINS_MM, _drop_thumbnail, _font_table, _settings
from .letter_doc import CONFIDENTIAL, LetterDoc, LetterTable

BODY = dc.SIZE["三号"]  # 16
TITLE = dc.SIZE["二号"]  # 22
ISSUER = dc.SIZE["一号"]  # 26, red
FOOT = dc.SIZE["四号"]  # 14
CELL = dc.SIZE["小四"]  # 12
TEXT_WIDTH_PT = 156 / 25.4 * 72
LANDSCAPE_MARGINS_MM = (28, 37, 26, 35)  # top, left, bottom, right: the portrait block turned (225 × 156 mm)
TABLE_WIDTH_MM = 225
CELL_MARGIN_TWIPS = 57  # 1 mm each side (Word's default is 1.9 mm)


def _fonts(doc: LetterDoc) -> dict[str, str]:
    return {"title": doc.font("font_title"), "title_fb": doc.font("font_title_fallback"),
            "body": doc.font("font_body"), "body_fb": doc.font("font_body_fallback"),
            "h1": doc.font("font_heading1"), "h2": doc.font("font_heading2"),
            "h2_fb": doc.font("font_heading2_fallback"), "page": doc.font("font_pagenum")}


def _run(paragraph: Any, text: str, font: str, size: float, *, bold: bool | None = None, color=None) -> Any:
    run = paragraph.add_run(clean(text))
    dc.set_font(run, font, size, bold=bold, color=color)
    return run


def _para(document: Any, text: str = "", *, font: str, size: float = BODY, align: Any = None,
          indent: float = 0, bold: bool | None = None, color=None) -> Any:
    p = document.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(BODY * indent)
    if text:
        _run(p, text, font, size, bold=bold, color=color)
    return p


def _squeeze(paragraph: Any, percent: int) -> None:
    """Character width (w:w, 字符缩放) of every run of a paragraph."""
    for run in paragraph.runs:
        el = OxmlElement("w:w")
        el.set(qn("w:val"), str(percent))
        run._r.get_or_add_rPr().append(el)


def _issuer(document: Any, doc: LetterDoc, f: dict[str, str]) -> None:
    text = clean(doc.issuer).replace("\n", "")
    p = _para(document, text, font=f["title"], size=ISSUER, align=WD_ALIGN_PARAGRAPH.CENTER, color=dc.RED)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(ISSUER * 1.6)
    p.paragraph_format.space_before = Pt(LINE_PITCH / 2)
    width = max(1, len(text)) * ISSUER
    if width > TEXT_WIDTH_PT:  # one line, the characters narrowed (as offices do in Word)
        _squeeze(p, max(50, int(TEXT_WIDTH_PT / width * 100)))
    rule = p
    if doc.doc_no:
        rule = _para(document, doc.doc_no, font=f["body"], align=WD_ALIGN_PARAGRAPH.CENTER)
        rule.paragraph_format.space_before = Pt(LINE_PITCH / 2)
    rule.paragraph_format.space_after = Pt(4)
    dc.paragraph_border(rule, bottom=True, color="FF0000", size_eighths=18)


def _title(document: Any, doc: LetterDoc, f: dict[str, str]) -> None:
    p = _para(document, font=f["title"], align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.space_before = Pt(LINE_PITCH)
    p.paragraph_format.space_after = Pt(LINE_PITCH / 2)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(TITLE * 1.5)
    lines = [x.strip() for x in clean(doc.title).split("\n") if x.strip()]
    for n, line in enumerate(lines):
        run = _run(p, line, f["title"], TITLE, bold=True)
        if n < len(lines) - 1:
            run.add_break()


def _width(text: str) -> float:
    """Width in characters of the body font: digits and Latin letters are half as wide."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text)


def _signature(document: Any, doc: LetterDoc, f: dict[str, str]) -> None:
    """署名 and 成文日期: the date four characters in from the right, the signature centred over
    it; a longer signature two characters in, the date starting two characters after it."""
    date = dates.cn_date(doc.date)
    sig = clean(doc.signer).replace("\n", "")
    if _width(sig) <= _width(date):
        date_in, sig_in = 4.0, 4.0 + (_width(date) - _width(sig)) / 2
    else:
        sig_in, date_in = 2.0, _width(sig) - _width(date)
    _para(document, font=f["body"]).paragraph_format.keep_with_next = True  # one blank line (no seal)
    for text, indent in ((sig, sig_in), (date, date_in)):
        p = _para(document, text, font=f["body"], align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(BODY * indent)
        p.paragraph_format.keep_with_next = text == sig


def _attachment_refs(document: Any, doc: LetterDoc, f: dict[str, str]) -> None:
    if not doc.attachments:
        return
    _para(document, font=f["body"]).paragraph_format.keep_with_next = True
    many = len(doc.attachments) > 1
    for n, table in enumerate(doc.attachments, 1):
        label = "附件：" if n == 1 else ""
        text = f"{n}. {table.title}" if many else table.title
        p = _para(document, font=f["body"], align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        fmt = p.paragraph_format
        fmt.keep_with_next = True
        fmt.left_indent = Pt(BODY * 5)  # 二字 + "附件："
        fmt.first_line_indent = Pt(-BODY * 3)
        if not label:
            fmt.first_line_indent = Pt(0)
        _run(p, label + clean(text).replace("\n", ""), f["body"], BODY)


def _landscape_section(document: Any) -> Any:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    top, left, bottom, right = LANDSCAPE_MARGINS_MM
    section.top_margin, section.left_margin = Mm(top), Mm(left)
    section.bottom_margin, section.right_margin = Mm(bottom), Mm(right)
    return section


def _cell_text(cell: Any, text: str, font: str, *, bold: bool = False, center: bool = False) -> None:
    p = cell.paragraphs[0]
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(CELL * 1.5)
    fmt.space_before = fmt.space_after = Pt(1)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    _run(p, text, font, CELL, bold=bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _table(document: Any, table: LetterTable, f: dict[str, str]) -> None:
    widths = list(table.widths_mm)
    scale = TABLE_WIDTH_MM / sum(widths) if widths and sum(widths) > TABLE_WIDTH_MM else 1
    widths = [w * scale for w in widths]
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = 1  # centred
    grid.autofit = False  # LibreOffice lays out by the grid, Word by the cells: both are set
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    grid._tbl.tblPr.append(margins)
    header = grid.rows[0]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    for cell, title in zip(header.cells, table.headers):
        _cell_text(cell, title, f["h1"], center=True)
    centred = [w <= 28 for w in widths]  # short values (numbers, dates, 超期N天) centred
    for values in table.rows:
        row = grid.add_row()
        no_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(no_split)
        for cell, value, centre in zip(row.cells, values, centred):
            _cell_text(cell, "" if value is None else str(value), f["body"], center=centre)
    for i, w in enumerate(widths):
        grid.columns[i].width = Mm(w)
        for row in grid.rows:
            row.cells[i].width = Mm(w)


def _attachment(document: Any, doc: LetterDoc, n: int, table: LetterTable, f: dict[str, str]) -> None:
    _landscape_section(document)
    if doc.confidential:
        _para(document, CONFIDENTIAL, font=f["h1"])
    _para(document, f"附件{n}" if len(doc.attachments) > 1 else "附件", font=f["h1"])
    p = _para(document, font=f["title"], align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(dc.SIZE["小二"] * 1.5)
    lines = [x for x in clean(table.title).split("\n") if x.strip()]
    for i, line in enumerate(lines):
        run = _run(p, line, f["title"], dc.SIZE["小二"])
        if i < len(lines) - 1:
            run.add_break()
    p.paragraph_format.space_after = Pt(0 if table.note else 6)
    if table.note:
        note = _para(document, table.note, font=f["body"], size=FOOT, align=WD_ALIGN_PARAGRAPH.CENTER)
        note.paragraph_format.space_after = Pt(6)
    _table(document, table, f)


def build_document(doc: LetterDoc) -> Any:
    f = _fonts(doc)
    document = dc.new_document(body_font=f["body"], body_size=BODY, margins_mm=MARGINS_MM)
    normal = document.styles["Normal"].paragraph_format
    normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.line_spacing = Pt(LINE_PITCH)
    normal.space_before = normal.space_after = Pt(0)
    normal.widow_control = True
    _settings(document)
    _font_table(document, f)
    _drop_thumbnail(document)
    props = document.core_properties
    props.title = clean(doc.title).replace("\n", "")
    props.author = props.last_modified_by = clean(doc.issuer)
    props.keywords = CONFIDENTIAL if doc.confidential else ""
    props.comments = ""
    stamp = dt.datetime.fromisoformat(doc.date + "T00:00:00")
    props.created = props.modified = stamp
    props.revision = 1

    if doc.confidential:
        _para(document, CONFIDENTIAL, font=f["h1"])
    _issuer(document, doc, f)
    _title(document, doc, f)
    _para(document, clean(doc.addressee).rstrip("：:") + "：", font=f["body"])
    body = [_para(document, text, font=f["body"], align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=2) for text in doc.paragraphs]
    if body:  # GB/T 9704: the signature's page carries body text; the last paragraph goes with it
        body[-1].paragraph_format.keep_with_next = True
    _attachment_refs(document, doc, f)
    _signature(document, doc, f)
    for n, table in enumerate(doc.attachments, 1):
        _attachment(document, doc, n, table, f)
    tail = _para(document, font=f["body"])  # a body ends with a paragraph: keep it tiny
    tail.paragraph_format.line_spacing = Pt(1)

    dc.add_page_number_footer(document, font=f["page"], size=FOOT, outer=True)
    first = document.sections[0]
    first.footer.paragraphs[0].paragraph_format.right_indent = Pt(FOOT)
    first.even_page_footer.paragraphs[0].paragraph_format.left_indent = Pt(FOOT)
    for section in document.sections:
        section.footer_distance = Mm(22)
    dc.finalize(document)
    return document


def docx_bytes(doc: LetterDoc) -> bytes:
    raw = io.BytesIO()
    build_document(doc).save(raw)
    return raw.getvalue()
