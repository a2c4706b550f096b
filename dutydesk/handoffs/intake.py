"""Problems as typed or read from a sheet: fields validated and cleaned (vocabulary words, units,
整改时限 as ledgers write it, business dates), numbered (WT-2024-0001), created and edited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

from .. import dates
from ..errors import UserError
from ..refdata import resolve_unit, vocab
from ..sheets import split_multi
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line
from .model import EDITABLE, ENTITY, LONG_TERM, NOT_STARTED, NUMBER_PREFIX, TABLE, UNDATED_DEADLINES
from .problems import get, log_status
from .when import date_or_none

_PHONE = re.compile(r"^[0-9+\-()（）、,，/ 转]*$")
MAX_NO = 40


def _vocab_value(store: Store, kind: str, value: str, label: str, *, required: bool) -> str:
    value = clean_line(value)
    if not value:
        if required:
            raise UserError(f"{label}不能为空（可选：{'、'.join(vocab(store, kind))}）")
        return ""
    allowed = vocab(store, kind, include_inactive=True)
    if value not in allowed:
        raise UserError(f"{label}“{value[:20]}”不在词表中（可选：{'、'.join(vocab(store, kind))}）")
    return value


_MONTH_END = re.compile(r"^\s*(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(?:底|末)\s*(?:前|之前)?\s*$")
_YEAR_END = re.compile(r"^\s*(\d{4})\s*年\s*(?:底|末)\s*(?:前|之前)?\s*$")


def parse_deadline(value: Any) -> str | None:
    """整改时限 as ledgers write it: a date, ``6月底前``, ``2024年底``; ``长期坚持`` / empty → None."""
    if value is None or isinstance(value, (dt.date, dt.datetime)):
        return date_or_none(value, "整改时限")
    text = clean_line(value)
    if not text or text in UNDATED_DEADLINES:
        return None
    if m := _YEAR_END.match(text):
        return dt.date(int(m[1]), 12, 31).isoformat()
    if m := _MONTH_END.match(text):
        year, month = int(m[1] or dates.today().year), int(m[2])
        if not 1 <= month <= 12:
            raise UserError(f"整改时限：无法识别的日期：{text[:40]}")
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return (nxt - dt.timedelta(days=1)).isoformat()
    text = re.sub(r"(?:之前|前)$", "", text)
    return date_or_none(text, "整改时限")


def _units(store: Store, value: Any) -> str:
    """配合单位 as ``甲、乙``: known units are normalised to their names, others kept as written."""
    items = value if isinstance(value, (list, tuple)) else split_multi(clean(value))
    out: list[str] = []
    for item in items:
        item = clean_line(item)
        if not item:
            continue
        try:
            item = resolve_unit(store, item)
        except UserError:
            pass
        if item not in out:
            out.append(item)
    return "、".join(out)


def clean_problem(store: Store, values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate and clean problem fields; raises :class:`UserError` on the first problem.

    With ``partial`` only the given fields are checked (for edits).
    """
    out: dict[str, Any] = {}
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise UserError(f"未知的字段：{'、'.join(sorted(unknown))}")

    def has(key: str) -> bool:
        return not partial or key in values

    if has("problem_no"):
        no = clean_line(values.get("problem_no", ""))
        if len(no) > MAX_NO:
            raise UserError(f"问题编号过长（最多{MAX_NO}个字符）")
        if partial and not no:
            raise UserError("问题编号不能为空")
        out["problem_no"] = no
    if has("source"):
        out["source"] = _vocab_value(store, "problem_source", values.get("source", ""), "来源", required=True)
    if has("description"):
        desc = clean(values.get("description", "")).strip()
        if not desc:
            raise UserError("问题描述不能为空")
        out["description"] = desc
    if has("region"):
        region = clean_line(values.get("region", ""))
        out["region"] = resolve_unit(store, region) if region else ""
    if has("lead_unit"):
        lead = clean_line(values.get("lead_unit", ""))
        if not lead:
            raise UserError("牵头单位不能为空")
        out["lead_unit"] = resolve_unit(store, lead)
    if has("coop_units"):
        out["coop_units"] = _units(store, values.get("coop_units", ""))
    if has("owner"):
        out["owner"] = clean_line(values.get("owner", ""))[:40]
    if has("owner_phone"):
        phone = clean_line(values.get("owner_phone", ""))
        if len(phone) > 40 or not _PHONE.match(phone):
            raise UserError(f"联系电话格式有误：{phone[:40]}")
        out["owner_phone"] = phone
    for key in ("target", "measures", "note"):
        if has(key):
            out[key] = clean(values.get(key, "")).strip()
    if has("deadline"):
        out["deadline"] = parse_deadline(values.get("deadline"))
    if has("deadline_category"):
        out["deadline_category"] = _vocab_value(store, "deadline_category", values.get("deadline_category", ""),
                                                "时限类别", required=False)
        if (not out["deadline_category"] and not partial
                and clean_line(values.get("deadline") or "") in UNDATED_DEADLINES):
            out["deadline_category"] = LONG_TERM
    if has("assigned_on"):
        out["assigned_on"] = date_or_none(values.get("assigned_on"), "交办日期")
    if out.get("deadline") and out.get("assigned_on") and out["deadline"] < out["assigned_on"]:
        raise UserError("整改时限不能早于交办日期")
    return out


def next_problem_no(store: Store, year: int | None = None, *, taken: Iterable[str] = ()) -> str:
    """``WT-2024-0001``: the next free serial of the year."""
    year = year or dates.today().year
    prefix = f"{NUMBER_PREFIX}-{year}-"
    serial = 0
    existing = [r["problem_no"] for r in store.query(
        f"SELECT problem_no FROM {TABLE} WHERE problem_no LIKE ?", [prefix + "%"])] + list(taken)
    for no in existing:
        tail = no[len(prefix):] if no.startswith(prefix) else ""
        if tail.isdigit():
            serial = max(serial, int(tail))
    return f"{prefix}{serial + 1:04d}"


def _check_no_free(store: Store, no: str, *, except_id: int | None = None) -> None:
    row = store.one(f"SELECT id, deleted_at FROM {TABLE} WHERE problem_no = ?", [no])
    if row and row["id"] != except_id:
        extra = "（已删除的问题仍占用该编号）" if row["deleted_at"] else ""
        raise UserError(f"问题编号已存在：{no}{extra}")


def create(store: Store, **fields: Any) -> int:
    """Create a problem (status 未启动); returns its id. ``problem_no`` is generated when empty."""
    values = clean_problem(store, fields)
    with store.write():
        if not values.get("problem_no"):
            values["problem_no"] = next_problem_no(store)
        _check_no_free(store, values["problem_no"])
        values["status"] = NOT_STARTED
        hid = records.insert(store, TABLE, values, entity=ENTITY)
        log_status(store, hid, None, NOT_STARTED, date=values.get("assigned_on") or dates.today().isoformat(),
                    note="新建")
    return hid


def update_problem(store: Store, handoff_id: int, changes: dict[str, Any], *,
                   expected_version: int | None = None) -> dict:
    """Edit problem fields (not the status); raises ``ConflictError`` if someone saved first."""
    values = clean_problem(store, changes, partial=True)
    with store.write():
        if "problem_no" in values:
            _check_no_free(store, values["problem_no"], except_id=int(handoff_id))
        if "deadline" in values or "assigned_on" in values:
            current = get(store, handoff_id)
            deadline = values.get("deadline", current["deadline"])
            assigned = values.get("assigned_on", current["assigned_on"])
            if deadline and assigned and deadline < assigned:
                raise UserError("整改时限不能早于交办日期")
        return records.update(store, TABLE, int(handoff_id), values, expected_version=expected_version, entity=ENTITY)
