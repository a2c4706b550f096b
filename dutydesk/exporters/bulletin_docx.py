"""The bulletin as .docx, laid out per GB/T 9704-2012 (DOMAIN.md section 6).

- A4, margins 37/28/35/26 mm (text block 156 × 225 mm), 22 lines a page (line pitch 28.95 pt).
- 版头: the bulletin name in large red 小标宋 (setting ``font_title``), 第N期, the org on the
  left and the date on the right (a right tab stop at the text width), then a red rule. A long
  org is set one size smaller (小四) or on two balanced lines, the date at the right of its last
  line (``line_fit.fit_header``): the date never goes to a line of its own.
- Item and section titles: centred bold 小标宋 二号 (style 简报标题, outline level 1); a title
  longer than a line is broken into lines of about equal length (``line_fit.fit_title``);
  【县区动态】 in 黑体 三号 (style 简报栏目); body 仿宋 三号 (16 pt), two-character first-line
  indent, justified.
- 附件 (when the bulletin carries the statistics table): ``附件：<title>`` under the body, then a
  new page: 附件 in 黑体 at the top left, the title and its 截至 date centred, the table (see
  ``stats_docx``); the 版记 follows on that last page.
- 版记 at the foot of the last page: a one-column table between heavy rules, thin rules between
  报：/送：/发： rows, 4号仿宋, continuation lines aligned after the colon, then 共印N份.
- Page numbers ``— N —`` in 4号宋体, odd pages right, even pages left.

Fonts: every run names its font on ``w:ascii``/``w:hAnsi``/``w:eastAsia``. The fallbacks from
the settings (``font_*_fallback``) are written into the document's font table as
``w:altName`` with the GB2312 charset, so Word on a machine without 仿宋_GB2312 or
方正小标宋简体 substitutes 仿宋 / 宋体; LibreOffice substitutes through fontconfig.

The file is deterministic: core properties carry the issue time, and the zip is rewritten
with fixed timestamps in the order python-docx wrote the parts, so re-exporting an issued
bulletin gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from .bulletin_doc import APPENDIX_LABEL, COUNTY_HEADING, BulletinDoc, appendix_note, title_lines
from ..text import clean
from ..store.files import write_private
from .docx_common import RED, SIZE, add_page_number_footer, finalize, new_document, paragraph_border, set_font
from .line_fit import HEADER_SIZE, TEXT_WIDTH_PT, bulletin_header, fit_title
from .stats_docx import add_stats_table, add_table_title

MARGINS_MM = (37, 28, 35, 26)  # top, left, bottom, right
TEXT_WIDTH_MM = 156
LINE_PITCH = 28.95  # pt: 225 mm / 22 lines
BODY = SIZE["三号"]  # 16
TITLE = SIZE["二号"]  # 22
MASTHEAD = SIZE["小初"]  # 36, red
FOOT = SIZE["四号"]  # 14
PREFIX = re.compile(r"^(.{1,14}?[：:])")

# Chinese font metadata for the font table (GB2312 charset, panose of the Windows fonts).
_PANOSE_SERIF = "02010600030101010101"  # 宋体 family
_PANOSE_FIXED = "02010609060101010101"  # 仿宋/黑体/楷体 family


def _fonts(doc: BulletinDoc) -> dict[str, str]:
    return {
        "title": doc.font("font_title", "方正小标宋简体"),
        "title_fb": doc.font("font_title_fallback", "宋体"),
        "body": doc.font("font_body", "仿宋_GB2312"),
        "body_fb": doc.font("font_body_fallback", "仿宋"),
        "h1": doc.font("font_heading1", "黑体"),
        "h2": doc.font("font_heading2", "楷体_GB2312"),
        "h2_fb": doc.font("font_heading2_fallback", "楷体"),
        "page": doc.font("font_pagenum", "宋体"),
    }


# -- small XML helpers --------------------------------------------------------------------
def _exact(paragraph: Any, pt: float) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(pt)


def _no_autospace(style_or_par: Any) -> None:
    """No extra space between Chinese and Latin or digits (Word's and LibreOffice's default adds a
    quarter em): a line set from measured widths (a title, the 版头's unit and date) is then as
    wide as it was measured."""
    ppr = style_or_par.element.get_or_add_pPr() if hasattr(style_or_par, "element") else style_or_par._p.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "0")
        ppr.append(el)


def _outline(style_or_par: Any, level: int) -> None:
    ppr = style_or_par.element.get_or_add_pPr() if hasattr(style_or_par, "element") else style_or_par._p.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    ppr.append(el)


def _add_style(document: Any, name: str, style_id: str, *, font: str, size: float, bold: bool = False,
               align: Any = None, indent_chars: float = 0, outline: int | None = None) -> Any:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = document.styles["Normal"]
    style.next_paragraph_style = document.styles["Normal"]
    style.quick_style = True
    set_font(style, font, size, bold=bold)
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    fmt.first_line_indent = Pt(size * indent_chars) if indent_chars else Pt(0)
    fmt.keep_with_next = True
    if outline is not None:
        _outline(style, outline)
    return style


def _run(paragraph: Any, text: str, font: str, size: float, *, bold: bool | None = None, color=None) -> Any:
    run = paragraph.add_run(clean(text))
    set_font(run, font, size, bold=bold, color=color)
    return run


def _font_table(document: Any, fonts: dict[str, str]) -> None:
    """Declare the Chinese fonts with their fallbacks (``w:altName``) in word/fontTable.xml."""
    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    declared = [(fonts["title"], fonts["title_fb"], _PANOSE_SERIF, "roman"),
                (fonts["body"], fonts["body_fb"], _PANOSE_FIXED, "modern"),
                (fonts["h1"], "", _PANOSE_FIXED, "modern"),
                (fonts["h2"], fonts["h2_fb"], _PANOSE_FIXED, "modern"),
                (fonts["page"], "", _PANOSE_SERIF, "roman")]
    seen = set()
    for name, alt, panose, family in declared:
        for n, a in ((name, alt), (alt, "")):
            if not n or n in seen:
                continue
            seen.add(n)
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), n)
            if a and a != n:
                etree.SubElement(font, qn("w:altName")).set(qn("w:val"), a)
            etree.SubElement(font, qn("w:panose1")).set(qn("w:val"), panose)
            etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")
            etree.SubElement(font, qn("w:family")).set(qn("w:val"), family)
            etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _settings(document: Any) -> None:
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    for tag in ("w:rsids", "w:savePreviewPicture"):
        el = settings.find(qn(tag))
        if el is not None:
            settings.remove(el)


def _drop_thumbnail(document: Any) -> None:
    """The template's thumbnail shows an empty page: leave it out."""
    rels = document.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[rid]


# -- building -----------------------------------------------------------------------------
def build_document(doc: BulletinDoc) -> Any:
    f = _fonts(doc)
    document = new_document(body_font=f["body"], body_size=BODY, margins_mm=MARGINS_MM)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    normal = document.styles["Normal"]
    nf = normal.paragraph_format
    nf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    nf.line_spacing = Pt(LINE_PITCH)
    nf.space_before = nf.space_after = Pt(0)
    nf.widow_control = True
    title_style = _add_style(document, "简报标题", "BulletinTitle", font=f["title"], size=TITLE, bold=True,
                             align=WD_ALIGN_PARAGRAPH.CENTER, outline=0)
    _no_autospace(title_style)
    section_style = _add_style(document, "简报栏目", "BulletinSection", font=f["h1"], size=BODY,
                               indent_chars=2, outline=0)
    _settings(document)
    _font_table(document, f)
    _drop_thumbnail(document)

    # Core properties: fixed by the issue time (deterministic output).
    stamp = _stamp(doc)
    props = document.core_properties
    props.title = f"{doc.bulletin_title} {doc.number_text}"
    props.subject = doc.date_text
    props.author = doc.org
    props.last_modified_by = doc.org
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp

    # 版头 ---------------------------------------------------------------------------------
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(p, MASTHEAD * 1.5)
    p.paragraph_format.space_before = Pt(12)
    _run(p, doc.bulletin_title, f["title"], MASTHEAD, bold=True, color=RED)
    _spacing(p, 0.25 * MASTHEAD)
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(6)
    _run(p, doc.number_text, f["body"], BODY)
    p = document.add_paragraph()
    p.paragraph_format.space_before = Pt(14)
    p.paragraph_format.space_after = Pt(6)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    # The 编印单位 one size smaller, or on two balanced lines, rather than the date on a line of its own.
    _no_autospace(p)
    fit = bulletin_header(doc.org, doc.date_text)
    for n, line in enumerate(fit.unit_lines):
        run = _run(p, line, f["body"], fit.unit_size)
        if n < len(fit.unit_lines) - 1:
            run.add_break()
    _run(p, "\t" + doc.date_text, f["body"], HEADER_SIZE)
    paragraph_border(p, bottom=True, color="FF0000", size_eighths=18)

    # 正文 ---------------------------------------------------------------------------------
    def title(text: str) -> None:
        tp = document.add_paragraph(style=title_style)
        tp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        tp.paragraph_format.space_before = Pt(LINE_PITCH / 2)
        tp.paragraph_format.space_after = Pt(LINE_PITCH / 4)
        lines = fit_title(title_lines(text), TITLE, TEXT_WIDTH_PT)  # balanced: no character alone
        for n, line in enumerate(lines):
            run = _run(tp, line, f["title"], TITLE, bold=True)
            if n < len(lines) - 1:
                run.add_break()

    def body(text: str, *, prefix_bold: bool = False) -> None:
        bp = document.add_paragraph()
        bp.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        bp.paragraph_format.first_line_indent = Pt(BODY * 2)
        m = PREFIX.match(text) if prefix_bold else None
        if m:
            _run(bp, m.group(1), f["body"], BODY, bold=True)
            text = text[m.end():]
        _run(bp, text, f["body"], BODY)

    for item in doc.news:
        title(item.title)
        for para in item.paragraphs:
            body(para)
    if doc.county:
        sp = document.add_paragraph(style=section_style)
        sp.paragraph_format.space_before = Pt(LINE_PITCH / 2)
        _run(sp, COUNTY_HEADING, f["h1"], BODY)
        for para in doc.county:
            body(para, prefix_bold=True)
    title(doc.petition_title)
    for para in doc.petition_paragraphs:
        body(para)
    if doc.appendix:
        _appendix(document, doc, f, body)

    # 版记 ---------------------------------------------------------------------------------
    _footer_table(document, doc, f)

    add_page_number_footer(document, font=f["page"], size=FOOT, outer=True)
    # GB/T 9704: odd pages one character in from the right, even pages from the left.
    section.footer.paragraphs[0].paragraph_format.right_indent = Pt(FOOT)
    section.even_page_footer.paragraphs[0].paragraph_format.left_indent = Pt(FOOT)
    section.footer_distance = Mm(22)  # page number ~7 mm below the text block
    finalize(document)
    return document


def _appendix(document: Any, doc: BulletinDoc, f: dict[str, str], body) -> None:
    """附件说明 one line under the body, then the appendix on a new page (GB/T 9704: 附件 另面编排)."""
    body(appendix_note(doc))
    document.paragraphs[-1].paragraph_format.space_before = Pt(LINE_PITCH)  # one blank line under the body
    p = document.add_paragraph()
    _exact(p, 1)
    p.add_run().add_break(WD_BREAK.PAGE)
    label = document.add_paragraph()
    label.paragraph_format.first_line_indent = Pt(0)
    _run(label, APPENDIX_LABEL, f["h1"], BODY)
    add_table_title(document, doc.appendix, f)
    add_stats_table(document, doc.appendix, fonts=f, width_mm=TEXT_WIDTH_MM)


def _spacing(paragraph: Any, pt: float) -> None:
    """Letter spacing for every run of a paragraph (w:spacing in twentieths of a point)."""
    for run in paragraph.runs:
        rpr = run._r.get_or_add_rPr()
        el = OxmlElement("w:spacing")
        el.set(qn("w:val"), str(int(pt * 20)))
        rpr.append(el)


def _border(el: Any, side: str, size: int) -> None:
    b = OxmlElement(f"w:{side}")
    if size:
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), str(size))
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "000000")
    else:
        b.set(qn("w:val"), "nil")
    el.append(b)


def _footer_table(document: Any, doc: BulletinDoc, f: dict[str, str]) -> None:
    groups = [(label, lines) for label, lines in (("报", doc.report_to), ("送", doc.send_to), ("发", doc.issue_to))
              if lines]
    rows = len(groups) + (1 if doc.copies else 0)
    if not rows:
        return
    table = document.add_table(rows=rows, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    # Float the table at the bottom of the text block of the last page (GB/T 9704: 版记 at the foot).
    pos = OxmlElement("w:tblpPr")
    # Horizontally anchored to the page at the left margin: LibreOffice then keeps the table floating
    # (it turns full-width margin-anchored floating tables back into inline ones).
    for key, value in (("w:leftFromText", "0"), ("w:rightFromText", "0"), ("w:vertAnchor", "margin"),
                       ("w:horzAnchor", "page"), ("w:tblpX", str(_twips(MARGINS_MM[1]))),
                       ("w:tblpYSpec", "bottom")):
        pos.set(qn(key), value)
    tbl_pr.insert(0, pos)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    tbl_pr.append(overlap)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(_twips(TEXT_WIDTH_MM)))
    width.set(qn("w:type"), "dxa")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(width)
    borders = OxmlElement("w:tblBorders")
    for side, size in (("top", 8), ("left", 0), ("bottom", 8), ("right", 0), ("insideH", 4), ("insideV", 0)):
        _border(borders, side, size)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), "0")
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)
    table.columns[0].width = Mm(TEXT_WIDTH_MM)

    def para(cell_par: Any, text: str, *, first: bool, label: str = "") -> None:
        fmt = cell_par.paragraph_format
        _exact(cell_par, FOOT * 1.6)
        fmt.space_before = Pt(2)
        fmt.space_after = Pt(2)
        fmt.left_indent = Pt(FOOT * 3)  # one character, then "报："
        fmt.right_indent = Pt(FOOT)
        fmt.first_line_indent = Pt(-FOOT * 2) if first else Pt(0)
        cell_par.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _run(cell_par, (f"{label}：" if first else "") + text, f["body"], FOOT)

    for row, (label, lines) in zip(table.rows, groups):
        cell = row.cells[0]
        cell.width = Mm(TEXT_WIDTH_MM)
        for n, line in enumerate(lines):
            target = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            para(target, line, first=n == 0, label=label)
    if doc.copies:
        cell = table.rows[-1].cells[0]
        p = cell.paragraphs[0]
        _exact(p, FOOT * 1.6)
        p.paragraph_format.space_before = Pt(2)
        p.paragraph_format.space_after = Pt(2)
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.right_indent = Pt(FOOT)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(p, f"（共印{doc.copies}份）", f["body"], FOOT)
    # A body must end with a paragraph; keep it tiny so it cannot add a page.
    tail = document.add_paragraph()
    _exact(tail, 1)
    _run(tail, "", f["body"], 1)


def _twips(mm: float) -> int:
    return int(round(mm / 25.4 * 1440))


def _stamp(doc: BulletinDoc) -> dt.datetime:
    if doc.issued_at:
        try:
            return dt.datetime.fromisoformat(doc.issued_at)
        except ValueError:
            pass
    return dt.datetime.fromisoformat(doc.date + "T00:00:00")


def docx_bytes(doc: BulletinDoc) -> bytes:
    """The .docx file as bytes; the same document gives the same bytes."""
    document = build_document(doc)
    raw = io.BytesIO()
    document.save(raw)
    stamp = _stamp(doc)
    date_time = (max(1980, stamp.year), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0
            zi.external_attr = 0
            dst.writestr(zi, src.read(info.filename), compresslevel=6)
    return out.getvalue()


def write_docx(doc: BulletinDoc, path: Path, *, force: bool = False) -> Path:
    return write_private(path, docx_bytes(doc), force=force)
