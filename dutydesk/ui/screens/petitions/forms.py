"""Forms and dialogs of the 信访件 screen.

Forms that record something save in ``build``, so a rule the domain refuses is shown in the
form, which stays open. An edit that someone else saved first comes back as an
:class:`EditOutcome` with the conflict, for the screen to show ``ConflictModal``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, SelectionList, Static, TextArea

from .... import dates, refdata
from ....errors import ConflictError, UserError
from ....petitions import service as S
from ....petitions.model import COUNTERS, LABELS, RESULT_KINDS, STATUSES, fmt_number, split_list
from ....text import clean, clean_line
from ...modals import FormModal, field
from ...internals import SafeDispatch


def _options(values: list[str], current: str | None = None) -> list[tuple[str, str]]:
    """Select options; a current value no longer in the list (a disabled unit) stays choosable."""
    items = list(values)
    if current and current not in items:
        items.append(current)
    return [(v, v) for v in items]


def _date(value: str, what: str) -> dt.date | None:
    try:
        return dates.parse_optional_date(value)
    except UserError as exc:
        raise UserError(f"{what}：{exc}") from None


class _FocusFirst:
    """Put the cursor in the form's main field when it opens."""

    FOCUS = ""

    def on_mount(self) -> None:
        if self.FOCUS:
            self.call_after_refresh(lambda: self.query_one(f"#{self.FOCUS}").focus())


# -- a petition ----------------------------------------------------------------------------
@dataclass
class EditOutcome:
    """Result of the petition form: saved (``petition_id``) or a conflict to resolve."""

    petition_id: int | None
    mine: dict[str, Any] = dc_field(default_factory=dict)
    theirs: dict[str, Any] | None = None
    created: bool = False


FORM_KEYS = ("batch_no", "batch_date", "case_no", "content", "unit", "key_case", "repeat_of", "method",
             "petitioner_name", "petitioner_phone", "petitioner_address", "target", "note")


class PetitionForm(_FocusFirst, FormModal[EditOutcome]):
    """New petition (by hand), or edit one (``row`` given). Hand-over and results have their own forms."""

    TITLE_TEXT = "新增信访件"
    FOCUS = "case_no"

    def __init__(self, store, *, row: dict | None = None, initial: dict | None = None,
                 version: int | None = None, draft_key: str | None = None, batch_no: int | None = None):
        self.row = row
        self.version = version if version is not None else (row or {}).get("version")
        self.types = refdata.vocab(store, "pollution_type")
        if row:
            self.types += [t for t in split_list(row["pollution_types"]) if t not in self.types]
        init = dict(initial or {})
        if row is not None and initial is None:
            init = {k: row.get(k) for k in FORM_KEYS if k in row}
            init["batch_no"] = str(row["batch_no"])
            init["key_case"] = bool(row["key_case"])
            init["is_repeat"] = bool(row["is_repeat"])
            init["types"] = split_list(row["pollution_types"])
        elif row is None and initial is None:
            init["batch_no"] = str(batch_no) if batch_no else ""
            init["batch_date"] = dates.today().isoformat()
        title = f"编辑信访件：{row['case_no']}" if row else self.TITLE_TEXT
        super().__init__(store, initial=init, draft_key=draft_key, title=title)

    def compose_fields(self) -> ComposeResult:
        init = self.initial
        with Horizontal(classes="pet-pair"):
            yield field("批次号", Input(id="batch_no", placeholder="如 3"))
            yield field("转办日期（新批次用）", Input(id="batch_date", placeholder="2024-03-14"))
        with Horizontal(classes="pet-pair"):
            yield field("受理编号", Input(id="case_no", placeholder="如 D2HH202403130001"))
            yield field("受理方式", Select([("按编号推断（D 来电 / X 来信）", ""), ("来电", "来电"), ("来信", "来信")],
                                         id="method", value="", allow_blank=False))
        yield field("交办问题基本情况", TextArea(id="content", soft_wrap=True))
        with Horizontal(classes="pet-pair"):
            yield field("行政区域", Select(_options(refdata.unit_names(self.store), init.get("unit")), id="unit",
                                          prompt="选择行政区域"))
            yield field("重复关联件（如 与D2HH202403250005重复，可空）", Input(id="repeat_of"))
        yield Static("污染类型（可多选：空格键勾选）", classes="pet-label")
        yield SelectionList[str](*[(Text(t), t) for t in self.types], id="types", classes="pet-types")
        with Horizontal(classes="pet-pair"):
            yield Checkbox("重点件", id="key_case")
            yield Checkbox("重复件（关联件可空）", id="is_repeat")
        yield Static("信访人信息仅在详情和完整台账中显示，列表中隐去。", classes="pet-label")
        with Horizontal(classes="pet-triple"):
            yield field("信访人", Input(id="petitioner_name"))
            yield field("联系电话", Input(id="petitioner_phone"))
            yield field("地址", Input(id="petitioner_address"))
        yield field("办结目标（可空）", Input(id="target"))
        yield field("备注（可空）", Input(id="note"))

    # the types are one SelectionList (13 checkboxes would make the form slow to open)
    def values(self) -> dict[str, Any]:
        out = super().values()
        out["types"] = list(self.query_one("#types", SelectionList).selected)
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        super().set_values(values)
        if isinstance(values.get("types"), list):
            widget = self.query_one("#types", SelectionList)
            widget.deselect_all()
            for t in values["types"]:
                if t in self.types:
                    widget.select(t)

    @on(SelectionList.SelectedChanged, "#types")
    def _types_changed(self) -> None:
        self._changed()

    def _input(self, values: dict[str, Any]) -> S.PetitionInput:
        return S.PetitionInput(
            case_no=values["case_no"], content=values["content"], unit=values["unit"],
            pollution_types=[t for t in self.types if t in (values.get("types") or [])],
            key_case=values["key_case"], is_repeat=values["is_repeat"], repeat_of=values["repeat_of"],
            method=values["method"],
            petitioner_name=values["petitioner_name"], petitioner_phone=values["petitioner_phone"],
            petitioner_address=values["petitioner_address"], target=values["target"], note=values["note"])

    def build(self, values: dict[str, Any]) -> EditOutcome:
        from ....petitions.io import parse_batch_no

        if not values["batch_no"]:
            raise UserError("请填写批次号")
        no = parse_batch_no(values["batch_no"])
        inp = self._input(values)
        S.prepare(self.store, inp)  # every problem shows here, before a batch is created
        with self.store.write():
            batch = S.batch_by_no(self.store, no)
            if batch is None:
                day = _date(values["batch_date"], "转办日期") or dates.today()
                batch_id = S.add_batch(self.store, no, day)
            else:
                batch_id = batch["id"]
            if self.row is None:
                return EditOutcome(S.add_petition(self.store, batch_id, inp), created=True)
            try:
                S.update_petition(self.store, self.row["id"], inp, expected_version=self.version, batch_id=batch_id)
            except ConflictError as exc:
                return EditOutcome(None, mine=values, theirs=exc.current)
        return EditOutcome(self.row["id"])


# -- hand-over, result, status ---------------------------------------------------------------
class HandOverForm(_FocusFirst, FormModal[dict]):
    """交办: responsible units and the deadline (computed from the settings unless typed)."""

    FOCUS = "lead_unit"

    def __init__(self, store, row: dict):
        self.row = row
        init = {"lead_unit": row["lead_unit"] or row["unit"], "coop_units": row["coop_units"],
                "day": dates.today().isoformat(), "target": row["target"]}
        super().__init__(store, initial=init, draft_key=f"petitions.hand_over.{row['id']}",
                         title=f"交办：{row['case_no']}（{row['unit']}）")

    def compose_fields(self) -> ComposeResult:
        units = refdata.unit_names(self.store)
        yield field("牵头责任单位", Select(_options(units, self.initial.get("lead_unit")), id="lead_unit",
                                       prompt="选择牵头单位"))
        yield field("配合单位（用、分隔，可空）", Input(id="coop_units", placeholder="如 市生态环境局、市自然资源局"))
        yield field("交办时间", Input(id="day"))
        yield field(f"办理时限（留空按设置计算：{S.deadline_text(self.store)}）", Input(id="due", placeholder="留空自动计算"))
        yield Static("", id="due-hint", classes="pet-label")
        yield field("办结目标（可空）", Input(id="target"))

    @on(Input.Changed, "#day")
    def _day_changed(self, event: Input.Changed) -> None:
        hint = self.query_one("#due-hint", Static)
        try:
            day = dates.parse_date(event.value)
        except UserError:
            hint.update("")
            return
        due, warning = S.due_date_for(self.store, day)
        hint.update(f"按设置计算的办理时限：{dates.cn_date_long(due)}" + (f"\n{warning}" if warning else ""))

    def build(self, values: dict[str, Any]) -> dict:
        if not values["lead_unit"]:
            raise UserError("请选择牵头责任单位")
        day = _date(values["day"], "交办时间") or dates.today()
        due = _date(values["due"], "办理时限")
        row, warning = S.hand_over(self.store, self.row["id"], values["lead_unit"], values["coop_units"], day=day,
                                   due=due, target=values["target"], expected_version=self.row["version"])
        return {"row": row, "warning": warning}

    def conflict_view(self, values: dict[str, Any], current: dict):
        labels = {k: LABELS[k] for k in ("lead_unit", "coop_units", "assigned_date", "due_date", "target", "status")}
        mine = {"lead_unit": values["lead_unit"], "coop_units": values["coop_units"], "assigned_date": values["day"],
                "due_date": values["due"] or "（按设置计算）", "target": values["target"], "status": current.get("status")}
        return labels, mine, current

    def take_version(self, current: dict) -> None:
        self.row = {**self.row, "version": current["version"]}


class ResultForm(_FocusFirst, FormModal[dict]):
    """录入结果: the latest result is filled in; the same 办结日期 corrects it, a new date adds one."""

    FOCUS = "investigation"

    def __init__(self, store, row: dict):
        self.row = row
        latest = S.latest_result(store, row["id"]) or {}
        init = {k: latest.get(k, "") for k in ("investigation", "truth", "handling", "accountability")}
        init.update({c.field: fmt_number(latest.get(c.field)) if latest.get(c.field) else "" for c in COUNTERS})
        init["kind"] = latest.get("kind") or "已办结"
        init["date"] = dates.today().isoformat()
        super().__init__(store, initial=init, draft_key=f"petitions.result.{row['id']}",
                         title=f"录入办理结果：{row['case_no']}（{row['unit']}）")

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="pet-pair"):
            yield field("办结情况", Select([(k, k) for k in RESULT_KINDS], id="kind", allow_blank=False))
            yield field("办结日期（默认今天）", Input(id="date"))
        yield field("调查核实情况", TextArea(id="investigation", soft_wrap=True))
        yield field("是否属实", Select(_options(refdata.vocab(self.store, "truth"), self.initial.get("truth")),
                                     id="truth", prompt="（未填）"))
        yield field("处理和整改情况", TextArea(id="handling", soft_wrap=True))
        yield field("责任追究情况", Input(id="accountability"))
        with Grid(classes="pet-counters"):
            for c in COUNTERS:
                yield field(f"{c.label}（{c.unit}）", Input(id=c.field, placeholder="0"))

    def build(self, values: dict[str, Any]) -> dict:
        res = S.ResultInput(
            kind=values["kind"], date=_date(values["date"], "办结日期"), investigation=values["investigation"],
            truth=values["truth"], handling=values["handling"], accountability=values["accountability"],
            counters={c.field: values[c.field] for c in COUNTERS})
        return S.record_result(self.store, self.row["id"], res, expected_version=self.row["version"])

    def conflict_view(self, values: dict[str, Any], current: dict):
        keys = ("investigation", "truth", "handling", "accountability")
        labels = {"status": LABELS["status"], "closed_date": LABELS["closed_date"], **{k: LABELS[k] for k in keys}}
        mine = {"status": values["kind"], "closed_date": values["date"], **{k: values[k] for k in keys}}
        return labels, mine, current

    def take_version(self, current: dict) -> None:
        self.row = {**self.row, "version": current["version"]}


class StatusForm(_FocusFirst, FormModal[dict]):
    FOCUS = "status"

    def __init__(self, store, row: dict):
        self.row = row
        super().__init__(store, initial={"status": row["status"], "day": dates.today().isoformat()},
                         draft_key=f"petitions.status.{row['id']}",
                         title=f"变更状态：{row['case_no']}（当前：{row['status']}）")

    def compose_fields(self) -> ComposeResult:
        yield field("新状态", Select([(s, s) for s in STATUSES], id="status", allow_blank=False))
        yield field("日期（办结、公开或重新打开的日期）", Input(id="day"))
        yield field("说明（可空）", Input(id="note"))
        yield Static("改为“阶段性办结/已办结”会按此日期记录一次办理结果（沿用已录入的内容）；"
                     "从办结改回“已交办”会按此日期记为重新办理。", classes="pet-label")

    def build(self, values: dict[str, Any]) -> dict:
        if values["status"] == self.row["status"]:
            raise UserError("状态没有变化")
        return S.set_status(self.store, self.row["id"], values["status"], day=_date(values["day"], "日期"),
                            note=values["note"], expected_version=self.row["version"])

    def conflict_view(self, values: dict[str, Any], current: dict):
        return {"status": LABELS["status"]}, {"status": values["status"]}, current

    def take_version(self, current: dict) -> None:
        self.row = {**self.row, "version": current["version"]}


class BatchForm(_FocusFirst, FormModal[dict]):
    """A batch's number, transfer date (the business date its figures count by) and group."""

    FOCUS = "date"

    def __init__(self, store, batch: dict):
        self.batch = batch
        super().__init__(store, initial={"no": str(batch["no"]), "date": batch["date"], "group_name": batch["group_name"],
                                         "note": batch["note"]}, draft_key=f"petitions.batch.{batch['id']}",
                         title=f"批次：第{batch['no']}批")

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="pet-pair"):
            yield field("批次号", Input(id="no"))
            yield field("转办日期", Input(id="date"))
        yield field("督察组", Input(id="group_name"))
        yield field("备注（如 分解后交办N件）", Input(id="note"))
        yield Static("转办日期决定统计和简报把这一批算在哪一天；尚未交办的信访件的办理时限随之重算。", classes="pet-label")

    def build(self, values: dict[str, Any]) -> dict:
        from ....petitions.io import parse_batch_no

        day = _date(values["date"], "转办日期")
        if day is None:
            raise UserError("转办日期不能为空")
        return S.update_batch(self.store, self.batch["id"], no=parse_batch_no(values["no"]), day=day,
                              group_name=values["group_name"], note=values["note"],
                              expected_version=self.batch["version"])

    def conflict_view(self, values: dict[str, Any], current: dict):
        labels = {k: LABELS[k] for k in ("no", "date", "group_name", "note")}
        return labels, values, {**current, "no": str(current.get("no", ""))}

    def take_version(self, current: dict) -> None:
        self.batch = {**self.batch, "version": current["version"]}


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


class ImportForm(_FocusFirst, FormModal[ImportRequest]):
    FOCUS = "path"

    def __init__(self, store):
        super().__init__(store, draft_key="petitions.import", title="导入督察组转办的信访件表（.xlsx .xls .xlsb .ods .csv，或 .docx 函件中的表格）")

    def compose_fields(self) -> ComposeResult:
        yield field("文件路径", Input(id="path", placeholder="如 ~/下载/第3批信访件.xlsx"))
        with Horizontal(classes="pet-pair"):
            yield field("批次号（表中无“批次”列时必填）", Input(id="batch"))
            yield field("转办日期（新批次；默认今天）", Input(id="day"))
        yield Static("先检查全部行并显示报告，确认后才导入；有错误的表不会导入任何一行。", classes="pet-label")

    def build(self, values: dict[str, Any]) -> ImportRequest:
        from ....petitions.io import parse_batch_no

        batch = parse_batch_no(values["batch"]) if values["batch"] else None
        return ImportRequest(_path(values["path"]), batch, _date(values["day"], "转办日期"))


class PathForm(_FocusFirst, FormModal[Path]):
    """One existing file (the county results sheet)."""

    FOCUS = "path"

    def __init__(self, store, title: str, hint: str = ""):
        self.hint = hint
        super().__init__(store, title=title)

    def compose_fields(self) -> ComposeResult:
        yield field("文件路径", Input(id="path", placeholder="如 ~/下载/办理结果.xlsx"))
        if self.hint:
            yield Static(self.hint, classes="pet-label")

    def build(self, values: dict[str, Any]) -> Path:
        return _path(values["path"])


@dataclass
class ExportRequest:
    path: Path
    batch_no: int | None
    public: bool


class ExportForm(_FocusFirst, FormModal[ExportRequest]):
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
class ReportModal(SafeDispatch, ModalScreen[bool]):
    """A long report (an import preview) with a question: Y / Enter = yes, N / Esc = no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "确认", id="petitions.report.yes"),
        Binding("n,escape", "answer(False)", "取消", id="petitions.report.no"),
    ]

    def __init__(self, title: str, body: str, *, yes: str = "确认导入", no: str = "取消", ask: bool = True):
        super().__init__(classes="dialog-screen")
        self.title_text, self.body, self.yes, self.no, self.ask = title, body, yes, no, ask

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(clean_line(self.title_text), classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static(clean(self.body), markup=False)
            with Horizontal(classes="dialog-buttons"):
                if self.ask:
                    yield Button(f"{self.yes} (Y)", id="yes", variant="primary")
                yield Button(f"{self.no} (N)" if self.ask else "关闭 (Esc)", id="no")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value and self.ask)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


@dataclass
class RepeatChoice:
    petition_id: int
    other_id: int
    label: str


class RepeatModal(SafeDispatch, ModalScreen[list[RepeatChoice]]):
    """Possible repeats found on intake: tick the ones to link (Ctrl+S links, Esc skips)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "关联所选", id="petitions.repeats.save"),
        Binding("escape", "skip", "跳过", id="petitions.repeats.skip"),
    ]

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
