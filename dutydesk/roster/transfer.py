"""Roster import (.xlsx/.csv) and export (.xlsx, .docx as a printable 值班表)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import dates
from ..errors import UserError, ValidationError
from ..refdata import get_setting
from ..sheets import Sheet, read_mapped, split_multi
from ..sheets.reader import Progress
from ..store.db import Store
from ..store.files import check_target
from ..text import clean, clean_line
from . import service
from . import shifts as shiftmod
from .people import add_person, check_name, find_person, normalize_phone, update_person
from .streaks import Streak, long_streaks, warning_text

ALIASES = {  # canonical names are the Chinese headers, so a missing column is named in Chinese
    "日期": ["值班日期", "时间"],
    "班次": [],
    "带班领导": ["带班", "带班领导姓名", "值班领导"],
    "值班人员": ["值班员", "值班人", "值班干部"],
    "联系电话": ["电话", "手机", "联系方式", "值班电话"],
    "备注": [],
}
HEADERS = ["日期", "星期", "带班领导", "值班人员", "联系电话", "备注"]


@dataclass
class ImportResult:
    days: int = 0
    replaced: int = 0
    created_people: list[str] = field(default_factory=list)
    phones_added: int = 0
    streaks: list[Streak] = field(default_factory=list)  # 连续值班 more than two days (a warning)

    def summary(self) -> str:
        text = f"导入 {self.days} 个班次（其中覆盖原有 {self.replaced} 个）"
        if self.created_people:
            text += f"；新增人员 {len(self.created_people)} 人：{'、'.join(self.created_people)}"
        if self.phones_added:
            text += f"；补充电话 {self.phones_added} 个"
        if self.streaks:
            text += "。注意" + warning_text(self.streaks)
        return text


@dataclass
class _Row:
    number: int
    date: dt.date
    shift: str
    leader: str
    officers: list[str]
    phones: dict[str, str]
    note: str


def _read_row(row, shift_names: list[str]) -> tuple[_Row | None, list[str]]:
    problems: list[str] = []
    day = None
    try:
        day = dates.parse_date(row.get("日期"))
    except UserError as exc:
        problems.append(str(exc))
    shift = clean_line(row.get("班次")) or shift_names[0]
    if shift not in shift_names:
        problems.append(f"未知的班次：{shift[:10]}（可用：{'、'.join(shift_names)}）")
    names: list[str] = []
    leader = ""
    try:
        leaders = split_multi(row.get("带班领导"))
        if len(leaders) > 1:
            problems.append(f"带班领导只能写一人：{'、'.join(leaders)[:30]}")
        leader = check_name(leaders[0]) if leaders else ""
        names = [check_name(n) for n in split_multi(row.get("值班人员"))]
    except UserError as exc:
        problems.append(str(exc))
    phones: dict[str, str] = {}
    raw_phones = split_multi(row.get("联系电话"))
    try:
        numbers = [normalize_phone(p) for p in raw_phones]
    except UserError as exc:
        problems.append(str(exc))
        numbers = []
    if numbers:
        if len(numbers) == len(names):
            phones = dict(zip(names, numbers))
        elif leader and len(numbers) == len(names) + 1:
            phones = dict(zip([leader, *names], numbers))
        else:
            problems.append(f"联系电话有 {len(numbers)} 个，值班人员有 {len(names)} 人，无法对应"
                            "（按值班人员顺序写电话，用、分隔；带班领导的电话可写在最前）")
    if problems or day is None:
        return None, problems
    return _Row(row.number, day, shift, leader, names, phones, clean(row.get("备注")).strip()), []


@dataclass
class RosterPlan:
    """A validated roster file: what :func:`apply_roster` stores."""

    path: Path
    sheet: Sheet
    items: list[_Row]
    replaced: int = 0  # days (and shifts) that already have an arrangement

    def report(self) -> str:
        return f"将导入 {len(self.items)} 个班次（其中覆盖原有 {self.replaced} 个）"


def plan_roster(store: Store, path: str | Path, *, sheet: str | None = None,
                progress: Progress | None = None) -> RosterPlan:
    """Read and check a roster table; every bad row is reported (ValidationError), nothing written."""
    info, rows = read_mapped(path, ALIASES, required=["日期"], sheet=sheet, progress=progress)
    shift_names = [s.name for s in shiftmod.shifts(store)]
    problems: list[tuple[int, str]] = []
    parsed: list[_Row] = []
    seen: dict[tuple[dt.date, str], int] = {}
    for row in rows:
        item, errors = _read_row(row, shift_names)
        problems += [(row.number, e) for e in errors]
        if item is None:
            continue
        if (item.date, item.shift) in seen:
            problems.append((row.number, f"与第{seen[(item.date, item.shift)]}行的日期重复：{dates.cn_date(item.date)}"))
            continue
        seen[(item.date, item.shift)] = row.number
        parsed.append(item)
    if problems:
        raise ValidationError(f"{Path(path).name} 有 {len({p[0] for p in problems})} 行有误，未导入任何内容", problems)
    if not parsed:
        raise UserError(f"{Path(path).name} 中没有值班安排")
    replaced = sum(1 for item in parsed if store.scalar(
        "SELECT 1 FROM roster_days WHERE date = ? AND shift = ? AND deleted_at IS NULL",
        [item.date.isoformat(), item.shift]))
    return RosterPlan(Path(path), info, parsed, replaced)


def import_roster(store: Store, path: str | Path, *, sheet: str | None = None,
                  progress: Progress | None = None) -> ImportResult:
    """Read a roster table; every bad row is reported and nothing is imported when one is bad."""
    return apply_roster(store, plan_roster(store, path, sheet=sheet, progress=progress))


def apply_roster(store: Store, plan: RosterPlan) -> ImportResult:
    """Store a checked roster in one transaction (people not yet known are added)."""
    parsed = plan.items
    result = ImportResult()
    with store.write():
        ids: dict[str, int] = {}

        def person_id(name: str, role: str, phone: str) -> int:
            if name in ids:
                return ids[name]
            person = find_person(store, name)
            if person is None:
                ids[name] = add_person(store, name, role=role, phone=phone)
                result.created_people.append(name)
            else:
                ids[name] = person.id
                if phone and not person.phone:
                    update_person(store, person.id, phone=phone)
                    result.phones_added += 1
            return ids[name]

        for item in parsed:
            leader_id = person_id(item.leader, "leader", item.phones.get(item.leader, "")) if item.leader else None
            members = [person_id(n, "officer", item.phones.get(n, "")) for n in item.officers]
            if store.scalar("SELECT 1 FROM roster_days WHERE date = ? AND shift = ? AND deleted_at IS NULL",
                            [item.date.isoformat(), item.shift]):
                result.replaced += 1
            service.save_slot(store, item.date, item.shift, leader_id, members, note=item.note, manual=True,
                              action="导入")
            result.days += 1
    result.streaks = long_streaks(store, min(i.date for i in parsed), max(i.date for i in parsed))
    return result


# -- export ---------------------------------------------------------------------------------
def roster_bounds(store: Store) -> tuple[dt.date, dt.date] | None:
    row = store.one("SELECT MIN(date) AS a, MAX(date) AS b FROM roster_days WHERE deleted_at IS NULL")
    if not row or not row["a"]:
        return None
    return dt.date.fromisoformat(row["a"]), dt.date.fromisoformat(row["b"])


def export_range(store: Store, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The range to export: as given, else the whole roster."""
    bounds = roster_bounds(store)
    if start is None or end is None:
        if bounds is None:
            raise UserError("还没有值班安排，无法导出")
        start, end = start or bounds[0], end or bounds[1]
    if end < start:
        raise UserError("结束日期不能早于开始日期")
    return start, end


def export_roster(store: Store, path: str | Path, start: dt.date | None = None, end: dt.date | None = None, *,
                  force: bool = False) -> Path:
    """Write the roster of ``start``..``end`` as .xlsx or .docx (by the file's suffix), a private file
    (it lists phone numbers; ``store.files``: ``force`` overwrites a file dutydesk did not write)."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".docx"}:
        raise UserError(f"只能导出为 .xlsx 或 .docx：{path.name}")
    check_target(path, force=force)
    start, end = export_range(store, start, end)
    slots = [s for s in service.load_range(store, start, end) if s.id is not None]
    multi = len(shiftmod.shifts(store)) > 1 or len({s.shift for s in slots}) > 1
    headers = HEADERS[:2] + (["班次"] if multi else []) + HEADERS[2:]
    period = (f"{dates.cn_date(start)}—{dates.cn_date(end, year=start.year != end.year)}"
              if start != end else dates.cn_date(start))

    def weekday(slot: service.Slot) -> str:
        return slot.weekday + (f"（{slot.holiday}）" if slot.holiday else "")

    def row(slot: service.Slot, day_value) -> list:
        cells = [day_value, weekday(slot)] + ([slot.shift] if multi else [])
        return cells + [slot.leader_name, slot.member_names, slot.phones, slot.note]

    if suffix == ".xlsx":
        from ..exporters.xlsx import write_table

        widths = [12, 14] + ([8] if multi else []) + [12, 22, 30, 24]
        return write_table(path, headers, [row(s, s.date) for s in slots], title=f"值班表（{period}）",
                           sheet_name="值班表", widths=widths, force=force)
    from ..exporters.roster_docx import write_roster_docx

    contacts: dict[int, service.Staff] = {}
    for slot in slots:
        for person in slot.people:
            contacts.setdefault(person.id, person)
    titles = {r["id"]: r for r in store.query("SELECT id, title, role FROM people")}
    contact_rows = sorted(
        ([p.name, titles[p.id]["title"], "带班领导" if titles[p.id]["role"] == "leader" else "值班人员", p.phone]
         for p in contacts.values()),
        key=lambda r: (r[2] != "带班领导", r[0]),
    )
    return write_roster_docx(
        path, title="值班表", subtitle=f"{get_setting(store, 'org')}\n（{period}）", headers=headers,
        rows=[row(s, dates.cn_date(s.date, year=False)) for s in slots], contacts=contact_rows,
        fonts={k: get_setting(store, k) for k in ("font_title", "font_body", "font_heading1", "font_heading2", "font_pagenum")},
        force=force,
    )
