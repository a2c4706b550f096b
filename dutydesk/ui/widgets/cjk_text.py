"""Plain text wrapped by the rules of Chinese typesetting, for a ``Static``.

Textual folds a line of Chinese at whatever cell the width ends on, so a line of the bulletin
preview could start with "，" or split "12.5%". :class:`CjkText` is a Textual ``Visual`` (public
API) that wraps each line with :func:`dutydesk.linebreak.wrap` at the width it is given (避头尾:
no line starts with a closing mark or ends with an opening one, a number stays with its unit)
and draws the result as plain ``Content``, never markup. ``str()`` gives the text as it was.

    Static("", id="bulletin-preview").update(CjkText(text))
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from ...linebreak import wrap_text


class CjkText(Visual):
    """``text`` (plain, already cleaned) wrapped by Chinese rules to the width it is drawn at."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._wrapped: tuple[int, Content] | None = None

    def __str__(self) -> str:
        return self.text

    def lines(self, width: int) -> list[str]:
        """The lines as drawn ``width`` cells wide (a space at a line's end is not drawn)."""
        return [line.rstrip(" ") for line in wrap_text(self.text, max(1, width))]

    def content(self, width: int) -> Content:
        if self._wrapped is None or self._wrapped[0] != width:
            self._wrapped = (width, Content("\n".join(self.lines(width))))
        return self._wrapped[1]

    @staticmethod
    def _inner(rules: RulesMap, width: int) -> int:
        return width - rules.get("line_pad", 0) * 2

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(cell_len(line) for line in self.text.split("\n")) + rules.get("line_pad", 0) * 2

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.content(self._inner(rules, width)).get_height(rules, width)

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        return self.content(self._inner(options.rules, width)).render_strips(width, height, style, options)
