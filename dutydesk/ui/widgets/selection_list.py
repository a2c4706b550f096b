"""The multiple-choice list (值班人员 of a day, a petition's 污染类型): an empty box before an
unticked line, an X before a ticked one.

Textual's ``SelectionList`` draws the same ``▐X▌`` before every line and tells ticked from
unticked only by the X's colour (see ``checkbox.py``). Here an unticked line's box is drawn empty,
the rest as Textual draws it. Same name, messages and CSS type as Textual's.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox as TextualCheckbox
from textual.widgets import SelectionList as TextualSelectionList
from textual.widgets.option_list import OptionDoesNotExist

from .checkbox import UNCHECKED

V = TypeVar("V")


class SelectionList(TextualSelectionList[V], Generic[V]):
    """A Textual ``SelectionList`` whose boxes are empty on unticked lines."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        if option.value in self.selected:
            return line
        segments = list(line)
        # Textual draws the box as its first three segments: left side, inside, right side
        if len(segments) < 3 or segments[1].text != TextualCheckbox.BUTTON_INNER:
            return line
        segments[1] = Segment(UNCHECKED * len(segments[1].text), segments[1].style)
        return Strip(segments, line.cell_length)
