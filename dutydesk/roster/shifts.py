"""Shifts (班次) from the setting ``shifts``: one per line, ``名称 起始 时长小时``.

The default is one 24-hour shift from 08:30 (``全天 08:30 24``): the shift of 3月13日 runs until
08:30 on 3月14日, so an officer writing at 02:00 on the 14th still writes into the 13th's log.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import dates
from ..errors import UserError
from ..refdata import get_setting
from ..store.db import Store

DEFAULT_SHIFTS = "全天 08:30 24"
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")


@dataclass(frozen=True)
class Shift:
    name: str
    start: dt.time
    hours: float

    def begins(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.start)

    def ends(self, day: dt.date) -> dt.datetime:
        return self.begins(day) + dt.timedelta(hours=self.hours)

    @property
    def label(self) -> str:
        """全天 08:30起."""
        return f"{self.name} {self.start:%H:%M}起"


def parse_shifts(text: str) -> list[Shift]:
    """Read the setting; a bad line is a :class:`UserError` naming it."""
    result: list[Shift] = []
    for no, line in enumerate((text or "").replace("\\n", "\n").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3:
            raise UserError(f"班次第{no}行应为“名称 起始时间 时长小时”，如：全天 08:30 24")
        name, start, hours = parts
        m = _TIME.match(start)
        if not m or int(m[1]) > 23 or int(m[2]) > 59:
            raise UserError(f"班次第{no}行的起始时间有误：{start}（应如 08:30）")
        try:
            length = float(hours)
        except ValueError:
            raise UserError(f"班次第{no}行的时长有误：{hours}（应为小时数，如 24）") from None
        if not 0 < length <= 24:
            raise UserError(f"班次第{no}行的时长应在 0 到 24 小时之间：{hours}")
        if any(s.name == name for s in result):
            raise UserError(f"班次名称重复：{name}")
        result.append(Shift(name, dt.time(int(m[1]), int(m[2])), length))
    if not result:
        raise UserError("至少要有一个班次，如：全天 08:30 24")
    return sorted(result, key=lambda s: s.start)


def shifts(store: Store) -> list[Shift]:
    """The configured shifts; a broken setting falls back to the default (never blocks the header)."""
    try:
        return parse_shifts(get_setting(store, "shifts"))
    except UserError:
        return parse_shifts(DEFAULT_SHIFTS)


def setting_problem(store: Store) -> str:
    """Why the ``shifts`` setting is not used (then the default is), or ""."""
    try:
        parse_shifts(get_setting(store, "shifts"))
    except UserError as exc:
        return f"班次设置有误，暂按“{DEFAULT_SHIFTS}”排班：{exc}"
    return ""


def find(shift_list: list[Shift], name: str) -> Shift:
    for s in shift_list:
        if s.name == name:
            return s
    raise UserError(f"未知的班次：{name}（可用：{'、'.join(s.name for s in shift_list)}）")


def clock() -> dt.time:
    """The time of day; tests monkeypatch it (with ``freeze_today`` for the date)."""
    return dt.datetime.now().time().replace(microsecond=0)


def now() -> dt.datetime:
    return dt.datetime.combine(dates.today(), clock())


def slot_at(shift_list: list[Shift], when: dt.datetime) -> tuple[dt.date, Shift]:
    """The (date, shift) on duty at ``when``: the latest shift that has begun."""
    best: tuple[dt.datetime, dt.date, Shift] | None = None
    for back in (1, 0):
        day = when.date() - dt.timedelta(days=back)
        for s in shift_list:
            begins = s.begins(day)
            if begins <= when and (best is None or begins > best[0]):
                best = (begins, day, s)
    assert best is not None  # a shift began yesterday at the latest
    return best[1], best[2]


def next_slot(shift_list: list[Shift], day: dt.date, shift: Shift) -> tuple[dt.date, Shift]:
    i = shift_list.index(shift)
    if i + 1 < len(shift_list):
        return day, shift_list[i + 1]
    return day + dt.timedelta(days=1), shift_list[0]


def prev_slot(shift_list: list[Shift], day: dt.date, shift: Shift) -> tuple[dt.date, Shift]:
    i = shift_list.index(shift)
    if i > 0:
        return day, shift_list[i - 1]
    return day - dt.timedelta(days=1), shift_list[-1]
