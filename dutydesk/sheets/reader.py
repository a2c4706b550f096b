"""Reading the tables officers are handed: .xlsx .xlsm .xlsb .xls .ods (python-calamine), .csv
(streamed), the first table of a .docx letter whose header maps (python-docx).

What a file is comes from its content; a file whose content is not what its extension says is
refused, as is one over any of the limits of :mod:`.limits` (checked before a parser runs, see
:mod:`.bounds`). Every refusal is one :class:`~dutydesk.errors.UserError` line in Chinese.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..text import normalize_key
from . import bounds
from . import limits as L
from .csv_stream import csv_rows
from .docx_tables import docx_tables
from .header import HeaderMap, find_header
from .model import Row, Sheet
from .workbook import SheetSource, open_workbook, worksheets

# suffix -> what its content must be
KINDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xlsb": "xlsb", ".xls": "xls", ".ods": "ods", ".csv": "csv",
         ".txt": "csv", ".docx": "docx"}
SUFFIXES = tuple(KINDS)
_LABELS = {"xlsx": "Excel .xlsx", "xlsb": "Excel .xlsb", "xls": "Excel 97-2003 .xls", "ods": "OpenDocument .ods",
           "docx": "Word .docx", "csv": "文本（CSV 或网页）"}
HEADER_SCAN = 10  # non-blank rows looked at for the header
Progress = Callable[[str, int, int | None], None]


def _mismatch(name: str, suffix: str, actual: str) -> UserError:
    return UserError(f"文件内容与扩展名不符：{name} 的扩展名是 {suffix}，内容却是{_LABELS.get(actual, actual)}文件"
                     "（请改正扩展名，或在 Excel/WPS 中重新另存后再导入）")


@contextmanager
def sources(path: Path) -> Iterator[list[SheetSource]]:
    """The file's tables (worksheets, or .docx tables), readable while the block runs."""
    name = path.name
    suffix = path.suffix.lower()
    expected = KINDS.get(suffix)
    L.check_file(path)  # a device or FIFO is refused as such, whatever its name
    if expected is None:
        raise UserError(f"不支持的文件类型：{path.suffix or '（无扩展名）'}（可导入 .xlsx .xls .xlsb .ods .csv .docx）")
    with L.open_regular(path, max_bytes=L.MAX_XLS_BYTES if expected == "xls" else L.MAX_BYTES) as fp:
        head = fp.read(8)
        if not head:
            raise UserError(f"文件是空的：{name}")
        kind = bounds.kind_of(head)
        if kind == bounds.TEXT:
            if expected != "csv":
                raise _mismatch(name, suffix, "csv")
            yield [SheetSource(path.stem, lambda: csv_rows(fp, name))]
        elif kind == bounds.ZIP:
            try:
                zf = zipfile.ZipFile(fp)
                names = set(zf.namelist())
            except Exception:  # noqa: BLE001 - zipfile raises many kinds on a damaged file (BadZipFile,
                # NotImplementedError for a bit flipped in a version field, ValueError, EOFError …)
                raise UserError(f"文件已损坏或被截断，无法读取：{name}") from None
            actual = bounds.package_kind(names)
            if actual is None:
                raise UserError(f"不是表格或 Word 文件（压缩包中没有工作表或文档）：{name}")
            if actual != expected:
                raise _mismatch(name, suffix, actual)
            merges = bounds.check_zip(zf, fp, name, actual)
            if actual == "docx":
                yield docx_tables(fp, name)
            else:
                with _workbook(fp, name) as wb:
                    yield worksheets(wb, name, merges)
        else:
            streams = bounds.ole_streams(fp)
            if "EncryptedPackage" in streams:
                raise UserError(f"文件有密码保护，请先在 Excel/WPS 中取消密码再导入：{name}")
            if "WordDocument" in streams:
                raise UserError(f"不支持旧版 Word .doc 文件，请在 Word/WPS 中另存为 .docx 后再导入：{name}")
            if expected != "xls":
                raise _mismatch(name, suffix, "xls")
            bounds.check_xls(fp, name)
            with _workbook(fp, name) as wb:
                yield worksheets(wb, name)


@contextmanager
def _workbook(fp, name: str):
    wb = open_workbook(fp, name)
    try:
        yield wb
    finally:
        wb.close()


def _blank(cells: list) -> bool:
    return cells.count("") == len(cells)  # cells are stripped text, or dates (which count)


class _Table:
    """A source's first non-blank rows (to find the header in), then the rest of its rows."""

    def __init__(self, source: SheetSource, known: set[str] | None):
        self.name = source.name
        self._rows = source.read()
        self.peeked: list[tuple[int, list]] = []
        for number, cells in self._rows:
            if _blank(cells):
                continue
            self.peeked.append((number, cells))
            if len(self.peeked) >= HEADER_SCAN:
                break
        h = find_header([cells for _, cells in self.peeked], known) if self.peeked else 0
        self.header_row, header = self.peeked[h] if self.peeked else (1, [])
        self.headers = [str(v).strip() for v in header]
        self._after = self.peeked[h + 1:]

    def rows(self, progress: Progress | None = None) -> Iterator[tuple[int, list]]:
        """The data rows: blank rows and rows repeating the header (a table printed over several
        pages) left out."""
        header = [str(v) for v in self.headers]
        first = header[0] if header else None
        n = 0
        for number, cells in chain(self._after, self._rows):
            if _blank(cells) or (first is None or (cells and str(cells[0]) == first)
                                 and [str(v) for v in cells[: len(header)]] == header):
                continue
            n += 1
            if progress and not n % 2000:
                progress("读取", n, None)
            yield number, cells


def _pick(path: Path, tables: list[SheetSource], known: set[str], sheet: str | None,
          fits: Callable[[list[str]], bool]) -> _Table:
    if sheet is not None:
        chosen = [s for s in tables if s.name == sheet]
        if not chosen:
            raise UserError(f"{path.name} 中没有名为“{sheet}”的工作表（有：{'、'.join(s.name for s in tables)[:200]}）")
        tables = chosen
    first = None
    for source in tables:
        table = _Table(source, known)
        if table.peeked and fits(table.headers):
            return table
        if first is None and table.peeked:
            first = table
    if first is None:
        raise UserError(f"文件是空的：{path.name}")
    return first


def read_sheet(path: str | Path, *, known_headers: set[str] | None = None, sheet: str | None = None) -> Sheet:
    """The first table (or the one named ``sheet``) as a :class:`Sheet` keyed by header.

    ``known_headers`` (normalised header names and aliases) finds the header below title rows
    and the first table that has one.
    """
    path = Path(path)
    known = known_headers or set()
    with sources(path) as tables:
        table = _pick(path, tables, known, sheet,
                      lambda headers: not known or any(normalize_key(h) in known for h in headers))
        named = [(i, h) for i, h in enumerate(table.headers) if h]
        out = Sheet(path=path, headers=table.headers, header_row=table.header_row, name=table.name,
                    names=[s.name for s in tables])
        for number, cells in table.rows():
            out.rows.append(Row(number, {h: cells[i] if i < len(cells) else "" for i, h in named}))
    return out


def read_mapped(path: str | Path, aliases: dict[str, list[str]], *, required: list[str] = (),
                sheet: str | None = None, progress: Progress | None = None) -> tuple[Sheet, list[Row]]:
    """Read a file and map its headers: ``(sheet, rows keyed by field)``.

    The table read is the first whose header row names every ``required`` field (or the one
    named ``sheet``); a missing required column is a clear error naming it. ``sheet.rows`` is
    left empty (the mapped rows are the ones returned).
    """
    path = Path(path)
    hmap = HeaderMap(aliases)

    def fits(headers: list[str]) -> bool:
        mapping, _ = hmap.map_headers(headers)
        return all(f in mapping.values() for f in required)

    with sources(path) as tables:
        table = _pick(path, tables, hmap.known, sheet, fits)
        mapping, ignored = hmap.map_headers(table.headers)
        out = Sheet(path=path, headers=table.headers, header_row=table.header_row, name=table.name,
                    names=[s.name for s in tables], mapping=mapping, ignored=ignored)
        missing = [f for f in required if f not in mapping.values()]
        if missing:
            # Name a missing column as officers write it (the first alias), not by an internal key.
            missing = [f if not f.isascii() else next(iter(aliases.get(f) or [f])) for f in missing]
            where = f"工作表“{table.name}”" if len(tables) > 1 else ""
            raise UserError(f"表格缺少必需的列：{'、'.join(missing)}（{where}第{table.header_row}行表头为："
                            f"{'、'.join(h for h in table.headers if h)[:200]}）")
        columns = [(i, mapping[h]) for i, h in enumerate(table.headers) if h in mapping]
        fields, places = [f for _, f in columns], [i for i, _ in columns]
        width = max(places, default=-1) + 1
        pick = itemgetter(*places) if len(places) > 1 else lambda cells: tuple(cells[i] for i in places)
        rows = []
        same: dict = {}  # one object for each short text met again (units, types, dates, 是/否 …)
        for number, cells in table.rows(progress):
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            values = {f: same.setdefault(v, v) if v.__class__ is str and len(v) <= 24 else v
                      for f, v in zip(fields, pick(cells))}
            rows.append(Row(number, values))
    return out, rows


def split_multi(value: Any) -> list[str]:
    """``张三、李四,王五；赵六`` → [张三, 李四, 王五, 赵六]."""
    if not value:
        return []
    text = str(value)
    for sep in ("，", ",", "；", ";", "/", "　", "\n"):
        text = text.replace(sep, "、")
    return [p.strip() for p in text.split("、") if p.strip()]
