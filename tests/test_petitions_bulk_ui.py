"""The 信访件 list's selection through Pilot: space marks rows across pages and filters, and 交办 /
状态 / 公开 act on all of them after a confirmation (Esc changes nothing)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Select, Static

from dutydesk.petitions import bulk
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition
from dutydesk.petitions.rows import get_petition
from dutydesk.petitions.workflow import hand_over
from dutydesk.ui.modals import ConfirmModal
from dutydesk.ui.screens.petitions.forms import BulkHandOverForm, BulkStatusForm, HandOverForm
from dutydesk.ui.screens.petitions.screen import PAGE_SIZE, PetitionsScreen
from dutydesk.ui.widgets.fast_table import FastTable

D = dt.date
TODAY = D(2024, 3, 22)


def seed(store, n: int = 35) -> list[int]:
    """``n`` petitions of batch 1 (3-20, none overdue on 3-22), 待交办, in 道县: newest first in the list."""
    b = add_batch(store, 1, D(2024, 3, 20))
    return [add_petition(store, b, PetitionInput(f"D2HH2024032000{i:02d}", f"第{i}件：某厂夜间排放废气", "道县", ["大气"]))
            for i in range(1, n + 1)]


def rows(app) -> list[tuple[str, str]]:
    """(标记, 受理编号) of the page shown."""
    table = app.screen.query_one(FastTable)
    return [(table.get_row_at(i)[0], table.get_row_at(i)[1]) for i in range(table.row_count)]


def pager(app) -> str:
    return str(app.screen.query_one(".pager", Static).render())


def notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def status_of(store, pid: int) -> tuple[str, str]:
    row = get_petition(store, pid)
    return row["status"], row["lead_unit"]


async def test_space_marks_rows_across_pages_and_t_hands_them_all_over(make_test_app, store, freeze_today):
    freeze_today(TODAY)
    ids = seed(store)
    by_case = {get_petition(store, i)["case_no"]: i for i in ids}
    app = make_test_app(start="petitions")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PetitionsScreen) and isinstance(app.focused, FastTable)
        assert "已选" not in pager(app) and "空格 选择多件" in pager(app)
        first = rows(app)
        assert len(first) == PAGE_SIZE and not any("✓" in mark for mark, _ in first)
        await pilot.press("space", "space")  # rows 0 and 1, the cursor moving on
        await pilot.pause()
        assert [mark for mark, _ in rows(app)[:3]] == ["✓", "✓", ""]
        assert app.screen.query_one(FastTable).cursor_row == 2 and "已选 2 件" in pager(app)
        await pilot.press("up", "space")  # row 1 out again
        await pilot.pause()
        assert [mark for mark, _ in rows(app)[:3]] == ["✓", "", ""] and "已选 1 件" in pager(app)
        await pilot.press("space")  # row 2 in
        await pilot.press("pagedown")  # page 2: a row there too
        await pilot.pause()
        assert "第 2/2 页" in pager(app) and not any("✓" in m for m, _ in rows(app))
        await pilot.press("space")
        await pilot.pause()
        page2 = rows(app)[0][1]
        assert rows(app)[0][0] == "✓" and "已选 3 件" in pager(app)
        await pilot.press("pageup")  # the selection survives the page turn
        await pilot.pause()
        assert [m for m, _ in rows(app)[:3]] == ["✓", "", "✓"] and "已选 3 件" in pager(app)
        chosen = [by_case[first[0][1]], by_case[first[2][1]], by_case[page2]]
        # and a search: the row found still shows its mark, the pager still counts all three
        app.screen.query_one("#pf-search", Input).value = page2
        await pilot.pause(0.3)
        assert rows(app) == [("✓", page2)] and "已选 3 件" in pager(app)
        app.screen.query_one("#pf-search", Input).value = ""
        await pilot.pause(0.3)
        app.screen.query_one(FastTable).focus()

        # t with a selection: one form for all, then a confirmation; Esc on it changes nothing
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, BulkHandOverForm)
        assert app.screen.query_one("#lead_unit", Select).value == "道县"  # the selection's common unit
        app.screen.query_one("#lead_unit", Select).value = "冷水滩区"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        question = app.screen.question
        assert "将所选的3件待交办信访件交办给冷水滩区" in question and "办理时限2024年3月29日" in question
        assert first[0][1] in question and page2 in question and "全部不改动" in question
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PetitionsScreen)
        await app.workers.wait_for_complete()
        assert [status_of(store, pid) for pid in chosen] == [("待交办", "")] * 3
        assert "已选 3 件" in pager(app)

        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#lead_unit", Select).value = "冷水滩区"
        app.screen.query_one("#coop_units", Input).value = "市生态环境局"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [status_of(store, pid) for pid in chosen] == [("已交办", "冷水滩区")] * 3
        assert all(get_petition(store, pid)["coop_units"] == "市生态环境局" for pid in chosen)
        assert sum(status_of(store, pid)[0] == "已交办" for pid in ids) == 3  # no other row touched
        assert "已交办 3 件" in notes(app)
        assert "已选" not in pager(app) and not any("✓" in m for m, _ in rows(app))  # done: the selection is empty

        # without a selection t is the one-row form, as before
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, HandOverForm)
        await pilot.press("escape")


async def test_skipped_and_changed_elsewhere_are_reported_and_the_changed_stay_selected(
        make_test_app, store, freeze_today):
    freeze_today(TODAY)
    ids = seed(store, 4)
    hand_over(store, ids[0], "道县", day=D(2024, 3, 21))  # already handed over: skipped
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("A")  # all four of the filter
        await pilot.pause()
        assert "已选 4 件" in pager(app) and all(m.startswith("✓") for m, _ in rows(app))
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, BulkHandOverForm)
        app.screen.query_one("#lead_unit", Select).value = "零陵区"
        await pilot.press("ctrl+s")
        await pilot.pause()
        question = app.screen.question
        assert "3件待交办" in question and "跳过1件（已交办1件）" in question and "保留原责任单位" in question
        other = store.clone()  # meanwhile another terminal hands one of the three over
        try:
            hand_over(other, ids[1], "宁远县", day=D(2024, 3, 22))
        finally:
            other.close()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [status_of(store, pid) for pid in ids] == [
            ("已交办", "道县"), ("已交办", "宁远县"), ("已交办", "零陵区"), ("已交办", "零陵区")]
        said = notes(app)
        assert "已交办 2 件" in said and "跳过 1 件（已交办1件）" in said
        case2 = get_petition(store, ids[1])["case_no"]
        assert "1 件在此期间已被其他终端修改或删除，未改动" in said and case2 in said
        assert "已选 1 件" in pager(app) and dict((c, m) for m, c in rows(app))[case2] == "✓"
        await pilot.press("C")
        await pilot.pause()
        assert "已选" not in pager(app) and not any("✓" in m for m, _ in rows(app))


async def test_status_and_publish_on_the_selection_and_the_cap_of_select_all(
        make_test_app, store, freeze_today, monkeypatch):
    freeze_today(TODAY)
    ids = seed(store, 4)
    for pid in ids[:3]:
        hand_over(store, pid, "道县", day=D(2024, 3, 21))
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(bulk, "MAX_PETITIONS", 3)
        await pilot.press("A")
        await pilot.pause()
        assert "当前筛选共 4 件，一次最多选择 3 件" in notes(app) and "已选" not in pager(app)
        monkeypatch.setattr(bulk, "MAX_PETITIONS", 5000)
        await pilot.press("A")
        await pilot.press("A")  # again: none of them
        await pilot.pause()
        assert "已选" not in pager(app)
        await pilot.press("space", "space", "space")  # rows 0-2: ids 4, 3, 2 (newest first)
        await pilot.pause()
        assert "已选 3 件" in pager(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, BulkStatusForm)
        app.screen.query_one("#status", Select).value = "已办结"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "状态改为“已办结”" in app.screen.question
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [get_petition(store, pid)["status"] for pid in ids] == ["已交办", "已办结", "已办结", "已办结"]
        assert "已改为已办结 3 件" in notes(app)
        # publish two of them and the unclosed one: the unclosed one is skipped
        table = app.screen.query_one(FastTable)
        table.move_cursor(row=0)
        await pilot.press("space", "space", "down", "space")  # ids 4, 3 and 1
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        question = app.screen.question
        assert "将所选的2件已办结（含阶段性办结）信访件的办理结果标记为今天（2024年3月22日）已公开" in question
        assert "跳过1件（尚未办结1件）" in question
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [get_petition(store, pid)["status"] for pid in ids] == ["已交办", "已办结", "已公开", "已公开"]
