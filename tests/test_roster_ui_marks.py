"""Issue 13 item 10 on the 值班表 screen (Pilot, 120x35): the 连续值班 warning, the swap in 备注, check
boxes that look different unchecked, and names like 赵丽 whole in a dropdown over other widgets."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Select

import dutydesk.ui
from dutydesk.roster import rotation, service
from dutydesk.roster import shifts as shiftmod
from dutydesk.roster.people import add_person, list_people
from dutydesk.ui.screens.roster.forms import DayForm, GenerateForm, LeaveForm, SwapForm
from dutydesk.ui.widgets.checkbox import Checkbox
from dutydesk.ui.widgets.fast_table import FastTable
from dutydesk.ui.widgets.selection_list import SelectionList

D = dt.date
SIZE = (120, 35)
UI = Path(dutydesk.ui.__file__).parent


@pytest.fixture
def staffed(store, freeze_today, monkeypatch):
    freeze_today(D(2024, 3, 1))
    monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(10, 0))
    for i, name in enumerate(["王建国", "刘志强"], 1):
        add_person(store, name, role="leader", phone=f"1390746100{i}")
    for i, name in enumerate(["李明", "赵丽", "周小红", "蒋文斌"], 1):
        add_person(store, name, phone=f"1380746200{i}")
    return store


def screen_lines(app) -> list[str]:
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#roster-table", FastTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def notices(app) -> str:
    return "\n".join(f"{n.title}：{n.message}" for n in app._notifications)


def status(app) -> str:
    return str(app.screen.query_one("#roster-status").render())


async def submit(pilot, **values) -> None:
    form = pilot.app.screen
    for key, value in values.items():
        form.query_one(f"#{key}").value = value
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()


# -- 1. 连续值班 ----------------------------------------------------------------------------
async def test_the_screen_warns_about_three_duty_days_running(staffed, make_test_app):
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GenerateForm)
        await submit(pilot, start="2024-03-01", end="2024-03-07", officers="赵丽、周小红",
                     continue_rotation=False)
        assert "连续值班" not in notices(app) and "连续值班" not in status(app)
        # 赵丽 takes 周小红's 3月2日 in the day form: 3月1日—3月3日 running
        table = app.screen.query_one("#roster-table", FastTable)
        table.move_cursor(row=1)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, DayForm)
        ids = {p.name: p.id for p in list_people(staffed)}
        app.screen.query_one("#members", SelectionList).deselect_all()
        app.screen.query_one("#members", SelectionList).select(ids["赵丽"])
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "注意：连续值班超过 2 天（1 处）：赵丽 3月1日—3月3日连续值班 3 天" in notices(app)
        assert "连续值班超过 2 天（1 处）：赵丽 3月1日—3月3日连续值班 3 天" in status(app)
        assert app.screen.query_one("#roster-status").has_class("roster-streaks")
        conflicts = [r[-1] for r in rows(app)]
        assert conflicts[:4] == ["", "", "赵丽连续第3天", ""]  # the day beyond two is marked
        assert service.get_slot(staffed, D(2024, 3, 2)).member_names == "赵丽"  # saved: a warning, not a refusal


async def test_a_swap_warns_about_the_streak_it_makes(staffed, make_test_app):
    rotation.generate(staffed, D(2024, 3, 1), D(2024, 3, 7), ["王建国", "刘志强"], ["李明", "赵丽"])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#roster-table", FastTable).move_cursor(row=1)  # 3月2日: 赵丽
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SwapForm)
        await submit(pilot, name1="赵丽", day2="2024-03-05", name2="李明")
        # 李明 李明 李明 赵丽 赵丽 赵丽 李明 from 3月1日
        assert "连续值班超过 2 天（2 处）：李明 3月1日—3月3日连续值班 3 天；赵丽 3月4日—3月6日连续值班 3 天" in notices(app)
        assert [r[-1] for r in rows(app)] == ["", "", "李明连续第3天", "", "", "赵丽连续第3天", ""]


# -- 2. the swap in 备注 --------------------------------------------------------------------
async def test_the_swap_shows_in_the_note_column_and_swapping_back_clears_it(staffed, make_test_app):
    rotation.generate(staffed, D(2024, 3, 1), D(2024, 3, 7), ["王建国", "刘志强"], ["李明", "赵丽", "周小红"])
    service.save_slot(staffed, D(2024, 3, 1), "全天", None, [p.id for p in list_people(staffed) if p.name == "李明"],
                      note="领导外出开会\n请提前到岗")
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await submit(pilot, name1="李明", day2="2024-03-02", name2="赵丽")
        shown = rows(app)
        assert shown[0][5] == "赵丽" and shown[1][5] == "李明"
        assert shown[0][7] == "领导外出开会 请提前到岗 换班：李明↔赵丽"  # every line of the note, in one
        assert shown[1][7] == "换班：李明↔赵丽"
        await pilot.press("s")
        await pilot.pause()
        await submit(pilot, name1="赵丽", day2="2024-03-02", name2="李明")
        assert [r[7] for r in rows(app)[:2]] == ["领导外出开会 请提前到岗", ""]


# -- 3. check boxes ---------------------------------------------------------------------------
def line_with(app, label: str) -> str:
    found = [line for line in screen_lines(app) if label in line]
    assert len(found) == 1, found
    return found[0]


async def test_an_unchecked_box_is_drawn_empty(staffed, make_test_app):
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        box = app.screen.query_one("#force", Checkbox)
        assert box.value is False
        unchecked = line_with(app, "覆盖手工修改过的日期")
        box.value = True
        await pilot.pause()
        checked = line_with(app, "覆盖手工修改过的日期")
        assert "▐ ▌ 覆盖手工修改过的日期" in unchecked and "▐X▌ 覆盖手工修改过的日期" in checked
        assert "▐X▌ 接着上次轮换停下的位置排" in line_with(app, "接着上次轮换停下的位置排")  # checked at first


async def test_an_unticked_line_of_a_selection_list_is_drawn_empty(staffed, make_test_app):
    rotation.generate(staffed, D(2024, 3, 1), D(2024, 3, 1), ["王建国"], ["赵丽"])
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, DayForm)
        shown = "\n".join(screen_lines(app))
        assert "▐X▌ 赵丽" in shown and "▐ ▌ 李明" in shown and "▐X▌ 李明" not in shown
        app.screen.query_one("#members", SelectionList).select(
            next(p.id for p in list_people(staffed) if p.name == "李明"))
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        assert "▐X▌ 李明" in shown and "▐ ▌ 李明" not in shown


def test_no_ui_module_makes_textuals_own_check_boxes():
    """Every check box and selection list of the app is ours (ui/widgets/checkbox.py, selection_list.py)."""
    ours = {UI / "widgets" / "checkbox.py", UI / "widgets" / "selection_list.py"}
    offenders = []
    for path in UI.rglob("*.py"):
        if path in ours:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
                offenders += [f"{path.relative_to(UI)}: {a.name}" for a in node.names
                              if a.name in {"Checkbox", "SelectionList", "ToggleButton"}]
    assert offenders == []


# -- 4. wide characters over other widgets ----------------------------------------------------
async def test_the_leave_dropdown_shows_every_name_whole(staffed, make_test_app):
    app = make_test_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, LeaveForm)
        app.screen.query_one("#name", Select).focus()
        await pilot.press("enter")  # the list opens over the date fields below it
        await pilot.pause()
        lines = screen_lines(app)
        for name, role in [("王建国", "带班领导"), ("李明", "值班人员"), ("赵丽", "值班人员"), ("周小红", "值班人员"),
                           ("蒋文斌", "值班人员")]:
            assert any(f"  {name}（{role}）  " in line for line in lines), (name, lines)
        # a redraw of the list alone (moving through it) writes each line's pieces up to their ends
        compositor, overlay = app.screen._compositor, app.screen.query_one("SelectOverlay")
        overlay.refresh()
        compositor.update_widgets({overlay})
        update = compositor.render_partial_update()
        pieces = [(x, end, strip) for y, _, _ in update.spans
                  for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items()) if strip is not None]
        assert pieces and all(x + strip.cell_length <= end for x, end, strip in pieces)
        assert any("赵丽（值班人员）" in strip.text for _, _, strip in pieces)
        await pilot.press("down", "down", "down")
        assert any("  赵丽（值班人员）  " in line for line in screen_lines(app))
