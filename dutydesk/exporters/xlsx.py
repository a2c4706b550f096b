"""Plain .xlsx tables (ledgers, rosters) with a title row, bold header and sensible widths."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..store.files import private_stream
from ..text import clean, neutralise_formula


def excel_safe(value: Any) -> Any:
    """A .csv cell: dates stay dates; text is cleaned and defused (no formulas from user text,
    :func:`dutydesk.text.neutralise_formula`; ``text.restore_formula`` undoes it on reading)."""
    if value is None:
        return ""
    if isinstance(value, (int, float, dt.date)):
        return value
    return neutralise_formula(clean(str(value)))


XLSX_CELL_MAX = 32767  # characters an Excel cell holds (openpyxl would cut a longer text silently)
TRUNCATED = "…（内容过长，Excel 单元格最多容纳 32767 字，其余已截去；完整内容见 .docx 或 .csv）"


def xlsx_cell(value: Any) -> Any:
    """An .xlsx cell: dates and numbers stay; text is cleaned, kept exactly as written (it is
    written as a string cell, which Excel never runs as a formula: no apostrophe needed), and a
    text too long for one cell is cut visibly (it says so), not silently."""
    if value is None:
        return ""
    if not isinstance(value, (int, float, dt.date)):
        value = clean(str(value))
    if isinstance(value, str) and len(value) > XLSX_CELL_MAX:
        value = value[: XLSX_CELL_MAX - len(TRUNCATED)] + TRUNCATED
    return value


def _set(ws: Any, row: int, column: int, value: Any) -> Any:
    """A cell holding ``value``; text is a string cell even when it starts with "=" (openpyxl
    would make it a formula)."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "",
                sheet_name: str = "Sheet1", widths: Sequence[int] | None = None,
                number_formats: Sequence[str | None] | None = None, force: bool = False) -> Path:
    """One sheet: an optional title row, a bold header row (frozen), the rows. ``number_formats``
    (per column, e.g. ``"0.0%"``) formats the numbers of a column. A private file (``store.files``;
    ``force`` overwrites a file dutydesk did not write)."""
    return write_sheets(path, [Sheet(sheet_name, headers, rows, title=title, widths=widths,
                                     number_formats=number_formats)], force=force)


@dataclass
class Sheet:
    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    title: str = ""
    widths: Sequence[int] | None = None
    number_formats: Sequence[str | None] | None = None


def write_sheets(path: Path, sheets: Sequence[Sheet], *, force: bool = False) -> Path:
    """A workbook of several :func:`write_table` sheets, written as a private file."""
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook(write_only=False)
    for n, sheet in enumerate(sheets):
        ws = wb.active if n == 0 else wb.create_sheet()
        _fill(ws, sheet)
    with private_stream(path, force=force) as fh:
        wb.save(fh)
    return path


def _fill(ws, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    headers, widths, formats = sheet.headers, sheet.widths, sheet.number_formats or ()
    ws.title = sheet.name[:31]
    r = 1
    if sheet.title:
        _set(ws, 1, 1, xlsx_cell(sheet.title)).font = Font(bold=True, size=14)
        if len(headers) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        r = 2
    for c, h in enumerate(headers, 1):
        cell = _set(ws, r, c, h)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = ws.cell(row=r + 1, column=1)
    for row in sheet.rows:
        r += 1
        for c, value in enumerate(row, 1):
            cell = _set(ws, r, c, xlsx_cell(value))
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif c - 1 < len(formats) and formats[c - 1] and isinstance(value, (int, float)):
                cell.number_format = formats[c - 1]
    for c, h in enumerate(headers, 1):
        width = widths[c - 1] if widths and c - 1 < len(widths) else max(8, min(40, len(str(h)) * 2 + 2))
        ws.column_dimensions[get_column_letter(c)].width = width
