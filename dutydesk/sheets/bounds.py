"""What a file is, and whether it stays within :mod:`.limits`, found out before any parser runs.

- :func:`kind_of` says what a file is by its content (zip package, OLE2 compound file, text).
- :func:`check_zip` inflates every member of a zip package once, in a bounded stream (never more
  than one chunk in memory), against the size and ratio limits, and lets the member that holds
  the cells be scanned on the way for the positions of its cells (:class:`XmlCellScan` for an
  .xlsx worksheet, :class:`XlsbCellScan` for an .xlsb one, :class:`OdsCellScan` for an .ods
  content.xml).
- :func:`check_xls` reads the cell records' positions of an .xls workbook stream (olefile opens
  the compound file).

Why positions: the spreadsheet parser (calamine) lays a sheet out as one dense array from its
first to its last cell, so a 5 KB sheet with a cell at row 200,000,000 asks for gigabytes and
the process is aborted, not refused. These scans read only tags' and records' positions (what
the parser will lay out), never values: the values are the parser's business.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib

from ..errors import UserError
from . import limits as L

ZIP, OLE2, TEXT = "zip", "ole2", "text"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 1 << 20


def kind_of(head: bytes) -> str:
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return ZIP
    if head.startswith(_OLE2_MAGIC):
        return OLE2
    return TEXT


def package_kind(names: set[str]) -> str | None:
    """``xlsx`` / ``xlsb`` / ``ods`` / ``docx`` for a zip package's member names, else None."""
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names or any(n.startswith("xl/worksheets/") for n in names):
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names and ("mimetype" in names or "META-INF/manifest.xml" in names):
        return "ods"
    return None


def _damaged(name: str) -> UserError:
    return UserError(f"文件已损坏或被截断，无法读取：{name}")


# -- zip packages -----------------------------------------------------------------------------
def check_zip(zf: zipfile.ZipFile, fp, name: str, kind: str) -> dict[int, list]:
    """Inflate every member of ``zf`` (opened on the binary file ``fp``) within the limits;
    scan the members that hold cells. Raises the :class:`UserError` naming the limit.

    Returns an .ods file's cells merged over several rows ({table index: [(row, column, last
    row)]}, 0-based), which the parser does not report for .ods."""
    merges: dict[int, list] = {}
    infos = zf.infolist()
    if len(infos) > L.MAX_MEMBERS:
        raise UserError(f"压缩包内文件过多（超过 {L.MAX_MEMBERS:,} 个的上限）：{name}")
    member_cap = L.MAX_DOCX_MEMBER_BYTES if kind == "docx" else L.MAX_MEMBER_BYTES
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UserError(f"文件有密码保护，请先在 Excel/WPS 中取消密码再导入：{name}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UserError(f"文件使用了不支持的压缩方式，请在 Excel/WPS 中重新另存后再导入：{name}")
        _sizes(info.file_size, info.compress_size, member_cap, name)  # what the directory says, first
        total += info.file_size
        if total > L.MAX_UNZIPPED_BYTES:
            raise UserError(f"文件解压后过大（超过 {L.MAX_UNZIPPED_BYTES // L.MiB} MB 的上限）：{name}")
    total = 0
    for info in infos:  # then what the data really inflates to
        scan = _scanner_for(kind, info.filename)
        size = _inflate(fp, info, name, member_cap, scan)
        total += size
        if total > L.MAX_UNZIPPED_BYTES:
            raise UserError(f"文件解压后过大（超过 {L.MAX_UNZIPPED_BYTES // L.MiB} MB 的上限）：{name}")
        if scan is not None:
            scan.finish()
            scan.check(name)
            merges.update(getattr(scan, "merges", {}))
    return merges


def _scanner_for(kind: str, member: str):
    if kind == "xlsx" and re.fullmatch(r"xl/(worksheets|macrosheets|dialogsheets)/[^/]+\.xml", member):
        return XmlCellScan()
    if kind == "xlsb" and re.fullmatch(r"xl/(worksheets|macrosheets|dialogsheets)/[^/]+\.bin", member):
        return XlsbCellScan()
    if kind == "ods" and member == "content.xml":
        return OdsCellScan()
    return None


def _sizes(size: int, compressed: int, cap: int, name: str) -> None:
    if size > cap:
        raise UserError(f"文件中有一部分解压后过大（超过 {cap // L.MiB} MB 的上限）：{name}")
    if size > L.RATIO_FLOOR and size > L.MAX_RATIO * max(compressed, 1):
        raise UserError(f"文件压缩比异常（超过 {L.MAX_RATIO} 倍的上限，疑似压缩炸弹）：{name}")


def _inflate(fp, info: zipfile.ZipInfo, name: str, cap: int, scan) -> int:
    """The number of bytes ``info``'s data really inflates to (at most ``cap``: beyond it the file
    is refused), found by streaming it through zlib; its CRC checked."""
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise _damaged(name)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    size, crc = 0, 0

    def take(data: bytes) -> None:
        nonlocal size, crc
        size += len(data)
        if size > info.file_size:  # more than the directory says: refused before it grows
            raise _damaged(name)
        crc = zlib.crc32(data, crc)
        if scan is not None:
            scan.feed(data)

    try:
        while left > 0:
            raw = fp.read(min(CHUNK, left))
            if not raw:
                raise _damaged(name)
            left -= len(raw)
            if inflater is None:
                take(raw)
                continue
            data = inflater.decompress(raw, CHUNK)
            take(data)
            while inflater.unconsumed_tail:
                take(inflater.decompress(inflater.unconsumed_tail, CHUNK))
        if inflater is not None:
            take(inflater.flush())
            if not inflater.eof:
                raise _damaged(name)
    except zlib.error:
        raise _damaged(name) from None
    if crc != info.CRC or size != info.file_size:
        raise _damaged(name)
    return size


class _Extent:
    """The bounding box of the cells a parser will lay out; checked against the limits."""

    def __init__(self):
        self.min_row = self.min_col = None
        self.max_row = self.max_col = -1

    def add(self, row: int, col: int) -> None:
        if self.min_row is None or row < self.min_row:
            self.min_row = row
        if self.min_col is None or col < self.min_col:
            self.min_col = col
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col

    def check(self, name: str) -> None:
        if self.min_row is None:
            return
        # the rows are counted from the sheet's first row: the reader gives row numbers as Excel shows them
        L.check_extent(name, self.max_row + 1, self.max_col + 1)


class _TagScan(_Extent):
    """Start tags found in a stream of XML bytes, chunk by chunk (a tag cut by a chunk's end is
    kept for the next chunk)."""

    TAG: re.Pattern

    def __init__(self):
        super().__init__()
        self._tail = b""

    def feed(self, data: bytes) -> None:
        buf = self._tail + data if self._tail else data
        cut = buf.rfind(b"<")
        if cut >= 0 and buf.find(b">", cut) < 0:
            self._tail = buf[cut:]
            if len(self._tail) > L.MiB:
                raise UserError("表格文件结构异常（标签过长）")
            buf = buf[:cut]
        else:
            self._tail = b""
        for m in self.TAG.finditer(buf):
            self.tag(m[1], m[2])

    def finish(self) -> None:
        if self._tail:
            self.feed(b">")

    def tag(self, name: bytes, attrs: bytes) -> None:
        raise NotImplementedError


_COLS = {chr(c).encode(): c - 64 for c in range(65, 91)}
_ROW_R = re.compile(rb'\br="(\d+)"')
_CELL_R = re.compile(rb'\br="([A-Za-z]+)(\d+)"')


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


class XmlCellScan(_TagScan):
    """An .xlsx worksheet: ``<row r>`` and ``<c r>`` (or their order where ``r`` is left out); a
    cell written ``<c .../>`` has no value and takes no place.

    A chunk in which every row and cell names its place (what Excel, WPS, LibreOffice and
    openpyxl write, the place first) is scanned with one regular expression; a chunk with a tag that
    leaves its place out or writes it later, or with prefixed tags, tag by tag."""

    TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
    # a tag whose place is not its first attribute (all the writers above put it first; the rest, a
    # tag with no place among them, is read tag by tag), or a prefixed tag
    _UNPLACED = re.compile(rb'<(?:row|c)(?=[\s/>])(?! r=")|<[A-Za-z_][\w.-]*:(?:row|c)[\s/>]')
    _PLACED_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Za-z]{1,3})(\d+)"[^>]*(?<!/)>')
    _LAST_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*>(?!.*<row\b)', re.S)

    def __init__(self):
        super().__init__()
        self.row, self.col = -1, -1

    def feed(self, data: bytes) -> None:
        buf = self._tail + data if self._tail else data
        cut = buf.rfind(b"<")
        if cut >= 0 and buf.find(b">", cut) < 0:
            tail, buf = buf[cut:], buf[:cut]
        else:
            tail = b""
        if self._UNPLACED.search(buf):
            self._tail = b""
            super().feed(buf)
        else:
            cells = self._PLACED_CELL.findall(buf)
            if cells:
                columns = {_column(letters) for letters in {c[0] for c in cells}}
                rows = [int(c[1]) for c in cells]
                self.add(min(rows) - 1, min(columns))
                self.add(max(rows) - 1, max(columns))
            last = self._LAST_ROW.search(buf, max(0, buf.rfind(b"<row")))
            if last:
                self.row, self.col = int(last[1]) - 1, -1
        if len(tail) > L.MiB:
            raise UserError("表格文件结构异常（标签过长）")
        self._tail = tail

    def tag(self, name: bytes, attrs: bytes) -> None:
        if name == b"row":
            m = _ROW_R.search(attrs)
            self.row = int(m[1]) - 1 if m else self.row + 1
            self.col = -1
            return
        m = _CELL_R.search(attrs)
        if m:
            self.col, row = _column(m[1]), int(m[2]) - 1
        else:
            self.col, row = self.col + 1, max(self.row, 0)
        if not attrs.rstrip().endswith(b"/"):
            self.add(row, self.col)


class OdsCellScan(_TagScan):
    """An .ods content.xml: rows and cells with their ``number-rows-repeated`` and
    ``number-columns-repeated``, table by table (the parser reads every table when it opens the
    file: their areas count together)."""

    TAG = re.compile(rb"<(/?table:(?:table|table-row|table-cell|covered-table-cell))(?=[\s/>])([^>]*)>")
    _ROWS = re.compile(rb'table:number-rows-repeated="(\d+)"')
    _SPANNED = re.compile(rb'table:number-rows-spanned="(\d+)"')
    _COLS = re.compile(rb'table:number-columns-repeated="(\d+)"')

    def __init__(self):
        super().__init__()
        self.cells = 0
        self.tables = -1
        self.merges: dict[int, list[tuple[int, int, int]]] = {}
        self._table()

    def _table(self) -> None:
        self.row = 0  # rows so far in this table, repeats expanded
        self.first = self.last = None  # first and last row with a value
        self.width = 0
        self._row_reps, self._col, self._last_col = 1, 0, -1

    def tag(self, name: bytes, attrs: bytes) -> None:
        if name == b"table:table":
            self.tables += 1
            self._table()
        elif name == b"/table:table":
            if self.first is not None:
                rows = self.last - self.first + 1
                L.check_extent("content.xml", self.last + 1, self.width)
                self.cells += rows * self.width
                if self.cells > L.MAX_CELLS:
                    raise L.too_many_cells("content.xml")
            self._table()
        elif name == b"table:table-row":
            m = self._ROWS.search(attrs)
            self._row_reps = int(m[1]) if m else 1
            self._col, self._last_col = 0, -1
            if attrs.rstrip().endswith(b"/"):
                self._end_row()
        elif name == b"/table:table-row":
            self._end_row()
        elif not name.startswith(b"/"):  # a cell's start tag (its end tag says nothing)
            m = self._COLS.search(attrs)
            reps = int(m[1]) if m else 1
            spanned = self._SPANNED.search(attrs)
            if spanned and int(spanned[1]) > 1 and len(self.merges.get(self.tables, ())) < L.MAX_ROWS:
                self.merges.setdefault(self.tables, []).append(
                    (self.row, self._col, self.row + int(spanned[1]) - 1))
            if b"office:value-type" in attrs or not attrs.rstrip().endswith(b"/"):
                self._last_col = self._col + reps - 1
            self._col += reps

    def _end_row(self) -> None:
        if self._last_col >= 0:
            if self.first is None:
                self.first = self.row
            self.last = self.row + self._row_reps - 1
            self.width = max(self.width, self._last_col + 1)
            L.check_extent("content.xml", self.last + 1, self.width)
        self.row += self._row_reps
        self._row_reps, self._col, self._last_col = 1, 0, -1

    def check(self, name: str) -> None:
        if self.cells > L.MAX_CELLS:
            raise L.too_many_cells(name)


SHORT_CELLS = ("此 .xlsb 文件不是 Excel 保存的（单元格使用了“短记录”格式，读取库会漏掉其中的单元格），"
               "请在 Excel/WPS 中另存为 .xlsx 后再导入")


class XlsbCellScan(_Extent):
    """An .xlsb worksheet: BIFF12 records (a variable-length type and size); a row header
    (type 0) gives the row, a cell record (types 2-11) its column in its first four bytes.

    Excel writes every cell in that full form; some other writers (SheetJS) write a cell that
    follows another in a row in the short form (types 12-18, the column left out), which
    calamine does not read: it would drop those cells without a word, so such a file is refused.
    """

    def __init__(self):
        super().__init__()
        self._buf = b""
        self._skip = 0
        self._row = 0

    def feed(self, data: bytes) -> None:
        if self._skip:
            n = min(self._skip, len(data))
            self._skip -= n
            data = data[n:]
        buf = self._buf + data if self._buf else data
        pos, end = 0, len(buf)
        while pos < end:
            header = _record_header(buf, pos)
            if header is None:
                break
            typ, length, start = header
            if 12 <= typ <= 18:
                raise UserError(SHORT_CELLS)
            if typ == 0 or 2 <= typ <= 11:
                if length >= 4:
                    if start + 4 > end:
                        break
                    value = struct.unpack_from("<I", buf, start)[0]
                    if typ == 0:
                        self._row = value
                    else:
                        self.add(self._row, value)
            if start + length > end:
                self._skip = start + length - end
                pos = end
                break
            pos = start + length
        self._buf = buf[pos:]
        if len(self._buf) > 64:
            raise UserError("表格文件结构异常")

    def finish(self) -> None:
        pass


def _record_header(buf: bytes, pos: int):
    """(type, size, start of data) of the BIFF12 record at ``pos``, or None if cut off."""
    end = len(buf)
    if pos >= end:
        return None
    b = buf[pos]
    pos += 1
    typ = b & 0x7F
    if b & 0x80:
        if pos >= end:
            return None
        typ |= (buf[pos] & 0x7F) << 7
        pos += 1
    length = 0
    for i in range(4):
        if pos >= end:
            return None
        b = buf[pos]
        pos += 1
        length |= (b & 0x7F) << (7 * i)
        if not b & 0x80:
            break
    return typ, length, pos


# -- .xls (OLE2) ------------------------------------------------------------------------------
_XLS_CELLS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x0006, 0x027E, 0x00FD, 0x0406, 0x0003, 0x0004, 0x0005, 0x0002}
_XLS_MULRK = 0x00BD
_XLS_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_XLS_FILEPASS = 0x002F


def ole_streams(fp) -> list[str]:
    """The stream names of the OLE2 compound file open in ``fp`` ("Workbook", "EncryptedPackage", …)."""
    import olefile

    try:
        fp.seek(0)
        with olefile.OleFileIO(fp) as ole:
            return ["/".join(entry) for entry in ole.listdir()]
    except Exception:  # noqa: BLE001 - olefile raises many kinds on a damaged file
        return []


def check_xls(fp, name: str) -> None:
    """Read the cell records' positions of an .xls workbook stream, sheet by sheet; refuse a
    password-protected workbook (its records are encrypted)."""
    import olefile

    try:
        fp.seek(0)
        with olefile.OleFileIO(fp) as ole:
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                raise UserError(f"不是有效的 .xls 文件：{name}")
            if ole.get_size(stream) > L.MAX_XLS_BYTES:
                raise UserError(f"文件过大（超过 {L.MAX_XLS_BYTES // L.MiB} MB 的上限）：{name}")
            data = ole.openstream(stream).read()
    except UserError:
        raise
    except Exception:  # noqa: BLE001
        raise _damaged(name) from None
    sheet, cells = _Extent(), 0
    pos, end = 0, len(data)
    while pos + 4 <= end:
        typ, length = struct.unpack_from("<HH", data, pos)
        body = pos + 4
        if typ == _XLS_FILEPASS:
            raise UserError(f"文件有密码保护，请先在 Excel/WPS 中取消密码再导入：{name}")
        if typ in _XLS_BOF:
            cells += _area(sheet, name)
            sheet = _Extent()
        elif typ in _XLS_CELLS and length >= 4 and body + 4 <= end:
            row, col = struct.unpack_from("<HH", data, body)
            sheet.add(row, col)
        elif typ == _XLS_MULRK and length >= 6 and body + length <= end:
            row, first = struct.unpack_from("<HH", data, body)
            last = struct.unpack_from("<H", data, body + length - 2)[0]
            sheet.add(row, first)
            sheet.add(row, max(first, last))
        pos = body + length
    cells += _area(sheet, name)
    if cells > L.MAX_CELLS:
        raise L.too_many_cells(name)


def _area(sheet: _Extent, name: str) -> int:
    if sheet.min_row is None:
        return 0
    sheet.check(name)
    return (sheet.max_row - sheet.min_row + 1) * (sheet.max_col - sheet.min_col + 1)
