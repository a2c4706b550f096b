"""What a reader gives: a table's headers and rows, each row with the number Excel shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Row:
    number: int
    values: dict[str, Any]

    def get(self, key: str, default: Any = "") -> Any:
        value = self.values.get(key, default)
        return default if value is None else value


@dataclass
class Sheet:
    """A table read from a file: ``headers`` as written and ``rows`` keyed by header.

    ``rows[i].number`` is the row number an officer sees in Excel (header row = 1 when the
    header is the first row). ``name`` is the worksheet (or the .docx table) read, ``names`` all
    of the file's; ``mapping`` ({header: field}) and ``ignored`` (headers no field takes) are
    filled when the headers were matched to fields (:func:`~dutydesk.sheets.read_mapped`).
    """

    path: Path
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    header_row: int = 1
    name: str = ""
    names: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
