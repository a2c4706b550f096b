"""The screens at 120×35 and 100×30 (issue 13, item 3): the key columns stay whole (the summaries
give up cells first), the search box shows its hint, the footer keeps the screen's keys, and a
tall form keeps its buttons on screen."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.cells import cell_len
from textual.widgets import Button, Input

from dutydesk.demo import fill_demo
from dutydesk.ui.base import BaseScreen
from dutydesk.ui.widgets.fast_table import FastTable
from dutydesk.ui.widgets.footer import KeyFooter

DAY = dt.date(2024, 3, 13)
SIZES = [(120, 35), (100, 30)]


@pytest.fixture
def demo(store, freeze_today):
    freeze_today(DAY)
    fill_demo(store, DAY)
    return store


def fits(table: FastTable) -> bool:
    widths = table.column_widths
    return sum(widths) + 2 * len(widths) <= table.scrollable_content_region.width


def whole(table: FastTable, *keys: str) -> bool:
    """The columns ``keys`` are drawn at their own width (not cut)."""
    drawn = dict(zip([c.key for c in table.columns], table.column_widths))
    return all(drawn[k] >= (c.width or cell_len(c.label)) for c in table.columns for k in keys if c.key == k)


def footer_keys(app) -> set[str]:
    footer = app.screen.query_one(KeyFooter)
    footer.render()
    return {key for _, _, key, _ in footer._spans}


def own_keys(screen: BaseScreen) -> set[str]:
    return {b.key for b in type(screen).BINDINGS if b.show}


@pytest.mark.parametrize("size", SIZES)
async def test_petitions_keep_their_key_columns_and_the_search_hint(demo, make_test_app, size):
    app = make_test_app(start="petitions")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#pf-table FastTable", FastTable)
        assert fits(table) and whole(table, "status")
        drawn = dict(zip([c.key for c in table.columns], table.column_widths))
        assert drawn["case_no"] >= 16 and drawn["due"] >= 8  # 8: this year's 12月31日 whole
        assert own_keys(app.screen) <= footer_keys(app)
        if size == (120, 35):
            search = app.screen.query_one("#pf-search", Input)
            assert search.content_region.width >= cell_len(search.placeholder)


@pytest.mark.parametrize("size", SIZES)
async def test_problems_keep_their_key_columns(demo, make_test_app, size):
    app = make_test_app(start="handoffs")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#hf-table FastTable", FastTable)
        assert whole(table, "problem_no", "deadline_short", "countdown", "status_text")
        if size == (120, 35):
            assert fits(table)
        assert own_keys(app.screen) <= footer_keys(app)


@pytest.mark.parametrize("size", [*SIZES, (150, 42)])
async def test_the_duty_log_keeps_instruction_recorder_and_state(demo, make_test_app, size):
    app = make_test_app(start="roster")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        log = app.screen.query_one("#log-table", FastTable)
        assert fits(log) and whole(log, "time", "kind", "recorder", "state")
        assert fits(app.screen.query_one("#roster-table", FastTable))
        assert own_keys(app.screen) <= footer_keys(app)
        title = app.screen.query_one("#log-title")
        text = str(title.render())  # the keys are all there and the title's lines hold its whole text (one or two
        # lines, by the length of the day's name)
        assert "k 接班" in text and cell_len(text) <= title.size.width * title.size.height


@pytest.mark.parametrize("size", SIZES)
async def test_a_tall_form_keeps_its_buttons_on_screen(demo, make_test_app, size):
    app = make_test_app(start="petitions")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("r")  # 录入结果
        await pilot.pause()
        save = app.screen.query_one("#form-save", Button)
        assert save.region.bottom <= size[1] and save.region.height == 3
