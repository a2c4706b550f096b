"""连续值班: who is on duty more than two 24-hour duty days running (a warning, never a refusal).

A duty day runs from the start of its shift to the same time the next day (08:30 to 08:30 by
default): someone rostered on three dates in a row has been on duty for 72 hours. A date counts
for a person when the shifts they hold on it (带班领导 or 值班人员) add up to 24 hours; with
shorter shifts (白班/夜班) working several days running is ordinary, and those dates do not count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from .. import dates
from ..store.db import Store
from . import shifts as shiftmod

MAX_DAYS_RUNNING = 2  # more than this many 24-hour duty days in a row is warned about
_MARGIN = 31  # days looked at either side of the range at first (a streak across its edge counts whole)


@dataclass(frozen=True)
class Streak:
    """``name`` (person ``person_id``) on duty ``days`` duty days running from ``first``."""

    person_id: int
    name: str
    first: dt.date
    days: int

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=self.days - 1)

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def text(self) -> str:
        """赵丽 3月1日—3月3日连续值班 3 天."""
        span = f"{dates.cn_date(self.first, year=False)}—{dates.cn_date(self.last, year=False)}"
        return f"{self.name} {span}连续值班 {self.days} 天"


def _duty_days(store: Store, start: dt.date, end: dt.date) -> dict[int, tuple[str, set[dt.date]]]:
    """{person_id: (name, dates with 24 hours of duty)} from ``start`` to ``end`` (one query)."""
    hours = {s.name: s.hours for s in shiftmod.shifts(store)}
    span = [start.isoformat(), end.isoformat()]
    held: dict[tuple[int, str], float] = defaultdict(float)
    names: dict[int, str] = {}
    for r in store.query(
        "SELECT d.date, d.shift, p.id, p.name FROM roster_days d JOIN people p ON p.id = d.leader_id "
        "WHERE d.deleted_at IS NULL AND d.date BETWEEN ? AND ? "
        "UNION SELECT d.date, d.shift, p.id, p.name FROM roster_days d JOIN roster_members m ON m.day_id = d.id "
        "JOIN people p ON p.id = m.person_id WHERE d.deleted_at IS NULL AND d.date BETWEEN ? AND ?",
        span + span,
    ):
        names[r["id"]] = r["name"]
        held[(r["id"], r["date"])] += hours.get(r["shift"], 0)  # an old shift name: its length is unknown
    out: dict[int, tuple[str, set[dt.date]]] = {}
    for (person_id, day), total in held.items():
        if total >= 24:
            out.setdefault(person_id, (names[person_id], set()))[1].add(dt.date.fromisoformat(day))
    return out


def _runs(days: set[dt.date]) -> list[tuple[dt.date, int]]:
    """(first day, length) of each run of consecutive dates."""
    runs: list[tuple[dt.date, int]] = []
    for day in sorted(days):
        if runs and runs[-1][0] + dt.timedelta(days=runs[-1][1]) == day:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((day, 1))
    return runs


def long_streaks(store: Store, start: dt.date, end: dt.date, *, limit: int = MAX_DAYS_RUNNING) -> list[Streak]:
    """Everyone on duty more than ``limit`` 24-hour duty days running, for the runs that touch
    ``start``..``end`` (counted whole, also the days outside the range), by first day and name."""
    low, high = start - dt.timedelta(days=_MARGIN), end + dt.timedelta(days=_MARGIN)
    while True:
        found = []
        edge = False
        for person_id, (name, days) in _duty_days(store, low, high).items():
            for first, length in _runs(days):
                last = first + dt.timedelta(days=length - 1)
                if length > limit and first <= end and last >= start:
                    found.append(Streak(person_id, name, first, length))
                    edge |= first == low or last == high
        if not edge or (high - low).days > 3660:  # a streak running past the window: look further
            return sorted(found, key=lambda s: (s.first, s.name))
        low, high = low - dt.timedelta(days=_MARGIN * 4), high + dt.timedelta(days=_MARGIN * 4)


def warning_text(streaks: list[Streak], *, most: int = 4) -> str:
    """One line for a status bar or a command's output, "" when there is nothing to warn about."""
    if not streaks:
        return ""
    shown = "；".join(s.text() for s in streaks[:most]) + ("等" if len(streaks) > most else "")
    return f"连续值班超过 {MAX_DAYS_RUNNING} 天（{len(streaks)} 处）：{shown}"
