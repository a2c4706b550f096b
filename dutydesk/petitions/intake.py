"""Intake (登记): a petition as typed or read from a sheet, validated and normalised (units,
pollution types), registered in a batch (one path for a form and an import, written in bulk),
edited, deleted and restored."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass, field

from .. import dates
from ..errors import UserError
from ..refdata import resolve_unit, vocab, vocab_keys
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line, normalize_key
from ..workdays import WorkCalendar
from . import derived, search
from .batches import get_batch, last_seq, undelete_batch
from .deadlines import due_date_for
from .model import OPEN_STATUSES, join_list, number_facts, split_list
from .history import REGISTERED, registration_changes
from .rows import ENTITY, TABLE, existing_case_keys, find_referenced, set_types, update_row



# -- reference values ------------------------------------------------------------------------
_TYPE_SUFFIXES = ("污染", "破坏", "问题", "类")
_TYPE_ALIASES = {"噪音": "噪声", "废气": "大气", "废水": "水", "油烟": "餐饮油烟", "固体废物": "固废", "固废物": "固废"}


def resolve_types(store: Store, values: list[str] | str) -> list[str]:
    """污染类型 as written (大气污染, 噪音 …) → vocabulary words; unknown ones are an error."""
    if isinstance(values, str):
        from ..sheets import split_multi

        values = split_multi(values)
    lookups = getattr(store, "_lookups", None)
    if lookups is None:
        return _resolve_types(store, values)
    key = ("types", *values)  # inside an import the same few spellings come again and again
    if key not in lookups:
        lookups[key] = _resolve_types(store, values)
    return list(lookups[key])


def _resolve_types(store: Store, values: list[str]) -> list[str]:
    by_key = vocab_keys(store, "pollution_type")
    out: list[str] = []
    bad: list[str] = []
    for raw in values:
        key = normalize_key(raw)
        if not key:
            continue
        cand = [key, _TYPE_ALIASES.get(key, "")]
        for suffix in _TYPE_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                stem = key[: -len(suffix)]
                cand += [stem, _TYPE_ALIASES.get(stem, "")]
        word = next((by_key[c] for c in cand if c and c in by_key), None)
        if word is None:
            bad.append(clean_line(raw)[:20])
        elif word not in out:
            out.append(word)
    if bad:
        raise UserError(f"未知的污染类型：{'、'.join(bad)}（可用：{'、'.join(vocab(store, 'pollution_type'))}）")
    return out


def resolve_units(store: Store, values: list[str] | str) -> list[str]:
    if isinstance(values, str):
        from ..sheets import split_multi

        values = split_multi(values)
    out: list[str] = []
    for v in values:
        name = resolve_unit(store, v)
        if name not in out:
            out.append(name)
    return out


# -- petitions -------------------------------------------------------------------------------
@dataclass
class PetitionInput:
    """A petition as typed in a form or read from a sheet (text, not yet validated)."""

    case_no: str
    content: str
    unit: str
    pollution_types: list[str] | str = field(default_factory=list)
    key_case: bool = False
    is_repeat: bool = False
    repeat_of: str = ""
    petitioner_name: str = ""
    petitioner_phone: str = ""
    petitioner_address: str = ""
    method: str = ""  # "" = derive from the case number
    lead_unit: str = ""
    coop_units: list[str] | str = field(default_factory=list)
    assigned_date: dt.date | None = None
    due_date: dt.date | None = None
    target: str = ""
    note: str = ""


def prepare(store: Store, inp: PetitionInput) -> dict:
    """Validate and normalise; returns the column values. Raises UserError (one problem)."""
    case_no = clean_line(inp.case_no)
    if not case_no:
        raise UserError("受理编号不能为空")
    if len(case_no) > 60:
        raise UserError("受理编号过长")
    content = clean(inp.content).strip()
    if not content:
        raise UserError("交办问题基本情况不能为空")
    unit = resolve_unit(store, inp.unit)
    method = clean_line(inp.method)
    if method and method not in ("来电", "来信"):
        method = {"电话": "来电", "D": "来电", "信件": "来信", "来信来访": "来信", "X": "来信", "网络": "来信"}.get(method.upper(), None)
        if method is None:
            raise UserError(f"受理方式应为来电或来信，不是“{clean_line(inp.method)[:10]}”")
    key, rev, derived_method, received = number_facts(case_no, unit)
    method = method or derived_method
    lead = resolve_unit(store, inp.lead_unit, required=False) if clean_line(inp.lead_unit) else ""
    coop = [u for u in resolve_units(store, inp.coop_units) if u != lead]
    repeat_of = clean_line(inp.repeat_of)
    return {
        "case_no": case_no,
        "case_key": key,
        "case_rev": rev,
        "method": method,
        "received_date": dates.iso(received) or None,
        "content": content,
        "unit": unit,
        "pollution_types": join_list(resolve_types(store, inp.pollution_types)),
        "key_case": int(bool(inp.key_case)),
        "is_repeat": int(bool(inp.is_repeat or repeat_of)),
        "repeat_of": repeat_of,
        "petitioner_name": clean_line(inp.petitioner_name),
        "petitioner_phone": clean_line(inp.petitioner_phone),
        "petitioner_address": clean_line(inp.petitioner_address),
        "lead_unit": lead,
        "coop_units": join_list(coop),
        "assigned_date": dates.iso(inp.assigned_date) or None,
        "due_date": dates.iso(inp.due_date) or None,
        "target": clean(inp.target).strip(),
        "note": clean(inp.note).strip(),
    }


# The content is bound as UTF-8 bytes and stored as text: a str bound to a statement keeps a UTF-8
# copy of itself for as long as it lives (CPython caches it), and an import's contents live until
# it ends: ~48 MB of 100,000 complaints at the import's peak.
_PLACEHOLDERS = {"content": "CAST(? AS TEXT)"}


def add_petition(store: Store, batch_id: int, inp: PetitionInput | dict, *, calendar: WorkCalendar | None = None) -> int:
    """Register a petition in a batch. A 受理编号 seen before is refused (UserError)."""
    values = inp if isinstance(inp, dict) else prepare(store, inp)
    return add_petitions(store, batch_id, [values], calendar=calendar)[0]


def add_petitions(store: Store, batch_id: int, rows: list[dict], *, calendar: WorkCalendar | None = None,
                  unregistered: bool = False, index_later: list[tuple[int, list[str]]] | None = None) -> list[int]:
    """Register many prepared rows of one batch (the one path for a form and an import), in one transaction, with the
    search index and types written in bulk and one audit entry (:mod:`.history`). A number already registered
    is refused (UserError) and nothing is stored. Returns the new ids in order.

    ``unregistered=True``: the caller has just looked the numbers up inside the same write
    transaction (an import), so they are not looked up again.

    ``index_later`` (an import storing its rows in parts): the new rows are not indexed but
    appended to this list as (first id, their contents); the caller indexes them with
    :func:`search.index_new` before its transaction ends."""
    if not rows:
        return []
    with store.write():
        batch = get_batch(store, batch_id)
        taken = {} if unregistered else existing_case_keys(store, [v["case_key"] for v in rows])
        if taken:
            v = next(v for v in rows if v["case_key"] in taken)
            raise UserError(f"受理编号已登记过：{v['case_no']}（第{taken[v['case_key']]}批）")
        seq = last_seq(store, batch_id)
        now = dates.now_iso()
        conn = store.conn
        # The ids SQLite gives one insert at a time (max + 1: we hold the write lock), so that the
        # rows can go in with executemany.
        next_id = (store.scalar("SELECT max(id) FROM petitions") or 0) + 1
        if next_id + len(rows) >= 1 << 63:  # pragma: no cover - SQLite would then pick ids at random
            raise UserError("信访件编号已用尽，无法再登记")
        ids: list[int] = []
        fts, types = [], []
        groups: list[tuple[tuple, list]] = []  # consecutive rows with the same columns: (columns, parameters)

        def flush() -> None:
            for cols, params in groups:
                conn.executemany(f"INSERT INTO petitions (id, {', '.join(f'[{c}]' for c in cols)}) "
                                 f"VALUES (?, {', '.join(_PLACEHOLDERS.get(c, '?') for c in cols)})", params)
            groups.clear()

        bulk = len(rows) >= derived.BULK_ROWS  # the facts, counts and names: set-based, after the rows
        with derived.registering_many(store) if bulk else nullcontext():
            for values in rows:
                values = dict(values)
                seq += 1
                values["seq"] = seq
                if values.get("is_repeat") and values.get("repeat_of"):
                    flush()  # the earlier rows of this call may be the one referred to
                    ref = find_referenced(store, values["repeat_of"])
                    values["repeat_of_id"] = ref["id"] if ref else None
                status = "已交办" if values.get("lead_unit") else "待交办"
                if values.get("lead_unit") and not values.get("assigned_date"):
                    values["assigned_date"] = batch["date"]
                if not values.get("due_date"):
                    start = dates.from_iso(values.get("assigned_date") or batch["date"])
                    values["due_date"] = due_date_for(store, start, calendar)[0].isoformat()
                row = {**values, "batch_id": batch_id, "status": status, "created_at": now, "updated_at": now, "version": 1,
                       "content": values["content"].encode()}  # (see _PLACEHOLDERS)
                cols = tuple(row)
                if not groups or groups[-1][0] != cols:
                    groups.append((cols, []))
                pid = next_id
                next_id += 1
                groups[-1][1].append((pid, *row.values()))
                ids.append(pid)
                fts.append(values["content"])
                types += [(pid, t) for t in split_list(values["pollution_types"])]
            flush()
            # one audit entry for the registration, on the batch (history.history makes each petition's 新增 of it)
            conn.execute("INSERT INTO audit (at, operator, entity, entity_id, action, changes) VALUES (?,?,?,?,?,?)",
                         [now, store.operator, "batches", str(batch_id), REGISTERED, registration_changes(ids[0], ids[-1])])
            part = (ids[0], fts)  # (the ids are consecutive, counted up from the first)
            if index_later is None:
                search.index_new(store, [part])
            else:
                index_later.append(part)
            conn.executemany("INSERT OR IGNORE INTO petition_types (petition_id, type) VALUES (?, ?)", types)
            # (the registration is not status-logged: history.status_log makes it from the audit entry)
            if bulk:
                derived.fill(store, ids[0], ids[-1])
    return ids


def update_petition(store: Store, petition_id: int, inp: PetitionInput, *, expected_version: int | None = None,
                    batch_id: int | None = None) -> dict:
    """Save the intake fields of a petition (not its status or result)."""
    values = prepare(store, inp)
    with store.write():
        clash = store.one("SELECT id FROM petitions WHERE case_key = ? AND deleted_at IS NULL AND id != ?",
                          [values["case_key"], petition_id])
        if clash:
            raise UserError(f"受理编号已被其他信访件使用：{values['case_no']}")
        for key in ("assigned_date", "due_date", "lead_unit", "coop_units"):
            values.pop(key)  # changed through hand_over()
        if batch_id and batch_id != records.get(store, TABLE, petition_id)["batch_id"]:  # moved: last in its new batch
            get_batch(store, batch_id)
            values["batch_id"] = batch_id
            values["seq"] = last_seq(store, batch_id) + 1
        if values.get("repeat_of"):
            ref = find_referenced(store, values["repeat_of"], exclude_id=petition_id)
            values["repeat_of_id"] = ref["id"] if ref else None
        else:
            values["repeat_of_id"] = None
        row, _ = update_row(store, petition_id, values, expected_version=expected_version)
    return row


def delete_petition(store: Store, petition_id: int) -> None:
    with store.write():
        row = records.get(store, TABLE, petition_id)
        records.soft_delete(store, TABLE, petition_id, entity=ENTITY)
        search.unindex_petition(store, petition_id, row["content"], is_open=row["status"] in OPEN_STATUSES)
        set_types(store, petition_id, "")


def undelete_petition(store: Store, petition_id: int) -> None:
    with store.write():
        row = records.get(store, TABLE, petition_id, include_deleted=True)
        if not row.get("deleted_at"):
            return
        if store.one("SELECT id FROM petitions WHERE case_key = ? AND deleted_at IS NULL", [row["case_key"]]):
            raise UserError(f"受理编号已被其他信访件使用：{row['case_no']}，无法恢复")
        if store.scalar("SELECT deleted_at FROM batches WHERE id = ?", [row["batch_id"]]):
            undelete_batch(store, row["batch_id"])  # its (empty, deleted) batch comes back with it
        records.undelete(store, TABLE, petition_id, entity=ENTITY)
        search.index_petition(store, petition_id, row["content"], is_open=row["status"] in OPEN_STATUSES)
        set_types(store, petition_id, row["pollution_types"])
