"""FastTable: the DataTable the lists draw with."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable


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
