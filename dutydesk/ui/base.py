"""The base of the four main screens and the settings screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.screen import Screen

from .internals import BatchedRepaint, SafeDispatch
from .widgets.footer import KeyFooter
from .widgets.header import AppHeader

if TYPE_CHECKING:
    from .app import DutyDeskApp

UNDO_HINT = "按 Ctrl+Z 打开回收站可恢复"  # said after every delete (the trash dialog is ui/trash.py)


class BaseScreen(BatchedRepaint, SafeDispatch, Screen):
    """Header + body + footer. Subclasses implement ``compose_body`` and ``refresh_data``.

    ``refresh_data`` is called when the screen is shown again and every few seconds by the
    app, so changes made in another terminal appear without a key press. Every binding
    with a description also appears in the command palette (Ctrl+P).
    """

    SCREEN_TITLE = ""
    _resumed_before = False  # resumed once (right after mounting): it has loaded its data
    _showing = False  # the current screen, resumed and not suspended since
    _shown_stamp: tuple | None = None  # what was committed, and the day, when it last loaded

    @property
    def dd(self) -> "DutyDeskApp":
        return self.app  # type: ignore[return-value]

    @property
    def store(self):
        return self.dd.store

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield from self.compose_body()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:  # pragma: no cover - abstract
        yield from ()

    def on_mount(self) -> None:
        self.dd.update_header(self)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Textual's switch_mode resumes the screen of a new mode twice (``App._init_mode`` posts
        one resume, switch_mode another); each restyles the whole screen (~6 ms of the start). A
        resume of the screen on show, with no suspend since the last one, is skipped:
        ``prevent_default()`` keeps Textual's own handler (in the base class ``Screen``, which
        runs after this one) from running."""
        if not self.is_current:  # built in the background (DutyDeskApp.prepare): shown later
            self._showing = False
        elif self._showing:
            event.prevent_default()
            return
        else:
            self._showing = True
            if not self._resumed_before:
                # shown for the first time: its nodes were styled as they were mounted, a moment
                # ago; restyling all of them again (~10 ms of the start) would change nothing
                event.refresh_styles = False
        self.screen_resumed()

    def on_screen_suspend(self) -> None:
        self._showing = False

    def screen_resumed(self) -> None:
        """Shown again (or resumed once right after mounting): reload if something changed."""
        if not self._resumed_before:
            # The first resume follows the mount, which has just loaded everything: loading
            # again would double the cost of opening a screen.
            self._resumed_before = True
            self.mark_fresh()
            return
        self.dd.update_header(self)
        if not self.is_fresh():
            self.refresh_data()  # something was saved (here or in another terminal), or a new day
            self.mark_fresh()

    def _fresh_stamp(self) -> tuple:
        from .. import dates

        return self.store.change_stamp(), dates.today()

    def is_fresh(self) -> bool:
        """Nothing was committed and the day is the same since the screen last loaded."""
        return self._shown_stamp == self._fresh_stamp()

    def mark_fresh(self) -> None:
        """What the screen shows is up to date: showing it again reloads only after a change."""
        self._shown_stamp = self._fresh_stamp()

    def refresh_data(self) -> None:
        """Reload what the screen shows from the database (cheap: one page)."""

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Every described binding active on this screen (not the app's own)."""
        seen: set[str] = set()
        for key, active in self.active_bindings.items():
            b = active.binding
            if (not b.description or active.node is self.app or b.description in seen
                    or not any("\u4e00" <= ch <= "\u9fff" for ch in b.description)):
                continue
            seen.add(b.description)
            yield SystemCommand(
                f"{self.SCREEN_TITLE}：{b.description}",
                f"快捷键 {self.app.get_key_display(b)}",
                lambda node=active.node, action=b.action: node.run_action(action),
            )
