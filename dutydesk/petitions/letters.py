"""交办通知 per lead unit of a batch (an official letter, or the unit's results sheet), and the
petitions a 催办通知 chases on a date (overdue, or due within N working days).

Which petitions: a 交办通知 lists a batch's live petitions whose 牵头责任单位 is the unit (any
status: it records the hand-over); a 催办 lists the open petitions (待交办/已交办) with a lead
unit whose 办理时限 has passed (``超期N天``), is today (``今日到期``) or comes within N working
days (``剩N个工作日``, counted with :class:`~dutydesk.workdays.WorkCalendar`). Closed ones never.

The petitioner's name, phone and address are left out, and scrubbed from the content, unless
``with_contact``: then the letter says 注意保密 and its files are written 0600. Files are
written all or nothing and recorded (:mod:`letter_log`) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .. import dates
from ..errors import UserError
from ..exporters.files import OutFile, write_all
from ..exporters.letter_doc import LetterDoc, LetterTable, fill
from ..refdata import exports_dir, get_setting, list_units, resolve_unit, vocab
from ..store.db import Store
from ..workdays import WorkCalendar
from . import letter_log as log
from .model import COUNTERS, OPEN_STATUSES, RESULT_KINDS, scrub_identity
from .batches import batch_by_no
from .deadlines import deadline_text

FORMATS = ("docx", "xlsx")
_BAD_NAME = re.compile(r'[\\/:*?"<>|\s]+')
PRIVATE_NOTE = "本清单含信访人个人信息，仅供承办单位调查核实和回访使用，严禁泄露、扩散。"


def safe_name(text: str) -> str:
    return _BAD_NAME.sub("", text) or "未命名"


def unit_order(store: Store) -> dict[str, int]:
    return {u.name: i for i, u in enumerate(list_units(store, include_inactive=True))}


def fonts(store: Store) -> dict[str, str]:
    keys = ("font_title", "font_title_fallback", "font_body", "font_body_fallback", "font_heading1",
            "font_heading2", "font_heading2_fallback", "font_pagenum")
    return {k: get_setting(store, k) for k in keys}


def out_folder(store: Store, out_dir: str | Path | None) -> Path:
    return Path(out_dir).expanduser() if out_dir else exports_dir(store)


# -- 交办通知 ---------------------------------------------------------------------------------
@dataclass
class UnitPetitions:
    unit: str
    rows: list[dict]


def notice_groups(store: Store, batch_no: int, unit: str | None = None) -> tuple[dict, list[UnitPetitions]]:
    """The batch and, per lead unit (in the units' order), its petitions in 序号 order."""
    batch = batch_by_no(store, batch_no)
    if batch is None:
        raise UserError(f"第{batch_no}批不存在")
    rows = store.query("SELECT * FROM petitions WHERE batch_id = ? AND deleted_at IS NULL AND lead_unit <> '' "
                       "ORDER BY seq, id", [batch["id"]])
    if not rows:
        raise UserError(f"第{batch_no}批还没有已交办的信访件（未指定牵头责任单位），请先交办")
    if unit:
        name = resolve_unit(store, unit)
        rows = [r for r in rows if r["lead_unit"] == name]
        if not rows:
            raise UserError(f"第{batch_no}批中没有由{name}牵头办理的信访件")
    by_unit: dict[str, list[dict]] = {}
    for r in rows:
        by_unit.setdefault(r["lead_unit"], []).append(r)
    order = unit_order(store)
    return batch, [UnitPetitions(u, by_unit[u]) for u in sorted(by_unit, key=lambda u: (order.get(u, 999), u))]


def _content(row: dict, with_contact: bool) -> str:
    return row["content"] if with_contact else scrub_identity(row["content"] or "", row)


def _who(row: dict) -> str:
    return "\n".join(x for x in (row["petitioner_name"], row["petitioner_phone"], row["petitioner_address"]) if x)


def notice_table(batch: dict, group: UnitPetitions, *, with_contact: bool) -> LetterTable:
    headers = ["序号", "受理编号", "交办问题基本情况", "污染类型", "是否重点件", "配合单位", "办理时限"]
    widths = [11, 42, 87, 19, 24, 19, 23]  # mm of 225: the headers and dates on one line
    if with_contact:
        headers.append("信访人及联系方式")
        widths = [11, 42, 61, 19, 14, 19, 23, 36]
    rows = []
    for n, r in enumerate(group.rows, 1):
        cells = [str(n), r["case_no"], _content(r, with_contact), r["pollution_types"], "是" if r["key_case"] else "否",
                 r["coop_units"], dates.cn_date(r["due_date"], year=False) if r["due_date"] else "未定"]
        if with_contact:
            cells.append(_who(r))
        rows.append(cells)
    return LetterTable(f"第{batch['no']}批生态环境保护督察信访件交办清单\n（{group.unit}，共{len(rows)}件）",
                       headers, widths, rows, PRIVATE_NOTE if with_contact else "")


def notice_title(batch_no: int) -> str:
    return f"关于转办第{batch_no}批生态环境保护\n督察信访件的通知"


def _due_text(rows: list[dict]) -> str:
    dues = sorted({r["due_date"] for r in rows if r["due_date"]})
    if len(dues) == 1 and all(r["due_date"] for r in rows):
        return dates.cn_date(dues[0])
    return "附件所列各件办理时限"


def notice_doc(store: Store, batch: dict, group: UnitPetitions, day: dt.date, doc_no: str, *,
               with_contact: bool) -> LetterDoc:
    values = {
        "unit": group.unit, "batch": str(batch["no"]), "group": batch["group_name"] or get_setting(store, "group"),
        "transfer_date": dates.cn_date(batch["date"]), "count": str(len(group.rows)), "due": _due_text(group.rows),
        "deadline": deadline_text(store), "date": dates.cn_date(day), **log.contact(store),
    }
    return LetterDoc(
        issuer=log.issuer(store), doc_no=doc_no, title=notice_title(batch["no"]), addressee=group.unit,
        paragraphs=fill(get_setting(store, "notice_template"), values), date=day.isoformat(),
        attachments=[notice_table(batch, group, with_contact=with_contact)], confidential=with_contact,
        fonts=fonts(store),
    )


def results_sheet(store: Store, batch: dict, group: UnitPetitions, *, with_contact: bool):
    """The unit's results sheet: its petitions and the columns ``petitions results`` reads."""
    from ..exporters.letter_xlsx import SheetSpec

    lead = ["序号", "受理编号", "交办问题基本情况", "办理时限"] + (["信访人及联系方式"] if with_contact else [])
    result = ["调查核实情况", "是否属实", "处理和整改情况", "责任追究情况", "办结状态", "办结日期"]
    counters = [f"{c.label}（{c.unit}）" for c in COUNTERS]
    headers = lead + result + counters
    first = len(lead)
    rows = []
    for n, r in enumerate(group.rows, 1):
        cells = [n, r["case_no"], _content(r, with_contact), dates.from_iso(r["due_date"]) if r["due_date"] else ""]
        if with_contact:
            cells.append(_who(r))
        rows.append(cells + [""] * (len(result) + len(counters)))
    return SheetSpec(
        title=f"第{batch['no']}批生态环境保护督察信访件办理结果表（{group.unit}）", sheet_name="办理结果",
        headers=headers, widths=[6, 20, 50, 12] + ([24] if with_contact else []) + [40, 10, 40, 24, 12, 12]
        + [10] * len(counters),
        rows=rows,
        choices={first + 1: vocab(store, "truth"), first + 4: RESULT_KINDS},
        numbers={first + len(result) + i: c.is_float for i, c in enumerate(COUNTERS)},
        dates={3, first + 5}, editable=set(range(first, len(headers))),
        instructions=[
            "填表说明：",
            "1. 请在黄色表头的各列填写办理结果，不要修改“受理编号”，不要增删列；尚未办理完的可留空。",
            "2. “是否属实”“办结状态”请从下拉列表中选择；未办结的请选“未办结”并在“处理和整改情况”中写明进展。",
            "3. “办结日期”写成 2024-03-20 的形式；处理问责情况填写数字（罚款以万元计），没有的留空或填 0。",
            "4. 填好后将本表原样报回，市协调联络组按受理编号导入（dutydesk petitions results）。",
        ] + ([PRIVATE_NOTE] if with_contact else []),
    )


def write_notices(store: Store, batch_no: int, *, unit: str | None = None, fmt: str = "docx",
                  out_dir: str | Path | None = None, with_contact: bool = False,
                  day: dt.date | None = None) -> list[Path]:
    """One 交办通知 (.docx) or results sheet (.xlsx) per lead unit of the batch; returns the paths.
    All files are written or none, and recorded with the petitions they list."""
    if fmt not in FORMATS:
        raise UserError(f"未知的格式：{fmt}（可用：{'、'.join(FORMATS)}）")
    day = day or dates.today()
    folder = out_folder(store, out_dir)
    with store.write():
        batch, groups = notice_groups(store, batch_no, unit)
        files: list[OutFile] = []
        numbers = log.allocate_doc_nos(store, day, len(groups)) if fmt == "docx" else [log.DocNo()] * len(groups)
        secret = "-含信访人信息" if with_contact else ""
        for group, number in zip(groups, numbers):
            if fmt == "docx":
                from ..exporters.letter_docx import docx_bytes

                data = docx_bytes(notice_doc(store, batch, group, day, number.text, with_contact=with_contact))
                name = f"交办通知-第{batch['no']}批-{safe_name(group.unit)}{secret}.docx"
            else:
                from ..exporters.letter_xlsx import sheet_bytes

                data = sheet_bytes(results_sheet(store, batch, group, with_contact=with_contact))
                name = f"办理结果表-第{batch['no']}批-{safe_name(group.unit)}{secret}.xlsx"
            files.append(OutFile(folder / name, data, private=with_contact))
            log.record_letter(store, log.NOTICE if fmt == "docx" else log.RESULTS_SHEET, day, unit=group.unit,
                              batch_id=batch["id"], doc_no=number, file_name=name, with_contact=with_contact,
                              petitions=[log.Listed(r["id"], r["lead_unit"], r["due_date"]) for r in group.rows])
        return write_all(files)  # a failure here rolls the records back


# -- 催办 -------------------------------------------------------------------------------------
@dataclass
class Due:
    """Where a deadline stands on a day."""

    due: dt.date
    days_past: int  # calendar days since the deadline: > 0 overdue, 0 due today, < 0 still ahead
    workdays_left: int  # working days after the day up to the deadline (0 when it has come)

    @property
    def overdue(self) -> bool:
        return self.days_past > 0

    @property
    def text(self) -> str:
        if self.days_past > 0:
            return f"超期{self.days_past}天"
        if self.days_past == 0:
            return "今日到期"
        if self.workdays_left:
            return f"剩{self.workdays_left}个工作日"
        return f"剩{-self.days_past}天"  # due on a holiday before the next working day


def where_due(due: dt.date, day: dt.date, calendar: WorkCalendar) -> Due:
    if due <= day:
        return Due(due, (day - due).days, 0)
    left, d = 0, day
    while d < due:
        d += dt.timedelta(days=1)
        left += calendar.is_workday(d)
    return Due(due, (day - due).days, left)


def in_window(state: Due, within: int) -> bool:
    """Overdue, due today, or due within ``within`` working days."""
    return state.days_past >= 0 or state.workdays_left <= within


@dataclass
class ChasedPetition:
    row: dict
    state: Due
    times: int  # 催办 count with this one


def chase_petitions(store: Store, day: dt.date, within: int, calendar: WorkCalendar) -> dict[str, list[ChasedPetition]]:
    """Per lead unit, the open petitions to chase on ``day``, most overdue first."""
    bound = calendar.add_days(day, within + 1, workdays=True)  # every deadline in the window is before it
    rows = store.query(
        "SELECT p.*, b.no AS batch_no FROM petitions p JOIN batches b ON b.id = p.batch_id "
        f"WHERE p.deleted_at IS NULL AND b.deleted_at IS NULL AND p.status IN ({', '.join('?' for _ in OPEN_STATUSES)}) "
        "AND p.lead_unit <> '' AND p.due_date IS NOT NULL AND p.due_date < ? ORDER BY p.due_date, b.no, p.seq, p.id",
        [*OPEN_STATUSES, bound.isoformat()])
    counts = log.chase_counts(store, [r["id"] for r in rows])
    out: dict[str, list[ChasedPetition]] = {}
    for r in rows:
        state = where_due(dates.from_iso(r["due_date"]), day, calendar)
        if in_window(state, within):
            out.setdefault(r["lead_unit"], []).append(ChasedPetition(r, state, counts.get(r["id"], 0) + 1))
    return out


def chase_table(items: list[ChasedPetition], unit: str) -> LetterTable:
    headers = ["序号", "受理编号", "交办问题基本情况", "批次", "办理时限", "办理情况", "催办"]
    widths = [11, 42, 88, 16, 24, 28, 16]
    rows = [[str(n), c.row["case_no"], scrub_identity(c.row["content"] or "", c.row), f"第{c.row['batch_no']}批",
             dates.cn_date(c.state.due, year=False), c.state.text, f"第{c.times}次"]
            for n, c in enumerate(items, 1)]
    return LetterTable(f"超期和即将到期的生态环境保护督察信访件清单\n（{unit}，共{len(rows)}件）", headers, widths, rows)
