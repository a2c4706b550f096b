"""Sheets that go with the letters, as bytes (written all or nothing by :mod:`files`):
a unit's results sheet (办理结果表, filled in by the unit and imported back unchanged) and the
office's 催办 summary. A title row, then the header row, then one row per record and nothing
else on the first sheet (the import reads every row there); instructions go on a second sheet."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any, Sequence

from .xlsx import xlsx_cell


@dataclass
class SheetSpec:
    title: str
    sheet_name: str
    headers: list[str]
    widths: list[int]
    rows: list[list[Any]]
    choices: dict[int, Sequence[str]] = field(default_factory=dict)  # column index -> list (data validation)
    numbers: dict[int, bool] = field(default_factory=dict)  # column index -> decimals allowed (else whole)
    dates: set[int] = field(default_factory=set)  # column indexes holding a date
    editable: set[int] = field(default_factory=set)  # columns the recipient fills in (shaded header)
    blank_rows: int = 0  # rows kept under validation beyond the data, for rows a unit adds
    instructions: list[str] = field(default_factory=list)  # a second sheet, 填表说明 (the import reads the first)


def sheet_bytes(spec: SheetSpec) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet_name[:31]
    n = len(spec.headers)
    ws.cell(row=1, column=1, value=xlsx_cell(spec.title)).font = Font(bold=True, size=14)
    if n > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    shade = PatternFill("solid", fgColor="FFF2CC")
    for c, h in enumerate(spec.headers, 1):
        cell = ws.cell(row=2, column=c, value=h)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        if c - 1 in spec.editable:
            cell.fill = shade
    ws.freeze_panes = "C3"
    r = 2
    for values in spec.rows:
        r += 1
        for c, value in enumerate(values, 1):
            cell = ws.cell(row=r, column=c, value=xlsx_cell(value))
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    last = max(r, 3) + spec.blank_rows
    for col in spec.dates:
        for row in range(3, last + 1):
            ws.cell(row=row, column=col + 1).number_format = "yyyy-mm-dd"
    for col, values in spec.choices.items():
        letter = get_column_letter(col + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle=spec.headers[col],
                            error=f"请从下拉列表中选择：{'、'.join(values)}")
        dv.prompt, dv.promptTitle, dv.showInputMessage = "从下拉列表中选择", spec.headers[col], True
        dv.add(f"{letter}3:{letter}{last}")
        ws.add_data_validation(dv)
    for col, decimals in spec.numbers.items():
        letter = get_column_letter(col + 1)
        dv = DataValidation(type="decimal" if decimals else "whole", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True, showErrorMessage=True, errorTitle=spec.headers[col],
                            error="请填写不小于 0 的" + ("数字" if decimals else "整数"))
        dv.add(f"{letter}3:{letter}{last}")
        ws.add_data_validation(dv)
    for c in range(1, n + 1):
        ws.column_dimensions[get_column_letter(c)].width = spec.widths[c - 1] if c - 1 < len(spec.widths) else 12
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"
    if spec.instructions:
        help_ws = wb.create_sheet("填表说明")
        help_ws.column_dimensions["A"].width = 100
        for i, line in enumerate(spec.instructions, 1):
            help_ws.cell(row=i, column=1, value=xlsx_cell(line)).alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
