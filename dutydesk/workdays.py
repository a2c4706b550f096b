"""Working days: the State Council's holiday arrangement (chinese-calendar), with a table
of user-entered holidays and make-up workdays that overrides it, and a clear fallback to
weekends-only for years the library does not know.

chinese-calendar builds its tables when imported (~20 ms, a sixth of what dutydesk adds to a
start, and the first screen needs them): the two tables it answers from are kept as JSON in the
user cache folder, stamped with the library's data file, and read back in well under a
millisecond (:func:`arrangement`).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .store.db import Store
from .store.paths import user_cache_dir, write_cache_file

CACHE_NAME = "holidays.json"


@dataclass(frozen=True)
class Arrangement:
    """chinese-calendar's holiday arrangement: ISO day -> its English name, for the 法定节假日
    (``holidays``) and the make-up workdays (``workdays``), over the years it knows."""

    holidays: dict[str, str]
    workdays: dict[str, str]
    first_year: int
    last_year: int

    def knows(self, day: dt.date) -> bool:
        return self.first_year <= day.year <= self.last_year

    # the library's own rules (chinese_calendar.utils: is_workday, get_holiday_detail)
    def is_workday(self, day: dt.date) -> bool:
        iso = day.isoformat()
        return iso in self.workdays or (day.weekday() <= 4 and iso not in self.holidays)

    def holiday_detail(self, day: dt.date) -> tuple[bool, str | None]:
        iso = day.isoformat()
        if iso in self.workdays:
            return False, self.workdays[iso]
        if iso in self.holidays:
            return True, self.holidays[iso]
        return day.weekday() > 4, None


_LOADED: list[Arrangement] = []  # the process's one copy, read on first use


def _stamp() -> list | None:
    """Which chinese-calendar the tables came from: its data file's path, size and mtime."""
    spec = importlib.util.find_spec("chinese_calendar")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).with_name("constants.py")
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [str(path), st.st_size, st.st_mtime_ns]


def _from_library() -> Arrangement:
    import chinese_calendar

    holidays = {d.isoformat(): str(name) for d, name in chinese_calendar.holidays.items()}
    workdays = {d.isoformat(): str(name) for d, name in chinese_calendar.workdays.items()}
    years = [d.year for d in chinese_calendar.holidays]
    return Arrangement(holidays, workdays, min(years), max(years))


def arrangement(cache: Path | None = None) -> Arrangement:
    """The arrangement, from the cache file when it was written from this chinese-calendar,
    else from the library (and the cache written again). A cache that cannot be read or
    written is only slower, never in the way."""
    if _LOADED and cache is None:
        return _LOADED[0]
    path = cache or user_cache_dir() / CACHE_NAME
    stamp = _stamp()
    found = None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if stamp is not None and data.get("stamp") == stamp:
            found = Arrangement(dict(data["holidays"]), dict(data["workdays"]),
                                int(data["first_year"]), int(data["last_year"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        found = None
    if found is None:
        found = _from_library()
        if stamp is not None:
            write_cache_file(path, json.dumps({"stamp": stamp, "holidays": found.holidays, "workdays": found.workdays,
                                               "first_year": found.first_year, "last_year": found.last_year},
                                              ensure_ascii=False).encode())
    if cache is None:
        _LOADED[:] = [found]
    return found


class WorkCalendar:
    """Answers "is this a working day?" for one store; remembers which years were guessed."""

    def __init__(self, store: Store | None = None):
        self.overrides: dict[str, str] = {}
        if store is not None:
            self.overrides = {r["date"]: r["kind"] for r in store.query("SELECT date, kind FROM holidays")}
        self.guessed_years: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        day = day.date() if isinstance(day, dt.datetime) else day
        kind = self.overrides.get(day.isoformat())
        if kind:
            return kind == "workday"
        known = arrangement()
        if not known.knows(day):
            self.guessed_years.add(day.year)
            return day.weekday() < 5
        return known.is_workday(day)

    def is_holiday(self, day: dt.date) -> bool:
        return not self.is_workday(day)

    def holiday_name(self, day: dt.date) -> str:
        """法定节假日 name (e.g. 国庆节), 调休 for a make-up workday, else ""."""
        day = day.date() if isinstance(day, dt.datetime) else day
        kind = self.overrides.get(day.isoformat())
        if kind:
            return "假日" if kind == "holiday" else "调休上班"
        known = arrangement()
        if not known.knows(day):
            return ""
        on_holiday, name = known.holiday_detail(day)
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
