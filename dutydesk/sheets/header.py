"""Headers as written in real sheets, matched to canonical field names."""

from __future__ import annotations

from typing import Any

from ..text import normalize_key
from .model import Row, Sheet


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

    def map_headers(self, headers: list[str]) -> tuple[dict[str, str], list[str]]:
        """({header: field}, [headers that map to no field, or to one taken by an earlier column])."""
        mapping, unknown = {}, []
        for header in headers:
            if not header:
                continue
            f = self.field_for(header)
            if f and f not in mapping.values():
                mapping[header] = f
            else:
                unknown.append(header)
        return mapping, unknown

    def map_sheet(self, sheet: Sheet) -> tuple[dict[str, str], list[str]]:
        """Return ({header: field}, [unknown headers])."""
        return self.map_headers(sheet.headers)

    def rows(self, sheet: Sheet) -> list[Row]:
        """The sheet's rows re-keyed by canonical field name (unknown columns dropped)."""
        mapping, _ = self.map_sheet(sheet)
        return [Row(r.number, {mapping[h]: v for h, v in r.values.items() if h in mapping}) for r in sheet.rows]


def find_header(raw: list[list[Any]], known: set[str] | None) -> int:
    """Index of the header row: the row (of the first 10) that names the most known fields.

    Real sheets often carry a title row or two (e.g. ``第3批信访件交办表``) above the header.
    """
    if not known:
        return 0
    best, best_hits = 0, 0
    for i, row in enumerate(raw[:10]):
        hits = sum(1 for v in row if normalize_key(v) in known)
        if hits > best_hits:
            best, best_hits = i, hits
    return best
