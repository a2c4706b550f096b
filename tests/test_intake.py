"""Intake (issue 12): every file the office is handed opens, read by kept libraries.

The files in tests/data/intake were made once with LibreOffice (and SheetJS for .xlsb) by
tests/data/intake/make_files.py: a title row or two, merged cells, a numeric 受理编号, dates as
dates, serial numbers and text, units as governments write them, a .docx letter whose table goes
on over a second page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from dutydesk import refdata, sheets
from dutydesk.errors import UserError, ValidationError
from dutydesk.handoffs import io as handoffs_io
from dutydesk.petitions import io
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition
from dutydesk.petitions.rows import find_by_case_no
from dutydesk.petitions.workflow import hand_over, latest_result
from dutydesk.petitions.export import export_petitions
from dutydesk.roster import service as R, transfer

D = dt.date
DATA = Path(__file__).parent / "data" / "intake"
SPREADSHEETS = ["xlsx", "xls", "ods"]


def petitions(store) -> dict[str, dict]:
    return {r["case_no"]: dict(r) for r in store.query("SELECT p.*, b.no AS batch_no, b.date AS batch_date FROM "
                                                       "petitions p JOIN batches b ON b.id = p.batch_id")}


# -- the office's files -------------------------------------------------------------------------
@pytest.mark.parametrize("ext", SPREADSHEETS)
def test_petition_sheet_as_the_office_gets_it(store, ext):
    """A note sheet before the data sheet, a two-row merged title, 批次 merged down the rows,
    2145 as a number, 2146 as text, 转办日期 as a date, a serial number and text, units as
    governments write them."""
    result = io.import_petitions(store, DATA / f"交办表.{ext}")
    assert result.plan.sheet.name == "第3批" and result.plan.sheet.header_row == 3
    assert result.plan.sheet.mapping["受理编号"] == "case_no" and result.plan.sheet.ignored == []
    got = petitions(store)
    assert sorted(got) == ["2145", "2146", "2147", "D2HH202403130002"]
    assert {r["batch_no"] for r in got.values()} == {3} and {r["batch_date"] for r in got.values()} == {"2024-03-13"}
    assert [got[n]["unit"] for n in ("2145", "D2HH202403130002", "2146", "2147")] == \
        ["冷水滩区", "永州经济技术开发区", "江华瑶族自治县", "冷水滩区"]
    assert [got[n]["lead_unit"] for n in ("2145", "D2HH202403130002", "2146", "2147")] == \
        ["冷水滩区", "永州经济技术开发区", "江华瑶族自治县", "冷水滩区"]
    assert got["2145"]["content"] == "冷水滩区岚角山街道某养殖场粪污直排河道，臭气熏天。"
    assert got["D2HH202403130002"]["note"] == "重点"


@pytest.mark.parametrize("ext", SPREADSHEETS)
def test_results_roster_and_ledger_files(store, ext):
    io.import_petitions(store, DATA / f"交办表.{ext}")
    plan = io.import_results(store, DATA / f"办理结果.{ext}")
    assert len(plan.rows) == 2 and plan.sheet.header_row == 2
    first = latest_result(store, find_by_case_no(store, "2145")["id"])
    assert (first["kind"], first["truth"], first["date"], first["fine"]) == ("已办结", "属实", "2024-03-20", 2.5)
    assert latest_result(store, find_by_case_no(store, "D2HH202403130002")["id"])["kind"] == "阶段性办结"
    result = transfer.import_roster(store, DATA / f"值班表.{ext}")
    assert result.days == 3
    slot = R.get_slot(store, D(2024, 3, 14))
    assert (slot.leader_name, slot.member_names, slot.note) == ("王建国", "赵敏、钱进", "督察组进驻")
    assert R.get_slot(store, D(2024, 3, 13)).phones == "13800001111"
    ledger = handoffs_io.import_file(store, DATA / f"整改台账.{ext}")
    assert ledger.count == 3
    rows = store.query("SELECT region, lead_unit, coop_units, deadline FROM handoffs ORDER BY id")
    assert [(r["region"], r["lead_unit"]) for r in rows] == [
        ("冷水滩区", "冷水滩区"), ("江华瑶族自治县", "江华瑶族自治县"), ("永州经济技术开发区", "永州经济技术开发区")]
    assert rows[1]["coop_units"] == "市生态环境局、市自然资源局" and rows[0]["deadline"] == "2024-06-30"


def test_docx_letter_table_over_two_pages(store):
    """Text before and after the table ignored; the header row (repeated on the second page) read
    once; a unit cell merged over two rows gives both rows its unit."""
    result = io.import_petitions(store, DATA / "转办函.docx", batch=3, day=D(2024, 3, 13))
    assert result.plan.sheet.name == "表格1" and len(result.created) == 16
    got = petitions(store)
    assert got["D2HH202403130001"]["content"] == "某企业环境问题1"
    assert got["D2HH202403130002"]["unit"] == "江华瑶族自治县"
    assert got["D2HH202403130015"]["unit"] == got["D2HH202403130016"]["unit"] == "道县"


def test_docx_table_split_in_two_and_header_rows_repeated(store, tmp_path):
    doc = Document()
    doc.add_paragraph("关于转办信访件的函")
    header = ["受理编号", "交办问题基本情况", "行政区域"]
    for part in ([["D1", "甲厂排污", "零陵区"], header, ["D2", "乙厂噪声", "道县"]], [["D3", "丙厂扬尘", "祁阳县"]]):
        table = doc.add_table(rows=0, cols=3)
        for row in [header, *part]:
            cells = table.add_row().cells
            for c, text in zip(cells, row):
                c.text = text
        doc.add_paragraph("（续表）")
    other = doc.add_table(rows=1, cols=2)  # a later table that is not the same one goes unread
    other.rows[0].cells[0].text = "联系人"
    doc.save(tmp_path / "函.docx")
    sheet = sheets.read_sheet(tmp_path / "函.docx", known_headers={"受理编号"})
    assert [r.values["受理编号"] for r in sheet.rows] == ["D1", "D2", "D3"] and [r.number for r in sheet.rows] == [2, 4, 6]
    assert sheet.names == ["表格1", "表格2", "表格3"]


def test_xlsb_written_with_short_cell_records_is_refused_not_read_half(store):
    """LibreOffice cannot write .xlsb; SheetJS writes one with the short cell records that the
    parser does not read (it would drop every cell after the first of a row): refused clearly."""
    for stem in ("交办表", "办理结果", "值班表", "整改台账"):
        with pytest.raises(UserError, match="短记录"):
            sheets.read_sheet(DATA / f"{stem}.xlsb")
    assert petitions(store) == {}


def test_first_sheet_whose_header_maps_or_the_one_named(store, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append(["受理编号", "备注"])  # names a field, but not every required one
    for name, no in (("第1批", "D1"), ("第2批", "D2")):
        ws = wb.create_sheet(name)
        ws.append(["受理编号", "交办问题基本情况", "行政区域"])
        ws.append([no, "内容", "零陵区"])
    wb.save(tmp_path / "多表.xlsx")
    assert io.plan_import(store, tmp_path / "多表.xlsx", batch=1).rows[0].values["case_no"] == "D1"
    assert io.plan_import(store, tmp_path / "多表.xlsx", batch=1, sheet="第2批").rows[0].values["case_no"] == "D2"
    with pytest.raises(UserError, match="工作表“汇总”第1行表头为：受理编号、备注"):
        io.plan_import(store, tmp_path / "多表.xlsx", batch=1, sheet="汇总")


def test_numbers_dates_and_text_as_people_type_them(store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["受理编号", "交办问题基本情况", "行政区域", "转办日期", "联系电话", "批次"])
    ws.append([2145, "甲", "零陵区", 45364, 13800001111, 1.0])
    ws.append([2.145e3 + 1, "乙", "零陵区", "2024/3/13", "13800002222", "第一批"])
    ws.append(["  2147 ", "丙", "零陵区", dt.datetime(2024, 3, 13, 9, 30), "", "1"])
    for _ in range(3):
        ws.append([None] * 6)  # trailing empty rows
    ws.cell(row=2, column=12).number_format = "0.00"  # a styled column far to the right
    wb.save(tmp_path / "n.xlsx")
    plan = io.plan_import(store, tmp_path / "n.xlsx")
    assert [r.values["case_no"] for r in plan.rows] == ["2145", "2146", "2147"]
    assert plan.batches == {1: D(2024, 3, 13)} and plan.rows[0].values["petitioner_phone"] == "13800001111"


# -- units as government offices write them ----------------------------------------------------
def test_units_as_government_offices_write_them(store):
    for written in ("冷水滩区人民政府", "冷水滩区政府", "冷水滩区委、区政府", "中共冷水滩区委", "冷水滩区"):
        assert refdata.resolve_unit(store, written) == "冷水滩区", written
    assert refdata.resolve_unit(store, "永州经开区管委会") == "永州经济技术开发区"
    for written in ("江华县", "江华瑶族自治县人民政府", "江华瑶族自治县"):
        assert refdata.resolve_unit(store, written) == "江华瑶族自治县", written
    assert refdata.resolve_unit(store, "永州市生态环境局") == "市生态环境局"
    assert refdata.resolve_unit(store, "市住房和城乡建设局") == "市住建局"
    for unknown in ("火星县人民政府", "区政府", "冷水滩区委、零陵区政府"):
        with pytest.raises(refdata.UnknownUnitError):
            refdata.resolve_unit(store, unknown)
    rules = refdata.unit_rules()  # the mapping is data
    assert "人民政府" in rules["suffixes"] and "中共" in rules["prefixes"]


def test_unknown_units_listed_with_rows_or_added_in_the_same_transaction(run_cli, store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["受理编号", "交办问题基本情况", "行政区域", "责任单位"])
    ws.append(["D1", "甲", "火星县人民政府", "火星县人民政府"])
    ws.append(["D2", "乙", "零陵区", "木星区"])
    ws.append(["D3", "丙", "火星县人民政府", ""])
    wb.save(tmp_path / "u.xlsx")
    with pytest.raises(ValidationError) as err:
        io.import_petitions(store, tmp_path / "u.xlsx", batch=1, day=D(2024, 3, 13))
    assert "未知的单位：火星县人民政府（第2、4行）、木星区（第3行）" in str(err.value)
    assert sorted(dict(err.value.problems)) == [2, 3, 4]
    r = run_cli("petitions", "import", str(tmp_path / "u.xlsx"), "--batch", "1", "--date", "2024-03-13", "--add-units")
    assert r.exit_code == 0, r.stderr
    assert "已新增单位 2 个：火星县人民政府、木星区" in r.stdout and "已导入第1批（新建批次）" in r.stdout
    assert refdata.resolve_unit(store, "火星县人民政府") == "火星县人民政府"
    assert petitions(store)["D2"]["lead_unit"] == "木星区"
    # a file with another bad row adds no unit either (one transaction, nothing written)
    ws.append(["D4", "", "土星县", ""])
    wb.save(tmp_path / "u2.xlsx")
    r = run_cli("petitions", "import", str(tmp_path / "u2.xlsx"), "--batch", "2", "--add-units")
    assert r.exit_code == 1 and "第5行" in r.stderr
    with pytest.raises(refdata.UnknownUnitError):
        refdata.resolve_unit(store, "土星县")


def test_handoffs_unknown_units_and_add_units(run_cli, store, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text("来源,问题描述,牵头单位\n督察组交办,甲,冷水滩区委、区政府\n督察组交办,乙,火星县人民政府\n", encoding="utf-8")
    r = run_cli("handoffs", "import", str(path))
    assert r.exit_code == 1 and "第3行" in r.stderr and "火星县人民政府" in r.stderr
    r = run_cli("handoffs", "import", str(path), "--add-units")
    assert r.exit_code == 0 and "新增单位 1 个：火星县人民政府" in r.stdout
    assert [r["lead_unit"] for r in store.query("SELECT lead_unit FROM handoffs ORDER BY id")] == ["冷水滩区", "火星县人民政府"]


# -- what petitions export writes imports back unchanged -----------------------------------------
FIELDS = ["case_no", "content", "unit", "pollution_types", "key_case", "is_repeat", "repeat_of", "petitioner_name",
          "petitioner_phone", "petitioner_address", "lead_unit", "coop_units", "assigned_date", "due_date",
          "target", "note", "method"]


def _ledger(store):
    b = add_batch(store, 1, D(2024, 3, 13))
    first = add_petition(store, b, PetitionInput(
        "D2HH202403130001", "冷水滩区某养殖场粪污直排，\n臭气熏天。", "冷水滩区", pollution_types=["水", "大气"],
        key_case=True, petitioner_name="张三丰", petitioner_phone="13812345678", petitioner_address="岚角山街道1号",
        note="=1+1 不是公式"))
    add_petition(store, b, PetitionInput("2145", "零陵区工地噪声。", "零陵区", pollution_types=["噪声"],
                                             method="来电"))
    add_petition(store, b, PetitionInput("X2HH202403130003", "再次反映养殖场问题。", "冷水滩区",
                                             repeat_of="与D2HH202403130001重复", is_repeat=True))
    hand_over(store, first, "冷水滩区", ["市生态环境局", "市农业农村局"], day=D(2024, 3, 14), target="彻底整改")
    return b


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_petitions_export_imports_back_unchanged(store, tmp_path, suffix):
    from dutydesk.bootstrap import open_store

    _ledger(store)
    path = export_petitions(store, tmp_path / f"台账{suffix}")
    want = {no: {f: r[f] for f in FIELDS} for no, r in petitions(store).items()}
    other = open_store(tmp_path / "other.db", operator="t", daily_backup=False)
    try:
        result = io.import_petitions(other, path)
        assert len(result.created) == 3 and result.plan.sheet.ignored  # results and state columns are not inputs
        got = {no: {f: r[f] for f in FIELDS} for no, r in petitions(other).items()}
        assert got == want
        assert {r["batch_no"] for r in petitions(other).values()} == {1}
        assert {r["batch_date"] for r in petitions(other).values()} == {"2024-03-13"}
    finally:
        other.close()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".docx"])
def test_public_table_imports_back_with_what_it_carries(store, tmp_path, suffix):
    from dutydesk.bootstrap import open_store

    _ledger(store)
    path = export_petitions(store, tmp_path / f"公开{suffix}", public=True)
    other = open_store(tmp_path / "other.db", operator="t", daily_backup=False)
    try:
        io.import_petitions(other, path, batch=1, day=D(2024, 3, 13))
        carried = ["case_no", "content", "unit", "pollution_types"]
        assert {no: {f: r[f] for f in carried} for no, r in petitions(other).items()} == \
            {no: {f: r[f] for f in carried} for no, r in petitions(store).items()}
    finally:
        other.close()


def test_ledger_docx_is_not_an_import_format_and_says_why(store, tmp_path):
    _ledger(store)
    path = export_petitions(store, tmp_path / "台账.docx")
    with pytest.raises(UserError, match="表格缺少必需的列"):
        io.import_petitions(store, path, batch=2)


# -- the CLI: --sheet, a progress line on a terminal only ------------------------------------------
def test_cli_sheet_option_and_progress_only_on_a_terminal(run_cli, store, tmp_path, monkeypatch):
    import io as stdio
    import sys

    from dutydesk.cli.common import progress_line

    r = run_cli("petitions", "import", str(DATA / "交办表.ods"), "--sheet", "填表说明")
    assert r.exit_code == 1 and "工作表“填表说明”第1行表头为" in r.stderr
    r = run_cli("petitions", "import", str(DATA / "交办表.ods"), "--sheet", "第3批", "--dry-run")
    assert r.exit_code == 0 and "将导入第3批（新建批次）" in r.stdout and "行：" not in r.stderr  # piped: silent
    r = run_cli("roster", "import", str(DATA / "值班表.xls"), "--sheet", "值班表")
    assert r.exit_code == 0 and "导入 3 个班次" in r.stdout

    class Terminal(stdio.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    with progress_line() as progress:
        progress("写入", 500, 2000)
    assert "写入：500 / 2,000 行（25%）" in term.getvalue() and term.getvalue().endswith("\r\x1b[K")
    piped = stdio.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    with progress_line() as progress:
        assert progress is None
    assert piped.getvalue() == ""
