"""值班日志 and 交接班: what the officer on duty records, and what passes to the next shift.

An entry belongs to a shift (date + shift name). Open entries (not done) stay visible in
every later shift's log until someone marks them done. Ending a shift writes a handover
note with a snapshot of the open items; the next shift confirms it took them over.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from .. import dates
from ..errors import UserError
from ..refdata import vocab
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line, mask_name, mask_phone
from . import shifts as shiftmod
from .shifts import Shift

LOG_LABELS = {"shift_date": "班次日期", "shift": "班次", "at_time": "时间", "kind": "类别", "from_unit": "来电单位",
              "from_name": "来电人", "from_phone": "来电号码", "content": "内容", "instruction": "领导批示和处理意见",
              "recorder": "记录人", "done": "已办结", "done_at": "办结时间"}
HANDOVER_LABELS = {"note": "交班说明", "open_items": "未办结事项", "by_operator": "交班人", "taken_by": "接班人",
                   "taken_at": "接班时间"}
SAFE_TEXT = "无事报平安"
SAFE_KIND = "其他"
_HM = re.compile(r"^(\d{1,2})[:：](\d{2})$")
# what people type for a time of day: 9点40, 9点40分, 9时40分, 9点, 9点半, 0940, 9.40
_HM_SPOKEN = (re.compile(r"^(\d{1,2})\s*[点时]\s*(\d{1,2})\s*分?$"), re.compile(r"^(\d{2})(\d{2})$"),
              re.compile(r"^(\d{1,2})[.．](\d{2})$"))
_HM_HOUR = re.compile(r"^(\d{1,2})\s*[点时](整|半)?$")
_FULL = re.compile(r"^(.+?)\s+(\d{1,2})[:：](\d{2})$")


@dataclass
class LogEntry:
    id: int
    shift_date: dt.date
    shift: str
    at_time: str
    kind: str
    from_unit: str
    from_name: str
    from_phone: str
    content: str
    instruction: str
    recorder: str
    done: bool
    version: int
    carried: bool = False  # an open item from an earlier shift

    @property
    def when(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.at_time)

    def time_text(self, shift_date: dt.date | None = None) -> str:
        """``14:20``; with the date when it is not on ``shift_date`` (carried, or after midnight)."""
        when = self.when
        if shift_date is not None and when.date() == shift_date:
            return f"{when:%H:%M}"
        return f"{dates.cn_date(when.date(), year=False)} {when:%H:%M}"

    @property
    def caller(self) -> str:
        """Unit, name and number in full (the entry's own form shows this)."""
        return " ".join(p for p in (self.from_unit, self.from_name, self.from_phone) if p)

    @property
    def caller_masked(self) -> str:
        """For lists and handover notes: a caller may be a petitioner, so name and number are masked."""
        return " ".join(p for p in (self.from_unit, mask_name(self.from_name), mask_phone(self.from_phone)) if p)


@dataclass
class Handover:
    id: int
    shift_date: dt.date
    shift: str
    note: str
    open_items: list[dict] = field(default_factory=list)
    by_operator: str = ""
    at: str = ""
    taken_by: str | None = None
    taken_at: str | None = None
    version: int = 1

    @property
    def taken(self) -> bool:
        return bool(self.taken_at)

    def text(self) -> str:
        """The note and the open items as one readable block."""
        lines = [f"{dates.cn_date(self.shift_date, year=False)} {self.shift} 交班（{self.by_operator}，{self.at[:16]}）",
                 "", self.note or "（无交班说明）", ""]
        if self.open_items:
            lines.append(f"未办结事项 {len(self.open_items)} 项：")
            for i, item in enumerate(self.open_items, 1):
                who = f"（{item['from']}）" if item.get("from") else ""
                lines.append(f"  {i}. {item['at_time'][5:16]} {item['kind']}{who}：{item['content']}")
        else:
            lines.append("无未办结事项。")
        if self.taken:
            lines += ["", f"已由 {self.taken_by} 于 {self.taken_at[:16]} 接班"]
        return "\n".join(lines)


def _entry(row: dict, carried: bool = False) -> LogEntry:
    return LogEntry(row["id"], dt.date.fromisoformat(row["shift_date"]), row["shift"], row["at_time"], row["kind"],
                    row["from_unit"], row["from_name"], row["from_phone"], row["content"], row["instruction"],
                    row["recorder"], bool(row["done"]), row["version"], carried)


def current_slot(store: Store) -> tuple[dt.date, Shift]:
    """The date and shift on duty now."""
    return shiftmod.slot_at(shiftmod.shifts(store), shiftmod.now())


def resolve_slot(store: Store, day: dt.date | None, shift: str | None) -> tuple[dt.date, Shift]:
    """A given date/shift, or the one on duty now."""
    shift_list = shiftmod.shifts(store)
    if day is None and shift is None:
        return current_slot(store)
    if day is None:
        day = current_slot(store)[0]
    return day, shiftmod.find(shift_list, shift) if shift else shift_list[0]


def entry_time(text: str | dt.datetime | None, day: dt.date, shift: Shift) -> dt.datetime:
    """The moment of an entry in the shift of ``day``: ``14:20`` (after midnight means the next
    calendar day for a shift that crosses it), or a date and time; empty = now or the shift start."""
    begins, ends = shift.begins(day), shift.ends(day)
    if isinstance(text, dt.datetime):
        when = text
    elif not clean_line(text):
        now = shiftmod.now()
        when = now if begins <= now < ends else begins
    else:
        value = _spoken_time(clean_line(text).translate(str.maketrans("０１２３４５６７８９：", "0123456789:")))
        if m := _HM.match(value):
            if int(m[1]) > 23 or int(m[2]) > 59:
                raise UserError(f"时间有误：{value}（应如 14:20）", field="at")
            when = dt.datetime.combine(day, dt.time(int(m[1]), int(m[2])))
            if when < begins:
                when += dt.timedelta(days=1)
        elif (m := _FULL.match(value)) and int(m[2]) <= 23 and int(m[3]) <= 59:
            when = dt.datetime.combine(dates.parse_date(m[1], default_year=day.year), dt.time(int(m[2]), int(m[3])))
        else:
            raise UserError(f"时间有误：{value[:30]}（应如 14:20、9点40 或 2024-03-13 14:20）", field="at")
    when = when.replace(second=0, microsecond=0)
    if not begins <= when < ends:
        raise UserError(f"时间 {when:%m-%d %H:%M} 不在该班次内（{begins:%m-%d %H:%M} 至 {ends:%m-%d %H:%M}）",
                        field="at")
    return when


def _spoken_time(value: str) -> str:
    """``9点40`` / ``0940`` / ``9点半`` as ``9:40`` / ``09:40`` / ``9:30``; anything else as it is."""
    for pattern in _HM_SPOKEN:
        if m := pattern.match(value):
            return f"{m[1]}:{int(m[2]):02d}"
    if m := _HM_HOUR.match(value):
        return f"{m[1]}:{'30' if m[2] == '半' else '00'}"
    return value


def _check_kind(store: Store, kind: str) -> str:
    kind = clean_line(kind)
    kinds = vocab(store, "log_kind")
    if kind not in kinds:
        raise UserError(f"值班记录类别只能是：{'、'.join(kinds)}（不是“{kind[:10]}”）")
    return kind


def add_entry(store: Store, day: dt.date, shift: str, *, kind: str, content: str, at: str | dt.datetime | None = None,
              from_unit: str = "", from_name: str = "", from_phone: str = "", instruction: str = "",
              recorder: str = "", done: bool = False) -> int:
    """Record one entry in the log of the shift of ``day``."""
    shift_obj = shiftmod.find(shiftmod.shifts(store), shift)
    content = clean(content).strip()
    if not content:
        raise UserError("记录内容不能为空", field="content")
    values = {
        "shift_date": day.isoformat(), "shift": shift_obj.name,
        "at_time": entry_time(at, day, shift_obj).isoformat(sep=" ", timespec="minutes"),
        "kind": _check_kind(store, kind), "from_unit": clean_line(from_unit), "from_name": clean_line(from_name),
        "from_phone": clean_line(from_phone), "content": content, "instruction": clean(instruction).strip(),
        "recorder": clean_line(recorder) or store.operator, "done": int(done),
        "done_at": dates.now_iso() if done else None,
    }
    return records.insert(store, "duty_log", values)


def get_entry(store: Store, entry_id: int) -> LogEntry:
    return _entry(records.get(store, "duty_log", entry_id))


def update_entry(store: Store, entry_id: int, *, expected_version: int | None = None, at: str | None = None,
                 **changes) -> LogEntry:
    """Change an entry (same checks as :func:`add_entry`)."""
    current = get_entry(store, entry_id)
    clean_changes: dict = {}
    for key in ("from_unit", "from_name", "from_phone", "recorder"):
        if key in changes:
            clean_changes[key] = clean_line(changes[key])
    for key in ("content", "instruction"):
        if key in changes:
            clean_changes[key] = clean(changes[key]).strip()
    if "content" in clean_changes and not clean_changes["content"]:
        raise UserError("记录内容不能为空")
    if "kind" in changes:
        clean_changes["kind"] = _check_kind(store, changes["kind"])
    if at is not None:
        shift = shiftmod.find(shiftmod.shifts(store), current.shift)
        clean_changes["at_time"] = entry_time(at, current.shift_date, shift).isoformat(sep=" ", timespec="minutes")
    if "done" in changes:
        clean_changes["done"] = int(bool(changes["done"]))
        if bool(changes["done"]) != current.done:
            clean_changes["done_at"] = dates.now_iso() if changes["done"] else None
    return _entry(records.update(store, "duty_log", entry_id, clean_changes, expected_version=expected_version))


def delete_entry(store: Store, entry_id: int) -> None:
    """Delete an entry (soft: it leaves the log, carried items and exports, and can be restored)."""
    records.soft_delete(store, "duty_log", entry_id)


def undelete_entry(store: Store, entry_id: int) -> None:
    records.undelete(store, "duty_log", entry_id)


def set_done(store: Store, entry_id: int, done: bool = True) -> LogEntry:
    return update_entry(store, entry_id, done=done)


def shift_log(store: Store, day: dt.date, shift: str) -> list[LogEntry]:
    """The entries of one shift, after the open items carried over from earlier shifts."""
    shift_obj = shiftmod.find(shiftmod.shifts(store), shift)
    begins = shift_obj.begins(day).isoformat(sep=" ", timespec="minutes")
    rows = store.query(
        "SELECT * FROM duty_log WHERE deleted_at IS NULL AND ((shift_date = ? AND shift = ?) "
        "OR (done = 0 AND at_time < ? AND NOT (shift_date = ? AND shift = ?))) ORDER BY at_time, id",
        [day.isoformat(), shift, begins, day.isoformat(), shift],
    )
    return [_entry(r, carried=(r["shift_date"], r["shift"]) != (day.isoformat(), shift)) for r in rows]


def log_for_date(store: Store, day: dt.date) -> list[LogEntry]:
    """Every shift of a date (for the CLI and exports), carried open items first."""
    out: list[LogEntry] = []
    seen: set[int] = set()
    for shift in shiftmod.shifts(store):
        for entry in shift_log(store, day, shift.name):
            if entry.id not in seen:
                seen.add(entry.id)
                out.append(entry)
    return out


def report_safe(store: Store, recorder: str = "", *, day: dt.date | None = None, shift: str | None = None) -> int:
    """有事报事、无事报平安: one entry "无事报平安" (done) in the current shift."""
    day, shift_obj = resolve_slot(store, day, shift)
    handover = get_handover(store, day, shift_obj.name)
    if handover is not None:  # the shift is over: its report was the handover
        raise UserError(f"{dates.cn_date(day, year=False)} {shift_obj.name}已由 {handover.by_operator} 交班，"
                        "不能再报平安（接班后在新班次报平安）")
    return add_entry(store, day, shift_obj.name, kind=SAFE_KIND, content=SAFE_TEXT, recorder=recorder, done=True)


def default_recorder(store: Store, day: dt.date, shift: str) -> str:
    """The first officer on duty in that shift, else the operator."""
    name = store.scalar(
        "SELECT p.name FROM roster_days d JOIN roster_members m ON m.day_id = d.id JOIN people p ON p.id = m.person_id "
        "WHERE d.date = ? AND d.shift = ? AND d.deleted_at IS NULL ORDER BY m.sort LIMIT 1",
        [day.isoformat(), shift],
    )
    return name or store.operator


# -- handover ---------------------------------------------------------------------------------
def _handover(row: dict) -> Handover:
    return Handover(row["id"], dt.date.fromisoformat(row["shift_date"]), row["shift"], row["note"],
                    json.loads(row["open_items"] or "[]"), row["by_operator"], row["at"], row["taken_by"],
                    row["taken_at"], row["version"])


def get_handover(store: Store, day: dt.date, shift: str) -> Handover | None:
    row = store.one("SELECT * FROM handovers WHERE shift_date = ? AND shift = ? AND deleted_at IS NULL",
                    [day.isoformat(), shift])
    return _handover(row) if row else None


def handover_draft(store: Store, day: dt.date, shift: str) -> str:
    """A starting text for the handover note: counts of the shift's entries."""
    entries = shift_log(store, day, shift)
    own = [e for e in entries if not e.carried]
    calls = sum(1 for e in own if e.kind == "来电")
    open_items = [e for e in entries if not e.done]
    return (f"本班共记录 {len(own)} 条（来电 {calls} 条），未办结 {len(open_items)} 项，详见未办结事项。"
            if own or open_items else "本班无事。")


def write_handover(store: Store, day: dt.date, shift: str, note: str, by: str = "", *,
                   at: dt.datetime | None = None) -> Handover:
    """交班: the note and a snapshot of the open items of the shift of ``day``.

    Writing again before the next shift took over replaces the note and the snapshot.
    """
    shiftmod.find(shiftmod.shifts(store), shift)
    note = clean(note).strip()
    items = [{"id": e.id, "at_time": e.at_time, "kind": e.kind, "from": e.caller_masked,
              "content": e.content.replace("\n", " ")[:80]} for e in shift_log(store, day, shift) if not e.done]
    values = {"note": note, "open_items": json.dumps(items, ensure_ascii=False),
              "by_operator": clean_line(by) or store.operator,
              "at": at.isoformat(sep=" ", timespec="seconds") if at else dates.now_iso()}
    with store.write():
        existing = get_handover(store, day, shift)
        if existing is None:
            records.insert(store, "handovers", {"shift_date": day.isoformat(), "shift": shift, **values})
        elif existing.taken:
            raise UserError(f"该班次已由 {existing.taken_by} 接班，不能再修改交班记录")
        else:
            records.update(store, "handovers", existing.id, values, action="重新交班")
        return get_handover(store, day, shift)  # type: ignore[return-value]


def delete_handover(store: Store, day: dt.date, shift: str) -> Handover:
    """Delete the handover of a shift (soft: the 回收站 restores it; the shift can hand over
    again). Returns it."""
    with store.write():
        handover = get_handover(store, day, shift)
        if handover is None:
            raise UserError(f"{dates.cn_date(day, year=False)} {shift} 还没有交班记录")
        records.soft_delete(store, "handovers", handover.id)
    return handover


def undelete_handover(store: Store, handover_id: int) -> None:
    """Restore a deleted handover; refused when the shift has handed over again since."""
    with store.write():
        row = records.get(store, "handovers", handover_id, include_deleted=True)
        if row["deleted_at"] and get_handover(store, dt.date.fromisoformat(row["shift_date"]), row["shift"]):
            raise UserError(f"{dates.cn_date(row['shift_date'], year=False)} {row['shift']} 已重新交班，"
                            "无法恢复被删除的交班记录")
        records.undelete(store, "handovers", handover_id)


def previous_handover(store: Store, day: dt.date, shift: str) -> Handover | None:
    """The handover of the shift before (``day``, ``shift``), taken or not."""
    shift_list = shiftmod.shifts(store)
    prev_day, prev_shift = shiftmod.prev_slot(shift_list, day, shiftmod.find(shift_list, shift))
    return get_handover(store, prev_day, prev_shift.name)


def takeover_for(store: Store, slots: list[tuple[dt.date, str]]) -> Handover | None:
    """The handover 接班 (k) confirms: the first handover not yet taken among those of the given
    slots (the row selected, the shift on duty) and of the shifts before them. A shift that
    handed over before its end (交班 at 08:00) is taken over by the next one at once."""
    for day, shift in slots:
        for handover in (get_handover(store, day, shift), previous_handover(store, day, shift)):
            if handover is not None and not handover.taken:
                return handover
    return None


def taker_for(store: Store, handover: Handover) -> str:
    """Who takes over by default: the first officer of the shift after the handed-over one."""
    shift_list = shiftmod.shifts(store)
    day, shift = shiftmod.next_slot(shift_list, handover.shift_date, shiftmod.find(shift_list, handover.shift))
    return default_recorder(store, day, shift.name)


def pending_takeover(store: Store, day: dt.date, shift: str) -> Handover | None:
    """The previous shift's handover when this shift has not yet confirmed it."""
    handover = previous_handover(store, day, shift)
    return handover if handover and not handover.taken else None


def take_over(store: Store, handover_id: int, by: str = "", *, at: dt.datetime | None = None) -> Handover:
    """接班: confirm the handover was read and its open items taken over."""
    with store.write():
        row = records.get(store, "handovers", handover_id)
        if row["taken_at"]:
            raise UserError(f"该交班记录已由 {row['taken_by']} 于 {row['taken_at'][:16]} 接收")
        records.update(store, "handovers", handover_id,
                       {"taken_by": clean_line(by) or store.operator,
                        "taken_at": at.isoformat(sep=" ", timespec="seconds") if at else dates.now_iso()},
                       action="接班")
        return _handover(records.get(store, "handovers", handover_id))
