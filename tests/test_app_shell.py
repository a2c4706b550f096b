"""The app shell through Textual's Pilot."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input

from dutydesk.ui.base import BaseScreen
from dutydesk.ui.modals import ConfirmModal
from dutydesk.ui.widgets.footer import KeyFooter
from dutydesk.ui.widgets.header import AppHeader


async def test_starts_and_switches_screens_by_key(make_test_app, freeze_today):
    freeze_today(dt.date(2024, 3, 13))
    app = make_test_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert app.screen.SCREEN_TITLE == "值班表"
        for key, title in [("2", "信访件"), ("3", "问题交办"), ("4", "工作简报"), ("0", "设置"), ("1", "值班表")]:
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, BaseScreen)
            assert app.screen.SCREEN_TITLE == title
        header = app.screen.query_one(AppHeader)
        assert header.date_text == "2024年3月13日 星期三"
        line = str(header.render())
        assert line.startswith(" dutydesk · 值班表 ") and "2024年3月13日 星期三" in line
        assert line.rstrip().endswith(header.duty_text) and header.duty_text.startswith("今日值班")


async def test_footer_shows_the_screens_keys_and_a_click_presses_one(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        line = str(footer.render())
        assert line.startswith(" g 排班生成 ") and "p 人员管理" in line and "^q 退出" in line
        assert line.rstrip().endswith("▏ ^p 命令") and footer.render().cell_len == 160  # at the right edge
        shown = [d for _, _, d, _ in footer.keys()[0]]
        assert "调班" in shown and "历史" not in shown  # show=False bindings stay in the palette only
        await pilot.press("2")
        await pilot.pause()
        assert "a 新增" in str(app.screen.query_one(KeyFooter).render())  # the new screen's keys
        footer = app.screen.query_one(KeyFooter)
        start = next(s for s, _, key, _ in footer._spans if key == "1")
        await pilot.click(KeyFooter, offset=(start + 1, 0))
        await pilot.pause()
        assert app.screen.SCREEN_TITLE == "值班表"


async def test_command_palette_lists_chinese_commands(make_test_app):
    app = make_test_app()
    async with app.run_test(size=(140, 40)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "切换到：信访件" in titles and "签发并导出今日简报" in titles and "导出简报征求意见稿（不签发）" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"


async def test_settings_screen_edits_a_setting(make_test_app, store):
    from dutydesk import refdata

    app = make_test_app(start="settings")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # first row: org
        await pilot.pause()
        inp = app.screen.query_one("#value", Input)
        inp.value = "某市协调联络组"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert refdata.get_setting(store, "org") == "某市协调联络组"


async def test_quit_with_dirty_form_asks_and_keeps_draft(make_test_app, store):
    from dutydesk.store import drafts

    app = make_test_app(start="settings")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("right", "a")  # 单位 tab, new unit form
        await pilot.pause()
        await pilot.press("tab")
        app.screen.query_one("#name", Input).value = "市卫健委"
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert drafts.load_draft(store, "settings.unit")["name"] == "市卫健委"
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running


async def test_markup_in_data_is_shown_as_text(make_test_app, store):
    from dutydesk import refdata

    refdata.add_unit(store, "[@click=app.quit]坏[/]")
    app = make_test_app(start="settings")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("right")
        await pilot.pause()
        assert app.is_running


async def test_terminal_focus_refreshes_after_another_terminal_wrote(make_test_app, store, db_path):
    from textual import events

    from dutydesk import refdata
    from dutydesk.store.db import Store

    app = make_test_app(start="settings")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.poll_changes()  # baseline
        calls = []
        original = app.screen.refresh_data
        app.screen.refresh_data = lambda: (calls.append(1), original())[1]
        other = Store(db_path, operator="另一终端")
        refdata.add_unit(other, "市卫健委")
        other.close()
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert calls, "focus did not refresh the screen"


async def test_paged_table_turns_pages_with_pgdn_even_when_the_table_has_focus():
    from textual.app import App

    from dutydesk.ui.widgets.paged_table import Column, PagedTable

    rows = [{"id": i, "n": f"第{i}行"} for i in range(250)]
    fetched = []

    def fetch(offset, limit):
        fetched.append(offset)
        return rows[offset:offset + limit], len(rows)

    class Host(App):
        def compose(self):
            yield PagedTable([Column("n", "行")], fetch, page_size=100)

    app = Host()
    async with app.run_test() as pilot:
        table = app.query_one(PagedTable)
        table.table.focus()
        await pilot.press("pagedown")
        await pilot.pause()
        assert table.page == 1 and table.selected_row["n"] == "第100行"
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert table.page == 2 and len(table.rows) == 50
        await pilot.press("pageup")
        await pilot.pause()
        assert table.page == 1 and fetched[-1] == 100


async def test_parsed_css_cache_round_trip(tmp_path, make_test_app):
    import os
    import stat

    from dutydesk.ui.stylesheet import ParseCache

    path = tmp_path / "cache" / "css.pickle"
    assert ParseCache.load(path) == {}
    cache = ParseCache()
    async with make_test_app(css_cache=cache).run_test(size=(120, 30)) as pilot:
        await pilot.pause()
    assert cache.dirty and len(cache) >= 5  # the app's stylesheet and the widgets' CSS
    cache.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and not cache.dirty
    again = ParseCache.load(path)
    assert set(again) == set(cache) and not again.dirty
    async with make_test_app(css_cache=again).run_test(size=(120, 30)) as pilot:  # nothing left to parse
        await pilot.pause()
        assert app_screen_title(pilot) == "值班表"
    assert not again.dirty
    path.write_bytes(b"not a pickle")
    assert ParseCache.load(path) == {}


def app_screen_title(pilot) -> str:
    return pilot.app.screen.SCREEN_TITLE


async def test_settings_open_on_the_list_and_enter_on_the_tab_bar_edits_nothing(make_test_app, store):
    from textual.widgets import DataTable, Tabs

    from dutydesk import refdata
    from dutydesk.ui.modals import FormModal

    org = refdata.get_setting(store, "org")
    app = make_test_app(start="roster")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("0")
        await pilot.pause()
        table = app.screen.query_one("#settings-table", DataTable)
        assert app.screen.focused is table  # not the tab bar
        await pilot.press("down")
        assert table.cursor_row == 1
        second = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        await pilot.press("enter")  # Enter edits the row under the cursor
        await pilot.pause()
        assert isinstance(app.screen, FormModal) and f"（{second}）" in app.screen.form_title
        await pilot.press("escape")
        await pilot.pause()
        app.screen.query_one(Tabs).focus()  # a click on the tab bar
        await pilot.press("enter")  # goes down to the list, edits nothing
        await pilot.pause()
        assert not isinstance(app.screen, FormModal) and app.screen.focused is table
        await pilot.press("right")  # the next tab, its list has the cursor
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#units-table", DataTable)
        await pilot.press("e")  # edits the unit (its name)
        await pilot.pause()
        assert isinstance(app.screen, FormModal) and "单位改名" in app.screen.form_title
    assert refdata.get_setting(store, "org") == org


async def test_the_palette_says_no_match_in_chinese(make_test_app):
    from textual.command import CommandList, CommandPalette

    app = make_test_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(Input).value = "zzqq"
        shown: list[str] = []
        for _ in range(30):  # the palette waits half a second before it says nothing matched
            await pilot.pause(0.05)
            options = app.screen.query_one(CommandList)
            shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            if shown:
                break
        assert any("没有匹配的命令" in s for s in shown) and not any("No matches" in s for s in shown)
        app.screen.query_one(Input).value = "信访"
        await pilot.pause(0.3)
        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("信访件" in s for s in shown) and not any("没有匹配" in s for s in shown)
