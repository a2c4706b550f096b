"""Importing a problem ledger (.xlsx/.csv). Every row is validated first; one bad row and
nothing is imported (:class:`ValidationError` lists each bad row by number and reason).

Columns are the ledger's field names (see ``ALIASES``); the exported .xlsx ledger reads back.
A 状态 column may carry a ledger's existing state: 已验收 needs 验收人 and 验收日期, 已销号
needs those and 销号日期, 销号人, 销号依据. A 最新进展 cell becomes a progress entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import dates
from ..errors import UserError, ValidationError
from ..sheets import Row, read_mapped
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line
from .intake import clean_problem, next_problem_no
from .model import ACCEPTED, CLOSED, DONE_STATUSES, EDITABLE, ENTITY, NOT_STARTED, STATUSES, TABLE
from .problems import log_status

# Internal field -> column names as written in real ledgers (the first is the canonical one).
COLUMNS: dict[str, list[str]] = {
    "problem_no": ["问题编号", "编号"],
    "source": ["来源", "问题来源"],
    "description": ["问题描述", "问题内容", "交办问题", "问题基本情况", "问题"],
    "region": ["行政区域", "区域", "所属区域", "县市区"],
    "lead_unit": ["牵头单位", "牵头责任单位", "责任单位"],
    "coop_units": ["配合单位", "协办单位"],
    "owner": ["责任人"],
    "owner_phone": ["联系电话", "责任人电话", "电话"],
    "target": ["整改目标"],
    "measures": ["整改措施", "整改目标及整改措施"],
    "deadline": ["整改时限", "完成时限"],
    "deadline_category": ["时限类别", "整改时限类别"],
    "assigned_on": ["交办日期"],
    "status": ["状态", "整改状态"],
    "progress": ["最新进展", "整改进展", "最新整改情况"],
    "progress_date": ["进展日期"],
    "completed_on": ["完成日期"],
    "accepted_on": ["验收日期"],
    "accepted_by": ["验收人", "验收单位"],
    "acceptance_note": ["验收情况"],
    "closed_on": ["销号日期"],
    "closed_by": ["销号人", "销号单位"],
    "close_basis": ["销号依据"],
    "note": ["备注"],
}
# ``read_mapped`` names a missing column by its key: key by the Chinese name, map back after.
ALIASES: dict[str, list[str]] = {names[0]: [*names[1:], key] for key, names in COLUMNS.items()}
FIELD_OF: dict[str, str] = {names[0]: key for key, names in COLUMNS.items()}
REQUIRED = ["来源", "问题描述", "牵头单位"]


@dataclass
class ImportResult:
    count: int
    numbers: list[str] = field(default_factory=list)


@dataclass
class _Planned:
    values: dict[str, Any]
    status: str
    state: dict[str, Any]
    progress: tuple[str, str] | None


def _date(value: Any, label: str, *, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise UserError(f"{label}不能为空")
        return None
    try:
        day = dates.parse_date(value, default_year=dates.today().year)
    except UserError as exc:
        raise UserError(f"{label}：{exc}") from None
    if day > dates.today():
        raise UserError(f"{label}不能晚于今天")
    return day.isoformat()


def _plan_row(store: Store, values: dict[str, Any]) -> _Planned:
    fields = {k: values.get(k, "") for k in EDITABLE if k in values}
    cleaned = clean_problem(store, fields)
    status = clean_line(values.get("status", "")) or NOT_STARTED
    if status not in STATUSES:
        raise UserError(f"状态“{status[:20]}”无效（可选：{'、'.join(STATUSES)}）")
    state: dict[str, Any] = {}
    if status != NOT_STARTED:
        state["started_on"] = cleaned.get("assigned_on")
    if status in DONE_STATUSES:
        state["completed_on"] = _date(values.get("completed_on"), "完成日期")
    if status in (ACCEPTED, CLOSED):
        by = clean_line(values.get("accepted_by", ""))
        if not by:
            raise UserError(f"状态为“{status}”须填写验收人")
        state.update(accepted_by=by, accepted_on=_date(values.get("accepted_on"), "验收日期", required=True),
                     acceptance_note=clean(values.get("acceptance_note", "")).strip())
        if state["completed_on"] and state["accepted_on"] < state["completed_on"]:
            raise UserError("验收日期不能早于完成日期")
    if status == CLOSED:
        by, basis = clean_line(values.get("closed_by", "")), clean(values.get("close_basis", "")).strip()
        if not by:
            raise UserError("状态为“已销号”须填写销号人")
        if not basis:
            raise UserError("状态为“已销号”须填写销号依据")
        state.update(closed_by=by, close_basis=basis,
                     closed_on=_date(values.get("closed_on"), "销号日期", required=True))
        if state["closed_on"] < state["accepted_on"]:
            raise UserError("销号日期不能早于验收日期")
    elif any(clean_line(values.get(k, "")) for k in ("closed_on", "closed_by", "close_basis")):
        raise UserError(f"状态为“{status}”却填写了销号信息（未经验收不能销号）")
    progress = None
    text = clean(values.get("progress", "")).strip()
    if text:
        day = _date(values.get("progress_date"), "进展日期") or dates.today().isoformat()
        progress = (day, text)
    elif clean_line(values.get("progress_date", "")):
        raise UserError("填写了进展日期却没有进展内容")
    return _Planned(cleaned, status, state, progress)


def validate_rows(store: Store, rows) -> list[_Planned]:
    """Check every row; raise :class:`ValidationError` listing all bad rows."""
    problems: list[tuple[int | str, str]] = []
    planned: list[_Planned] = []
    seen: dict[str, int] = {}
    for row in rows:
        try:
            plan = _plan_row(store, row.values)
            no = plan.values.get("problem_no")
            if no:
                if no in seen:
                    raise UserError(f"问题编号 {no} 与第{seen[no]}行重复")
                if store.one(f"SELECT 1 FROM {TABLE} WHERE problem_no=?", [no]):
                    raise UserError(f"问题编号已存在：{no}")
                seen[no] = row.number
            planned.append(plan)
        except UserError as exc:
            problems.append((row.number, str(exc)))
    if problems:
        raise ValidationError(f"有 {len(problems)} 行数据有误，未导入任何记录：", problems=problems)
    if not planned:
        raise UserError("文件中没有数据行")
    return planned


def import_file(store: Store, path: str | Path) -> ImportResult:
    """Read, validate every row, then import all rows in one transaction."""
    _, raw = read_mapped(path, ALIASES, required=REQUIRED)
    rows = [Row(r.number, {FIELD_OF[k]: v for k, v in r.values.items()}) for r in raw]
    planned = validate_rows(store, rows)
    numbers: list[str] = []
    with store.write():
        for plan in planned:
            values = dict(plan.values)
            if not values.get("problem_no"):
                values["problem_no"] = next_problem_no(store)
            values["status"] = plan.status
            values.update({k: v for k, v in plan.state.items() if v not in (None, "")})
            hid = records.insert(store, TABLE, values, entity=ENTITY)
            log_status(store, hid, None, plan.status,
                       date=plan.state.get("closed_on") or plan.state.get("accepted_on")
                       or plan.state.get("completed_on") or values.get("assigned_on") or dates.today().isoformat(),
                       by_whom=plan.state.get("closed_by") or plan.state.get("accepted_by") or "",
                       basis=plan.state.get("close_basis") or plan.state.get("acceptance_note") or "",
                       note=f"导入：{Path(path).name}")
            if plan.progress:
                day, text = plan.progress
                records.insert(store, "handoff_progress", {"handoff_id": hid, "date": day, "content": text})
                store.audit(ENTITY, hid, "添加进展", {"date": day, "content": text})
            numbers.append(values["problem_no"])
    return ImportResult(len(numbers), numbers)
