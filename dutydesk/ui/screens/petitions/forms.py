"""The record forms of the 信访件 screen: a petition, its 交办, result, status, and a batch.

Each is a record form (``ui.editing``): it saves in ``build``, so a rule the domain refuses
is shown in the form, which stays open, and an edit someone else saved first is compared.
The file forms and the report and repeat dialogs are in ``dialogs.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.widgets import Input, Select, Static, TextArea

from .... import dates, refdata
from ....errors import UserError
from ....petitions.batches import update_batch
from ....petitions.deadlines import deadline_text, due_date_for
from ....petitions.intake import PetitionInput
from ....petitions.workflow import ResultInput, hand_over, latest_result, record_result, set_status
from ....petitions.hand_entry import enter_petition
from ....petitions.model import COUNTERS, LABELS, RESULT_KINDS, STATUSES, fmt_number, split_list
from ....text import mask_name, mask_phone
from ...editing import Comparison, RecordForm
from ...modals import FormModal, choices, field, typed_day
from ...widgets.checkbox import Checkbox
from ...widgets.selection_list import SelectionList


# -- a petition ----------------------------------------------------------------------------
FORM_KEYS = ("batch_no", "batch_date", "case_no", "content", "unit", "key_case", "repeat_of", "method",
             "petitioner_name", "petitioner_phone", "petitioner_address", "target", "note")
CONFLICT_LABELS = {k: LABELS[k] for k in ("case_no", "content", "unit", "repeat_of", "petitioner_name",
                                          "petitioner_phone", "petitioner_address", "target", "note")}


def _masked(values: dict) -> dict:
    """A petition as the conflict dialog shows it: the petitioner never in clear."""
    out = dict(values)
    out["petitioner_name"] = mask_name(out.get("petitioner_name") or "")
    out["petitioner_phone"] = mask_phone(out.get("petitioner_phone") or "")
    out["petitioner_address"] = "（已隐藏）" if out.get("petitioner_address") else ""
    return out


class PetitionForm(RecordForm[int]):
    """New petition (by hand), or edit one (``row`` given); returns its id. Hand-over and results
    have their own forms."""

    TITLE_TEXT = "新增信访件"
    FOCUS = "case_no"

    def __init__(self, store, *, row: dict | None = None, draft_key: str | None = None, batch_no: int | None = None):
        self.row = row
        self.expected_version = (row or {}).get("version")
        self.types = refdata.vocab(store, "pollution_type")
        if row:
            self.types += [t for t in split_list(row["pollution_types"]) if t not in self.types]
            init = {k: row.get(k) for k in FORM_KEYS if k in row}
            init["batch_no"] = str(row["batch_no"])
            init["key_case"] = bool(row["key_case"])
            init["is_repeat"] = bool(row["is_repeat"])
            init["types"] = split_list(row["pollution_types"])
        else:
            init = {"batch_no": str(batch_no) if batch_no else "", "batch_date": dates.today().isoformat()}
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
            yield field("行政区域", Select(choices(refdata.unit_names(self.store), init.get("unit")), id="unit",
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

    def _input(self, values: dict[str, Any]) -> PetitionInput:
        return PetitionInput(
            case_no=values["case_no"], content=values["content"], unit=values["unit"],
            pollution_types=[t for t in self.types if t in (values.get("types") or [])],
            key_case=values["key_case"], is_repeat=values["is_repeat"], repeat_of=values["repeat_of"],
            method=values["method"],
            petitioner_name=values["petitioner_name"], petitioner_phone=values["petitioner_phone"],
            petitioner_address=values["petitioner_address"], target=values["target"], note=values["note"])

    def build(self, values: dict[str, Any]) -> int:
        from ....petitions.io import parse_batch_no

        if not values["batch_no"]:
            raise UserError("请填写批次号")
        return enter_petition(self.store, self._input(values), batch_no=parse_batch_no(values["batch_no"]),
                              batch_date=values["batch_date"], petition_id=self.row["id"] if self.row else None,
                              expected_version=self.expected_version)

    def compare(self, values: dict[str, Any], theirs: dict) -> Comparison:
        return Comparison(CONFLICT_LABELS, _masked(values), _masked(theirs))


# -- hand-over, result, status ---------------------------------------------------------------
def hand_over_fields(store, lead_unit: str | None, target_label: str) -> ComposeResult:
    """The fields of a 交办 (one petition's or the selection's)."""
    yield field("牵头责任单位", Select(choices(refdata.unit_names(store), lead_unit), id="lead_unit",
                                   prompt="选择牵头单位"))
    yield field("配合单位（用、分隔，可空）", Input(id="coop_units", placeholder="如 市生态环境局、市自然资源局"))
    yield field("交办时间", Input(id="day"))
    yield field(f"办理时限（留空按设置计算：{deadline_text(store)}）", Input(id="due", placeholder="留空自动计算"))
    yield Static("", id="due-hint", classes="pet-label")
    yield field(target_label, Input(id="target"))


def due_hint(store, text: str) -> str:
    """The deadline the settings give for the 交办时间 typed ("" while it is not a date)."""
    try:
        day = dates.parse_date(text)
    except UserError:
        return ""
    due, warning = due_date_for(store, day)
    return f"按设置计算的办理时限：{dates.cn_date_long(due)}" + (f"\n{warning}" if warning else "")


class HandOverForm(RecordForm[dict]):
    """交办: responsible units and the deadline (computed from the settings unless typed)."""

    FOCUS = "lead_unit"

    def __init__(self, store, row: dict):
        self.row = row
        self.expected_version = row["version"]
        init = {"lead_unit": row["lead_unit"] or row["unit"], "coop_units": row["coop_units"],
                "day": dates.today().isoformat(), "target": row["target"]}
        super().__init__(store, initial=init, draft_key=f"petitions.hand_over.{row['id']}",
                         title=f"交办：{row['case_no']}（{row['unit']}）")

    def compose_fields(self) -> ComposeResult:
        yield from hand_over_fields(self.store, self.initial.get("lead_unit"), "办结目标（可空）")

    @on(Input.Changed, "#day")
    def _day_changed(self, event: Input.Changed) -> None:
        self.query_one("#due-hint", Static).update(due_hint(self.store, event.value))

    def build(self, values: dict[str, Any]) -> dict:
        if not values["lead_unit"]:
            raise UserError("请选择牵头责任单位")
        day = typed_day(values["day"], "交办时间", optional=True) or dates.today()
        due = typed_day(values["due"], "办理时限", optional=True)
        row, warning = hand_over(self.store, self.row["id"], values["lead_unit"], values["coop_units"], day=day,
                                   due=due, target=values["target"], expected_version=self.expected_version)
        return {"row": row, "warning": warning}

    def compare(self, values: dict[str, Any], current: dict) -> Comparison:
        labels = {k: LABELS[k] for k in ("lead_unit", "coop_units", "assigned_date", "due_date", "target", "status")}
        mine = {"lead_unit": values["lead_unit"], "coop_units": values["coop_units"], "assigned_date": values["day"],
                "due_date": values["due"] or "（按设置计算）", "target": values["target"], "status": current.get("status")}
        return Comparison(labels, mine, current)


class ResultForm(RecordForm[dict]):
    """录入结果: the latest result is filled in; the same 办结日期 corrects it, a new date adds one."""

    FOCUS = "investigation"

    def __init__(self, store, row: dict):
        self.row = row
        self.expected_version = row["version"]
        latest = latest_result(store, row["id"]) or {}
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
        yield field("是否属实", Select(choices(refdata.vocab(self.store, "truth"), self.initial.get("truth")),
                                     id="truth", prompt="（未填）"))
        yield field("处理和整改情况", TextArea(id="handling", soft_wrap=True))
        yield field("责任追究情况", Input(id="accountability"))
        with Grid(classes="pet-counters"):
            for c in COUNTERS:
                yield field(f"{c.label}（{c.unit}）", Input(id=c.field, placeholder="0"))

    def build(self, values: dict[str, Any]) -> dict:
        res = ResultInput(
            kind=values["kind"], date=typed_day(values["date"], "办结日期", optional=True),
            investigation=values["investigation"],
            truth=values["truth"], handling=values["handling"], accountability=values["accountability"],
            counters={c.field: values[c.field] for c in COUNTERS})
        return record_result(self.store, self.row["id"], res, expected_version=self.expected_version)

    def compare(self, values: dict[str, Any], current: dict) -> Comparison:
        keys = ("investigation", "truth", "handling", "accountability")
        labels = {"status": LABELS["status"], "closed_date": LABELS["closed_date"], **{k: LABELS[k] for k in keys}}
        mine = {"status": values["kind"], "closed_date": values["date"], **{k: values[k] for k in keys}}
        return Comparison(labels, mine, current)


def status_fields(*, allow_blank: bool) -> ComposeResult:
    """The fields of a status change (one petition's or the selection's)."""
    yield field("新状态", Select([(s, s) for s in STATUSES], id="status", allow_blank=allow_blank,
                              prompt="选择新状态"))
    yield field("日期（办结、公开或重新打开的日期）", Input(id="day"))
    yield field("说明（可空）", Input(id="note"))
    yield Static("改为“阶段性办结/已办结”会按此日期记录一次办理结果（沿用已录入的内容）；"
                 "从办结改回“已交办”会按此日期记为重新办理。", classes="pet-label")


class StatusForm(RecordForm[dict]):
    FOCUS = "status"

    def __init__(self, store, row: dict):
        self.row = row
        self.expected_version = row["version"]
        super().__init__(store, initial={"status": row["status"], "day": dates.today().isoformat()},
                         draft_key=f"petitions.status.{row['id']}",
                         title=f"变更状态：{row['case_no']}（当前：{row['status']}）")

    def compose_fields(self) -> ComposeResult:
        yield from status_fields(allow_blank=False)

    def build(self, values: dict[str, Any]) -> dict:
        if values["status"] == self.row["status"]:
            raise UserError("状态没有变化")
        return set_status(self.store, self.row["id"], values["status"],
                            day=typed_day(values["day"], "日期", optional=True), note=values["note"],
                            expected_version=self.expected_version)

    def compare(self, values: dict[str, Any], current: dict) -> Comparison:
        return Comparison({"status": LABELS["status"]}, {"status": values["status"]}, current)


class BatchForm(RecordForm[dict]):
    """A batch's number, transfer date (the business date its figures count by) and group."""

    FOCUS = "date"

    def __init__(self, store, batch: dict):
        self.batch = batch
        self.expected_version = batch["version"]
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

        day = typed_day(values["date"], "转办日期", optional=True)
        if day is None:
            raise UserError("转办日期不能为空")
        return update_batch(self.store, self.batch["id"], no=parse_batch_no(values["no"]), day=day,
                              group_name=values["group_name"], note=values["note"],
                              expected_version=self.expected_version)

    def compare(self, values: dict[str, Any], current: dict) -> Comparison:
        labels = {k: LABELS[k] for k in ("no", "date", "group_name", "note")}
        return Comparison(labels, values, {**current, "no": str(current.get("no", ""))})


# -- the selection's 交办 and status (the screen confirms, then petitions/bulk.py saves) ----------
@dataclass
class BulkHandOver:
    lead_unit: str
    coop_units: str
    day: dt.date
    due: dt.date | None  # None: counted from ``day`` by the settings
    target: str | None  # None: each petition keeps its own


class BulkHandOverForm(FormModal[BulkHandOver]):
    """交办 of the selected petitions: one lead unit, date and deadline for all; saves nothing
    (the screen shows what it will do and asks first)."""

    FOCUS = "lead_unit"

    def __init__(self, store, count: int, *, unit: str = "", note: str = ""):
        super().__init__(store, initial={"lead_unit": unit, "day": dates.today().isoformat()},
                         draft_key="petitions.bulk.hand_over", title=f"交办所选的 {count} 件待交办信访件{note}")

    def compose_fields(self) -> ComposeResult:
        yield from hand_over_fields(self.store, self.initial.get("lead_unit"), "办结目标（可空；留空则各件保持原有的）")

    @on(Input.Changed, "#day")
    def _day_changed(self, event: Input.Changed) -> None:
        self.query_one("#due-hint", Static).update(due_hint(self.store, event.value))

    def build(self, values: dict[str, Any]) -> BulkHandOver:
        if not values["lead_unit"]:
            raise UserError("请选择牵头责任单位", field="lead_unit")
        day = typed_day(values["day"], "交办时间", optional=True) or dates.today()
        due = typed_day(values["due"], "办理时限", optional=True)
        if due is not None and due < day:
            raise UserError("办理时限不能早于交办时间", field="due")
        return BulkHandOver(values["lead_unit"], values["coop_units"], day, due, values["target"] or None)


@dataclass
class BulkStatus:
    status: str
    day: dt.date
    note: str


class BulkStatusForm(FormModal[BulkStatus]):
    """The new status of the selected petitions; saves nothing (the screen asks first)."""

    FOCUS = "status"

    def __init__(self, store, count: int):
        super().__init__(store, initial={"day": dates.today().isoformat()}, draft_key="petitions.bulk.status",
                         title=f"变更所选的 {count} 件信访件的状态")

    def compose_fields(self) -> ComposeResult:
        yield from status_fields(allow_blank=True)

    def build(self, values: dict[str, Any]) -> BulkStatus:
        if not values["status"]:
            raise UserError("请选择新状态", field="status")
        return BulkStatus(values["status"], typed_day(values["day"], "日期", optional=True) or dates.today(),
                          values["note"])
