"""Plain .xlsx tables (ledgers, rosters) with a title row, bold header and sensible widths."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..text import clean


def excel_safe(value: Any) -> Any:
    """Dates stay dates; text is cleaned and defused (no formulas from user text)."""
    if value is None:
        return ""
    if isinstance(value, (int, float, dt.date)):
        return value
    text = clean(str(value))
    if text[:1] in ("=", "+", "-", "@") and len(text) > 1 and not text[1:].replace(".", "", 1).isdigit():
        text = "'" + text  # never let imported text become a formula
    return text


XLSX_CELL_MAX = 32767  # characters an Excel cell holds (openpyxl would cut a longer text silently)
TRUNCATED = "…（内容过长，Excel 单元格最多容纳 32767 字，其余已截去；完整内容见 .docx 或 .csv）"


def xlsx_cell(value: Any) -> Any:
    """:func:`excel_safe`, and a text too long for one cell cut visibly (it says so), not silently."""
    value = excel_safe(value)
    if isinstance(value, str) and len(value) > XLSX_CELL_MAX:
        value = value[: XLSX_CELL_MAX - len(TRUNCATED)] + TRUNCATED
    return value


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "",
                sheet_name: str = "Sheet1", widths: Sequence[int] | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet_name[:31]
    r = 1
    if title:
        ws.cell(row=1, column=1, value=xlsx_cell(title)).font = Font(bold=True, size=14)
        if len(headers) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        r = 2
    for c, h in enumerate(headers, 1):
        cell = ws.cell(row=r, column=c, value=h)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = ws.cell(row=r + 1, column=1)
    for row in rows:
        r += 1
        for c, value in enumerate(row, 1):
            cell = ws.cell(row=r, column=c, value=xlsx_cell(value))
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for c, h in enumerate(headers, 1):
        width = widths[c - 1] if widths and c - 1 < len(widths) else max(8, min(40, len(str(h)) * 2 + 2))
        ws.column_dimensions[get_column_letter(c)].width = width
    wb.save(path)
    return path
