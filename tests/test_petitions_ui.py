"""The 信访件 screen through Textual's Pilot: import, hand-over, results, filters, search, overdue first."""

from __future__ import annotations

import datetime as dt

import openpyxl
from textual.widgets import Checkbox, Input, Select, SelectionList, Static, TextArea

from dutydesk.petitions.batches import add_batch, batch_by_no
from dutydesk.petitions.intake import PetitionInput, add_petition
from dutydesk.petitions.rows import find_by_case_no, get_petition
from dutydesk.petitions.workflow import hand_over
from dutydesk.ui.modals import MessageModal
from dutydesk.ui.screens.intake.preview import ImportPreview
from dutydesk.ui.screens.petitions.dialogs import ImportForm, RepeatModal
from dutydesk.ui.screens.petitions.forms import HandOverForm, PetitionForm, ResultForm
from dutydesk.ui.screens.petitions.screen import PetitionsScreen
from dutydesk.ui.widgets.fast_table import FastTable

D = dt.date
TODAY = D(2024, 3, 22)


def sheet(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["受理编号", "交办问题基本情况", "行政区域", "污染类型", "信访人", "联系电话"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def seed(store):
    """Batch 1 (old: two overdue once handed over), batch 2 (recent)."""
    b1 = add_batch(store, 1, D(2024, 3, 14))
    b2 = add_batch(store, 2, D(2024, 3, 20))
    a = add_petition(store, b1, PetitionInput("D2HH202403130001", "某村养猪场污水直排河道", "冷水滩区", ["水"],
                                              petitioner_name="张三丰", petitioner_phone="13812345678"))
    add_petition(store, b1, PetitionInput("D2HH202403130002", "工地夜间施工噪声扰民", "零陵区", ["噪声"],
                                          petitioner_name="李四光"))
    add_petition(store, b2, PetitionInput("X2HH202403190001", "砖厂冒黑烟", "道县", ["大气"]))
    add_petition(store, b2, PetitionInput("D2HH202403190002", "饭店油烟扰民，夜间噪声也大", "零陵区", ["餐饮油烟", "噪声"]))
    hand_over(store, a, "冷水滩区", day=D(2024, 3, 14))  # due 3-21: overdue on 3-22
    return a


def cells(app) -> list[list[str]]:
    table = app.screen.query_one("#pf-table").table
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def case_nos(app) -> list[str]:
    return [r[1] for r in cells(app)]


async def test_overdue_first_search_and_filters(make_test_app, store, freeze_today):
    freeze_today(TODAY)
    seed(store)
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PetitionsScreen)
        rows = cells(app)
        # overdue first (the 待交办 ones of batch 1 are overdue too: due 3-21 from the transfer date)
        assert [r[0] for r in rows[:2]] == ["超期", "超期"] and rows[0][1] == "D2HH202403130001"
        assert rows[0][6] == "张**" and "张三丰" not in str(rows) and "13812345678" not in str(rows)
        counts = str(app.screen.query_one("#pf-counts", Static).render())
        assert "超期 2 件" in counts
        # each keystroke updates the list (a character from an IME arrives as one key); the
        # total in the pager follows once the page is painted
        await pilot.press("slash")
        await pilot.press("噪")
        await pilot.pause()
        assert app.screen.query_one("#pf-search", Input).value == "噪"
        assert sorted(case_nos(app)) == ["D2HH202403130002", "D2HH202403190002"]
        await pilot.press("声")
        await pilot.pause()
        assert sorted(case_nos(app)) == ["D2HH202403130002", "D2HH202403190002"]
        assert str(app.screen.query_one(".pager", Static).render()).startswith("共 2 条  第 1/1 页")
        await pilot.press("enter")  # Enter goes to the list; the box keeps its text
        assert isinstance(app.focused, FastTable) and app.screen.query_one("#pf-search", Input).value == "噪声"
        app.screen.query_one("#pf-search", Input).value = "噪声"
        await pilot.pause(0.3)
        app.screen.query_one("#pf-search", Input).value = "烟"
        await pilot.pause(0.3)
        assert sorted(case_nos(app)) == ["D2HH202403190002", "X2HH202403190001"]
        app.screen.query_one("#pf-search", Input).value = ""
        await pilot.pause(0.3)
        # filters
        app.screen.query_one("#pf-unit", Select).value = "零陵区"
        await pilot.pause()
        assert sorted(case_nos(app)) == ["D2HH202403130002", "D2HH202403190002"]
        app.screen.query_one("#pf-type", Select).value = "餐饮油烟"
        await pilot.pause()
        assert case_nos(app) == ["D2HH202403190002"]
        app.screen.query_one("#pf-unit", Select).value = Select.NULL
        app.screen.query_one("#pf-type", Select).value = Select.NULL
        batch2 = batch_by_no(store, 2)["id"]
        app.screen.query_one("#pf-batch", Select).value = batch2
        await pilot.pause()
        assert case_nos(app) == ["X2HH202403190001", "D2HH202403190002"]  # 序号 order within a batch
        app.screen.query_one("#pf-batch", Select).value = Select.NULL
        await pilot.pause()
        app.screen.query_one(FastTable).focus()
        await pilot.press("f")  # 仅超期
        await pilot.pause()
        assert app.screen.query_one("#pf-overdue", Checkbox).value is True
        assert sorted(case_nos(app)) == ["D2HH202403130001", "D2HH202403130002"]


async def test_import_through_the_tui_then_hand_over_and_result(make_test_app, store, freeze_today, tmp_path):
    freeze_today(TODAY)
    path = sheet(tmp_path / "第3批.xlsx", [
        ["D2HH202403210001", "宁远县舜陵街道一家砖厂冒黑烟，气味刺鼻", "宁远县", "大气", "王五", "13700002222"],
        ["X2HH202403210002", "道县濂溪街道饭店油烟扰民", "道县", "餐饮油烟", "赵六", "13600003333"],
    ])
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImportForm)
        app.screen.query_one("#path", Input).value = str(path)
        app.screen.query_one("#batch", Input).value = "3"
        app.screen.query_one("#day", Input).value = "2024年3月22日"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ImportPreview)
        assert store.scalar("SELECT count(*) FROM petitions") == 0  # only checked so far
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PetitionsScreen)
        assert store.scalar("SELECT count(*) FROM petitions") == 2
        assert batch_by_no(store, 3)["date"] == "2024-03-22"
        assert sorted(case_nos(app)) == ["D2HH202403210001", "X2HH202403210002"]
        # hand the selected petition to a unit
        table = app.screen.query_one(FastTable)
        table.focus()
        table.move_cursor(row=case_nos(app).index("D2HH202403210001"))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, HandOverForm)
        app.screen.query_one("#lead_unit", Select).value = "宁远县"
        app.screen.query_one("#coop_units", Input).value = "市生态环境局"
        await pilot.press("ctrl+s")
        await pilot.pause()
        row = find_by_case_no(store, "D2HH202403210001")
        assert (row["status"], row["lead_unit"], row["coop_units"], row["due_date"]) == (
            "已交办", "宁远县", "市生态环境局", "2024-03-29")
        # record its result
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ResultForm)
        app.screen.query_one("#investigation", TextArea).load_text("经现场核查，反映问题属实。")
        app.screen.query_one("#truth", Select).value = "属实"
        app.screen.query_one("#handling", TextArea).load_text("已责令停产整改。")
        app.screen.query_one("#n_rectify", Input).value = "1"
        app.screen.query_one("#fine", Input).value = "2.5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        row = get_petition(store, find_by_case_no(store, "D2HH202403210001")["id"])
        assert (row["status"], row["closed_date"], row["truth"], row["n_rectify"], row["fine"], row["handling"]) == (
            "已办结", "2024-03-22", "属实", 1, 2.5, "已责令停产整改。")
        # publish it, look at its history and full detail
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert find_by_case_no(store, "D2HH202403210001")["status"] == "已公开"
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, MessageModal)
        history = str(app.screen.query("Static").last().render())
        assert "已办结 → 已公开" in history and "13700002222" not in history and "王五" not in history
        await pilot.press("escape")
        await pilot.pause()
        detail = str(app.screen.query_one("#pf-detail", Static).render())
        assert "王*" in detail and "王五" not in detail
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MessageModal)
        assert "王五" in str(app.screen.query("Static").last().render())


async def test_bad_file_shows_every_bad_row_and_imports_nothing(make_test_app, store, tmp_path):
    path = sheet(tmp_path / "bad.xlsx", [["D1", "内容", "火星县", "水", "", ""], ["", "内容", "道县", "水", "", ""]])
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(path)
        app.screen.query_one("#batch", Input).value = "1"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ImportPreview) and not app.screen.query("#accept")  # Esc only
        body = str(app.screen.query_one("#intake-problems").render())
        assert "第2行" in body and "未知的单位" in body and "第3行" in body and "受理编号不能为空" in body
        await pilot.press("enter")  # does nothing: the file has problems
        await pilot.pause()
        assert isinstance(app.screen, ImportPreview)
        await pilot.press("escape")
        await pilot.pause()
        assert store.scalar("SELECT count(*) FROM petitions") == 0


async def test_add_by_hand_offers_a_repeat(make_test_app, store, freeze_today):
    freeze_today(TODAY)
    b1 = add_batch(store, 1, D(2024, 3, 14))
    first = add_petition(store, b1, PetitionInput("D2HH202403130001", "冷水滩区岚角山街道某养猪场粪污直排河道，臭气熏天",
                                                  "冷水滩区", ["水"]))
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PetitionForm)
        form.query_one("#batch_no", Input).value = "2"
        form.query_one("#batch_date", Input).value = "2024-03-21"
        form.query_one("#case_no", Input).value = "D2HH202403200009"
        form.query_one("#content", TextArea).load_text("冷水滩区岚角山街道一养猪场粪污直排入河道，臭气很大")
        form.query_one("#unit", Select).value = "冷水滩区"
        form.query_one("#types", SelectionList).select("水")
        form.query_one("#petitioner_name", Input).value = "钱七"
        await pilot.press("ctrl+s")
        await pilot.pause()
        new = find_by_case_no(store, "D2HH202403200009")
        assert new and new["pollution_types"] == "水" and batch_by_no(store, 2)["date"] == "2024-03-21"
        assert isinstance(app.screen, RepeatModal)
        app.screen.query_one("#rep0", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        new = find_by_case_no(store, "D2HH202403200009")
        assert new["repeat_of_id"] == first and new["repeat_of"] == "与D2HH202403130001重复"
        assert "钱*" in str(cells(app)) and "钱七" not in str(cells(app))


async def test_results_import_export_and_batch_from_the_tui(make_test_app, store, freeze_today, tmp_path):
    from dutydesk import refdata
    from dutydesk.ui.screens.petitions.dialogs import ExportForm, PathForm
    from dutydesk.ui.screens.petitions.forms import BatchForm

    freeze_today(TODAY)
    seed(store)
    refdata.set_setting(store, "exports_dir", str(tmp_path / "out"))
    results = tmp_path / "结果.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["受理编号", "调查核实情况", "是否属实", "办结日期", "责令整改(家次)"])
    wb.active.append(["D2HH202403130001", "属实", "属实", "2024-03-20", "1"])
    wb.save(results)
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, PathForm)
        app.screen.query_one("#path", Input).value = str(results)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ImportPreview)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert find_by_case_no(store, "D2HH202403130001")["status"] == "已办结"
        # export the disclosure table of batch 1 as .docx
        app.screen.query_one("#pf-batch", Select).value = batch_by_no(store, 1)["id"]
        await pilot.pause()
        assert "第1批（3月14日转办" in str(app.screen.query_one("#pf-counts", Static).render())
        app.screen.query_one(FastTable).focus()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportForm)
        app.screen.query_one("#kind", Select).value = "public"
        app.screen.query_one("#fmt", Select).value = ".docx"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        out = tmp_path / "out" / "信访件公开表-第1批-20240322.docx"
        assert out.exists()
        from docx import Document

        text = "\n".join(c.text for r in Document(str(out)).tables[0].rows for c in r.cells)
        assert "D2HH202403130001" in text and "张三丰" not in text
        # correct the batch's transfer date
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BatchForm)
        app.screen.query_one("#date", Input).value = "2024-03-13"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert batch_by_no(store, 1)["date"] == "2024-03-13"


async def test_list_screen_prepared_in_the_background_and_reloaded_only_after_a_change(
        make_test_app, store, freeze_today, monkeypatch):
    """Speed (issue 8): the app builds the 信访件 screen while the first one is read; showing it
    again does not reload it unless something was saved meanwhile."""
    freeze_today(TODAY)
    seed(store)
    loads = []
    original = PetitionsScreen.refresh_data
    monkeypatch.setattr(PetitionsScreen, "refresh_data", lambda self: (loads.append(1), original(self)))
    app = make_test_app(prepare=True)
    async with app.run_test(size=(160, 45)) as pilot:
        # both list screens are built in idle moments after the first paint (0.4 s apart here,
        # longer on a busy machine): wait for it rather than for a fixed time
        for _ in range(200):
            if "petitions" in app._screen_stacks:
                break
            await pilot.pause(0.05)
        assert "petitions" in app._screen_stacks and app.screen.SCREEN_TITLE == "值班表"
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, PetitionsScreen) and len(case_nos(app)) == 4 and loads == []
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert loads == []  # nothing changed: shown as it was
        await pilot.press("1")
        await pilot.pause()
        add_petition(store, batch_by_no(store, 2)["id"], PetitionInput("X2HH202403190003", "河面漂浮垃圾", "道县", ["水"]))
        await pilot.press("2")
        await pilot.pause()
        assert loads == [1] and "X2HH202403190003" in case_nos(app)


async def test_v_reveals_the_contact_for_a_call_back_audited_and_the_form_edits_it(make_test_app, store):
    b = add_batch(store, 1, dt.date(2024, 3, 13))
    pid = add_petition(store, b, PetitionInput("D2HH202403130001", "养猪场污水直排", "零陵区", ["水"],
                                               petitioner_name="张三丰", petitioner_phone="13912345678"))
    add_petition(store, b, PetitionInput("D2HH202403130002", "噪声扰民", "零陵区", ["噪声"]))
    app = make_test_app(start="petitions")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        app.screen.table.table.move_cursor(row=case_nos(app).index("D2HH202403130001"))
        await pilot.pause()
        detail = lambda: str(app.screen.query_one("#pf-detail", Static).render())  # noqa: E731
        assert "13912345678" not in detail() and "张*" in detail()
        await pilot.press("v")
        await pilot.pause()
        assert "张三丰" in detail() and "13912345678" in detail()
        looks = store.query("SELECT operator, changes FROM audit WHERE entity = 'petitions' AND entity_id = ? "
                            "AND action = '查看联系方式'", [str(pid)])
        assert looks == [{"operator": "测试员", "changes": "{}"}]  # who looked; the identity is not copied
        await pilot.press("down")  # masked again on another row, and back
        await pilot.press("up")
        await pilot.pause()
        assert "13912345678" not in detail()
        await pilot.press("e")  # the form has the contact, editable
        await pilot.pause()
        assert isinstance(app.screen, PetitionForm)
        assert app.screen.query_one("#petitioner_phone", Input).value == "13912345678"
        app.screen.query_one("#petitioner_phone", Input).value = "13900000000"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert find_by_case_no(store, "D2HH202403130001")["petitioner_phone"] == "13900000000"


async def test_import_picks_the_file_from_the_last_folder_says_import_and_names_no_cli_flag(
        make_test_app, store, tmp_path, monkeypatch, run_cli):
    from textual.widgets import Button, DirectoryTree

    from dutydesk.ui import prefs
    from dutydesk.ui.file_picker import FilePickerModal

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "下载"
    folder.mkdir()
    path = sheet(folder / "第3批.xlsx", [["D2HH202403130001", "养猪场污水直排", "零陵区", "水", "张三", "13912345678"]])
    (folder / "说明.docx").write_bytes(b"")  # not a sheet: not offered
    prefs.put("last_folder", str(folder))
    app = make_test_app(start="petitions")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImportForm)
        assert str(app.screen.query_one("#form-save", Button).label).startswith("导入")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, FilePickerModal) and app.screen.folder == folder
        tree = app.screen.query_one(DirectoryTree)
        for _ in range(20):  # the tree loads the folder in a worker of its own
            await pilot.pause(0.05)
            if tree.root.children:
                break
        names = [str(node.label) for node in tree.root.children]
        assert names == ["第3批.xlsx"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportForm)
        assert app.screen.query_one("#path", Input).value == str(path)
        await pilot.press("ctrl+s")  # no 批次 column and no 批次号
        for _ in range(40):
            await pilot.pause(0.05)
            if "未指定批次" in "\n".join(str(n.message) for n in app._notifications):
                break
        said = "\n".join(str(n.message) for n in app._notifications)
        assert "未指定批次" in said and "--" not in said
    r = run_cli("petitions", "import", str(path))
    assert r.exit_code == 1 and "--batch N" in r.stderr  # the command line names its option


async def test_w_makes_a_problem_from_the_petition_under_the_cursor(make_test_app, store):
    from dutydesk.handoffs import links, problems
    from dutydesk.ui.screens.handoffs.forms import FromPetitionForm

    b = add_batch(store, 1, dt.date(2024, 3, 13))
    pid = add_petition(store, b, PetitionInput("D2HH202403130001", "养猪场污水直排", "零陵区", ["水"]))
    app = make_test_app(start="petitions")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, FromPetitionForm)
        assert app.screen.query_one("#case_no", Input).value == "D2HH202403130001"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PetitionsScreen)
        assert "生成问题：WT-" in "\n".join(str(n.message) for n in app._notifications)
    hid = store.scalar("SELECT id FROM handoffs")
    assert [p["id"] for p in links.linked_petitions(store, hid)] == [pid] and problems.get(store, hid)


async def test_overdue_only_with_no_match_does_not_say_import(make_test_app, store, freeze_today):
    freeze_today(dt.date(2024, 3, 13))
    b = add_batch(store, 1, dt.date(2024, 3, 13))
    add_petition(store, b, PetitionInput("D2HH202403130001", "养猪场污水直排", "零陵区", ["水"]))
    app = make_test_app(start="petitions")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("f")  # 仅超期: none is overdue
        await pilot.pause(0.2)
        detail = str(app.screen.query_one("#pf-detail", Static).render())
        assert case_nos(app) == [] and "仅超期" in detail and "按 i 导入" not in detail


async def test_a_deadline_in_another_year_shows_the_year(make_test_app, store, freeze_today):
    freeze_today(dt.date(2024, 12, 30))
    b = add_batch(store, 1, dt.date(2024, 12, 30))
    pid = add_petition(store, b, PetitionInput("D2HH202412300001", "养猪场污水直排", "零陵区", ["水"]))
    hand_over(store, pid, "零陵区", day=dt.date(2024, 12, 30), due=dt.date(2025, 1, 6))
    app = make_test_app(start="petitions")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert "25年1月6日" in cells(app)[0]
