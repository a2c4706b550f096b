"""The 值班表 screen through Textual's Pilot: people, generate, edit, swap, leave, log, handover."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Select, SelectionList, Static, TextArea

from dutydesk.roster import dutylog, rotation, service
from dutydesk.roster import shifts as shiftmod
from dutydesk.roster.people import add_person, list_people
from dutydesk.ui.modals import ConfirmModal, ConflictModal, MessageModal
from dutydesk.ui.screens.roster.screen import RosterScreen
from dutydesk.ui.screens.roster.forms import (DayForm, GenerateForm, HandoverForm, LeaveForm, LogForm, SwapForm,
                                              TakeoverModal)
from dutydesk.ui.screens.roster.people import PeopleModal, PersonForm
from dutydesk.ui.widgets.fast_table import FastTable
from dutydesk.ui.widgets.header import AppHeader

D = dt.date
SIZE = (160, 45)


@pytest.fixture
def clock(monkeypatch):
    """Fix the time of day (``freeze_today`` fixes the date)."""

    def at(hour: int, minute: int = 0) -> None:
        monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(hour, minute))

    at(10)
    return at


@pytest.fixture
def staffed(store):
    for i, name in enumerate(["王建国", "刘志强"], 1):
        add_person(store, name, role="leader", phone=f"1390746100{i}")
    for i, name in enumerate(["李明", "赵丽", "周小红", "蒋文斌"], 1):
        add_person(store, name, phone=f"1380746200{i}")
    return store


def cells(app, table_id: str = "#roster-table") -> list[list[str]]:
    table = app.screen.query_one(table_id)  # a FastTable, or the people dialog's DataTable
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def text_of(widget: Static) -> str:
    return str(widget.render())


async def submit(pilot, **values) -> None:
    """Fill the open form's fields by id and press Ctrl+S."""
    form = pilot.app.screen
    for key, value in values.items():
        widget = form.query_one(f"#{key}")
        if isinstance(widget, TextArea):
            widget.load_text(value)
        elif isinstance(widget, SelectionList):
            widget.deselect_all()
            for v in value:
                widget.select(v)
        else:
            widget.value = value
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_header_shows_who_is_on_duty_today(staffed, make_test_app, freeze_today, clock):
    freeze_today(D(2024, 3, 13))
    rotation.generate(staffed, D(2024, 3, 12), D(2024, 3, 13), ["王建国", "刘志强"], ["李明", "赵丽", "周小红"])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        duty = app.screen.query_one(AppHeader).duty_text
        assert duty == "今日值班：带班 刘志强；值班 赵丽（全天 08:30起）"
        first = cells(app)[0]
        assert first[:6] == ["▶3月13日", "星期三", "", "全天", "刘志强", "赵丽"]
        assert "当前班次" in text_of(app.screen.query_one("#log-title", Static))
    clock(7, 0)  # before the change of shift, yesterday's officers are still on duty
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        duty = app.screen.query_one(AppHeader).duty_text
        assert duty == "今日值班：带班 王建国；值班 李明（3月12日 全天，至 08:30）"


async def test_people_generate_a_month_swap_and_history(store, make_test_app, freeze_today, clock):
    freeze_today(D(2024, 3, 13))
    add_person(store, "王建国", role="leader", phone="13907461001")
    add_person(store, "刘志强", role="leader", phone="0746-8221234")
    add_person(store, "李明", phone="13807462001")
    add_person(store, "赵丽", phone="13807462002")
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PeopleModal)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PersonForm)
        await submit(pilot, name="周小红", role="officer", phone="138 0746 2003", title="市生态环境局")
        await pilot.press("a")
        await pilot.pause()
        await submit(pilot, name="孙强", phone="8221234")
        assert isinstance(app.screen, PersonForm)  # the form stays open with the message
        assert "固定电话请加区号" in text_of(app.screen.query_one("#form-error", Static))
        await pilot.press("escape")
        await pilot.pause()
        if isinstance(app.screen, ConfirmModal):
            await pilot.press("y")
            await pilot.pause()
        assert isinstance(app.screen, PeopleModal)
        people = cells(app, "#people-table")
        assert ["周小红", "值班人员", "市生态环境局", "13807462003", "是", ""] in people
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("m")
        await pilot.pause()
        assert len(cells(app)) == 31 and all(r[-1] == "未排班" for r in cells(app))
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GenerateForm)
        assert app.screen.query_one("#leaders", Input).value == "王建国、刘志强"
        await submit(pilot, per_day="2", continue_rotation=False)
        assert isinstance(app.screen, RosterScreen)
        rows = cells(app)
        assert len(rows) == 31 and all(r[4] and r[5] for r in rows)
        assert rows[0][4:7] == ["王建国", "李明、赵丽", "13807462001、13807462002"]
        assert rows[1][4:6] == ["刘志强", "周小红、李明"]
        assert "本期无冲突" in text_of(app.screen.query_one("#roster-status", Static))

        # 调班: 赵丽 (3月1日) and 周小红 (3月2日) exchange their days.
        app.screen.query_one("#roster-table", FastTable).move_cursor(row=0)
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SwapForm)
        await submit(pilot, name1="赵丽", day2="3月2日", name2="周小红")
        rows = cells(app)
        assert rows[0][5] == "李明、周小红" and rows[1][5] == "赵丽、李明"

        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, MessageModal)
        body = str(app.screen.query(Static)[1].render())
        assert "调班" in body and "值班人员：李明、赵丽 → 李明、周小红" in body
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert cells(app)[0][0].strip() == "4月1日"
        await pilot.press("d")
        await pilot.pause()
        assert cells(app)[0][0] == "▶3月13日" and len(cells(app)) == 7


async def test_edit_day_with_a_conflict_asks_first(staffed, make_test_app, freeze_today, clock):
    freeze_today(D(2024, 3, 13))
    rotation.generate(staffed, D(2024, 3, 13), D(2024, 3, 19), ["王建国", "刘志强"], ["李明", "赵丽", "周小红"])
    ids = {p.name: p.id for p in list_people(staffed)}
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, DayForm)
        assert app.screen.values()["members"] == [ids["李明"]]
        await submit(pilot, leader=Select.NULL, members=[ids["赵丽"], ids["周小红"]], note="领导外出开会")
        assert isinstance(app.screen, ConfirmModal)
        assert "缺带班领导" in str(app.screen.query_one(Static).render())
        await pilot.press("y")
        await pilot.pause()
        row = cells(app)[0]
        assert row[4:9] == ["", "赵丽、周小红", "13807462002、13807462003", "领导外出开会", "缺带班领导"]
        assert "冲突 1 处：3月13日缺带班领导" in text_of(app.screen.query_one("#roster-status", Static))
        assert service.get_slot(staffed, D(2024, 3, 13)).manual

        # Someone else saves the same day while the form is open: compare and choose.
        await pilot.press("e")
        await pilot.pause()
        service.save_slot(staffed, D(2024, 3, 13), "全天", ids["刘志强"], [ids["李明"]])
        await submit(pilot, leader=ids["王建国"])
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("m")
        await pilot.pause()
        assert cells(app)[0][4:6] == ["王建国", "赵丽、周小红"]


async def test_leave_marks_the_conflict(staffed, make_test_app, freeze_today, clock):
    freeze_today(D(2024, 3, 13))
    rotation.generate(staffed, D(2024, 3, 13), D(2024, 3, 19), ["王建国", "刘志强"], ["李明", "赵丽", "周小红"])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, LeaveForm)
        await submit(pilot, name="赵丽", end="2024-03-15", note="病假")
        row = cells(app)[1]  # 3月14日: 赵丽
        assert row[5] == "赵丽" and row[-1] == "赵丽请假"
        assert service.list_leaves(staffed)[0]["note"] == "病假"


async def test_duty_log_handover_and_the_next_shift_takes_over(staffed, make_test_app, freeze_today, clock):
    freeze_today(D(2024, 3, 13))
    rotation.generate(staffed, D(2024, 3, 12), D(2024, 3, 15), ["王建国", "刘志强"], ["李明", "赵丽", "周小红"])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LogForm)
        assert app.screen.query_one("#at", Input).value == "10:00"
        assert app.screen.query_one("#recorder", Input).value == "赵丽"
        await submit(pilot, at="09:40", kind="来电", from_unit="零陵区", from_name="区督察办",
                     from_phone="0746-6221001", content="养殖场整改需延期一天", instruction="请核实后报带班领导")
        await pilot.press("n")
        await pilot.pause()
        await submit(pilot, kind="上级交办", content="18时前报送办理进展", done=True)
        await pilot.press("b")
        await pilot.pause()
        log = cells(app, "#log-table")
        assert [r[:2] for r in log] == [["09:40", "来电"], ["10:00", "上级交办"], ["10:00", "其他"]]
        assert log[0][2:] == ["零陵区 区督察办 0746-6221001", "养殖场整改需延期一天", "请核实后报带班领导", "赵丽", "未办结"]
        assert log[2][3] == "无事报平安" and log[2][-1] == "已办结"
        # The entry itself (Enter in the log) shows the caller in full.
        await pilot.press("tab")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LogForm)
        assert app.screen.query_one("#from_phone", Input).value == "0746-6221001"
        assert app.screen.query_one("#at", Input).value == "2024-03-13 09:40"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("shift+tab")
        await pilot.pause()

        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, HandoverForm)
        assert "未办结事项 1 项" in str(app.screen.query(Static)[1].render())
        assert app.screen.query_one("#note", TextArea).text.startswith("本班共记录 3 条")
        await submit(pilot, note="养殖场延期事项待核实，请下一班跟进")
        handover = dutylog.get_handover(staffed, D(2024, 3, 13), "全天")
        assert handover.by_operator == "赵丽" and len(handover.open_items) == 1
        assert "已交班（赵丽），待接班" in text_of(app.screen.query_one("#log-title", Static))

        # The next morning: the new shift opens on the handover and confirms it.
        freeze_today(D(2024, 3, 14))
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, TakeoverModal)
        body = text_of(app.screen.query_one("#takeover-text", Static))
        assert "养殖场延期事项待核实" in body and "养殖场整改需延期一天" in body
        assert app.screen.query_one("#taken_by", Input).value == "周小红"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        handover = dutylog.get_handover(staffed, D(2024, 3, 13), "全天")
        assert handover.taken_by == "周小红" and handover.taken_at
        log = cells(app, "#log-table")
        assert log == [["3月13日 09:40", "来电", "零陵区 区督察办 0746-6221001", "养殖场整改需延期一天",
                        "请核实后报带班领导", "赵丽", "未办结·上班次转入"]]
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)  # already taken: only a notice

        await pilot.press("tab")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert cells(app, "#log-table") == []
        assert dutylog.get_entry(staffed, handover.open_items[0]["id"]).done


async def test_takeover_can_wait(staffed, make_test_app, freeze_today, clock):
    freeze_today(D(2024, 3, 14))
    dutylog.write_handover(staffed, D(2024, 3, 13), "全天", "无特别事项", by="李明")
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TakeoverModal)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("d")  # not shown again by itself in this session
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, TakeoverModal)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert dutylog.get_handover(staffed, D(2024, 3, 13), "全天").taken


async def test_change_of_shift_moves_the_mark_and_offers_the_handover(staffed, make_test_app, freeze_today, clock):
    freeze_today(D(2024, 3, 13))
    rotation.generate(staffed, D(2024, 3, 13), D(2024, 3, 19), ["王建国", "刘志强"], ["李明", "赵丽", "周小红"])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dutylog.write_handover(staffed, D(2024, 3, 13), "全天", "交班", by="李明")
        clock(8, 29)
        freeze_today(D(2024, 3, 14))
        app.screen._watch_change_of_shift()
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)  # still 3月13日's shift until 08:30
        clock(8, 30)
        app.screen._watch_change_of_shift()
        await pilot.pause()
        assert isinstance(app.screen, TakeoverModal)
        await pilot.press("escape")
        await pilot.pause()
        assert cells(app)[0][0] == "▶3月14日"
        duty = app.screen.query_one(AppHeader).duty_text
        assert duty == "今日值班：带班 刘志强；值班 赵丽（全天 08:30起）"


async def test_export_from_the_screen(staffed, make_test_app, freeze_today, clock):
    freeze_today(D(2024, 3, 13))
    rotation.generate(staffed, D(2024, 3, 13), D(2024, 3, 19), ["王建国"], ["李明", "赵丽"])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    folder = staffed.path.parent / "exports"
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))  # (.dutydesk-written)
    assert names == ["值班表-2024-03-13-2024-03-19.docx", "值班表-2024-03-13-2024-03-19.xlsx"]


async def test_every_binding_has_a_chinese_description_and_an_id(make_test_app):
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for cls in (RosterScreen, PeopleModal, TakeoverModal):
            for b in cls.BINDINGS:
                assert b.id and any("\u4e00" <= ch <= "\u9fff" for ch in b.description), b
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "值班表：无事报平安" in titles and "值班表：导出值班表" in titles


async def test_a_wrong_time_keeps_the_log_form_open_with_what_was_typed(staffed, make_test_app, freeze_today, clock):
    freeze_today(D(2024, 3, 13))
    rotation.generate(staffed, D(2024, 3, 12), D(2024, 3, 15), ["王建国", "刘志强"], ["李明", "赵丽", "周小红"])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await submit(pilot, at="9点半后", content="养殖场整改需延期一天", instruction="请核实")
        assert isinstance(app.screen, LogForm)  # still open, nothing lost
        assert "时间有误" in text_of(app.screen.query_one("#form-error", Static))
        assert app.screen.query_one("#content", TextArea).text == "养殖场整改需延期一天"
        assert app.screen.focused is app.screen.query_one("#at", Input)  # the field is marked
        assert app.screen.query_one("#at", Input).has_class("field-error")
        await submit(pilot, at="2024-03-14 09:00")  # outside the shift (it ends at 08:30)
        assert isinstance(app.screen, LogForm)
        assert "不在该班次内" in text_of(app.screen.query_one("#form-error", Static))
        for typed, shown in (("9点40", "09:40"), ("9:41", "09:41"), ("0942", "09:42"), ("9时43分", "09:43")):
            await submit(pilot, at=typed, content=f"记录 {typed}")
            assert isinstance(app.screen, RosterScreen), typed
            assert cells(app, "#log-table")[-1][0] == shown
            await pilot.press("n")
            await pilot.pause()


async def test_before_0830_the_header_says_whose_shift_it_is_and_the_handover_completes(
        staffed, make_test_app, freeze_today, clock):
    freeze_today(D(2024, 3, 14))
    clock(3, 30)
    rotation.generate(staffed, D(2024, 3, 13), D(2024, 3, 15), ["王建国", "刘志强"], ["李明", "赵丽", "周小红"])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one(AppHeader).duty_text == "今日值班：带班 王建国；值班 李明（3月13日 全天，至 08:30）"
        await pilot.press("j")  # 交班 of the night's shift (3月13日)
        await pilot.pause()
        await submit(pilot, note="夜间无事")
        assert "待接班" in text_of(app.screen.query_one("#log-title", Static))
        await pilot.press("b")  # the shift is handed over: no more 无事报平安 in it
        await pilot.pause()
        assert [e.content for e in dutylog.shift_log(staffed, D(2024, 3, 13), "全天")] == []
        assert "已由 李明 交班" in "\n".join(str(n.message) for n in app._notifications)
        await pilot.press("down", "down")  # whichever row is selected
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, TakeoverModal)
        assert app.screen.query_one("#taken_by", Input).value == "赵丽"  # 3月14日's officer
        await pilot.press("ctrl+s")
        await pilot.pause()
        handover = dutylog.get_handover(staffed, D(2024, 3, 13), "全天")
        assert handover.taken_by == "赵丽"
        await pilot.press("up", "up")
        await pilot.pause()
        assert "已交班（李明），赵丽 已接班" in text_of(app.screen.query_one("#log-title", Static))


async def test_the_desk_signs_the_shift_officer_until_someone_is_picked_and_remembers_the_pick(
        staffed, freeze_today, clock, monkeypatch, tmp_path):
    from textual.widgets import OptionList

    from dutydesk.bootstrap import open_store
    from dutydesk.ui.app import make_app
    from dutydesk.ui.desk import DeskModal
    from dutydesk.ui.prefs import prefs_path

    monkeypatch.delenv("DUTYDESK_OPERATOR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    freeze_today(D(2024, 3, 13))
    rotation.generate(staffed, D(2024, 3, 12), D(2024, 3, 15), ["王建国", "刘志强"], ["李明", "赵丽", "周小红"])
    store = open_store(staffed.path, daily_backup=False)  # no --operator: the OS user until the desk says
    assert not store.operator_fixed
    app = make_app(store=store, strict=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(AppHeader)
        assert header.title_text.endswith("值守 赵丽") and store.operator == "赵丽"  # the shift's officer
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DeskModal)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[:2] == ["赵丽（本班）", "刘志强（本班）"] and "李明" in labels[2:]
        options.highlighted = labels.index("李明")
        await pilot.press("enter")
        await pilot.pause()
        assert header.title_text.endswith("值守 李明") and store.operator == "李明"
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#recorder", Input).value == "李明"
        await pilot.press("escape")
        await pilot.pause()
    assert prefs_path().exists()
    store.close()
    store = open_store(staffed.path, daily_backup=False)
    app = make_app(store=store, strict=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert app.screen.query_one(AppHeader).title_text.endswith("值守 李明")  # remembered at this terminal
    store.close()
    monkeypatch.setenv("DUTYDESK_OPERATOR", "王建国")  # as --operator and a browser login: fixed
    store = open_store(staffed.path, daily_backup=False)
    app = make_app(store=store, strict=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert app.screen.query_one(AppHeader).title_text.endswith("值守 王建国")
        await pilot.press("f2")
        await pilot.pause()
        assert not isinstance(app.screen, DeskModal)
    store.close()
