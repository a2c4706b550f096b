"""The check box every dialog uses: an empty box when unchecked, an X when checked.

Textual's ``Checkbox`` draws ``▐X▌`` in both states and tells them apart only by the colour of the
X (``$panel-darken-2`` against ``$text-success``), which on many office terminals (16 colours, a
washed-out projector, the browser's theme) reads as checked either way. Here the X is drawn only
when checked: ``▐ ▌`` / ``▐X▌``. Same name, messages (``Checkbox.Changed``) and CSS type as
Textual's, so ``Checkbox { … }`` rules and ``@on(Checkbox.Changed)`` keep working; ui/ modules
import this one (tests/test_roster_ui_marks.py checks that none makes Textual's own).
"""

from __future__ import annotations

from textual.widgets import Checkbox as TextualCheckbox

UNCHECKED = " "


class Checkbox(TextualCheckbox):
    """A Textual ``Checkbox`` whose box is empty when unchecked."""

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's public class attribute, read per render)
        return TextualCheckbox.BUTTON_INNER if self.value else UNCHECKED
