"""态势 screen (key 5) through Textual's Pilot: readable at 120×35 with CJK labels aligned by
display width, sortable, Enter drills down to 信访件, the date moves, refreshes on others' writes;
and the 工作简报 screen's appendix key."""

from __future__ import annotations

import datetime as dt

from rich.cells import cell_len
from textual.widgets import Input, Select

from dutydesk.handoffs.overview import overview
from dutydesk.ui.screens.overview.screen import OverviewScreen
from dutydesk.ui.widgets.fast_table import PAD, FastTable

TODAY = dt.date(2026, 11, 29)
SIZE = (120, 35)


def screen_lines(app) -> list[str]:
    return ["".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()]


def cell_slice(line: str, start: int, end: int) -> str:
    """The characters of ``line`` drawn in terminal cells ``start`` to ``end`` (a CJK character
    takes two cells)."""
    out, x = [], 0
    for ch in line:
        if start <= x < end:
            out.append(ch)
        x += cell_len(ch)
    return "".join(out)


def pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - cell_len(text))
    return gap + text if right else text + gap


async def open_overview(make_test_app, store, freeze_today):
    from dutydesk.demo import fill_demo

    freeze_today(TODAY)
    fill_demo(store, TODAY)
    app = make_test_app()
    return app


async def test_key_5_shows_the_overview_readable_at_120x35_with_cjk_columns_aligned(make_test_app, store, freeze_today):
    app = await open_overview(make_test_app, store, freeze_today)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OverviewScreen) and screen.SCREEN_TITLE == "态势"
        lines = screen_lines(app)
        assert len(lines) == 35 and all(cell_len(line) == 120 for line in lines)  # nothing runs past the edge
        text = "\n".join(lines)
        data = overview(store, TODAY)
        t = data.petitions.total
        assert f"累计转办{t.transferred}件" in text and f"超期{t.overdue}件" in text and "销号率" in text
        assert "每日转办" in text and "按污染类型" in text and "按单位：转办" in text
        assert lines[-1].lstrip().startswith("g 转到日期")  # the footer: the screen's keys

        table = screen.query_one("#ov-table", FastTable)
        assert table.row_count == len(data.rows) + 1  # every unit and 合计, all visible: no scrolling needed
        assert table.region.height >= table.row_count + 1
        x = table.region.x
        spans = []
        for content in table.column_widths:
            spans.append((x, x + content + 2 * PAD, content))
            x += content + 2 * PAD
        assert x <= table.region.right
        pad_cells = PAD
        header = lines[table.region.y]
        for n, ((start, end, content), label) in enumerate(zip(spans, ["单位", "转办", "已办结", "阶段性办结", "未办结",
                                                                      "超期", "办结率", "问题数", "已销号"])):
            assert cell_slice(header, start, end) == " " * pad_cells + pad(label, content, right=n > 0) + " " * pad_cells
        from dutydesk.exporters.stats_table import cell_text
        from dutydesk.handoffs.overview import KINDS

        for i, row in enumerate([*screen.rows(), screen.data.total]):
            line = lines[table.region.y + 1 + i]
            values = [cell_text(v, k) for v, k in zip(row.cells(), KINDS)]  # the figures, as text
            for n, ((start, end, content), value) in enumerate(zip(spans, values)):
                drawn = cell_slice(line, start, end)
                expected = " " * pad_cells + pad(value, content, right=n > 0) + " " * pad_cells
                assert drawn == expected, (i, n, drawn, expected)
        assert table.get_row_at(table.row_count - 1)[0] == "合计"

        # the unit bars beside the table: every unit's figures end in the same cell column
        box = screen.query_one("#ov-units-box")
        ends = set()
        for i, row in enumerate(screen.rows()):
            line = lines[box.region.y + 1 + i]
            part = cell_slice(line, box.region.x, box.region.right)
            assert row.label in part
            ends.add(cell_len(part.rstrip()))
        assert len(ends) == 1


async def test_the_table_sorts_by_any_column_and_keeps_the_total_last(make_test_app, store, freeze_today):
    app = await open_overview(make_test_app, store, freeze_today)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#ov-table", FastTable)

        def column(n: int) -> list[str]:
            return [table.get_row_at(i)[n] for i in range(table.row_count)]

        await pilot.press("s")  # next column: 转办, largest first
        await pilot.pause()
        counts = [int(v) for v in column(1)[:-1]]
        assert counts == sorted(counts, reverse=True) and column(0)[-1] == "合计"
        assert "排序（转办▼）" in screen_lines(app)[1]
        await pilot.press("r")
        await pilot.pause()
        assert [int(v) for v in column(1)[:-1]] == sorted(counts)
        for n in range(2, 9):
            screen.sort_by(n, reverse=True)
            await pilot.pause()
            values = column(n)[:-1]
            keys = [-1.0 if v == "—" else float(v.rstrip("%")) for v in values]
            assert keys == sorted(keys, reverse=True), n
            assert column(0)[-1] == "合计"
        await pilot.click("#ov-table", offset=(2, 0))  # a click on the 单位 header: back to the reference order
        await pilot.pause()
        assert column(0)[:3] == ["零陵区", "冷水滩区", "祁阳市"]


async def test_enter_on_a_unit_opens_its_petitions(make_test_app, store, freeze_today):
    app = await open_overview(make_test_app, store, freeze_today)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#ov-table", FastTable)
        row = next(i for i in range(table.row_count) if table.get_row_at(i)[0] == "宁远县")
        table.move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.current_mode == "petitions"
        pet = app.screen
        assert pet.query_one("#pf-unit", Select).value == "宁远县"
        assert pet.query_one("#pf-search", Input).value == ""
        rows = pet.table.rows
        expected = overview(store, TODAY).rows
        assert len(rows) == next(r.petitions.transferred for r in expected if r.unit == "宁远县") > 0
        assert {r["unit"] for r in rows} == {"宁远县"}
        await pilot.press("5")  # back: the same cursor
        await pilot.pause()
        table.move_cursor(row=table.row_count - 1)  # 合计: no single list
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "overview"


async def test_the_date_moves_by_day_and_by_form(make_test_app, store, freeze_today):
    app = await open_overview(make_test_app, store, freeze_today)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.day == TODAY - dt.timedelta(days=1)
        assert screen.data.petitions.total == overview(store, screen.day).petitions.total
        assert "统计截至 2026年11月28日" in screen_lines(app)[1]
        await pilot.press("g")
        await pilot.pause()
        app.screen.query_one("#date", Input).value = "11月25日"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.day == dt.date(2026, 11, 25)
        assert screen.data.petitions.total.transferred == overview(store, screen.day).petitions.total.transferred
        await pilot.press("right_square_bracket", "t")
        await pilot.pause()
        assert screen.day == TODAY and screen.as_of is None


async def test_it_refreshes_when_another_terminal_writes(make_test_app, store, freeze_today):
    from dutydesk.petitions import workflow

    app = await open_overview(make_test_app, store, freeze_today)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        before = screen.data.petitions.total.closed
        pid = store.scalar("SELECT petition_id FROM petition_facts f WHERE NOT EXISTS (SELECT 1 FROM petition_results r WHERE r.petition_id = f.petition_id) LIMIT 1")
        other = store.clone()  # another terminal: its own connection
        try:
            app.poll_changes()  # note the data version before the write
            workflow.record_result(other, pid, workflow.ResultInput(kind="已办结", date=TODAY))
        finally:
            other.close()
        app.poll_changes()
        await pilot.pause()
        assert screen.data.petitions.total.closed == before + 1
        assert f"已办结{before + 1}件" in "\n".join(screen_lines(app))


async def test_the_bulletin_composer_key_adds_the_appendix(make_test_app, store, freeze_today):
    from dutydesk.bulletin import service

    app = await open_overview(make_test_app, store, freeze_today)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert "附件：各县市区信访件办理情况统计表" not in service.render_text(store, TODAY)
        await pilot.press("b")
        await pilot.pause()
        assert service.current(store, TODAY)["appendix"] == 1
        preview = str(app.screen.query_one("#bulletin-preview").render())
        assert "附件：各县市区信访件办理情况统计表" in preview and "合计" in preview
        await pilot.press("b")
        await pilot.pause()
        assert service.current(store, TODAY)["appendix"] == 0
