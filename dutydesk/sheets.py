"""Reading spreadsheets as officers get them: .xlsx, and .csv in UTF-8 (with or without BOM)
or GB18030/GBK as Excel writes it on Chinese Windows. Headers are matched through aliases.

No UI imports. Every problem is a :class:`UserError` with a Chinese message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UserError
from .text import clean, normalize_key

MAX_BYTES = 200 * 1024 * 1024


@dataclass
class Sheet:
    """A table read from a file: ``headers`` as written and ``rows`` keyed by header.

    ``rows[i].number`` is the row number an officer sees in Excel (header row = 1 when the
    header is the first row).
    """

    path: Path
    headers: list[str]
    rows: list["Row"] = field(default_factory=list)
    header_row: int = 1


@dataclass
class Row:
    number: int
    values: dict[str, Any]

    def get(self, key: str, default: Any = "") -> Any:
        value = self.values.get(key, default)
        return default if value is None else value


def _cell(value: Any) -> Any:
    if value.__class__ is str:  # the common case first (a .csv has nothing else)
        return clean(value).strip()
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return clean(str(value)).strip()


def decode_csv_bytes(data: bytes) -> str:
    """UTF-8 (BOM or not), else GB18030 (a superset of GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError("文件编码有误（标为 UTF-8 但内容不是 UTF-8），请重新另存为 CSV 或 .xlsx") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UserError("文件编码有误（UTF-16 内容不完整或已损坏），请另存为 UTF-8 编码的 CSV 或 .xlsx") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UserError("无法识别文件编码（请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx）") from exc


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    return "\x00" in sample


def _find_header(raw: list[list[Any]], known: set[str] | None) -> int:
    """Index of the header row: the first row (of the first 10) that names known fields.

    Real sheets often carry a title row (e.g. ``第3批信访件交办表``) above the header.
    """
    if not known:
        return 0
    best, best_hits = 0, 0
    for i, row in enumerate(raw[:10]):
        hits = sum(1 for v in row if normalize_key(v) in known)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def read_sheet(path: str | Path, *, known_headers: set[str] | None = None) -> Sheet:
    """Read the first worksheet of an .xlsx or a .csv file.

    ``known_headers`` (normalised header names and aliases) helps skip title rows.
    """
    path = Path(path)
    if not path.exists():
        raise UserError(f"文件不存在：{path}")
    if path.is_dir():
        raise UserError(f"这是一个文件夹，不是表格文件：{path}")
    if path.stat().st_size > MAX_BYTES:
        raise UserError(f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MB）：{path.name}")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        raw = _read_xlsx(path)
    elif suffix in {".csv", ".txt"}:
        raw = _read_csv(path)
    elif suffix == ".xls":
        raise UserError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV")
    else:
        raise UserError(f"不支持的文件类型：{path.suffix or '（无扩展名）'}（请用 .xlsx 或 .csv）")
    if not raw or not any(str(v).strip() for r in raw for v in r if v is not None):
        raise UserError(f"文件是空的：{path.name}")
    h = _find_header(raw, known_headers)
    headers = [str(_cell(v)).strip() for v in raw[h]]
    sheet = Sheet(path=path, headers=headers, header_row=h + 1)
    named = [(i, header) for i, header in enumerate(headers) if header]
    for offset, values in enumerate(raw[h + 1 :], start=h + 2):
        cells = [_cell(v) for v in values]
        if not any(cells):  # a blank line (_cell gives stripped text, or a date, which counts)
            continue
        if len(cells) < len(headers):
            cells += [""] * (len(headers) - len(cells))
        sheet.rows.append(Row(offset, {header: cells[i] for i, header in named}))
    return sheet


def _read_xlsx(path: Path) -> list[list[Any]]:
    """The first worksheet's values as openpyxl's read-only mode gives them: read by the streaming
    reader in ``xlsx_read`` (several times faster), or by openpyxl itself for any file that reader
    leaves to it (unusual or damaged ones), which then also says what is wrong."""
    from .xlsx_read import read_values

    try:
        return read_values(path)
    except Exception:  # noqa: BLE001 - whatever it is, openpyxl reads the file or explains the problem
        return _read_xlsx_openpyxl(path)


def _read_xlsx_openpyxl(path: Path) -> list[list[Any]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise UserError(f"不是有效的 .xlsx 文件（可能已损坏或被截断）：{path.name}") from exc
    except Exception as exc:  # openpyxl raises many kinds on garbage
        raise UserError(f"无法读取 .xlsx 文件：{path.name}（{type(exc).__name__}）") from exc
    try:
        if not wb.worksheets:
            raise UserError(f".xlsx 文件中没有工作表：{path.name}")
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    except UserError:
        raise
    except Exception as exc:  # read-only mode parses lazily: garbage fails here (zip, XML, zlib errors)
        raise UserError(f"不是有效的 .xlsx 文件（可能已损坏或被截断）：{path.name}") from exc
    finally:
        wb.close()
    return rows


def _read_csv(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    text = decode_csv_bytes(data)
    if _looks_binary(text):
        raise UserError(f"不是文本表格文件：{path.name}")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        # newline="": CR, LF and CRLF all end a row (old Mac/Excel files), and a quoted cell keeps its line breaks
        return [row for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise UserError(f"CSV 格式有误（引号不配对或单元格过长）：{path.name}，请在 Excel 中另存为 CSV 或 .xlsx") from exc


class HeaderMap:
    """Maps headers as written in real sheets to canonical field names.

    ``aliases`` = {field: [header, alias, ...]}. Matching ignores spaces, full/half width,
    and a trailing unit in brackets (``罚款金额(万元)`` matches ``罚款金额``).
    """

    def __init__(self, aliases: dict[str, list[str]]):
        self.aliases = aliases
        self._index: dict[str, str] = {}
        for fieldname, names in aliases.items():
            for name in [fieldname, *names]:
                self._index[self.norm(name)] = fieldname

    @staticmethod
    def norm(header: Any) -> str:
        key = normalize_key(header)
        for left, right in (("(", ")"), ("（", "）"), ("[", "]")):
            if key.endswith(right) and left in key:
                key = key[: key.rindex(left)]
        return key

    @property
    def known(self) -> set[str]:
        return set(self._index) | {normalize_key(n) for names in self.aliases.values() for n in names}

    def field_for(self, header: str) -> str | None:
        return self._index.get(self.norm(header)) or self._index.get(normalize_key(header))

    def map_sheet(self, sheet: Sheet) -> tuple[dict[str, str], list[str]]:
        """Return ({header: field}, [unknown headers])."""
        mapping, unknown = {}, []
        for header in sheet.headers:
            if not header:
                continue
            f = self.field_for(header)
            if f and f not in mapping.values():
                mapping[header] = f
            else:
                unknown.append(header)
        return mapping, unknown

    def rows(self, sheet: Sheet) -> list[Row]:
        """The sheet's rows re-keyed by canonical field name (unknown columns dropped)."""
        mapping, _ = self.map_sheet(sheet)
        return [Row(r.number, {mapping[h]: v for h, v in r.values.items() if h in mapping}) for r in sheet.rows]


def read_mapped(path: str | Path, aliases: dict[str, list[str]], *, required: list[str] = ()) -> tuple[Sheet, list[Row]]:
    """Read a file and map its headers; a missing required column is a clear error."""
    hmap = HeaderMap(aliases)
    sheet = read_sheet(path, known_headers=hmap.known)
    mapping, _ = hmap.map_sheet(sheet)
    missing = [f for f in required if f not in mapping.values()]
    if missing:
        # Name a missing column as officers write it (the first alias), not by an internal key.
        missing = [f if not f.isascii() else next(iter(aliases.get(f) or [f])) for f in missing]
        raise UserError(
            f"表格缺少必需的列：{'、'.join(missing)}（第{sheet.header_row}行表头为：{'、'.join(h for h in sheet.headers if h)[:200]}）"
        )
    return sheet, hmap.rows(sheet)


def split_multi(value: Any) -> list[str]:
    """``张三、李四,王五；赵六`` → [张三, 李四, 王五, 赵六]."""
    if not value:
        return []
    text = str(value)
    for sep in ("，", ",", "；", ";", "/", "　", "\n"):
        text = text.replace(sep, "、")
    return [p.strip() for p in text.split("、") if p.strip()]
