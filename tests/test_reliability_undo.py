"""Reliability per domain (issue 7): every write audited, soft delete with a shared trash
(回收站, Ctrl+Z) that restores anything deleted, history in every detail, the conflict dialog
on every edit form, and drafts on every record form."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from textual.widgets import DataTable, Input, Static, TextArea

from dutydesk import registry, trash
from dutydesk.bulletin import service as B
from dutydesk.errors import UserError
from dutydesk.handoffs import intake, lists, model, problems, progress, summary
from dutydesk.handoffs.export import export_ledger
from dutydesk.petitions import search, stats
from dutydesk.petitions.batches import add_batch, list_batches
from dutydesk.petitions.deadlines import alert_counts
from dutydesk.petitions.intake import PetitionInput, add_petition, delete_petition, undelete_petition, update_petition
from dutydesk.petitions.history import history, history_text
from dutydesk.petitions.rows import get_petition
from dutydesk.petitions.workflow import ResultInput, hand_over, record_result
from dutydesk.petitions.export import export_petitions
from dutydesk.roster import dutylog, people
from dutydesk.roster import service as R
from dutydesk.roster import shifts as shiftmod
from dutydesk.store import drafts, records
from dutydesk.ui.modals import ConfirmModal, ConflictModal, FormModal, MessageModal
from dutydesk.ui.screens.roster.forms import LogForm
from dutydesk.ui.screens.roster.people import PeopleModal, PersonForm
from dutydesk.ui.trash import TrashModal
from dutydesk.ui.widgets.fast_table import FastTable

D = dt.date
DAY = D(2024, 3, 13)
SIZE = (160, 45)
AUDITED = ["batches", "petitions", "handoffs", "handoff_progress", "handoff_rechecks", "people", "roster_days",
           "leaves", "duty_log", "handovers", "bulletins", "bulletin_items"]


@pytest.fixture
def today(freeze_today, monkeypatch):
    monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(10, 0))
    return freeze_today(DAY)


def actions(store, entity, rid) -> list[str]:
    return [h["action"] for h in store.history(entity, rid)]


def notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def table_cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def rendered(app) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(Static))


def petition(case_no: str, content: str, unit: str = "零陵区", **kw) -> PetitionInput:
    return PetitionInput(case_no, content, unit, ["水"], **kw)


def staff(store) -> dict[str, int]:
    people.add_person(store, "王建国", role="leader", phone="13907461001")
    for i, name in enumerate(["李明", "赵丽"], 1):
        people.add_person(store, name, phone=f"1380746200{i}")
    return {p.name: p.id for p in people.list_people(store)}


# -- audit: every write of a domain table leaves an audit row -----------------------------------
def test_every_write_of_a_domain_table_is_audited(store, today):
    """Triggers count every INSERT/UPDATE of the domain tables while the demo data is built and
    each domain is edited, deleted and restored; each record must have at least as many audit
    rows (who, when, what) as it had writes."""
    from dutydesk.demo import fill_demo

    store.execute("CREATE TEMP TABLE writes (tbl TEXT, rid INTEGER)")
    for t in AUDITED:
        for kind in ("INSERT", "UPDATE"):
            store.execute(f"CREATE TEMP TRIGGER w_{t}_{kind} AFTER {kind} ON main.{t} "
                             f"BEGIN INSERT INTO writes VALUES ('{t}', NEW.id); END")
    fill_demo(store, DAY)
    pid = store.scalar("SELECT id FROM petitions ORDER BY id LIMIT 1")
    row = get_petition(store, pid)
    update_petition(store, pid, petition(row["case_no"], row["content"] + "（补充）", row["unit"]),
                    expected_version=row["version"])
    record_result(store, pid, ResultInput(kind="未办结", date=DAY - dt.timedelta(days=30)))  # earlier-dated
    delete_petition(store, pid)
    undelete_petition(store, pid)
    hid = store.scalar("SELECT id FROM handoffs ORDER BY id LIMIT 1")
    intake.update_problem(store, hid, {"note": "改"})
    problems.soft_delete(store, hid)
    problems.undelete(store, hid)
    entry = store.scalar("SELECT id FROM duty_log ORDER BY id LIMIT 1")
    dutylog.update_entry(store, entry, instruction="请核实")
    dutylog.delete_entry(store, entry)
    dutylog.undelete_entry(store, entry)
    leave, _ = R.add_leave(store, people.list_people(store)[0].name, DAY, DAY, "病假")
    R.cancel_leave(store, leave)
    trash.restore(store, registry.trash_kinds(), "leaves", leave)
    item = B.add_item(store, DAY + dt.timedelta(days=1), kind="news", title="标题", body="正文")
    B.update_item(store, item, body="新正文")
    B.delete_item(store, item)
    B.undelete_item(store, item)

    audit = {(r["entity"], r["entity_id"]): r["n"] for r in store.query(
        "SELECT entity, entity_id, count(*) AS n FROM audit GROUP BY entity, entity_id")}
    writes = store.query("SELECT tbl, rid, count(*) AS n FROM writes GROUP BY tbl, rid")
    # a registration is one audit entry of its batch, for all the petitions it registered (history.history
    # gives each petition its 新增 from it)
    audit |= {("petitions", str(w["rid"])): len(history(store, w["rid"])) for w in writes if w["tbl"] == "petitions"}
    assert {w["tbl"] for w in writes} == set(AUDITED)  # every domain table was written
    missing = [(w["tbl"], w["rid"]) for w in writes if audit.get((w["tbl"], str(w["rid"])), 0) < w["n"]]
    assert missing == []
    assert store.scalar("SELECT count(*) FROM audit WHERE at = '' OR operator <> '测试员'") == 0


def test_petitions_audit_create_change_delete(store, today):
    bid = add_batch(store, 1, DAY)
    pid = add_petition(store, bid, petition("D2HH202403130001", "养殖场污水直排", petitioner_name="欧阳修远",
                                            petitioner_phone="13900001111"))
    update_petition(store, pid, petition("D2HH202403130001", "养殖场污水直排鱼塘", petitioner_name="欧阳修远",
                                         petitioner_phone="13900002222"), expected_version=1)
    record_result(store, pid, ResultInput(kind="已办结", date=DAY, investigation="属实"))
    record_result(store, pid, ResultInput(kind="阶段性办结", date=DAY - dt.timedelta(days=1)))  # an earlier one
    delete_petition(store, pid)
    undelete_petition(store, pid)
    hist = history(store, pid)
    assert [h["action"] for h in hist] == ["新增", "修改", "录入结果", "录入结果", "删除", "恢复"]
    assert all(h["operator"] == "测试员" and h["at"].startswith("20") for h in hist)
    assert hist[1]["changes"]["content"] == ["养殖场污水直排", "养殖场污水直排鱼塘"]
    assert hist[1]["changes"]["petitioner_phone"] == ["139****1111", "139****2222"]  # masked in the audit
    assert hist[3]["changes"]["kind"] == "阶段性办结"  # the petition did not change, the result is recorded
    # the latest result's texts live in petition_results only (m013); their changes are audited with the row's
    assert hist[2]["changes"]["status"] == ["待交办", "已办结"] and hist[2]["changes"]["investigation"] == ["", "属实"]
    text = history_text(store, pid)
    assert "欧阳修远" not in text and "13900001111" not in text and "删除" in text and "恢复" in text
    assert actions(store, "batches", bid) == ["新增", "登记信访件"]  # the registration is audited on its batch
    # a same-day correction of the texts alone: the petition's columns stay, the audit has the texts' change
    record_result(store, pid, ResultInput(kind="已办结", date=DAY, investigation="经复核属实，欧阳修远反映的情况存在"))
    last = store.history("petitions", pid)[-1]
    assert last["action"] == "录入结果" and last["changes"]["investigation"] == ["属实", "经复核属实，欧***反映的情况存在"]
    assert get_petition(store, pid)["investigation"] == "经复核属实，欧阳修远反映的情况存在"
    assert "调查核实情况：属实 → 经复核属实" in history_text(store, pid)


def test_handoffs_audit_create_change_delete(store, today):
    hid = intake.create(store, source="督察组交办", description="河道垃圾未清理", lead_unit="零陵区")
    intake.update_problem(store, hid, {"measures": "三日内清理"}, expected_version=1)
    progress.add_progress(store, hid, "已清理一半")
    problems.soft_delete(store, hid)
    problems.undelete(store, hid)
    hist = store.history("handoffs", hid)
    assert [h["action"] for h in hist] == ["新增", "修改", "添加进展", "变更状态：未启动 → 整改中", "删除", "恢复"]
    assert hist[1]["changes"] == {"measures": ["", "三日内清理"]}
    assert all(h["operator"] == "测试员" and h["at"] for h in hist)


def test_roster_audit_create_change_delete(store, today):
    ids = staff(store)
    people.update_person(store, ids["李明"], title="市生态环境局", expected_version=1)
    assert actions(store, "people", ids["李明"]) == ["新增", "修改"]
    day_id = R.save_slot(store, DAY, "全天", ids["王建国"], [ids["李明"]], note="")
    R.save_slot(store, DAY, "全天", ids["王建国"], [ids["李明"], ids["赵丽"]], expected_version=1)
    assert actions(store, "roster_days", day_id) == ["新增", "修改"]
    assert store.history("roster_days", day_id)[1]["changes"] == {"members": ["李明", "李明、赵丽"]}
    leave, _ = R.add_leave(store, "赵丽", DAY, DAY, "病假")
    R.cancel_leave(store, leave)
    assert actions(store, "leaves", leave) == ["新增", "删除"]
    entry = dutylog.add_entry(store, DAY, "全天", kind="来电", content="群众反映噪声", at="10:00")
    dutylog.update_entry(store, entry, expected_version=1, instruction="请零陵区核实")
    dutylog.delete_entry(store, entry)
    dutylog.undelete_entry(store, entry)
    assert actions(store, "duty_log", entry) == ["新增", "修改", "删除", "恢复"]
    assert store.history("duty_log", entry)[1]["changes"] == {"instruction": ["", "请零陵区核实"]}
    handover = dutylog.write_handover(store, DAY, "全天", "本班无事", by="李明")
    dutylog.take_over(store, handover.id, by="赵丽")
    assert actions(store, "handovers", handover.id) == ["新增", "接班"]


def test_bulletin_audit_create_change_delete(store, today):
    a = B.add_item(store, DAY, kind="news", title="甲会议召开", body="正文一")
    b = B.add_item(store, DAY, kind="news", title="乙会议召开", body="正文二")
    B.update_item(store, a, body="正文一（改）", expected_version=1)
    B.move_item(store, b, -1)
    B.delete_item(store, a)
    B.undelete_item(store, a)
    assert actions(store, "bulletin_items", a) == ["新增", "修改", "调整顺序", "删除", "恢复"]
    bid = B.current(store, DAY)["id"]
    B.set_fields(store, DAY, copies=30)
    B.issue(store, DAY)
    assert actions(store, "bulletins", bid) == ["新增", "修改版记/期号", "签发"]


# -- the trash at the domain level --------------------------------------------------------------
def test_trash_lists_every_kind_newest_first_with_masked_labels(store, today, db_path):
    from dutydesk.store.db import Store

    ids = staff(store)
    bid = add_batch(store, 1, DAY)
    pid = add_petition(store, bid, petition("D2HH202403130001", "欧阳修远家旁养殖场污水直排",
                                            petitioner_name="欧阳修远", petitioner_phone="13900001111"))
    hid = intake.create(store, source="督察组交办", description="河道垃圾未清理", lead_unit="零陵区")
    entry = dutylog.add_entry(store, DAY, "全天", kind="来电", content="反映噪声", at="10:00", from_name="钱多多",
                              from_phone="13700007777")
    item = B.add_item(store, DAY, kind="news", title="会议召开", body="正文")
    leave, _ = R.add_leave(store, "赵丽", DAY, DAY, "病假")
    other = Store(db_path, operator="乙")  # another officer deletes one of them
    try:
        delete_petition(store, pid)
        problems.soft_delete(other, hid)
        dutylog.delete_entry(store, entry)
        B.delete_item(store, item)
        R.cancel_leave(store, leave)
    finally:
        other.close()
    got = trash.recently_deleted(store, registry.trash_kinds())
    assert [(d.table, d.id) for d in got] == [("leaves", leave), ("bulletin_items", item), ("duty_log", entry),
                                              ("handoffs", hid), ("petitions", pid)]
    assert [d.kind for d in got] == ["请假", "简报条目", "值班日志", "问题交办", "信访件"]
    assert {d.table: d.deleted_by for d in got}["handoffs"] == "乙"
    labels = "\n".join(d.label for d in got)
    for secret in ("欧阳修远", "13900001111", "钱多多", "13700007777"):
        assert secret not in labels
    assert "D2HH202403130001" in labels and "欧***" in labels and "河道垃圾未清理" in labels and "赵丽" in labels
    for d in got:
        assert "已恢复" in trash.restore(store, registry.trash_kinds(), d.table, d.id)
    assert trash.recently_deleted(store, registry.trash_kinds()) == []
    assert trash.restore(store, registry.trash_kinds(), "petitions", pid).endswith("无需再恢复")
    assert ids and records.recently_deleted(store, ["petitions"]) == []


def test_restore_is_refused_when_the_domain_no_longer_allows_it(store, today):
    bid = add_batch(store, 1, DAY)
    pid = add_petition(store, bid, petition("D2HH202403130001", "养殖场污水直排"))
    delete_petition(store, pid)
    add_petition(store, bid, petition("D2HH202403130001", "同一编号重新登记"))  # the number is taken again
    with pytest.raises(UserError, match="受理编号已被其他信访件使用"):
        trash.restore(store, registry.trash_kinds(), "petitions", pid)
    item = B.add_item(store, DAY, kind="news", title="会议召开", body="正文")
    B.add_item(store, DAY, kind="news", title="另一条", body="正文")
    B.delete_item(store, item)
    B.issue(store, DAY)
    with pytest.raises(UserError, match="已签发"):
        trash.restore(store, registry.trash_kinds(), "bulletin_items", item)
    assert {(d.table, d.id) for d in trash.recently_deleted(store, registry.trash_kinds())} == {("petitions", pid), ("bulletin_items", item)}
    # a unique key taken meanwhile never becomes an integrity error
    ids = staff(store)
    R.save_slot(store, DAY, "全天", ids["王建国"], [ids["李明"]])
    slot = R.get_slot(store, DAY)
    records.soft_delete(store, "roster_days", slot.id)
    R.save_slot(store, DAY, "全天", ids["王建国"], [ids["赵丽"]])
    with pytest.raises(UserError, match="无法恢复"):
        records.undelete(store, "roster_days", slot.id)


# -- delete, gone everywhere, restore from the trash (Pilot) ----------------------------------------
async def open_trash(pilot) -> TrashModal:
    await pilot.press("ctrl+z")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TrashModal)
    return pilot.app.screen


async def assert_drafts(app, pilot, expected: dict[str, str]) -> None:
    """Each key opens a form of the visible screen that keeps its typed text as a draft under
    the given key (per record for edits). The forms are built by the screen, not shown."""
    opened: list = []
    app.push_screen = lambda screen, *a, **kw: opened.append(screen)
    try:
        for key, draft_key in expected.items():
            await pilot.press(key)
            assert isinstance(opened[-1], FormModal) and opened[-1].draft_key == draft_key, (key, opened[-1])
    finally:
        del app.push_screen
    assert len(opened) == len(expected)


async def test_petition_delete_and_restore_from_the_trash(make_test_app, store, today, tmp_path):
    from dutydesk.ui.screens.petitions.screen import PetitionsScreen

    bid = add_batch(store, 1, DAY)
    keep = add_petition(store, bid, petition("D2HH202403130001", "砖厂冒黑烟", "道县"))
    gone = add_petition(store, bid, petition("D2HH202403130002", "养殖场污水直排鱼塘", petitioner_name="欧阳修远"))

    def public_export() -> str:
        path = export_petitions(store, tmp_path / "pub.csv", public=True)
        return path.read_text(encoding="utf-8-sig")

    def everywhere() -> tuple:
        return (search.page(store, search.Filters(text="污水"), DAY, 0, 50)[1],
                search.page(store, search.Filters(ptype="水"), DAY, 0, 50)[1],
                list_batches(store)[0]["total"], stats.bulletin_paragraphs(store, DAY),
                alert_counts(store, DAY)["waiting"], "D2HH202403130002" in public_export())

    before = everywhere()
    assert before[:3] == (1, 2, 2) and before[-1]
    app = make_test_app(start="petitions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        screen._move_to(gone)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and "回收站" in rendered(app)
        await pilot.press("y")
        await pilot.pause()
        assert [r["id"] for r in screen.table.rows] == [keep]
        assert "已删除：D2HH202403130002" in notes(app) and "Ctrl+Z" in notes(app)
        after = everywhere()
        assert after[:3] == (0, 1, 1) and after[3] != before[3] and after[4] == before[4] - 1 and not after[-1]

        modal = await open_trash(pilot)
        rows = table_cells(modal.query_one(DataTable))
        assert len(rows) == 1 and rows[0][0] == "信访件" and rows[0][2] == "测试员"
        assert "D2HH202403130002" in rows[0][3] and "欧阳修远" not in str(rows)
        await pilot.press("r")
        await pilot.pause()
        assert modal.query_one(DataTable).row_count == 0 and "已恢复信访件" in notes(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PetitionsScreen)
        assert sorted(r["id"] for r in screen.table.rows) == [keep, gone]
        assert everywhere() == before
        screen._move_to(gone)
        await assert_drafts(app, pilot, {
            "a": "petitions.new", "e": f"petitions.edit.{gone}", "t": f"petitions.hand_over.{gone}",
            "r": f"petitions.result.{gone}", "s": f"petitions.status.{gone}", "b": f"petitions.batch.{bid}"})
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, MessageModal)
        history = rendered(app)
        assert "删除" in history and "恢复" in history and "欧阳修远" not in history
        await pilot.press("escape")
        await pilot.pause()

        # an edit someone else saved first: compare (the petitioner stays hidden), keep theirs
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert form.draft_key == f"petitions.edit.{gone}"
        update_petition(store, gone, petition("D2HH202403130002", "对方改的内容", petitioner_name="欧阳修远",
                                              petitioner_phone="13900002222"), expected_version=get_petition(
                                                    store, gone)["version"])
        form.query_one("#content", TextArea).load_text("我改的内容")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictModal)
        text = rendered(app)
        assert "对方改的内容" in text and "我改的内容" in text
        assert "欧阳修远" not in text and "13900002222" not in text
        await pilot.press("t")
        await pilot.pause()
        assert get_petition(store, gone)["content"] == "对方改的内容"


async def test_problem_delete_and_restore_from_the_trash(make_test_app, store, today, tmp_path):
    from dutydesk.ui.screens.handoffs.screen import HandoffsScreen

    keep = intake.create(store, source="督察组交办", description="河道垃圾未清理", lead_unit="零陵区")
    gone = intake.create(store, source="暗访发现", description="砂石场扬尘", lead_unit="道县")
    gone_no = problems.get(store, gone)["problem_no"]

    def everywhere() -> tuple:
        path = export_ledger(store, tmp_path / "ledger.xlsx", today=DAY)
        cells = [c for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row]
        return lists.page(store, today=DAY)[1], summary.summary(store, DAY)[-1]["total"], gone_no in cells

    assert everywhere() == (2, 2, True)
    app = make_test_app(start="handoffs")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        screen._move_to(gone)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and "砂石场扬尘" in rendered(app)
        await pilot.press("y")
        await pilot.pause()
        assert [r["id"] for r in screen.table.rows] == [keep]
        assert everywhere() == (1, 1, False) and "Ctrl+Z" in notes(app)
        with pytest.raises(UserError):
            problems.by_no(store, gone_no)
        modal = await open_trash(pilot)
        assert table_cells(modal.query_one(DataTable))[0][0] == "问题交办"
        await pilot.press("enter")  # Enter restores too
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HandoffsScreen)
        assert sorted(r["id"] for r in screen.table.rows) == sorted([keep, gone])
        assert everywhere() == (2, 2, True)
        screen._move_to(gone)
        await assert_drafts(app, pilot, {"a": "handoffs.new", "e": f"handoffs.edit.{gone}",
                                         "p": f"handoffs.progress.{gone}", "s": f"handoffs.status.{gone}",
                                         "g": "handoffs.from_petition"})
        await pilot.press("h")
        await pilot.pause()
        assert "删除" in rendered(app) and "恢复" in rendered(app)
        await pilot.press("escape")
        await pilot.pause()

        # the trash is in the palette; empty it says so; it never opens over a form
        assert "回收站（撤销删除）" in [c.title for c in app.get_system_commands(app.screen)]
        modal = await open_trash(pilot)
        assert "回收站是空的" in rendered(app) and modal.query_one(DataTable).row_count == 0
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormModal)
        body = form.query_one("#description", TextArea)  # in a text area Ctrl+Z stays its undo
        body.focus()
        await pilot.press("x")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.screen is form and body.text == ""
        form.query_one("#problem_no", Input).focus()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.screen is form
        app.action_trash()  # e.g. from the palette while a dialog is open
        await pilot.pause()
        assert app.screen is form and "请先关闭当前对话框" in notes(app)


async def test_duty_log_entry_delete_and_restore_from_the_trash(make_test_app, store, today):
    from dutydesk.ui.screens.roster.screen import RosterScreen

    ids = staff(store)
    R.save_slot(store, DAY, "全天", ids["王建国"], [ids["李明"]])
    first = dutylog.add_entry(store, DAY, "全天", kind="来电", content="群众反映噪声", at="09:00")
    second = dutylog.add_entry(store, DAY, "全天", kind="来访", content="企业咨询环评", at="10:00")
    app = make_test_app(start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RosterScreen) and [e.id for e in screen.entries] == [first, second]
        await pilot.press("D")  # the roster table has the focus: nothing is deleted
        await pilot.pause()
        assert "切换到值班日志" in notes(app) and len(dutylog.log_for_date(store, DAY)) == 2
        log = screen.query_one("#log-table", FastTable)
        log.focus()
        log.move_cursor(row=1)
        await pilot.pause()
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and "企业咨询环评" in rendered(app)
        await pilot.press("y")
        await pilot.pause()
        assert [e.id for e in screen.entries] == [first]
        assert [e.id for e in dutylog.log_for_date(store, DAY)] == [first]
        assert "本班共记录 1 条" in dutylog.handover_draft(store, DAY, "全天")
        modal = await open_trash(pilot)
        assert table_cells(modal.query_one(DataTable))[0][0] == "值班日志"
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert [e.id for e in screen.entries] == [first, second]
        log.focus()
        log.move_cursor(row=1)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, MessageModal) and "删除" in rendered(app) and "恢复" in rendered(app)
        await pilot.press("escape")
        await pilot.pause()
        await assert_drafts(app, pilot, {"enter": f"roster.log.edit.{second}"})
        screen.query_one("#roster-table", FastTable).focus()
        await pilot.pause()
        day = DAY.isoformat()
        await assert_drafts(app, pilot, {"e": f"roster.day.{day}.全天", "v": "roster.leave.new", "s": "roster.swap",
                                         "n": "roster.log.new", "j": f"roster.handover.{day}.全天"})
        # what is typed is kept under the form's key (FormModal brings it back the next time)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#note", TextArea).load_text("领导外出开会")
        for _ in range(100):  # saved after the draft delay (longer on a busy machine)
            await pilot.pause(0.05)
            if (drafts.load_draft(store, f"roster.day.{day}.全天") or {}).get("note") == "领导外出开会":
                break
        assert drafts.load_draft(store, f"roster.day.{day}.全天")["note"] == "领导外出开会"


async def test_bulletin_item_delete_and_restore_from_the_trash(make_test_app, store, today):
    from dutydesk.ui.screens.bulletin.screen import BulletinScreen

    B.add_item(store, DAY, kind="news", title="甲会议召开", body="甲会议的正文。")
    gone = B.add_item(store, DAY, kind="news", title="乙会议召开", body="乙会议的正文。")
    app = make_test_app(start="bulletin")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen

        def preview() -> str:
            return str(screen.query_one("#bulletin-preview", Static).render())

        screen._select(str(gone))
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "乙会议" not in preview() and "甲会议" in preview() and "Ctrl+Z" in notes(app)
        assert [i.title for i in B.items(store, B.current(store, DAY)["id"])] == ["甲会议召开"]
        await open_trash(pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BulletinScreen) and "乙会议的正文。" in preview()
        screen._select(str(gone))
        day = DAY.isoformat()
        await assert_drafts(app, pilot, {"a": f"bulletin.news.{day}", "c": f"bulletin.county.{day}",
                                         "e": f"bulletin.item.{gone}", "f": f"bulletin.footer.{day}",
                                         "t": f"bulletin.petition.{day}"})
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, MessageModal)
        assert all(a in rendered(app) for a in ("新增", "删除", "恢复"))
        await pilot.press("escape")
        await pilot.pause()
        screen._select("footer")  # the 版记 row: the bulletin's own history
        await pilot.press("h")
        await pilot.pause()
        assert "修改记录" in rendered(app) and "新增" in rendered(app)
        await pilot.press("escape")
        await pilot.pause()

        # an edit someone else saved first: back to the form with my text, then save over theirs
        screen._select(str(gone))
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.draft_key == f"bulletin.item.{gone}"
        B.update_item(store, gone, body="对方的正文")
        app.screen.query_one("#body", TextArea).load_text("我的正文")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictModal) and "对方的正文" in rendered(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FormModal) and app.screen.query_one("#body", TextArea).text == "我的正文"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert B.get_item(store, gone).body == "我的正文" and "我的正文" in preview()


# -- conflicts on the edit forms that lacked a test ----------------------------------------------------
async def test_roster_edit_conflicts_person_and_duty_log(make_test_app, store, today):
    ids = staff(store)
    R.save_slot(store, DAY, "全天", ids["王建国"], [ids["李明"]])
    entry = dutylog.add_entry(store, DAY, "全天", kind="来电", content="群众反映噪声", at="09:00")
    app = make_test_app(start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, PeopleModal)
        table = modal.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(str(ids["李明"])))
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PersonForm) and form.draft_key == f"roster.person.edit.{ids['李明']}"
        people.update_person(store, ids["李明"], title="对方写的单位")  # another terminal saves first
        form.query_one("#phone", Input).value = "13807469999"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictModal)
        text = rendered(app)
        assert "对方写的单位" in text and "13807469999" in text
        await pilot.press("escape")  # back: the form again, with my values
        await pilot.pause()
        assert isinstance(app.screen, PersonForm) and app.screen.query_one("#phone", Input).value == "13807469999"
        await pilot.press("ctrl+s")  # saving now overwrites the version I have seen
        await pilot.pause()
        assert app.screen is modal
        p = people.get_person(store, ids["李明"])
        assert (p.phone, p.title) == ("13807469999", "")
        # again, choosing "mine" in the dialog saves at once
        await pilot.press("e")
        await pilot.pause()
        people.update_person(store, ids["李明"], title="又被改了")
        app.screen.query_one("#title", Input).value = "我写的单位"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert app.screen is modal and people.get_person(store, ids["李明"]).title == "我写的单位"
        assert "我写的单位" in str(table_cells(modal.query_one(DataTable)))
        await pilot.press("escape")
        await pilot.pause()

        # a duty-log entry: keep theirs, then mine over theirs
        log = app.screen.query_one("#log-table", FastTable)
        log.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LogForm) and app.screen.draft_key == f"roster.log.edit.{entry}"
        dutylog.update_entry(store, entry, instruction="对方的批示")
        app.screen.query_one("#content", TextArea).load_text("群众反映夜间噪声")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictModal)
        assert "对方的批示" in rendered(app) and "群众反映夜间噪声" in rendered(app)
        await pilot.press("t")  # keep theirs
        await pilot.pause()
        got = dutylog.get_entry(store, entry)
        assert (got.content, got.instruction) == ("群众反映噪声", "对方的批示") and "已保留对方的修改" in notes(app)
        await pilot.press("enter")
        await pilot.pause()
        dutylog.update_entry(store, entry, kind="来访")
        app.screen.query_one("#content", TextArea).load_text("我的内容")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("m")  # mine over theirs
        await pilot.pause()
        got = dutylog.get_entry(store, entry)
        assert (got.content, got.kind) == ("我的内容", "来电")
        assert app.screen.entries[0].content == "我的内容"


async def test_hand_over_and_status_forms_compare_on_conflict(make_test_app, store, today):
    from textual.widgets import Select

    pid = add_petition(store, add_batch(store, 1, DAY), petition("D2HH202403130001", "养殖场污水直排",
                                                                   petitioner_name="欧阳修远"))
    hid = intake.create(store, source="督察组交办", description="河道垃圾未清理", lead_unit="零陵区")
    app = make_test_app(start="petitions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        hand_over(store, pid, "道县", day=DAY)  # another terminal hands it over first
        form.query_one("#lead_unit", Select).value = "零陵区"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictModal)
        assert "道县" in rendered(app) and "零陵区" in rendered(app) and "欧阳修远" not in rendered(app)
        await pilot.press("escape")  # back to the form, my choice still there
        await pilot.pause()
        assert app.screen is form and form.query_one("#lead_unit", Select).value == "零陵区"
        await pilot.press("ctrl+s")  # saves over the version just seen: no second dialog
        await pilot.pause()
        assert not isinstance(app.screen, (FormModal, ConflictModal))
        assert get_petition(store, pid)["lead_unit"] == "零陵区"

        await pilot.press("3")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        intake.update_problem(store, hid, {"note": "对方改了备注"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("t")  # keep theirs: the form closes, nothing saved
        await pilot.pause()
        assert not isinstance(app.screen, (FormModal, ConflictModal))
        assert problems.get(store, hid)["status"] == model.NOT_STARTED


def test_a_result_saved_over_a_newer_version_shows_their_texts(store):
    """The 录入结果 form's conflict dialog compares with the latest result's texts, which live in
    petition_results (m013), not in the petition's row."""
    from dutydesk.errors import ConflictError

    pid = add_petition(store, add_batch(store, 1, DAY), petition("D2HH202403130001", "养殖场污水直排"))
    version = get_petition(store, pid)["version"]
    record_result(store, pid, ResultInput(kind="已办结", date=DAY, investigation="他们的核实情况", handling="他们的整改"))
    with pytest.raises(ConflictError) as err:
        record_result(store, pid, ResultInput(kind="已办结", date=DAY, investigation="我的"), expected_version=version)
    assert (err.value.current["investigation"], err.value.current["handling"]) == ("他们的核实情况", "他们的整改")
    assert get_petition(store, pid)["investigation"] == "他们的核实情况"
