"""Forms and dialogs of the 值班表 screen: day, generate, swap, leave, log entry, handover, import.

The people (人员管理) are in ``people.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static, TextArea

from .... import dates
from ....errors import UserError
from ....refdata import vocab
from ....roster import dutylog, service
from ....roster.people import Person, get_person, list_people
from ....text import clean_line
from ...editing import Comparison, RecordForm
from ...file_picker import FileForm
from ...modals import ConfirmModal, FormModal, field, typed_day
from ...keys import keymap
from ...widgets.checkbox import Checkbox
from ...widgets.selection_list import SelectionList


def _names(people: list[Person]) -> str:
    return "、".join(p.name for p in people)


# -- a day --------------------------------------------------------------------------------
DAY_CONFLICT_LABELS = {k: service.DAY_LABELS[k] for k in ("leader", "members", "note")}


class DayForm(RecordForm[int]):
    """带班领导 (one), 值班人员 (several, in the order ticked), 备注. A day with a roster
    conflict (缺带班领导, 请假, …) is saved only once confirmed."""

    def __init__(self, store, slot: service.Slot):
        self.slot = slot
        self.expected_version = slot.version if slot.id else None
        leaders = list_people(store, role="leader")
        officers = list_people(store, role="officer")
        self.leader_options = [(p.name, p.id) for p in leaders]
        if slot.leader and slot.leader.id not in {p.id for p in leaders}:
            self.leader_options.append((f"{slot.leader.name}（当前）", slot.leader.id))
        listed = {p.id for p in officers}
        current = {m.id: m.name for m in slot.members if m.id not in listed}
        self.member_options = [(f"{p.name}  {p.title}", p.id) for p in officers] + [
            (f"{name}（当前）", pid) for pid, name in current.items()]
        start = {"leader": slot.leader.id if slot.leader else None, "members": [m.id for m in slot.members],
                 "note": slot.note}
        title = f"编辑值班：{dates.cn_date(slot.date)} {slot.weekday} {slot.shift}"
        super().__init__(store, initial=start, title=title, draft_key=f"roster.day.{slot.date.isoformat()}.{slot.shift}")

    def compose_fields(self) -> ComposeResult:
        yield field("带班领导", Select(self.leader_options, id="leader", prompt="（未安排）"))
        yield field("值班人员（空格勾选，按勾选先后排序）", SelectionList[int](*self.member_options, id="members"))
        yield field("备注", TextArea(id="note", soft_wrap=True))

    def values(self) -> dict[str, Any]:
        out = super().values()
        out["members"] = list(self.query_one("#members", SelectionList).selected)
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        super().set_values(values)
        if "members" in values:
            members = self.query_one("#members", SelectionList)
            members.deselect_all()
            for person_id in values["members"] or []:
                try:
                    members.select(person_id)
                except Exception:  # someone no longer listed
                    pass

    @on(SelectionList.SelectedChanged)
    def _members_changed(self) -> None:
        FormModal._changed(self)

    @staticmethod
    def _people(values: dict[str, Any]) -> tuple[int | None, list[int]]:
        leader = values.get("leader") or None
        return (int(leader) if leader else None), [int(i) for i in values["members"]]

    def action_submit(self) -> None:
        """Ask first when the day would have a roster conflict; saving stays the editing flow's."""
        leader, members = self._people(self.values())
        conflicts = service.check_slot(self.store, self.slot.date, leader, members)
        if not conflicts:
            super().action_submit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                RecordForm.action_submit(self)

        self.app.push_screen(ConfirmModal(
            f"{dates.cn_date(self.slot.date, year=False)} {self.slot.shift} 存在冲突：{'；'.join(conflicts)}。\n仍然保存？"),
            answered)

    def build(self, values: dict[str, Any]) -> int:
        leader, members = self._people(values)
        return service.save_slot(self.store, self.slot.date, self.slot.shift, leader, members, note=values["note"],
                                 expected_version=self.expected_version)

    def compare(self, values: dict[str, Any], theirs: dict) -> Comparison:
        leader, members = self._people(values)
        mine = {"leader": get_person(self.store, leader).name if leader else "",
                "members": "、".join(get_person(self.store, i).name for i in members), "note": values["note"]}
        return Comparison(DAY_CONFLICT_LABELS, mine, theirs)


# -- generate -----------------------------------------------------------------------------
@dataclass
class GenerateValue:
    start: dt.date
    end: dt.date
    leaders: list[str]
    officers: list[str]
    per_day: int
    skip_weekends: bool
    skip_holidays: bool
    continue_rotation: bool
    force: bool


class GenerateForm(FormModal[GenerateValue]):
    TITLE_TEXT = "排班生成（按名单顺序轮换）"

    def __init__(self, store, start: dt.date, end: dt.date):
        initial = {"start": start.isoformat(), "end": end.isoformat(),
                   "leaders": _names(list_people(store, role="leader")),
                   "officers": _names(list_people(store, role="officer")), "per_day": "1",
                   "continue_rotation": True}
        super().__init__(store, initial=initial, draft_key="roster.generate")

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="roster-pair"):
            yield field("开始日期", Input(id="start", placeholder="2024-03-01 或 3月1日"))
            yield field("结束日期", Input(id="end", placeholder="2024-03-31"))
        yield field("带班领导（轮换顺序，用、分隔）", Input(id="leaders"))
        yield field("值班人员（轮换顺序，用、分隔）", Input(id="officers"))
        yield field("每班值班人数", Input(id="per_day", type="integer"))
        with Horizontal(classes="roster-checks"):
            yield Checkbox("跳过周末（调休上班日照常排）", id="skip_weekends")
            yield Checkbox("跳过法定节假日", id="skip_holidays")
        with Horizontal(classes="roster-checks"):
            yield Checkbox("接着上次轮换停下的位置排", id="continue_rotation")
            yield Checkbox("覆盖手工修改过的日期", id="force")

    def build(self, values: dict[str, Any]) -> GenerateValue:
        from ....sheets import split_multi

        start, end = typed_day(values["start"], "开始日期"), typed_day(values["end"], "结束日期")
        if end < start:
            raise UserError("结束日期不能早于开始日期")
        try:
            per_day = int(values["per_day"] or 1)
        except ValueError:
            raise UserError("每班值班人数应为整数") from None
        return GenerateValue(start, end, split_multi(values["leaders"]), split_multi(values["officers"]), per_day,
                             values["skip_weekends"], values["skip_holidays"], values["continue_rotation"],
                             values["force"])


# -- swap and leave -----------------------------------------------------------------------
@dataclass
class SwapValue:
    day1: dt.date
    name1: str
    day2: dt.date
    name2: str


class SwapForm(FormModal[SwapValue]):
    """调班: person 1 on date 1 and person 2 on date 2 exchange their days."""

    TITLE_TEXT = "调班（两人互换值班日期）"

    def __init__(self, store, slot: service.Slot):
        self.slot = slot
        self.first_options = [(m.name, m.name) for m in slot.people]
        self.all_options = [(f"{p.name}（{p.role_label}）", p.name) for p in list_people(store)]
        following = service.get_slot(store, slot.date + dt.timedelta(days=1), slot.shift)
        initial = {"day1": slot.date.isoformat(), "name1": slot.members[0].name if slot.members else None,
                   "day2": following.date.isoformat(),
                   "name2": following.members[0].name if following.members else None}
        super().__init__(store, initial=initial, draft_key="roster.swap")

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="roster-pair"):
            yield field("日期一", Input(id="day1"))
            yield field("人员一（该日值班者）", Select(self.first_options, id="name1", prompt="选择"))
        with Horizontal(classes="roster-pair"):
            yield field("日期二", Input(id="day2"))
            yield field("人员二（该日值班者）", Select(self.all_options, id="name2", prompt="选择"))

    def build(self, values: dict[str, Any]) -> SwapValue:
        if not values["name1"] or not values["name2"]:
            raise UserError("请选择调班的两个人")
        return SwapValue(typed_day(values["day1"], "日期一"), values["name1"], typed_day(values["day2"], "日期二"),
                         values["name2"])


@dataclass
class LeaveValue:
    name: str
    start: dt.date
    end: dt.date
    note: str


class LeaveForm(FormModal[LeaveValue]):
    TITLE_TEXT = "请假登记"

    def __init__(self, store, day: dt.date, name: str | None = None):
        self.options = [(f"{p.name}（{p.role_label}）", p.name) for p in list_people(store)]
        super().__init__(store, initial={"name": name, "start": day.isoformat(), "end": day.isoformat()},
                         draft_key="roster.leave.new")

    def compose_fields(self) -> ComposeResult:
        yield field("人员", Select(self.options, id="name", prompt="选择"))
        with Horizontal(classes="roster-pair"):
            yield field("开始日期", Input(id="start"))
            yield field("结束日期", Input(id="end"))
        yield field("事由", Input(id="note", placeholder="如 病假、外出培训"))

    def build(self, values: dict[str, Any]) -> LeaveValue:
        if not values["name"]:
            raise UserError("请选择请假人员")
        start, end = typed_day(values["start"], "开始日期"), typed_day(values["end"], "结束日期")
        if end < start:
            raise UserError("结束日期不能早于开始日期")
        return LeaveValue(values["name"], start, end, values["note"])


# -- duty log -----------------------------------------------------------------------------
LOG_CONFLICT_LABELS = {k: dutylog.LOG_LABELS[k] for k in ("at_time", "kind", "from_unit", "from_name", "from_phone",
                                                            "content", "instruction", "recorder", "done")}


def _log_view(values: dict) -> dict:
    """A duty-log entry as the conflict dialog compares it (办结 in words)."""
    out = {k: values.get(k) for k in LOG_CONFLICT_LABELS}
    out["done"] = "是" if out["done"] else "否"
    return out


class LogForm(RecordForm[int]):
    """A new entry in the log of ``day``'s ``shift``, or an entry edited (``entry`` given);
    returns the entry's id."""

    FOCUS = "from_unit"
    MULTILINE = {"content", "instruction"}

    def __init__(self, store, day: dt.date, shift: str, *, entry: dutylog.LogEntry | None = None,
                 initial: dict | None = None):
        self.day, self.shift, self.entry = day, shift, entry
        self.kinds = vocab(store, "log_kind")
        if entry is None:
            title, draft_key = f"记录值班日志：{dates.cn_date(day, year=False)} {shift}", "roster.log.new"
        else:
            self.expected_version = entry.version
            initial = {"at": f"{entry.when:%Y-%m-%d %H:%M}", "kind": entry.kind, "from_unit": entry.from_unit,
                       "from_name": entry.from_name, "from_phone": entry.from_phone, "content": entry.content,
                       "instruction": entry.instruction, "recorder": entry.recorder, "done": entry.done}
            title = f"修改值班日志：{dates.cn_date(entry.shift_date, year=False)} {entry.shift}"
            draft_key = f"roster.log.edit.{entry.id}"
        super().__init__(store, initial=initial, title=title, draft_key=draft_key)

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="roster-pair"):
            yield field("时间", Input(id="at", placeholder="14:20"))
            yield field("类别", Select([(k, k) for k in self.kinds], id="kind", allow_blank=False))
        with Horizontal(classes="roster-triple"):
            yield field("来电/来访单位", Input(id="from_unit"))
            yield field("姓名", Input(id="from_name"))
            yield field("号码", Input(id="from_phone"))
        yield field("内容", TextArea(id="content", soft_wrap=True))
        yield field("领导批示和处理意见", TextArea(id="instruction", soft_wrap=True))
        with Horizontal(classes="roster-pair"):
            yield field("记录人", Input(id="recorder"))
            yield Checkbox("已办结", id="done")

    def build(self, values: dict[str, Any]) -> int:
        if not values["content"].strip():
            raise UserError("内容不能为空", field="content")
        fields = {k: values[k] for k in ("at", "kind", "from_unit", "from_name", "from_phone", "content", "instruction",
                                         "recorder", "done")}
        if self.entry is None:
            return dutylog.add_entry(self.store, self.day, self.shift, **fields)
        dutylog.update_entry(self.store, self.entry.id, expected_version=self.expected_version, **fields)
        return self.entry.id

    def compare(self, values: dict[str, Any], theirs: dict) -> Comparison:
        return Comparison(LOG_CONFLICT_LABELS, _log_view({**values, "at_time": values["at"]}), _log_view(theirs))


# -- handover -----------------------------------------------------------------------------
@dataclass
class HandoverValue:
    note: str
    by: str


class HandoverForm(FormModal[HandoverValue]):
    """交班: the note for the next shift; the open items are attached automatically."""

    FOCUS = "note"

    def __init__(self, store, day: dt.date, shift: str, open_items: list[dutylog.LogEntry], initial: dict):
        self.open_items = open_items
        title = f"交班：{dates.cn_date(day)} {shift}"
        super().__init__(store, initial=initial, title=title, draft_key=f"roster.handover.{day.isoformat()}.{shift}")

    def compose_fields(self) -> ComposeResult:
        if self.open_items:
            items = "\n".join(f"· {e.time_text()} {e.kind} {e.content.splitlines()[0][:60]}" for e in self.open_items)
            text = f"未办结事项 {len(self.open_items)} 项（将随交班转给下一班）：\n{items}"
        else:
            text = "本班没有未办结事项。"
        yield Static(text, classes="roster-hint", markup=False)
        yield field("交班说明", TextArea(id="note", soft_wrap=True, classes="tall"))
        yield field("交班人", Input(id="by"))

    def build(self, values: dict[str, Any]) -> HandoverValue:
        if not values["by"]:
            raise UserError("请填写交班人")
        return HandoverValue(values["note"], values["by"])


class TakeoverModal(ModalScreen[str | None]):
    """接班: read the note and the open items, confirm with the name of who takes over."""

    BINDINGS = keymap("roster_takeover", [
        ("ctrl+s", "confirm", "确认接班"), ("escape", "later", "稍后"),
    ])

    def __init__(self, handover: dutylog.Handover, by: str):
        super().__init__(classes="dialog-screen")
        self.handover, self.by = handover, by

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="roster-takeover"):
            yield Static("接班：请阅读上一班的交班说明和未办结事项", classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static(self.handover.text(), id="takeover-text", markup=False)
            yield field("接班人", Input(self.by, id="taken_by"))
            with Horizontal(classes="dialog-buttons"):
                yield Button("确认接班 (Ctrl+S)", id="confirm", variant="primary")
                yield Button("稍后 (Esc)", id="later")

    def action_confirm(self) -> None:
        name = clean_line(self.query_one("#taken_by", Input).value)
        if not name:
            self.notify("请填写接班人", severity="error")
            return
        self.dismiss(name)

    def action_later(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#later")
    def _later(self) -> None:
        self.action_later()


# -- files --------------------------------------------------------------------------------
class ImportForm(FileForm[str]):
    TITLE_TEXT = "导入值班表"

    def compose_fields(self) -> ComposeResult:
        yield Static("支持 .xlsx .xls .xlsb .ods .csv 或 .docx 表格，列：日期、带班领导、值班人员、联系电话、备注；多名值班人员用、或 , 分隔；"
                     "表中的新人员会自动添加。有任何一行出错时不导入。", classes="roster-hint", markup=False)
        with Horizontal(classes="file-row"):
            yield field("文件路径", Input(id="path", placeholder="/home/duty/值班表.xlsx"))
            yield self.pick_button()

    def build(self, values: dict[str, Any]) -> str:
        if not values["path"]:
            raise UserError("请填写文件路径")
        return values["path"]
