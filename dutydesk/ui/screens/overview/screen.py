"""态势 screen (key 5): the inspection at a glance, as of a date.

Top: the date ([ ] previous/next day, g another date; today by default), then the headline
figures of the petitions and the problems. Middle: petitions per day since the first batch
(来电 / 来信 / 其他, Textual's Sparkline) and per 污染类型 (Rich bars). Bottom: the per-unit
table, sortable by any column (s next column, r reverse, or a click on a header), with the
same units as bars (转办 and 办结率) beside it; Enter on a unit opens 信访件 filtered to it.

Every figure comes from ``handoffs.overview`` (the numbers of the bulletin's sentences, of
its appendix and of ``dutydesk stats``); unit and type names are drawn as plain text.
"""

from __future__ import annotations

import datetime as dt

from rich.bar import Bar
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual import events
from textual.widgets import Sparkline, Static

from .... import dates
from ....exporters.stats_table import TEXT, cell_text
from ....handoffs.overview import HEADERS, KINDS, Overview, UnitRow, overview
from ...base import BaseScreen
from ...keys import keymap
from ...widgets.fast_table import PAD, FastTable

COLUMN_KEYS = ["unit", "transferred", "closed", "partial", "open", "overdue", "rate", "problems", "problems_closed"]
METHODS = (("phone", "来电"), ("letter", "来信"), ("other", "其他"))
LABEL_CELLS = 12  # the widest unit label drawn in full (回龙圩管理区)
TYPE_ROWS = 7  # 污染类型 lines that fit under the daily chart


def _sort_value(row: UnitRow, column: int, position: int):
    """What column ``column`` sorts by: the reference order for 单位, else the number."""
    if column == 0:
        return position
    value = row.cells()[column]
    return -1.0 if value is None else value


class OverviewScreen(BaseScreen):
    SCREEN_TITLE = "态势"
    BINDINGS = keymap("overview", [
        ("g", "goto_date", "转到日期"), ("t", "today", "今天"), ("s", "sort_next", "排序", "sort"),
        ("r", "sort_reverse", "倒序", "reverse"),
    ], hidden=[
        ("left_square_bracket", "shift_day(-1)", "前一天", "prev_day"),
        ("right_square_bracket", "shift_day(1)", "后一天", "next_day"), ("enter", "drill", "查看该单位信访件"),
    ])

    def __init__(self) -> None:
        super().__init__()
        self.as_of: dt.date | None = None  # None: today (follows the date after midnight)
        self.data: Overview | None = None
        self.sort_column = 0  # 单位: the reference order
        self.sort_reverse = False

    # -- layout -------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static("", id="ov-status", markup=False)
        yield Static("", id="ov-headline")
        with Horizontal(id="ov-charts"):
            with Vertical(id="ov-daily"):
                yield Static("", id="ov-daily-title", classes="ov-title")
                for key, label in METHODS:
                    with Horizontal(classes="ov-spark-row"):
                        yield Static("", id=f"ov-{key}-label", classes="ov-spark-label", markup=False)
                        yield Sparkline([], id=f"ov-{key}", classes="ov-spark")
                yield Static("", id="ov-daily-axis")
            with Vertical(id="ov-types-box"):
                yield Static("按污染类型（件）", classes="ov-title", markup=False)
                yield Static("", id="ov-types")
        with Horizontal(id="ov-lower"):
            yield FastTable(id="ov-table")
            with Vertical(id="ov-units-box"):
                yield Static("", id="ov-units-title", classes="ov-title", markup=False)
                yield Static("", id="ov-units")

    def on_mount(self) -> None:
        table = self.query_one("#ov-table", FastTable)
        for key, header, kind in zip(COLUMN_KEYS, HEADERS, KINDS):
            table.add_column(header, key=key, right=kind != TEXT)
        self.refresh_data()
        table.focus()

    # -- data ---------------------------------------------------------------------------
    @property
    def day(self) -> dt.date:
        return self.as_of or dates.today()

    def set_day(self, day: dt.date) -> None:
        self.as_of = None if day == dates.today() else day
        self.refresh_data()

    def refresh_data(self) -> None:
        if not self.query("#ov-table"):
            return  # not mounted yet
        self.data = overview(self.store, self.day)
        d = self.data
        theme = self.app.theme
        # each part is drawn again only when what it shows changed (each update lays the screen out again)
        self._changed("status", self.day, dates.today(), then=self._show_status)
        self._changed("headline", theme, [(f.label, f.text) for _, figs in d.sections() for f in figs],
                      then=self._show_headline)
        self._changed("daily", [(c.day, c.phone, c.letter, c.other) for c in d.petitions.daily], then=self._show_daily)
        self._changed("types", theme, d.petitions.by_type, then=self._show_types)
        self._changed("table", theme, [r.cells() for r in d.rows], d.total.cells(), self.sort_column,
                      self.sort_reverse, then=self._fill_table)

    _shown: dict | None = None

    def _changed(self, part: str, *what, then) -> None:
        shown = self._shown = self._shown or {}
        if shown.get(part) != what:
            shown[part] = what
            then()

    def _colors(self) -> dict[str, str]:
        v = self.app.theme_variables
        return {k: v.get(k, "") for k in ("primary", "secondary", "accent", "success", "warning", "error",
                                           "foreground", "text-muted", "panel")}

    def _show_status(self) -> None:
        day = self.day
        today = "（今天）" if day == dates.today() else ""
        order = "▼" if self.sort_reverse else "▲"
        self.query_one("#ov-status", Static).update(
            f"统计截至 {dates.cn_date_long(day)}{today}   [ ] 前后一天  g 转到日期  t 今天  "
            f"s/r 排序（{HEADERS[self.sort_column]}{order}）  Enter 该单位信访件")

    def _show_sort(self) -> None:
        self._show_status()

    def _show_headline(self) -> None:
        c = self._colors()
        text = Text()
        for n, (name, figures) in enumerate(self.data.sections()):
            if n:
                text.append("\n")
            text.append(name, style=f"bold {c['accent']}")
            for f in figures:
                style = "bold"
                if f.label in ("超期", "滞后", "反弹") and f.value:
                    style = f"bold {c['error']}"
                elif f.label in ("办结率", "销号率"):
                    style = f"bold {c['success']}"
                text.append(f" {f.label}")
                text.append(f.text, style=style)
        self.query_one("#ov-headline", Static).update(text)

    def _show_daily(self) -> None:
        daily = self.data.petitions.daily
        total = sum(d.total for d in daily)
        span = (f"{dates.cn_date(daily[0].day, year=False)}—{dates.cn_date(daily[-1].day, year=False)}，共{total}件"
                if daily else "尚无转办")
        self.query_one("#ov-daily-title", Static).update(Text(f"每日转办（{span}）", style="bold"))
        for key, label in METHODS:
            values = [getattr(d, key) for d in daily]
            self.query_one(f"#ov-{key}-label", Static).update(f"{label} {sum(values):>5}")
            self.query_one(f"#ov-{key}", Sparkline).data = values
        axis = Table.grid(expand=True)
        axis.add_column(justify="left")
        axis.add_column(justify="right")
        if daily:
            axis.add_row(dates.cn_date(daily[0].day, year=False), dates.cn_date(daily[-1].day, year=False))
        self.query_one("#ov-daily-axis", Static).update(axis)

    def _show_types(self) -> None:
        c = self._colors()
        types = list(self.data.petitions.by_type)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, min_width=8)
        grid.add_column(ratio=1)
        grid.add_column(justify="right", no_wrap=True)
        if len(types) > TYPE_ROWS:  # the largest ones, in the vocabulary's order, and the rest in one line
            shown = {t for t, _ in sorted(types, key=lambda tn: -tn[1])[:TYPE_ROWS - 1]}
            rest = [(t, n) for t, n in types if t not in shown]
            types = [(t, n) for t, n in types if t in shown]
            types.append((f"其余{len(rest)}类", sum(n for _, n in rest)))
        top = max((n for _, n in types), default=0) or 1
        for name, n in types:
            grid.add_row(Text(name, overflow="ellipsis"), Bar(top, 0, n, color=c["secondary"]), Text(str(n)))
        if not types:
            grid.add_row(Text("（尚无信访件）", style=c["text-muted"]), Text(""), Text(""))
        self.query_one("#ov-types", Static).update(grid)

    def rows(self) -> list[UnitRow]:
        """The units in the table's order (合计 last, whatever the order)."""
        rows = list(enumerate(self.data.rows))
        rows.sort(key=lambda pr: _sort_value(pr[1], self.sort_column, pr[0]), reverse=self.sort_reverse)
        return [r for _, r in rows]

    def _fill_table(self) -> None:
        table = self.query_one("#ov-table", FastTable)
        rows = [*self.rows(), self.data.total]
        table.set_rows([(row.unit or "-", [cell_text(v, k) for v, k in zip(row.cells(), KINDS)],
                         "bold" if row is self.data.total else "") for row in rows])
        self._show_sort()
        self._show_unit_bars()

    def _show_unit_bars(self) -> None:
        c = self._colors()
        rows = self.rows()
        top = max((r.petitions.transferred for r in rows), default=0) or 1
        self.query_one("#ov-units-title", Static).update(Text("按单位：转办（件）· 办结率", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, width=LABEL_CELLS)
        grid.add_column(ratio=1)
        grid.add_column(justify="right", no_wrap=True, width=4)
        grid.add_column(ratio=1)
        grid.add_column(justify="right", no_wrap=True, width=6)
        for r in rows:
            p = r.petitions
            rate = cell_text(p.rate if p.transferred else None, "pct")
            grid.add_row(Text(r.label, overflow="ellipsis"), Bar(top, 0, p.transferred, color=c["primary"]),
                         Text(str(p.transferred)), Bar(100, 0, p.rate, color=c["success"]), Text(rate))
        self.query_one("#ov-units", Static).update(grid)

    # -- keys ---------------------------------------------------------------------------
    def action_shift_day(self, delta: int) -> None:
        self.set_day(self.day + dt.timedelta(days=delta))

    def action_today(self) -> None:
        self.set_day(dates.today())

    def action_goto_date(self) -> None:
        from .forms import AsOfForm

        def done(value: str | None) -> None:
            if value:
                self.set_day(dates.from_iso(value))

        self.app.push_screen(AsOfForm(self.store, initial={"date": self.day.isoformat()}), done)

    def sort_by(self, column: int, *, reverse: bool | None = None) -> None:
        """Sort the units by column ``column`` (numbers largest first, 单位 in the reference order)."""
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else column != 0
        self.sort_column, self.sort_reverse = column, reverse
        self._fill_table()

    def action_sort_next(self) -> None:
        self.sort_by((self.sort_column + 1) % len(COLUMN_KEYS), reverse=self.sort_column + 1 < len(COLUMN_KEYS))

    def action_sort_reverse(self) -> None:
        self.sort_by(self.sort_column, reverse=not self.sort_reverse)

    def on_click(self, event: events.Click) -> None:
        """A click on a header of the unit table sorts by that column."""
        table = self.query_one("#ov-table", FastTable)
        offset = event.get_content_offset(table) if event.widget is table else None
        if offset is None or offset.y != 0:
            return
        x = offset.x + round(table.scroll_x)
        for column, width in enumerate(table.column_widths):
            x -= width + 2 * PAD
            if x < 0:
                event.stop()
                self.sort_by(column)
                return

    @on(FastTable.RowChosen, "#ov-table")
    async def _row_chosen(self, event: FastTable.RowChosen) -> None:
        event.stop()
        await self.action_drill()

    def selected_row(self) -> UnitRow | None:
        table = self.query_one("#ov-table", FastTable)
        if not table.row_count or self.data is None:
            return None
        rows = self.rows()
        return rows[table.cursor_row] if table.cursor_row < len(rows) else None  # 合计: no unit

    async def action_drill(self) -> None:
        """信访件 filtered to the unit under the cursor."""
        row = self.selected_row()
        if row is None:
            self.notify("请选择一个单位（合计行没有单独的清单）", severity="warning", markup=False)
            return
        await self.app.switch_mode("petitions")
        screen = self.app.screen
        if not getattr(screen, "show_unit", None) or not screen.show_unit(row.unit):
            self.notify(f"信访件清单不能按“{row.label}”筛选（该单位已停用或未填）", severity="warning", markup=False)
