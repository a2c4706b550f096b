"""FastTable, the list widget on Textual's Line API: what the lists rely on, and that it looks
like DataTable (bench/check_fast_table.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from textual.app import App

from dutydesk.ui.widgets.fast_table import FastTable, fit

BENCH = Path(__file__).resolve().parent.parent / "bench"


class One(App):
    CSS = "FastTable { height: 8; width: 60; }"

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, int, str]] = []

    def compose(self):
        yield FastTable(id="list")

    def on_fast_table_row_highlighted(self, event: FastTable.RowHighlighted) -> None:
        self.seen.append(("highlighted", event.cursor_row, event.row_key))

    def on_fast_table_row_chosen(self, event: FastTable.RowChosen) -> None:
        self.seen.append(("chosen", event.cursor_row, event.row_key))


def rows(n: int, style: str = "") -> list:
    return [(f"k{i}", [f"第{i}行", "甲" * (i % 7), None], style) for i in range(n)]


def screen_text(table: FastTable) -> list[str]:
    return ["".join(seg.text for seg in strip) for strip in table.render_lines(table.size.region)]


async def test_rows_cursor_messages_and_scrolling():
    app = One()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(FastTable)
        table.add_column("名称", key="name")
        table.add_column("内容", key="body", width=4)
        table.add_column("空", key="empty")
        table.set_rows(rows(30))
        await pilot.pause()
        assert app.seen == [("highlighted", 0, "k0")] and table.row_count == 30
        assert table.get_row_at(3) == ["第3行", "甲甲甲", ""] and table.get_row_index("k3") == 3
        # automatic widths in display cells (a CJK character is two); the fixed one as given
        assert table.column_widths == [max(len("名称") * 2, len("第29行") + 2), 4, 2]
        lines = screen_text(table)
        assert lines[0].startswith(" 名称 ") and "第0行" in lines[1] and " 甲 … " in lines[4]  # 甲甲甲 cut to 4 cells (half a 甲: a space)
        app.seen.clear()
        await pilot.press("down", "down")
        assert table.cursor_row == 2 and app.seen == [("highlighted", 1, "k1"), ("highlighted", 2, "k2")]
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 29 and table.scroll_offset.y == 30 - 7  # 8 lines: header + 7 rows, last one shown
        assert "第29行" in screen_text(table)[-1]
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert table.cursor_row == 7
        app.seen.clear()
        await pilot.press("enter")
        await pilot.pause()
        assert app.seen == [("chosen", 7, "k7")]
        # replacing the rows keeps the cursor (clamped) or puts it where asked, and says so once
        app.seen.clear()
        table.set_rows(rows(5))
        await pilot.pause()
        assert table.cursor_row == 4 and app.seen == [("highlighted", 4, "k4")]
        table.set_rows(rows(5), cursor=2)
        table.move_cursor(row=2, animate=False)  # already there: no message
        await pilot.pause()
        assert table.cursor_row == 2 and app.seen[-1] == ("highlighted", 2, "k2") and len(app.seen) == 2
        app.seen.clear()
        table.clear()
        await pilot.press("enter", "down")
        assert table.row_count == 0 and table.cursor_row == 0 and app.seen == []


async def test_one_row_replaced_is_drawn_again_and_an_automatic_column_grows():
    app = One()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(FastTable)
        table.add_column("标记", key="mark", width=6)
        table.add_column("名称", key="name")
        table.set_rows([(f"k{i}", ["", f"第{i}行"], "") for i in range(3)], cursor=1)
        await pilot.pause()
        assert "✓" not in "".join(screen_text(table))
        table.update_row(2, ["✓超期", "第2行"], "bold red")
        await pilot.pause()
        lines = screen_text(table)
        assert lines[3].startswith(" ✓超期") and "✓" not in lines[1] + lines[2]
        assert [seg.style.bold for seg in table.render_lines(table.size.region)[3] if "第2行" in seg.text] == [True]
        assert table.get_row_at(2) == ["✓超期", "第2行"] and table.cursor_row == 1
        table.update_row(0, ["", "第0行，名字更长了"])  # the automatic column widens for it
        await pilot.pause()
        assert table.column_widths[1] == 17 and "第0行，名字更长了" in screen_text(table)[1]


async def test_a_click_moves_the_cursor_and_a_second_one_chooses():
    app = One()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(FastTable)
        table.add_column("名称", key="name")
        table.set_rows(rows(30))
        table.move_cursor(row=10)  # scrolled: row 10 at the bottom line
        await pilot.pause()
        top = table.scroll_offset.y
        assert top == 10 - 6
        app.seen.clear()
        await pilot.click(FastTable, offset=(2, 3))  # line 3: the third row shown
        await pilot.pause()
        assert table.cursor_row == top + 2 and app.seen == [("highlighted", top + 2, f"k{top + 2}")]
        await pilot.click(FastTable, offset=(2, 3))
        await pilot.pause()
        assert app.seen[-1] == ("chosen", top + 2, f"k{top + 2}")
        await pilot.click(FastTable, offset=(2, 0))  # the header: nothing
        await pilot.pause()
        assert table.cursor_row == top + 2 and len(app.seen) == 2


async def test_cells_are_one_line_of_text_never_markup():
    app = One()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(FastTable)
        table.add_column("内容", key="body")
        table.set_rows([("a", ["[bold]不是粗体[/bold]\n第二行\x1b[31m"], "bold red")])
        await pilot.pause()
        assert table.get_row_at(0) == ["[bold]不是粗体[/bold] 第二行"]  # one line, no ESC sequence
        shown = screen_text(table)[1]
        assert "[bold]不是粗体[/bold]" in shown and "\x1b" not in shown
        strip = table.render_lines(table.size.region)[1]
        styles = [seg.style for seg in strip if "不是粗体" in seg.text]
        assert styles and styles[0].bold  # the row's own style


async def test_the_cursor_row_follows_focus_and_theme_colours():
    """Lines are kept between paints, but not across a change of colours (focus, theme)."""
    app = One()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(FastTable)
        table.add_column("名称", key="name")
        table.set_rows(rows(3), cursor=1)
        table.focus()
        await pilot.pause()

        def cursor_bg():
            strip = table.render_lines(table.size.region)[2]
            return next(iter(strip)).style.bgcolor

        focused = cursor_bg()
        app.set_focus(None)
        await pilot.pause()
        blurred = cursor_bg()
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert len({focused, blurred, cursor_bg()}) == 3
        assert table.get_component_rich_style("fast-table--cursor").bgcolor == cursor_bg()


def test_fit_cuts_by_display_cells():
    assert fit("甲乙丙", 6) == ("甲乙丙", 0)
    assert fit("甲乙丙", 8) == ("甲乙丙", 2)
    assert fit("甲乙丙", 5) == ("甲乙…", 0)
    assert fit("甲乙丙", 4) == ("甲 …", 0)  # a wide character cut in half: a space, as Rich does
    assert fit("abc", 0) == ("", 0)


async def test_fast_table_looks_like_datatable():
    """The same characters and styles as DataTable for the same rows (bench/check_fast_table.py),
    so a Textual release that changes DataTable's look shows here."""
    spec = importlib.util.spec_from_file_location("check_fast_table", BENCH / "check_fast_table.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    said: list = []
    columns, made_up = check.made_up_rows()
    assert await check.compare(columns, made_up, say=lambda *a: said.append(a)) == 0, said[:3]
