"""Importing the inspection group's petition sheets (and, in results_import.py, the counties' result sheets).

Both imports validate every row first: a file with bad rows imports nothing and
:class:`ValidationError` lists each bad row by its Excel row number. A 受理编号 seen before
is reported and skipped, never stored twice, so importing the same file again changes
nothing. No UI imports.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import dates
from ..errors import UserError, ValidationError
from ..refdata import NewUnits, add_units, cached_lookups, collecting_new_units, merge_unit_parts
from ..sheets import Sheet, read_mapped, split_multi
from ..store.db import Store
from ..text import clean_line, normalize_key
from ..sheets.reader import Progress
from ..workdays import WorkCalendar
from .batches import batch_by_no, ensure_batch
from .deadlines import due_date_for
from .import_search import Picks, early_items, repeat_mark
from .intake import PetitionInput, add_petitions, prepare
from .repeats import background as helper_search
from .repeats.background import RepeatSearch
from .repeats.finder import RepeatCandidate
from .rows import existing_case_keys, find_referenced
from .search import index_new
from .aliases import PETITION_ALIASES  # noqa: F401 - the column names, importable from here as before
from .model import case_key, parse_yes_no, referenced_numbers


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
    candidates: Sequence[RepeatCandidate] = ()  # (one shared empty tuple: a 100,000-row import has as many rows)
    petition_id: int = 0  # once stored


@dataclass
class ImportPlan:
    path: Path
    batches: dict[int, dt.date]  # batch no -> transfer date
    new_batches: set[int]
    rows: list[PlannedRow]
    skipped: list[tuple[int, str, int]]  # (row, case_no, batch no it is in)
    warnings: list[str] = field(default_factory=list)
    sheet: Sheet | None = None  # what was read: the worksheet, its mapped and ignored columns
    new_units: list[str] = field(default_factory=list)  # unknown units accepted as new ones
    new_unit_rows: dict[str, list] = field(default_factory=dict)  # each with the rows that name it
    repeats: RepeatSearch | Picks | None = None  # the repeat search of the rows not marked 重复件 (maybe still running)
    looked_up: list[PlannedRow] = field(default_factory=list)  # those rows, in the search's order

    @property
    def new_count(self) -> int:
        return len(self.rows)

    def collect_candidates(self, store: Store, *, leave_out: frozenset[int] = frozenset()) -> None:
        """Wait for the repeat search (if it runs beside) and give each row its candidates."""
        if self.repeats is None:
            return
        for r, candidates in zip(self.looked_up, self.repeats.result(store, leave_out=leave_out)):
            r.candidates = candidates
        self.repeats = None

    def close(self) -> None:
        """The plan is dropped (its preview left with Esc): stop a repeat search still running."""
        if self.repeats is not None:
            self.repeats.close()
            self.repeats = None

    def report(self, *, applied: bool, rows: list[PlannedRow] | None = None, late: int = 0) -> str:
        """What the import will do (or, ``applied``, did: ``rows`` stored, ``late`` numbers that
        another import registered in the meantime)."""
        rows = self.rows if rows is None else rows
        lines = []
        verb = "已导入" if applied else "将导入"
        if not rows and not late:
            nos = "、".join(f"第{n}批" for n in sorted(self.batches))
            lines.append(f"表中 {len(self.skipped)} 件信访件此前均已登记（{nos}），未做任何修改。")
        if late:
            lines.append(f"{late} 件在导入期间已由他人登记（例如同时导入了同一文件），已跳过；本次{verb} {len(rows)} 件。")
        if self.new_units:
            lines.append(f"{'已' if applied else '将'}新增单位 {len(self.new_units)} 个：{'、'.join(self.new_units)[:300]}")
        for no in sorted(self.batches):
            n = sum(1 for r in rows if r.batch_no == no)
            if not n:
                continue
            made = "（新建批次）" if no in self.new_batches else ""
            lines.append(f"{verb}第{no}批{made}（转办日期 {dates.cn_date(self.batches[no])}）：{n} 件")
        if rows and self.skipped:
            lines.append(f"已登记过、跳过 {len(self.skipped)} 件：")
        if rows:
            for row, case_no, batch_no in self.skipped[:50]:
                lines.append(f"  第{row}行 {case_no}（已在第{batch_no}批）")
        cands = [r for r in rows if r.candidates]
        if self.repeats is not None and not self.repeats.done:
            lines.append("疑似重复件：正在查找，导入后列出")
        elif cands:
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
    stored: list[PlannedRow] | None = None  # the plan's rows stored (None: a dry run)

    def report(self) -> str:
        if self.stored is None:
            return self.plan.report(applied=False)
        return self.plan.report(applied=True, rows=self.stored, late=len(self.plan.rows) - len(self.stored))


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


def plan_import(store: Store, path: str | Path, *, batch: int | None = None, day: dt.date | None = None,
                sheet: str | None = None, add_units: bool = False, progress: Progress | None = None) -> ImportPlan:
    """Read and validate a petition sheet; raises ValidationError listing every bad row.

    A unit name that matches no unit is listed with its rows, or with ``add_units`` taken as a
    new unit (added by :func:`apply_import`, in its transaction). ``sheet`` names the worksheet
    to read (default: the first whose header maps). ``progress(stage, done, total)`` is called
    now and then.
    """
    with cached_lookups(store), collecting_new_units(store) as new_units, _gc_paused():
        # units, vocabularies and settings read once, not once a row
        return _plan_import(store, Path(path), batch, day, sheet, new_units, add_units, progress)


EARLY_HELPER_BYTES = 512 * 1024  # a sheet this large holds thousands of rows: its repeat helper starts as it is read


def _plan_import(store: Store, path: Path, batch: int | None, day: dt.date | None, sheet_name: str | None,
                 new_units: NewUnits, add_units: bool, progress: Progress | None) -> ImportPlan:
    # A large import's repeat search runs in a helper process, which starts (an interpreter, its modules,
    # the database) while a large file is read, or once a smaller file is read and found to hold many rows
    large = _file_size(path) >= EARLY_HELPER_BYTES
    search = RepeatSearch.ahead(store, rows=helper_search.BACKGROUND_ROWS) if large else None
    numbers = None  # the helper is given the rows as read at once (import_search.py)
    try:
        sheet, rows = read_mapped(path, PETITION_ALIASES, required=["case_no", "content", "unit"], sheet=sheet_name,
                                  progress=progress)
        if not rows:
            raise UserError(f"表格中没有信访件：{path.name}")
        has_batch_col = "batch" in rows[0].values
        if batch is None and not has_batch_col:
            raise UserError("未指定批次：表中没有“批次”列，请填写批次号", field="batch")
        if search is None or (search.background and len(rows) < helper_search.BACKGROUND_ROWS):
            if search is not None:
                search.close()
            search = RepeatSearch.ahead(store, rows=len(rows))
        if search.background:
            numbers = [row.number for row in rows]
            search.give(store, early_items(store, rows, batch, _memo(parse_batch_no)))
        return _plan_rows(store, path, sheet, rows, has_batch_col, batch, day, new_units, add_units, progress, search,
                          numbers)
    except BaseException:
        if search is not None:
            search.close()
        raise


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # (the reading says what is wrong)
        return 0


def _plan_rows(store: Store, path: Path, sheet: Sheet, rows: list, has_batch_col: bool, batch: int | None,
               day: dt.date | None, new_units: NewUnits, add_units: bool, progress: Progress | None,
               search: RepeatSearch, numbers: list[int] | None) -> ImportPlan:
    problems: list[tuple[int, str]] = []
    planned: list[tuple[PlannedRow, dt.date | None]] = []  # with the row's own 转办日期
    skipped: list[tuple[int, str, int]] = []
    seen: dict[str, int] = {}
    valid: list[tuple[int, int, dict, dt.date | None]] = []
    warnings: list[str] = []
    # the same few words and dates on row after row: each parsed once per import
    batch_no_of, date_of, yes_no_of = _memo(parse_batch_no), _memo(dates.parse_optional_date), _memo(parse_yes_no)
    types_of = _memo(lambda value: tuple(split_multi(value)))
    for i, row in enumerate(rows, 1):
        v = row.values
        new_units.row = row.number
        if progress and not i % 2000:
            progress("检查", i, len(rows))
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
            units = merge_unit_parts(split_multi(v.get("lead_unit", "")))
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
    rows.clear()  # the rows as read are not needed any more: their memory goes before the repeat search
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
    if problems or not add_units:  # (with other problems, unknown units are listed too)
        problems += new_units.problems()
    if problems:
        summary = new_units.summary()
        error = ValidationError(f"{path.name}：{len({n for n, _ in problems})} 行有误，未导入任何信访件"
                                + (f"；{summary}" if summary else ""), sorted(problems, key=lambda p: p[0]))
        error.sheet = sheet  # what was read, for a preview of the problems
        raise error
    calendar = WorkCalendar(store)
    due_of = _memo(lambda start: due_date_for(store, start, calendar)[0].isoformat())  # a few days, many rows
    for r, _ in planned:
        if r.values["due_date"] is None:  # counted from the hand-over, else from the transfer
            start = dates.from_iso(r.values["assigned_date"]) if r.values["assigned_date"] else batch_dates[r.batch_no]
            r.values["due_date"] = due_of(start)
    looked_up = [r for r, _ in planned if not r.values["is_repeat"]]
    wanted = [(r.values["content"], r.values["unit"], r.batch_no) for r in looked_up]
    # all rows at once, unit by unit; a large import's in a process of its own, given the rows as read
    repeats = search.give(store, wanted) if numbers is None else \
        Picks(store, search, numbers, [r.number for r in looked_up], wanted)
    if calendar.warning():
        warnings.append(calendar.warning())
    plan = ImportPlan(path, batch_dates, new_batches, [r for r, _ in planned], skipped, warnings, sheet,
                      list(new_units.rows), dict(new_units.rows), repeats, looked_up)
    if repeats.done:
        plan.collect_candidates(store)
    return plan


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
            elif not day and any(d != out[no] for d in by_day):  # the sheet's own date says another batch
                other, number = min(((d, n) for d, n in by_day.items() if d != out[no]), key=lambda dn: dn[1])
                warnings.append(f"注意：第{no}批已存在，转办日期为 {dates.cn_date(out[no])}，表中第{number}行写的是 "
                                f"{dates.cn_date(other)}；将按已有的批次登记，如批次号不对请取消")
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
    inp.is_repeat, inp.repeat_of = repeat_mark(v)


def apply_import(store: Store, plan: ImportPlan, *, progress: Progress | None = None) -> ImportResult:
    """Store a validated plan in one transaction; numbers registered meanwhile are skipped (and
    the report says so)."""
    try:
        rows = _store_rows(store, plan, progress)
    except BaseException:
        plan.close()
        raise
    if progress and plan.repeats is not None and not plan.repeats.done:
        progress("查找疑似重复件", len(plan.looked_up), None)
    created = [r.petition_id for r in rows]  # file order
    plan.collect_candidates(store, leave_out=frozenset(created))
    candidates = [(r.petition_id, r.candidates[0]) for r in rows if r.candidates]
    return ImportResult(plan, created, candidates, rows)


def _store_rows(store: Store, plan: ImportPlan, progress: Progress | None) -> list[PlannedRow]:
    """The plan's rows not registered meanwhile, stored (each with its ``petition_id``)."""
    calendar = WorkCalendar(store)
    with store.write(large=True), cached_lookups(store), _gc_paused():
        if plan.new_units:
            add_units(store, plan.new_units)
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
        done = 0
        index_rows: list[tuple[int, list[str]]] = []  # what the search indexes get, written at the end in one go
        for no, group in by_batch.items():
            for start in range(0, len(group), 5000):
                part = group[start:start + 5000]
                for r, pid in zip(part, add_petitions(store, batch_ids[no], [r.values for r in part],
                                                              calendar=calendar, unregistered=True,
                                                              index_later=index_rows)):
                    # stored: the report needs only its number (the dicts of 100,000 rows: ~120 MB)
                    r.petition_id, r.values = pid, {"case_no": r.values["case_no"]}
                done += len(part)
                if progress:
                    progress("写入", done, len(rows))
        index_new(store, index_rows)
        if plan.repeats is not None:
            plan.repeats.wait_ready()  # its snapshot must be older than this commit
    return rows


def import_petitions(store: Store, path: str | Path, *, batch: int | None = None, day: dt.date | None = None,
                     dry_run: bool = False, sheet: str | None = None, add_units: bool = False,
                     progress: Progress | None = None) -> ImportResult:
    plan = plan_import(store, path, batch=batch, day=day, sheet=sheet, add_units=add_units, progress=progress)
    if dry_run:
        plan.collect_candidates(store)
        return ImportResult(plan, [], [])
    return apply_import(store, plan, progress=progress)


# -- results (petitions/results_import.py; names kept here for callers) -------------------------
from .results_import import (RESULT_ALIASES, ResultPlanRow, ResultsImport, apply_results,  # noqa: E402,F401
                             import_results, plan_results)
