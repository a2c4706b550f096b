"""Writers for petition tables: the full ledger (台账) and the disclosure table (公开表), as
.xlsx, .csv (UTF-8 with BOM, opens in Excel) or a landscape .docx.

They take plain row dicts and column lists (built by ``dutydesk.petitions.export``);
nothing here reads the store.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from ..text import clean
from . import docx_common as dc
from .docx_common import TableFonts
from .xlsx import excel_safe, write_table


@dataclass(frozen=True)
class Col:
    key: str
    title: str
    width_mm: float = 20  # .docx
    width_xl: int = 12  # .xlsx characters


def _cells(rows: Sequence[dict], cols: Sequence[Col]) -> list[list]:
    return [[r.get(c.key, "") if r.get(c.key) is not None else "" for c in cols] for r in rows]


def write_xlsx(path: Path, rows: Sequence[dict], cols: Sequence[Col], *, title: str, sheet_name: str) -> Path:
    return write_table(path, [c.title for c in cols], _cells(rows, cols), title=title, sheet_name=sheet_name,
                       widths=[c.width_xl for c in cols])


def write_csv(path: Path, rows: Sequence[dict], cols: Sequence[Col]) -> Path:
    """Header and rows only (no title), so the file reads back through the import."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([c.title for c in cols])
        for row in _cells(rows, cols):
            w.writerow([excel_safe(v) if isinstance(v, str) else v for v in row])
    return path


def write_docx(path: Path, rows: Sequence[dict], cols: Sequence[Col], *, title: str, subtitle: str = "",
               fonts: TableFonts | None = None, empty_text: str = "（无）") -> Path:
    """A landscape A4 table with the title above and page numbers below."""
    fonts = fonts or TableFonts()
    doc = dc.new_document(body_font=fonts.body, body_size=dc.SIZE["五号"], landscape=True,
                          margins_mm=(20, 15, 18, 15))
    dc.add_paragraph(doc, title, font=fonts.title, size=dc.SIZE["小二"], align=WD_ALIGN_PARAGRAPH.CENTER,
                     space_after=6)
    if subtitle:
        dc.add_paragraph(doc, subtitle, font=fonts.body, size=dc.SIZE["小四"], align=WD_ALIGN_PARAGRAPH.CENTER,
                         space_after=6)
    widths = [c.width_mm for c in cols]
    data = [[clean(str(v)) for v in row] for row in _cells(rows, cols)]
    table = dc.add_table(doc, [c.title for c in cols], data, font=fonts.body, size=dc.SIZE["小五"],
                         header_font=fonts.header, widths_mm=widths)
    table.autofit = False
    for column, w in zip(table.columns, widths):  # Word and LibreOffice lay out by the grid
        column.width = Mm(w)
    if not rows:
        dc.add_paragraph(doc, empty_text, font=fonts.body, size=dc.SIZE["五号"], align=WD_ALIGN_PARAGRAPH.CENTER)
    dc.add_page_number_footer(doc, font=fonts.pagenum, size=dc.SIZE["小四"], outer=False)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
