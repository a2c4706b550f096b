"""人员管理 of the 值班表 screen: the list of people and the person form."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Select, Static

from .... import dates
from ....errors import UserError
from ....roster import people as peoplemod, service
from ....roster.people import ROLES, Person, list_people, normalize_phone
from ...editing import Comparison, RecordForm, open_record_form
from ...modals import ConfirmModal, field, show_history
from ...widgets.cells import plain
from ...keys import keymap
from ...widgets.checkbox import Checkbox

PERSON_CONFLICT_LABELS = {k: peoplemod.LABELS[k] for k in ("name", "title", "phone", "role", "active")}


def _person_view(values: dict) -> dict:
    """A person's fields as the conflict dialog compares them (role and 在岗 in words)."""
    out = {k: values.get(k) for k in PERSON_CONFLICT_LABELS}
    out["role"] = ROLES.get(out["role"] or "", out["role"])
    out["active"] = "是" if out["active"] else "否"
    return out


class PersonForm(RecordForm[str]):
    """A new person, or a person edited (``person`` given); returns the name saved. Every
    detail is checked here, so a bad value keeps the form open."""

    TITLE_TEXT = "新增人员"

    def __init__(self, store, *, person: Person | None = None, draft_key: str | None = None):
        self.person = person
        initial, title = None, None
        if person is not None:
            self.expected_version = person.version
            initial = {"name": person.name, "title": person.title, "phone": person.phone, "role": person.role,
                       "active": person.active}
            title = f"修改人员：{person.name}"
        super().__init__(store, initial=initial, draft_key=draft_key, title=title)

    def compose_fields(self) -> ComposeResult:
        yield field("姓名", Input(id="name"))
        yield field("单位/职务", Input(id="title", placeholder="如 市生态环境局办公室"))
        yield field("手机或带区号的固定电话", Input(id="phone", placeholder="13812345678 或 0746-8221234"))
        yield field("角色", Select([(v, k) for k, v in ROLES.items()], id="role", value="officer", allow_blank=False))
        yield Checkbox("在岗（可排班）", id="active", value=True)

    def build(self, values: dict[str, Any]) -> str:
        name = peoplemod.check_name(values["name"])
        other = peoplemod.find_person(self.store, name)
        if other and (self.person is None or other.id != self.person.id):
            raise UserError(f"人员已存在：{name}")
        details = {"title": values["title"], "phone": normalize_phone(values["phone"]), "role": values["role"],
                   "active": values["active"]}
        if self.person is None:
            peoplemod.add_person(self.store, name, **details)
        else:
            peoplemod.update_person(self.store, self.person.id, name=name, expected_version=self.expected_version,
                                    **details)
        return name

    def compare(self, values: dict[str, Any], theirs: dict) -> Comparison:
        return Comparison(PERSON_CONFLICT_LABELS, _person_view(values), _person_view(theirs))


class PeopleModal(ModalScreen[None]):
    """人员管理: list, add, edit, stop/start, cancel leaves, history."""

    BINDINGS = keymap("roster_people", [
        ("a", "add", "新增"), ("e,enter", "edit", "修改"), ("x", "toggle", "停用/启用"), ("c", "cancel_leave", "销假"),
        ("h", "history", "历史"), ("escape,q", "close", "关闭"),
    ])

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

    def _done(self, message: str) -> None:
        self.notify(message, markup=False)
        self.reload()

    def _run(self, fn, ok: str) -> None:
        try:
            fn()
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._done(ok)

    def action_add(self) -> None:
        open_record_form(self, PersonForm(self.store, draft_key="roster.person.new"),
                         lambda outcome: self._done(f"已添加：{outcome.value}"), self._done)

    def action_edit(self) -> None:
        person = self._selected()
        if person is not None:
            open_record_form(self, PersonForm(self.store, person=person, draft_key=f"roster.person.edit.{person.id}"),
                             lambda outcome: self._done(outcome.notice(f"已保存：{outcome.value}")), self._done)

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
