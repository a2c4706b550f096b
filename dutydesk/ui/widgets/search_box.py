"""The search box that filters a list as the text changes."""

from __future__ import annotations

from textual.widgets import Input


class SearchBox(Input):
    """A search box whose screen searches as the text changes, inside the keystroke's own
    handling: the box and the list it filters are then drawn in one frame (with
    ``Input.Changed``, a message, the box was drawn first and the list a frame later). The
    screen provides ``search_text_changed()``.

    ``watch_value`` is Textual's public watcher of the ``value`` reactive: it is called right
    after Input's own (private) one, synchronously, while the key is handled."""

    def watch_value(self, value: str) -> None:
        handler = getattr(self.screen, "search_text_changed", None)
        if handler is not None:
            handler()
