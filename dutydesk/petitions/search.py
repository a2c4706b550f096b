"""Finding petitions: filters, text search and the paged list, all in SQL.

Text search
    The content is indexed in a contentless FTS5 table in which every character is one
    token (``污水直排`` is indexed as ``污 水 直 排``). A query term becomes a phrase of its
    characters, so a one- or two-character Chinese query is as exact as a long one
    (FTS5's trigram tokenizer finds nothing under three characters) and the index stays
    small. A term of letters and digits also matches the start or the end of a 受理编号
    (``D2HH2024…`` or the serial ``0005``) through two ordinary indexes (``case_key``
    and the reversed ``case_rev``). Terms separated by spaces must all match.

    The index holds live petitions only; ``search_index.py`` makes the tokens, and its
    :func:`index_petition` / :func:`unindex_petition` keep it in step with every write (intake.py and rows.py are the only writers) and
    :func:`rebuild_index` recreates it. A second one, ``petitions_open_fts``, holds the open
    petitions only (待交办 / 已交办): the list's first part searches it (at a million
    petitions some 25,000 instead of every one); the same functions keep it.

The list
    Overdue and due-today petitions come first (by due date), then the rest, newest first
    (by batch order within a chosen batch). Each page is a few cheap queries even at
    100,000 petitions: the urgent ones are read through their partial index; the rest
    stream in id order straight from the FTS index (a search) or the table, stopping
    at the page's end, so nothing is sorted but the urgent few. The list is public: its
    content is made so by ``privacy.public_text`` (the names looked up once a page).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from ..store.db import Store
from ..errors import UserError
from ..text import mask_name
from .letter_log import NOT_NOTIFIED_SQL
from .model import OPEN_STATUSES, case_norm
from .privacy import names_index, public_text
from .search_index import (INDEXES, index_new, index_petition, rebuild_index, reindex_petition,  # noqa: F401
                           searchable, tokens_text, unindex_petition)

_URGENT = ("p.deleted_at IS NULL AND p.status IN ('待交办', '已交办') AND p.due_date IS NOT NULL "
           "AND p.due_date <= ?")  # spelled as the partial index petitions_open_due_numbers
assert OPEN_STATUSES == ("待交办", "已交办")

_HIGH = "\U0010ffff"


# -- filters -------------------------------------------------------------------------------
NOT_NOTIFIED = "未发交办通知"  # also a choice of the status filter (a list's status box offers it)
MAX_TERMS = 32  # different words of a search
MAX_TEXT = 10_000  # characters of a search
MAX_ROWS = 2 ** 61  # an offset or limit above this is "all" (SQLite's integers are 64-bit)


@dataclass
class Filters:
    text: str = ""
    batch_id: int | None = None
    unit: str = ""
    ptype: str = ""
    status: str = ""
    overdue_only: bool = False
    not_notified: bool = False  # 未发交办通知: handed over (已交办), in no 交办通知 to its lead unit yet

    def __post_init__(self) -> None:
        if self.status == NOT_NOTIFIED:
            self.status, self.not_notified = "", True

    def text_terms(self) -> tuple[list[str], list[str]]:
        """(content phrases, case-number terms); a letter/digit term also matches content.
        A term given twice counts once; more than ``MAX_TERMS`` different terms, or a text longer
        than ``MAX_TEXT``, is refused with a :class:`UserError` (SQLite's expression tree has a
        depth limit: ~1,000 terms failed with "Expression tree is too large")."""
        text = self.text or ""
        terms = list(dict.fromkeys(text.split()))
        if len(terms) > MAX_TERMS:
            raise UserError(f"搜索词太多：{len(terms)} 个（最多 {MAX_TERMS} 个，用空格分隔），请减少搜索词")
        if len(text) > MAX_TEXT:
            raise UserError(f"搜索内容太长：{len(text)} 个字符（最多 {MAX_TEXT} 个），请缩短后再搜索")
        phrases, numbers = [], []
        for term in terms:
            toks = tokens_text(term)
            if not toks:
                continue
            norm = case_norm(term)
            if norm.isascii() and norm.replace("*", "").isalnum():
                numbers.append(norm)
            else:
                phrases.append(f'"{toks}"')
        return phrases, numbers


_FTS_IDS = "SELECT rowid FROM petitions_fts WHERE petitions_fts MATCH ?"
_OPEN_FTS_IDS = "SELECT rowid FROM petitions_open_fts WHERE petitions_open_fts MATCH ?"  # (the urgent ones are open)
MATERIALIZE_MAX = 2000  # case-number matches read once into a list (see _Plan.materialized)
DENSE_SHARE = 0.25  # a one-character search matching more than this share is probed row by row
SHORT_NUMBER = 3  # letter/digit terms shorter than this match 受理编号 only (see _plan)


@dataclass
class _Plan:
    """The filters as SQL pieces, so each query can be driven from its cheapest index.

    ``conds`` test columns of ``petitions p``; ``driver`` is the partial index that reads
    the fewest rows for them. ``sets`` are subqueries returning ids of live petitions
    (content search, case numbers, pollution type): they are probed, never scanned,
    except when nothing else narrows the list.
    """

    conds: list[str]
    params: list
    driver: str
    sets: list[tuple[str, list]]
    match: str
    nothing: bool
    dense: bool = False  # the content search matches a large share of the petitions

    def probes(self, col: str = "p.id", id_range: tuple[int, int] | None = None) -> tuple[str, list]:
        """The id sets as membership tests; ``id_range`` narrows the content search (FTS5
        seeks to a rowid range, so a batch's range reads little). A dense content search is
        tested row by row (an index walk that stops after a page then probes a few dozen rows
        instead of reading tens of thousands of matches)."""
        sql, params = "", []
        for sub, sub_params in self.sets:
            if sub == _OPEN_FTS_IDS and id_range:
                sub, sub_params = sub + " AND rowid BETWEEN ? AND ?", sub_params + list(id_range)
            if sub == _FTS_IDS and self.dense:
                sql += f" AND EXISTS (SELECT 1 FROM petitions_fts WHERE petitions_fts MATCH ? AND rowid = {col})"
                params += sub_params
                continue
            if sub == _FTS_IDS and id_range:
                sub, sub_params = sub + " AND rowid BETWEEN ? AND ?", sub_params + list(id_range)
            sql += f" AND +{col} IN ({sub})"
            params += sub_params
        return sql, params

    @property
    def indexed_by(self) -> str:
        return f"INDEXED BY {self.driver}" if self.driver else ""

    def among_open(self) -> "_Plan":
        """The plan for open petitions only: content searched in the index of the open ones."""
        return _Plan([c.replace(_FTS_IDS, _OPEN_FTS_IDS) for c in self.conds], self.params, self.driver,
                     [(sub.replace(_FTS_IDS, _OPEN_FTS_IDS), p) for sub, p in self.sets], self.match, self.nothing)

    def materialized(self, store: Store) -> "_Plan":
        """The plan with each case-number set read once into a list of ids: a page asks the
        sets up to three times (count, urgent rows, the rest), and a number set is a union of
        two index ranges and a content phrase (~10 ms each time for a short digit string)."""
        sets, conds, params = [], list(self.conds), list(self.params)
        for sub, sub_params in self.sets:
            if "case_key" in sub:
                # a prefix most numbers share ("D2HH2") or a common serial ("0005") shows in the
                # case_key or case_rev index alone (~1 ms); only a smaller set is read whole, with
                # its content matches
                wide = any(store.scalar(
                    f"SELECT count(*) FROM (SELECT 1 FROM petitions WHERE deleted_at IS NULL AND {col} >= ? "
                    f"AND {col} < ? LIMIT {MATERIALIZE_MAX + 1})", bounds) > MATERIALIZE_MAX
                    for col, bounds in (("case_key", sub_params[:2]), ("case_rev", sub_params[2:4])))
                ids = [] if wide else [r[0] for r in store.execute(f"{sub} LIMIT {MATERIALIZE_MAX + 1}", sub_params)]
                if wide or len(ids) > MATERIALIZE_MAX:
                    # a prefix most numbers share ("D2HH2"): the number columns tested on each row
                    # read, as the short fragments are (a union of ~15,000 ids took ~35 ms each time);
                    # the content matches read once (SQLite keeps a non-correlated IN list): a
                    # phrase that repeats a digit ("0 0 0 5") makes FTS5 read its whole doclists
                    # for each rowid probed (130 ms a row at 1,000,000 petitions)
                    conds.append("((p.case_key >= ? AND p.case_key < ?) OR (p.case_rev >= ? AND p.case_rev < ?)"
                                 f" OR p.id IN ({_FTS_IDS}))")
                    params += sub_params
                    continue
                sub, sub_params = "SELECT value FROM json_each(?)", [json.dumps(ids)]
            sets.append((sub, sub_params))
        dense = False
        if self.conds and self.match and '" AND "' not in self.match and " " not in self.match.strip('"'):
            # one character, and other filters: are its matches too many to read whole? (without
            # filters the rest of the list streams the matches newest first, and the urgent part
            # reads the open petitions' index: the count is not needed)
            hits = store.scalar("SELECT count(*) FROM petitions_fts WHERE petitions_fts MATCH ?", [self.match]) or 0
            dense = hits > DENSE_SHARE * (store.scalar("SELECT max(rowid) FROM petitions") or 0)
        return _Plan(conds, params, self.driver, sets, self.match, self.nothing, dense)

    def id_range(self, store: Store, filters: Filters) -> tuple[int, int] | None:
        if not (self.match and filters.batch_id):
            return None
        r = store.one("SELECT min(id) AS lo, max(id) AS hi FROM petitions WHERE batch_id = ? AND deleted_at IS NULL",
                      [int(filters.batch_id)])
        return (r["lo"], r["hi"]) if r["lo"] is not None else (0, -1)


def _plan(filters: Filters, today: dt.date) -> _Plan:
    conds, params, drivers = [], [], []
    if filters.batch_id:
        conds.append("p.batch_id = ?")
        params.append(int(filters.batch_id))
        drivers.append("petitions_batch")
    if filters.unit:
        conds.append("p.unit = ?")
        params.append(filters.unit)
        drivers.append("petitions_unit")
    if filters.status:
        conds.append("p.status = ?")
        params.append(filters.status)
        drivers.append("petitions_status")
    if filters.not_notified:
        conds.append(f"p.status = '已交办' AND p.lead_unit <> '' AND {NOT_NOTIFIED_SQL}")
        drivers.append("petitions_status")
    if filters.overdue_only:
        conds.append(f"{_URGENT} AND p.due_date < ?")
        params += [today.isoformat(), today.isoformat()]
        drivers.append("petitions_open_due_numbers")
    sets: list[tuple[str, list]] = []
    phrases, numbers = filters.text_terms()
    match = " AND ".join(phrases)
    if match:
        sets.append((_FTS_IDS, [match]))
    for number in numbers:
        rev = number.rstrip("*")[::-1]
        if len(number.rstrip("*")) < SHORT_NUMBER:
            # a letter or two, a digit or two (the first keystrokes of a 受理编号): the start or
            # the end of a case number, tested on each row read (it matches most of them, so
            # the list's index walk stops after a page); not the content, where "0" or "D"
            # would match every figure and word
            conds.append("((p.case_key >= ? AND p.case_key < ?) OR (p.case_rev >= ? AND p.case_rev < ?))")
            params += [number, number + _HIGH, rev, rev + _HIGH]
            continue
        sets.append((
            "SELECT id FROM petitions WHERE deleted_at IS NULL AND case_key >= ? AND case_key < ? "
            "UNION SELECT id FROM petitions WHERE deleted_at IS NULL AND case_rev >= ? AND case_rev < ? "
            f"UNION {_FTS_IDS}",
            [number, number + _HIGH, rev, rev + _HIGH, f'"{tokens_text(number)}"'],
        ))
    if filters.ptype:
        sets.append(("SELECT petition_id FROM petition_types WHERE type = ?", [filters.ptype]))
    nothing = bool(filters.text.strip()) and not phrases and not numbers  # only punctuation typed
    return _Plan(conds, params, drivers[0] if drivers else "", sets, match, nothing)


LIST_CONTENT = 80  # characters of the content a list row shows
LIST_COLUMNS = f"""
    p.id, p.case_no, p.batch_id, b.no AS batch_no, b.date AS batch_date, p.seq, p.method, p.unit,
    p.pollution_types, substr(p.content, 1, {LIST_CONTENT + 20}) AS content, p.key_case, p.is_repeat, p.repeat_of,
    p.petitioner_name, p.petitioner_phone, p.petitioner_address, p.lead_unit, p.coop_units, p.assigned_date,
    p.due_date, p.status, p.closed_date, p.version
"""  # 20 characters more than shown: a number or a name cut at the end is still found, then the text is cut


def _count(store: Store, plan: _Plan, id_range: tuple[int, int] | None = None) -> int:
    if plan.conds:
        probes, pparams = plan.probes(id_range=id_range)
        sql = (f"SELECT count(*) FROM petitions p {plan.indexed_by} "
               f"WHERE p.deleted_at IS NULL AND {' AND '.join(plan.conds)}{probes}")
        return store.scalar(sql, plan.params + pparams) or 0
    if plan.sets:  # the id sets hold live petitions only: count the first, probe the others
        (first, fparams), rest = plan.sets[0], _Plan([], [], "", plan.sets[1:], "", False)
        probes, pparams = rest.probes("s.id")
        return store.scalar(f"WITH s(id) AS ({first}) SELECT count(*) FROM s WHERE 1{probes}", fparams + pparams) or 0
    return store.scalar("SELECT count(*) FROM petitions WHERE deleted_at IS NULL") or 0


def count(store: Store, filters: Filters, today: dt.date) -> int:
    plan = _plan(filters, today)
    return 0 if plan.nothing else _count(store, plan, plan.id_range(store, filters))


FEW_OPEN = 64  # open petitions matching a text read into a list (see _urgent_ids): a test that stops early


def _urgent_ids(store: Store, plan: _Plan, today: dt.date, id_range: tuple[int, int] | None,
                limit: int | None = None) -> list[int]:
    """Ids of the matching open petitions due on or before today, most urgent first (the first
    ``limit`` of them: the due-date index is walked in order and stops there)."""
    # (conds without a driver test 受理编号 fragments: the index beside the due dates has the numbers)
    driver = plan.driver or "petitions_open_due_numbers"
    content = (_FTS_IDS, [plan.match])
    if plan.match and content in plan.sets:
        # few open petitions match the text (a rare phrase): read them once and look each one up,
        # instead of walking every urgent petition (~22,000 at a million: 2.9 ms) to probe them
        sub, sub_params = _OPEN_FTS_IDS, [plan.match]
        if id_range:
            sub, sub_params = sub + " AND rowid BETWEEN ? AND ?", sub_params + list(id_range)
        few = [r[0] for r in store.execute(f"{sub} LIMIT {FEW_OPEN + 1}", sub_params)]
        if not few:
            return []
        if len(few) <= FEW_OPEN:
            rest = _Plan(plan.conds, plan.params, "", [x for x in plan.sets if x != content], "", False).among_open()
            probes, pparams = rest.probes(id_range=id_range)
            conds = "".join(f" AND {c}" for c in rest.conds)
            return [r[0] for r in store.execute(
                f"SELECT p.id FROM petitions p WHERE p.id IN (SELECT value FROM json_each(?)) AND {_URGENT}{conds}"
                f"{probes} ORDER BY p.due_date, p.id LIMIT ?",
                [json.dumps(few), today.isoformat()] + rest.params + pparams + [-1 if limit is None else limit])]
    plan = plan.among_open()  # (a content search reads the open petitions' index)
    probes, pparams = plan.probes(id_range=id_range)
    conds = "".join(f" AND {c}" for c in plan.conds)
    return [r[0] for r in store.execute(
        f"SELECT p.id FROM petitions p INDEXED BY {driver} WHERE {_URGENT}{conds}{probes} "
        "ORDER BY p.due_date, p.id LIMIT ?", [today.isoformat()] + plan.params + pparams + [-1 if limit is None else limit])]


REST_WINDOW = 20_000  # newest ids a wide 受理编号 search reads content matches in first (see _rest_ids)


def _rest_ids(store: Store, plan: _Plan, today: dt.date, offset: int, limit: int, *,
              in_batch: bool, id_range: tuple[int, int] | None) -> list[int]:
    """Ids of the other matching petitions for one page: newest first, or by 序号 in a batch."""
    not_urgent = f"NOT ({_URGENT})"
    t = [today.isoformat()]
    if plan.conds and not in_batch and not id_range and any(_FTS_IDS in c for c in plan.conds):
        # a wide 受理编号 search ("0005", whose phrase "0 0 0 5" FTS5 matches by reading the
        # doclists of 0 and 5 whole: 0.2 s at a million petitions): its content matches are read
        # among the newest ids first, in windows growing until the page is full
        top, span = store.scalar("SELECT max(id) FROM petitions") or 0, REST_WINDOW
        while True:
            lo = max(0, top - span)
            conds = [c.replace(_FTS_IDS, f"{_FTS_IDS} AND rowid > {lo:d}") for c in plan.conds]
            probes, pparams = plan.probes()
            ids = [r[0] for r in store.execute(
                f"SELECT p.id FROM petitions p WHERE p.id > {lo:d} AND p.deleted_at IS NULL AND {' AND '.join(conds)} "
                f"AND {not_urgent}{probes} ORDER BY p.id DESC LIMIT ?", plan.params + t + pparams + [offset + limit])]
            if len(ids) >= offset + limit or lo == 0:
                return ids[offset:]
            span *= 8
    if plan.conds:  # read the driver index's range, sort only the matching ids
        probes, pparams = plan.probes(id_range=id_range)
        order = "p.seq, p.id" if in_batch else "p.id DESC"
        sql = (f"SELECT p.id FROM petitions p {plan.indexed_by} "
               f"WHERE p.deleted_at IS NULL AND {' AND '.join(plan.conds)} "
               f"AND {not_urgent}{probes} ORDER BY {order} LIMIT ? OFFSET ?")
        params = plan.params + t + pparams
    elif plan.sets:  # stream the first id set newest first, probing the others
        (first, fparams), rest = plan.sets[0], _Plan([], [], "", plan.sets[1:], "", False)
        probes, pparams = rest.probes("s.id")
        if first == _FTS_IDS:
            source = "SELECT rowid AS id FROM petitions_fts WHERE petitions_fts MATCH ? ORDER BY rowid DESC"
        else:
            source = first
        sql = (f"WITH s(id) AS ({source}) SELECT s.id FROM s JOIN petitions p ON p.id = s.id "
               f"WHERE {not_urgent}{probes} ORDER BY s.id DESC LIMIT ? OFFSET ?")
        params = fparams + t + pparams
    else:
        sql = f"SELECT p.id FROM petitions p WHERE p.deleted_at IS NULL AND {not_urgent} ORDER BY p.id DESC LIMIT ? OFFSET ?"
        params = t
    return [r[0] for r in store.execute(sql, params + [limit, offset])]


def _rows(store: Store, ids: list[int]) -> list[dict]:
    if not ids:
        return []
    got = {r["id"]: r for r in store.query(
        f"SELECT {LIST_COLUMNS} FROM petitions p JOIN batches b ON b.id = p.batch_id "
        f"WHERE p.id IN ({','.join('?' for _ in ids)})", ids)}
    return [got[i] for i in ids if i in got]


def page(store: Store, filters: Filters, today: dt.date, offset: int, limit: int, *,
         with_total: bool = True) -> tuple[list[dict], int | None]:
    """One page of the list and the total number of matching petitions.

    With ``with_total=False`` the total is None: a screen shows the page first and counts
    afterwards (:func:`count`), so that a keystroke in the search box does not wait for it.
    A negative ``offset`` or ``limit`` counts as 0, a huge one as "all"."""
    offset, limit = (max(0, min(int(v), MAX_ROWS)) for v in (offset, limit))
    plan = _plan(filters, today)
    if plan.nothing:
        return [], 0
    counting, plan = plan, plan.materialized(store)  # (the unmaterialized plan counts faster)
    id_range = plan.id_range(store, filters)
    total = _count(store, counting, id_range) if with_total else None
    if total == 0:
        return [], 0
    rows = _rows(store, _page_ids(store, plan, filters, today, id_range, offset, limit))
    names = names_index(store) if rows else None
    for row in rows:
        row["content"] = public_text(names, row["content"], row)[:LIST_CONTENT]
        decorate(row, today)
    return rows, total


def _page_ids(store: Store, plan: _Plan, filters: Filters, today: dt.date, id_range: tuple[int, int] | None,
              offset: int, limit: int) -> list[int]:
    urgent = _urgent_ids(store, plan, today, id_range, limit=offset + limit)
    ids = urgent[offset:offset + limit]
    if len(urgent) < offset + limit:  # every urgent match is in ``urgent``: the rest follow them
        ids += _rest_ids(store, plan, today, max(0, offset - len(urgent)), limit - len(ids),
                         in_batch=bool(filters.batch_id), id_range=id_range)
    return ids


def matching_ids(store: Store, filters: Filters, today: dt.date, limit: int) -> list[int]:
    """The ids of the first ``limit`` matching petitions, in the list's order (the 信访件 list's
    "select all of the filter")."""
    plan = _plan(filters, today)
    if plan.nothing:
        return []
    plan = plan.materialized(store)
    return _page_ids(store, plan, filters, today, plan.id_range(store, filters), 0, max(0, min(int(limit), MAX_ROWS)))


def decorate(row: dict, today: dt.date) -> dict:
    """Add display keys: ``mark`` (超期 / 今日到期), masked ``petitioner``, ``_style``."""
    due = row.get("due_date")
    mark = ""
    if due and row.get("status") in OPEN_STATUSES:
        if due < today.isoformat():
            mark = "超期"
        elif due == today.isoformat():
            mark = "今日到期"
    row["mark"] = mark
    row["petitioner"] = mask_name(row.pop("petitioner_name", "") or "")
    row.pop("petitioner_phone", None)
    row.pop("petitioner_address", None)
    row["_style"] = {"超期": "bold red", "今日到期": "bold yellow"}.get(mark, "")
    return row
