"""The 工作简报 screen and the app's F5 key, through Textual's Pilot."""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from textual.widgets import DataTable, Input, Select, Static, TextArea

from dutydesk import refdata
from dutydesk.bulletin import service
from dutydesk.ui.modals import ConfirmModal, FormModal
from dutydesk.ui.widgets.fast_table import FastTable

DAY = dt.date(2024, 3, 13)


def preview(app) -> str:
    return str(app.screen.query_one("#bulletin-preview", Static).render())


def status(app) -> str:
    return str(app.screen.query_one("#bulletin-status", Static).render())


def notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_f5_from_the_roster_screen_writes_the_three_files(make_test_app, store, freeze_today, tmp_path):
    freeze_today(DAY)
    out = tmp_path / "exports"
    refdata.set_setting(store, "exports_dir", str(out))
    service.add_item(store, DAY, kind="news", title="省第四生态环境保护督察组督察永州市工作动员会召开", body="3月13日，动员会召开。")
    app = make_test_app(start="roster")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.screen.SCREEN_TITLE == "值班表"
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("y")  # F5 shows what will be issued and asks
        await app.workers.wait_for_complete()
        await pilot.pause()
        names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))  # (.dutydesk-written)
        assert names == ["工作简报-2024-03-13-第1期.docx", "工作简报-2024-03-13-第1期.md", "工作简报-2024-03-13-第1期.txt"]
        assert "工作简报-2024-03-13-第1期.docx" in notes(app)
    assert service.current(store, DAY)["status"] == "issued"


async def test_compose_edit_reorder_delete_with_live_preview(make_test_app, store, freeze_today):
    freeze_today(DAY)
    app = make_test_app(start="bulletin")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "2024年3月13日" in status(app) and "草稿" in status(app)
        assert "暂未收到省生态环保督察组转办信访件" in preview(app)
        # a: new news item (multi-line editor for the body)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        app.screen.query_one("#title", TextArea).load_text("甲会议召开")
        app.screen.query_one("#body", TextArea).load_text("第一段内容。\n\n第二段内容。")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "甲会议召开" in preview(app) and "　　第二段内容。" in preview(app)
        # c: a county item; the unit comes from a Select
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#unit", Select).value = "蓝山县"
        app.screen.query_one("#body", TextArea).load_text("蓝山县：召开动员会。")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "【县区动态】" in preview(app) and "蓝山县：召开动员会。" in preview(app)
        assert "蓝山县：蓝山县" not in preview(app)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#title", TextArea).load_text("乙会议召开")
        app.screen.query_one("#body", TextArea).load_text("乙的正文。")
        await pilot.press("ctrl+s")
        await pilot.pause()
        table = app.screen.query_one("#bulletin-items", DataTable)
        assert [table.get_row_at(i)[2].plain for i in range(table.row_count)][:3] == ["甲会议召开", "乙会议召开", "蓝山县"]
        # K (or ctrl+up) moves the selected item up among the news items
        table.move_cursor(row=1)
        await pilot.press("K")
        await pilot.pause()
        assert preview(app).index("乙会议召开") < preview(app).index("甲会议召开")
        await pilot.press("ctrl+down")
        await pilot.pause()
        assert preview(app).index("甲会议召开") < preview(app).index("乙会议召开")
        # e: edit the selected item
        table.move_cursor(row=0)
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one("#body", TextArea).text == "第一段内容。\n\n第二段内容。"
        app.screen.query_one("#title", TextArea).load_text("甲会议（修改）")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "甲会议（修改）" in preview(app)
        # d: delete asks first
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert "甲会议" not in preview(app) and "乙会议召开" in preview(app)


async def test_petition_section_edit_and_regenerate_footer_and_number(make_test_app, store, freeze_today):
    freeze_today(DAY)
    service.add_item(store, DAY, kind="news", title="标题", body="正文。")
    app = make_test_app(start="bulletin")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        area = app.screen.query_one("#text", TextArea)
        assert area.text == "3月13日，我市暂未收到省生态环保督察组转办信访件。"
        area.load_text("3月13日，我市暂未收到转办信访件（已核对）。")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "（已核对）" in preview(app)
        await pilot.press("r")
        await pilot.pause()
        assert "（已核对）" not in preview(app) and "暂未收到省生态环保督察组" in preview(app)
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#number", Input).value = "5"
        app.screen.query_one("#send_to", TextArea).load_text("各县市区")
        app.screen.query_one("#copies", Input).value = "20"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "第5期" in status(app)
        assert "送：各县市区" in preview(app) and "（共印20份）" in preview(app)
    row = service.current(store, DAY)
    assert row["number"] == 5 and row["report_to"] is None and row["send_to"] == "各县市区" and row["copies"] == 20


async def test_issued_is_refused_then_reopened_and_dates_move(make_test_app, store, freeze_today):
    freeze_today(DAY)
    service.add_item(store, DAY, kind="news", title="已签发的标题", body="正文。")
    service.issue(store, DAY)
    service.add_item(store, DAY + dt.timedelta(days=1), kind="news", title="次日草稿", body="正文。")
    app = make_test_app(start="bulletin")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "已签发 第1期" in status(app)
        for key in ("a", "e", "d", "t", "f", "r"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, (FormModal, ConfirmModal)), key
        assert "更正重开" in notes(app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert "第1期（更正）" in status(app) and "草稿" in status(app)
        # ] and [ change the date; the app's F5 date follows
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.bulletin_date == DAY + dt.timedelta(days=1) and "次日草稿" in preview(app)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.bulletin_date is None  # today again
        # l: past bulletins; Enter opens that date
        await pilot.press("right_square_bracket")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        table = app.screen.query_one("#bulletin-past-table FastTable", FastTable)
        assert table.row_count == 3
        table.move_cursor(row=2)  # the first issue of 3月13日, kept as a record
        await pilot.press("enter")
        await pilot.pause()
        assert app.bulletin_date is None and "已签发的标题" in preview(app)
    assert [r["state"] for r in service.list_bulletins(store)[0]] == ["草稿", "草稿", "已更正（旧版）"]


async def test_markup_in_items_is_shown_as_text(make_test_app, store, freeze_today):
    freeze_today(DAY)
    service.add_item(store, DAY, kind="news", title="[bold]不是粗体[/bold]", body="[@click=app.quit]点我[/]")
    app = make_test_app(start="bulletin")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert "[@click=app.quit]点我[/]" in preview(app)
        assert app.is_running


async def test_preview_breaks_lines_by_chinese_rules(make_test_app, store, freeze_today):
    """A paragraph whose comma falls on the pane's last cell: the line ends one character early
    (the character goes down with its comma); "12.5%" on the edge moves down whole."""
    freeze_today(DAY)
    app = make_test_app(start="bulletin")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#bulletin-preview", Static)
        width = box.content_size.width
        fill = (width - 4) // 2  # a paragraph starts with two ideographic spaces (4 cells)
        comma = "督" * fill + "，" + "察" * 5 + "。"
        percent = "督" * (fill - 1) + "12.5%，" + "察" * 5 + "。"
        # Folded at the width, the comma (and ".5%") would begin the second line.
        assert 4 + 2 * fill in (width, width - 1)
        service.add_item(store, DAY, kind="news", title="会议召开", body=f"{comma}\n{percent}")
        app.screen.refresh_data()
        await pilot.pause()
        lines = [box.render_line(y).text.rstrip() for y in range(box.size.height)]
        shown = "\n".join(lines)
        assert "12.5%" in shown
        assert not [line for line in lines if line.startswith(("，", "。", "%", ".5"))], shown
        assert max(cell_len(line) for line in lines) <= width
        at = lines.index("\u3000\u3000" + "督" * (fill - 1))  # one 督 went down with the comma
        assert lines[at + 1] == "督，" + "察" * 5 + "。"
        assert "\u3000\u3000" + comma in str(box.render())  # str(): the text as the .txt export has it
