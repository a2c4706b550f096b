"""The limits every file read for an import is held to, and the checks made before any parser runs.

The same caps hold for every format: a file is refused with one Chinese line naming the limit
(:class:`~dutydesk.errors.UserError`) rather than read into memory without bound.

- only a regular file is read (a device such as /dev/zero, a FIFO or a socket never is);
- its size on disk: :data:`MAX_BYTES` (an .xls, read whole by its parser: :data:`MAX_XLS_BYTES`);
- a zipped format (.xlsx .xlsm .xlsb .ods .docx): every member is inflated once, in a bounded
  stream, before the parser sees the file (:mod:`.bounds`): the largest member
  (:data:`MAX_MEMBER_BYTES`, a .docx's :data:`MAX_DOCX_MEMBER_BYTES`), all members together
  (:data:`MAX_UNZIPPED_BYTES`), the compression ratio of any member over 1 MiB
  (:data:`MAX_RATIO`); the sizes counted are those the data really inflates to, not those the
  zip's directory claims;
- the table: :data:`MAX_ROWS` rows, :data:`MAX_COLUMNS` columns, :data:`MAX_CELLS` cells of the
  area the parser lays out (checked on the sheet's own cell positions before the parser lays it
  out), :data:`MAX_CELL_CHARS` characters in one cell.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import UserError

MiB = 1024 * 1024
MAX_BYTES = 200 * MiB  # a file on disk
MAX_XLS_BYTES = 64 * MiB  # an .xls (OLE2): its parser reads the whole workbook stream
MAX_MEMBER_BYTES = 256 * MiB  # one zip member, inflated
MAX_DOCX_MEMBER_BYTES = 32 * MiB  # one member of a .docx (python-docx builds an XML tree of it)
MAX_UNZIPPED_BYTES = 512 * MiB  # all members together, inflated
MAX_RATIO = 200  # inflated / compressed, for a member of more than RATIO_FLOOR bytes
RATIO_FLOOR = 1 * MiB
MAX_MEMBERS = 10_000
MAX_ROWS = 200_000  # rows of a sheet or table, title and header rows included
MAX_COLUMNS = 256
MAX_CELLS = 4_000_000  # rows x columns of the area a spreadsheet parser lays out
MAX_CELL_CHARS = 131_072  # characters in one cell (also csv's own field limit)


def _mb(n: int) -> str:
    return f"{n // MiB} MB"


def too_many_rows(name: str) -> UserError:
    return UserError(f"表格行数超过上限（最多 {MAX_ROWS:,} 行）：{name}")


def too_many_columns(name: str) -> UserError:
    return UserError(f"表格列数超过上限（最多 {MAX_COLUMNS} 列）：{name}")


def too_many_cells(name: str) -> UserError:
    return UserError(f"表格范围过大（超过 {MAX_CELLS:,} 个单元格的上限）：{name}")


def cell_too_long(name: str, row: int) -> UserError:
    return UserError(f"第{row}行有单元格过长（每格最多 {MAX_CELL_CHARS:,} 字）：{name}")


def check_extent(name: str, rows: int, columns: int) -> None:
    """A table of ``rows`` x ``columns`` is within the caps (else the one line naming the cap)."""
    if rows > MAX_ROWS:
        raise too_many_rows(name)
    if columns > MAX_COLUMNS:
        raise too_many_columns(name)
    if rows * columns > MAX_CELLS:
        raise too_many_cells(name)


def check_file(path: Path, *, max_bytes: int = MAX_BYTES) -> os.stat_result:
    """``path`` is an existing regular file of at most ``max_bytes``: its ``stat``.

    A device (/dev/zero, /dev/urandom), a FIFO or a socket is refused before it is opened: it
    has no size to check and reading it may never end.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UserError(f"文件不存在：{path}") from None
    except OSError as exc:
        raise UserError(f"无法读取文件：{path}（{exc.strerror or exc}）") from None
    if stat.S_ISDIR(st.st_mode):
        raise UserError(f"这是一个文件夹，不是表格文件：{path}")
    if not stat.S_ISREG(st.st_mode):
        raise UserError(f"不是普通文件（设备、管道或套接字不能导入）：{path}")
    if st.st_size > max_bytes:
        raise UserError(f"文件过大（超过 {_mb(max_bytes)} 的上限）：{path.name}")
    return st


def open_regular(path: Path, *, max_bytes: int = MAX_BYTES):
    """Open ``path`` for reading in binary, checked as :func:`check_file` says, and checked again
    on the open descriptor (the name may have been swapped for a FIFO in between: it is opened
    without blocking)."""
    check_file(path, max_bytes=max_bytes)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise UserError(f"无法读取文件：{path}（{exc.strerror or exc}）") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
        os.close(fd)
        raise UserError(f"不是普通文件或文件过大：{path}")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")
