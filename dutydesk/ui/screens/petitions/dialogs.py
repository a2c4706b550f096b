"""The file forms (import, results import, export) and the dialogs (an import report, possible
repeats) of the 信访件 screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from .... import dates
from ....errors import UserError
from ....text import clean_line
from ...internals import SafeDispatch
from ...file_picker import FileForm
from ...modals import FormModal, field, typed_day
from ...keys import keymap
from ...widgets.checkbox import Checkbox


# -- files -----------------------------------------------------------------------------------
@dataclass
class ImportRequest:
    path: Path
    batch: int | None
    day: dt.date | None


def _path(value: str) -> Path:
    text = clean_line(value).strip("'\"")
    if not text:
        raise UserError("请填写文件路径")
    path = Path(text).expanduser()
    if not path.is_file():
        raise UserError(f"文件不存在：{path}")
    return path


class ImportForm(FileForm[ImportRequest]):
    FOCUS = "path"

    def __init__(self, store):
        super().__init__(store, draft_key="petitions.import", title="导入督察组转办的信访件表（.xlsx .xls .xlsb .ods .csv，或 .docx 函件中的表格）")

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="file-row"):
            yield field("文件路径", Input(id="path", placeholder="如 ~/下载/第3批信访件.xlsx"))
            yield self.pick_button()
        with Horizontal(classes="pet-pair"):
            yield field("批次号（表中无“批次”列时必填）", Input(id="batch"))
            yield field("转办日期（新批次；默认今天）", Input(id="day"))
        yield Static("先检查全部行并显示报告，确认后才导入；有错误的表不会导入任何一行。", classes="pet-label")

    def build(self, values: dict[str, Any]) -> ImportRequest:
        from ....petitions.io import parse_batch_no

        batch = parse_batch_no(values["batch"]) if values["batch"] else None
        return ImportRequest(_path(values["path"]), batch, typed_day(values["day"], "转办日期", optional=True))


class PathForm(FileForm[Path]):
    """One existing file (the county results sheet)."""

    FOCUS = "path"

    def __init__(self, store, title: str, hint: str = ""):
        self.hint = hint
        super().__init__(store, title=title)

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="file-row"):
            yield field("文件路径", Input(id="path", placeholder="如 ~/下载/办理结果.xlsx"))
            yield self.pick_button()
        if self.hint:
            yield Static(self.hint, classes="pet-label")

    def build(self, values: dict[str, Any]) -> Path:
        return _path(values["path"])


@dataclass
class ExportRequest:
    path: Path
    batch_no: int | None
    public: bool


class ExportForm(FormModal[ExportRequest]):
    FOCUS = "kind"

    def __init__(self, store, folder: Path, batches: list[dict], batch_no: int | None):
        self.folder = folder
        self.batches = batches
        super().__init__(store, initial={"batch": batch_no or "", "kind": "ledger", "fmt": ".xlsx"},
                         title="导出信访件台账或公开表")

    def compose_fields(self) -> ComposeResult:
        yield field("内容", Select([("完整台账（含信访人信息，仅内部使用）", "ledger"), ("公开表（不含信访人信息）", "public")],
                                 id="kind", allow_blank=False))
        yield field("批次", Select([(f"第{b['no']}批（{dates.cn_date(b['date'], year=False)}）", b["no"])
                                   for b in self.batches], id="batch", prompt="全部批次"))
        yield field("格式", Select([("Excel（.xlsx）", ".xlsx"), ("Word（.docx，横向）", ".docx"), ("CSV（.csv）", ".csv")],
                                 id="fmt", allow_blank=False))
        yield field("文件名（可空，自动生成；保存在导出文件夹）", Input(id="name"))
        yield Static(f"导出文件夹：{self.folder}", classes="pet-label")

    def build(self, values: dict[str, Any]) -> ExportRequest:
        public = values["kind"] == "public"
        batch_no = int(values["batch"]) if values["batch"] not in ("", None) else None
        name = clean_line(values["name"])
        if not name:
            name = ("信访件公开表" if public else "信访件台账") + (f"-第{batch_no}批" if batch_no else "") \
                + f"-{dates.today():%Y%m%d}"
        name = name.replace("/", "-").replace("\\", "-")
        path = self.folder / name
        if path.suffix.lower() not in (".xlsx", ".docx", ".csv"):
            path = path.with_name(path.name + values["fmt"])
        return ExportRequest(path, batch_no, public)


# -- dialogs ---------------------------------------------------------------------------------
@dataclass
class RepeatChoice:
    petition_id: int
    other_id: int
    label: str


class RepeatModal(SafeDispatch, ModalScreen[list[RepeatChoice]]):
    """Possible repeats found on intake: tick the ones to link (Ctrl+S links, Esc skips)."""

    BINDINGS = keymap("petitions.repeats", [
        ("ctrl+s", "save", "关联所选"), ("escape", "skip", "跳过"),
    ])

    def __init__(self, choices: list[RepeatChoice], title: str = "疑似重复件：勾选确认为重复的"):
        super().__init__(classes="dialog-screen")
        self.choices, self.title_text = choices, title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                for i, c in enumerate(self.choices):
                    yield Checkbox(Text(clean_line(c.label)), id=f"rep{i}")
            with Horizontal(classes="dialog-buttons"):
                yield Button("关联所选 (Ctrl+S)", id="save", variant="primary")
                yield Button("跳过 (Esc)", id="skip")

    def action_save(self) -> None:
        self.dismiss([c for i, c in enumerate(self.choices) if self.query_one(f"#rep{i}", Checkbox).value])

    def action_skip(self) -> None:
        self.dismiss([])

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_skip()
