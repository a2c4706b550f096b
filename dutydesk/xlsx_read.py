"""Reading the first worksheet of an .xlsx as openpyxl's read-only mode reads it, several times faster.

``read_values(path)`` returns the rows exactly as ``[list(r) for r in
openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0].iter_rows(values_only=True)]``
(shared and inline strings, numbers, booleans, error codes, formula results, dates through the
cell's number format and the workbook's 1900/1904 epoch, the padding and row gaps of read-only
mode, the sheet's ``<dimension>``), by streaming the sheet's XML with ``xml.etree.iterparse``
instead of building openpyxl's cell objects. It raises :class:`Unsupported` on anything it does
not read the way openpyxl does (an unusual package layout, a cell reference it does not know, a
chart sheet, strict OOXML, a damaged part …): the caller then reads the file with
openpyxl, which gives the same rows or its own error. It is more lenient than openpyxl in one
way: worksheet settings that do not hold cell values (page setup, views, conditional
formatting …) are not parsed, so a damaged one does not refuse the file.

openpyxl is imported only when a workbook needs its number-format rules (a number in a cell
whose style is not one of the plain built-in number formats) or its date conversion.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import XML, iterparse

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_M = f"{{{_MAIN}}}"
_ROW, _C, _V, _IS, _DIMENSION, _SHEET_DATA, _SI = (_M + t for t in ("row", "c", "v", "is", "dimension", "sheetData",
                                                                  "si"))
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WORKBOOK_TYPES = [  # in the order openpyxl looks for them
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
]
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")
_RANGE_REF = re.compile(r"([A-Za-z]{1,3})(\d+)(?::([A-Za-z]{1,3})(\d+))?")
# Built-in number formats that are neither dates nor durations for openpyxl (General, 0, 0.00, #,##0,
# currency, %, scientific, fractions, accounting, @): a workbook whose cell styles all use these
# needs no date rules (tests/test_petitions_io.py checks the list against openpyxl).
PLAIN_FORMATS = frozenset({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 37, 38, 39, 40, 41, 42, 43, 44, 48, 49})


class Unsupported(Exception):
    """The file is not one this reader reads exactly as openpyxl does: read it with openpyxl."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(node) -> str:
    """``openpyxl.cell.text.Text.from_tree(node).content``: the ``t`` child, then each run's ``t``
    (phonetic runs left out)."""
    if any(not k.startswith("{") for k in node.attrib):
        raise Unsupported("attributes on a string")  # openpyxl's Text(**attrib) refuses them
    plain, runs = None, []
    for el in node:
        tag = _local(el.tag)
        if tag == "t":
            plain = el.text
        elif tag == "r":
            if any(not k.startswith("{") for k in el.attrib):
                raise Unsupported("attributes on a run")
            text = None
            for sub in el:
                if _local(sub.tag) == "t":
                    text = sub.text
            if text is not None:
                runs.append(text)
    return "".join(([plain] if plain is not None else []) + runs)


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _cast_number(value: str) -> int | float:
    if "." in value or "E" in value or "e" in value:
        return float(value)
    return int(value)


class _Book:
    """The workbook parts a worksheet needs: its path, shared strings, epoch, date styles."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        names = set(zf.namelist())
        manifest = XML(zf.read("[Content_Types].xml"))
        overrides = [(o.get("PartName"), o.get("ContentType")) for o in manifest.iter(_CT + "Override")]
        part = next((name for ct in _WORKBOOK_TYPES for name, t in overrides if t == ct), None)
        if part is None or not part.startswith("/"):
            raise Unsupported("workbook part")
        workbook = part[1:]
        strings = next((name for name, t in overrides if t == _SHARED_STRINGS), None)
        self.strings: list[str] = self._read_strings(strings[1:]) if strings else []
        root = XML(zf.read(workbook))
        if root.tag != _M + "workbook":
            raise Unsupported("workbook root")
        props = root.findall(_M + "workbookPr")
        flag = props[0].get("date1904") if len(props) == 1 else None
        if len(props) > 1 or flag not in (None, "0", "1", "false", "true"):
            raise Unsupported("date1904")
        self.mac_epoch = flag in ("1", "true")
        folder, name = posixpath.split(workbook)
        rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
        rels = {}
        for rel in XML(zf.read(rels_path)).iter(_RELS + "Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(posixpath.split(posixpath.dirname(rels_path))[0], target))
            rels[rel.get("Id")] = (rel.get("Type") or "", target)
        self.sheet = None
        sheets = root.find(_M + "sheets")
        for sheet in sheets if sheets is not None else ():
            if sheet.tag != _M + "sheet":
                continue
            rid = sheet.get(_R_ID)
            if not rid:
                continue  # openpyxl skips it with a warning
            kind, target = rels[rid]  # a missing relation: KeyError, openpyxl fails too
            if target not in names:
                continue
            if "chartsheet" in kind:  # openpyxl reads every chart sheet when it opens the file (and may fail)
                raise Unsupported("chart sheet")
            if kind != _WORKSHEET_REL:
                raise Unsupported("sheet type")
            if self.sheet is None:
                self.sheet = target
        if self.sheet is None:
            raise Unsupported("no worksheet")
        self._styles = "xl/styles.xml" if "xl/styles.xml" in names else None
        self._dates: tuple[set, set] | None = None
        # Parts openpyxl reads when it opens a workbook: a damaged one is refused there too.
        for part in ("docProps/core.xml", "docProps/custom.xml", self._styles,
                     posixpath.join(posixpath.dirname(self.sheet), "_rels", posixpath.basename(self.sheet) + ".rels")):
            if part in names:
                XML(zf.read(part))
        if "xl/theme/theme1.xml" in names:
            zf.read("xl/theme/theme1.xml")

    def _read_strings(self, path: str) -> list[str]:
        out = []
        with self.zf.open(path) as src:
            for _, node in iterparse(src):
                if node.tag == _SI:
                    out.append(_text(node).replace("x005F_", ""))
                    node.clear()
        return out

    def date_styles(self) -> tuple[set, set]:
        """(style ids openpyxl reads as dates, those it reads as durations)."""
        if self._dates is None:
            self._dates = (set(), set())
            if self._styles:
                src = self.zf.read(self._styles)
                root = XML(src)
                custom = {f.get("numFmtId") for f in root.iter(_M + "numFmt")}
                xfs = [xf.get("numFmtId", "0") for x in root.iter(_M + "cellXfs") for xf in x.iter(_M + "xf")]
                if any(i in custom or not i.isdigit() or int(i) not in PLAIN_FORMATS for i in xfs):
                    from openpyxl.styles.stylesheet import Stylesheet
                    from openpyxl.xml.functions import fromstring

                    sheet = Stylesheet.from_tree(fromstring(src))
                    if sheet.cell_styles:
                        self._dates = (set(sheet.date_formats), set(sheet.timedelta_formats))
        return self._dates


def read_values(path: str | Path) -> list[list[Any]]:
    """The first worksheet's rows as openpyxl's read-only ``iter_rows(values_only=True)`` gives them."""
    with zipfile.ZipFile(path) as zf:
        book = _Book(zf)
        with zf.open(book.sheet) as src:
            return _rows(book, src)


def _rows(book: _Book, src) -> list[list[Any]]:
    strings = book.strings
    dims: tuple[int, int] | None = None  # (max column, max row) from <dimension>, before any row
    seen_data = seen_row = False
    out: list[list[Any]] = []
    counter = 1  # the next row number to emit (openpyxl's _cells_by_row)
    idx = 1
    row_counter = 0
    dates = None
    # (A sheet in another namespace, e.g. strict OOXML, has no rows for openpyxl either: same result.)
    for _, el in iterparse(src):
        tag = el.tag
        if tag == _DIMENSION and not seen_data and dims is None and not seen_row:
            m = _RANGE_REF.fullmatch(el.get("ref") or "")
            if not m:
                raise Unsupported("dimension")
            c1, r1, c2, r2 = m.groups()
            dims = (_column(c2), int(r2)) if c2 else (_column(c1), int(r1))
        elif tag == _DIMENSION and not seen_data:
            raise Unsupported("dimension after rows")
        elif tag == _SHEET_DATA:
            seen_data = True
        elif tag == _ROW:
            seen_row = True
            r = el.get("r")
            if r is None:
                row_counter += 1
            else:
                try:
                    row_counter = int(r)
                except ValueError:
                    raise Unsupported("row number") from None
            idx = row_counter
            max_col, max_row = dims if dims else (None, None)
            if max_row is not None and idx > max_row:
                break  # openpyxl stops at the dimension's last row
            cells = []
            col_counter = 0
            for c in el:
                if c.tag != _C:
                    raise Unsupported("not a cell")
                t = c.get("t", "n")
                ref = c.get("r")
                s = c.get("s", 0)
                if s:
                    s = int(s)
                value = None if t == "inlineStr" else (c.findtext(_V) or None)
                if ref:
                    m = _CELL_REF.fullmatch(ref)
                    if not m:
                        raise Unsupported("cell reference")
                    col_counter = _column(m[1])
                else:
                    col_counter += 1
                if value is not None:
                    if t == "n":
                        value = _cast_number(value)
                        if dates is None:
                            dates = book.date_styles()
                        if s in dates[0]:
                            value = _date(value, book.mac_epoch, s in dates[1])
                    elif t == "s":
                        value = strings[int(value)]
                    elif t == "b":
                        value = bool(int(value))
                    elif t == "d":
                        from openpyxl.utils.datetime import from_ISO8601

                        value = from_ISO8601(value)
                elif t == "inlineStr":
                    child = c.find(_IS)
                    if child is not None:
                        value = _text(child)
                cells.append((col_counter, value))
            el.clear()
            for _ in range(counter, idx):  # rows missing from the file
                counter += 1
                out.append([None] * max_col if max_col else [])
            if counter <= idx:
                counter += 1
                if not cells and not max_col:
                    out.append([])
                    continue
                width = max_col or cells[-1][0]
                new_row = [None] * width
                for col, value in cells:
                    if 1 <= col <= width:
                        new_row[col - 1] = value
                out.append(new_row)
    if dims and dims[1] < idx:  # stopped at the dimension's last row
        for _ in range(counter, dims[1] + 1):
            out.append([None] * dims[0])
    return out


def _date(value: int | float, mac_epoch: bool, timedelta: bool):
    import warnings

    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

    try:
        return from_excel(value, MAC_EPOCH if mac_epoch else WINDOWS_EPOCH, timedelta=timedelta)
    except (OverflowError, ValueError):
        warnings.warn("a cell is marked as a date but its value is outside the limits for dates", stacklevel=2)
        return "#VALUE!"
