"""Workbooks (.xlsx .xlsm .xlsb .xls .ods) read by python-calamine, sheet by sheet.

The file has passed :mod:`.bounds` first (sizes, ratio, cell positions), so what calamine lays out
is bounded. Rows come as lists of :func:`.cells.cell` values with the row number Excel shows; a
cell merged over several rows gives its value to each of them (a 批次 or 责任单位 written once for
a block of rows), a cell merged across columns is read once, in its first column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import UserError
from . import limits as L
from .cells import cell


@dataclass
class SheetSource:
    """One worksheet: its name and a way to read its rows."""

    name: str
    read: Any  # () -> Iterator[tuple[int, list]]


def open_workbook(fp, name: str):
    """A calamine workbook over the open binary file ``fp``."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    fp.seek(0)
    try:
        return CalamineWorkbook.from_filelike(fp)
    except PasswordError:
        raise UserError(f"文件有密码保护，请先在 Excel/WPS 中取消密码再导入：{name}") from None
    except (CalamineError, ValueError, OSError) as exc:
        raise UserError(f"无法读取表格文件（可能已损坏或格式不对）：{name}（{_why(exc)}）") from None
    except BaseException as exc:  # a panic in the parser surfaces as pyo3's PanicException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise UserError(f"无法读取表格文件（可能已损坏）：{name}") from None


def _why(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__


def worksheets(wb, name: str, merges: dict[int, list] | None = None) -> list[SheetSource]:
    """The workbook's worksheets in order (chart and macro sheets left out). ``merges``: cells
    merged over several rows by sheet index, for a format whose merges calamine does not give."""
    from python_calamine import SheetTypeEnum

    out = []
    for index, meta in enumerate(wb.sheets_metadata):
        if meta.typ not in (SheetTypeEnum.WorkSheet,):
            continue
        out.append(SheetSource(meta.name, lambda sheet=meta.name, extra=(merges or {}).get(index, ()):
                               _rows(wb, sheet, name, extra)))
    if not out:
        raise UserError(f"表格文件中没有工作表：{name}")
    return out


def _rows(wb, sheet_name: str, name: str, extra_merges=()) -> Iterator[tuple[int, list]]:
    from python_calamine import CalamineError

    try:
        sheet = wb.get_sheet_by_name(sheet_name)
    except CalamineError as exc:
        raise UserError(f"无法读取工作表“{sheet_name}”（可能已损坏）：{name}（{_why(exc)}）") from None
    except BaseException as exc:  # noqa: BLE001 - a parser panic (pyo3 PanicException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise UserError(f"无法读取工作表“{sheet_name}”（可能已损坏）：{name}") from None
    start = sheet.start
    if start is None:
        return
    first_col = start[1]
    L.check_extent(name, sheet.end[0] + 1, sheet.end[1] - first_col + 1)
    fill = _vertical_merges(sheet, first_col, extra_merges)
    carried: dict[int, Any] = {}  # column -> the merged value for the rows still under it
    for index, values in enumerate(sheet.iter_rows()):
        number = index + 1
        cells = [cell(v) for v in values]
        for col, (last_row, value) in list(carried.items()):
            if number > last_row:
                del carried[col]
            elif col < len(cells):
                cells[col] = value
        for col, last_row in fill.get(index, ()):
            if col < len(cells):
                carried[col] = (last_row, cells[col])
        for value in cells:
            if value.__class__ is str and len(value) > L.MAX_CELL_CHARS:
                raise L.cell_too_long(name, number)
        yield number, cells


def _vertical_merges(sheet, first_col: int, extra=()) -> dict[int, list[tuple[int, int]]]:
    """{first row index: [(column, last row number), ...]} of the cells merged over several rows."""
    out: dict[int, list[tuple[int, int]]] = {}
    ranges = [(r1, c1, r2) for (r1, c1), (r2, _c2) in sheet.merged_cell_ranges or ()] + list(extra)
    for r1, c1, r2 in ranges:
        if r2 > r1 and c1 >= first_col:
            out.setdefault(r1, []).append((c1 - first_col, r2 + 1))
    return out
