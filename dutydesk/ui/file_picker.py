"""Picking a file to import: Textual's DirectoryTree (public API) in a dialog that starts in the
folder a file was last picked from (remembered per terminal, :mod:`.prefs`), showing folders and
the files of the kinds asked for. Forms with a ``#path`` field get it with :class:`PickFile`
(Ctrl+O or the 浏览 button), as a :class:`FileForm`."""

from __future__ import annotations

from pathlib import Path
from typing import Generic, Iterable, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Static

from ..text import clean_line
from . import prefs
from .internals import SafeDispatch
from .modals import FormModal

T = TypeVar("T")

LAST_FOLDER = "last_folder"
SHEETS = (".xlsx", ".xlsm", ".csv")


def start_folder() -> Path:
    """The folder a file was last picked from, else the home folder."""
    last = prefs.get(LAST_FOLDER)
    if last and Path(last).is_dir():
        return Path(last)
    return Path.home()


class SheetTree(DirectoryTree):
    """Folders (hidden ones left out) and the files with the given suffixes."""

    def __init__(self, path: Path, suffixes: tuple[str, ...], **kwargs) -> None:
        self.suffixes = suffixes
        super().__init__(path, **kwargs)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in self.suffixes)]


class FilePickerModal(SafeDispatch, ModalScreen[Path | None]):
    """Enter on a file picks it; Backspace goes up one folder; Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", id="picker.cancel"),
        Binding("backspace", "up", "上一级文件夹", id="picker.up"),
    ]

    def __init__(self, start: Path | None = None, suffixes: tuple[str, ...] = SHEETS):
        super().__init__(classes="dialog-screen")
        self.folder = start or start_folder()
        self.suffixes = suffixes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="file-picker"):
            yield Static("", id="picker-folder", classes="dialog-title", markup=False)
            yield SheetTree(self.folder, self.suffixes, id="picker-tree")
            yield Static(f"Enter 选择文件（{' '.join(self.suffixes)}），Backspace 上一级，Esc 取消",
                         classes="pet-label", markup=False)

    def on_mount(self) -> None:
        self._show_folder()
        self.query_one(SheetTree).focus()

    def _show_folder(self) -> None:
        self.query_one("#picker-folder", Static).update(f"选择文件：{self.folder}")

    def action_up(self) -> None:
        parent = self.folder.parent
        if parent != self.folder:
            self.folder = parent
            self.query_one(SheetTree).path = parent
            self._show_folder()

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        prefs.put(LAST_FOLDER, str(event.path.parent))
        self.dismiss(event.path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FileForm(FormModal[T], Generic[T]):
    """A form with an Input ``#path``: Ctrl+O (or the button of :meth:`pick_button`) picks the
    file; the submit button says 导入."""

    BINDINGS = [Binding("ctrl+o", "pick_file", "浏览文件", id="form.pick_file")]
    SUFFIXES: tuple[str, ...] = SHEETS
    SUBMIT_LABEL = "导入"

    def pick_button(self) -> Button:
        return Button("浏览… (Ctrl+O)", id="pick-file")

    def action_pick_file(self) -> None:
        typed = clean_line(self.query_one("#path", Input).value).strip("'\"")
        folder = Path(typed).expanduser().parent if typed else None

        def picked(path: Path | None) -> None:
            if path is not None:
                self.query_one("#path", Input).value = str(path)

        start = folder if folder is not None and folder.is_dir() and typed else None
        self.app.push_screen(FilePickerModal(start, self.SUFFIXES), picked)

    @on(Button.Pressed, "#pick-file")
    def _pick_pressed(self) -> None:
        self.action_pick_file()
