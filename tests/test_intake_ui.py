"""The TUI's import preview (issue 12): what will be read and stored, every problem with its row,
the counts; Enter imports, Esc writes nothing; unknown units accepted by a checkbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from textual.widgets import Checkbox, Input

from dutydesk import refdata
from dutydesk.ui.screens.intake.preview import ImportPreview, ImportProgress, IntakePathForm
from dutydesk.ui.screens.petitions.dialogs import ImportForm

DATA = Path(__file__).parent / "data" / "intake"
SIZE = (160, 45)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def _open_petition_import(app, pilot, path: Path, batch: str = "") -> None:
    await pilot.press("i")
    await pilot.pause()
    assert isinstance(app.screen, ImportForm)
    app.screen.query_one("#path", Input).value = str(path)
    app.screen.query_one("#batch", Input).value = batch
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_preview_shows_what_will_be_stored_and_esc_writes_nothing(make_test_app, store):
    app = make_test_app(start="petitions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _open_petition_import(app, pilot, DATA / "交办表.xls")
        screen = app.screen
        assert isinstance(screen, ImportPreview)
        assert "读取：第3批（文件中共 2 个：填表说明、第3批）；表头在第 3 行" in str(screen.query("Static")[1].render())
        mapped = text_of(screen, "#intake-mapped")
        assert "受理编号 → 受理编号" in mapped and "责任单位 → 牵头责任单位" in mapped and "序号 → 序号" in mapped
        table = screen.query_one("#intake-rows")
        assert table.row_count == 4
        assert [str(c) for c in table.get_row_at(0)][:5] == ["4", "第3批", "2145", "冷水滩区岚角山街道某养殖场粪污直排河道，臭气熏天。",
                                                              "冷水滩区"]
        assert "将导入第3批（新建批次）（转办日期 2024年3月13日）：4 件" in text_of(screen, "#intake-counts")
        await pilot.press("escape")
        await pilot.pause()
        assert store.scalar("SELECT count(*) FROM petitions") == 0 and store.scalar("SELECT count(*) FROM batches") == 0
        await _open_petition_import(app, pilot, DATA / "交办表.xls")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.scalar("SELECT count(*) FROM petitions") == 4


async def test_unknown_units_are_added_only_when_ticked(make_test_app, store, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["受理编号", "交办问题基本情况", "行政区域", "[b]说明[/b]"])
    wb.active.append(["D1", "[red]某厂[/red]排污", "火星县人民政府", "x"])
    wb.active.append(["D2", "乙", "冷水滩区委、区政府", ""])
    wb.save(tmp_path / "u.xlsx")
    app = make_test_app(start="petitions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _open_petition_import(app, pilot, tmp_path / "u.xlsx", batch="1")
        screen = app.screen
        assert isinstance(screen, ImportPreview)
        assert "火星县人民政府（第2行）" in text_of(screen, "#intake-units")
        assert "[b]说明[/b]" in text_of(screen, "#intake-ignored")  # file text shown as written, never markup
        assert "[red]某厂[/red]排污" in [str(c) for c in screen.query_one("#intake-rows").get_row_at(0)]
        await pilot.press("enter")  # not ticked: nothing happens
        await pilot.pause()
        assert app.screen is screen and store.scalar("SELECT count(*) FROM petitions") == 0
        screen.query_one("#intake-add-units", Checkbox).value = True
        await pilot.pause()
        screen.query_one("#accept").focus()
        await pilot.pause(0.3)  # (a button takes no second press within 0.2 s)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.scalar("SELECT count(*) FROM petitions") == 2, [n.message for n in app._notifications]
        assert refdata.resolve_unit(store, "火星县人民政府") == "火星县人民政府"


async def test_handoffs_and_roster_imports_go_through_the_preview(make_test_app, store):
    app = make_test_app(start="handoffs")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IntakePathForm)
        app.screen.query_one("#path", Input).value = str(DATA / "整改台账.ods")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ImportPreview) and app.screen.query_one("#intake-rows").row_count == 3
        assert store.scalar("SELECT count(*) FROM handoffs") == 0
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.scalar("SELECT count(*) FROM handoffs") == 3
    app = make_test_app(start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(DATA / "值班表.xlsx")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ImportPreview)
        assert "将导入 3 个班次" in text_of(app.screen, "#intake-counts")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.scalar("SELECT count(*) FROM roster_days WHERE date = ?", [dt.date(2024, 3, 14).isoformat()]) == 1


async def test_a_refused_file_says_why_and_the_progress_bar_counts(make_test_app, store, tmp_path):
    app = make_test_app(start="petitions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fake = tmp_path / "假.xlsx"
        fake.write_text("受理编号,内容\n", encoding="utf-8")
        await _open_petition_import(app, pilot, fake, batch="1")
        assert not isinstance(app.screen, (ImportPreview, ImportProgress))
        assert any("文件内容与扩展名不符" in str(n.message) for n in app._notifications)
        progress = ImportProgress("导入")
        app.push_screen(progress)
        await pilot.pause()
        progress.show("写入", 500, 2000)
        await pilot.pause()
        assert "写入：500 行 / 2,000" in text_of(progress, "#intake-stage")


async def test_a_large_imports_repeat_search_runs_beside_and_stops_with_esc(make_test_app, store, monkeypatch):
    """The preview says the repeat search is still running; Esc stops its helper; Enter lists what it found."""
    from dutydesk.petitions.batches import add_batch
    from dutydesk.petitions.intake import PetitionInput, add_petition
    from dutydesk.petitions.repeats import background
    from dutydesk.ui.screens.petitions.dialogs import RepeatModal

    monkeypatch.setattr(background, "BACKGROUND_ROWS", 1)
    started = []
    ahead = background.RepeatSearch.ahead.__func__

    def spy(cls, *args, **kwargs):
        started.append(ahead(cls, *args, **kwargs))
        return started[-1]

    monkeypatch.setattr(background.RepeatSearch, "ahead", classmethod(spy))
    add_petition(store, add_batch(store, 1, dt.date(2024, 3, 1)),
                 PetitionInput(case_no="D0001", content="冷水滩区岚角山街道某养殖场粪污直排河道，臭气熏天。", unit="冷水滩区"))
    app = make_test_app(start="petitions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _open_petition_import(app, pilot, DATA / "交办表.xls")
        assert isinstance(app.screen, ImportPreview)
        assert "疑似重复件：正在查找，导入后列出" in text_of(app.screen, "#intake-counts")
        process = started[0]._process
        assert process is not None
        await pilot.press("escape")
        await pilot.pause()
        assert process.wait(10) is not None and started[0]._process is None
        await _open_petition_import(app, pilot, DATA / "交办表.xls")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert started[1].failed == "" and store.scalar("SELECT count(*) FROM petitions") == 5
        assert isinstance(app.screen, RepeatModal)


async def test_a_large_imports_repeat_candidates_are_offered_a_page_at_most(make_test_app, store, monkeypatch):
    """Thousands of candidates are not laid out as thousands of checkboxes: the first ones, and how many in all."""
    from dutydesk.petitions.batches import add_batch
    from dutydesk.petitions.intake import PetitionInput, add_petition
    from dutydesk.ui.screens.intake import steps
    from dutydesk.ui.screens.petitions.dialogs import RepeatModal

    monkeypatch.setattr(steps, "REPEATS_SHOWN", 1)
    bid = add_batch(store, 1, dt.date(2024, 3, 1))
    add_petition(store, bid, PetitionInput(case_no="D0001", content="冷水滩区岚角山街道某养殖场粪污直排河道，臭气熏天。",
                                           unit="冷水滩区"))
    add_petition(store, bid, PetitionInput(case_no="D0002", content="冷水滩区某工地夜间施工噪声扰民。", unit="冷水滩区"))
    app = make_test_app(start="petitions")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _open_petition_import(app, pilot, DATA / "交办表.xls")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, RepeatModal) and len(modal.query(Checkbox)) == 1
        assert "疑似重复件 2 件，此处列出前 1 件" in str(modal.query("Static")[0].render())
        number = str(modal.query_one(Checkbox).label).split(" 与 ")[0]  # the imported petition, by its number
        assert number and store.scalar("SELECT count(*) FROM petitions WHERE case_no = ?", [number]) == 1
        await pilot.press("escape")
