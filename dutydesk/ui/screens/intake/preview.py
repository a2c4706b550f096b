"""What an import will do, shown before anything is written, and a progress bar while it reads and
writes.

:class:`ImportPreview` shows the file's mapped columns (which column became which field, which
were ignored), the first rows as they will be stored, every problem with its row number, the
counts to create/update, and — when the file names units that match none — a checkbox to add
them as new units in the import's own transaction. Enter imports, Esc leaves nothing written.
All file text is shown as plain text (``markup=False``, :func:`plain`), never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, ProgressBar, Static

from ....errors import UserError
from ....text import clean, clean_line
from ...internals import SafeDispatch
from ...modals import FormModal, field as form_field
from ...widgets.cells import plain
from ...widgets.checkbox import Checkbox

PREVIEW_ROWS = 8
PROBLEMS_SHOWN = 200


@dataclass
class PreviewInfo:
    """Everything the preview shows (made from an import's plan by :mod:`.plans`)."""

    title: str
    source: str  # which sheet (or .docx table) was read, where its header is
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (column as written, field it fills)
    ignored: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the preview rows' columns
    rows: list[list[Any]] = field(default_factory=list)  # the first rows as they will be stored
    problems: list[tuple[int | str, str]] = field(default_factory=list)
    counts: str = ""  # what will be created / updated / skipped
    new_units: dict[str, list] = field(default_factory=dict)  # unknown unit -> its rows
    can_import: bool = True  # False: the file has problems (Esc only)


@dataclass
class PreviewAnswer:
    add_units: bool = False


class ImportPreview(SafeDispatch, ModalScreen["PreviewAnswer | None"]):
    """The preview: Enter imports (adding the unknown units if ticked), Esc writes nothing."""

    BINDINGS = [
        Binding("enter", "accept", "导入", id="intake.preview.accept"),
        Binding("escape", "cancel", "取消（不写入任何内容）", id="intake.preview.cancel"),
    ]

    def __init__(self, info: PreviewInfo):
        super().__init__(classes="dialog-screen")
        self.info = info

    def compose(self) -> ComposeResult:
        info = self.info
        with Vertical(classes="dialog wide intake-preview"):
            yield Static(clean_line(info.title), classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static(clean(info.source), markup=False)
                mapped = "；".join(f"{clean_line(col)} → {label}" for col, label in info.mapped)
                yield Static(f"读取的列：{mapped or '（无）'}", markup=False, id="intake-mapped")
                if info.ignored:
                    yield Static(f"未使用的列：{'、'.join(clean_line(c) for c in info.ignored)}", markup=False,
                                 id="intake-ignored")
                if info.rows:
                    yield Static(f"前 {len(info.rows)} 行（按将要保存的样子）：", markup=False)
                    yield DataTable(id="intake-rows", show_cursor=False, zebra_stripes=True)
                if info.problems:
                    lines = [f"第{where}行：{what}" if isinstance(where, int) else f"{where}：{what}"
                             for where, what in info.problems[:PROBLEMS_SHOWN]]
                    more = len(info.problems) - PROBLEMS_SHOWN
                    if more > 0:
                        lines.append(f"……另有 {more} 条")
                    yield Static(f"问题（{len(info.problems)} 条）：\n" + "\n".join(clean(x) for x in lines),
                                 markup=False, id="intake-problems", classes="error-line")
                if info.counts:
                    yield Static(clean(info.counts), markup=False, id="intake-counts")
            if info.new_units:
                names = "、".join(f"{clean_line(n)}（第{'、'.join(str(r) for r in rows[:10])}行）"
                                 for n, rows in list(info.new_units.items())[:20])
                yield Static(f"无法识别的单位：{names}", markup=False, id="intake-units")
                yield Checkbox("把这些单位作为新单位添加（与导入一起保存）", id="intake-add-units")
            with Horizontal(classes="dialog-buttons"):
                if info.can_import:
                    yield Button("导入 (Enter)", id="accept", variant="primary")
                yield Button("取消 (Esc)", id="cancel")

    def on_mount(self) -> None:
        if self.info.rows:
            table = self.query_one("#intake-rows", DataTable)
            table.add_columns(*[plain(c) for c in self.info.columns])
            table.add_rows([[plain(v) for v in row] for row in self.info.rows])
        if self.info.can_import:
            self.query_one("#accept", Button).focus()

    def action_accept(self) -> None:
        if not self.info.can_import:
            self.notify("表格有问题，不能导入：请修改后再导入（Esc 关闭）", severity="warning", markup=False)
            return
        add = bool(self.info.new_units) and self.query_one("#intake-add-units", Checkbox).value
        if self.info.new_units and not add:
            self.notify("表中有无法识别的单位：勾选“作为新单位添加”，或按 Esc 取消后在“设置 → 单位”中添加",
                        severity="warning", markup=False)
            return
        self.dismiss(PreviewAnswer(add_units=add))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "accept":
            self.action_accept()
        else:
            self.dismiss(None)


class ImportProgress(SafeDispatch, ModalScreen[None]):
    """A progress bar while a worker reads, checks and writes; the worker closes it."""

    BINDINGS = [Binding("escape", "noop", "导入进行中", id="intake.progress.wait", show=False)]

    def __init__(self, title: str):
        super().__init__(classes="dialog-screen")
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(clean_line(self.title_text), classes="dialog-title", markup=False)
            yield Static("正在读取…", id="intake-stage", markup=False)
            yield ProgressBar(id="intake-bar", show_eta=False)

    def action_noop(self) -> None:
        self.notify("导入进行中，请稍候", markup=False)

    def show(self, stage: str, done: int, total: int | None) -> None:
        """Called on the UI thread (``call_from_thread``) with the import's progress."""
        if not self.is_attached:
            return
        text = f"{stage}：{done:,} 行" + (f" / {total:,}" if total else "")
        self.query_one("#intake-stage", Static).update(text)
        self.query_one("#intake-bar", ProgressBar).update(total=total, progress=done)


def progress_callback(app, modal: ImportProgress):
    """A ``progress(stage, done, total)`` for a worker thread: shown by ``modal`` on the UI thread."""

    def report(stage: str, done: int, total: int | None) -> None:
        app.call_from_thread(modal.show, stage, done, total)

    return report


class IntakePathForm(FormModal[Path]):
    """The file to import: any of the formats the readers take."""

    FOCUS = "path"

    def __init__(self, store, title: str, hint: str = "", *, placeholder: str = "", draft_key: str | None = None):
        self.hint, self.placeholder = hint, placeholder
        super().__init__(store, title=title, draft_key=draft_key)

    def compose_fields(self) -> ComposeResult:
        yield form_field("文件路径", Input(id="path", placeholder=self.placeholder))
        yield Static("可导入 .xlsx .xls .xlsb .ods .csv，或 .docx 函件中的表格" + (f"；{self.hint}" if self.hint else ""),
                     markup=False)

    def build(self, values: dict[str, Any]) -> Path:
        text = clean_line(values.get("path", "")).strip("'\"")
        if not text:
            raise UserError("请填写文件路径")
        path = Path(text).expanduser()
        if not path.exists():
            raise UserError(f"文件不存在：{path}")
        return path
