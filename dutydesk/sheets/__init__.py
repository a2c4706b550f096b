"""Reading the tables officers are handed, within limits: .xlsx .xlsm .xlsb .xls .ods (python-calamine),
.csv in UTF-8 (with or without BOM), UTF-16 or GB18030 (streamed), and the table of a .docx letter
(python-docx). Headers are matched through aliases (:class:`HeaderMap`).

No UI imports. Every problem is a :class:`~dutydesk.errors.UserError` with a Chinese message.

- :mod:`.limits`: the caps (file size, inflated size and ratio, rows, columns, cells, cell length)
- :mod:`.bounds`: what a file is, and its sizes and cell positions checked before parsing
- :mod:`.workbook` (calamine), :mod:`.csv_stream`, :mod:`.docx_tables`: the sources of rows
- :mod:`.header`: header aliases; :mod:`.reader`: :func:`read_sheet`, :func:`read_mapped`
"""

from __future__ import annotations

from .csv_stream import decode_csv_bytes
from .header import HeaderMap
from .limits import MAX_BYTES
from .model import Row, Sheet
from .reader import SUFFIXES, read_mapped, read_sheet, split_multi

__all__ = ["HeaderMap", "MAX_BYTES", "Row", "SUFFIXES", "Sheet", "decode_csv_bytes", "read_mapped", "read_sheet",
           "split_multi"]
