"""python-docx helpers for official documents (GB/T 9704 page, Chinese fonts, page numbers).

python-docx only writes ascii/hAnsi font names; Chinese text uses ``w:eastAsia``, and theme
font attributes override explicit names, so :func:`set_font` writes all four and removes the
theme ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from pathlib import Path
from typing import Any, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..text import clean

# Chinese font sizes (字号) in points.
SIZE = {"初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16, "小三": 15,
        "四号": 14, "小四": 12, "五号": 10.5, "小五": 9}
RED = RGBColor(0xFF, 0x00, 0x00)


def set_font(target: Any, name: str, size: float | None = None, *, bold: bool | None = None,
             color: RGBColor | None = None, ascii_name: str | None = None) -> None:
    """Set the font of a run or a style, Chinese (eastAsia) included."""
    font = target.font
    font.name = ascii_name or name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    el = target.element if hasattr(target, "element") else target._element
    rpr = el.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    rfonts.set(qn("w:ascii"), ascii_name or name)
    rfonts.set(qn("w:hAnsi"), ascii_name or name)
    rfonts.set(qn("w:eastAsia"), name)
    rfonts.set(qn("w:cs"), ascii_name or name)


def _child(parent: Any, tag: str, *, first: bool = False) -> Any:
    """``parent``'s ``tag`` element, made (as its first or last child) when it has none."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        if first:
            parent.insert(0, element)
        else:
            parent.append(element)
    return element


def set_language(doc: Any, lang: str = "zh-CN") -> None:
    """Document language: the default run properties carry ``w:lang``."""
    defaults = _child(doc.styles.element, "w:docDefaults", first=True)
    lang_el = _child(_child(_child(defaults, "w:rPrDefault", first=True), "w:rPr"), "w:lang")
    lang_el.set(qn("w:val"), lang)
    lang_el.set(qn("w:eastAsia"), lang)
    lang_el.set(qn("w:bidi"), "ar-SA")
    for style in doc.styles:
        if getattr(style, "element", None) is not None and style.type == 1:
            style_lang = _child(style.element.get_or_add_rPr(), "w:lang")
            style_lang.set(qn("w:val"), lang)
            style_lang.set(qn("w:eastAsia"), lang)


@dataclass
class TableFonts:
    """The fonts of a landscape table document (ledgers, public tables)."""

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    header: str = "黑体"
    subtitle: str = "楷体_GB2312"
    pagenum: str = "宋体"


def new_document(*, body_font: str = "仿宋_GB2312", body_size: float = 16, landscape: bool = False,
                 margins_mm: tuple[float, float, float, float] = (37, 28, 35, 26)) -> Any:
    """A4 document; margins (top, left, bottom, right) per GB/T 9704; Normal style in 仿宋 3号."""
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    top, left, bottom, right = margins_mm
    section.top_margin, section.left_margin = Mm(top), Mm(left)
    section.bottom_margin, section.right_margin = Mm(bottom), Mm(right)
    normal = doc.styles["Normal"]
    set_font(normal, body_font, body_size)
    set_language(doc)
    return doc


def add_paragraph(doc_or_cell: Any, text: str, *, font: str, size: float, bold: bool = False,
                  align: Any = None, indent_chars: float = 0, color: RGBColor | None = None,
                  space_before: float = 0, space_after: float = 0, line_pt: float | None = None,
                  style: str | None = None) -> Any:
    p = doc_or_cell.add_paragraph(style=style) if style else doc_or_cell.add_paragraph()
    run = p.add_run(clean(text))
    set_font(run, font, size, bold=bold, color=color)
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent_chars:
        fmt.first_line_indent = Pt(size * indent_chars)
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    if line_pt:
        fmt.line_spacing = Pt(line_pt)
    return p


def add_field(paragraph: Any, instr: str, *, font: str, size: float) -> Any:
    """A Word field (e.g. ``PAGE``) as fldChar begin/instrText/separate/end runs."""
    def run_with(el: Any) -> Any:
        run = paragraph.add_run()
        set_font(run, font, size)
        run._r.append(el)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    run_with(text)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    run = paragraph.add_run("1")
    set_font(run, font, size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)
    return paragraph


def add_page_number_footer(doc: Any, *, font: str = "宋体", size: float = 14, outer: bool = True) -> None:
    """``— N —`` page numbers; odd pages right, even pages left when ``outer``."""
    settings = doc.settings.element
    if outer and settings.find(qn("w:evenAndOddHeaders")) is None:
        settings.append(OxmlElement("w:evenAndOddHeaders"))
    section = doc.sections[0]
    section.footer_distance = Mm(20)
    footers = [(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)]
    if outer:
        footers.append((section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT))
    for footer, align in footers:
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.alignment = align if outer else WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run("— ")
        set_font(r, font, size)
        add_field(p, "PAGE", font=font, size=size)
        r = p.add_run(" —")
        set_font(r, font, size)


def paragraph_border(paragraph: Any, *, top: bool = False, bottom: bool = False, color: str = "000000",
                     size_eighths: int = 8) -> None:
    """A rule above/below a paragraph (w:pBdr), e.g. the red rule under a bulletin's header."""
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = OxmlElement("w:pBdr")
        ppr.append(pbdr)
    for side, on in (("top", top), ("bottom", bottom)):
        if not on:
            continue
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size_eighths))
        el.set(qn("w:space"), "1")
        el.set(qn("w:color"), color)
        pbdr.append(el)


def add_table(doc: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, font: str = "仿宋",
              size: float = 10.5, header_font: str = "黑体", widths_mm: Sequence[float] | None = None) -> Any:
    """A bordered table with a bold header row that repeats on every page."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    hdr = table.rows[0]
    trpr = hdr._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for i, h in enumerate(headers):
        cell = hdr.cells[i]
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(cell.paragraphs[0].add_run(clean(h)), header_font, size, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for i, value in enumerate(values):
            text = "" if value is None else clean(str(value))
            set_font(cells[i].paragraphs[0].add_run(text), font, size)
    if widths_mm:
        table.autofit = False  # LibreOffice ignores cell widths unless the grid says so too
        for i, w in enumerate(widths_mm):
            if i < len(table.columns):
                table.columns[i].width = Mm(w)
        for row in table.rows:
            for i, w in enumerate(widths_mm):
                if i < len(row.cells):
                    row.cells[i].width = Mm(w)
    return table


# -- schema order ------------------------------------------------------------------------
# Word refuses files whose property elements are out of the schema's sequence; helpers that
# append (borders, outline level, letter spacing) are put back in order before saving.
_SEQ = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
           "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
           "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
           "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
           "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
           "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
             "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription tblPrChange",
}
_ORDER = {qn(f"w:{k}"): {qn(f"w:{t}"): i for i, t in enumerate(v.split())} for k, v in _SEQ.items()}


def schema_order(root: Any) -> None:
    """Sort the children of every w:pPr, w:rPr and w:tblPr under ``root`` into schema order."""
    for tag, order in _ORDER.items():
        for el in root.iter(tag):
            children = list(el)
            ranked = sorted(enumerate(children), key=lambda pair: (order.get(pair[1].tag, len(order)), pair[0]))
            if [c for _, c in ranked] != children:
                for child in children:
                    el.remove(child)
                for _, child in ranked:
                    el.append(child)


def _settings_order(document: Any) -> None:
    """w:evenAndOddHeaders belongs right after w:defaultTabStop's group, not at the end of settings."""
    settings = document.settings.element
    flag = settings.find(qn("w:evenAndOddHeaders"))
    anchor = settings.find(qn("w:defaultTabStop"))
    if flag is not None and anchor is not None:
        settings.remove(flag)
        anchor.addnext(flag)


def finalize(document: Any) -> None:
    """Put property elements back in schema order (Word rejects files where they are not)."""
    _settings_order(document)
    roots = [document.element, document.styles.element]
    for section in document.sections:
        for part in (section.header, section.footer, section.even_page_header, section.even_page_footer,
                     section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                roots.append(part._element)
    for root in roots:
        schema_order(root)


def save(document: Any, path: str | Path) -> Path:
    """Finalize and save; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    finalize(document)
    document.save(str(path))
    return path
