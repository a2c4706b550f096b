"""Petitions (信访件): batches, intake, hand-over (交办), results, status, repeats, deadlines.

Plain functions over the store; no UI imports. Every write runs in ``store.write()``, is
audited, and keeps the search index (search.py) and the type table in step. The
petitioner's name, phone and address are audited masked, never in clear.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import itemgetter, lshift, or_

from .. import dates
from ..errors import ConflictError, UserError
from ..refdata import get_int_setting, get_setting, resolve_unit, vocab, vocab_keys
from ..store import records
from ..store.db import Store
from ..text import (
    clean,
    clean_line,
    mask_address,
    mask_name,
    mask_phone,
    normalize_key,
)
from ..workdays import WorkCalendar
from . import search
from .model import (
    CLOSED_STATUSES,
    COUNTERS,
    IDENTITY_MIN_LENGTH,
    LABELS,
    OPEN_STATUSES,
    PRIVATE_FIELDS,
    RESULT_FIELDS,
    RESULT_KINDS,
    RESULT_TEXT_FIELDS,
    STATUSES,
    case_key,
    case_norm,
    derive_method,
    derive_received_date,
    identity_needles,
    join_list,
    referenced_numbers,
    scrub_identity,
    scrub_needles,
    split_list,
)

TABLE = "petitions"
ENTITY = "petitions"
_NOT_AUDITED = {"created_at", "updated_at", "version", "case_key", "case_rev"}

_MASKS = {"petitioner_name": mask_name, "petitioner_phone": mask_phone, "petitioner_address": mask_address}
_AUDIT_JSON = json.JSONEncoder(ensure_ascii=False, default=str)  # what json.dumps(..., ensure_ascii=False, default=str) uses


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


def _identity(store: Store, petition_id: int) -> dict:
    return store.one("SELECT petitioner_name, petitioner_phone, petitioner_address FROM petitions WHERE id = ?",
                     [petition_id]) or {}


# -- batches ---------------------------------------------------------------------------------
def batch_by_no(store: Store, no: int) -> dict | None:
    return store.one("SELECT * FROM batches WHERE no = ? AND deleted_at IS NULL", [int(no)])


def get_batch(store: Store, batch_id: int) -> dict:
    return records.get(store, "batches", batch_id)


def list_batches(store: Store, *, batch_id: int | None = None) -> list[dict]:
    """Batches, newest first, with their counts (来电, 来信, 重点件, 重复件)."""
    where, params = "b.deleted_at IS NULL", []
    if batch_id is not None:
        where += " AND b.id = ?"
        params.append(batch_id)
    return store.query(
        f"""
        SELECT b.*, count(p.id) AS total,
               coalesce(sum(p.method = '来电'), 0) AS phone,
               coalesce(sum(p.method = '来信'), 0) AS letter,
               coalesce(sum(p.key_case), 0) AS key_cases,
               coalesce(sum(p.is_repeat), 0) AS repeats
        FROM batches b LEFT JOIN petitions p ON p.batch_id = b.id AND p.deleted_at IS NULL
        WHERE {where} GROUP BY b.id ORDER BY b.no DESC
        """,
        params,
    )


def batch_summary(store: Store, batch_id: int) -> dict:
    rows = list_batches(store, batch_id=batch_id)
    if not rows:
        raise UserError(f"批次不存在（#{batch_id}）")
    return rows[0]


def default_group(store: Store) -> str:
    return get_setting(store, "group")


def add_batch(store: Store, no: int, day: dt.date, *, group_name: str | None = None, note: str = "",
              source: str = "") -> int:
    if int(no) <= 0:
        raise UserError("批次号必须是正整数")
    with store.write():
        if batch_by_no(store, no):
            raise UserError(f"第{no}批已存在")
        return records.insert(store, "batches", {
            "no": int(no), "date": day.isoformat(),
            "group_name": clean_line(group_name if group_name is not None else default_group(store)),
            "note": clean(note).strip(), "source": clean_line(source),
        })


def ensure_batch(store: Store, no: int, day: dt.date | None = None, *, source: str = "") -> tuple[int, bool]:
    """The batch numbered ``no`` (created on ``day`` when new); returns (id, created)."""
    with store.write():
        row = batch_by_no(store, no)
        if row:
            return row["id"], False
        return add_batch(store, no, day or dates.today(), source=source), True


def update_batch(store: Store, batch_id: int, *, no: int | None = None, day: dt.date | None = None,
                 group_name: str | None = None, note: str | None = None,
                 expected_version: int | None = None) -> dict:
    changes: dict = {}
    if no is not None:
        other = batch_by_no(store, no)
        if other and other["id"] != batch_id:
            raise UserError(f"第{no}批已存在")
        changes["no"] = int(no)
    if day is not None:
        changes["date"] = day.isoformat()
    if group_name is not None:
        changes["group_name"] = clean_line(group_name)
    if note is not None:
        changes["note"] = clean(note).strip()
    with store.write():
        old = get_batch(store, batch_id)
        row = records.update(store, "batches", batch_id, changes, expected_version=expected_version)
        if row["date"] != old["date"]:  # the provisional deadlines of petitions not yet handed over follow
            due = due_date_for(store, dates.from_iso(row["date"]))[0].isoformat()
            for p in store.query("SELECT id FROM petitions WHERE batch_id = ? AND deleted_at IS NULL "
                                 "AND status = '待交办' AND assigned_date IS NULL", [batch_id]):
                _update(store, p["id"], {"due_date": due}, action="按转办日期重算时限")
    return row


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


# -- deadlines -------------------------------------------------------------------------------
def deadline_rule(store: Store) -> tuple[int, bool]:
    """(days, working days?) from the settings ``deadline_days`` and ``deadline_mode``."""
    return get_int_setting(store, "deadline_days", 7), get_setting(store, "deadline_mode") == "workday"


def deadline_text(store: Store) -> str:
    days, work = deadline_rule(store)
    return f"{days}个{'工作日' if work else '自然日'}"


def due_date_for(store: Store, start: dt.date, calendar: WorkCalendar | None = None) -> tuple[dt.date, str]:
    """办理时限 counted from ``start``; returns (due date, warning when holidays were guessed)."""
    days, work = deadline_rule(store)
    cal = calendar or WorkCalendar(store)
    due = cal.add_days(start, days, workdays=work)
    return due, cal.warning()


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
    method = method or derive_method(case_no)
    lead = resolve_unit(store, inp.lead_unit, required=False) if clean_line(inp.lead_unit) else ""
    coop = [u for u in resolve_units(store, inp.coop_units) if u != lead]
    repeat_of = clean_line(inp.repeat_of)
    received = derive_received_date(case_no)
    return {
        "case_no": case_no,
        "case_key": case_key(case_no, unit),
        "case_rev": case_norm(case_no).rstrip("*")[::-1],
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


def find_by_case_no(store: Store, case_no: str, unit: str = "") -> dict | None:
    return store.one("SELECT * FROM petitions WHERE case_key = ? AND deleted_at IS NULL", [case_key(case_no, unit)])


def find_referenced(store: Store, text: str, *, exclude_id: int | None = None) -> dict | None:
    """The petition a repeat note refers to ("与D2HH202403250005重复"), if it is known."""
    for number in referenced_numbers(text):
        row = find_by_case_no(store, number)
        if row is None:  # a merged multi-site case ("…*") is keyed with its unit
            row = store.one(
                "SELECT * FROM petitions WHERE deleted_at IS NULL AND (case_key LIKE ? || '|%') ORDER BY id LIMIT 1",
                [case_key(number)],
            )
        if row and row["id"] != exclude_id:
            return row
    return None


def get_petition(store: Store, petition_id: int) -> dict:
    row = records.get(store, TABLE, petition_id)
    batch = store.one("SELECT no, date, group_name FROM batches WHERE id = ?", [row["batch_id"]]) or {}
    row["batch_no"], row["batch_date"], row["group_name"] = batch.get("no"), batch.get("date"), batch.get("group_name")
    return row


def _set_types(store: Store, petition_id: int, types: str) -> None:
    store.execute("DELETE FROM petition_types WHERE petition_id = ?", [petition_id])
    for t in split_list(types):
        store.execute("INSERT OR IGNORE INTO petition_types (petition_id, type) VALUES (?, ?)", [petition_id, t])


def _log_status(store: Store, petition_id: int, old: str, new: str, day: dt.date, note: str = "") -> None:
    store.execute(
        "INSERT INTO petition_status_log (petition_id, old_status, new_status, day, at, operator, note) "
        "VALUES (?,?,?,?,?,?,?)",
        [petition_id, old, new, day.isoformat(), dates.now_iso(), store.operator, clean_line(note)],
    )


def add_petition(store: Store, batch_id: int, inp: PetitionInput | dict, *, calendar: WorkCalendar | None = None) -> int:
    """Register a petition in a batch. A 受理编号 seen before is refused (UserError)."""
    values = inp if isinstance(inp, dict) else prepare(store, inp)
    return add_petitions(store, batch_id, [values], calendar=calendar)[0]


def existing_case_keys(store: Store, keys: list[str]) -> dict[str, int]:
    """{case_key: batch no} of the live petitions among ``keys`` (one query per 500 keys)."""
    out: dict[str, int] = {}
    keys = list(dict.fromkeys(keys))
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        for r in store.execute(
                "SELECT p.case_key, b.no FROM petitions p JOIN batches b ON b.id = p.batch_id "
                f"WHERE p.deleted_at IS NULL AND p.case_key IN ({', '.join('?' for _ in chunk)})", chunk).fetchall():
            out[r[0]] = r[1]
    return out


def add_petitions(store: Store, batch_id: int, rows: list[dict], *, calendar: WorkCalendar | None = None,
                  unregistered: bool = False) -> list[int]:
    """Register many prepared rows of one batch (the one path for a form and an import), in one transaction, with the
    audit, search index, types and status log written in bulk. A number already registered
    is refused (UserError) and nothing is stored. Returns the new ids in order.

    ``unregistered=True``: the caller has just looked the numbers up inside the same write
    transaction (an import), so they are not looked up again."""
    if not rows:
        return []
    with store.write():
        batch = get_batch(store, batch_id)
        taken = {} if unregistered else existing_case_keys(store, [v["case_key"] for v in rows])
        if taken:
            v = next(v for v in rows if v["case_key"] in taken)
            raise UserError(f"受理编号已登记过：{v['case_no']}（第{taken[v['case_key']]}批）")
        seq = store.scalar("SELECT max(seq) FROM petitions WHERE batch_id = ?", [batch_id]) or 0
        now = dates.now_iso()
        conn = store.conn
        # The ids SQLite gives one insert at a time (max + 1: we hold the write lock), so that the
        # rows can go in with executemany.
        next_id = (store.scalar("SELECT max(id) FROM petitions") or 0) + 1
        if next_id + len(rows) >= 1 << 63:  # pragma: no cover - SQLite would then pick ids at random
            raise UserError("信访件编号已用尽，无法再登记")
        ids: list[int] = []
        audits, fts, types, log = [], [], [], []
        groups: list[tuple[tuple, list]] = []  # consecutive rows with the same columns: (columns, parameters)

        def flush() -> None:
            for cols, params in groups:
                conn.executemany(f"INSERT INTO petitions (id, {', '.join(f'[{c}]' for c in cols)}) "
                                 f"VALUES (?, {', '.join('?' for _ in cols)})", params)
            groups.clear()

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
            row = {**values, "batch_id": batch_id, "status": status, "created_at": now, "updated_at": now, "version": 1}
            cols = tuple(row)
            if not groups or groups[-1][0] != cols:
                groups.append((cols, []))
            pid = next_id
            next_id += 1
            groups[-1][1].append((pid, *row.values()))
            ids.append(pid)
            audits.append((now, store.operator, ENTITY, str(pid), "新增", _AUDIT_JSON.encode(
                masked_audit({k: v for k, v in row.items() if k not in _NOT_AUDITED}))))
            fts.append((pid, search.tokens_text(values["content"])))
            types += [(pid, t) for t in split_list(values["pollution_types"])]
            log.append((pid, "", status, batch["date"], now, store.operator, "登记"))
        flush()
        conn.executemany("INSERT INTO audit (at, operator, entity, entity_id, action, changes) VALUES (?,?,?,?,?,?)",
                         audits)
        conn.executemany("INSERT INTO petitions_fts (rowid, content) VALUES (?, ?)", fts)
        conn.executemany("INSERT OR IGNORE INTO petition_types (petition_id, type) VALUES (?, ?)", types)
        conn.executemany("INSERT INTO petition_status_log (petition_id, old_status, new_status, day, at, operator, note) "
                         "VALUES (?,?,?,?,?,?,?)", log)
    return ids


def _update(store: Store, petition_id: int, changes: dict, *, expected_version: int | None = None,
            action: str = "修改") -> tuple[dict, dict]:
    """``records.apply_update`` auditing the petitioner's identity masked, keeping the search
    index and type table in step. Returns (new row, diff)."""
    with store.write():
        identity = _identity(store, petition_id)
        row, diff = records.apply_update(
            store, TABLE, petition_id, changes, expected_version=expected_version, entity=ENTITY, action=action,
            audit_view=lambda d: masked_audit({k: v for k, v in d.items() if k not in _NOT_AUDITED}, identity),
            conflict_message="该信访件已被其他人修改，请比较后再保存",
        )
        if "content" in diff:
            search.unindex_petition(store, petition_id, diff["content"][0])
            search.index_petition(store, petition_id, changes["content"])
        if "pollution_types" in diff:
            _set_types(store, petition_id, changes["pollution_types"])
        return row, diff


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
            values["seq"] = (store.scalar("SELECT max(seq) FROM petitions WHERE batch_id = ?", [batch_id]) or 0) + 1
        if values.get("repeat_of"):
            ref = find_referenced(store, values["repeat_of"], exclude_id=petition_id)
            values["repeat_of_id"] = ref["id"] if ref else None
        else:
            values["repeat_of_id"] = None
        row, _ = _update(store, petition_id, values, expected_version=expected_version)
    return row


def delete_petition(store: Store, petition_id: int) -> None:
    with store.write():
        row = records.get(store, TABLE, petition_id)
        records.soft_delete(store, TABLE, petition_id, entity=ENTITY)
        search.unindex_petition(store, petition_id, row["content"])
        _set_types(store, petition_id, "")


def undelete_petition(store: Store, petition_id: int) -> None:
    with store.write():
        row = records.get(store, TABLE, petition_id, include_deleted=True)
        if not row.get("deleted_at"):
            return
        if store.one("SELECT id FROM petitions WHERE case_key = ? AND deleted_at IS NULL", [row["case_key"]]):
            raise UserError(f"受理编号已被其他信访件使用：{row['case_no']}，无法恢复")
        records.undelete(store, TABLE, petition_id, entity=ENTITY)
        search.index_petition(store, petition_id, row["content"])
        _set_types(store, petition_id, row["pollution_types"])


# -- repeats -------------------------------------------------------------------------------
# Words every complaint has; they say nothing about whether two complaints are the same.
_BOILERPLATE = ("群众", "来电", "来信", "反映", "举报", "投诉", "希望", "尽快", "处理", "请求", "督察组", "督促",
                "整改", "多次", "当地", "解决", "问题", "存在", "某")




def _pairs(chars: str) -> set[int]:
    """Every two adjacent characters of ``chars``, each pair as one int (its 8 bytes of UTF-32-LE
    read as an unsigned integer: c1 | c2 << 32 on a little-endian machine): the same set as
    ``{chars[i:i + 2] for i in ...}``, made in C rather than a Python loop."""
    n = len(chars)
    view = memoryview(chars.encode("utf-32-le", "surrogatepass"))
    out = set(view[: 8 * (n // 2)].cast("Q"))  # pairs starting at 0, 2, 4 …
    out.update(view[4: 4 + 8 * ((n - 1) // 2)].cast("Q"))  # … and at 1, 3, 5 …
    return out


_first, _last = itemgetter(0), itemgetter(-1)
_SPACE_SPACE = 0x20 | 0x20 << 32


def _bigrams(text: str, unit: str = "") -> set[int]:
    """The character bigrams of a text for comparing complaints (letters and digits only, without the
    unit's name and boilerplate words), each as an int (see :func:`_pairs`); a one-character piece
    between removed words counts as itself (its code point)."""
    chars = search.searchable(text)
    for word in ((unit,) if unit else ()) + _BOILERPLATE:
        chars = chars.replace(word, " ")
    out = _pairs(chars)
    if " " in chars:  # no pair across a removed word: drop every pair with a space
        parts = chars.split()
        if not parts:
            return set()
        if sys.byteorder == "little":  # (space, first character) and (last character, space) of each part
            out.discard(_SPACE_SPACE)
            out.difference_update(map(or_, repeat(0x20), map(lshift, map(ord, map(_first, parts)), repeat(32))))
            out.difference_update(map(or_, map(ord, map(_last, parts)), repeat(0x20 << 32)))
        else:  # pragma: no cover
            out -= _pairs("  " + " ".join(map(_first, parts)) + " " + " ".join(map(_last, parts)) + " ")
        if min(map(len, parts)) == 1:
            out.update(ord(p) for p in parts if len(p) == 1)
    elif len(chars) == 1:
        out.add(ord(chars))
    return out


@dataclass
class RepeatCandidate:
    petition_id: int
    case_no: str
    batch_no: int
    unit: str
    content: str
    score: float


REPEAT_THRESHOLD = 0.5


def _count_planes(masks: list[int]) -> list[int]:
    """How many of ``masks`` have each bit, bit-sliced: plane k holds bit k of every count.

    A Harley-Seal carry-save adder tree over 16 masks at a time (about five int operations a
    mask instead of a ripple carry through every plane), so thousands of counters move with
    each Python operation."""
    ones = twos = fours = eights = 0
    high: list[int] = []
    masks = masks + [0] * (-len(masks) % 16)
    for i in range(0, len(masks), 16):
        x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15 = masks[i:i + 16]
        # each line is a full adder: (carry, sum) of three inputs
        u = ones ^ x0; tA = (ones & x0) | (u & x1); ones = u ^ x1
        u = ones ^ x2; tB = (ones & x2) | (u & x3); ones = u ^ x3
        u = twos ^ tA; fA = (twos & tA) | (u & tB); twos = u ^ tB
        u = ones ^ x4; tA = (ones & x4) | (u & x5); ones = u ^ x5
        u = ones ^ x6; tB = (ones & x6) | (u & x7); ones = u ^ x7
        u = twos ^ tA; fB = (twos & tA) | (u & tB); twos = u ^ tB
        u = fours ^ fA; eA = (fours & fA) | (u & fB); fours = u ^ fB
        u = ones ^ x8; tA = (ones & x8) | (u & x9); ones = u ^ x9
        u = ones ^ x10; tB = (ones & x10) | (u & x11); ones = u ^ x11
        u = twos ^ tA; fA = (twos & tA) | (u & tB); twos = u ^ tB
        u = ones ^ x12; tA = (ones & x12) | (u & x13); ones = u ^ x13
        u = ones ^ x14; tB = (ones & x14) | (u & x15); ones = u ^ x15
        u = twos ^ tA; fB = (twos & tA) | (u & tB); twos = u ^ tB
        u = fours ^ fA; eB = (fours & fA) | (u & fB); fours = u ^ fB
        u = eights ^ eA; carry = (eights & eA) | (u & eB); eights = u ^ eB
        k = 0  # the sixteens: a ripple carry, once per 16 masks
        while carry:
            if k == len(high):
                high.append(carry)
                break
            p = high[k]
            high[k] = p ^ carry
            carry &= p
            k += 1
    return [ones, twos, fours, eights, *high]


def _add_planes(a: list[int], b: list[int]) -> list[int]:
    """Bit-sliced a + b (ripple carry over the planes)."""
    out, carry = [], 0
    for k in range(max(len(a), len(b)) + 1):
        x = a[k] if k < len(a) else 0
        y = b[k] if k < len(b) else 0
        u = x ^ y
        out.append(u ^ carry)
        carry = (x & y) | (u & carry)
    return out


def _at_least(planes: list[int], bound: int, full: int) -> int:
    """Mask of the bit-sliced counters that are ≥ ``bound`` (among the bits of ``full``)."""
    ge, eq = 0, full
    for k in range(max(len(planes), bound.bit_length()) - 1, -1, -1):
        p = planes[k] if k < len(planes) else 0
        if bound >> k & 1:
            eq &= p
        else:
            ge |= eq & p
            eq &= ~p
    return ge | eq


class RepeatFinder:
    """Finds earlier petitions of the same unit whose text looks like a new one: Dice coefficient of
    character bigrams ≥ the threshold, exactly what scoring every petition of the pool finds.

    Each unit's most recent ``POOL`` petitions are read once, with their bigram sets. The texts
    searched for are taken together, unit by unit (:meth:`find_many`). Bigram counts are
    bit-sliced (:class:`_Counters`): for each bigram a bitmask, and carry-save adders over
    Python ints, so one int operation moves a counter for every petition of the pool (texts
    searched one at a time) or, when a unit has more texts than pooled petitions (a large
    import), for every text (pooled petitions taken one at a time). The few pairs that may
    reach the threshold are scored exactly; a handful of texts are scored against the pool
    directly. Keep one finder for one import.
    """

    POOL = 1000  # per unit: some fifty days of an inspection
    DIRECT = 8  # up to this many texts of a unit: score each petition of the pool directly
    TRANSPOSE = 1  # more than this many texts per pooled petition: count over the texts

    BLOCK_TEXTS = 4096  # at most this many texts of one unit searched together (their bigram sets in memory)

    def __init__(self, store: Store, *, threshold: float = REPEAT_THRESHOLD):
        self.store, self.threshold = store, threshold
        self._pools: dict[str, tuple[list[dict], list[set[int]]]] = {}
        self._prefetched: dict[str, list[dict]] = {}  # rows read ahead, their bigrams made when searched
        self._masks: dict[str, _Counters] = {}  # per unit, over its pool

    def _pool(self, unit: str) -> tuple[list[dict], list[set[int]]]:
        """(rows, their bigram sets), the newest petitions first."""
        if unit not in self._pools and unit in self._prefetched:
            self._set_pool(unit, self._prefetched.pop(unit))
        if unit not in self._pools:
            self._set_pool(unit, self.store.query(
                "SELECT p.id, p.case_no, p.unit, p.content, b.no FROM petitions p INDEXED BY petitions_unit "
                "JOIN batches b ON b.id = p.batch_id WHERE p.unit = ? AND p.deleted_at IS NULL "
                "ORDER BY b.no DESC, p.seq LIMIT ?", [unit, self.POOL]))
        return self._pools[unit]

    def _set_pool(self, unit: str, rows: list[dict]) -> None:
        grams = [_bigrams(r["content"], unit) for r in rows]
        self._pools[unit] = (rows, grams)

    def _prefetch(self, units: set[str]) -> None:
        """The pools of several units at once: the same rows as :meth:`_pool`'s query for each (the
        newest ``POOL`` of the unit by batch number, then 序号), read batch by batch from the newest
        until every unit has its ``POOL``, instead of sorting all of each unit's petitions."""
        wanted = {u for u in units if u not in self._pools and u not in self._prefetched}
        if len(wanted) < 2:
            return
        batches: dict[int, list[int]] = {}
        for b in self.store.query("SELECT id, no FROM batches"):  # deleted batches too, as the JOIN has them
            batches.setdefault(b["no"], []).append(b["id"])
        pools: dict[str, list[dict]] = {u: [] for u in wanted}
        filling = set(wanted)
        for no in sorted(batches, reverse=True):
            ids = batches[no]
            for row in self.store.query(
                    f"SELECT id, case_no, unit, content FROM petitions WHERE batch_id IN ({', '.join('?' for _ in ids)}) "
                    "AND deleted_at IS NULL ORDER BY seq", ids):
                if row["unit"] in filling:
                    row["no"] = no
                    pool = pools[row["unit"]]
                    pool.append(row)
                    if len(pool) == self.POOL:
                        filling.discard(row["unit"])
            if not filling:
                break
        self._prefetched.update(pools)

    def find(self, content: str, unit: str, *, before_batch_no: int | None = None,
             exclude_id: int | None = None, limit: int = 3) -> list[RepeatCandidate]:
        """Best first: Dice coefficient of character bigrams ≥ the threshold."""
        return self.find_many([(content, unit, before_batch_no)], exclude_id=exclude_id, limit=limit)[0]

    def find_many(self, items: list[tuple[str, str, int | None]], *, exclude_id: int | None = None,
                  limit: int = 3, release: bool = False) -> list[list[RepeatCandidate]]:
        """:meth:`find` for each (content, unit, before_batch_no), in one pass per unit (the texts of
        a unit ``BLOCK_TEXTS`` at a time). With ``release`` (a finder used once, by an import) a
        unit's pool is let go once its texts are searched: one unit's bigrams in memory at a time."""
        found: list[list[RepeatCandidate]] = [[] for _ in items]
        by_unit: dict[str, list[int]] = {}
        for i, (content, unit, _) in enumerate(items):
            if unit and content:
                by_unit.setdefault(unit, []).append(i)
        self._prefetch(set(by_unit))
        for unit, numbers in by_unit.items():
            size = -(-len(numbers) // -(-len(numbers) // self.BLOCK_TEXTS))  # blocks of (nearly) equal size
            for start in range(0, len(numbers), size):
                self._search_unit(unit, [(i, *items[i]) for i in numbers[start:start + size]], found, exclude_id)
            if release:
                self._pools.pop(unit, None)
                self._masks.pop(unit, None)
        for cands in found:
            cands.sort(key=lambda c: (-c.score, -c.batch_no, c.petition_id))
            del cands[limit:]
        return found

    def _search_unit(self, unit: str, items: list[tuple[int, str, str, int | None]],
                     found: list[list[RepeatCandidate]], exclude_id: int | None) -> None:
        rows, grams = self._pool(unit)
        if not rows:
            return
        t = self.threshold
        texts = []  # (item number, its bigrams, before_batch_no)
        for i, content, _, before in items:
            mine = _bigrams(content, unit)
            if mine:
                texts.append((i, mine, before, len(mine)))

        def score(k: int, j: int) -> None:
            i, mine, before, size = texts[k]
            row = rows[j]
            if (before is not None and row["no"] >= before) or row["id"] == exclude_id:
                return
            value = 2 * len(mine & grams[j]) / (size + len(grams[j]))
            if value >= t:
                found[i].append(RepeatCandidate(row["id"], row["case_no"], row["no"], row["unit"], row["content"],
                                                round(value, 2)))

        if len(texts) <= self.DIRECT:
            for k in range(len(texts)):
                for j in range(len(rows)):
                    score(k, j)
        elif len(texts) <= len(rows) * self.TRANSPOSE:  # count over the pool, one text at a time
            if unit not in self._masks:
                self._masks[unit] = _Counters(grams, [len(g) for g in grams], t)
            pool = self._masks[unit]
            for k, (_, mine, _, size) in enumerate(texts):
                for j in pool.reaching(mine, size):
                    score(k, j)
        else:  # more texts than petitions: count over the texts, one petition at a time
            vocab = set().union(*grams)  # a text's other bigrams meet no petition: no masks for them
            # (and none counts in a score: each text keeps only those, with its own size)
            texts = [(i, mine & vocab, before, size) for i, mine, before, size in texts]
            counters = _Counters([mine for _, mine, _, _ in texts], [size for _, _, _, size in texts], t)
            for j, theirs in enumerate(grams):
                for k in counters.reaching(theirs, len(theirs)):
                    score(k, j)


class _Counters:
    """Bit-sliced counters over a list of bigram sets ("the side"): for each bigram, a bitmask of
    the sets that have it (bit k = set k).

    :meth:`reaching` counts, for every set of the side at once, the bigrams it shares with
    another set and returns the sets that may reach a Dice coefficient of ``t``: a superset,
    scored exactly by the caller. n ≥ t(|A|+|B|)/2 implies OFF − ⌊t|A|/2⌋ + n ≥ OFF + ⌈t|B|/2⌉
    (both sides whole; the 1e-9 only widens the test), so counters start at OFF − ⌊t|A|/2⌋ ≥ 1
    and the other set has one bound for the whole side.
    """

    BLOCK = 1024

    def __init__(self, sets: list[set], sizes: list[int], t: float):
        self.t = t
        halves = [math.floor(t * n / 2 - 1e-9) for n in sizes]
        self.base = 1 << max(max(halves, default=0), 0).bit_length()
        bits = [1 << k for k in range(self.BLOCK)]
        masks: dict = {}
        for start in range(0, len(sets), self.BLOCK):  # a block at a time, so that each | works on short ints
            block: dict = {}
            get = block.get
            for bit, grams in zip(bits, sets[start:start + self.BLOCK]):
                for gram in grams:
                    block[gram] = get(gram, 0) | bit
            if not start:
                masks = block
                continue
            for gram, mask in block.items():
                masks[gram] = masks.get(gram, 0) | mask << start
        self.masks = masks
        starts = [self.base - half for half in reversed(halves)]  # the last set first: the most significant bit
        self.offsets = [int("0" + "".join(["01"[start >> p & 1] for start in starts]), 2)
                        for p in range((2 * self.base).bit_length())]
        self.full = (1 << len(sets)) - 1

    def reaching(self, grams: set, size: int) -> list[int]:
        """Positions of the side that may share enough of ``grams`` (a set of ``size`` bigrams, of
        which only those the side has need be given)."""
        masks = self.masks
        xs = [masks[g] for g in grams if g in masks]
        if not xs:
            return []
        planes = _add_planes(_count_planes(xs), self.offsets)
        hits = _at_least(planes, self.base + math.ceil(self.t * size / 2 - 1e-9), self.full)
        out = []
        while hits:
            low = hits & -hits
            out.append(low.bit_length() - 1)
            hits ^= low
        return out


def repeat_candidates(store: Store, content: str, unit: str, *, before_batch_no: int | None = None,
                      exclude_id: int | None = None, limit: int = 3,
                      threshold: float = REPEAT_THRESHOLD) -> list[RepeatCandidate]:
    """Earlier petitions of the same unit whose text looks like ``content`` (best first)."""
    return RepeatFinder(store, threshold=threshold).find(content, unit, before_batch_no=before_batch_no,
                                                         exclude_id=exclude_id, limit=limit)


def link_repeat(store: Store, petition_id: int, other_id: int) -> dict:
    """Mark a petition as repeating an earlier one ("与D2HH202403250005重复")."""
    if petition_id == other_id:
        raise UserError("不能与自身重复")
    other = records.get(store, TABLE, other_id)
    row, _ = _update(store, petition_id, {
        "is_repeat": 1, "repeat_of": f"与{other['case_no']}重复", "repeat_of_id": other_id,
    }, action="关联重复件")
    return row


def unlink_repeat(store: Store, petition_id: int) -> dict:
    row, _ = _update(store, petition_id, {"is_repeat": 0, "repeat_of": "", "repeat_of_id": None}, action="取消重复")
    return row


# -- hand-over, results, status ------------------------------------------------------------
def hand_over(store: Store, petition_id: int, lead_unit: str, coop_units: list[str] | str = (), *,
              day: dt.date | None = None, due: dt.date | None = None, target: str | None = None,
              expected_version: int | None = None) -> tuple[dict, str]:
    """交办: set the responsible units and the deadline; returns (row, holiday warning)."""
    lead = resolve_unit(store, lead_unit)
    coop = [u for u in resolve_units(store, coop_units) if u != lead]
    day = day or dates.today()
    warning = ""
    if due is None:
        due, warning = due_date_for(store, day)
    if due < day:
        raise UserError("办理时限不能早于交办时间")
    with store.write():
        current = records.get(store, TABLE, petition_id)
        changes = {"lead_unit": lead, "coop_units": join_list(coop), "assigned_date": day.isoformat(),
                   "due_date": due.isoformat()}
        if target is not None:
            changes["target"] = clean(target).strip()
        if current["status"] == "待交办":
            changes["status"] = "已交办"
        row, _ = _update(store, petition_id, changes, expected_version=expected_version, action="交办")
        if current["status"] == "待交办":
            _log_status(store, petition_id, "待交办", "已交办", day, f"交办{lead}")
    return row, warning


@dataclass
class ResultInput:
    kind: str = "已办结"
    date: dt.date | None = None  # 办结日期; default today
    investigation: str = ""
    truth: str = ""
    handling: str = ""
    accountability: str = ""
    counters: dict[str, float] = field(default_factory=dict)


def parse_counter(value: object, *, is_float: bool, label: str) -> float | int:
    text = normalize_key(value).rstrip("家人件万元次")
    if text in ("", "-", "/", "无"):
        return 0
    try:
        number = float(text)
    except ValueError:
        raise UserError(f"{label}应为数字，不是“{clean_line(value)[:20]}”") from None
    if number < 0:
        raise UserError(f"{label}不能为负数")
    if not is_float:
        if not number.is_integer():
            raise UserError(f"{label}应为整数")
        return int(number)
    return round(number, 4)


def prepare_result(store: Store, res: ResultInput) -> dict:
    kind = clean_line(res.kind) or "已办结"
    if kind == "正在办理":
        kind = "未办结"
    if kind not in RESULT_KINDS:
        raise UserError(f"办结状态应为{'/'.join(RESULT_KINDS)}，不是“{kind[:10]}”")
    truth = clean_line(res.truth)
    if truth and truth not in vocab(store, "truth", include_inactive=True):
        raise UserError(f"是否属实应为{'/'.join(vocab(store, 'truth'))}，不是“{truth[:10]}”")
    values = {
        "kind": kind,
        "date": (res.date or dates.today()).isoformat(),
        "investigation": clean(res.investigation).strip(),
        "truth": truth,
        "handling": clean(res.handling).strip(),
        "accountability": clean(res.accountability).strip(),
    }
    for c in COUNTERS:
        values[c.field] = parse_counter(res.counters.get(c.field, 0), is_float=c.is_float, label=c.label)
    return values


def latest_result(store: Store, petition_id: int, *, as_of: dt.date | None = None) -> dict | None:
    sql = "SELECT * FROM petition_results WHERE petition_id = ?"
    params: list = [petition_id]
    if as_of is not None:
        sql += " AND date <= ?"
        params.append(as_of.isoformat())
    return store.one(sql + " ORDER BY date DESC, id DESC LIMIT 1", params)


def results(store: Store, petition_id: int) -> list[dict]:
    return store.query("SELECT * FROM petition_results WHERE petition_id = ? ORDER BY date, id", [petition_id])


def record_result(store: Store, petition_id: int, res: ResultInput | dict, *,
                  expected_version: int | None = None, action: str = "录入结果") -> dict:
    """Record a result (已办结 / 阶段性办结 / 未办结 progress) dated by its 办结日期.

    A result with the same date as an earlier one replaces it (a correction); the latest
    result by date sets the petition's status, 办结日期 and result fields.
    """
    values = res if isinstance(res, dict) else prepare_result(store, res)
    with store.write():
        current = records.get(store, TABLE, petition_id)
        if expected_version is not None and current["version"] != expected_version:
            raise ConflictError("该信访件已被其他人修改，请比较后再保存", current=current)
        same_day = store.one("SELECT id FROM petition_results WHERE petition_id = ? AND date = ?",
                             [petition_id, values["date"]])
        now = dates.now_iso()
        if same_day:
            sets = ", ".join(f"[{k}] = ?" for k in values)
            store.execute(f"UPDATE petition_results SET {sets}, operator = ?, updated_at = ? WHERE id = ?",
                             list(values.values()) + [store.operator, now, same_day["id"]])
        else:
            row = {"petition_id": petition_id, **values, "operator": store.operator, "created_at": now, "updated_at": now}
            store.execute(f"INSERT INTO petition_results ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                             list(row.values()))
        row, diff = _apply_latest(store, current, action=action, note=values["kind"])
        if not diff:  # e.g. an earlier-dated result: the petition shows the same, the audit still records it
            store.audit(ENTITY, petition_id, action, masked_audit(
                {k: v for k, v in values.items() if v not in ("", 0, 0.0) or k in ("kind", "date")},
                _identity(store, petition_id)))
        return row


def _apply_latest(store: Store, current: dict, *, action: str, note: str = "") -> tuple[dict, dict]:
    """Copy the latest result onto the petition and set its status from it; returns (row, diff)."""
    pid = current["id"]
    latest = latest_result(store, pid)
    changes: dict = {f: (latest[f] if latest else ("" if f in RESULT_TEXT_FIELDS else 0)) for f in RESULT_FIELDS}
    status = current["status"]
    if latest is None or latest["kind"] == "未办结":
        changes["closed_date"] = None
        if status in CLOSED_STATUSES:
            status = "已交办" if current.get("lead_unit") else "待交办"
    else:
        changes["closed_date"] = latest["date"]
        if not (status == "已公开" and current.get("closed_date") == latest["date"]
                and all(current.get(f) == latest[f] for f in RESULT_FIELDS)):
            status = latest["kind"]
    if status != "已公开":
        changes["published_date"] = None
    changes["status"] = status
    row, diff = _update(store, pid, changes, action=action)
    if status != current["status"]:
        day = dates.from_iso(latest["date"]) if latest else dates.today()
        _log_status(store, pid, current["status"], status, day, note)
    return row, diff


def publish(store: Store, petition_ids: list[int], day: dt.date | None = None) -> int:
    """Mark closed petitions as published (已公开); returns how many changed."""
    day = day or dates.today()
    changed = 0
    with store.write():
        for pid in petition_ids:
            current = records.get(store, TABLE, pid)
            if current["status"] == "已公开":
                continue
            if current["status"] not in ("阶段性办结", "已办结"):
                raise UserError(f"{current['case_no']} 尚未办结（{current['status']}），不能公开")
            _update(store, pid, {"status": "已公开", "published_date": day.isoformat()}, action="公开")
            _log_status(store, pid, current["status"], "已公开", day)
            changed += 1
    return changed


def set_status(store: Store, petition_id: int, status: str, *, day: dt.date | None = None, note: str = "",
               expected_version: int | None = None) -> dict:
    """Change the status by hand, keeping the dated results consistent with it.

    Closing (阶段性办结 / 已办结) records a result dated ``day`` with the latest texts;
    reopening from a closed status records a 未办结 entry; 已公开 publishes.
    """
    if status not in STATUSES:
        raise UserError(f"未知的状态：{status}（可用：{'、'.join(STATUSES)}）")
    day = day or dates.today()
    with store.write():
        current = records.get(store, TABLE, petition_id)
        if expected_version is not None and current["version"] != expected_version:
            raise ConflictError("该信访件已被其他人修改，请比较后再保存", current=current)
        old = current["status"]
        if status == old:
            return current
        if status == "已公开":
            publish(store, [petition_id], day)
        elif status in ("阶段性办结", "已办结"):
            latest = latest_result(store, petition_id)
            if old == "已公开" and latest and latest["kind"] == status:
                _update(store, petition_id, {"status": status, "published_date": None}, action="取消公开")
                _log_status(store, petition_id, old, status, day, note or "取消公开")
            else:
                values = {f: latest[f] for f in RESULT_FIELDS} if latest else {}
                values = {**{f: ("" if f in RESULT_TEXT_FIELDS else 0) for f in RESULT_FIELDS}, **values,
                          "kind": status, "date": day.isoformat()}
                record_result(store, petition_id, values, action="修改状态")
        else:  # 待交办 / 已交办
            if old in CLOSED_STATUSES:
                latest = latest_result(store, petition_id) or {}
                values = {**{f: ("" if f in RESULT_TEXT_FIELDS else 0) for f in RESULT_FIELDS},
                          **{f: latest[f] for f in RESULT_FIELDS if f in latest}, "kind": "未办结", "date": day.isoformat()}
                record_result(store, petition_id, values, action="修改状态")
            current = records.get(store, TABLE, petition_id)
            if current["status"] != status:
                _update(store, petition_id, {"status": status}, action="修改状态")
                _log_status(store, petition_id, current["status"], status, day, note)
        return records.get(store, TABLE, petition_id)


def status_log(store: Store, petition_id: int) -> list[dict]:
    return store.query("SELECT * FROM petition_status_log WHERE petition_id = ? ORDER BY id", [petition_id])


def history_text(store: Store, petition_id: int) -> str:
    """Change history with the petitioner's identity hidden (also where a text quotes it), then the
    status log."""
    text = records.history_text(store, ENTITY, petition_id, labels=LABELS, hidden=set(PRIVATE_FIELDS))
    text = scrub_identity(text, _identity(store, petition_id))
    log = status_log(store, petition_id)
    if log:
        text += "\n\n状态变更：\n" + "\n".join(
            f"  {r['day']}  {r['old_status'] or '（登记）'} → {r['new_status']}  {r['operator']}  {r['at']}"
            + (f"  {r['note']}" if r["note"] else "") for r in log)
    return text


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


def is_overdue(row: dict, today: dt.date) -> bool:
    return bool(row.get("due_date")) and row.get("status") in OPEN_STATUSES and row["due_date"] < today.isoformat()


def alert_counts(store: Store, today: dt.date) -> dict[str, int]:
    """超期 / 今日到期 / 待交办 counts for the screen's status line (partial indexes only)."""
    t = today.isoformat()
    row = store.one(
        "SELECT coalesce(sum(due_date < ?), 0) AS overdue, coalesce(sum(due_date = ?), 0) AS due_today "
        "FROM petitions INDEXED BY petitions_open_due WHERE deleted_at IS NULL AND status IN ('待交办', '已交办') "
        "AND due_date IS NOT NULL AND due_date <= ?", [t, t, t])
    waiting = store.scalar("SELECT count(*) FROM petitions WHERE deleted_at IS NULL AND status = '待交办'") or 0
    return {"overdue": row["overdue"], "due_today": row["due_today"], "waiting": waiting}
