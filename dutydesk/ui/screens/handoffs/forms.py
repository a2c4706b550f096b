"""Forms and dialogs of the 问题交办 screen.

The forms that record something (progress, status, 回头看, 从信访件生成) save in ``build`` so
a rule the domain refuses (e.g. 未经验收不能销号) is shown in the form, which stays open.
The problem and status forms are record forms (``ui.editing``): an edit someone else saved
first is compared there.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Select, Static, TextArea

from .... import dates, refdata
from ....errors import UserError
from ....handoffs import intake, lifecycle, links, model, progress, rechecks, summary
from ...editing import Comparison, RecordForm
from ...modals import FormModal, choices, field
from ...widgets.cells import plain
from ...keys import keymap
from ...widgets.checkbox import Checkbox


CONFLICT_LABELS = {k: model.LABELS[k] for k in model.EDITABLE}


class ProblemForm(RecordForm[int]):
    """New problem, or edit one (``row`` given); returns the problem's id. Status changes have
    their own form."""

    TITLE_TEXT = "新增问题"
    FOCUS = "description"
    MULTILINE = {"description", "target", "measures"}

    def __init__(self, store, *, row: dict | None = None, draft_key: str | None = None):
        self.row = row
        self.expected_version = (row or {}).get("version")
        if row is not None:
            init = {k: row.get(k) or "" for k in model.EDITABLE}
        else:
            init = {"assigned_on": dates.today().isoformat(),
                    "source": (refdata.vocab(store, "problem_source") or [""])[0]}
        title = f"编辑问题：{row['problem_no']}" if row else self.TITLE_TEXT
        super().__init__(store, initial=init, draft_key=draft_key, title=title)

    def compose_fields(self) -> ComposeResult:
        units = refdata.unit_names(self.store)
        init = self.initial
        yield field("问题编号（留空自动生成，如 WT-2024-0001）", Input(id="problem_no"))
        yield field("来源", Select(choices(refdata.vocab(self.store, "problem_source"), init.get("source")),
                                   id="source", prompt="选择来源"))
        yield field("问题描述", TextArea(id="description", soft_wrap=True))
        yield field("行政区域（可空）", Select(choices(units, init.get("region")), id="region", prompt="（无）"))
        yield field("牵头单位", Select(choices(units, init.get("lead_unit")), id="lead_unit", prompt="选择牵头单位"))
        yield field("配合单位（用、分隔，可空）", Input(id="coop_units", placeholder="如 市生态环境局、市水利局"))
        yield field("责任人", Input(id="owner"))
        yield field("责任人联系电话", Input(id="owner_phone"))
        yield field("整改目标", TextArea(id="target", soft_wrap=True))
        yield field("整改措施（一案一策）", TextArea(id="measures", soft_wrap=True))
        yield field("整改时限（如 2024-06-30、6月底前；长期坚持可空）", Input(id="deadline"))
        yield field("时限类别", Select(choices(refdata.vocab(self.store, "deadline_category"),
                                              init.get("deadline_category")), id="deadline_category", prompt="（未分类）"))
        yield field("交办日期", Input(id="assigned_on"))
        yield field("备注", Input(id="note"))

    def build(self, values: dict[str, Any]) -> int:
        cleaned = intake.clean_problem(self.store, values)
        if self.row is None:
            return intake.create(self.store, **cleaned)
        if not cleaned.get("problem_no"):
            raise UserError("问题编号不能为空")
        intake.update_problem(self.store, self.row["id"], cleaned, expected_version=self.expected_version)
        return self.row["id"]

    def compare(self, values: dict[str, Any], theirs: dict) -> Comparison:
        return Comparison(CONFLICT_LABELS, intake.clean_problem(self.store, values), theirs)


class ProgressForm(FormModal[int]):
    FOCUS = "content"

    def __init__(self, store, row: dict):
        self.row = row
        super().__init__(store, initial={"date": dates.today().isoformat()}, draft_key=f"handoffs.progress.{row['id']}",
                         title=f"添加整改进展：{row['problem_no']}")

    def compose_fields(self) -> ComposeResult:
        yield field("日期", Input(id="date"))
        yield field("整改进展", TextArea(id="content", soft_wrap=True, classes="tall"))

    def build(self, values: dict[str, Any]) -> int:
        return progress.add_progress(self.store, self.row["id"], values["content"], on=values["date"] or None)


STATUS_HINTS = {
    model.IN_PROGRESS: "整改中：填写开始整改日期；如从“已完成/已验收”退回，须在“依据/原因”中说明原因。",
    model.COMPLETED: "已完成：填写完成日期。",
    model.ACCEPTED: "已验收：须填写验收人（或验收单位）和验收日期；“依据”填写验收情况。",
    model.CLOSED: "已销号：须先验收；填写销号日期、销号人（或批准单位）和销号依据（如：验收意见、公示情况）。",
}


class StatusForm(RecordForm[str]):
    FOCUS = "to_status"

    def __init__(self, store, row: dict):
        self.row = row
        self.expected_version = row["version"]
        self.choices = lifecycle.allowed_next(row["status"])
        super().__init__(store, initial={"to_status": self.choices[0], "date": dates.today().isoformat()},
                         draft_key=f"handoffs.status.{row['id']}",
                         title=f"变更状态：{row['problem_no']}（当前：{model.status_text(row['status'], row['rebound'])}）")

    def compose_fields(self) -> ComposeResult:
        yield field("变更为", Select([(s, s) for s in self.choices], id="to_status", allow_blank=False,
                                     value=self.choices[0]))
        yield Static(STATUS_HINTS.get(self.choices[0], ""), id="status-hint", classes="handoff-hint", markup=False)
        yield field("日期（完成/验收/销号日期）", Input(id="date"))
        yield field("验收人/销号人（验收、销号时必填）", Input(id="by"))
        yield field("依据/原因（验收情况、销号依据、退回原因）", TextArea(id="basis", soft_wrap=True))
        yield field("备注", Input(id="note"))

    @on(Select.Changed, "#to_status")
    def _hint(self, event: Select.Changed) -> None:
        self.query_one("#status-hint", Static).update(STATUS_HINTS.get(str(event.value), ""))

    def build(self, values: dict[str, Any]) -> str:
        target = values["to_status"]
        lifecycle.change_status(self.store, self.row["id"], target, on=values["date"] or None, by=values["by"],
                        basis=values["basis"], note=values["note"], expected_version=self.expected_version)
        return target

    def compare(self, values: dict[str, Any], theirs: dict) -> Comparison:
        return Comparison({"status": model.LABELS["status"]}, {"status": values["to_status"]}, theirs)


class RecheckForm(FormModal[bool]):
    """回头看. Returns whether the problem came back (and was reopened)."""

    FOCUS = "finding"

    def __init__(self, store, row: dict):
        self.row = row
        super().__init__(store, initial={"date": dates.today().isoformat()}, draft_key=f"handoffs.recheck.{row['id']}",
                         title=f"回头看：{row['problem_no']}（{row['status']}）")

    def compose_fields(self) -> ComposeResult:
        yield field("回头看日期", Input(id="date"))
        yield field("检查人", Input(id="checker"))
        yield field("发现情况", TextArea(id="finding", soft_wrap=True))
        yield Checkbox("问题反弹（重新打开为“整改中”，标记反弹）", id="came_back")
        yield field("反弹时新的整改时限（可空）", Input(id="new_deadline"))

    def build(self, values: dict[str, Any]) -> bool:
        rechecks.recheck(self.store, self.row["id"], finding=values["finding"], came_back=values["came_back"],
                  on=values["date"] or None, checker=values["checker"], new_deadline=values["new_deadline"] or None)
        return bool(values["came_back"])


class FromPetitionForm(FormModal[int]):
    """从信访件生成: the 受理编号, and optionally the deadline; returns the new problem's id."""

    FOCUS = "case_no"
    TITLE_TEXT = "从信访件生成问题"

    def compose_fields(self) -> ComposeResult:
        yield field("受理编号", Input(id="case_no", placeholder="如 D2HH202403250005"))
        yield field("整改时限（可空）", Input(id="deadline"))
        yield field("时限类别", Select(choices(refdata.vocab(self.store, "deadline_category")), id="deadline_category",
                                   prompt="（未分类）"))

    def build(self, values: dict[str, Any]) -> int:
        if not values["case_no"]:
            raise UserError("请填写受理编号")
        pid = links.find_petition(self.store, values["case_no"])
        extra = {k: values[k] for k in ("deadline", "deadline_category") if values.get(k)}
        return links.create_from_petition(self.store, pid, **extra)


class SummaryModal(ModalScreen[None]):
    """按单位汇总: total, each status, late, rebound, closure rate per 牵头单位."""

    BINDINGS = keymap("handoffs_summary", [
        ("escape,enter,q,u", "close", "关闭"),
    ])
    def __init__(self, rows: list[dict], title: str):
        super().__init__(classes="dialog-screen")
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="handoff-summary"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield DataTable(id="summary-table", cursor_type="row", zebra_stripes=True)
            yield Button("关闭 (Esc)", id="close")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in summary.SUMMARY_COLUMNS:
            table.add_column(label, key=key)
        for r in self.rows:
            style = "bold" if r["unit"] == "合计" else ("red" if r["late"] else "")
            table.add_row(*(plain(r[k], style) for k, _ in summary.SUMMARY_COLUMNS), key=r["unit"])
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
