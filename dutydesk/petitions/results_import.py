"""Importing the counties' result sheets (办理结果): matched to petitions by 受理编号.

Every row is validated first: a file with bad rows records nothing and :class:`ValidationError`
lists each bad row by its Excel row number. No UI imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import dates
from ..errors import UserError, ValidationError
from ..sheets import Sheet, read_mapped
from ..sheets.reader import Progress
from ..store.db import Store
from ..text import clean_line, normalize_key
from .rows import find_by_case_no, find_referenced
from .workflow import ResultInput, latest_result, prepare_result, record_result
from .model import COUNTERS, RESULT_FIELDS
from .aliases import PETITION_ALIASES

RESULT_ALIASES: dict[str, list[str]] = {
    "case_no": PETITION_ALIASES["case_no"],
    "kind": ["办结情况", "是否办结", "办结状态", "办理状态", "办理情况"],
    "date": ["办结日期", "办结时间"],
    "investigation": ["调查核实情况", "核查情况", "调查核实结果", "调查处理情况"],
    "truth": ["是否属实", "属实情况"],
    "handling": ["处理和整改情况", "处理整改情况", "整改情况", "处理情况"],
    "accountability": ["责任追究情况", "问责情况", "责任人被处理情况", "责任追究"],
    "n_rectify": ["责令整改", "责令整改家数"],
    "n_penalty": ["立案处罚", "立案处罚家数"],
    "fine": ["罚款", "罚款金额", "罚款数额"],
    "n_investigate": ["立案侦查", "立案侦查件数"],
    "n_admin_detention": ["行政拘留", "行政拘留人数"],
    "n_criminal_detention": ["刑事拘留", "刑事拘留人数"],
    "n_interview": ["约谈", "约谈人数"],
    "n_accountable": ["问责", "问责人数"],
    "n_clues": ["移送问题线索", "移送线索", "移送问题线索件数"],
}

_KIND_WORDS = {
    "是": "已办结", "已办结": "已办结", "办结": "已办结", "已完成": "已办结", "完成": "已办结",
    "阶段性办结": "阶段性办结", "阶段办结": "阶段性办结", "阶段性": "阶段性办结",
    "否": "未办结", "未办结": "未办结", "正在办理": "未办结", "办理中": "未办结", "未完成": "未办结",
}


@dataclass
class ResultPlanRow:
    number: int
    petition_id: int
    case_no: str
    values: dict
    unchanged: bool


@dataclass
class ResultsImport:
    path: Path
    rows: list[ResultPlanRow]
    applied: bool = False
    sheet: Sheet | None = None  # what was read: the worksheet, its mapped and ignored columns

    def report(self) -> str:
        changed = [r for r in self.rows if not r.unchanged]
        same = len(self.rows) - len(changed)
        verb = "已录入" if self.applied else "将录入"
        if not changed:
            return f"表中 {len(self.rows)} 件结果与已录入的相同，未做任何修改。"
        kinds: dict[str, int] = {}
        for r in changed:
            kinds[r.values["kind"]] = kinds.get(r.values["kind"], 0) + 1
        text = f"{verb} {len(changed)} 件办理结果（" + "，".join(f"{k} {n} 件" for k, n in kinds.items()) + "）"
        if same:
            text += f"；{same} 件与已录入的相同，未修改"
        return text + "。"


def _same_result(latest: dict | None, values: dict, date_given: bool) -> bool:
    if latest is None or latest["kind"] != values["kind"]:
        return False
    if date_given and latest["date"] != values["date"]:
        return False
    return all(latest[f] == values[f] for f in RESULT_FIELDS)


def plan_results(store: Store, path: str | Path, *, sheet: str | None = None,
                 progress: Progress | None = None) -> ResultsImport:
    path = Path(path)
    info, rows = read_mapped(path, RESULT_ALIASES, required=["case_no"], sheet=sheet, progress=progress)
    problems: list[tuple[int, str]] = []
    planned: list[ResultPlanRow] = []
    seen: dict[int, int] = {}
    for row in rows:
        v = row.values
        try:
            case_no = clean_line(v.get("case_no", ""))
            if not case_no:
                raise UserError("受理编号为空")
            found = find_by_case_no(store, case_no) or find_referenced(store, case_no)
            if found is None:
                raise UserError(f"受理编号 {case_no[:30]} 未登记")
            if found["id"] in seen:
                raise UserError(f"受理编号 {case_no[:30]} 与第{seen[found['id']]}行重复")
            raw_kind = normalize_key(v.get("kind", ""))
            has_content = any(str(v.get(f) or "").strip() for f in RESULT_FIELDS + ("kind",))
            if not has_content:
                continue  # a row the county has not filled in yet
            kind = _KIND_WORDS.get(raw_kind, raw_kind) if raw_kind else "已办结"
            date_given = bool(str(v.get("date") or "").strip())
            res = ResultInput(
                kind=kind, date=dates.parse_date(v["date"]) if date_given else None,
                investigation=v.get("investigation", ""), truth=v.get("truth", ""),
                handling=v.get("handling", ""), accountability=v.get("accountability", ""),
                counters={c.field: v.get(c.field, 0) for c in COUNTERS},
            )
            values = prepare_result(store, res)
        except UserError as exc:
            problems.append((row.number, str(exc)))
            continue
        seen[found["id"]] = row.number
        latest = latest_result(store, found["id"])
        planned.append(ResultPlanRow(row.number, found["id"], found["case_no"], values,
                                     _same_result(latest, values, date_given)))
    if problems:
        raise ValidationError(f"{path.name}：{len(problems)} 行有误，未录入任何结果", problems)
    if not planned:
        raise UserError(f"表格中没有办理结果：{path.name}")
    return ResultsImport(path, planned, sheet=info)


def apply_results(store: Store, plan: ResultsImport) -> ResultsImport:
    with store.write():
        for r in plan.rows:
            if not r.unchanged:
                record_result(store, r.petition_id, r.values, action="导入结果")
    plan.applied = True
    return plan


def import_results(store: Store, path: str | Path, *, dry_run: bool = False, sheet: str | None = None,
                   progress: Progress | None = None) -> ResultsImport:
    plan = plan_results(store, path, sheet=sheet, progress=progress)
    return plan if dry_run else apply_results(store, plan)
