"""The petition's work after intake: hand-over (交办), dated results (办结), publishing (公开)
and status changes by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import dates
from ..errors import ConflictError, UserError
from ..refdata import resolve_unit, vocab
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line, normalize_key
from .deadlines import due_date_for
from .intake import resolve_units
from .model import (CLOSED_STATUSES, COUNTER_FIELDS, COUNTERS, RESULT_FIELDS, RESULT_KINDS, RESULT_TEXT_FIELDS, STATUSES,
                    join_list)
from .privacy import identity_of, masked_audit
from .rows import ENTITY, TABLE, latest_texts, log_status, update_row


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
        transferred = store.scalar("SELECT date FROM batches WHERE id = ?", [current["batch_id"]])
        if transferred and day.isoformat() < transferred:  # handed over before the group sent it
            raise UserError(f"交办时间 {day.isoformat()} 不能早于本批转办日期 {transferred}", field="day")
        changes = {"lead_unit": lead, "coop_units": join_list(coop), "assigned_date": day.isoformat(),
                   "due_date": due.isoformat()}
        if target is not None:
            changes["target"] = clean(target).strip()
        if current["status"] == "待交办":
            changes["status"] = "已交办"
        row, _ = update_row(store, petition_id, changes, expected_version=expected_version, action="交办")
        if current["status"] == "待交办":
            log_status(store, petition_id, "待交办", "已交办", day, f"交办{lead}")
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
    result by date sets the petition's status, 办结日期 and counters (its texts stay in
    ``petition_results``: ``rows.latest_texts``).
    """
    values = res if isinstance(res, dict) else prepare_result(store, res)
    with store.write():
        current = records.get(store, TABLE, petition_id)
        if expected_version is not None and current["version"] != expected_version:  # (theirs with its texts)
            raise ConflictError("该信访件已被其他人修改，请比较后再保存", current={**current, **latest_texts(store, petition_id)})
        before = latest_result(store, petition_id)
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
        after = latest_result(store, petition_id)
        texts = {f: [before[f] if before else "", after[f]] for f in RESULT_TEXT_FIELDS
                 if (before[f] if before else "") != after[f]}  # (not the petition's columns: audited with them)
        row, diff = _apply_latest(store, current, before, after, action=action, note=values["kind"], texts=texts)
        if not diff:  # e.g. an earlier-dated result: the petition shows the same, the audit still records it
            store.audit(ENTITY, petition_id, action, masked_audit(
                {**{k: v for k, v in values.items() if v not in ("", 0, 0.0) or k in ("kind", "date")}, **texts},
                identity_of(store, petition_id)))
        return row


def _apply_latest(store: Store, current: dict, before: dict | None, latest: dict | None, *, action: str,
                  note: str = "", texts: dict | None = None) -> tuple[dict, dict]:
    """Set the petition's status, 办结日期 and counters from its ``latest`` result (``before``: the
    latest one before this change; ``texts``: its texts' changes, audited with the row's); returns
    (row, diff)."""
    pid = current["id"]
    changes: dict = {f: (latest[f] if latest else 0) for f in COUNTER_FIELDS}
    status = current["status"]
    if latest is None or latest["kind"] == "未办结":
        changes["closed_date"] = None
        if status in CLOSED_STATUSES:
            status = "已交办" if current.get("lead_unit") else "待交办"
    else:
        changes["closed_date"] = latest["date"]
        if not (status == "已公开" and current.get("closed_date") == latest["date"] and before is not None
                and all(before[f] == latest[f] for f in RESULT_FIELDS)):  # the same result again stays published
            status = latest["kind"]
    if status != "已公开":
        changes["published_date"] = None
    changes["status"] = status
    row, diff = update_row(store, pid, changes, action=action, also_audited=texts)
    if status != current["status"]:
        day = dates.from_iso(latest["date"]) if latest else dates.today()
        log_status(store, pid, current["status"], status, day, note)
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
            update_row(store, pid, {"status": "已公开", "published_date": day.isoformat()}, action="公开")
            log_status(store, pid, current["status"], "已公开", day)
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
                update_row(store, petition_id, {"status": status, "published_date": None}, action="取消公开")
                log_status(store, petition_id, old, status, day, note or "取消公开")
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
                update_row(store, petition_id, {"status": status}, action="修改状态")
                log_status(store, petition_id, current["status"], status, day, note)
        return records.get(store, TABLE, petition_id)
