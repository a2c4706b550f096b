"""值守人员 (F2): who is at this terminal's desk, picked from the shift on duty first, then anyone
on the roster; the choice is remembered per terminal (a small file in the user's config folder,
one name per database, :mod:`.prefs`). Until someone is picked, records are signed by the shift's first officer
(:func:`dutydesk.roster.desk.default_name`); ``--operator``, ``DUTYDESK_OPERATOR`` and a browser
login fix the name (the picker then only says so)."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..store.db import Store
from . import prefs
from .internals import SafeDispatch


def _key(store: Store) -> str:
    return "desk:" + str(Path(store.path).resolve())


def remembered(store: Store) -> str:
    """The name picked at this terminal for this database ("" if none)."""
    return prefs.get(_key(store))


def remember(store: Store, name: str) -> None:
    prefs.put(_key(store), name)


class DeskModal(SafeDispatch, ModalScreen[str | None]):
    """The picker: the shift on duty's officers, then the others on the roster. Returns a name."""

    BINDINGS = [Binding("escape", "cancel", "取消", id="desk.cancel")]

    def __init__(self, current: str, shift: list[str], others: list[str]):
        super().__init__(classes="dialog-screen")
        self.current, self.shift, self.others = current, shift, others

    def compose(self) -> ComposeResult:
        options: list = [Option(f"{n}（本班）", id=n) for n in self.shift]
        if self.shift and self.others:
            options.append(None)  # a separator
        options += [Option(n, id=n) for n in self.others]
        with Vertical(classes="dialog", id="desk-dialog"):
            yield Static(f"谁在值守？（现在：{self.current}）记录人、交班人和修改记录都署此名。", classes="dialog-title",
                         markup=False)
            if options:
                yield OptionList(*options, id="desk-list")
            else:
                yield Static("值班表中还没有人员：请先在值班表按 p 添加人员。", markup=False)

    def on_mount(self) -> None:
        if self.query("#desk-list"):
            self.query_one("#desk-list", OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
