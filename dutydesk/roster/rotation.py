"""排班生成: fill a date range by rotation from ordered lists of leaders and officers.

Dates come from a python-dateutil ``rruleset``: every day, or Monday to Friday plus the
make-up workdays (调休上班) when weekends are skipped, minus the statutory holidays when
holidays are skipped. People on leave are passed over for the next in turn. Days edited by
hand are kept unless ``force``; the rotation still counts them, so regenerating gives the
other days the same people as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.rrule import DAILY, FR, MO, TH, TU, WE, rrule, rruleset

from .. import dates
from ..errors import UserError
from ..store.db import Store
from ..workdays import WorkCalendar
from . import service
from . import shifts as shiftmod
from .people import Person, people_named
from .streaks import Streak, long_streaks, warning_text

MAKEUP_WORKDAY = "调休上班"


@dataclass
class GenerateResult:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    kept: list[dt.date] = field(default_factory=list)
    skipped: list[dt.date] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    streaks: list[Streak] = field(default_factory=list)  # 连续值班 more than two days (a warning)
    warning: str = ""

    def summary(self) -> str:
        parts = [f"新排 {self.created} 个班次", f"重排 {self.replaced} 个"]
        if self.unchanged:
            parts.append(f"{self.unchanged} 个无变化")
        if self.skipped:
            parts.append(f"跳过 {len(self.skipped)} 天（周末/节假日）")
        if self.kept:
            kept = "、".join(dates.cn_date(d, year=False) for d in self.kept[:8]) + ("等" if len(self.kept) > 8 else "")
            parts.append(f"保留手工修改的 {len(self.kept)} 个班次（{kept}；如需覆盖请选择“覆盖手工修改”）")
        text = "；".join(parts)
        if self.conflicts:
            text += "。冲突：" + "、".join(self.conflicts[:6]) + ("等" if len(self.conflicts) > 6 else "")
        if self.streaks:
            text += "。" + warning_text(self.streaks)
        if self.warning:
            text += "。" + self.warning
        return text


def rotation_dates(start: dt.date, end: dt.date, *, skip_weekends: bool = False, skip_holidays: bool = False,
                   calendar: WorkCalendar | None = None) -> tuple[list[dt.date], list[dt.date]]:
    """(dates to roster, dates skipped) between ``start`` and ``end`` inclusive."""
    if end < start:
        raise UserError("结束日期不能早于开始日期")
    if (end - start).days > 366:
        raise UserError(f"日期范围超过一年（{dates.cn_date(start)}—{dates.cn_date(end)}），请缩短")
    cal = calendar or WorkCalendar()
    begin, until = dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
    every = list(rrule(DAILY, dtstart=begin, until=until))
    rules = rruleset()
    rules.rrule(rrule(DAILY, dtstart=begin, until=until, byweekday=(MO, TU, WE, TH, FR) if skip_weekends else None))
    for day in every:
        name = cal.holiday_name(day.date())
        if skip_weekends and day.weekday() >= 5 and name == MAKEUP_WORKDAY:
            rules.rdate(day)
        if skip_holidays and name and name != MAKEUP_WORKDAY:
            rules.exdate(day)
    chosen = [d.date() for d in rules]
    kept = set(chosen)
    return chosen, [d.date() for d in every if d.date() not in kept]


def _pick(people: list[Person], start: int, count: int, unavailable: set[int]) -> tuple[list[Person], int]:
    """Up to ``count`` people in turn from index ``start``; returns them and the next index."""
    chosen: list[Person] = []
    nxt, n = start, len(people)
    for step in range(n):
        if len(chosen) == count:
            break
        person = people[(start + step) % n]
        if person.id in unavailable or person in chosen:
            continue
        chosen.append(person)
        nxt = (start + step + 1) % n
    return chosen, nxt


def _after(people: list[Person], name: str | None) -> int:
    for i, p in enumerate(people):
        if p.name == name:
            return (i + 1) % len(people)
    return 0


def last_position(store: Store, before: dt.date) -> tuple[str | None, str | None]:
    """(leader, last officer) of the last generated slot before ``before``: where a rotation stopped."""
    order = {s.name: i for i, s in enumerate(shiftmod.shifts(store))}
    rows = store.query(
        "SELECT id, shift, (SELECT name FROM people WHERE id = d.leader_id) AS leader FROM roster_days d "
        "WHERE deleted_at IS NULL AND manual = 0 AND date = (SELECT MAX(date) FROM roster_days "
        "WHERE deleted_at IS NULL AND manual = 0 AND date < ?)",
        [before.isoformat()],
    )
    if not rows:
        return None, None
    last = max(rows, key=lambda r: order.get(r["shift"], -1))
    officer = store.scalar(
        "SELECT p.name FROM roster_members m JOIN people p ON p.id = m.person_id WHERE m.day_id = ? "
        "ORDER BY m.sort DESC LIMIT 1",
        [last["id"]],
    )
    return last["leader"], officer


def generate(store: Store, start: dt.date, end: dt.date, leaders: list[str], officers: list[str], *,
             per_day: int = 1, skip_weekends: bool = False, skip_holidays: bool = False,
             continue_rotation: bool = False, force: bool = False) -> GenerateResult:
    """Roster every configured shift of the chosen dates, leaders and officers in turn."""
    if not leaders:
        raise UserError("请至少给出一名带班领导")
    if not officers:
        raise UserError("请至少给出一名值班人员")
    if not 1 <= per_day <= 10:
        raise UserError("每班值班人数应在 1 到 10 之间")
    lead, offi = people_named(store, leaders), people_named(store, officers)
    for group in (lead, offi):
        names = [p.name for p in group]
        if len(set(names)) != len(names):
            raise UserError(f"轮换名单中有重复的人：{'、'.join(n for n in set(names) if names.count(n) > 1)}")
    stopped = [p.name for p in lead + offi if not p.active]
    if stopped:
        raise UserError(f"已停用的人员不能排班：{'、'.join(stopped)}")
    if per_day > len(offi):
        raise UserError(f"每班 {per_day} 人，但值班人员只有 {len(offi)} 人")
    cal = WorkCalendar(store)
    days, skipped = rotation_dates(start, end, skip_weekends=skip_weekends, skip_holidays=skip_holidays,
                                   calendar=cal)
    result = GenerateResult(skipped=skipped)
    li = oi = 0
    if continue_rotation:
        last_leader, last_officer = last_position(store, start)
        li, oi = _after(lead, last_leader), _after(offi, last_officer)
    leaves = service.leaves_in(store, start, end)
    shift_list = shiftmod.shifts(store)
    with store.write():
        existing = {s.key: s for s in service.load_range(store, start, end, calendar=cal)}
        for day in days:
            away = {pid for pid in leaves if service.on_leave(leaves, pid, day)}
            for shift in shift_list:
                chosen, li = _pick(lead, li, 1, away)
                leader = chosen[0] if chosen else None
                crew, oi = _pick(offi, oi, per_day, away | ({leader.id} if leader else set()))
                slot = existing[f"{day.isoformat()}|{shift.name}"]
                if slot.id is not None and slot.manual and not force:
                    result.kept.append(day)
                    continue
                before = (slot.leader.id if slot.leader else None, [m.id for m in slot.members])
                after = (leader.id if leader else None, [p.id for p in crew])
                if slot.id is None:
                    result.created += 1
                elif before == after and not slot.manual:
                    result.unchanged += 1
                    continue
                else:
                    result.replaced += 1
                service.save_slot(store, day, shift.name, after[0], after[1], manual=False, action="生成")
        rostered = set(days)
        for slot in service.load_range(store, start, end, calendar=cal):
            if slot.date in rostered and slot.conflicts:
                result.conflicts.extend(f"{dates.cn_date(slot.date, year=False)}{c}" for c in slot.conflicts)
    result.streaks = long_streaks(store, start, end)
    result.warning = cal.warning()
    return result
