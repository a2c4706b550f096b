"""FastTable: the list the paged lists and the 值班表 draw with, on Textual's Line API.

A ``ScrollView`` that draws each visible line itself (``render_line``), as toolong draws huge
logs: one header line, then one line per row, every cell one line of plain text cut to its
column with "…". A page (≤ 100 rows) is replaced whole with :meth:`FastTable.set_rows`; a line
is drawn when it is first shown and kept until the rows, the columns, the width or the colours
change, so a search keystroke costs the few dozen lines on screen and a cursor move two.

It looks like Textual's ``DataTable`` with ``cursor_type="row"`` and ``zebra_stripes=True`` (the
same theme colours, component classes of its own: ``fast-table--header``, ``--cursor``,
``--even-row``, ``--odd-row``) and draws the same characters and styles for the same rows
(``bench/check_fast_table.py`` compares them). Only public Textual API is used here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, NamedTuple, Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .cells import line

PAD = 1  # blank cells on each side of a column (DataTable's cell_padding)


class ListColumn(NamedTuple):
    key: str
    label: str
    width: int | None = None  # content cells; None: the widest cell (label included), in display cells
    right: bool = False  # numbers: the cells (and the label) against the column's right edge
    shrink: int = 0  # when the columns are wider than the list: 1 gives up cells first, then 2, …; 0 never
    min_width: int = 4  # content cells a shrinking column keeps


@lru_cache(maxsize=8192)
def fit(text: str, inner: int) -> tuple[str, int]:
    """``text`` cut to ``inner`` display cells with "…" (as Rich cuts a one-line ``Text`` with
    ``overflow="ellipsis"``; a wide character cut in half becomes a space), and the blank cells
    that follow it."""
    width = cell_len(text)
    if width <= inner:
        return text, inner - width
    return (set_cell_size(text, inner - 1) + "…" if inner > 0 else ""), 0


class FastTable(ScrollView, can_focus=True):
    """One page of rows under a header, with a row cursor.

    - columns: :meth:`add_column` (label, key, fixed width or automatic by display cells; a
      column with ``shrink`` gives up cells, in that order, when the list is narrower than them);
    - rows: :meth:`set_rows` replaces them all: ``(key, cells, style)`` each, cells are any
      values shown as one line of plain text (never markup), ``style`` a Rich style for the
      whole row (``"bold red"``), ``""`` for none;
    - cursor: ↑ ↓ Home End PgUp PgDn, a click; :attr:`cursor_row`, :meth:`move_cursor`
      (never animated); :class:`RowHighlighted` when the row under the cursor changes (also
      when the rows are replaced), :class:`RowChosen` on Enter or a click on the cursor row.
    """

    BINDINGS = [
        Binding("enter", "choose", "选择", show=False),
        Binding("up", "cursor_up", "上一行", show=False),
        Binding("down", "cursor_down", "下一行", show=False),
        Binding("home,ctrl+home", "cursor_first", "第一行", show=False),
        Binding("end,ctrl+end", "cursor_last", "最后一行", show=False),
        Binding("pageup", "cursor_page(-1)", "上一屏", show=False),
        Binding("pagedown", "cursor_page(1)", "下一屏", show=False),
    ]

    COMPONENT_CLASSES = {"fast-table--header", "fast-table--cursor", "fast-table--even-row", "fast-table--odd-row"}

    # DataTable's colours (textual/widgets/_data_table.py), for its component classes of the same role
    DEFAULT_CSS = """
    FastTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .fast-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .fast-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark {
            & > .fast-table--even-row {
                background: $surface-darken-1 40%;
            }
        }
        & > .fast-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .fast-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .fast-table--odd-row {
        }
        & > .fast-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .fast-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    class _RowMessage(Message):
        def __init__(self, table: "FastTable", cursor_row: int, row_key: str) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.row_key = row_key

        @property
        def control(self) -> "FastTable":
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor is on another row (or the rows were replaced)."""

    class RowChosen(_RowMessage):
        """Enter on the cursor row, or a click on it."""

    def __init__(self, *, zebra_stripes: bool = True, name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.zebra_stripes = zebra_stripes
        self._columns: list[ListColumn] = []
        self._widths: list[int] = []  # content cells of each column, padding excluded (auto ones only grow)
        self._drawn: list[int] = []  # the same, as drawn in the list's width (shrinking columns cut)
        self._row_keys: list[str] = []
        self._row_cells: list[tuple[str, ...]] = []
        self._row_looks: list[str] = []
        self._cursor = 0
        self._lines: dict = {}  # (row, on the cursor) -> Strip; row -1 is the header
        self._look: tuple | None = None  # the styles and width the kept lines were drawn with

    # -- columns and rows -----------------------------------------------------------------
    @property
    def columns(self) -> list[ListColumn]:
        return list(self._columns)

    @property
    def column_widths(self) -> list[int]:
        """Content cells of each column as drawn (padding excluded)."""
        return list(self._drawn)

    def add_column(self, label: str, *, key: str | None = None, width: int | None = None, right: bool = False,
                   shrink: int = 0, min_width: int | None = None) -> str:
        """A column at the right: ``width`` content cells, or None to fit the widest cell; ``right``:
        its cells aligned to the right (numbers). When the columns are wider than the list, those
        with ``shrink`` (1 first, then 2, …) give up cells down to ``min_width`` (default: the
        label's width) so that the others stay whole."""
        key = key if key is not None else f"column-{len(self._columns)}"
        if any(c.key == key for c in self._columns):
            raise ValueError(f"duplicate column key {key!r}")
        label = line(label)
        least = min_width if min_width is not None else max(2, cell_len(label))
        self._columns.append(ListColumn(key, label, width, right, shrink, least))
        self._widths.append(width if width is not None else cell_len(label))
        self._row_cells = [cells + ("",) for cells in self._row_cells]  # (columns come first, as a rule)
        self._changed()
        return key

    def set_rows(self, rows: Iterable[tuple[object, Sequence[object], str]], *, cursor: int | None = None) -> None:
        """Replace every row: ``(key, cells, style)`` each. The cursor goes to row ``cursor``
        (default: it stays where it was), clamped to the rows; the top row shown is kept if the
        cursor is still visible. Posts :class:`RowHighlighted` once if there are rows."""
        count = len(self._columns)
        keys, all_cells, looks = [], [], []
        for key, cells, look in rows:
            cells = tuple(line(value) for value in cells[:count])
            if len(cells) < count:
                cells += ("",) * (count - len(cells))
            keys.append(str(key))
            all_cells.append(cells)
            looks.append(look or "")
        self._row_keys, self._row_cells, self._row_looks = keys, all_cells, looks
        widths = self._widths
        for i, column in enumerate(self._columns):  # an automatic column grows to its widest cell (as DataTable's)
            if column.width is None:
                widest = max((cell_len(cells[i]) for cells in all_cells), default=0)
                if widest > widths[i]:
                    widths[i] = widest
        self._cursor = self._clamp(self._cursor if cursor is None else cursor)
        self._changed()
        self.scroll_to_cursor()
        if keys:
            self.post_message(self.RowHighlighted(self, self._cursor, keys[self._cursor]))

    def update_row(self, row: int, cells: Sequence[object], style: str | None = None) -> None:
        """Replace the cells (and ``style``, when given) of row ``row`` alone; only its line is
        drawn again (a mark toggled on one row of the page)."""
        count = len(self._columns)
        new = tuple(line(value) for value in cells[:count])
        self._row_cells[row] = new + ("",) * (count - len(new))
        if style is not None:
            self._row_looks[row] = style
        self._lines.pop((row, False), None)
        self._lines.pop((row, True), None)
        grew = False
        for i, (column, text) in enumerate(zip(self._columns, self._row_cells[row])):
            if column.width is None and cell_len(text) > self._widths[i]:  # an automatic column grows
                self._widths[i], grew = cell_len(text), True
        if grew:
            self._changed()
        else:
            self.refresh_line(row + 1)

    def clear(self) -> None:
        """No rows (the columns stay)."""
        self.set_rows([], cursor=0)

    def _fit(self) -> list[int]:
        """The widths to draw with: the columns' own, cut by ``shrink`` order to the list's width."""
        widths = list(self._widths)
        room = self.scrollable_content_region.width if self.is_mounted else 0
        excess = sum(widths) + 2 * PAD * len(widths) - room
        if room <= 0 or excess <= 0:
            return widths
        for order in sorted({c.shrink for c in self._columns if c.shrink > 0}):
            for i, column in enumerate(self._columns):
                if column.shrink == order and excess > 0:
                    give = min(excess, max(0, widths[i] - column.min_width))
                    widths[i] -= give
                    excess -= give
        return widths

    def _changed(self) -> None:
        self._lines.clear()
        self._drawn = self._fit()
        width = sum(self._drawn) + 2 * PAD * len(self._drawn)
        size = Size(width, len(self._row_keys) + 1)
        if self.virtual_size != size:
            self.virtual_size = size
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._row_keys)

    def get_row_at(self, row: int) -> list[str]:
        """The cells of row ``row`` as shown (one line each, before cutting to the column)."""
        return list(self._row_cells[row])

    def get_row_key(self, row: int) -> str:
        return self._row_keys[row]

    def get_row_index(self, key: str) -> int:
        return self._row_keys.index(str(key))

    # -- cursor ---------------------------------------------------------------------------
    @property
    def cursor_row(self) -> int:
        """The row under the cursor (0 when there are no rows)."""
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        return self._row_keys[self._cursor] if self._row_keys else None

    def _clamp(self, row: int) -> int:
        return max(0, min(row, len(self._row_keys) - 1))

    def move_cursor(self, *, row: int, animate: bool = False, scroll: bool = True) -> None:
        """Put the cursor on ``row`` (clamped), at once (``animate`` is accepted and ignored),
        and scroll it into view; :class:`RowHighlighted` if it moved."""
        row = self._clamp(row)
        old = self._cursor
        self._cursor = row
        if scroll:
            self.scroll_to_cursor()
        if row != old and self._row_keys:
            self.refresh_line(old + 1)
            self.refresh_line(row + 1)
            self.post_message(self.RowHighlighted(self, row, self._row_keys[row]))

    def _body_height(self) -> int:
        return self.scrollable_content_region.height - 1  # below the header

    def scroll_to_cursor(self) -> None:
        """Scroll so that the cursor row is visible (below the header)."""
        height = self._body_height()
        if height <= 0:  # not laid out yet: once it is
            if self.is_mounted:
                self.call_after_refresh(self._scroll_when_laid_out)
            return
        top = round(self.scroll_y)
        if self._cursor < top:
            top = self._cursor
        elif self._cursor >= top + height:
            top = self._cursor - height + 1
        else:
            return
        self.scroll_to(y=top, animate=False, force=True)

    def _scroll_when_laid_out(self) -> None:
        if self._body_height() > 0:
            self.scroll_to_cursor()

    def on_resize(self, event: events.Resize) -> None:
        if self._fit() != self._drawn:
            self._changed()
        self.scroll_to_cursor()

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_cursor_first(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_last(self) -> None:
        self.move_cursor(row=len(self._row_keys) - 1)

    def action_cursor_page(self, step: int) -> None:
        self.move_cursor(row=self._cursor + step * max(1, self._body_height()))

    def action_choose(self) -> None:
        if self._row_keys:
            self.post_message(self.RowChosen(self, self._cursor, self._row_keys[self._cursor]))

    def on_click(self, event: events.Click) -> None:
        """A click on a row puts the cursor there; a click on the cursor row chooses it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # the header, a scrollbar
            return
        row = offset.y - 1 + round(self.scroll_y)
        if row >= len(self._row_keys):
            return
        event.stop()
        if row == self._cursor:
            self.action_choose()
        else:
            self.move_cursor(row=row)

    # -- drawing --------------------------------------------------------------------------
    def _check_look(self) -> tuple:
        """The colours and width now (focus, theme, size); lines kept from an earlier paint
        with other ones are dropped."""
        get = self.get_component_rich_style
        look = (self.size.width, self.rich_style, get("fast-table--header"), get("fast-table--even-row"),
                get("fast-table--odd-row"), get("fast-table--cursor"), self.zebra_stripes)
        if look != self._look:
            self._look = look
            self._lines.clear()
        return look

    def render_lines(self, crop):
        self._check_look()  # once a paint, not once a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        look = self._look or self._check_look()
        width, base = look[0], look[1]
        scroll_x, scroll_y = round(self.scroll_x), round(self.scroll_y)
        row = -1 if y == 0 else y - 1 + scroll_y
        if row >= len(self._row_keys):
            return Strip.blank(width, base)
        cursor = row == self._cursor and row >= 0
        strip = self._lines.get((row, cursor))
        if strip is None:
            strip = self._lines[(row, cursor)] = self._draw(row, cursor, look)
        if scroll_x or strip.cell_length != width:
            strip = strip.crop(scroll_x, scroll_x + width).adjust_cell_length(width, base)
        return strip

    def _draw(self, row: int, cursor: bool, look: tuple) -> Strip:
        """One whole line (all columns, at least the widget's width): DataTable's styles for a
        one-line row (``DataTable._render_line_in_row``): the row's colours (header, zebra stripe,
        or the widget's), the cursor's over them, the row's own style under the cursor's
        foreground (DataTable's default ``cursor_foreground_priority="css"``)."""
        width, base, header, even, odd, cursor_style, zebra = look
        if row < 0:
            row_style, texts, text_style = header, [c.label for c in self._columns], None
        else:
            row_style = (odd if row % 2 else even) if zebra else base
            texts = self._row_cells[row]
            name = self._row_looks[row]
            text_style = self.app.console.get_style(name) if name else None
        style = row_style + cursor_style if cursor else row_style
        post = Style.from_color(cursor_style.color) if cursor else Style.null()
        blank = style + post
        text_look = (style + text_style) + post if text_style is not None else blank
        pad = " " * PAD
        segments = []
        used = 0
        for text, inner, column in zip(texts, self._drawn, self._columns):
            shown, fill = fit(text, inner)
            lead, trail = (fill, 0) if column.right else (0, fill)
            segments.append(Segment(pad + " " * lead, blank))
            if shown:
                segments.append(Segment(shown, text_look))
            segments.append(Segment(" " * (trail + PAD), blank))
            used += inner + 2 * PAD
        if width > used:  # the row's colours to the right edge
            segments.append(Segment(" " * (width - used), style))
        return Strip(segments).simplify()
