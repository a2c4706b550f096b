"""Privacy end to end (issue 7): a petitioner's name, phone and address appear only in the
petition's detail view and the full ledger (台账). Every other way out of the app is checked:
the public table in each format, the bulletin in each format, a problem made from the petition
and its ledger, the roster and duty log, the history, the trash, a crash log, the CLI."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from textual.widgets import Static

from dutydesk import registry, trash
from dutydesk.bulletin import service as B
from dutydesk.handoffs import detail, links
from dutydesk.handoffs.export import export_ledger
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition, delete_petition, update_petition
from dutydesk.petitions.history import history_text
from dutydesk.petitions.rows import get_petition
from dutydesk.petitions.workflow import ResultInput, hand_over, publish, record_result
from dutydesk.petitions.export import export_petitions
from dutydesk.roster import dutylog, people, rotation, transfer
from dutydesk.roster import shifts as shiftmod
from dutydesk.ui.modals import MessageModal

DAY = dt.date(2024, 3, 13)
ZHUGE = {"petitioner_name": "诸葛孔明", "petitioner_phone": "13987654321", "petitioner_address": "南阳卧龙岗草庐七号院"}
OUYANG = {"petitioner_name": "欧阳锋", "petitioner_phone": "13712345678", "petitioner_address": "白驼山庄西厢房三号"}
SECRETS = [*ZHUGE.values(), *OUYANG.values()]


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def read_back(path: Path) -> str:
    """Every piece of text in an exported file."""
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path).active
        return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    if path.suffix == ".docx":
        doc = Document(str(path))
        parts = [p.text for p in doc.paragraphs]
        parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
        for section in doc.sections:
            parts += [p.text for p in section.footer.paragraphs] + [p.text for p in section.header.paragraphs]
        return "\n".join(parts)
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return "\n".join(v for row in csv.reader(fh) for v in row)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def office(store, freeze_today, monkeypatch):
    """Two petitions of the day (one closed and published, one whose content quotes its
    petitioner), a problem made from each, the roster, and a call from a petitioner in the log."""
    freeze_today(DAY)
    monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(10, 0))
    bid = add_batch(store, 1, DAY)
    a = add_petition(store, bid, PetitionInput("D2HH202403130001", "养殖场污水直排河道", "零陵区", ["水"], **ZHUGE))
    b = add_petition(store, bid, PetitionInput(
        "D2HH202403130002", "欧阳锋（电话13712345678）反映白驼山庄西厢房三号旁化工厂夜间排放刺鼻气体", "道县", ["大气"],
        key_case=True, **OUYANG))
    hand_over(store, a, "零陵区", day=DAY)
    record_result(store, a, ResultInput(kind="已办结", date=DAY, investigation="经查属实", truth="属实",
                                           handling="已责令整改", counters={"n_rectify": 1}))
    publish(store, [a], DAY)
    update_petition(store, b, PetitionInput(
        "D2HH202403130002", "欧阳锋（电话13712345678）反映白驼山庄西厢房三号旁化工厂夜间排放刺鼻气体，多次投诉未果",
        "道县", ["大气"], key_case=True, **OUYANG), expected_version=1)
    problems = [links.create_from_petition(store, pid) for pid in (a, b)]
    leader = people.add_person(store, "王建国", role="leader", phone="13907461001")
    people.add_person(store, "李明", phone="13807462001")
    rotation.generate(store, DAY, DAY + dt.timedelta(days=6), ["王建国"], ["李明"])
    dutylog.add_entry(store, DAY, "全天", kind="来电", at="10:00", from_name=ZHUGE["petitioner_name"],
                      from_phone=ZHUGE["petitioner_phone"], content="来电催问养殖场污水问题办理进度")
    B.add_item(store, DAY, kind="news", title="督察工作推进会召开", body="会议通报了信访件办理情况。")
    assert leader
    return {"a": a, "b": b, "problems": problems}


def test_public_outputs_never_carry_the_petitioner(store, office, tmp_path, run_cli):
    outputs: dict[str, str] = {}
    for fmt in (".xlsx", ".csv", ".docx"):
        outputs[f"公开表{fmt}"] = read_back(export_petitions(store, tmp_path / f"public{fmt}", public=True))
    for path in B.export_formats(store, DAY, out_dir=tmp_path / "bulletin"):
        outputs[f"简报{path.suffix}"] = read_back(path)
    assert "2件" in outputs["简报.txt"]  # the day's batch is counted in it
    for fmt in (".xlsx", ".docx"):
        outputs[f"问题台账{fmt}"] = read_back(export_ledger(store, tmp_path / f"ledger{fmt}", today=DAY))
        outputs[f"值班表{fmt}"] = read_back(transfer.export_roster(store, tmp_path / f"roster{fmt}", DAY,
                                                                 DAY + dt.timedelta(days=6)))
    for hid in office["problems"]:
        outputs[f"问题详情{hid}"] = detail.describe(store, hid, DAY)
        outputs[f"问题历史{hid}"] = "\n".join(str(h) for h in store.history("handoffs", hid))
    outputs["交班"] = dutylog.write_handover(store, DAY, "全天", "本班一项未办结", by="李明").text()
    for pid in (office["a"], office["b"]):
        outputs[f"信访件历史{pid}"] = history_text(store, pid)
    outputs["审计（信访件）"] = "\n".join(r["changes"] for r in store.query(
        "SELECT changes FROM audit WHERE entity = 'petitions'"))
    for args in (("petitions", "list"), ("petitions", "list", "--search", "化工厂"), ("petitions", "show", "D2HH202403130002"),
                 ("petitions", "stats"), ("roster", "log", "list"), ("handoffs", "list"), ("bulletin", "show")):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        outputs["dutydesk " + " ".join(args)] = result.stdout + result.stderr
    delete_petition(store, office["b"])
    outputs["回收站"] = "\n".join(d.label for d in trash.recently_deleted(store, registry.trash_kinds()))

    assert "D2HH202403130002" in outputs["公开表.csv"] and "化工厂" in outputs["公开表.docx"]  # the rows are there
    assert "化工厂" in outputs["问题台账.xlsx"] and "欧**" in outputs["dutydesk petitions list"]
    found = {name: leaks(text) for name, text in outputs.items() if leaks(text)}
    assert found == {}


def test_the_full_ledger_and_the_detail_do_carry_it(store, office, tmp_path, run_cli):
    """The places that may show the petitioner do (so the test above is not passing by accident)."""
    for fmt in (".xlsx", ".csv", ".docx"):
        text = read_back(export_petitions(store, tmp_path / f"ledger{fmt}"))
        assert leaks(text) == SECRETS, fmt
    from dutydesk.petitions.detail import detail_text

    assert leaks(detail_text(store, office["a"])) == list(ZHUGE.values())
    shown = run_cli("petitions", "show", "D2HH202403130001", "--full").stdout
    assert leaks(shown) == list(ZHUGE.values())


async def test_crash_log_while_a_petition_is_displayed(store, office, make_test_app, monkeypatch):
    import dutydesk.ui.screens.petitions.screen as screen_module
    from dutydesk.petitions.detail import detail_text

    app = make_test_app(start="petitions", strict=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen._move_to(office["a"])
        await pilot.press("enter")  # the full detail: the petitioner in clear, as it should be
        await pilot.pause()
        assert isinstance(app.screen, MessageModal)
        assert leaks("\n".join(str(s.render()) for s in app.screen.query(Static))) == list(ZHUGE.values())
        await pilot.press("escape")
        await pilot.pause()

        def broken(store_, petition_id, **kw):  # a bug whose message quotes what it was showing
            row = get_petition(store_, petition_id)
            text = detail_text(store_, petition_id, **kw)
            raise ValueError(f"无法排版：{row['petitioner_name']} {row['petitioner_phone']} "
                             f"{row['petitioner_address']}（{len(text)}）")

        monkeypatch.setattr(screen_module, "detail_text", broken)
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and app.crash_count == 1
        screen._move_to(office["b"])  # the detail pane fails too
        await pilot.pause()
    log = (store.path.parent / "dutydesk-crash.log").read_text(encoding="utf-8")
    assert "ValueError: 无法排版" in log and "（已隐去）" in log
    assert leaks(log) == []


def test_cli_crash_log_hides_the_petitioner_quoted_by_an_error(store, office, run_cli, monkeypatch):
    def broken(*args, **kw):
        raise KeyError(f"{OUYANG['petitioner_name']}@{OUYANG['petitioner_address']}")

    monkeypatch.setattr("dutydesk.petitions.stats.bulletin_paragraphs", broken)
    result = run_cli("petitions", "stats")
    assert result.exit_code == 1 and "发生意外错误（KeyError）" in result.stderr and leaks(result.stderr) == []
    log = (store.path.parent / "dutydesk-crash.log").read_text(encoding="utf-8")
    assert "KeyError" in log and leaks(log) == []
