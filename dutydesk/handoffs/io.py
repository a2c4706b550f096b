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
from ..refdata import add_units, cached_lookups, collecting_new_units
from ..sheets import Row, Sheet, read_mapped
from ..sheets.reader import Progress
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line
from . import intake, model, problems

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


def _described(count: int, new_units: list[str], *, done: bool) -> str:
    """已导入 N 条整改问题；新增单位 … (or, before the import, 将导入 … 将新增 …)."""
    will = "" if done else "将"
    text = f"{'已' if done else '将'}导入 {count} 条整改问题"
    if new_units:
        text += f"；{will}新增单位 {len(new_units)} 个：{'、'.join(new_units)[:300]}"
    return text


@dataclass
class ImportResult:
    count: int
    numbers: list[str] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _described(self.count, self.new_units, done=True)


@dataclass
class ImportPlan:
    """A validated ledger: what :func:`apply_import` stores."""

    path: Path
    sheet: Sheet
    rows: list[Row]  # as read (field-keyed), for the preview
    planned: list[_Planned]
    new_units: list[str] = field(default_factory=list)
    new_unit_rows: dict[str, list] = field(default_factory=dict)

    def report(self) -> str:
        return _described(len(self.planned), self.new_units, done=False)


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
    fields = {k: values.get(k, "") for k in model.EDITABLE if k in values}
    cleaned = intake.clean_problem(store, fields)
    status = clean_line(values.get("status", "")) or model.NOT_STARTED
    if status not in model.STATUSES:
        raise UserError(f"状态“{status[:20]}”无效（可选：{'、'.join(model.STATUSES)}）")
    state: dict[str, Any] = {}
    if status != model.NOT_STARTED:
        state["started_on"] = cleaned.get("assigned_on")
    if status in model.DONE_STATUSES:
        state["completed_on"] = _date(values.get("completed_on"), "完成日期")
    if status in (model.ACCEPTED, model.CLOSED):
        by = clean_line(values.get("accepted_by", ""))
        if not by:
            raise UserError(f"状态为“{status}”须填写验收人")
        state.update(accepted_by=by, accepted_on=_date(values.get("accepted_on"), "验收日期", required=True),
                     acceptance_note=clean(values.get("acceptance_note", "")).strip())
        if state["completed_on"] and state["accepted_on"] < state["completed_on"]:
            raise UserError("验收日期不能早于完成日期")
    if status == model.CLOSED:
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
    """Check every row; raise :class:`ValidationError` listing all bad rows (an unknown unit too)."""
    with cached_lookups(store), collecting_new_units(store) as new_units:
        return _validate(store, rows, new_units, False)


def _validate(store: Store, rows, new_units, add_units: bool) -> list[_Planned]:
    problems: list[tuple[int | str, str]] = []
    planned: list[_Planned] = []
    seen: dict[str, int] = {}
    for row in rows:
        new_units.row = row.number
        try:
            plan = _plan_row(store, row.values)
            no = plan.values.get("problem_no")
            if no:
                if no in seen:
                    raise UserError(f"问题编号 {no} 与第{seen[no]}行重复")
                if store.one(f"SELECT 1 FROM {model.TABLE} WHERE problem_no=?", [no]):
                    raise UserError(f"问题编号已存在：{no}")
                seen[no] = row.number
            planned.append(plan)
        except UserError as exc:
            problems.append((row.number, str(exc)))
    if problems or not add_units:  # (with other problems, unknown units are listed too)
        problems += new_units.problems()
    if problems:
        summary = new_units.summary()
        problems.sort(key=lambda p: p[0] if isinstance(p[0], int) else 0)
        raise ValidationError(f"有 {len({n for n, _ in problems})} 行数据有误，未导入任何记录："
                              + (f"（{summary}）" if summary else ""), problems=problems)
    if not planned:
        raise UserError("文件中没有数据行")
    return planned


def plan_import(store: Store, path: str | Path, *, sheet: str | None = None, add_units: bool = False,
                progress: Progress | None = None) -> ImportPlan:
    """Read and validate a ledger; nothing is written."""
    path = Path(path)
    info, raw = read_mapped(path, ALIASES, required=REQUIRED, sheet=sheet, progress=progress)
    rows = [Row(r.number, {FIELD_OF[k]: v for k, v in r.values.items()}) for r in raw]
    with cached_lookups(store), collecting_new_units(store) as new_units:
        try:
            planned = _validate(store, rows, new_units, add_units)
        except ValidationError as error:
            error.sheet = info  # what was read, for a preview of the problems
            raise
        names = dict(new_units.rows)
    return ImportPlan(path, info, rows, planned, list(names), names)


def apply_import(store: Store, plan: ImportPlan, *, progress: Progress | None = None) -> ImportResult:
    """Import a validated plan in one transaction (with the new units it was allowed to add)."""
    path = plan.path
    numbers: list[str] = []
    with store.write(large=True):
        added = add_units(store, plan.new_units) if plan.new_units else []
        for i, plan_row in enumerate(plan.planned, 1):
            values = dict(plan_row.values)
            if not values.get("problem_no"):
                values["problem_no"] = intake.next_problem_no(store)
            values["status"] = plan_row.status
            values.update({k: v for k, v in plan_row.state.items() if v not in (None, "")})
            hid = records.insert(store, model.TABLE, values, entity=model.ENTITY)
            problems.log_status(store, hid, None, plan_row.status,
                          date=plan_row.state.get("closed_on") or plan_row.state.get("accepted_on")
                          or plan_row.state.get("completed_on") or values.get("assigned_on") or dates.today().isoformat(),
                          by_whom=plan_row.state.get("closed_by") or plan_row.state.get("accepted_by") or "",
                          basis=plan_row.state.get("close_basis") or plan_row.state.get("acceptance_note") or "",
                          note=f"导入：{Path(path).name}")
            if plan_row.progress:
                day, text = plan_row.progress
                records.insert(store, "handoff_progress", {"handoff_id": hid, "date": day, "content": text})
                store.audit(model.ENTITY, hid, "添加进展", {"date": day, "content": text})
            numbers.append(values["problem_no"])
            if progress and not i % 500:
                progress("写入", i, len(plan.planned))
    return ImportResult(len(numbers), numbers, added)


def import_file(store: Store, path: str | Path, *, sheet: str | None = None, add_units: bool = False,
                progress: Progress | None = None) -> ImportResult:
    """Read, validate every row, then import all rows in one transaction."""
    return apply_import(store, plan_import(store, path, sheet=sheet, add_units=add_units, progress=progress),
                        progress=progress)
