"""Importing the inspection group's petition sheets and the counties' result sheets.

Both imports validate every row first: a file with bad rows imports nothing and
:class:`ValidationError` lists each bad row by its Excel row number. A 受理编号 seen before
is reported and skipped, never stored twice, so importing the same file again changes
nothing. No UI imports.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import dates
from ..errors import UserError, ValidationError
from ..refdata import cached_lookups
from ..sheets import read_mapped, split_multi
from ..store.db import Store
from ..text import clean_line, normalize_key
from ..workdays import WorkCalendar
from .batches import batch_by_no, ensure_batch
from .deadlines import due_date_for
from .intake import PetitionInput, add_petitions, prepare
from .model import COUNTERS, RESULT_FIELDS, case_key, parse_yes_no, referenced_numbers
from .repeats.finder import RepeatCandidate, RepeatFinder
from .rows import existing_case_keys, find_by_case_no, find_referenced
from .workflow import ResultInput, latest_result, prepare_result, record_result

PETITION_ALIASES: dict[str, list[str]] = {
    "case_no": ["受理编号", "编号", "信访编号", "举报编号", "案件编号", "受理号", "信访件编号"],
    "content": ["交办问题基本情况", "信访内容", "举报内容", "问题描述", "反映问题", "信访举报内容",
                "反映的主要问题", "主要内容", "反映内容"],
    "unit": ["行政区域", "所属区县", "所属区域", "区县", "县市区", "所属县市区", "属地"],
    "pollution_types": ["污染类型", "污染类别"],
    "key_case": ["是否重点件", "重点件", "是否重点"],
    "repeat": ["重复件", "是否重复", "是否重复件"],
    "repeat_of": ["重复关联件编号", "重复关联件", "关联件编号", "重复件编号"],
    "petitioner_name": ["信访人", "举报人", "信访人姓名", "举报人姓名"],
    "petitioner_phone": ["联系电话", "信访人电话", "举报人电话", "电话"],
    "petitioner_address": ["信访人地址", "联系地址", "地址", "住址"],
    "batch": ["批次", "转办批次", "批号"],
    "transfer_date": ["转办日期", "转办时间"],
    "method": ["受理方式"],
    "lead_unit": ["责任单位", "牵头责任单位", "牵头单位"],
    "coop_units": ["配合单位", "配合责任单位"],
    "assigned_date": ["交办时间", "交办日期"],
    "due_date": ["办理时限", "办结时限"],
    "target": ["办结目标"],
    "seq": ["序号"],
    "note": ["备注"],
}

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

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_batch_no(value: object) -> int:
    """``3``, ``第3批``, ``第三批``, ``第十二批`` → the batch number."""
    text = normalize_key(value)
    text = re.sub(r"^第|批$|批次$", "", text)
    if text.isdigit() and int(text) > 0:
        return int(text)
    if text and all(ch in _CN_DIGITS or ch in "十百" for ch in text):
        total, current = 0, 0
        for ch in text:
            if ch == "百":
                total += (current or 1) * 100
                current = 0
            elif ch == "十":
                total += (current or 1) * 10
                current = 0
            else:
                current = _CN_DIGITS[ch]
        total += current
        if total > 0:
            return total
    raise UserError(f"批次应为数字，如 3 或 第3批，不是“{clean_line(value)[:20]}”")


# -- petitions -------------------------------------------------------------------------------
@dataclass
class PlannedRow:
    number: int
    batch_no: int
    values: dict
    candidates: list[RepeatCandidate] = field(default_factory=list)


@dataclass
class ImportPlan:
    path: Path
    batches: dict[int, dt.date]  # batch no -> transfer date
    new_batches: set[int]
    rows: list[PlannedRow]
    skipped: list[tuple[int, str, int]]  # (row, case_no, batch no it is in)
    warnings: list[str] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return len(self.rows)

    def report(self, *, applied: bool) -> str:
        lines = []
        verb = "已导入" if applied else "将导入"
        if not self.rows:
            nos = "、".join(f"第{n}批" for n in sorted(self.batches))
            lines.append(f"表中 {len(self.skipped)} 件信访件此前均已登记（{nos}），未做任何修改。")
        for no in sorted(self.batches):
            n = sum(1 for r in self.rows if r.batch_no == no)
            if not n:
                continue
            made = "（新建批次）" if no in self.new_batches else ""
            lines.append(f"{verb}第{no}批{made}（转办日期 {dates.cn_date(self.batches[no])}）：{n} 件")
        if self.rows and self.skipped:
            lines.append(f"已登记过、跳过 {len(self.skipped)} 件：")
        if self.rows:
            for row, case_no, batch_no in self.skipped[:50]:
                lines.append(f"  第{row}行 {case_no}（已在第{batch_no}批）")
        cands = [r for r in self.rows if r.candidates]
        if cands:
            lines.append(f"疑似重复件 {len(cands)} 件（导入后可逐件确认关联）：")
            for r in cands[:50]:
                c = r.candidates[0]
                lines.append(f"  第{r.number}行 {r.values['case_no']} ≈ {c.case_no}（第{c.batch_no}批，相似度 {c.score:.0%}）")
        lines += self.warnings
        return "\n".join(lines)


@dataclass
class ImportResult:
    plan: ImportPlan
    created: list[int]  # petition ids, in file order
    candidates: list[tuple[int, RepeatCandidate]]  # (new petition id, candidate)

    def report(self) -> str:
        return self.plan.report(applied=True)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large import makes its many rows, sets and dicts.

    They are all alive until the import ends (nothing for the collector to find), yet every
    700 new container objects start a collection that walks them, and the older generations
    again and again: about a sixth of the time of a 5,000-row import. Reference counting still
    frees everything as usual; the collector resumes afterwards (nested uses keep it paused).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def plan_import(store: Store, path: str | Path, *, batch: int | None = None, day: dt.date | None = None) -> ImportPlan:
    """Read and validate a petition sheet; raises ValidationError listing every bad row."""
    with cached_lookups(store), _gc_paused():  # units, vocabularies and settings read once, not once a row
        return _plan_import(store, Path(path), batch, day)


def _plan_import(store: Store, path: Path, batch: int | None, day: dt.date | None) -> ImportPlan:
    sheet, rows = read_mapped(path, PETITION_ALIASES, required=["case_no", "content", "unit"])
    if not rows:
        raise UserError(f"表格中没有信访件：{path.name}")
    has_batch_col = "batch" in rows[0].values
    if batch is None and not has_batch_col:
        raise UserError("未指定批次：表中没有“批次”列，请填写批次号", field="batch")
    problems: list[tuple[int, str]] = []
    planned: list[tuple[PlannedRow, dt.date | None]] = []  # with the row's own 转办日期
    skipped: list[tuple[int, str, int]] = []
    seen: dict[str, int] = {}
    valid: list[tuple[int, int, dict, dt.date | None]] = []
    warnings: list[str] = []
    # the same few words and dates on row after row: each parsed once per import
    batch_no_of, date_of, yes_no_of = _memo(parse_batch_no), _memo(dates.parse_optional_date), _memo(parse_yes_no)
    types_of = _memo(lambda value: tuple(split_multi(value)))
    for row in rows:
        v = row.values
        try:
            no = batch
            if has_batch_col and str(v.get("batch") or "").strip():
                no_in_row = batch_no_of(v["batch"])
                if batch is not None and no_in_row != batch:
                    raise UserError(f"批次为第{no_in_row}批，与指定的第{batch}批不符")
                no = no_in_row
            if no is None:
                raise UserError("批次为空")
            row_day = date_of(v.get("transfer_date"))
            inp = PetitionInput(
                case_no=v.get("case_no", ""), content=v.get("content", ""), unit=v.get("unit", ""),
                pollution_types=list(types_of(v.get("pollution_types", ""))),
                key_case=yes_no_of(v.get("key_case", "")),
                petitioner_name=v.get("petitioner_name", ""), petitioner_phone=v.get("petitioner_phone", ""),
                petitioner_address=v.get("petitioner_address", ""), method=v.get("method", ""),
                target=v.get("target", ""), note=v.get("note", ""),
            )
            _repeat_fields(inp, v)
            units = split_multi(v.get("lead_unit", ""))
            if units:
                inp.lead_unit, inp.coop_units = units[0], units[1:] + split_multi(v.get("coop_units", ""))
            elif v.get("coop_units"):
                raise UserError("填写了配合单位但没有牵头责任单位")
            inp.assigned_date = date_of(v.get("assigned_date"))
            inp.due_date = date_of(v.get("due_date"))
            values = prepare(store, inp)  # 序号 is given by the order of the rows
        except (UserError, ValueError) as exc:
            problems.append((row.number, str(exc)))
            continue
        key = values["case_key"]
        if key in seen:
            problems.append((row.number, f"受理编号 {values['case_no']} 与第{seen[key]}行重复"))
            continue
        seen[key] = row.number
        valid.append((row.number, no, values, row_day))
    registered = existing_case_keys(store, list(seen))  # one query per 500 rows, not one a row
    seen_before: set[str] = set()
    for number, no, values, row_day in valid:
        seen_before.add(values["case_key"])
        if values["case_key"] in registered:
            skipped.append((number, values["case_no"], registered[values["case_key"]]))
            continue
        if values["is_repeat"] and values["repeat_of"] and not find_referenced(store, values["repeat_of"]) \
                and not any(case_key(n) in seen_before for n in referenced_numbers(values["repeat_of"])):
            warnings.append(f"第{number}行：重复关联件“{values['repeat_of'][:30]}”未找到，只记录原文")
        planned.append((PlannedRow(number, no, values), row_day))
    batch_dates, new_batches = _batch_dates(store, planned, skipped, day, problems, warnings)
    if problems:
        raise ValidationError(f"{path.name}：{len(problems)} 行有误，未导入任何信访件", sorted(problems))
    calendar = WorkCalendar(store)
    for r, _ in planned:
        if r.values["due_date"] is None:  # counted from the hand-over, else from the transfer
            start = dates.from_iso(r.values["assigned_date"]) if r.values["assigned_date"] else batch_dates[r.batch_no]
            r.values["due_date"] = due_date_for(store, start, calendar)[0].isoformat()
    looked_up = [r for r, _ in planned if not r.values["is_repeat"]]
    found = RepeatFinder(store).find_many(  # all rows at once, unit by unit
        [(r.values["content"], r.values["unit"], r.batch_no) for r in looked_up])
    for r, candidates in zip(looked_up, found):
        r.candidates = candidates
    if calendar.warning():
        warnings.append(calendar.warning())
    return ImportPlan(path, batch_dates, new_batches, [r for r, _ in planned], skipped, warnings)


def _memo(fn):
    """``fn`` (a pure function of one value) answering a value seen before from memory; an error is
    raised again each time, not kept."""
    known: dict = {}

    def call(value):
        try:
            return known[value]
        except KeyError:
            result = known[value] = fn(value)
            return result
        except TypeError:  # not hashable
            return fn(value)

    return call


def _batch_dates(store: Store, planned: list[tuple[PlannedRow, dt.date | None]], skipped: list, day: dt.date | None,
                 problems: list, warnings: list) -> tuple[dict[int, dt.date], set[int]]:
    """Each batch's 转办日期: a batch already registered keeps its own; a new one takes the given
    date, else the date its rows carry (they must agree), else today (with a warning)."""
    dates_in_rows: dict[int, dict[dt.date, int]] = {}
    for r, row_day in planned:
        by_day = dates_in_rows.setdefault(r.batch_no, {})
        if row_day:
            by_day.setdefault(row_day, r.number)
    out: dict[int, dt.date] = {}
    new: set[int] = set()
    for no, by_day in dates_in_rows.items():
        existing = batch_by_no(store, no)
        if existing:
            out[no] = dates.from_iso(existing["date"])
            if day and day != out[no]:
                warnings.append(f"注意：第{no}批已存在，转办日期为 {dates.cn_date(out[no])}，未按指定的日期修改")
            continue
        new.add(no)
        if day:
            out[no] = day
        elif len(by_day) > 1:
            (first, _), *others = sorted(by_day.items(), key=lambda kv: kv[1])
            out[no] = first
            for other, number in others:
                problems.append((number, f"第{no}批的转办日期前后不一致（{dates.cn_date(first)} 与 {dates.cn_date(other)}）"))
        elif by_day:
            out[no] = next(iter(by_day))
        else:
            out[no] = dates.today()
            warnings.append(f"注意：第{no}批的转办日期未给出，按今天（{dates.cn_date(out[no])}）登记；如不对请指定转办日期")
    for _, _, no in skipped:
        existing = batch_by_no(store, no) if no is not None else None
        if existing and no not in out:
            out[no] = dates.from_iso(existing["date"])
    return out, new


def _repeat_fields(inp: PetitionInput, v: dict) -> None:
    """重复件 may be 是/否, or the earlier number itself; 重复关联件编号 names it."""
    mark = clean_line(v.get("repeat", ""))
    ref = clean_line(v.get("repeat_of", ""))
    if mark:
        try:
            inp.is_repeat = parse_yes_no(mark)
        except ValueError:
            if not ref:  # "与D2HH202403250005重复" written in the 重复件 column
                ref = mark
            inp.is_repeat = True
    if ref:
        inp.repeat_of = ref if "重复" in ref or "同一" in ref else f"与{ref}重复"
        inp.is_repeat = True


def apply_import(store: Store, plan: ImportPlan) -> ImportResult:
    """Store a validated plan in one transaction; numbers registered meanwhile are skipped."""
    created: list[int] = []
    candidates: list[tuple[int, RepeatCandidate]] = []
    calendar = WorkCalendar(store)
    with store.write(), cached_lookups(store), _gc_paused():
        batch_ids: dict[int, int] = {}
        with_rows = {r.batch_no for r in plan.rows}
        for no, bday in plan.batches.items():
            if no in with_rows:
                batch_ids[no], _ = ensure_batch(store, no, bday, source=plan.path.name)
        taken = existing_case_keys(store, [r.values["case_key"] for r in plan.rows])
        rows = [r for r in plan.rows if r.values["case_key"] not in taken]
        by_batch: dict[int, list[PlannedRow]] = {}
        for r in rows:
            by_batch.setdefault(r.batch_no, []).append(r)
        ids: dict[int, int] = {}  # id(PlannedRow) -> petition id
        for no, group in by_batch.items():
            for r, pid in zip(group, add_petitions(store, batch_ids[no], [r.values for r in group],
                                                   calendar=calendar, unregistered=True)):
                ids[id(r)] = pid
        for r in rows:  # file order
            pid = ids[id(r)]
            created.append(pid)
            candidates += [(pid, c) for c in r.candidates[:1]]
    return ImportResult(plan, created, candidates)


def import_petitions(store: Store, path: str | Path, *, batch: int | None = None, day: dt.date | None = None,
                     dry_run: bool = False) -> ImportResult:
    plan = plan_import(store, path, batch=batch, day=day)
    if dry_run:
        return ImportResult(plan, [], [])
    return apply_import(store, plan)


# -- results -------------------------------------------------------------------------------
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


def plan_results(store: Store, path: str | Path) -> ResultsImport:
    path = Path(path)
    _, rows = read_mapped(path, RESULT_ALIASES, required=["case_no"])
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
    return ResultsImport(path, planned)


def apply_results(store: Store, plan: ResultsImport) -> ResultsImport:
    with store.write():
        for r in plan.rows:
            if not r.unchanged:
                record_result(store, r.petition_id, r.values, action="导入结果")
    plan.applied = True
    return plan


def import_results(store: Store, path: str | Path, *, dry_run: bool = False) -> ResultsImport:
    plan = plan_results(store, path)
    return plan if dry_run else apply_results(store, plan)
