"""The petitioner's identity (name, phone, address) kept out of everything that leaves the
detail view and the full ledger.

:func:`public_text` is the one function that makes a text public: the --public table (.csv,
.xlsx, .docx), ``petitions list`` / ``show``, the TUI's list, a problem made from a petition,
letters. It masks what people actually write, not only the stored identity verbatim:

- every phone-like or ID-card-like number, whoever's it is: 7 or more digits (full-width too),
  written in one piece or in groups split by spaces, dashes or dots, or with a bracketed area
  code (``138-1234-5679``, ``138 1234 5679``, ``１３８１２３４５６７９``, ``(0746)8881235``,
  ``43112319900101123X``); not a number inside a letters-and-digits token (a 受理编号 such as
  ``D2HH202403130001``), not a date (``2024-03-13``, ``20240313``), not an amount or a measure
  (followed by 元, 吨, 米, %, …, or after ¥);
- any stored petitioner's name (of any petition, deleted ones and earlier names too: the
  ``petitioner_names`` table, kept by triggers) wherever a text quotes it, also with spaces
  between its characters (``王 五 一``);
- the petition's own identity (``row``): its name, its address and a short phone verbatim.

The names are loaded once per process and database into a set (about 70 ms at 100,000 names),
then only the names added since (by id), so a page of the list costs a few set lookups per
character (only at characters that begin some name).

(The numbers are found by :func:`dutydesk.text.mask_numbers`, which needs no database.)

The rest: the audit payloads with the identity masked (:func:`masked_audit`), a petition's
identity, the identities quoted in a crash log's message (:func:`identities_in`).
"""

from __future__ import annotations

import sqlite3
import threading
from bisect import bisect_right
from itertools import accumulate
from typing import Iterable, Union

from ..store.db import Store
from ..text import mask_address, mask_name, mask_numbers, mask_phone, nfkc
from .model import IDENTITY_MIN_LENGTH, PRIVATE_FIELDS, identity_needles, scrub_needles

_MASKS = {"petitioner_name": mask_name, "petitioner_phone": mask_phone, "petitioner_address": mask_address}


def masked_audit(values: dict, identity: dict | None = None) -> dict:
    """Audit payload with the petitioner's identity masked (values or [old, new] pairs), also
    where a text (content, results) quotes it: the one in ``values`` and the petition's own
    ``identity`` (its current name, phone, address)."""
    # Each text value is scrub_identity(value, who) for each who in turn (the petition's identity, then
    # each private value given); those (text, masked text) pairs are worked out once, and only the
    # values that hold one of the texts are scrubbed (the others would come out unchanged).
    needles = identity_needles(identity) if identity else []
    private = PRIVATE_FIELDS & set(values)
    out = dict(values)
    for key in private:  # identity_needles({key: v}) for each value given, inline
        value, fn, minimum = values[key], _MASKS[key], IDENTITY_MIN_LENGTH[key]
        for v in (value if isinstance(value, list) else [value]):
            v = (v or "").strip()
            if len(v) >= minimum:
                needles.append((v, fn(v)))
        out[key] = [fn(v or "") for v in value] if isinstance(value, list) else fn(value or "")
    if not needles:
        return out
    where, texts = [], []  # (key, index in a list value or None), text
    for key, value in values.items():
        if key in private:
            continue
        if isinstance(value, str):
            where.append((key, None))
            texts.append(value)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, str):
                    where.append((key, i))
                    texts.append(v)
    blob = "\x00".join(texts)
    hits: set[int] = set()
    ends = None
    for text, _ in needles:
        at = blob.find(text)
        while at >= 0:
            if ends is None:
                ends = list(accumulate(len(t) + 1 for t in texts))  # where each text ends (its separator)
            hits.add(bisect_right(ends, at))
            at = blob.find(text, at + 1)
    for n in sorted(hits):
        key, i = where[n]
        if i is None:
            out[key] = scrub_needles(texts[n], needles)
        else:
            if out[key] is values[key]:
                out[key] = list(values[key])
            out[key][i] = scrub_needles(texts[n], needles)
    return out


def identity_of(store: Store, petition_id: int) -> dict:
    return store.one("SELECT petitioner_name, petitioner_phone, petitioner_address FROM petitions WHERE id = ?",
                     [petition_id]) or {}


def identities_in(store: Store, text: str) -> list[str]:
    """Petitioners' names, phones and addresses (of any petition, deleted ones too) that occur in
    ``text``: what a crash log must hide when an exception message quotes them. One scan in SQL."""
    if not text or not text.strip():
        return []
    found: set[str] = set()
    for row in store.query(
        "SELECT petitioner_name AS a, petitioner_phone AS b, petitioner_address AS c FROM petitions "
        "WHERE (length(petitioner_name) >= 2 AND instr(?1, petitioner_name) > 0) "
        "OR (length(petitioner_phone) >= 5 AND instr(?1, petitioner_phone) > 0) "
        "OR (length(petitioner_address) >= 4 AND instr(?1, petitioner_address) > 0)", [text],
    ):
        found |= {v for v in row.values() if v and v in text}
    return sorted(found, key=len, reverse=True)


# -- public text --------------------------------------------------------------------------------
_GAP = frozenset(" \t\u3000\u00a0")  # what may stand between the characters of a written name
NAME_MAX = 10  # longer stored "names" are not looked for
_PLACEHOLDERS = frozenset({
    "匿名", "不详", "未知", "无名", "保密", "群众", "某某", "本人", "来电人", "来信人", "网民", "市民", "村民",
    "居民", "信访人", "举报人", "反映人", "暂无", "未提供", "不愿透露", "无", "空", "未填", "未留", "投诉人",
})


def _name_key(name: str) -> str:
    return "".join(ch for ch in nfkc(name or "") if not ch.isspace())


def _wanted(name: str) -> bool:
    """A stored name worth looking for: 2 to 10 characters, one of them Chinese, not a placeholder."""
    return (IDENTITY_MIN_LENGTH["petitioner_name"] <= len(name) <= NAME_MAX and name not in _PLACEHOLDERS
            and any("\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch for ch in name))


class NameIndex:
    """The names to hide: a set, the lengths they have (longest first) and their first characters."""

    __slots__ = ("names", "lengths", "firsts", "last_id", "last_name")

    def __init__(self, names: Iterable[str] = (), *, last_id: int = 0, last_name: str = ""):
        self.names = frozenset(n for n in map(_name_key, names) if _wanted(n))
        self.lengths = tuple(sorted({len(n) for n in self.names}, reverse=True))
        self.firsts = frozenset(n[0] for n in self.names)
        self.last_id, self.last_name = last_id, last_name

    def extended(self, names: Iterable[str], *, last_id: int, last_name: str) -> "NameIndex":
        new = NameIndex(names, last_id=last_id, last_name=last_name)
        if self.names:
            new.names = self.names | new.names
            new.lengths = tuple(sorted(set(self.lengths) | set(new.lengths), reverse=True))
            new.firsts = self.firsts | new.firsts
        return new

    def spans(self, text: str, extra: frozenset = frozenset()) -> list[tuple[int, int, str]]:
        """(start, end, name) of each name (of the index or ``extra``) in ``text``, spaces between
        its characters allowed; the longest name at a place wins."""
        names, firsts = self.names, self.firsts
        lengths = self.lengths
        if extra:
            names, firsts = names | extra, firsts | {n[0] for n in extra}
            lengths = tuple(sorted(set(lengths) | {len(n) for n in extra}, reverse=True))
        if not names:
            return []
        if _GAP.isdisjoint(text):
            compact, where = text, None
        else:
            where = [i for i, ch in enumerate(text) if ch not in _GAP]
            compact = "".join(text[i] for i in where)
        out, i, n = [], 0, len(compact)
        while i < n:
            if compact[i] in firsts:
                for size in lengths:
                    if size <= n - i and compact[i:i + size] in names:
                        start, end = (i, i + size) if where is None else (where[i], where[i + size - 1] + 1)
                        out.append((start, end, compact[i:i + size]))
                        i += size
                        break
                else:
                    i += 1
            else:
                i += 1
        return out


_INDEXES: dict[str, NameIndex] = {}
_INDEX_LOCK = threading.Lock()


def names_index(store: Store) -> NameIndex:
    """Every petitioner's name ever stored, as a :class:`NameIndex`: loaded once per process and
    database, then only the names added since (a page of the list asks one indexed row)."""
    try:
        last = store.one("SELECT id, name FROM petitioner_names ORDER BY id DESC LIMIT 1")
    except sqlite3.OperationalError:  # a database without the table (not migrated): read them all
        return NameIndex(r["n"] for r in store.query(
            "SELECT DISTINCT petitioner_name AS n FROM petitions WHERE length(petitioner_name) >= 2"))
    key = str(store.path)
    with _INDEX_LOCK:
        index = _INDEXES.get(key)
        if last is None:
            index = NameIndex()
        elif index is None or index.last_id > last["id"] or store.scalar(
                "SELECT name FROM petitioner_names WHERE id = ?", [index.last_id]) != (index.last_name or None):
            index = NameIndex(_names_after(store, 0), last_id=last["id"], last_name=last["name"])  # (re)load
        elif index.last_id < last["id"]:
            index = index.extended(_names_after(store, index.last_id), last_id=last["id"], last_name=last["name"])
        _INDEXES[key] = index
        return index


def _names_after(store: Store, after_id: int) -> list[str]:
    joined = store.scalar("SELECT group_concat(name, char(10)) FROM petitioner_names WHERE id > ?", [after_id])
    return joined.split("\n") if joined else []


Source = Union[Store, NameIndex, Iterable[str], None]


def _index_of(source: Source) -> NameIndex:
    if isinstance(source, NameIndex):
        return source
    if isinstance(source, Store):
        return names_index(source)
    return NameIndex(source or ())


def public_text(source: Source, text: str | None, row: dict | None = None) -> str:
    """``text`` as it may be shown outside the detail view and the full ledger: phone-like and
    ID-card-like numbers, any stored petitioner's name (spaces between its characters or not),
    and ``row``'s own identity (``petitioner_name``, ``petitioner_phone``, ``petitioner_address``)
    masked. See the module's docstring for what is found.

    ``source`` gives the names to hide: a :class:`~dutydesk.store.db.Store` (every name stored
    in it, cached per database), a :class:`NameIndex` (``names_index(store)``, to mask many texts
    with one lookup), an iterable of names (a letter that names a few people), or None (only
    ``row``'s). For many texts at once see :func:`public_rows`::

        from dutydesk.petitions.privacy import public_text
        body = public_text(store, body, petition_row)
    """
    if not text:
        return text or ""
    index = _index_of(source)
    extra: frozenset = frozenset()
    if row:
        own = _name_key(row.get("petitioner_name") or "")
        if len(own) >= IDENTITY_MIN_LENGTH["petitioner_name"] and own not in index.names:
            extra = frozenset({own})
        needles = []
        address = (row.get("petitioner_address") or "").strip()
        if len(address) >= IDENTITY_MIN_LENGTH["petitioner_address"]:
            needles.append((address, mask_address(address)))
        phone = (row.get("petitioner_phone") or "").strip()
        if IDENTITY_MIN_LENGTH["petitioner_phone"] <= len(phone):
            needles.append((phone, mask_phone(phone)))  # a short one: the pattern finds 7 digits and more
        text = scrub_needles(text, needles)
    text = mask_numbers(text)
    spans = index.spans(text, extra)
    if spans:
        parts, at = [], 0
        for start, end, name in spans:
            parts += [text[at:start], mask_name(name)]
            at = end
        text = "".join(parts) + text[at:]
    return text


def public_rows(source: Source, rows: list[dict], keys: Iterable[str], *, own: bool = True) -> list[dict]:
    """Each row with the texts under ``keys`` made public (:func:`public_text`, with the row's own
    identity when ``own``); the names are looked up once for all rows."""
    index = _index_of(source)
    keys = tuple(keys)
    for row in rows:
        for key in keys:
            if isinstance(row.get(key), str):
                row[key] = public_text(index, row[key], row if own else None)
    return rows
