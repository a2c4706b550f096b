"""Forms and dialogs of the 值班表 screen: day, generate, swap, leave, people, log entry, handover."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Input, Select, SelectionList, Static, TextArea

from .... import dates
from ....errors import ConflictError, UserError
from ....refdata import vocab
from ....roster import dutylog, people as peoplemod, service
from ....roster.people import ROLES, Person, list_people, normalize_phone
from ....text import clean_line
from ...modals import ConfirmModal, ConflictModal, FormModal, field, show_history
from ...widgets.cells import plain


def _date(text: str, label: str) -> dt.date:
    try:
        return dates.parse_date(text)
    except UserError as exc:
        raise UserError(f"{label}：{exc}") from None


def _names(people: list[Person]) -> str:
    return "、".join(p.name for p in people)


# -- a day --------------------------------------------------------------------------------
@dataclass
class DayValue:
    leader_id: int | None
    member_ids: list[int]
    note: str


class DayForm(FormModal[DayValue]):
    """带班领导 (one), 值班人员 (several, in the order ticked), 备注."""

    def __init__(self, store, slot: service.Slot, *, initial: dict | None = None):
        self.slot = slot
        leaders = list_people(store, role="leader")
        officers = list_people(store, role="officer")
        self.leader_options = [(p.name, p.id) for p in leaders]
        if slot.leader and slot.leader.id not in {p.id for p in leaders}:
            self.leader_options.append((f"{slot.leader.name}（当前）", slot.leader.id))
        listed = {p.id for p in officers}
        current = {m.id: m.name for m in slot.members if m.id not in listed}
        self.member_options = [(f"{p.name}  {p.title}", p.id) for p in officers] + [
            (f"{name}（当前）", pid) for pid, name in current.items()]
        start = initial or {"leader": slot.leader.id if slot.leader else None,
                            "members": [m.id for m in slot.members], "note": slot.note}
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

    def build(self, values: dict[str, Any]) -> DayValue:
        leader = values.get("leader") or None
        return DayValue(int(leader) if leader else None, [int(i) for i in values["members"]], values["note"])


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

        start, end = _date(values["start"], "开始日期"), _date(values["end"], "结束日期")
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
        return SwapValue(_date(values["day1"], "日期一"), values["name1"], _date(values["day2"], "日期二"),
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
        start, end = _date(values["start"], "开始日期"), _date(values["end"], "结束日期")
        if end < start:
            raise UserError("结束日期不能早于开始日期")
        return LeaveValue(values["name"], start, end, values["note"])


# -- people -------------------------------------------------------------------------------
@dataclass
class PersonValue:
    name: str
    title: str
    phone: str
    role: str
    active: bool


class PersonForm(FormModal[PersonValue]):
    """A person's details, checked here so a bad value keeps the form open."""

    TITLE_TEXT = "新增人员"

    def __init__(self, store, *, person_id: int | None = None, **kw):
        self.person_id = person_id
        super().__init__(store, **kw)

    def compose_fields(self) -> ComposeResult:
        yield field("姓名", Input(id="name"))
        yield field("单位/职务", Input(id="title", placeholder="如 市生态环境局办公室"))
        yield field("手机或带区号的固定电话", Input(id="phone", placeholder="13812345678 或 0746-8221234"))
        yield field("角色", Select([(v, k) for k, v in ROLES.items()], id="role", value="officer", allow_blank=False))
        yield Checkbox("在岗（可排班）", id="active", value=True)

    def build(self, values: dict[str, Any]) -> PersonValue:
        name = peoplemod.check_name(values["name"])
        other = peoplemod.find_person(self.store, name)
        if other and other.id != self.person_id:
            raise UserError(f"人员已存在：{name}")
        return PersonValue(name, values["title"], normalize_phone(values["phone"]), values["role"], values["active"])


PERSON_CONFLICT_LABELS = {k: peoplemod.LABELS[k] for k in ("name", "title", "phone", "role", "active")}


def _person_view(values: dict) -> dict:
    """A person's fields as the conflict dialog compares them (role and 在岗 in words)."""
    out = {k: values.get(k) for k in PERSON_CONFLICT_LABELS}
    out["role"] = ROLES.get(out["role"] or "", out["role"])
    out["active"] = "是" if out["active"] else "否"
    return out


class PeopleModal(ModalScreen[None]):
    """人员管理: list, add, edit, stop/start, cancel leaves, history."""

    BINDINGS = [
        Binding("a", "add", "新增", id="roster_people.add"),
        Binding("e,enter", "edit", "修改", id="roster_people.edit"),
        Binding("x", "toggle", "停用/启用", id="roster_people.toggle"),
        Binding("c", "cancel_leave", "销假", id="roster_people.cancel_leave"),
        Binding("h", "history", "历史", id="roster_people.history"),
        Binding("escape,q", "close", "关闭", id="roster_people.close"),
    ]

    def __init__(self, store):
        super().__init__(classes="dialog-screen")
        self.store = store

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="roster-people"):
            yield Static("人员管理　a 新增　e 修改　x 停用/启用　c 销假　h 历史　Esc 关闭", classes="dialog-title",
                         markup=False)
            yield DataTable(id="people-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("姓名", "角色", "单位/职务", "电话", "在岗", "请假（今天起）")
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        leaves: dict[int, list[str]] = {}
        for leave in service.list_leaves(self.store, since=dates.today()):
            span = f"{dates.cn_date(leave['start'], year=False)}—{dates.cn_date(leave['end'], year=False)}"
            leaves.setdefault(leave["person_id"], []).append(span + (f" {leave['note']}" if leave["note"] else ""))
        for p in list_people(self.store, include_inactive=True):
            style = "" if p.active else "dim"
            table.add_row(plain(p.name, style), plain(p.role_label, style), plain(p.title, style),
                          plain(p.phone, style), plain("是" if p.active else "否", style),
                          plain("；".join(leaves.get(p.id, [])), style), key=str(p.id))
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))

    def _selected(self) -> Person | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return peoplemod.get_person(self.store, int(key))

    def _run(self, fn, ok: str) -> None:
        try:
            fn()
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(ok, markup=False)
        self.reload()

    def action_add(self) -> None:
        def done(v: PersonValue | None) -> None:
            if v:
                self._run(lambda: peoplemod.add_person(self.store, v.name, role=v.role, phone=v.phone, title=v.title,
                                                       active=v.active), f"已添加：{v.name}")

        self.app.push_screen(PersonForm(self.store, draft_key="roster.person.new"), done)

    def action_edit(self) -> None:
        person = self._selected()
        if person is not None:
            self._open_edit(person)

    def _open_edit(self, person: Person, *, initial: dict | None = None, version: int | None = None) -> None:
        version = person.version if version is None else version

        def done(v: PersonValue | None) -> None:
            if v:
                self._save_person(person, v, version)

        initial = initial or {"name": person.name, "title": person.title, "phone": person.phone, "role": person.role,
                              "active": person.active}
        self.app.push_screen(PersonForm(self.store, person_id=person.id, initial=initial,
                                        draft_key=f"roster.person.edit.{person.id}",
                                        title=f"修改人员：{person.name}"), done)

    def _save_person(self, person: Person, v: PersonValue, version: int | None) -> None:
        """Save; if someone else saved first, compare (mine → over theirs, theirs → keep, back → edit)."""
        try:
            peoplemod.update_person(self.store, person.id, name=v.name, title=v.title, phone=v.phone, role=v.role,
                                    active=v.active, expected_version=version)
        except ConflictError as exc:
            theirs = exc.current

            def chosen(choice: str | None) -> None:
                if choice == "mine":
                    self._save_person(person, v, theirs.get("version"))
                elif choice == "theirs":
                    self.notify("已保留对方的修改", markup=False)
                    self.reload()
                else:
                    self.reload()
                    self._open_edit(person, initial=vars(v).copy(), version=theirs.get("version"))

            self.app.push_screen(ConflictModal(PERSON_CONFLICT_LABELS, _person_view(vars(v)), _person_view(theirs)),
                                 chosen)
            return
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"已保存：{v.name}", markup=False)
        self.reload()

    def action_toggle(self) -> None:
        person = self._selected()
        if person:
            self._run(lambda: peoplemod.update_person(self.store, person.id, active=not person.active),
                      f"已{'停用' if person.active else '启用'}：{person.name}")

    def action_cancel_leave(self) -> None:
        person = self._selected()
        if person is None:
            return
        leaves = service.list_leaves(self.store, person_id=person.id, since=dates.today())
        if not leaves:
            self.notify(f"{person.name}今天起没有请假", markup=False)
            return
        spans = "、".join(f"{l['start']}—{l['end']}" for l in leaves)

        def done(yes: bool | None) -> None:
            if yes:
                self._run(lambda: [service.cancel_leave(self.store, l["id"]) for l in leaves],
                          f"已销假：{person.name}（误操作可关闭本窗口后按 Ctrl+Z 在回收站恢复）")

        self.app.push_screen(ConfirmModal(f"取消{person.name}的请假（{spans}）？"), done)

    def action_history(self) -> None:
        person = self._selected()
        if person:
            show_history(self.app, self.store, "people", person.id, title=f"修改记录：{person.name}",
                         labels=peoplemod.LABELS)

    def action_close(self) -> None:
        self.dismiss(None)


# -- duty log -----------------------------------------------------------------------------
@dataclass
class LogValue:
    at: str
    kind: str
    from_unit: str
    from_name: str
    from_phone: str
    content: str
    instruction: str
    recorder: str
    done: bool


class LogForm(FormModal[LogValue]):
    FOCUS = "from_unit"
    MULTILINE = {"content", "instruction"}

    def __init__(self, store, *, title: str, initial: dict, draft_key: str | None = None):
        self.kinds = vocab(store, "log_kind")
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

    def build(self, values: dict[str, Any]) -> LogValue:
        if not values["content"].strip():
            raise UserError("内容不能为空")
        return LogValue(values["at"], values["kind"], values["from_unit"], values["from_name"], values["from_phone"],
                        values["content"], values["instruction"], values["recorder"], values["done"])


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

    BINDINGS = [
        Binding("ctrl+s", "confirm", "确认接班", id="roster_takeover.confirm"),
        Binding("escape", "later", "稍后", id="roster_takeover.later"),
    ]

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
class ImportForm(FormModal[str]):
    TITLE_TEXT = "导入值班表"

    def compose_fields(self) -> ComposeResult:
        yield Static("支持 .xlsx .xls .xlsb .ods .csv 或 .docx 表格，列：日期、带班领导、值班人员、联系电话、备注；多名值班人员用、或 , 分隔；"
                     "表中的新人员会自动添加。有任何一行出错时不导入。", classes="roster-hint", markup=False)
        yield field("文件路径", Input(id="path", placeholder="/home/duty/值班表.xlsx"))

    def build(self, values: dict[str, Any]) -> str:
        if not values["path"]:
            raise UserError("请填写文件路径")
        return values["path"]
