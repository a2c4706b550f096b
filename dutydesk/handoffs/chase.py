"""催办通知: one letter per unit with petitions or problems (问题交办) overdue on a date or due
within N working days, and one summary sheet for the office.

A unit's letter lists its petitions (:func:`dutydesk.petitions.letters.chase_petitions`) and
its open problems (未启动/整改中) past or near their 整改时限, each with its deadline and
``超期N天`` / ``今日到期`` / ``剩N个工作日``; closed ones never. Letters and the summary are
written all or nothing, and recorded with what they listed (each petition's and problem's
history says ``已催办 N 次``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import dates
from ..errors import UserError
from ..exporters.files import OutFile, write_all
from ..exporters.letter_doc import LetterDoc, LetterTable, fill
from ..refdata import get_setting
from ..store.db import Store
from ..workdays import WorkCalendar
from ..petitions import letter_log as log
from ..petitions.privacy import Source, names_index, public_text
from ..petitions.letters import (ChasedPetition, Due, chase_petitions, chase_table, fonts, in_window, out_folder,
                                 safe_name, unit_order, where_due)
from .model import OPEN_STATUSES


@dataclass
class ChasedProblem:
    row: dict
    state: Due
    times: int


@dataclass
class UnitChase:
    unit: str
    petitions: list[ChasedPetition] = field(default_factory=list)
    problems: list[ChasedProblem] = field(default_factory=list)


def chase_problems(store: Store, day: dt.date, within: int, calendar: WorkCalendar) -> dict[str, list[ChasedProblem]]:
    """Per lead unit, the open problems to chase on ``day``, most overdue first."""
    bound = calendar.add_days(day, within + 1, workdays=True)
    rows = store.query(
        f"SELECT * FROM handoffs WHERE deleted_at IS NULL AND status IN ({', '.join('?' for _ in OPEN_STATUSES)}) "
        "AND lead_unit <> '' AND deadline IS NOT NULL AND deadline < ? ORDER BY deadline, problem_no",
        [*OPEN_STATUSES, bound.isoformat()])
    counts = log.chase_counts(store, [r["id"] for r in rows], kind="handoffs")
    out: dict[str, list[ChasedProblem]] = {}
    for r in rows:
        state = where_due(dates.from_iso(r["deadline"]), day, calendar)
        if in_window(state, within):
            out.setdefault(r["lead_unit"], []).append(ChasedProblem(r, state, counts.get(r["id"], 0) + 1))
    return out


def chase_plan(store: Store, day: dt.date, within: int | None = None) -> tuple[list[UnitChase], WorkCalendar]:
    """Everything to chase on ``day``, per unit in the units' order."""
    within = log.chase_window(store) if within is None else within
    if within < 0 or within > log.MAX_WINDOW:
        raise UserError(f"提前工作日数应为 0 到 {log.MAX_WINDOW}")
    calendar = WorkCalendar(store)
    petitions = chase_petitions(store, day, within, calendar)
    problems = chase_problems(store, day, within, calendar)
    order = unit_order(store)
    units = sorted(set(petitions) | set(problems), key=lambda u: (order.get(u, 999), u))
    return [UnitChase(u, petitions.get(u, []), problems.get(u, [])) for u in units], calendar


def problem_table(items: list[ChasedProblem], unit: str) -> LetterTable:
    headers = ["序号", "问题编号", "问题描述", "整改时限", "整改状态", "办理情况", "催办"]
    widths = [11, 32, 95, 24, 19, 28, 16]
    rows = [[str(n), c.row["problem_no"], c.row["description"], dates.cn_date(c.state.due, year=False),
             c.row["status"], c.state.text, f"第{c.times}次"] for n, c in enumerate(items, 1)]
    return LetterTable(f"超期和即将到期的督察交办问题清单\n（{unit}，共{len(rows)}个）", headers, widths, rows)


def _summary(chase: UnitChase, within: int) -> str:
    def soon(what: str) -> str:
        return f"今日到期的{what}" if within == 0 else f"{within}个工作日内到期（含今日）的{what}"

    parts = []
    late = sum(c.state.overdue for c in chase.petitions)
    if late:
        parts.append(f"超期未办结的信访件{late}件")
    if len(chase.petitions) - late:
        parts.append(f"{soon('信访件')}{len(chase.petitions) - late}件")
    late = sum(c.state.overdue for c in chase.problems)
    if late:
        parts.append(f"超期未完成整改的交办问题{late}个")
    if len(chase.problems) - late:
        parts.append(f"{soon('交办问题')}{len(chase.problems) - late}个")
    return "，".join(parts)


def chase_title(chase: UnitChase) -> str:
    if chase.petitions and chase.problems:
        return "关于催办生态环境保护督察信访件\n和交办问题的通知"
    if chase.problems:
        return "关于催办生态环境保护督察交办问题的通知"
    return "关于催办生态环境保护督察信访件的通知"


def chase_doc(store: Store, chase: UnitChase, day: dt.date, within: int, doc_no: str) -> LetterDoc:
    values = {"unit": chase.unit, "date": dates.cn_date(day), "summary": _summary(chase, within),
              "window": str(within), **log.contact(store)}
    tables = ([chase_table(chase.petitions, chase.unit, names_index(store))] if chase.petitions else []) \
        + ([problem_table(chase.problems, chase.unit)] if chase.problems else [])
    return LetterDoc(issuer=log.issuer(store), doc_no=doc_no, title=chase_title(chase), addressee=chase.unit,
                     paragraphs=fill(get_setting(store, "chase_template"), values), date=day.isoformat(),
                     attachments=tables, fonts=fonts(store))


def summary_sheet(plan: list[UnitChase], day: dt.date, within: int, numbers: list[str], names: Source = None):
    from ..exporters.letter_xlsx import SheetSpec

    rows = []
    for chase, doc_no in zip(plan, numbers):
        for c in chase.petitions:
            rows.append([len(rows) + 1, chase.unit, "信访件", c.row["case_no"],  # never a petitioner
                         public_text(names, c.row["content"] or "", c.row)[:200], c.state.due, c.state.text, c.times,
                         doc_no])
        for c in chase.problems:
            rows.append([len(rows) + 1, chase.unit, "交办问题", c.row["problem_no"], (c.row["description"] or "")[:200],
                         c.state.due, c.state.text, c.times, doc_no])
    return SheetSpec(
        title=f"催办情况汇总（{dates.cn_date(day)}，超期及{within}个工作日内到期）", sheet_name="催办汇总",
        headers=["序号", "责任单位", "类别", "编号", "内容摘要", "办理时限", "办理情况", "催办次数", "催办通知文号"],
        widths=[6, 16, 10, 20, 60, 12, 12, 10, 24], rows=rows, dates={5})


@dataclass
class ChaseResult:
    paths: list[Path]
    warning: str = ""  # working days guessed (weekends only) for a year the calendar does not know


def chase_names(day: dt.date, units: list[str]) -> list[str]:
    """The files of a 催办: one letter per unit, then the summary."""
    return [f"催办通知-{day:%Y%m%d}-{safe_name(unit)}.docx" for unit in units] + [f"催办汇总-{day:%Y%m%d}.xlsx"]


def chase_targets(store: Store, day: dt.date | None = None, *, within: int | None = None,
                  out_dir: str | Path | None = None) -> list[Path]:
    """The files :func:`write_chase` would write (to ask before replacing one dutydesk did not write)."""
    day = day or dates.today()
    within = log.chase_window(store) if within is None else within
    plan, _ = chase_plan(store, day, within)
    return [out_folder(store, out_dir) / name for name in chase_names(day, [c.unit for c in plan])] if plan else []


def write_chase(store: Store, day: dt.date | None = None, *, within: int | None = None,
                out_dir: str | Path | None = None, force: bool = False) -> "ChaseResult":
    """The 催办通知 of ``day`` (one .docx per unit) and the office's summary (.xlsx), the summary
    last. All files are written or none, and recorded."""
    from ..exporters.letter_docx import docx_bytes
    from ..exporters.letter_xlsx import sheet_bytes

    day = day or dates.today()
    within = log.chase_window(store) if within is None else within
    folder = out_folder(store, out_dir)
    with store.write():
        plan, calendar = chase_plan(store, day, within)
        if not plan:
            raise UserError(f"{dates.cn_date(day)}没有超期或{within}个工作日内到期的信访件和交办问题，无需催办")
        numbers = log.allocate_doc_nos(store, day, len(plan))
        files: list[OutFile] = []
        names = chase_names(day, [c.unit for c in plan])
        for chase, number, name in zip(plan, numbers, names):
            files.append(OutFile(folder / name, docx_bytes(chase_doc(store, chase, day, within, number.text))))
            letter_id = log.record_letter(
                store, log.CHASE, day, unit=chase.unit, doc_no=number, file_name=name,
                petitions=[log.Listed(c.row["id"], c.row["lead_unit"], c.row["due_date"]) for c in chase.petitions])
            _record_problems(store, letter_id, chase, day, number.text)
        name = names[-1]
        files.append(OutFile(folder / name, sheet_bytes(summary_sheet(plan, day, within, [n.text for n in numbers],
                                                                      names_index(store)))))
        log.record_letter(store, log.CHASE_SUMMARY, day, file_name=name)
        return ChaseResult(write_all(files, force=force), calendar.warning())


def _record_problems(store: Store, letter_id: int, chase: UnitChase, day: dt.date, doc_no: str) -> None:
    if not chase.problems:
        return
    store.conn.executemany("INSERT INTO letter_handoffs (handoff_id, letter_id, deadline) VALUES (?, ?, ?)",
                           [(c.row["id"], letter_id, c.row["deadline"]) for c in chase.problems])
    counts = log.chase_counts(store, [c.row["id"] for c in chase.problems], kind="handoffs")
    for c in chase.problems:
        details = {"文书": log.CHASE, "日期": day.isoformat(), "单位": chase.unit, "整改时限": c.row["deadline"]}
        if doc_no:
            details["文号"] = doc_no
        store.audit("handoffs", c.row["id"], f"已催办 {counts.get(c.row['id'], 1)} 次", details)
