"""The one editing flow (dutydesk/ui/editing.py) on every record form that edits a record.

Each edit: open the form, change one field (mine), another terminal saves a change to another
field first (theirs, through a second Store on the same file), Ctrl+S shows the conflict
dialog with both, and each choice does its one meaning:

- 用我的覆盖 (m): my form is saved at once over theirs, the form closes, the screen shows mine;
- 保留对方的 (t): nothing of mine is saved, the form closes, the screen shows theirs;
- 返回编辑 (Esc): the same form, my values in it; saving then goes over the version just seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import pytest
from textual.widgets import DataTable, Input, Select, Static, TextArea

from dutydesk.ui.widgets.fast_table import FastTable

from dutydesk.bulletin import service as B
from dutydesk.handoffs import intake, problems
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition, update_petition
from dutydesk.petitions.rows import get_petition
from dutydesk.roster import dutylog, people
from dutydesk.roster import service as R
from dutydesk.roster import shifts as shiftmod
from dutydesk.store import drafts
from dutydesk.store.db import Store
from dutydesk.ui.editing import KEPT_THEIRS, OVERWROTE, RecordForm
from dutydesk.ui.modals import ConflictModal, FormModal

DAY = dt.date(2024, 3, 13)
SIZE = (160, 45)


@pytest.fixture
def today(freeze_today, monkeypatch):
    monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(10, 0))
    return freeze_today(DAY)


def rendered(screen) -> str:
    return "\n".join(str(s.render()) for s in screen.query(Static))


def notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def petition(content: str = "养殖场污水直排", **kw) -> PetitionInput:
    return PetitionInput("D2HH202403130001", content, "道县", ["水"], petitioner_name="欧阳修远", **kw)


def staff(store) -> dict[str, int]:
    people.add_person(store, "王建国", role="leader", phone="13907461001")
    for i, name in enumerate(["李明", "赵丽"], 1):
        people.add_person(store, name, phone=f"1380746200{i}")
    return {p.name: p.id for p in people.list_people(store)}


@dataclass
class Edit:
    """One edit form. ``read`` gives (my field, their field) as saved; ``shown`` what the screen
    (or dialog) under the form shows of the record."""

    start: str
    setup: Callable[[Store], dict]
    open: Callable[[Any, Any, dict], Awaitable[None]]
    field: str  # the form field I change
    mine: str
    theirs: Callable[[Store, dict], None]
    their_value: str
    read: Callable[[Store, dict], tuple]
    original: tuple  # (my field, their field) before either change
    shown: Callable[[Any], str]


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


# -- the seven edits ---------------------------------------------------------------------------------
def _problem_setup(store):
    return {"id": intake.create(store, source="督察组交办", description="河道垃圾未清理", lead_unit="零陵区")}


def _petition_setup(store):
    return {"id": add_petition(store, add_batch(store, 1, DAY), petition())}


def _person_setup(store):
    return {"id": staff(store)["李明"]}


async def _open_person(app, pilot, ctx):
    await press(pilot, "p")
    table = app.screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(str(ctx["id"])))
    await press(pilot, "e")


def _log_setup(store):
    ids = staff(store)
    R.save_slot(store, DAY, "全天", ids["王建国"], [ids["李明"]])
    return {"id": dutylog.add_entry(store, DAY, "全天", kind="来电", content="群众反映噪声", at="09:00")}


async def _open_log(app, pilot, ctx):
    app.screen.query_one("#log-table", FastTable).focus()
    await press(pilot, "enter")


def _day_setup(store):
    ids = staff(store)
    R.save_slot(store, DAY, "全天", ids["王建国"], [ids["李明"]])
    return ids


def _slot(store) -> R.Slot:
    return R.get_slot(store, DAY, "全天")


def _item_setup(store):
    return {"id": B.add_item(store, DAY, kind="news", title="甲会议召开", body="甲会议的正文。")}


async def _open_item(app, pilot, ctx):
    app.screen._select(str(ctx["id"]))
    await press(pilot, "e")


def _row(store, pid) -> dict:
    return get_petition(store, pid)


EDITS = {
    "handoffs problem": Edit(
        "handoffs", _problem_setup, lambda app, pilot, ctx: press(pilot, "e"),
        "owner", "张三", lambda other, ctx: intake.update_problem(other, ctx["id"], {"note": "对方的备注"}), "对方的备注",
        lambda store, ctx: (problems.get(store, ctx["id"])["owner"], problems.get(store, ctx["id"])["note"]), ("", ""),
        lambda host: str(host.query_one("#hf-detail", Static).render())),
    "petition": Edit(
        "petitions", _petition_setup, lambda app, pilot, ctx: press(pilot, "e"),
        "content", "我改的内容", lambda other, ctx: update_petition(other, ctx["id"], petition(note="对方的备注")),
        "对方的备注", lambda store, ctx: (_row(store, ctx["id"])["content"], _row(store, ctx["id"])["note"]),
        ("养殖场污水直排", ""), lambda host: str(host.query_one("#pf-detail", Static).render())),
    "roster person": Edit(
        "roster", _person_setup, _open_person,
        "phone", "13807469999", lambda other, ctx: people.update_person(other, ctx["id"], title="对方写的单位"),
        "对方写的单位", lambda store, ctx: (people.get_person(store, ctx["id"]).phone,
                                      people.get_person(store, ctx["id"]).title), ("13807462001", ""),
        lambda host: str([[str(c) for c in host.query_one(DataTable).get_row_at(i)]
                          for i in range(host.query_one(DataTable).row_count)])),
    "duty log entry": Edit(
        "roster", _log_setup, _open_log,
        "content", "群众反映夜间噪声", lambda other, ctx: dutylog.update_entry(other, ctx["id"], instruction="对方的批示"),
        "对方的批示", lambda store, ctx: (dutylog.get_entry(store, ctx["id"]).content,
                                     dutylog.get_entry(store, ctx["id"]).instruction), ("群众反映噪声", ""),
        lambda host: str([(e.content, e.instruction) for e in host.entries])),
    "roster day": Edit(
        "roster", _day_setup, lambda app, pilot, ctx: press(pilot, "e"),
        "note", "我的备注", lambda other, ctx: R.save_slot(other, DAY, "全天", ctx["王建国"], [ctx["李明"], ctx["赵丽"]]),
        "李明、赵丽", lambda store, ctx: (_slot(store).note, _slot(store).member_names), ("", "李明"),
        lambda host: str([(s.note, s.member_names) for s in host.slots if s.date == DAY])),
    "bulletin item": Edit(
        "bulletin", _item_setup, _open_item,
        "body", "我的正文", lambda other, ctx: B.update_item(other, ctx["id"], title="对方的标题"), "对方的标题",
        lambda store, ctx: (B.get_item(store, ctx["id"]).body, B.get_item(store, ctx["id"]).title),
        ("甲会议的正文。", "甲会议召开"), lambda host: str(host.query_one("#bulletin-preview", Static).render())),
    "petition hand-over": Edit(
        "petitions", _petition_setup, lambda app, pilot, ctx: press(pilot, "t"),
        "lead_unit", "零陵区", lambda other, ctx: update_petition(other, ctx["id"], petition(target="对方的办结目标")),
        "对方的办结目标", lambda store, ctx: (_row(store, ctx["id"])["lead_unit"], _row(store, ctx["id"])["target"]),
        ("", ""), lambda host: str(host.query_one("#pf-detail", Static).render())),
}


def type_into(form, field: str, value: str) -> None:
    widget = form.query_one(f"#{field}")
    if isinstance(widget, TextArea):
        widget.load_text(value)
    elif isinstance(widget, (Input, Select)):
        widget.value = value


def typed(form, field: str) -> str:
    widget = form.query_one(f"#{field}")
    return widget.text if isinstance(widget, TextArea) else widget.value


@pytest.mark.parametrize("choice", ["m", "t", "escape"], ids=["use mine", "keep theirs", "back to editing"])
@pytest.mark.parametrize("name", list(EDITS))
async def test_every_edit_form_resolves_a_conflict_the_same_way(name, choice, store, make_test_app, today):
    edit = EDITS[name]
    ctx = edit.setup(store)
    app = make_test_app(start=edit.start)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await edit.open(app, pilot, ctx)
        form = app.screen
        host = app.screen_stack[-2]
        assert isinstance(form, RecordForm) and form.draft_key
        type_into(form, edit.field, edit.mine)
        await pilot.pause()
        other = Store(store.path, operator="另一终端")  # another terminal saves first
        try:
            edit.theirs(other, ctx)
        finally:
            other.close()
        mine_field, their_field = edit.original
        await press(pilot, "ctrl+s")

        assert isinstance(app.screen, ConflictModal)
        dialog = rendered(app.screen)
        assert edit.their_value in dialog and edit.mine in dialog
        assert "欧阳修远" not in dialog  # the petitioner is never shown in clear
        await press(pilot, choice)

        if choice == "m":  # saved at once over theirs, no form reopened
            assert app.screen is host
            assert edit.read(store, ctx) == (edit.mine, their_field)
            assert edit.mine in edit.shown(host) and OVERWROTE in notes(app)
        elif choice == "t":  # nothing of mine saved; theirs shown
            assert app.screen is host
            assert edit.read(store, ctx) == (mine_field, edit.their_value)
            assert edit.their_value in edit.shown(host) and KEPT_THEIRS in notes(app)
        else:  # the same form, my values in it; saving goes over the version just seen
            assert app.screen is form and typed(form, edit.field) == edit.mine
            assert edit.read(store, ctx) == (mine_field, edit.their_value)
            await press(pilot, "ctrl+s")
            assert app.screen is host and not isinstance(app.screen, (FormModal, ConflictModal))
            assert edit.read(store, ctx) == (edit.mine, their_field)
            assert edit.mine in edit.shown(host)
        assert drafts.load_draft(store, form.draft_key) is None
