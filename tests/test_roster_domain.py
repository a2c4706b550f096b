"""Roster domain: phones, shifts, rotation, conflicts, swaps, leaves, duty log and handover."""

from __future__ import annotations

import datetime as dt

import pytest

from dutydesk import dates
from dutydesk.errors import ConflictError, UserError
from dutydesk.roster import dutylog, rotation, service
from dutydesk.roster import shifts as shiftmod
from dutydesk.roster.people import add_person, list_people, normalize_phone, person_named, update_person

D = dt.date
LEADERS = ["王建国", "刘志强"]
OFFICERS = ["李明", "赵丽", "周小红", "蒋文斌", "唐晓燕"]


@pytest.fixture
def staff(store):
    for i, name in enumerate(LEADERS, 1):
        add_person(store, name, role="leader", phone=f"1390746100{i}", title="市生态环境局")
    for i, name in enumerate(OFFICERS, 1):
        add_person(store, name, role="officer", phone=f"1380746200{i}")
    return store


@pytest.fixture
def at_ten(monkeypatch):
    monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(10, 0))


def roster(store, start, end):
    return {s.date: (s.leader_name, s.member_names) for s in service.load_range(store, start, end) if s.id}


# -- people -------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("13807462001", "13807462001"),
    ("138 0746 2001", "13807462001"),
    ("138-0746-2001", "13807462001"),
    ("+86 13807462001", "13807462001"),
    ("１３８０７４６２００１", "13807462001"),
    ("0746-8221234", "0746-8221234"),
    ("07468221234", "0746-8221234"),
    ("(0746)8221234", "0746-8221234"),
    ("（0746）8221234", "0746-8221234"),
    ("010-12345678", "010-12345678"),
    ("0746-8221234-801", "0746-8221234-801"),
    ("", ""),
])
def test_phone_numbers_are_normalised(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("12345", "电话号码格式不对"),
    ("1380746200", "电话号码格式不对"),
    ("23807462001", "电话号码格式不对"),
    ("8221234", "固定电话请加区号"),
    ("abc", "电话号码格式不对"),
])
def test_bad_phone_numbers_get_a_clear_message(raw, message):
    with pytest.raises(UserError, match=message) as info:
        normalize_phone(raw)
    assert "0746-8221234" in str(info.value)


def test_people_add_update_and_roles(staff):
    with pytest.raises(UserError, match="人员已存在"):
        add_person(staff, "李明")
    with pytest.raises(UserError, match="电话号码格式不对"):
        add_person(staff, "孙强", phone="123")
    with pytest.raises(UserError, match="一次只写一个人"):
        add_person(staff, "孙强、钱多")
    assert [p.name for p in list_people(staff, role="leader")] == LEADERS
    li = person_named(staff, "李明")
    updated = update_person(staff, li.id, phone="0746 8221000", active=False, expected_version=li.version)
    assert updated.phone == "0746-8221000" and not updated.active
    assert "李明" not in [p.name for p in list_people(staff)]
    with pytest.raises(ConflictError):
        update_person(staff, li.id, title="x", expected_version=li.version)


# -- shifts -------------------------------------------------------------------------------
def test_shift_setting_parsed_and_checked():
    (full,) = shiftmod.parse_shifts("全天 08:30 24")
    assert full.begins(D(2024, 3, 13)) == dt.datetime(2024, 3, 13, 8, 30)
    assert full.ends(D(2024, 3, 13)) == dt.datetime(2024, 3, 14, 8, 30)
    assert full.label == "全天 08:30起"
    two = shiftmod.parse_shifts("夜班 20:30 12\n白班 08:30 12\n")
    assert [s.name for s in two] == ["白班", "夜班"]
    for bad, msg in [("全天 8点 24", "起始时间"), ("全天 08:30", "名称 起始时间 时长小时"),
                     ("全天 08:30 30", "0 到 24"), ("", "至少"), ("甲 08:00 8\n甲 16:00 8", "重复")]:
        with pytest.raises(UserError, match=msg):
            shiftmod.parse_shifts(bad)


def test_slot_on_duty_before_the_change_of_shift_is_yesterdays():
    one = shiftmod.parse_shifts("全天 08:30 24")
    assert shiftmod.slot_at(one, dt.datetime(2024, 3, 14, 7, 0)) == (D(2024, 3, 13), one[0])
    assert shiftmod.slot_at(one, dt.datetime(2024, 3, 14, 8, 30)) == (D(2024, 3, 14), one[0])
    two = shiftmod.parse_shifts("白班 08:30 12\n夜班 20:30 12")
    assert shiftmod.slot_at(two, dt.datetime(2024, 3, 14, 2, 0)) == (D(2024, 3, 13), two[1])
    assert shiftmod.slot_at(two, dt.datetime(2024, 3, 14, 12, 0)) == (D(2024, 3, 14), two[0])
    assert shiftmod.next_slot(two, D(2024, 3, 13), two[1]) == (D(2024, 3, 14), two[0])
    assert shiftmod.prev_slot(two, D(2024, 3, 14), two[0]) == (D(2024, 3, 13), two[1])


# -- rotation -----------------------------------------------------------------------------
# 2024: 9月29日 (Sunday) and 10月12日 (Saturday) are make-up workdays; 10月1日—7日 国庆节.
NATIONAL_DAY = [D(2024, 10, d) for d in range(1, 8)]


def test_rotation_dates_every_day():
    chosen, skipped = rotation.rotation_dates(D(2024, 9, 27), D(2024, 10, 14))
    assert len(chosen) == 18 and skipped == []


def test_rotation_dates_skip_weekends_keeps_makeup_workdays():
    chosen, skipped = rotation.rotation_dates(D(2024, 9, 27), D(2024, 10, 14), skip_weekends=True)
    assert D(2024, 9, 29) in chosen and D(2024, 10, 12) in chosen
    assert D(2024, 9, 28) in skipped and D(2024, 10, 13) in skipped
    assert D(2024, 10, 1) in chosen  # a Tuesday: only holidays skipping drops it


def test_rotation_dates_skip_holidays_only():
    chosen, skipped = rotation.rotation_dates(D(2024, 9, 27), D(2024, 10, 14), skip_holidays=True)
    assert skipped == NATIONAL_DAY
    assert D(2024, 9, 28) in chosen and D(2024, 10, 13) in chosen  # ordinary weekends stay


def test_rotation_dates_skip_both():
    chosen, _ = rotation.rotation_dates(D(2024, 9, 27), D(2024, 10, 14), skip_weekends=True, skip_holidays=True)
    assert chosen == [D(2024, 9, 27), D(2024, 9, 29), D(2024, 9, 30), D(2024, 10, 8), D(2024, 10, 9),
                      D(2024, 10, 10), D(2024, 10, 11), D(2024, 10, 12), D(2024, 10, 14)]


def test_generate_rotates_leaders_and_officers(staff):
    result = rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 4), LEADERS, OFFICERS, per_day=2)
    assert result.created == 4 and not result.conflicts
    assert roster(staff, D(2024, 3, 1), D(2024, 3, 4)) == {
        D(2024, 3, 1): ("王建国", "李明、赵丽"),
        D(2024, 3, 2): ("刘志强", "周小红、蒋文斌"),
        D(2024, 3, 3): ("王建国", "唐晓燕、李明"),
        D(2024, 3, 4): ("刘志强", "赵丽、周小红"),
    }


def test_generate_skipping_holidays_leaves_them_empty(staff):
    result = rotation.generate(staff, D(2024, 9, 30), D(2024, 10, 8), LEADERS, OFFICERS, skip_holidays=True)
    assert result.created == 2 and result.skipped == NATIONAL_DAY
    assert roster(staff, D(2024, 9, 30), D(2024, 10, 8)) == {
        D(2024, 9, 30): ("王建国", "李明"), D(2024, 10, 8): ("刘志强", "赵丽")}


def test_generate_continues_where_the_last_rotation_stopped(staff):
    rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 2), LEADERS, OFFICERS, per_day=2)
    rotation.generate(staff, D(2024, 3, 3), D(2024, 3, 4), LEADERS, OFFICERS, per_day=2, continue_rotation=True)
    once = roster(staff, D(2024, 3, 1), D(2024, 3, 4))
    assert once[D(2024, 3, 3)] == ("王建国", "唐晓燕、李明") and once[D(2024, 3, 4)] == ("刘志强", "赵丽、周小红")
    # Without --continue a new rotation starts from the top of the lists.
    rotation.generate(staff, D(2024, 3, 5), D(2024, 3, 5), LEADERS, OFFICERS, per_day=2)
    assert roster(staff, D(2024, 3, 5), D(2024, 3, 5))[D(2024, 3, 5)] == ("王建国", "李明、赵丽")


def test_continuation_skips_over_weekends_and_new_lists(staff):
    rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 1), LEADERS, OFFICERS, skip_weekends=True)  # Friday
    rotation.generate(staff, D(2024, 3, 2), D(2024, 3, 4), LEADERS, ["赵丽", "李明"], skip_weekends=True,
                      continue_rotation=True)
    assert roster(staff, D(2024, 3, 1), D(2024, 3, 4)) == {
        D(2024, 3, 1): ("王建国", "李明"), D(2024, 3, 4): ("刘志强", "赵丽")}


def test_regenerate_keeps_hand_edits_unless_forced(staff):
    rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 3), LEADERS, OFFICERS)
    zhou = person_named(staff, "周小红")
    service.save_slot(staff, D(2024, 3, 2), "全天", None, [zhou.id], note="手工调整")
    result = rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 3), ["刘志强"], OFFICERS)
    assert result.kept == [D(2024, 3, 2)] and result.replaced == 2
    assert "保留手工修改的 1 个班次" in result.summary()
    after = roster(staff, D(2024, 3, 1), D(2024, 3, 3))
    assert after[D(2024, 3, 2)] == ("", "周小红")
    assert after[D(2024, 3, 3)] == ("刘志强", "周小红")  # the kept day still counts in the rotation
    result = rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 3), ["刘志强"], OFFICERS, force=True)
    assert not result.kept
    assert roster(staff, D(2024, 3, 2), D(2024, 3, 2))[D(2024, 3, 2)] == ("刘志强", "赵丽")
    assert not service.get_slot(staff, D(2024, 3, 2)).manual


def test_generate_passes_over_people_on_leave(staff):
    service.add_leave(staff, "赵丽", D(2024, 3, 2), D(2024, 3, 2), "病假")
    rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 3), LEADERS, OFFICERS)
    assert [m for _, m in roster(staff, D(2024, 3, 1), D(2024, 3, 3)).values()] == ["李明", "周小红", "蒋文斌"]


def test_generate_refuses_unknown_or_bad_input(staff):
    with pytest.raises(UserError, match="未知人员：钱多"):
        rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 3), LEADERS, ["李明", "钱多"])
    with pytest.raises(UserError, match="每班 3 人"):
        rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 3), LEADERS, ["李明", "赵丽"], per_day=3)
    with pytest.raises(UserError, match="结束日期"):
        rotation.generate(staff, D(2024, 3, 3), D(2024, 3, 1), LEADERS, OFFICERS)
    with pytest.raises(UserError, match="重复"):
        rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 3), LEADERS, ["李明", "李明"])


def test_generate_uses_every_configured_shift(staff):
    from dutydesk import refdata

    refdata.set_setting(staff, "shifts", "白班 08:30 12\n夜班 20:30 12")
    rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 1), LEADERS, OFFICERS)
    slots = service.load_range(staff, D(2024, 3, 1), D(2024, 3, 1))
    assert [(s.shift, s.leader_name, s.member_names) for s in slots] == [
        ("白班", "王建国", "李明"), ("夜班", "刘志强", "赵丽")]


# -- conflicts ----------------------------------------------------------------------------
def test_conflicts_are_found(staff):
    ids = {p.name: p.id for p in list_people(staff)}
    day = D(2024, 3, 1)
    service.save_slot(staff, day, "全天", ids["李明"], [ids["李明"], ids["赵丽"]])
    service.save_slot(staff, day + dt.timedelta(1), "全天", None, [ids["周小红"]])
    service.save_slot(staff, day + dt.timedelta(2), "全天", None, [])
    service.save_slot(staff, day + dt.timedelta(3), "全天", ids["王建国"], [ids["蒋文斌"]])
    _, clashes = service.add_leave(staff, "蒋文斌", day + dt.timedelta(3), day + dt.timedelta(5))
    assert clashes == ["3月4日（全天）"]
    got = {s.date: s.conflicts for s in service.load_range(staff, day, day + dt.timedelta(4))}
    assert got == {
        D(2024, 3, 1): ["李明重复排班"],
        D(2024, 3, 2): ["缺带班领导"],
        D(2024, 3, 3): ["无人值班"],
        D(2024, 3, 4): ["蒋文斌请假"],
        D(2024, 3, 5): [service.NOT_ROSTERED],
    }
    assert service.check_slot(staff, day, None, [ids["赵丽"], ids["赵丽"]]) == ["缺带班领导", "赵丽重复排班"]
    update_person(staff, ids["赵丽"], active=False)
    assert "赵丽已停用" in service.get_slot(staff, day).conflicts


def test_leaves_listed_and_cancelled(staff):
    leave_id, _ = service.add_leave(staff, "李明", D(2024, 3, 1), D(2024, 3, 3), "年假")
    assert [(r["name"], r["start"], r["note"]) for r in service.list_leaves(staff)] == [("李明", "2024-03-01", "年假")]
    service.cancel_leave(staff, leave_id)
    assert service.list_leaves(staff) == []
    with pytest.raises(UserError, match="结束日期"):
        service.add_leave(staff, "李明", D(2024, 3, 3), D(2024, 3, 1))


# -- editing and swapping -----------------------------------------------------------------
def test_save_slot_audits_names_and_refuses_stale_versions(staff):
    ids = {p.name: p.id for p in list_people(staff)}
    day = D(2024, 3, 1)
    service.save_slot(staff, day, "全天", ids["王建国"], [ids["李明"]])
    slot = service.get_slot(staff, day)
    service.save_slot(staff, day, "全天", ids["王建国"], [ids["李明"], ids["赵丽"]], note="加强值守",
                      expected_version=slot.version)
    with pytest.raises(ConflictError) as info:
        service.save_slot(staff, day, "全天", ids["刘志强"], [ids["李明"]], expected_version=slot.version)
    assert info.value.current["members"] == "李明、赵丽"
    history = staff.history("roster_days", slot.id)
    assert history[-1]["changes"] == {"members": ["李明", "李明、赵丽"], "note": ["", "加强值守"]}
    from dutydesk.store.records import history_text

    assert "值班人员：李明 → 李明、赵丽" in history_text(staff, "roster_days", slot.id, labels=service.DAY_LABELS)


def test_swap_exchanges_two_peoples_days(staff):
    rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 2), LEADERS, OFFICERS, per_day=2)
    # 3月1日 王建国 / 李明、赵丽 ; 3月2日 刘志强 / 周小红、蒋文斌
    assert service.swap(staff, D(2024, 3, 1), "赵丽", D(2024, 3, 2), "周小红") == []
    assert roster(staff, D(2024, 3, 1), D(2024, 3, 2)) == {
        D(2024, 3, 1): ("王建国", "李明、周小红"), D(2024, 3, 2): ("刘志强", "赵丽、蒋文斌")}
    assert service.get_slot(staff, D(2024, 3, 1)).manual
    service.swap(staff, D(2024, 3, 1), "王建国", D(2024, 3, 2), "刘志强")
    assert roster(staff, D(2024, 3, 1), D(2024, 3, 1))[D(2024, 3, 1)][0] == "刘志强"
    with pytest.raises(UserError, match="唐晓燕在3月1日没有值班"):
        service.swap(staff, D(2024, 3, 1), "唐晓燕", D(2024, 3, 2), "赵丽")


def test_swap_shows_conflicts_it_creates(staff):
    ids = {p.name: p.id for p in list_people(staff)}
    service.save_slot(staff, D(2024, 3, 1), "全天", ids["王建国"], [ids["李明"]])
    service.save_slot(staff, D(2024, 3, 2), "全天", ids["刘志强"], [ids["赵丽"], ids["李明"]])
    assert service.swap(staff, D(2024, 3, 1), "李明", D(2024, 3, 2), "赵丽") == ["3月2日：李明重复排班"]


# -- header -------------------------------------------------------------------------------
def test_on_duty_text(staff, freeze_today, at_ten, monkeypatch):
    freeze_today(D(2024, 3, 2))
    assert service.on_duty_text(staff, D(2024, 3, 2)) == "未排班"
    rotation.generate(staff, D(2024, 3, 1), D(2024, 3, 2), LEADERS, OFFICERS, per_day=2)
    assert service.on_duty_text(staff, D(2024, 3, 2)) == "带班 刘志强；值班 周小红、蒋文斌（全天 08:30起）"
    monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(7, 0))
    assert service.on_duty_text(staff, D(2024, 3, 2)) == "带班 王建国；值班 李明、赵丽（3月1日 全天，至 08:30）"
    assert service.on_duty_text(staff, D(2024, 3, 1)) == "带班 王建国；值班 李明、赵丽（全天 08:30起）"


def test_before_the_change_of_shift_an_unrostered_night_names_who_comes_at_0830(staff, freeze_today, monkeypatch):
    freeze_today(D(2024, 3, 2))
    monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(3, 30))
    rotation.generate(staff, D(2024, 3, 2), D(2024, 3, 3), LEADERS, OFFICERS, per_day=2)  # the roster starts today
    assert service.on_duty_text(staff, D(2024, 3, 2)) == "3月1日 全天未排班；08:30 起 带班 王建国；值班 李明、赵丽"


# -- duty log and handover ----------------------------------------------------------------
def test_entry_time_is_placed_in_the_shift():
    (full,) = shiftmod.parse_shifts("全天 08:30 24")
    day = D(2024, 3, 13)
    assert dutylog.entry_time("14:20", day, full) == dt.datetime(2024, 3, 13, 14, 20)
    assert dutylog.entry_time("02:10", day, full) == dt.datetime(2024, 3, 14, 2, 10)
    assert dutylog.entry_time("2024年3月14日 08:00", day, full) == dt.datetime(2024, 3, 14, 8, 0)
    assert dutylog.entry_time("3月13日 9:05", day, full) == dt.datetime(2024, 3, 13, 9, 5)
    with pytest.raises(UserError, match="不在该班次内"):
        dutylog.entry_time("2024-03-14 09:00", day, full)
    with pytest.raises(UserError, match="时间有误"):
        dutylog.entry_time("25:00", day, full)


def test_log_entries_open_items_carry_to_the_next_shift(staff, freeze_today, at_ten):
    freeze_today(D(2024, 3, 13))
    day, shift = dutylog.current_slot(staff)
    assert (day, shift.name) == (D(2024, 3, 13), "全天")
    a = dutylog.add_entry(staff, day, "全天", kind="来电", content="反映某小区夜间施工噪声", at="09:15",
                          from_unit="市住建局", from_name="张科长", from_phone="0746-8220000", recorder="李明")
    b = dutylog.add_entry(staff, day, "全天", kind="上级交办", content="18时前报送办理进展", at="15:00", done=True)
    with pytest.raises(UserError, match="类别只能是"):
        dutylog.add_entry(staff, day, "全天", kind="闲聊", content="x")
    with pytest.raises(UserError, match="内容不能为空"):
        dutylog.add_entry(staff, day, "全天", kind="来电", content="  ")
    safe = dutylog.report_safe(staff, "李明")
    log = dutylog.shift_log(staff, day, "全天")
    assert [e.id for e in log] == [a, safe, b]  # by time
    assert log[1].content == "无事报平安" and log[1].done and log[1].at_time == "2024-03-13 10:00"
    assert log[0].caller == "市住建局 张科长 0746-8220000" and log[0].time_text(day) == "09:15"
    assert log[0].caller_masked == "市住建局 张** 074*****0000"  # a caller may be a petitioner

    handover = dutylog.write_handover(staff, day, "全天", "噪声投诉待住建局回复", by="李明")
    assert [(i["id"], i["from"]) for i in handover.open_items] == [(a, "市住建局 张** 074*****0000")]
    assert "噪声" in handover.text() and "未办结事项 1 项" in handover.text()

    nxt = day + dt.timedelta(days=1)
    assert dutylog.pending_takeover(staff, nxt, "全天").id == handover.id
    carried = dutylog.shift_log(staff, nxt, "全天")
    assert [(e.id, e.carried) for e in carried] == [(a, True)]
    assert carried[0].time_text(nxt) == "3月13日 09:15"
    taken = dutylog.take_over(staff, handover.id, by="赵丽")
    assert taken.taken_by == "赵丽" and taken.taken_at
    assert dutylog.pending_takeover(staff, nxt, "全天") is None
    with pytest.raises(UserError, match="已由 赵丽"):
        dutylog.take_over(staff, handover.id)
    with pytest.raises(UserError, match="不能再修改"):
        dutylog.write_handover(staff, day, "全天", "改")
    dutylog.set_done(staff, a)
    assert dutylog.shift_log(staff, nxt, "全天") == []
    assert [h["action"] for h in staff.history("handovers", handover.id)] == ["新增", "接班"]


def test_handover_rewritten_before_takeover(staff):
    day = D(2024, 3, 13)
    dutylog.write_handover(staff, day, "全天", "第一稿")
    again = dutylog.write_handover(staff, day, "全天", "第二稿")
    assert again.note == "第二稿" and not again.taken
    assert dutylog.handover_draft(staff, day, "全天") == "本班无事。"


def test_demo_fill_makes_a_living_roster(store, freeze_today, at_ten):
    from dutydesk.roster import demo

    today = freeze_today(D(2024, 3, 13))
    summary = demo.fill(store, today)
    assert "值班表 31 天" in summary
    slots = [s for s in service.load_range(store, today - dt.timedelta(10), today + dt.timedelta(20)) if s.id]
    assert len(slots) == 31
    assert any("请假" in c for s in slots for c in s.conflicts)
    log = dutylog.shift_log(store, today, "全天")
    assert any(e.carried and not e.done for e in log)
    assert dutylog.previous_handover(store, today, "全天").taken
    assert demo.fill(store, today).startswith("值班表已有数据")
    assert service.on_duty_text(store, today).startswith("带班 ")
    assert dates.today() == today


def test_entry_time_accepts_what_people_type():
    (full,) = shiftmod.parse_shifts("全天 08:30 24")
    day = D(2024, 3, 13)
    for typed in ("9点40", "9点40分", "9时40分", "0940", "9.40", "９：４０"):
        assert dutylog.entry_time(typed, day, full) == dt.datetime(2024, 3, 13, 9, 40), typed
    assert dutylog.entry_time("10点半", day, full) == dt.datetime(2024, 3, 13, 10, 30)
    assert dutylog.entry_time("10点", day, full) == dt.datetime(2024, 3, 13, 10, 0)
    with pytest.raises(UserError, match="时间有误") as exc:
        dutylog.entry_time("9点半后", day, full)
    assert exc.value.field == "at"
