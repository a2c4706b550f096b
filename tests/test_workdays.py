"""Working days: chinese-calendar's arrangement as dutydesk keeps it (a cache read back at start)
answers exactly as the library does, and a cache that is stale or damaged is never believed."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import chinese_calendar
import pytest

from dutydesk import workdays
from dutydesk.workdays import WorkCalendar, arrangement


def _every_day(first: int, last: int):
    day = dt.date(first - 1, 12, 25)
    while day <= dt.date(last + 1, 1, 7):
        yield day
        day += dt.timedelta(days=1)


def _library(day: dt.date) -> tuple[bool, tuple[bool, str | None]] | None:
    try:
        return chinese_calendar.is_workday(day), chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None


@pytest.mark.parametrize("from_cache", [False, True])
def test_the_kept_arrangement_answers_every_day_as_the_library(tmp_path, from_cache):
    cache = tmp_path / "holidays.json"
    first = arrangement(cache)
    assert cache.exists() and oct(cache.stat().st_mode & 0o777) == "0o600"
    kept = arrangement(cache) if from_cache else first
    checked = 0
    for day in _every_day(kept.first_year, kept.last_year):
        expected = _library(day)
        if expected is None:
            assert not kept.knows(day)
            continue
        assert kept.knows(day)
        assert (kept.is_workday(day), kept.holiday_detail(day)) == expected, day
        checked += 1
    assert checked > 365 * 10


def test_a_stale_or_damaged_cache_is_read_from_the_library_again(tmp_path):
    cache = tmp_path / "holidays.json"
    good = arrangement(cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["stamp"][2] += 1  # another chinese-calendar
    data["holidays"] = {"2024-03-13": "Made Up"}
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert arrangement(cache) == good
    for junk in ("", "[]", "{\"stamp\": 1", "{\"stamp\": null}", "\x00\xff"):
        cache.write_text(junk, encoding="utf-8")
        assert arrangement(cache) == good
    assert json.loads(cache.read_text(encoding="utf-8"))["stamp"] == data["stamp"][:2] + [data["stamp"][2] - 1]


def test_an_unwritable_cache_folder_is_only_slower(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert arrangement(blocker / "holidays.json").holidays  # its folder cannot be made


def test_work_calendar_days_holiday_names_and_guessed_years(store):
    cal = WorkCalendar(store)
    assert cal.holiday_name(dt.date(2024, 10, 1)) == "国庆节"
    assert cal.holiday_name(dt.date(2024, 10, 12)) == "调休上班"  # a Saturday worked
    assert cal.is_workday(dt.date(2024, 10, 12)) and not cal.is_workday(dt.date(2024, 10, 2))
    assert cal.is_workday(dt.datetime(2024, 10, 12, 9, 30))  # a time of day is that day
    assert cal.add_days(dt.date(2024, 9, 30), 1, workdays=True) == dt.date(2024, 10, 8)
    assert not cal.warning()
    later = arrangement().last_year + 1
    assert cal.is_workday(dt.date(later, 1, 5)) is (dt.date(later, 1, 5).weekday() < 5)
    assert cal.holiday_name(dt.date(later, 10, 1)) == ""
    assert str(later) in cal.warning()
    workdays.add_holiday(store, dt.date(later, 10, 1), "holiday", "国庆")
    assert WorkCalendar(store).holiday_name(dt.date(later, 10, 1)) == "假日"


def test_a_start_with_the_cache_written_does_not_import_the_library(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    code = ("import sys, datetime; from dutydesk.workdays import WorkCalendar; "
            "print(WorkCalendar().holiday_name(datetime.date(2024, 10, 1)), 'chinese_calendar' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.split()
            for _ in range(2)]
    assert runs == [["国庆节", "True"], ["国庆节", "False"]]
    assert (tmp_path / "dutydesk" / "holidays.json").exists()


def test_a_cache_file_is_private_and_never_written_through_a_planted_link(tmp_path):
    from dutydesk.store.paths import write_cache_file

    target, victim = tmp_path / "cache" / "holidays.json", tmp_path / "victim"
    victim.write_text("keep")
    target.parent.mkdir()
    target.with_name(f"holidays.json.{os.getpid()}.tmp").symlink_to(victim)
    assert write_cache_file(target, b"{}")
    assert victim.read_text() == "keep" and target.read_bytes() == b"{}"
    assert oct(target.stat().st_mode & 0o777) == "0o600" and not target.is_symlink()
    (tmp_path / "blocked").write_text("x")
    assert not write_cache_file(tmp_path / "blocked" / "css.pickle", b"x")  # its folder cannot be made
