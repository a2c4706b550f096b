"""Soft deletes with 回收站 restore (issue 16): progress entries, 回头看 records, roster days,
handovers and empty batches; a deleted petition stays linked to the problems made from it, shown
as deleted, and restoring it shows it as before. Domain, CLI and the TUI keys."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from dutydesk import registry, trash
from dutydesk.errors import UserError
from dutydesk.handoffs import detail, intake, lifecycle, links, problems, progress, rechecks
from dutydesk.handoffs.export import export_ledger
from dutydesk.petitions.batches import add_batch, batch_by_no, delete_batch, list_batches, undelete_batch
from dutydesk.petitions.intake import PetitionInput, add_petition, delete_petition, undelete_petition
from dutydesk.roster import dutylog, people
from dutydesk.roster import service as R
from dutydesk.roster import shifts as shiftmod
from dutydesk.ui.modals import ConfirmModal

DAY = dt.date(2024, 3, 13)
SIZE = (160, 45)


@pytest.fixture
def today(freeze_today, monkeypatch):
    monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(10, 0))
    return freeze_today(DAY)


def restore_all(store) -> list[str]:
    return [trash.restore(store, registry.trash_kinds(), d.table, d.id)
            for d in trash.recently_deleted(store, registry.trash_kinds())]


def kinds(store) -> list[tuple[str, str]]:
    return [(d.kind, d.label) for d in trash.recently_deleted(store, registry.trash_kinds())]


def closed_problem(store) -> int:
    hid = intake.create(store, source="督察组交办", description="河道垃圾未清理", lead_unit="零陵区")
    for status, by in (("已完成", ""), ("已验收", "张验收"), ("已销号", "李销号")):
        lifecycle.change_status(store, hid, status, on=DAY, by=by, basis="现场核查")
    return hid


# -- progress entries and 回头看 ------------------------------------------------------------------
def test_progress_entry_deleted_and_restored(store, today):
    hid = intake.create(store, source="督察组交办", description="河道垃圾未清理", lead_unit="零陵区")
    first = progress.add_progress(store, hid, "已清理一半", on=DAY - dt.timedelta(days=1))
    second = progress.add_progress(store, hid, "已全部清理", on=DAY)
    assert progress.last_entry(store, hid)["id"] == second
    assert progress.last_entry(store, hid, DAY - dt.timedelta(days=1))["id"] == first
    progress.delete_progress(store, second)
    assert [e["id"] for e in progress.progress_entries(store, hid)] == [first]
    assert "已全部清理" not in detail.describe(store, hid, DAY)
    assert kinds(store) == [("整改进展", f"{problems.get(store, hid)['problem_no']} {DAY} 整改进展：已全部清理")]
    actions = [h["action"] for h in store.history("handoffs", hid)]
    assert "删除进展" in actions
    assert restore_all(store) == ["已恢复整改进展：" + kinds_label(store, hid, DAY, "整改进展：已全部清理")]
    assert [e["id"] for e in progress.progress_entries(store, hid)] == [first, second]
    assert "恢复进展" in [h["action"] for h in store.history("handoffs", hid)]
    # an entry of a deleted problem comes back only with it
    progress.delete_progress(store, second)
    problems.soft_delete(store, hid)
    with pytest.raises(UserError, match="所属问题.*已删除"):
        trash.restore(store, registry.trash_kinds(), "handoff_progress", second)
    problems.undelete(store, hid)
    trash.restore(store, registry.trash_kinds(), "handoff_progress", second)
    assert len(progress.progress_entries(store, hid)) == 2


def kinds_label(store, hid, day, rest) -> str:
    return f"{problems.get(store, hid)['problem_no']} {day} {rest}"


def test_recheck_deleted_and_restored_with_the_rebound_count(store, today):
    hid = closed_problem(store)
    rid = rechecks.recheck(store, hid, finding="河道又有垃圾", came_back=True, on=DAY, checker="王检查")
    assert problems.get(store, hid)["rebound"] == 1
    assert rechecks.last_recheck(store, hid)["id"] == rid
    rechecks.delete_recheck(store, rid)
    row = problems.get(store, hid)
    assert rechecks.rechecks(store, hid) == [] and row["rebound"] == 0 and row["status"] == "整改中"
    assert "反弹" not in detail.describe(store, hid, DAY).split("状态记录")[0].replace("未反弹", "")
    assert kinds(store)[0][0] == "回头看" and "发现反弹：河道又有垃圾" in kinds(store)[0][1]
    restore_all(store)
    assert problems.get(store, hid)["rebound"] == 1 and len(rechecks.rechecks(store, hid)) == 1
    with pytest.raises(UserError, match="没有回头看记录"):
        rechecks.last_recheck(store, intake.create(store, source="暗访发现", description="扬尘", lead_unit="道县"))


def test_cli_deletes_progress_and_recheck_and_the_trash_restores(store, today, run_cli):
    hid = closed_problem(store)
    no = problems.get(store, hid)["problem_no"]
    rechecks.recheck(store, hid, finding="未发现反弹", on=DAY)
    other = intake.create(store, source="暗访发现", description="扬尘", lead_unit="道县")
    other_no = problems.get(store, other)["problem_no"]
    progress.add_progress(store, other, "已覆盖防尘网", on=DAY)
    r = run_cli("handoffs", "delete-progress", other_no)
    assert r.exit_code == 0 and "已删除进展" in r.stdout and progress.progress_entries(store, other) == []
    r = run_cli("handoffs", "delete-progress", other_no)
    assert r.exit_code == 1 and "没有整改进展" in r.stderr
    r = run_cli("handoffs", "delete-recheck", no, "--date", DAY.isoformat())
    assert r.exit_code == 0 and rechecks.rechecks(store, hid) == []
    listed = run_cli("trash", "list")
    assert listed.exit_code == 0 and "回头看" in listed.stdout and "整改进展" in listed.stdout
    keys = [line.split("\t")[0] for line in listed.stdout.splitlines()[1:]]
    assert sorted(k.split(":")[0] for k in keys) == ["handoff_progress", "handoff_rechecks"]
    for key in keys:
        r = run_cli("trash", "restore", key)
        assert r.exit_code == 0 and "已恢复" in r.stdout, r.stderr
    assert len(progress.progress_entries(store, other)) == 1 and len(rechecks.rechecks(store, hid)) == 1
    assert run_cli("trash", "restore", "nonsense").exit_code == 1


# -- roster days and handovers ----------------------------------------------------------------------
def test_roster_day_deleted_restored_and_refused_once_arranged_again(store, today, run_cli):
    leader = people.add_person(store, "王建国", role="leader")
    member = people.add_person(store, "李明")
    R.save_slot(store, DAY, "全天", leader, [member], note="节前")
    slot = R.delete_slot(store, DAY)
    assert slot.leader_name == "王建国" and R.get_slot(store, DAY).id is None
    with pytest.raises(UserError, match="没有值班安排"):
        R.delete_slot(store, DAY)
    assert kinds(store) == [("值班安排", f"{DAY} 全天 带班 王建国 值班 李明")]
    restore_all(store)
    again = R.get_slot(store, DAY)
    assert (again.leader_name, again.member_names, again.note) == ("王建国", "李明", "节前")
    R.delete_slot(store, DAY)
    R.save_slot(store, DAY, "全天", leader, [])  # arranged again meanwhile
    with pytest.raises(UserError, match="已重新排班"):
        trash.restore(store, registry.trash_kinds(), "roster_days", again.id)
    r = run_cli("roster", "delete-day", "--date", DAY.isoformat())
    assert r.exit_code == 0 and "已删除值班安排" in r.stdout and R.get_slot(store, DAY).id is None


def test_handover_deleted_and_restored(store, today, run_cli):
    first = dutylog.write_handover(store, DAY, "全天", "本班一项未办结", by="李明")
    gone = dutylog.delete_handover(store, DAY, "全天")
    assert gone.id == first.id and dutylog.get_handover(store, DAY, "全天") is None
    assert kinds(store) == [("交班记录", f"{DAY} 全天 交班（李明）：本班一项未办结")]
    restore_all(store)
    assert dutylog.get_handover(store, DAY, "全天").note == "本班一项未办结"
    dutylog.delete_handover(store, DAY, "全天")
    dutylog.write_handover(store, DAY, "全天", "重新交班", by="李明")
    with pytest.raises(UserError, match="已重新交班"):
        trash.restore(store, registry.trash_kinds(), "handovers", first.id)
    dutylog.delete_handover(store, DAY, "全天")
    dutylog.write_handover(store, DAY, "全天", "来电人电话138 0746 2001待回复", by="李明")
    assert "13807462001" not in "".join(label.replace(" ", "") for _, label in kinds(store))  # a label masks numbers
    r = run_cli("roster", "delete-handover", "--date", DAY.isoformat())
    assert r.exit_code == 0 and dutylog.get_handover(store, DAY, "全天") is None
    assert "138****2001" in kinds(store)[0][1]
    r = run_cli("roster", "delete-handover", "--date", DAY.isoformat())
    assert r.exit_code == 1 and "还没有交班记录" in r.stderr


# -- batches -------------------------------------------------------------------------------------
def test_only_an_empty_batch_is_deleted_and_a_restored_petition_brings_its_batch_back(store, today, run_cli):
    bid = add_batch(store, 7, DAY, note="分解后交办1件")
    pid = add_petition(store, bid, PetitionInput("D2HH202403130001", "养殖场污水", "零陵区"))
    with pytest.raises(UserError, match="还有 1 件信访件"):
        delete_batch(store, bid)
    r = run_cli("petitions", "batch", "7", "--delete")
    assert r.exit_code == 1 and "不能删除" in r.stderr
    delete_petition(store, pid)
    r = run_cli("petitions", "batch", "7", "--delete")
    assert r.exit_code == 0 and batch_by_no(store, 7) is None and [b["no"] for b in list_batches(store)] == []
    assert ("批次", f"第7批（转办 {DAY}，{store.scalar('SELECT group_name FROM batches')}） 分解后交办1件") in kinds(store)
    undelete_petition(store, pid)  # its batch comes back with it
    assert batch_by_no(store, 7)["id"] == bid
    delete_petition(store, pid)
    delete_batch(store, bid)
    other = add_batch(store, 7, DAY)  # the number is free again
    with pytest.raises(UserError, match="第7批已被另一个批次使用"):
        undelete_batch(store, bid)
    with pytest.raises(UserError, match="第7批已被另一个批次使用"):
        undelete_petition(store, pid)
    assert batch_by_no(store, 7)["id"] == other


# -- a deleted petition linked to a problem ------------------------------------------------------------
def test_a_deleted_petition_stays_linked_shown_as_deleted(store, today, tmp_path):
    bid = add_batch(store, 1, DAY)
    pid = add_petition(store, bid, PetitionInput("D2HH202403130001", "养殖场污水直排河道", "零陵区"))
    hid = links.create_from_petition(store, pid)

    def ledger() -> list:
        path = export_ledger(store, tmp_path / "l.xlsx", today=DAY, force=True)
        return [c for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row]

    assert "关联信访件：D2HH202403130001\n" in detail.describe(store, hid, DAY) + "\n"
    delete_petition(store, pid)
    text = detail.describe(store, hid, DAY)
    assert "关联信访件：D2HH202403130001（已删除）" in text and "养殖场污水直排河道" in text  # the text stays
    assert "D2HH202403130001（已删除）" in ledger()
    undelete_petition(store, pid)
    assert "（已删除）" not in detail.describe(store, hid, DAY) and "D2HH202403130001" in ledger()


# -- the TUI keys ---------------------------------------------------------------------------------------
async def test_tui_deletes_the_latest_progress_and_recheck(make_test_app, store, today):
    hid = closed_problem(store)
    rechecks.recheck(store, hid, finding="未发现反弹", on=DAY)
    app = make_test_app(start="handoffs")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen._move_to(hid)
        await pilot.press("P")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)  # no progress entry: a notice
        await pilot.press("K")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and "未发现反弹" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert rechecks.rechecks(store, hid) == []
    assert kinds(store)[0][0] == "回头看"


async def test_tui_deletes_a_roster_day_and_a_handover(make_test_app, store, today):
    leader = people.add_person(store, "王建国", role="leader")
    R.save_slot(store, DAY, "全天", leader, [people.add_person(store, "李明")])
    dutylog.write_handover(store, DAY, "全天", "交班说明", by="李明")
    app = make_test_app(start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.selected_slot().date == DAY
        await pilot.press("J")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert dutylog.get_handover(store, DAY, "全天") is None
        await pilot.press("X")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and "王建国" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert R.get_slot(store, DAY).id is None
    assert [k for k, _ in kinds(store)] == ["值班安排", "交班记录"]


async def test_tui_deletes_an_empty_batch(make_test_app, store, today):
    from textual.widgets import Select

    full = add_batch(store, 1, DAY)
    add_petition(store, full, PetitionInput("D2HH202403130001", "养殖场污水", "零陵区"))
    empty = add_batch(store, 2, DAY)
    app = make_test_app(start="petitions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("B")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)  # no batch chosen: a notice
        app.screen.query_one("#pf-batch", Select).value = full
        await pilot.pause()
        await pilot.press("B")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert batch_by_no(store, 1) is not None  # refused: it holds a petition
        app.screen.query_one("#pf-batch", Select).value = empty
        await pilot.pause()
        await pilot.press("B")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and "第2批" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert batch_by_no(store, 2) is None
