"""Issue 13 item 10, roster domain and CLI: 连续值班 more than two 24-hour duty days is warned
about (generate, edit, swap, import, `roster show`), and a swap is noted in both days' 备注."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from docx import Document

from dutydesk.refdata import set_setting
from dutydesk.roster import rotation, service, transfer
from dutydesk.roster.people import add_person, list_people
from dutydesk.roster.streaks import Streak, long_streaks, warning_text

D = dt.date


@pytest.fixture
def staff(store):
    for i, name in enumerate(["王建国", "刘志强"], 1):
        add_person(store, name, role="leader", phone=f"1390746100{i}")
    for i, name in enumerate(["张三", "李四", "赵丽", "周小红"], 1):
        add_person(store, name, phone=f"1380746200{i}")
    return store


def ids(store) -> dict[str, int]:
    return {p.name: p.id for p in list_people(store)}


def put(store, day: dt.date, leader: str | None, *members: str, shift: str = "全天", note: str | None = None) -> None:
    who = ids(store)
    service.save_slot(store, day, shift, who[leader] if leader else None, [who[m] for m in members], note=note)


def march(store, plan: dict[int, tuple[str, list[str]]]) -> None:
    for day, (leader, members) in plan.items():
        put(store, D(2024, 3, day), leader, *members)


# -- 连续值班 --------------------------------------------------------------------------------
def test_three_duty_days_running_is_a_streak_two_are_not(staff):
    march(staff, {1: ("王建国", ["张三"]), 2: ("刘志强", ["张三"]), 3: ("王建国", ["李四"]), 4: ("刘志强", ["张三"])})
    assert long_streaks(staff, D(2024, 3, 1), D(2024, 3, 31)) == []
    put(staff, D(2024, 3, 3), "王建国", "张三", "李四")
    found = long_streaks(staff, D(2024, 3, 1), D(2024, 3, 31))
    assert found == [Streak(ids(staff)["张三"], "张三", D(2024, 3, 1), 4)]
    assert found[0].last == D(2024, 3, 4)
    assert warning_text(found) == "连续值班超过 2 天（1 处）：张三 3月1日—3月4日连续值班 4 天"


def test_a_leader_counts_and_a_streak_across_the_range_counts_whole(staff):
    march(staff, {9: ("王建国", ["张三"]), 10: ("王建国", ["李四"]), 11: ("王建国", ["赵丽"]),
                  12: ("刘志强", ["周小红"])})
    assert long_streaks(staff, D(2024, 3, 11), D(2024, 3, 17)) == [Streak(ids(staff)["王建国"], "王建国", D(2024, 3, 9), 3)]
    assert long_streaks(staff, D(2024, 3, 12), D(2024, 3, 17)) == []  # it ended the day before
    assert long_streaks(staff, D(2024, 3, 1), D(2024, 3, 8)) == []
    service.delete_slot(staff, D(2024, 3, 10))  # a deleted day breaks the run
    assert long_streaks(staff, D(2024, 3, 1), D(2024, 3, 31)) == []


def test_a_long_streak_is_found_from_any_of_its_days(staff):
    for i in range(80):
        put(staff, D(2024, 1, 1) + dt.timedelta(days=i), None, "赵丽")
    assert long_streaks(staff, D(2024, 3, 1), D(2024, 3, 1)) == [Streak(ids(staff)["赵丽"], "赵丽", D(2024, 1, 1), 80)]


def test_only_24_hours_of_duty_make_a_duty_day(staff):
    set_setting(staff, "shifts", "白班 08:30 12\n夜班 20:30 12")
    for day in (1, 2, 3):
        put(staff, D(2024, 3, day), "王建国", "张三", shift="白班")
        put(staff, D(2024, 3, day), "刘志强", "李四", shift="夜班")
    assert long_streaks(staff, D(2024, 3, 1), D(2024, 3, 3)) == []  # 12 hours a day is an ordinary working day
    for day in (1, 2, 3):
        put(staff, D(2024, 3, day), "刘志强", "张三", shift="夜班")  # both shifts: 24 hours
    assert [(s.name, s.first, s.days) for s in long_streaks(staff, D(2024, 3, 1), D(2024, 3, 3))] == [
        ("张三", D(2024, 3, 1), 3)]


def test_generate_warns_about_streaks_it_makes(staff):
    result = rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 4), ["王建国", "刘志强"], ["张三"])
    assert [(s.name, s.first, s.days) for s in result.streaks] == [("张三", D(2024, 3, 1), 4)]
    assert "连续值班超过 2 天（1 处）：张三 3月1日—3月4日连续值班 4 天" in result.summary()
    result = rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 4), ["王建国", "刘志强"], ["张三", "李四"])
    assert result.streaks == [] and "连续值班" not in result.summary()


def test_a_swap_can_make_a_streak(staff):
    march(staff, {1: ("王建国", ["张三"]), 2: ("刘志强", ["张三"]), 3: ("王建国", ["李四"]), 5: ("刘志强", ["张三"])})
    assert service.swap(staff, D(2024, 3, 3), "李四", D(2024, 3, 5), "张三") == []  # not refused
    assert [(s.name, s.first, s.days) for s in long_streaks(staff, D(2024, 3, 3), D(2024, 3, 3))] == [
        ("张三", D(2024, 3, 1), 3)]


def test_import_warns_about_streaks(staff, tmp_path):
    path = tmp_path / "值班表.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["日期", "带班领导", "值班人员"])
    for day in (1, 2, 3):
        ws.append([f"2024-03-0{day}", "王建国" if day % 2 else "刘志强", "赵丽"])
    wb.save(path)
    result = transfer.import_roster(staff, path)
    assert [(s.name, s.days) for s in result.streaks] == [("赵丽", 3)]
    assert result.summary().endswith("。注意连续值班超过 2 天（1 处）：赵丽 3月1日—3月3日连续值班 3 天")


def test_cli_show_and_generate_print_the_warning(run_cli):
    for name in ("王建国", "刘志强"):
        assert run_cli("roster", "people", "add", name, "--role", "leader").exit_code == 0
    for name in ("张三", "李四"):
        assert run_cli("roster", "people", "add", name).exit_code == 0
    r = run_cli("roster", "generate", "--from", "2024-03-01", "--to", "2024-03-03", "--leaders", "王建国,刘志强",
                "--officers", "张三")
    assert r.exit_code == 0 and "连续值班超过 2 天（1 处）：张三 3月1日—3月3日连续值班 3 天" in r.stdout
    r = run_cli("roster", "show", "--date", "2024-03-02", "--days", "1")
    assert r.exit_code == 0
    assert [line.split("\t")[5] for line in r.stdout.strip().splitlines()] == ["值班人员", "张三"]  # the table as before
    assert r.stderr.strip() == "注意：连续值班超过 2 天（1 处）：张三 3月1日—3月3日连续值班 3 天"
    r = run_cli("roster", "generate", "--from", "2024-03-01", "--to", "2024-03-03", "--leaders", "王建国,刘志强",
                "--officers", "张三,李四")
    assert "连续值班" not in r.stdout
    assert run_cli("roster", "show", "--date", "2024-03-01", "--days", "3").stderr == ""


# -- 调班 in 备注 ---------------------------------------------------------------------------
def notes(store, *days: int) -> list[str]:
    return [service.get_slot(store, D(2024, 3, d)).note for d in days]


def test_toggle_swap_mark_keeps_the_note_and_removes_its_own_mark():
    assert service.toggle_swap_mark("", "张三", "李四") == "换班：张三↔李四"
    assert service.toggle_swap_mark("领导外出开会", "张三", "李四") == "领导外出开会\n换班：张三↔李四"
    assert service.toggle_swap_mark("领导外出开会\n换班：李四↔张三", "张三", "李四") == "领导外出开会"
    assert service.toggle_swap_mark("换班：张三↔赵丽", "张三", "李四") == "换班：张三↔赵丽\n换班：张三↔李四"


def test_a_swap_is_noted_in_both_days_and_swapping_back_removes_it(staff):
    march(staff, {1: ("王建国", ["张三"]), 2: ("刘志强", ["李四"]), 3: ("王建国", ["赵丽"])})
    put(staff, D(2024, 3, 1), "王建国", "张三", note="领导外出开会")
    service.swap(staff, D(2024, 3, 1), "张三", D(2024, 3, 2), "李四")
    assert notes(staff, 1, 2) == ["领导外出开会\n换班：张三↔李四", "换班：张三↔李四"]
    day1 = service.get_slot(staff, D(2024, 3, 1)).id
    assert staff.history("roster_days", day1)[-1]["changes"]["note"] == ["领导外出开会", "领导外出开会\n换班：张三↔李四"]
    # swapping back: the days are as they were, and so are their notes
    service.swap(staff, D(2024, 3, 1), "李四", D(2024, 3, 2), "张三")
    assert notes(staff, 1, 2) == ["领导外出开会", ""]
    assert [service.get_slot(staff, D(2024, 3, d)).member_names for d in (1, 2)] == ["张三", "李四"]
    # 张三 and 李四 swap on day 1 twice, with two other days: day 1 ends as it began, unmarked
    service.swap(staff, D(2024, 3, 1), "张三", D(2024, 3, 2), "李四")
    put(staff, D(2024, 3, 3), "王建国", "张三")
    service.swap(staff, D(2024, 3, 1), "李四", D(2024, 3, 3), "张三")
    assert [service.get_slot(staff, D(2024, 3, d)).member_names for d in (1, 2, 3)] == ["张三", "张三", "李四"]
    assert notes(staff, 1, 2, 3) == ["领导外出开会", "换班：张三↔李四", "换班：李四↔张三"]


def test_the_swap_mark_is_in_the_exports(staff, tmp_path):
    march(staff, {1: ("王建国", ["张三"]), 2: ("刘志强", ["李四"])})
    service.swap(staff, D(2024, 3, 1), "张三", D(2024, 3, 2), "李四")
    xlsx = transfer.export_roster(staff, tmp_path / "值班表.xlsx")
    sheet = openpyxl.load_workbook(xlsx).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(r for r in values if r and r[0] == "日期")
    note_col = header.index("备注")
    assert [r[note_col] for r in values[values.index(header) + 1:]] == ["换班：张三↔李四", "换班：张三↔李四"]
    docx = transfer.export_roster(staff, tmp_path / "值班表.docx")
    cells = [c.text for c in Document(docx).tables[0].rows[1].cells]
    assert "换班：张三↔李四" in cells
