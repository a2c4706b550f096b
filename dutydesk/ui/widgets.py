"""Shared widgets: the app header and a table paged from SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from ..text import clean_line


class SafeDispatch:
    """Mixin for the app, screens and widgets: an exception in one of their handlers is
    reported by the app (crash log + message, or a notification for ``UserError``) and the
    node keeps processing messages. Textual's default stops the node's message loop, which
    freezes the screen (or, for key bindings handled by the app, the whole app).
    In ``strict`` mode (tests) and outside a dutydesk app the default behaviour is kept.
    """

    async def _dispatch_message(self, message) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            app = self.app  # type: ignore[attr-defined]
            if getattr(app, "strict", True) or not hasattr(app, "report_crash"):
                raise
            app._handle_exception(error)


CELL_MAX = 200


def plain(value: Any, style: str = "") -> Text:
    """User text as a Rich ``Text`` for a table cell: never parsed as markup, one line, at most
    ``CELL_MAX`` characters (a DataTable column grows to its widest cell and keeps that width:
    one 100 KB cell would make every later redraw of the table take about a second)."""
    if value is None:
        value = ""
    text = clean_line(value)
    if len(text) > CELL_MAX:
        text = text[: CELL_MAX - 1] + "…"
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


class _PaintStyles:
    """A component's styles during one paint: ``rich_style`` computed once, the rest as is."""

    __slots__ = ("_styles", "_rich_style")

    def __init__(self, styles) -> None:
        self._styles = styles
        self._rich_style = None

    @property
    def rich_style(self) -> Style:
        if self._rich_style is None:
            self._rich_style = self._styles.rich_style
        return self._rich_style

    def __getattr__(self, name: str):
        return getattr(self._styles, name)


class FastTable(DataTable):
    """A DataTable that paints its body cells, one-line Rich ``Text`` as :func:`plain` makes
    them, without Rich's generic pipeline (``Styled(Padding(text))`` → ``Console.render_lines``).
    That pipeline costs about half a millisecond a cell, so every new page of a list (a search,
    PgDn) took 100–300 ms to paint at 160×45 (bench/ANALYSIS.md). The characters and styles
    drawn are the same (bench/check_fast_table.py compares them); anything else (headers,
    labels, other renderables, taller rows) goes the generic way.
    """

    def _update_dimensions(self, new_rows) -> None:
        """Column content widths of new one-line ``Text`` rows by ``cell_len`` (what Rich's
        measure returns for them), without building console options for every cell."""
        rest = []
        measure = [column.auto_width for column in self.ordered_columns]  # a set width needs no measuring
        for row_key in new_rows:
            row_index, row = self._row_locations.get(row_key), self.rows.get(row_key)
            if row_index is None or row is None:
                continue
            cells = self._get_row_renderables(row_index).cells
            if row.label is not None or row.auto_height or not all(
                    isinstance(c, Text) and "\n" not in c.plain and "\t" not in c.plain for c in cells):
                rest.append(row_key)
                continue
            for column, cell, auto in zip(self.ordered_columns, cells, measure):
                if auto:
                    width = cell_len(cell.plain)
                    if width > column.content_width:
                        column.content_width = width
        super()._update_dimensions(rest)

    # DataTable rebuilds ``ordered_columns`` (a list through two key maps) on every call: ~3,000
    # calls for one page of 50 rows (adding, measuring, drawing). The columns of a list do not
    # change after it is set up; the cache is dropped when they do.
    _ordered: list | None = None

    @property
    def ordered_columns(self):
        ordered = self._ordered
        if ordered is None or len(ordered) != len(self.columns):
            ordered = self._ordered = DataTable.ordered_columns.fget(self)
        return ordered

    def add_column(self, *args, **kwargs):
        self._ordered = None
        return super().add_column(*args, **kwargs)

    def remove_column(self, *args, **kwargs):
        self._ordered = None
        return super().remove_column(*args, **kwargs)

    def clear(self, columns: bool = False):
        if columns:
            self._ordered = None
        return super().clear(columns)

    def settle(self) -> None:
        """Measure the rows just added now instead of when the app is next idle (DataTable's
        way): the page is then drawn once, at its final size, in the same frame as the change
        that filled it (a search keystroke), not once before and once after."""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    # Per-paint settings and small caches: reading a reactive (cell_padding, show_cursor, …) or
    # building a meta Style costs as much as drawing the cell, and the same texts, meta styles
    # and style sums come back page after page (each keystroke of a search repaints the list).
    _pass: tuple | None = None
    FIT_CACHE_MAX = 4096

    _memo: dict | None = None

    def render_lines(self, crop):
        self._pass = self._settings()
        self._memo = {}
        try:
            return super().render_lines(crop)
        finally:
            self._pass = self._memo = None

    # DataTable asks these for every line it draws; each walks the ancestors' styles (~0.1 ms).
    # They cannot change while one paint of this widget runs, so ask once per paint.
    def _per_paint(self, key, compute):
        memo = self._memo
        if memo is None:
            return compute()
        value = memo.get(key)
        if value is None:
            value = memo[key] = compute()
        return value

    @property
    def rich_style(self) -> Style:
        return self._per_paint("rich_style", lambda: super(FastTable, self).rich_style)

    @property
    def background_colors(self):
        return self._per_paint("background_colors", lambda: super(FastTable, self).background_colors)

    def get_component_styles(self, *names: str):
        if self._memo is None:
            return super().get_component_styles(*names)
        return self._per_paint(names, lambda: _PaintStyles(super(FastTable, self).get_component_styles(*names)))

    def _settings(self) -> tuple:
        return (max(0, self.fixed_columns), max(0, self.fixed_rows), self.cell_padding, self.header_height,
                self.show_cursor, self._show_hover_cursor, self.cursor_foreground_priority == "css",
                self.cursor_background_priority == "css", self.cursor_type == "row")

    def _render_line_in_row(self, row_key, line_no, base_style, cursor_location, hover_location):
        """DataTable's, for the one-line rows of a table with a row cursor and no fixed columns or
        row labels (every FastTable here), with what it recomputes per cell hoisted out of the
        loop: the cursor and hover tests, the column widths."""
        settings = self._pass
        if (settings is None or line_no != 0 or not settings[-1] or settings[0]
                or (self._labelled_row_exists and self.show_row_labels)):
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        show_cursor, show_hover = settings[4], settings[5]
        cache_key = (row_key, line_no, base_style, cursor_location, hover_location, "row", show_cursor, show_hover,
                     self._update_count, self._pseudo_class_state)
        cached = self._row_render_cache.get(cache_key)
        if cached is not None:
            return cached
        row_index = self._row_locations.get(row_key) if row_key in self._row_locations else -1
        row_style = self._get_row_style(row_index, base_style)
        cursor = row_index == cursor_location.row
        hover = row_index == hover_location.row
        render_cell = self._render_cell
        scrollable_row = []
        table_width = self._row_label_column_width
        for column_index, column in enumerate(self.ordered_columns):
            width = column.get_render_width(self)
            table_width += width
            scrollable_row.append(render_cell(row_index, column_index, row_style, width, cursor, hover)[line_no])
        remaining_space = max(0, self.size.width - table_width)
        extend_style, _ = self._get_styles_to_render_cell(
            row_index == -1, False, False, hover, cursor, show_cursor, show_hover, False, False)
        extend_style = row_style + extend_style + self._meta_style(row_index, "out")
        scrollable_row.append([Segment(" " * remaining_space, extend_style)])
        pair = ([], scrollable_row)
        self._row_render_cache[cache_key] = pair
        return pair

    def _meta_style(self, row_index: int, column_index) -> Style:
        cache = self.__dict__.setdefault("_meta_styles", {})
        style = cache.get((row_index, column_index))
        if style is None:
            if len(cache) > self.FIT_CACHE_MAX:
                cache.clear()
            meta = ({"row": row_index, "column": 0, "out_of_bounds": True} if column_index == "out"  # past the last column
                    else {"row": row_index, "column": column_index})
            style = cache[(row_index, column_index)] = Style.from_meta(meta)
        return style

    def _fit(self, text: str, inner: int, ellipsis: bool) -> tuple[str, int]:
        """``text`` cut to ``inner`` cells (with "…" if ``ellipsis``) and the fill after it."""
        cache = self.__dict__.setdefault("_fit_cache", {})
        key = (text, inner, ellipsis)
        fit = cache.get(key)
        if fit is None:
            if len(cache) > self.FIT_CACHE_MAX:
                cache.clear()
            width = cell_len(text)
            if width > inner:
                fit = (set_cell_size(text, inner - 1) + "…" if ellipsis and inner else set_cell_size(text, inner), 0)
            else:
                fit = (text, inner - width)
            cache[key] = fit
        return fit

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False):
        settings = self._pass or self._settings()
        fixed_columns, fixed_rows, pad, header_height, show_cursor, show_hover, fg_css, bg_css, row_cursor = settings
        header = row_index == -1
        if column_index < fixed_columns or (not header and row_index < fixed_rows):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._header_row_key if header else self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        cache_key = (row_key, column_key, base_style, cursor, hover, show_hover, self._update_count,
                     self._pseudo_class_state)
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        cell = self._get_row_renderables(row_index).cells[column_index]
        inner = width - 2 * pad
        if not isinstance(cell, Text) or cell.spans or inner <= 0:
            generic = True
        else:
            plain_text = cell.plain
            if header:  # a column label: only when it fits (a longer one would be cut by Rich's rules)
                generic = (header_height != 1 or cell_len(plain_text) > inner or "\n" in plain_text
                           or "\t" in plain_text)
            else:
                generic = (self.rows[row_key].height != 1 or "\n" in plain_text or "\t" in plain_text
                           # an empty cell (DataTable's own empty Text) is only padding, however it wraps
                           or (plain_text and (not cell.no_wrap or cell.overflow not in ("ellipsis", "crop"))))
        if generic:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        component_style, post_style = self._get_styles_to_render_cell(
            header, False, False, hover, cursor, show_cursor, show_hover, fg_css, bg_css)
        # = base + meta + component (the meta carries no colours, so the order of the sums is free).
        # With a row cursor a body cell's meta names its row and column 0: a click or the mouse
        # picks the row either way, and the few distinct styles of a page are then the same
        # objects page after page, so Rich's and Textual's style caches (sums, the truecolor
        # filter, ANSI codes) hit instead of missing on 250 new styles per repaint.
        meta_column = 0 if (row_cursor and not header) else column_index
        style = (base_style + component_style) + self._meta_style(row_index, meta_column)
        text, fill = self._fit(plain_text, inner, cell.overflow == "ellipsis")
        plain_style = style + post_style
        segments = [Segment(" " * pad, plain_style)] if pad else []
        if text:
            text_style = self.app.console.get_style(cell.style) if cell.style else Style.null()
            segments.append(Segment(text, style + (text_style + post_style)))
        if fill or pad:
            segments.append(Segment(" " * (fill + pad), plain_style))
        lines = [segments]
        self._cell_render_cache[cache_key] = lines
        return lines


class AppHeader(Widget):
    """Title, today's date in Chinese form, and who is on duty today, in one line drawn by one
    widget (every screen has one; a widget per part cost start-up time for nothing)."""

    DEFAULT_CSS = """
    AppHeader { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.title_text = self.date_text = self.duty_text = ""

    def show(self, title: str, date_text: str, duty_text: str) -> None:
        self.title_text, self.date_text, self.duty_text = clean_line(title), clean_line(date_text), clean_line(duty_text)
        self.refresh()

    def render(self) -> Text:
        width = self.content_region.width or 160
        title = Text(f" {self.title_text}  ", style="bold", no_wrap=True)
        duty = self.duty_text
        room = max(0, int(width * 0.6) - 2)  # who is on duty gets at most 60% of the line
        if cell_len(duty) > room:
            duty = set_cell_size(duty, max(0, room - 1)) + "…"
        right = Text(f" {duty} " if duty else "", no_wrap=True)
        middle = max(0, width - title.cell_len - right.cell_len)
        date = self.date_text if cell_len(self.date_text) <= middle else ""
        left_pad = max(0, (width - cell_len(date)) // 2 - title.cell_len)  # centred on the line when it can be
        if left_pad + cell_len(date) > middle:
            left_pad = max(0, (middle - cell_len(date)) // 2)
        centre = " " * left_pad + date
        centre += " " * max(0, middle - cell_len(centre))
        return Text.assemble(title, centre, right, no_wrap=True, overflow="crop", end="")


class KeyFooter(Widget, can_focus=False):
    """The key bindings of the screen in one line, drawn by one widget.

    Textual's ``Footer`` mounts a widget per key (about 25 here, each with its own styles, and
    re-mounts them all whenever the bindings change): ~70 ms of dutydesk's start-up and of every
    first visit to a screen (bench/ANALYSIS.md). This draws the same line (key, description;
    disabled keys dim; the command palette key at the right edge after a bar) and repaints it
    when the bindings change. A click on a key presses it, as in Textual's footer.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str, bool]] = []  # (start x, end x, key, enabled)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        self.refresh()

    def keys(self) -> tuple[list[tuple[str, str, str, bool]], tuple[str, str, str, bool] | None]:
        """(key, key as shown, description, enabled) of each key shown, and of the palette key."""
        shown: list[tuple[str, str, str, bool]] = []
        palette = None
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show:
                continue
            item = (binding.key, self.app.get_key_display(binding), binding.description, active.enabled)
            if self.app.ENABLE_COMMAND_PALETTE and key == self.app.COMMAND_PALETTE_BINDING:
                palette = item
            elif binding.action not in seen:  # one key per action, as Textual's footer
                seen.add(binding.action)
                shown.append(item)
        return shown, palette

    def render(self) -> Text:
        shown, palette = self.keys()
        cache_key = (tuple(shown), palette, self.size.width, self.rich_style)
        cached = getattr(self, "_rendered", None)
        if cached is not None and cached[0] == cache_key:  # the same keys: the same line
            self._spans = list(cached[2])
            return cached[1].copy()
        text = self._render_keys(shown, palette)
        self._rendered = (cache_key, text.copy(), tuple(self._spans))
        return text

    def _render_keys(self, shown, palette) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        desc_style = self.get_component_rich_style("footer-key--description")
        dim = Style(dim=True)
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []

        def add(item: tuple[str, str, str, bool]) -> None:
            key, display, description, enabled = item
            start = text.cell_len
            extra = Style() if enabled else dim
            text.append(f" {display} ", key_style + extra)
            if description:
                text.append(f"{description} ", desc_style + extra)
            self._spans.append((start, text.cell_len, key, enabled))

        for item in shown:
            add(item)
        if palette is not None:  # at the right edge, always visible (the keys before it may be cut)
            width = self.size.width
            _, display, description, _ = palette
            need = cell_len(f"▏ {display} {description} ")
            if width:
                room = max(0, width - need)
                if text.cell_len > room:  # drop the keys that do not fit whole
                    self._spans = [span for span in self._spans if span[1] <= room]
                    text.truncate(self._spans[-1][1] if self._spans else 0)
                text.append(" " * (room - text.cell_len))
            text.append("▏", Style(dim=True))
            add(palette)
        return text

    def on_click(self, event) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return


class SearchBox(Input):
    """A search box whose screen searches as the text changes, inside the keystroke's own
    handling: the box and the list it filters are then drawn in one frame (with
    ``Input.Changed`` the box was drawn first and the list a frame later). The screen
    provides ``search_text_changed()``."""

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        handler = getattr(self.screen, "search_text_changed", None)
        if handler is not None:
            handler()


@dataclass
class Column:
    key: str
    label: str
    width: int | None = None


Fetch = Callable[[int, int], tuple[list[dict], "int | None"]]  # None: count afterwards (PagedTable.count)


class PagedTable(SafeDispatch, Vertical):
    """A DataTable that holds one page of rows fetched from SQL.

    ``fetch(offset, limit)`` returns ``(rows, total)``; each row is a dict with an ``id``
    (the row key) and the column keys. An optional ``_style`` key styles the whole row
    (e.g. ``"bold red"`` for overdue). Cell text is never parsed as markup.

    ``fetch`` may return ``total=None`` when ``count()`` is given: the page is shown first and
    counted right after it is painted (counting a broad search takes longer than its page).
    """

    BINDINGS = [
        Binding("pagedown,ctrl+down", "next_page", "下一页", id="table.next_page", show=False, priority=True),
        Binding("pageup,ctrl+up", "prev_page", "上一页", id="table.prev_page", show=False, priority=True),
    ]

    class Chosen(Message):
        """Enter on a row."""

        def __init__(self, table: "PagedTable", record_id: str) -> None:
            super().__init__()
            self.table = table
            self.record_id = record_id

        @property
        def control(self) -> "PagedTable":
            return self.table

    def __init__(self, columns: list[Column], fetch: Fetch, *, page_size: int = 100, id: str | None = None,
                 count: Callable[[], int] | None = None):
        super().__init__(id=id, classes="paged-table")
        self.columns = columns
        self.fetch = fetch
        self.count = count
        self.page_size = page_size
        self.page = 0
        self.total = 0
        self.total_known = True
        self.rows: list[dict] = []
        self._generation = 0

    def compose(self) -> ComposeResult:
        table: DataTable = FastTable(cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", classes="pager", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in self.columns:
            table.add_column(col.label, key=col.key, width=col.width)
        self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def reload(self, *, keep_cursor: bool = True) -> None:
        """Fetch the current page again (after a change or a new filter)."""
        table = self.table
        old_row = table.cursor_row if keep_cursor else 0
        rows, total = self.fetch(self.page * self.page_size, self.page_size)
        if self.page and not rows and total is None and self.count is not None:
            total = self.count()  # past the end (rows were deleted): find the last page
        if total is not None and self.page and self.page * self.page_size >= total:
            self.page = max(0, -(-total // self.page_size) - 1)
            rows, total = self.fetch(self.page * self.page_size, self.page_size)
        self._generation += 1
        self.total_known = total is not None
        if total is not None:
            self.total = total
        self.rows = rows
        table.clear()
        for row in rows:
            style = row.get("_style", "")
            table.add_row(*(plain(row.get(c.key), style) for c in self.columns), key=str(row["id"]))
        if isinstance(table, FastTable):
            table.settle()
        if rows:
            table.move_cursor(row=min(old_row, len(rows) - 1), animate=False)
        self._show_pager()
        if not self.total_known:
            self.call_after_refresh(self._count_now, self._generation)

    def _count_now(self, generation: int) -> None:
        if generation != self._generation or self.count is None:
            return  # a newer page was loaded meanwhile: it counts for itself
        self.total = self.count()
        self.total_known = True
        self._show_pager()

    def _show_pager(self) -> None:
        start = self.page * self.page_size
        shown = f"（{start + 1 if self.rows else 0}–{start + len(self.rows)}）"
        if self.total_known:
            text = f"共 {self.total} 条  第 {self.page + 1}/{self.pages} 页  {shown}  PgUp/PgDn 翻页"
        else:
            text = f"共 … 条  第 {self.page + 1} 页  {shown}  PgUp/PgDn 翻页"
        self.query_one(".pager", Static).update(text, layout=False)  # one line of fixed size (dutydesk.tcss)

    def first_page(self) -> None:
        self.page = 0
        self.reload(keep_cursor=False)

    def action_next_page(self) -> None:
        if not self.total_known and self.count is not None:
            self._count_now(self._generation)
        if self.page + 1 < self.pages:
            self.page += 1
            self.reload(keep_cursor=False)

    def action_prev_page(self) -> None:
        if self.page > 0:
            self.page -= 1
            self.reload(keep_cursor=False)

    @property
    def selected_id(self) -> str | None:
        table = self.table
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return str(self.rows[table.cursor_row]["id"])

    @property
    def selected_row(self) -> dict | None:
        table = self.table
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Chosen(self, event.row_key.value))
