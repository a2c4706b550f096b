"""A .csv read as a stream: memory does not grow with the file, only with the rows kept.

Encodings as Excel and WPS save them: UTF-8 (with or without BOM), UTF-16 with BOM, else
GB18030 (a superset of GBK/GB2312, what Excel writes on Chinese Windows). The encoding is decided
by one pass over the file in chunks (a file that is UTF-8 for 1 MB and GBK after is GB18030),
then the rows are read in a second pass. Delimiter: comma, tab or semicolon, as the first 4 KB
say. CR, LF and CRLF all end a row; a quoted cell keeps its line breaks.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

from ..errors import UserError
from . import limits as L
from .cells import cell

CHUNK = 1 << 20


def detect_encoding(fp, name: str) -> str:
    fp.seek(0)
    head = fp.read(4)
    if head.startswith(b"\xef\xbb\xbf"):
        if not _decodes(fp, "utf-8-sig"):
            raise UserError("文件编码有误（标为 UTF-8 但内容不是 UTF-8），请重新另存为 CSV 或 .xlsx")
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        if not _decodes(fp, "utf-16"):
            raise UserError("文件编码有误（UTF-16 内容不完整或已损坏），请另存为 UTF-8 编码的 CSV 或 .xlsx")
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        if _decodes(fp, encoding):
            return encoding
    raise UserError(f"无法识别文件编码（请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx）：{name}")


def _decodes(fp, encoding: str) -> bool:
    fp.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := fp.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def decode_csv_bytes(data: bytes) -> str:
    """The text of a small .csv held in memory (the bulletin's seed file), decided as above."""
    buf = io.BytesIO(data)
    return data.decode(detect_encoding(buf, "CSV")).removeprefix("\ufeff")


def csv_rows(fp, name: str) -> Iterator[tuple[int, list]]:
    """(row number, cells) of the .csv open in ``fp``; blank rows included (the caller skips them)."""
    encoding = detect_encoding(fp, name)
    fp.seek(0)
    text = io.TextIOWrapper(fp, encoding=encoding, newline="")
    try:
        sample = text.read(4096)
        if "\x00" in sample:
            raise UserError(f"不是文本表格文件：{name}")
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
            dialect.doublequote = True  # "" inside a quoted cell (RFC 4180, Excel); the sniffer can miss it
        except csv.Error:
            dialect = csv.excel
        text.seek(0)
        reader = csv.reader(text, dialect)
        number = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger" in str(exc):
                    raise L.cell_too_long(name, number + 1) from None
                raise UserError(f"CSV 格式有误（第{number + 1}行引号不配对或含有空字符）：{name}，"
                                "请在 Excel 中另存为 CSV 或 .xlsx") from None
            number += 1
            if number > L.MAX_ROWS:
                raise L.too_many_rows(name)
            if len(values) > L.MAX_COLUMNS:
                raise L.too_many_columns(name)
            cells = [cell(v) for v in values]
            for value in cells:
                if len(value) > L.MAX_CELL_CHARS:
                    raise L.cell_too_long(name, number)
            yield number, cells
    finally:
        text.detach()
