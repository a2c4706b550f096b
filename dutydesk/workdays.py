"""Working days: the State Council's holiday arrangement (chinese-calendar), with a table
of user-entered holidays and make-up workdays that overrides it, and a clear fallback to
weekends-only for years the library does not know."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from .errors import UserError
from .store.db import Store


class WorkCalendar:
    """Answers "is this a working day?" for one store; remembers which years were guessed."""

    def __init__(self, store: Store | None = None):
        self.overrides: dict[str, str] = {}
        if store is not None:
            self.overrides = {r["date"]: r["kind"] for r in store.query("SELECT date, kind FROM holidays")}
        self.guessed_years: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        kind = self.overrides.get(day.isoformat())
        if kind:
            return kind == "workday"
        try:
            return chinese_calendar.is_workday(day)
        except (NotImplementedError, ValueError):
            self.guessed_years.add(day.year)
            return day.weekday() < 5

    def is_holiday(self, day: dt.date) -> bool:
        return not self.is_workday(day)

    def holiday_name(self, day: dt.date) -> str:
        """法定节假日 name (e.g. 国庆节), 调休 for a make-up workday, else ""."""
        kind = self.overrides.get(day.isoformat())
        if kind:
            return "假日" if kind == "holiday" else "调休上班"
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except (NotImplementedError, ValueError):
            return ""
        if on_holiday and name:
            return _HOLIDAY_CN.get(name, name)
        if not on_holiday and day.weekday() >= 5:
            return "调休上班"
        return ""

    def add_days(self, start: dt.date, days: int, *, workdays: bool) -> dt.date:
        """The deadline ``days`` after ``start``: calendar days, or working days."""
        if days < 0:
            raise UserError("天数不能为负")
        if not workdays:
            return start + dt.timedelta(days=days)
        current, left = start, days
        while left:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                left -= 1
        return current

    def warning(self) -> str:
        if not self.guessed_years:
            return ""
        years = "、".join(str(y) for y in sorted(self.guessed_years))
        return f"注意：{years}年的法定节假日安排未知，工作日仅按周末推算；可在“设置 → 节假日”中补充"


_HOLIDAY_CN = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def add_holiday(store: Store, day: dt.date, kind: str, name: str = "") -> None:
    if kind not in {"holiday", "workday"}:
        raise UserError("类型只能是 holiday（放假）或 workday（调休上班）")
    with store.write():
        store.execute(
            "INSERT INTO holidays (date, kind, name) VALUES (?,?,?) "
            "ON CONFLICT(date) DO UPDATE SET kind=excluded.kind, name=excluded.name",
            [day.isoformat(), kind, name],
        )
        store.audit("holidays", day.isoformat(), "设置", {"kind": kind, "name": name})


def remove_holiday(store: Store, day: dt.date) -> None:
    with store.write():
        store.execute("DELETE FROM holidays WHERE date=?", [day.isoformat()])
        store.audit("holidays", day.isoformat(), "删除")


def list_holidays(store: Store) -> list[dict]:
    return store.query("SELECT * FROM holidays ORDER BY date")
