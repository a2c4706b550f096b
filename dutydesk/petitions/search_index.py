"""The text search's indexes: a petition's content as tokens (one character each) and the
two contentless FTS5 tables kept in step with every write (see :mod:`.search` for how they are
searched). Call the writers inside ``store.write()``."""

from __future__ import annotations

import re
import sys
from array import array

from ..store.db import Store
from ..text import nfkc

_NOT_ALNUM = re.compile(r"[\W_]+")


def searchable(value: str | None) -> str:
    """Letters and digits only, full-width forms half-width, lower case: ``污水直排``."""
    return _NOT_ALNUM.sub("", nfkc(value or "").lower())  # text.nfkc = NFKC, faster on Chinese text


_CODES = next(code for code in "IL" if array(code).itemsize == 4)  # one UTF-32 code unit an item
_SPACES = array(_CODES, [ord(" ")])
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"


def tokens_text(value: str | None) -> str:
    """Text as FTS tokens: one character per token, punctuation and spaces dropped (``污 水 直 排``).

    ``" ".join(chars)`` makes a string object of every character first; this puts the spaces
    between the UTF-32 code units in one C loop (the same string, twice as fast on a petition)."""
    chars = searchable(value)
    if len(chars) < 16:
        return " ".join(chars)
    codes = array(_CODES, chars.encode(_UTF32, "surrogatepass"))
    out = _SPACES * (2 * len(codes) - 1)
    out[::2] = codes
    return out.tobytes().decode(_UTF32, "surrogatepass")


# -- index maintenance (call inside store.write()) -------------------------------------------
INDEXES = ("petitions_fts", "petitions_open_fts")  # every live petition; the open ones only


def _indexes(is_open: bool) -> tuple[str, ...]:
    return INDEXES if is_open else INDEXES[:1]


def _add(store: Store, table: str, petition_id: int, content: str) -> None:
    store.execute(f"INSERT INTO {table} (rowid, content) VALUES (?, ?)", [petition_id, tokens_text(content)])


def _remove(store: Store, table: str, petition_id: int, content: str) -> None:
    """A contentless table needs exactly the values that were indexed."""
    store.execute(f"INSERT INTO {table} ({table}, rowid, content) VALUES ('delete', ?, ?)",
                  [petition_id, tokens_text(content)])


def index_new(store: Store, parts: list[tuple[int, list[str]]], *, chunk: int = 2000) -> None:
    """Index new petitions (all open: 待交办 or 已交办) in both indexes, given as parts
    (first id, contents of that id and the next ones).

    An import gives all its rows at once, at the end of its transaction: FTS5 writes the terms
    it gathered as a new segment whenever a later statement of the transaction opens a
    savepoint, so an index written part by part between other inserts became many small
    segments to write and merge (a 50,000-row import: ~1 s more).

    The token texts are made ``chunk`` rows at a time and go into both indexes (those of 100,000
    rows held at once: ~70 MB); each index gathers its terms in memory (up to FTS5's ``hashsize``,
    8 MB of data) until an empty savepoint at the end makes both write them out."""
    for first, contents in parts:
        for start in range(0, len(contents), chunk):
            tokens = [(first + start + k, tokens_text(c)) for k, c in enumerate(contents[start:start + chunk])]
            for table in INDEXES:
                store.conn.executemany(f"INSERT INTO {table} (rowid, content) VALUES (?, ?)", tokens)
    store.conn.execute("SAVEPOINT fts_flush")
    store.conn.execute("RELEASE fts_flush")


def index_petition(store: Store, petition_id: int, content: str, *, is_open: bool) -> None:
    """Index a live petition (``is_open``: its status is 待交办 or 已交办)."""
    for table in _indexes(is_open):
        _add(store, table, petition_id, content)


def unindex_petition(store: Store, petition_id: int, content: str, *, is_open: bool) -> None:
    """Remove a row as it was indexed."""
    for table in _indexes(is_open):
        _remove(store, table, petition_id, content)


def reindex_petition(store: Store, petition_id: int, old: tuple[str, bool], new: tuple[str, bool]) -> None:
    """A live petition's (content, is open) changed from ``old`` to ``new``: each index follows."""
    for table, was_in, is_in in (("petitions_fts", True, True), ("petitions_open_fts", old[1], new[1])):
        if (was_in, old[0]) == (is_in, new[0]):
            continue
        if was_in:
            _remove(store, table, petition_id, old[0])
        if is_in:
            _add(store, table, petition_id, new[0])


def rebuild_index(store: Store, progress=None, *, chunk: int = 20_000) -> int:
    """Recreate the search index from the petitions table, then merge it into one segment (FTS5's
    ``optimize``: a search reads one b-tree, not the dozens a bulk insert leaves); returns the number
    indexed. ``progress(stage, done, total)`` is called every ``chunk`` petitions and once for the merge.
    One transaction: an interrupted rebuild leaves the old index."""
    with store.write():
        total = store.scalar("SELECT count(*) FROM petitions WHERE deleted_at IS NULL") or 0
        for table in INDEXES:
            store.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
        n, last = 0, 0
        while True:
            rows = store.conn.execute("SELECT id, content, status IN ('待交办', '已交办') FROM petitions "
                                      "WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?", [last, chunk]).fetchall()
            if not rows:
                break
            tokens = [(pid, tokens_text(content), is_open) for pid, content, is_open in rows]
            store.conn.executemany("INSERT INTO petitions_fts (rowid, content) VALUES (?, ?)",
                                   [(pid, text) for pid, text, _ in tokens])
            store.conn.executemany("INSERT INTO petitions_open_fts (rowid, content) VALUES (?, ?)",
                                   [(pid, text) for pid, text, is_open in tokens if is_open])
            n += len(rows)
            last = rows[-1][0]
            if progress:
                progress("重建搜索索引", n, total)
        if progress:
            progress("整理索引", n, total)
        for table in INDEXES:
            store.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
    return n
