"""The one-line key footer."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widget import Widget


class KeyFooter(Widget, can_focus=False):
    """The key bindings of the screen in one line, drawn by one widget.

    Textual's ``Footer`` mounts a widget per key (about 25 here, each with its own styles, and
    re-mounts them all whenever the bindings change): ~70 ms of dutydesk's start-up and of every
    first visit to a screen (bench/ANALYSIS.md). This draws the same line (key, description;
    disabled keys dim; the command palette key at the right edge after a bar) and repaints it
    when the bindings change. A click on a key presses it, as in Textual's footer.

    When the screen's own keys do not fit, the line is drawn compact (no blank inside a key's box);
    the screen's keys come first, so the app's (1-4, 0, …) are the ones dropped.
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

    def _own_width(self, palette) -> int:
        """Cells the screen's own keys (not the app's) and the palette key take drawn in full."""
        own = [b for b in self.screen.active_bindings.values() if b.binding.show and b.node is not self.app]
        items = [(self.app.get_key_display(b.binding), b.binding.description) for b in own]
        if palette is not None:
            items.append((palette[1], palette[2]))
        return sum(cell_len(f" {display} {description} ") for display, description in items) + 1

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
        width = self.size.width
        compact = bool(width) and self._own_width(palette) > width

        def add(item: tuple[str, str, str, bool]) -> None:
            key, display, description, enabled = item
            start = text.cell_len
            extra = Style() if enabled else dim
            text.append(f"{display}" if compact else f" {display} ", key_style + extra)
            if description:
                text.append(f"{description} ", desc_style + extra)
            self._spans.append((start, text.cell_len, key, enabled))

        for item in shown:
            add(item)
        if palette is not None:  # at the right edge, always visible (the keys before it may be cut)
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
