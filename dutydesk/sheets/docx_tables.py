"""The tables of a .docx letter (python-docx), read as sheets.

The text before and after a table is ignored. A cell spanning several columns is read once, in
its first column; a cell merged down over several rows gives its text to each of them (as a
merged cell of a spreadsheet does). A table that goes on in a second table after a page break,
beginning with the same header row, is read as one table (its repeated header rows are skipped
by the reader, as a header row repeated anywhere in a table is).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import UserError
from . import limits as L
from .cells import cell
from .workbook import SheetSource


def docx_tables(fp, name: str) -> list[SheetSource]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    fp.seek(0)
    try:
        document = docx.Document(fp)
    except PackageNotFoundError:
        raise UserError(f"不是有效的 .docx 文件：{name}") from None
    except (ValueError, KeyError, OSError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
        raise UserError(f"无法读取 .docx 文件（可能已损坏）：{name}（{type(exc).__name__}）") from None
    tables = [_grid(tbl, name) for tbl in document.element.body.tbl_lst]
    if not tables:
        raise UserError(f"文档中没有表格：{name}")
    out = []
    for i, rows in enumerate(tables):
        if not rows:
            continue
        parts = [rows]
        for later in tables[i + 1:]:  # the same table going on after a page break
            if later and later[0] == rows[0]:
                parts.append(later)
            else:
                break
        out.append(SheetSource(f"表格{i + 1}", lambda parts=parts: _numbered(parts)))
    if not out:
        raise UserError(f"文档中的表格是空的：{name}")
    return out


def _numbered(parts: list[list[list[str]]]) -> Iterator[tuple[int, list]]:
    number = 0
    for rows in parts:
        for cells in rows:
            number += 1
            yield number, cells


def _grid(tbl, name: str) -> list[list[str]]:
    """The table's rows as lists of cell texts on the table's grid."""
    rows: list[list[str]] = []
    above: dict[int, str] = {}  # grid column -> text of the cell a vertical merge continues
    for tr in tbl.tr_lst:
        if len(rows) >= L.MAX_ROWS:
            raise L.too_many_rows(name)
        cells: list[str] = [""] * tr.grid_before
        for tc in tr.tc_lst:
            col = len(cells)
            span = max(1, tc.grid_span)
            if col + span > L.MAX_COLUMNS:
                raise L.too_many_columns(name)
            if tc.vMerge == "continue":
                text = above.get(col, "")
            else:
                text = cell("\n".join(p.text for p in tc.p_lst))
                if len(text) > L.MAX_CELL_CHARS:
                    raise L.cell_too_long(name, len(rows) + 1)
            above[col] = text
            cells.append(text)
            cells.extend([""] * (span - 1))
        rows.append(cells)
    return rows
