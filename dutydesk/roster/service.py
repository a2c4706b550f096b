"""The roster: who is on duty on each date and shift, leaves, swaps (调班) and conflicts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from .. import dates
from ..errors import ConflictError, UserError
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line
from ..workdays import WorkCalendar
from . import shifts as shiftmod
from .people import Person, get_person, person_named

DAY_LABELS = {"date": "日期", "shift": "班次", "leader": "带班领导", "members": "值班人员", "note": "备注",
              "manual": "手工调整"}
LEAVE_LABELS = {"person_id": "人员", "start": "开始", "end": "结束", "note": "事由"}
NOT_ROSTERED = "未排班"


@dataclass
class Staff:
    """A person as rostered on one slot."""

    id: int
    name: str
    phone: str
    active: bool = True


@dataclass
class Slot:
    """One date and shift of the roster, rostered or not (``id`` is None when not)."""

    date: dt.date
    shift: str
    id: int | None = None
    leader: Staff | None = None
    members: list[Staff] = field(default_factory=list)
    note: str = ""
    manual: bool = False
    version: int = 0
    holiday: str = ""
    conflicts: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.date.isoformat()}|{self.shift}"

    @property
    def weekday(self) -> str:
        return dates.weekday_cn(self.date)

    @property
    def leader_name(self) -> str:
        return self.leader.name if self.leader else ""

    @property
    def member_names(self) -> str:
        return "、".join(m.name for m in self.members)

    @property
    def phones(self) -> str:
        """The officers' phones, in the order of :attr:`member_names`."""
        return "、".join(m.phone for m in self.members if m.phone)

    @property
    def people(self) -> list[Staff]:
        return ([self.leader] if self.leader else []) + self.members

    def readable(self) -> dict[str, str]:
        return {"leader": self.leader_name, "members": self.member_names, "note": self.note}


def split_key(key: str) -> tuple[dt.date, str]:
    day, _, shift = key.partition("|")
    return dt.date.fromisoformat(day), shift


# -- reading ------------------------------------------------------------------------------
def _dates(start: dt.date, end: dt.date) -> list[dt.date]:
    if end < start:
        raise UserError("结束日期不能早于开始日期")
    if (end - start).days > 366:
        raise UserError(f"日期范围超过一年（{dates.cn_date(start)}—{dates.cn_date(end)}），请缩短")
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def leaves_in(store: Store, start: dt.date, end: dt.date) -> dict[int, list[tuple[str, str]]]:
    """{person_id: [(start, end), ...]} for leaves overlapping the range."""
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for r in store.query(
        "SELECT person_id, start, end FROM leaves WHERE deleted_at IS NULL AND start <= ? AND end >= ?",
        [end.isoformat(), start.isoformat()],
    ):
        out[r["person_id"]].append((r["start"], r["end"]))
    return out


def on_leave(leaves: dict[int, list[tuple[str, str]]], person_id: int, day: dt.date) -> bool:
    iso = day.isoformat()
    return any(a <= iso <= b for a, b in leaves.get(person_id, ()))


def find_conflicts(slot: Slot, leaves: dict[int, list[tuple[str, str]]]) -> list[str]:
    """What is wrong with one slot, in words an officer reads at a glance."""
    if slot.id is None:
        return [NOT_ROSTERED]
    problems = []
    if not slot.members and not slot.leader:
        return ["无人值班"]
    if not slot.leader:
        problems.append("缺带班领导")
    if not slot.members:
        problems.append("无值班人员")
    seen: set[int] = set()
    for person in slot.people:
        if person.id in seen:
            problems.append(f"{person.name}重复排班")
            continue
        seen.add(person.id)
        if on_leave(leaves, person.id, slot.date):
            problems.append(f"{person.name}请假")
        if not person.active:
            problems.append(f"{person.name}已停用")
    return problems


def _rostered(store: Store, start: dt.date, end: dt.date) -> dict[tuple[dt.date, str], Slot]:
    """The saved slots of a range with their staff (2 queries); no holidays or conflicts yet."""
    span = [start.isoformat(), end.isoformat()]
    members: dict[int, list[Staff]] = defaultdict(list)
    for m in store.query(
        "SELECT m.day_id, p.id, p.name, p.phone, p.active FROM roster_members m "
        "JOIN roster_days d ON d.id = m.day_id JOIN people p ON p.id = m.person_id "
        "WHERE d.deleted_at IS NULL AND d.date BETWEEN ? AND ? ORDER BY m.day_id, m.sort",
        span,
    ):
        members[m["day_id"]].append(Staff(m["id"], m["name"], m["phone"], bool(m["active"])))
    out = {}
    for r in store.query(
        "SELECT d.*, l.name AS l_name, l.phone AS l_phone, l.active AS l_active FROM roster_days d "
        "LEFT JOIN people l ON l.id = d.leader_id WHERE d.deleted_at IS NULL AND d.date BETWEEN ? AND ?",
        span,
    ):
        leader = Staff(r["leader_id"], r["l_name"], r["l_phone"], bool(r["l_active"])) if r["leader_id"] else None
        day = dt.date.fromisoformat(r["date"])
        out[(day, r["shift"])] = Slot(day, r["shift"], r["id"], leader, members.get(r["id"], []), r["note"],
                                      bool(r["manual"]), r["version"])
    return out


def load_range(store: Store, start: dt.date, end: dt.date, *, calendar: WorkCalendar | None = None) -> list[Slot]:
    """Every date × configured shift from ``start`` to ``end`` (and any old shift name still used),
    with its staff, holiday and conflicts (4 queries)."""
    days = _dates(start, end)
    configured = [s.name for s in shiftmod.shifts(store)]
    cal = calendar or WorkCalendar(store)
    saved = _rostered(store, start, end)
    leaves = leaves_in(store, start, end)
    names = configured + sorted({shift for _, shift in saved} - set(configured))
    slots = []
    for day in days:
        holiday = cal.holiday_name(day)
        for name in names:
            slot = saved.get((day, name))
            if slot is None:
                if name not in configured:
                    continue  # an old shift name, only where it was used
                slot = Slot(day, name)
            slot.holiday = holiday
            slot.conflicts = find_conflicts(slot, leaves)
            slots.append(slot)
    return slots


def get_slot(store: Store, day: dt.date, shift: str | None = None) -> Slot:
    shift = shift or shiftmod.shifts(store)[0].name
    for slot in load_range(store, day, day):
        if slot.shift == shift:
            return slot
    raise UserError(f"未知的班次：{shift}")


def check_slot(store: Store, day: dt.date, leader_id: int | None, member_ids: list[int]) -> list[str]:
    """Conflicts a proposed (not yet saved) roster for ``day`` would have."""
    slot = Slot(day, "", id=0)
    slot.leader = _staff(store, leader_id) if leader_id else None
    slot.members = [_staff(store, i) for i in member_ids]
    return find_conflicts(slot, leaves_in(store, day, day))


def _staff(store: Store, person_id: int) -> Staff:
    p = get_person(store, person_id)
    return Staff(p.id, p.name, p.phone, p.active)


# -- writing ------------------------------------------------------------------------------
def save_slot(store: Store, day: dt.date, shift: str, leader_id: int | None, member_ids: list[int], *,
              note: str | None = None, manual: bool = True, expected_version: int | None = None,
              action: str = "修改") -> int:
    """Create or change the roster of one date and shift; audited with names, not ids.

    ``expected_version`` refuses with :class:`ConflictError` when someone else saved first.
    ``note=None`` keeps the note. Returns the row id.
    """
    with store.write():
        current = _rostered(store, day, day).get((day, shift))
        if current is None:
            shiftmod.find(shiftmod.shifts(store), shift)  # a new slot needs a configured shift
            current = Slot(day, shift)
        if expected_version is not None and current.id is not None and current.version != expected_version:
            raise ConflictError("该日值班安排已被其他人修改，请比较后再保存",
                                current={**current.readable(), "version": current.version})
        if expected_version and current.id is None:
            raise ConflictError("该日值班安排已被其他人删除", current={})
        new = Slot(day, shift, leader=_staff(store, leader_id) if leader_id else None,
                   members=[_staff(store, i) for i in member_ids],
                   note=current.note if note is None else clean(note).strip())
        now = dates.now_iso()
        if current.id is None:
            cur = store.execute(
                "INSERT INTO roster_days (date, shift, leader_id, note, manual, version, created_at, updated_at) "
                "VALUES (?,?,?,?,?,1,?,?)",
                [day.isoformat(), shift, leader_id, new.note, int(manual), now, now],
            )
            day_id = cur.lastrowid
            store.audit("roster_days", day_id, "新增" if action == "修改" else action,
                        {"date": day.isoformat(), "shift": shift, **new.readable()})
        else:
            day_id = current.id
            diff = {k: [v, new.readable()[k]] for k, v in current.readable().items() if v != new.readable()[k]}
            if bool(manual) != current.manual:
                diff["manual"] = ["是" if current.manual else "否", "是" if manual else "否"]
            if not diff:
                return day_id
            store.execute(
                "UPDATE roster_days SET leader_id=?, note=?, manual=?, version=version+1, updated_at=? WHERE id=?",
                [leader_id, new.note, int(manual), now, day_id],
            )
            store.execute("DELETE FROM roster_members WHERE day_id=?", [day_id])
            store.audit("roster_days", day_id, action, diff)
        store.conn.executemany(
            "INSERT INTO roster_members (day_id, person_id, sort) VALUES (?,?,?)",
            [(day_id, pid, i) for i, pid in enumerate(member_ids)],
        )
    return day_id


def delete_slot(store: Store, day: dt.date, shift: str | None = None) -> Slot:
    """Delete the roster of one date and shift (soft: the 回收站 restores it; the slot is then
    empty and can be arranged again). Returns what was deleted; an empty slot is refused."""
    with store.write():
        slot = get_slot(store, day, shift)
        if slot.id is None:
            raise UserError(f"{dates.cn_date(day, year=False)} {slot.shift} 没有值班安排，无需删除")
        records.soft_delete(store, "roster_days", slot.id)
    return slot


def undelete_slot(store: Store, day_id: int) -> None:
    """Restore a deleted roster day; refused when the slot has been arranged again since."""
    with store.write():
        row = records.get(store, "roster_days", day_id, include_deleted=True)
        if row["deleted_at"] and store.scalar("SELECT 1 FROM roster_days WHERE date = ? AND shift = ? AND "
                                              "deleted_at IS NULL", [row["date"], row["shift"]]):
            raise UserError(f"{dates.cn_date(row['date'], year=False)} {row['shift']} 已重新排班，"
                            "无法恢复被删除的安排（请先删除现在的安排）")
        records.undelete(store, "roster_days", day_id)


SWAP_MARK = "换班：{}↔{}"


def toggle_swap_mark(note: str, name1: str, name2: str) -> str:
    """The 备注 of a day after ``name1`` and ``name2`` swapped on it: "换班：name1↔name2" added as a
    line of its own, the rest of the note kept. A day already marked for the pair (either way
    round) loses the mark instead: each swap of the two on a day puts the other one on it, so
    a second swap (swapping back) leaves the day as it was and marks nothing."""
    marks = {SWAP_MARK.format(name1, name2), SWAP_MARK.format(name2, name1)}
    lines = note.split("\n") if note else []
    kept = [line for line in lines if line.strip() not in marks]
    if len(kept) == len(lines):
        kept.append(SWAP_MARK.format(name1, name2))
    return "\n".join(kept).strip()


def swap(store: Store, day1: dt.date, name1: str, day2: dt.date, name2: str, *, shift: str | None = None) -> list[str]:
    """调班: ``name1`` takes ``name2``'s place on ``day2`` and ``name2`` takes ``name1``'s on ``day1``.

    Each keeps the role (leader/officer) of the place taken. Both days become hand-edited and
    their 备注 says who swapped (:func:`toggle_swap_mark`; swapping back removes it).
    Returns the conflicts the two days have afterwards (shown, not refused).
    """
    p1, p2 = person_named(store, name1), person_named(store, name2)
    if p1.id == p2.id:
        raise UserError("调班的两人不能是同一人")
    if day1 == day2:
        raise UserError("调班的两个日期不能相同")
    with store.write():
        s1, s2 = get_slot(store, day1, shift), get_slot(store, day2, shift)
        for slot, person in ((s1, p1), (s2, p2)):
            if person.id not in {s.id for s in slot.people}:
                raise UserError(f"{person.name}在{dates.cn_date(slot.date, year=False)}没有值班，无法调班")
        for slot, out, into in ((s1, p1, p2), (s2, p2, p1)):
            leader = slot.leader.id if slot.leader else None
            if leader == out.id:
                leader = into.id
            members = [into.id if m.id == out.id else m.id for m in slot.members]
            save_slot(store, slot.date, slot.shift, leader, members, note=toggle_swap_mark(slot.note, p1.name, p2.name),
                      expected_version=slot.version, action="调班")
        after = [get_slot(store, day1, s1.shift), get_slot(store, day2, s2.shift)]
    return [f"{dates.cn_date(s.date, year=False)}：{c}" for s in after for c in s.conflicts]


def add_leave(store: Store, person: Person | str, start: dt.date, end: dt.date, note: str = "") -> tuple[int, list[str]]:
    """Mark someone on leave; returns the id and the rostered days it now conflicts with."""
    if isinstance(person, str):
        person = person_named(store, person)
    if end < start:
        raise UserError("请假结束日期不能早于开始日期")
    leave_id = records.insert(store, "leaves", {"person_id": person.id, "start": start.isoformat(),
                                                "end": end.isoformat(), "note": clean_line(note)})
    clashes = rostered_days(store, person.id, start, end)
    return leave_id, [f"{dates.cn_date(d, year=False)}（{s}）" for d, s in clashes]


def rostered_days(store: Store, person_id: int, start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    rows = store.query(
        "SELECT DISTINCT d.date, d.shift FROM roster_days d LEFT JOIN roster_members m ON m.day_id = d.id "
        "WHERE d.deleted_at IS NULL AND d.date BETWEEN ? AND ? AND (d.leader_id = ? OR m.person_id = ?) ORDER BY d.date",
        [start.isoformat(), end.isoformat(), person_id, person_id],
    )
    return [(dt.date.fromisoformat(r["date"]), r["shift"]) for r in rows]


def list_leaves(store: Store, *, person_id: int | None = None, since: dt.date | None = None) -> list[dict]:
    where, params = ["l.deleted_at IS NULL"], []
    if person_id is not None:
        where.append("l.person_id = ?")
        params.append(person_id)
    if since is not None:
        where.append("l.end >= ?")
        params.append(since.isoformat())
    return store.query(
        "SELECT l.id, l.person_id, p.name, l.start, l.end, l.note FROM leaves l JOIN people p ON p.id = l.person_id "
        f"WHERE {' AND '.join(where)} ORDER BY l.start, l.id",
        params,
    )


def cancel_leave(store: Store, leave_id: int) -> None:
    records.soft_delete(store, "leaves", leave_id)


# -- the header ---------------------------------------------------------------------------
def _duty_row(store: Store, day: dt.date, shift: str) -> str:
    """带班 X；值班 Y of one slot, "" when nobody is rostered."""
    row = store.one(
        "SELECT l.name AS leader, (SELECT group_concat(name, '、') FROM (SELECT p.name FROM roster_members m "
        "JOIN people p ON p.id = m.person_id WHERE m.day_id = d.id ORDER BY m.sort)) AS members "
        "FROM roster_days d LEFT JOIN people l ON l.id = d.leader_id "
        "WHERE d.date = ? AND d.shift = ? AND d.deleted_at IS NULL",
        [day.isoformat(), shift],
    )
    if row is None:
        return ""
    parts = []
    if row["leader"]:
        parts.append(f"带班 {row['leader']}")
    if row["members"]:
        parts.append(f"值班 {row['members']}")
    return "；".join(parts)


def on_duty_text(store: Store, day: dt.date) -> str:
    """One line for the app header: who is on duty on ``day`` (带班/值班).

    For today it is the shift on duty now. Before the change of shift (08:30) that is still
    yesterday's 24-hour shift: its date and its end are named ("12月1日 全天，至 08:30"), and when
    it was not rostered, the shift that begins next is named instead of a bare 未排班.
    """
    shift_list = shiftmod.shifts(store)
    if day == dates.today():
        slot_day, shift = shiftmod.slot_at(shift_list, shiftmod.now())
    else:
        slot_day, shift = day, shift_list[0]
    who = _duty_row(store, slot_day, shift.name)
    if slot_day == day:
        return f"{who}（{shift.label}）" if who else NOT_ROSTERED
    slot_text = f"{dates.cn_date(slot_day, year=False)} {shift.name}"
    if who:
        return f"{who}（{slot_text}，至 {shift.ends(slot_day):%H:%M}）"
    next_day, next_shift = shiftmod.next_slot(shift_list, slot_day, shift)
    coming = _duty_row(store, next_day, next_shift.name)
    if coming:
        return f"{slot_text}{NOT_ROSTERED}；{next_shift.begins(next_day):%H:%M} 起 {coming}"
    return NOT_ROSTERED