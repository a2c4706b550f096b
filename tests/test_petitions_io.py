"""Petition sheets in and out: import validation, encodings, re-import, results, exports, CLI."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from dutydesk import sheets
from dutydesk.errors import UserError, ValidationError
from dutydesk.petitions import io
from dutydesk.petitions.batches import add_batch, batch_by_no
from dutydesk.petitions.intake import PetitionInput, add_petition
from dutydesk.petitions.repeats.bigrams import text_bigrams
from dutydesk.petitions.repeats.finder import RepeatFinder
from dutydesk.petitions.rows import find_by_case_no, get_petition
from dutydesk.petitions.workflow import ResultInput, hand_over, record_result
from dutydesk.petitions.export import PUBLIC_TITLE, export_petitions
from dutydesk.store import records

D = dt.date
HEADER = ["序号", "受理编号", "信访内容", "所属区县", "污染类型", "是否重点件", "重复件", "信访人", "联系电话", "信访人地址"]
ROWS = [
    [1, "D2HH202403130001", "冷水滩区岚角山街道某养猪场粪污直排河道，臭气熏天。", "冷水滩区", "水、大气", "是", "否",
     "张三丰", "13812345678", "冷水滩区岚角山街道1号"],
    [2, "X2HH202403130002", "零陵区某工地夜间施工噪声扰民。", "零陵区", "噪声", "否", "", "李四", "13900001111", ""],
    [3, "D2HH202403130003", "江华县沱江镇砂石场非法采砂。", "江华县", "生态", "", "", "王五", "13700002222", ""],
]


def write_xlsx(path: Path, header, rows, *, title: str | None = "第1批信访件交办表") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_csv(path: Path, header, rows, encoding: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def count(store, table="petitions"):
    return store.scalar(f"SELECT count(*) FROM {table}")


# -- petition import -------------------------------------------------------------------------
def test_import_xlsx_with_title_row_and_aliases(store, tmp_path):
    path = write_xlsx(tmp_path / "第1批.xlsx", HEADER, ROWS)
    result = io.import_petitions(store, path, batch=1, day=D(2024, 3, 14))
    assert len(result.created) == 3
    assert "已导入第1批（新建批次）（转办日期 2024年3月14日）：3 件" in result.report()
    rows = store.query("SELECT * FROM petitions ORDER BY seq")
    assert [r["method"] for r in rows] == ["来电", "来信", "来电"]
    assert rows[0]["pollution_types"] == "水、大气" and rows[0]["key_case"] == 1
    assert rows[2]["unit"] == "江华瑶族自治县" and rows[0]["petitioner_phone"] == "13812345678"
    assert batch_by_no(store, 1)["source"] == "第1批.xlsx"


def test_bad_rows_are_reported_by_number_and_nothing_is_imported(store, tmp_path):
    rows = [list(r) for r in ROWS] + [
        [4, "", "内容", "零陵区", "水", "", "", "", "", ""],
        [5, "D2HH202403130005", "内容", "火星县", "水", "", "", "", "", ""],
        [6, "D2HH202403130006", "内容", "道县", "光污染", "也许", "", "", "", ""],
        [7, "d2hh202403130001", "重复的编号", "道县", "水", "", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", HEADER, rows)
    with pytest.raises(ValidationError) as err:
        io.import_petitions(store, path, batch=1, day=D(2024, 3, 14))
    problems = dict(err.value.problems)
    assert sorted(problems) == [6, 7, 8, 9]  # Excel rows: title 1, header 2, data from 3
    assert "受理编号不能为空" in problems[6] and "未知的单位" in problems[7]
    assert "未知的污染类型" in problems[8] or "是" in problems[8]
    assert "与第3行重复" in problems[9]
    assert "未导入" in str(err.value) and "第6行" in err.value.report()
    assert count(store) == 0 and count(store, "batches") == 0


def test_missing_column_and_missing_batch_are_clear(store, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", ["受理编号", "信访内容"], [["D1", "x"]], title=None)
    with pytest.raises(UserError, match="缺少必需的列"):
        io.import_petitions(store, path, batch=1)
    path = write_xlsx(tmp_path / "b.xlsx", HEADER, ROWS, title=None)
    with pytest.raises(UserError, match="未指定批次"):
        io.import_petitions(store, path)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_excel_encodings(store, tmp_path, encoding):
    header = ["受理编号", "交办问题基本情况", "行政区域", "污染类型", "批次", "转办日期", "信访人", "联系电话"]
    rows = [["D2HH202403130001", "祁阳市黎家坪镇砖厂冒黑烟", "祁阳县", "大气", "第2批", "2024年3月15日", "赵六", "13600003333"],
            ["X2HH202403130002", "道县濂溪街道饭店油烟扰民", "道县", "餐饮油烟", "2", "2024-03-15", "", ""]]
    path = write_csv(tmp_path / "pet.csv", header, rows, encoding)
    result = io.import_petitions(store, path)
    assert len(result.created) == 2
    b = batch_by_no(store, 2)
    assert b["date"] == "2024-03-15"
    got = store.query("SELECT content, unit FROM petitions ORDER BY id")
    assert got[0] == {"content": "祁阳市黎家坪镇砖厂冒黑烟", "unit": "祁阳市"}


def test_reimport_changes_nothing_and_says_so(store, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", HEADER, ROWS)
    io.import_petitions(store, path, batch=1, day=D(2024, 3, 14))
    audit_before = count(store, "audit")
    again = io.import_petitions(store, path, batch=1, day=D(2024, 3, 14))
    assert again.created == [] and count(store) == 3
    assert "此前均已登记（第1批），未做任何修改" in again.report()
    assert count(store, "audit") == audit_before
    # a later sheet repeating one number: reported, never a second copy
    rows = [ROWS[0], [4, "D2HH202403140004", "新的信访件", "道县", "水", "", "", "", "", ""]]
    path2 = write_xlsx(tmp_path / "p2.xlsx", HEADER, rows)
    result = io.import_petitions(store, path2, batch=2, day=D(2024, 3, 15))
    assert len(result.created) == 1 and count(store) == 4
    assert "第3行 D2HH202403130001（已在第1批）" in result.report()


def test_dry_run_reports_without_importing(store, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", HEADER, ROWS)
    result = io.import_petitions(store, path, batch=1, day=D(2024, 3, 14), dry_run=True)
    assert "将导入第1批" in result.plan.report(applied=False)
    assert count(store) == 0 and count(store, "batches") == 0


def test_repeats_linked_and_candidates_offered_on_intake(store, tmp_path):
    io.import_petitions(store, write_xlsx(tmp_path / "1.xlsx", HEADER, ROWS), batch=1, day=D(2024, 3, 14))
    rows = [
        [1, "D2HH202403140001", "养猪场还在排污", "冷水滩区", "水", "", "与D2HH202403130001重复", "", "", ""],
        [2, "D2HH202403140002", "冷水滩区岚角山街道一养猪场粪污直排入河道，臭气很大。", "冷水滩区", "水", "", "", "", "", ""],
        [3, "D2HH202403140003", "零陵区某饭店油烟扰民", "零陵区", "餐饮油烟", "", "", "", "", ""],
    ]
    result = io.import_petitions(store, write_xlsx(tmp_path / "2.xlsx", HEADER, rows), batch=2, day=D(2024, 3, 15))
    first = find_by_case_no(store, "D2HH202403130001")
    linked = find_by_case_no(store, "D2HH202403140001")
    assert linked["repeat_of_id"] == first["id"] and linked["repeat_of"] == "与D2HH202403130001重复"
    assert [(records.get(store, "petitions", pid)["case_no"], c.case_no) for pid, c in result.candidates] == [
        ("D2HH202403140002", "D2HH202403130001")]
    assert "疑似重复件 1 件" in result.report() and "第4行 D2HH202403140002" in result.report()


def test_import_with_units_hands_over_and_counts_deadline(store, tmp_path):
    header = ["受理编号", "举报内容", "行政区域", "污染类型", "责任单位", "交办时间"]
    rows = [["D1", "某厂排污", "道县", "水", "道县、市生态环境局", "2024-09-30"]]
    from dutydesk import refdata

    refdata.set_setting(store, "deadline_mode", "workday")
    io.import_petitions(store, write_xlsx(tmp_path / "u.xlsx", header, rows, title=None), batch=9, day=D(2024, 9, 30))
    row = store.one("SELECT * FROM petitions")
    assert (row["status"], row["lead_unit"], row["coop_units"], row["due_date"]) == (
        "已交办", "道县", "市生态环境局", "2024-10-15")


# -- results import --------------------------------------------------------------------------
RESULT_HEADER = ["受理编号", "行政区域", "调查核实情况", "是否属实", "处理和整改情况", "问责情况", "办结情况", "办结日期",
                 "责令整改(家次)", "立案处罚(家)", "罚款金额(万元)", "约谈(人次)", "移送问题线索（件）"]


def _imported(store, tmp_path):
    io.import_petitions(store, write_xlsx(tmp_path / "p.xlsx", HEADER, ROWS), batch=1, day=D(2024, 3, 14))


def test_results_import_matches_by_number_with_unit_headers(store, tmp_path):
    _imported(store, tmp_path)
    rows = [["D2HH202403130001", "冷水滩区", "经核查属实", "属实", "已责令停产整改", "约谈负责人", "已办结", "2024-03-18",
             "2", "1", "3.5", "1", "0"],
            ["X2HH202403130002", "零陵区", "部分属实", "部分属实", "已限期整改", "", "阶段性办结", "2024/3/19", "1", "", "", "", ""],
            ["D2HH202403130003", "江华县", "", "", "", "", "", "", "", "", "", "", ""]]  # not answered yet
    path = write_xlsx(tmp_path / "r.xlsx", RESULT_HEADER, rows, title="办理结果")
    result = io.import_results(store, path)
    assert "已录入 2 件办理结果（已办结 1 件，阶段性办结 1 件）" in result.report()
    a = get_petition(store, find_by_case_no(store, "D2HH202403130001")["id"])
    assert (a["status"], a["closed_date"], a["n_rectify"], a["n_penalty"], a["fine"], a["n_interview"]) == (
        "已办结", "2024-03-18", 2, 1, 3.5, 1)
    assert (a["investigation"], a["truth"], a["handling"], a["accountability"]) == (
        "经核查属实", "属实", "已责令停产整改", "约谈负责人")
    assert find_by_case_no(store, "X2HH202403130002")["status"] == "阶段性办结"
    assert find_by_case_no(store, "D2HH202403130003")["status"] == "待交办"
    again = io.import_results(store, path)
    assert "未做任何修改" in again.report()
    assert store.scalar("SELECT count(*) FROM petition_results") == 2


def test_results_import_validates_every_row_first(store, tmp_path):
    _imported(store, tmp_path)
    rows = [["D2HH202403130001", "", "属实", "属实", "", "", "已办结", "2024-03-18", "2", "", "", "", ""],
            ["D9NOTKNOWN", "", "x", "属实", "", "", "", "", "", "", "", "", ""],
            ["X2HH202403130002", "", "x", "真的", "", "", "", "", "", "", "", "", ""],
            ["D2HH202403130003", "", "x", "属实", "", "", "", "3月40日", "a", "", "", "", ""]]
    with pytest.raises(ValidationError) as err:
        io.import_results(store, write_xlsx(tmp_path / "r.xlsx", RESULT_HEADER, rows, title=None))
    problems = dict(err.value.problems)
    assert sorted(problems) == [3, 4, 5]
    assert "未登记" in problems[3] and "是否属实" in problems[4]
    assert store.scalar("SELECT count(*) FROM petition_results") == 0


# -- exports ---------------------------------------------------------------------------------
def _closed(store, tmp_path):
    _imported(store, tmp_path)
    a = find_by_case_no(store, "D2HH202403130001")
    hand_over(store, a["id"], "冷水滩区", ["市生态环境局"], day=D(2024, 3, 14))
    record_result(store, a["id"], ResultInput(
        date=D(2024, 3, 18), truth="属实", investigation="经查，张三丰反映的养猪场直排属实。",
        handling="已责令整改，回访张三丰（13812345678）满意。", accountability="约谈1人", counters={"n_rectify": 1, "fine": 2}))


def _xlsx_rows(path):
    ws = openpyxl.load_workbook(path).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_ledger_xlsx_has_every_field_and_reads_back(store, tmp_path):
    _closed(store, tmp_path)
    out = export_petitions(store, tmp_path / "台账.xlsx", batch_no=1)
    rows = _xlsx_rows(out)
    assert rows[0][0] == "信访件办理台账（第1批）"
    header = rows[1]
    for title in ("受理编号", "交办问题基本情况", "信访人", "联系电话", "信访人地址", "牵头责任单位", "办理时限",
                  "调查核实情况", "罚款（万元）", "移送问题线索（件）", "办结日期"):
        assert title in header
    first = dict(zip(header, rows[2]))
    assert first["信访人"] == "张三丰" and first["联系电话"] == "13812345678" and first["罚款（万元）"] == 2
    assert first["是否办结"] == "已办结" and first["牵头责任单位"] == "冷水滩区"
    # the ledger reads back through both imports unchanged
    other = tmp_path / "other.db"
    from dutydesk.bootstrap import open_store

    s2 = open_store(other, daily_backup=False)
    try:
        assert len(io.import_petitions(s2, out, batch=1, day=D(2024, 3, 14)).created) == 3
        io.import_results(s2, out)
        b = find_by_case_no(s2, "D2HH202403130001")
        assert (b["status"], b["fine"], b["petitioner_name"]) == ("已办结", 2, "张三丰")
    finally:
        s2.close()


def test_public_tables_never_carry_the_petitioner(store, tmp_path):
    _closed(store, tmp_path)
    secrets = ["张三丰", "13812345678", "李四", "13900001111", "王五", "13700002222", "岚角山街道1号"]
    xlsx = export_petitions(store, tmp_path / "公开.xlsx", batch_no=1, public=True)
    rows = _xlsx_rows(xlsx)
    assert rows[0][0] == f"{PUBLIC_TITLE}（第1批 2024年3月14日）"
    assert rows[1] == ["序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "调查核实情况", "是否属实",
                       "处理和整改情况", "责任追究情况", "是否办结"]
    assert rows[2][1] == "D2HH202403130001" and rows[2][6] == "属实" and rows[2][9] == "已办结"
    assert "张**" in rows[2][5]
    docx = export_petitions(store, tmp_path / "公开.docx", batch_no=1, public=True)
    doc = Document(str(docx))
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape
    assert doc.paragraphs[0].text == f"{PUBLIC_TITLE}（第1批 2024年3月14日）"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "受理编号", "交办问题基本情况"]
    assert len(table.rows) == 4
    csv_path = export_petitions(store, tmp_path / "公开.csv", public=True)
    texts = [csv_path.read_text(encoding="utf-8-sig"), str(rows),
             "\n".join(c.text for r in table.rows for c in r.cells) + "\n".join(p.text for p in doc.paragraphs)]
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_ledger_docx_is_landscape_and_complete(store, tmp_path):
    _closed(store, tmp_path)
    doc = Document(str(export_petitions(store, tmp_path / "台账.docx")))
    assert doc.sections[0].page_width > doc.sections[0].page_height
    text = "\n".join(c.text for r in doc.tables[0].rows for c in r.cells)
    assert "张三丰" in text and "13812345678" in text and "责令整改1家" in text and "D2HH202403130003" in text


def test_export_refuses_unknown_format_and_batch(store, tmp_path):
    with pytest.raises(UserError, match="不支持的导出格式"):
        export_petitions(store, tmp_path / "x.pdf")
    with pytest.raises(UserError, match="第5批不存在"):
        export_petitions(store, tmp_path / "x.xlsx", batch_no=5)


# -- CLI -------------------------------------------------------------------------------------
def test_cli_import_results_export_list(run_cli, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", HEADER, ROWS)
    r = run_cli("petitions", "import", str(path), "--batch", "1", "--date", "2024-03-14", "--dry-run")
    assert r.exit_code == 0 and "将导入第1批" in r.stdout and "试运行" in r.stdout
    r = run_cli("petitions", "import", str(path), "--batch", "1", "--date", "2024-03-14")
    assert r.exit_code == 0 and "已导入第1批" in r.stdout
    r = run_cli("petitions", "import", str(path), "--batch", "1")
    assert r.exit_code == 0 and "未做任何修改" in r.stdout
    bad = write_xlsx(tmp_path / "bad.xlsx", HEADER, [[1, "D9", "内容", "火星县", "水", "", "", "", "", ""]])
    r = run_cli("petitions", "import", str(bad), "--batch", "2")
    assert r.exit_code == 1 and "第3行" in r.stderr and "未知的单位" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("petitions", "assign", "X2HH202403130002", "--lead", "零陵区", "--date", "2024-03-14")
    assert r.exit_code == 0 and "2024-03-21" in r.stdout
    res = write_xlsx(tmp_path / "r.xlsx", ["受理编号", "调查核实情况", "是否属实", "办结日期", "责令整改(家)"],
                     [["X2HH202403130002", "属实", "属实", "2024-03-16", "1"]], title=None)
    r = run_cli("petitions", "results", str(res))
    assert r.exit_code == 0 and "已录入 1 件" in r.stdout
    r = run_cli("petitions", "list", "--search", "噪声")
    assert r.exit_code == 0 and "X2HH202403130002" in r.stdout and "李*" in r.stdout and "13900001111" not in r.stdout
    r = run_cli("petitions", "publish", "--batch", "1", "--date", "2024-03-17")
    assert r.exit_code == 0 and "已公开 1 件" in r.stdout
    r = run_cli("petitions", "stats", "--date", "2024-03-16")
    assert r.exit_code == 0 and "累计收到转办信访件3件，已办结1件" in r.stdout
    out = tmp_path / "pub.docx"
    r = run_cli("petitions", "export", "-o", str(out), "--batch", "1", "--public")
    assert r.exit_code == 0 and out.exists()
    out = tmp_path / "pub.xlsx"
    r = run_cli("petitions", "export", "-o", str(out), "--public", "--no-close-column")
    assert r.exit_code == 0 and _xlsx_rows(out)[1][-1] == "责任追究情况"
    r = run_cli("petitions", "show", "D2HH202403130001")
    assert r.exit_code == 0 and "张**" in r.stdout and "13812345678" not in r.stdout
    r = run_cli("petitions", "reindex")  # piped: no progress line, the count on stdout
    assert r.exit_code == 0 and "已重建索引：3 件" in r.stdout and r.stderr == ""
    r = run_cli("petitions", "list", "--search", "噪声")
    assert r.exit_code == 0 and "X2HH202403130002" in r.stdout
    r = run_cli("petitions", "show", "D2HH202403130001", "--full")
    assert "张三丰" in r.stdout
    r = run_cli("petitions", "link", "D2HH202403130003", "--to", "D2HH202403130001")
    assert r.exit_code == 0 and "与D2HH202403130001重复" in r.stdout
    r = run_cli("petitions", "batches")
    assert r.stdout.splitlines()[1].startswith("1\t2024-03-14")
    r = run_cli("petitions", "batch", "1", "--note", "分解后交办3件")
    assert r.exit_code == 0 and "3件（来电2、来信1" in r.stdout and "分解后交办3件" in r.stdout
    assert run_cli("petitions", "batch", "8").exit_code == 1
    r = run_cli("petitions", "batch", "8", "--create", "--date", "2024-03-20")
    assert r.exit_code == 0 and "转办日期 2024-03-20" in r.stdout


def test_rows_of_one_batch_must_agree_on_its_transfer_date(store, tmp_path):
    header = ["受理编号", "交办问题基本情况", "行政区域", "批次", "转办日期"]
    rows = [["D1", "甲", "道县", "4", ""], ["D2", "乙", "道县", "4", "2024-03-15"], ["D3", "丙", "道县", "4", "2024-03-16"],
            ["D4", "丁", "道县", "5", ""]]
    with pytest.raises(ValidationError) as err:
        io.import_petitions(store, write_xlsx(tmp_path / "d.xlsx", header, rows, title=None))
    assert [n for n, _ in err.value.problems] == [4] and "前后不一致" in err.value.problems[0][1]
    rows[2][4] = "2024年3月15日"
    result = io.import_petitions(store, write_xlsx(tmp_path / "d.xlsx", header, rows, title=None))
    assert batch_by_no(store, 4)["date"] == "2024-03-15" and len(result.created) == 4
    assert "第5批的转办日期未给出" in result.report()


# -- import speed-ups keep the behaviour (issue 8) ---------------------------------------------
def test_repeat_finder_matches_scoring_every_petition(store):
    """The bit-sliced RepeatFinder finds exactly what scoring the whole pool finds."""
    import random

    rng = random.Random(5)
    words = ["养猪场", "粪污", "直排", "河道", "臭气", "夜间", "施工", "噪声", "砂石场", "非法", "采砂", "工地",
             "废气", "油烟", "餐馆", "化工厂", "偷排", "污水", "黑烟", "垃圾", "焚烧", "沱江镇", "岚角山"]
    bid = add_batch(store, 1, D(2024, 3, 1))
    texts = []
    for i in range(120):
        text = "".join(rng.choice(words) for _ in range(rng.randint(3, 14)))
        texts.append(text)
        add_petition(store, bid, PetitionInput(case_no=f"D2HH20240301{i:04d}", content=text, unit="零陵区"))
    finder = RepeatFinder(store)
    rows, grams = finder._pool("零陵区")[:2]
    for _ in range(150):
        query = rng.choice(texts)[: rng.randint(4, 40)] + "".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
        mine = text_bigrams(query, "零陵区")
        expected = sorted(((round(2 * len(mine & g) / (len(mine) + len(g)), 2), r["no"], r["id"])
                           for r, g in zip(rows, grams) if mine and 2 * len(mine & g) / (len(mine) + len(g)) >= 0.5),
                          key=lambda c: (-c[0], -c[1], c[2]))[:3]
        got = [(c.score, c.batch_no, c.petition_id) for c in finder.find(query, "零陵区", before_batch_no=2)]
        assert got == expected


def test_import_with_cached_lookups_still_reports_every_bad_row_and_duplicate(store, tmp_path):
    rows = [list(r) for r in ROWS] + [
        [4, "D2HH202403130004", "东安县某厂废气。", "火星县", "大气", "", "", "", "", ""],  # unknown unit
        [5, "D2HH202403130005", "东安县某厂废气。", "东安县", "宇宙射线", "", "", "", "", ""],  # unknown type
        [6, "D2HH202403130001", "重复编号。", "冷水滩区", "水", "", "", "", "", ""],  # duplicate in the file
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", HEADER, rows)
    with pytest.raises(ValidationError) as err:
        io.import_petitions(store, path, batch=1, day=D(2024, 3, 14))
    numbers = [n for n, _ in err.value.problems]
    assert numbers == [6, 7, 8] and count(store) == 0
    assert store._lookups is None  # the cache lives for the import only
    # a unit added afterwards is seen by the next import
    add_batch(store, 9, D(2024, 3, 14))
    from dutydesk.refdata import add_unit

    add_unit(store, "火星县")
    ok = write_xlsx(tmp_path / "ok.xlsx", HEADER, [rows[3]])
    assert len(io.import_petitions(store, ok, batch=1, day=D(2024, 3, 14)).created) == 1
    # already registered numbers are skipped in bulk, with their batch
    again = io.import_petitions(store, write_xlsx(tmp_path / "again.xlsx", HEADER, ROWS + [rows[3]]), batch=2,
                                day=D(2024, 3, 15))
    assert [(n, no) for n, _, no in again.plan.skipped] == [(6, 1)] and len(again.created) == 3


# -- the workbook reader (python-calamine) reads what openpyxl and Excel write ------------------
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _openpyxl_values(path: Path) -> list[list]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def _styled_workbook(path: Path, *, write_only: bool = False, mac_epoch: bool = False) -> Path:
    """A workbook as openpyxl writes it: title row, header, numbers, dates in two formats, a time,
    booleans, rich text, empty cells and an empty row."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("第1批") if write_only else wb.active
    if mac_epoch:
        wb.epoch = CALENDAR_MAC_1904
    rows = [["第1批信访件交办表"], ["序号", "受理编号", "转办日期", "交办时间", "备注", None, "末列"], [],
            [1, "D2HH202403130001", dt.datetime(2024, 3, 13), dt.date(2024, 3, 14), " 有空格 ", None, 3.0],
            [2.5, True, dt.datetime(2024, 3, 13, 8, 30), dt.time(8, 30), "多行\n文本", False, -7],
            [None, "x005F_x000D_", 1e20, 0, "", None, None]]
    for row in rows:
        ws.append(row)
    if not write_only:
        ws["D4"].number_format = "yyyy年m月d日"
        ws["E5"] = CellRichText(["甲", TextBlock(InlineFont(b=True), "乙")])
        ws["C6"].number_format = "0.00%"
        ws["A10"] = "远处的一格"
    wb.save(path)
    return path


def _with_parts(src: Path, dst: Path, parts: dict[str, bytes | None]) -> Path:
    """``src`` with some parts replaced, added or (None) removed."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename not in parts:
                zout.writestr(item, zin.read(item))
        for name, data in parts.items():
            if data is not None:
                zout.writestr(name, data)
    return dst


def _read_rows(path: Path) -> list[list]:
    """Every row of the first worksheet, as the reader gives it (cells through ``sheets.cells.cell``)."""
    from dutydesk.sheets.reader import sources

    with sources(path) as tables:
        return [cells for _, cells in tables[0].read()]


def _as_read(value):
    """openpyxl's value of a cell as the reader gives it: text stripped, whole numbers without .0,
    a date at midnight as the date (calamine gives a date for a date-only format)."""
    from dutydesk.sheets.cells import cell

    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return cell(value)


def test_workbook_reader_reads_what_openpyxl_writes(tmp_path):
    for i, kw in enumerate([{}, {"write_only": True}, {"mac_epoch": True}]):
        path = _styled_workbook(tmp_path / f"w{i}.xlsx", **kw)
        got, want = _read_rows(path), _openpyxl_values(path)
        assert len(got) == len(want), kw
        for g, w in zip(got, want):
            w = [_as_read(v) for v in w] + [""] * (len(g) - len(w))
            # openpyxl writes the text "x005F_x000D_" unescaped: per the standard it reads back as CR
            assert [v for v in g if v != "x005F"] == [v for v in w if v != "x005F_x000D_"], kw
    rows = _read_rows(tmp_path / "w0.xlsx")
    assert rows[3][:4] == ["1", "D2HH202403130001", dt.date(2024, 3, 13), dt.date(2024, 3, 14)]
    assert rows[4][:4] == ["2.5", "是", dt.datetime(2024, 3, 13, 8, 30), "08:30"] and rows[4][5] == "否"
    assert rows[5][2:4] == ["100000000000000000000", "0"] and rows[9][0] == "远处的一格"
    # the first sheet whose header maps is read, a second one is not read into the first
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表由督察组转办"])
    data = wb.create_sheet("第1批")
    data.append(["受理编号", "交办问题基本情况"])
    data.append(["D1", "某厂排污"])
    wb.save(tmp_path / "two.xlsx")
    sheet = sheets.read_sheet(tmp_path / "two.xlsx", known_headers={"受理编号"})
    assert (sheet.name, sheet.names, [r.values for r in sheet.rows]) == \
        ("第1批", ["说明", "第1批"], [{"受理编号": "D1", "交办问题基本情况": "某厂排污"}])
    assert sheets.read_sheet(tmp_path / "two.xlsx", sheet="说明").headers == ["本表由督察组转办"]
    with pytest.raises(UserError, match="没有名为“第9批”的工作表（有：说明、第1批）"):
        sheets.read_sheet(tmp_path / "two.xlsx", sheet="第9批")


def test_workbook_reader_reads_what_excel_writes(tmp_path):
    """Shared strings (rich runs, phonetic guides, the _x005F_ escape), rows and cells without
    references, gaps, error values, formula results, ISO dates, date styles, empty values, cells
    out of order, the sheet's <dimension> (not trusted: the cells are), the 1904 epoch."""
    import re
    import zipfile

    base = _styled_workbook(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        types = z.read("[Content_Types].xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    date_style = re.search(r'<c r="C4" s="(\d+)"', sheet)[1]  # a datetime format
    cn_style = re.search(r'<c r="D4" s="(\d+)"', sheet)[1]  # yyyy年m月d日
    strings = (f'<sst xmlns="{_MAIN_NS}" count="6" uniqueCount="6">'
               "<si><t>第1批信访件交办表</t></si><si><t>序号</t></si>"
               "<si><r><t>受理</t></r><r><rPr><b/></rPr><t>编号</t></r></si>"
               '<si><t>转办日期</t><rPh sb="0" eb="2"><t>テン</t></rPh><phoneticPr fontId="1"/></si>'
               "<si><t>D2HH_x005F_x000D_0001</t></si><si><t xml:space=\"preserve\">  有空格  </t></si></sst>")
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            '<row r="2" spans="1:7"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" t="s"><v>3</v></c>'
            '<c r="E2" t="inlineStr"><is><t xml:space="preserve"> 备注 </t></is></c></row>'
            f'<row r="4"><c r="A4"><v>3</v></c><c r="B4" t="s"><v>4</v></c><c r="C4" s="{date_style}"><v>45364.5</v></c>'
            f'<c r="D4" s="{cn_style}"><v>45365</v></c><c r="E4" t="e"><v>#N/A</v></c>'
            '<c r="F4" t="str"><f>A4</f><v>3</v></c><c r="G4" t="s"><v>5</v></c></row>'
            '<row><c t="b"><v>0</v></c><c><v>1.0</v></c><c t="d"><v>2024-03-15T08:30:00</v></c>'
            '<c t="inlineStr"><is><r><t>甲</t></r><r><rPr><b/></rPr><t>乙</t></r><rPh sb="0" eb="1"><t>ジア</t></rPh></is></c>'
            '<c s="0"><v>1E3</v></c><c><f>1+1</f></c></row>'
            '<row r="7"/>'
            '<row r="8"><c r="B8" t="inlineStr"/><c r="C8" t="s"/><c r="D8"><v></v></c>'
            '<c r="F8" t="inlineStr"><is><t>末</t></is></c></row>'
            f'<row r="9"><c r="C9" s="{date_style}"><v>0.25</v></c><c r="A9" t="n"><v>-7</v></c></row>'
            '<row r="6"><c r="A6"><v>6</v></c></row>'
            '<row r="11"><c r="a11" t="inlineStr"><is><t>小写列名</t></is></c></row>')

    def variant(name, dimension='<dimension ref="A1:G11"/>', epoch=False):
        xml = re.sub(r"<dimension[^>]*/>", "", sheet)
        xml = xml.replace("<sheetViews>", dimension + "<sheetViews>")
        xml = re.sub(r"<sheetData>.*</sheetData>", lambda _: f"<sheetData>{rows}</sheetData>", xml, flags=re.S)
        parts = {"xl/worksheets/sheet1.xml": xml.encode(), "xl/sharedStrings.xml": strings.encode(),
                 "[Content_Types].xml": types.replace(
                     "</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                 'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>').encode()}
        if epoch:
            parts["xl/workbook.xml"] = re.sub(r"<workbookPr\b", '<workbookPr date1904="1"', workbook).encode()
        return _with_parts(base, tmp_path / name, parts)

    cases = [variant("plain.xlsx"), variant("no-dimension.xlsx", dimension=""),
             variant("narrow.xlsx", dimension='<dimension ref="A1:C5"/>'),
             variant("one-cell.xlsx", dimension='<dimension ref="A1"/>'),
             variant("long.xlsx", dimension='<dimension ref="A1:G15"/>'), variant("1904.xlsx", epoch=True)]
    plain = _read_rows(cases[0])
    for path in cases[1:-1]:
        assert _read_rows(path) == plain, path.name  # the dimension says nothing: the cells are read
    mac = _read_rows(cases[-1])  # the same serial numbers counted from 1904
    assert mac[3][2:4] == [dt.datetime(2028, 3, 14, 12, 0), dt.date(2028, 3, 15)] and mac[4][2] == plain[4][2]
    assert plain[1][:5] == ["序号", "受理编号", "转办日期", "", "备注"]  # rich runs joined, phonetic guide left out
    assert plain[3] == ["3", "D2HH_x000D_0001", dt.datetime(2024, 3, 13, 12, 0), dt.date(2024, 3, 14), "", "3", "有空格"]
    assert plain[4] == ["否", "1", dt.datetime(2024, 3, 15, 8, 30), "甲乙", "1000", "", ""]  # a row without r
    assert plain[5][0] == "6" and plain[7][5] == "末" and plain[8][:3] == ["-7", "", "06:00"]  # out of order
    assert plain[10][0] == "小写列名"


def test_workbook_reader_skips_chart_sheets_and_refuses_a_bad_dimension_clearly(tmp_path):
    import re
    import zipfile

    base = write_xlsx(tmp_path / "base.xlsx", HEADER, ROWS)
    with zipfile.ZipFile(base) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    odd = _with_parts(base, tmp_path / "odd.xlsx", {  # a column range as the dimension: Excel never writes one
        "xl/worksheets/sheet1.xml": re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A:J"/>', sheet).encode()})
    with pytest.raises(UserError, match="无法读取工作表“Sheet”（可能已损坏）：odd.xlsx"):
        sheets.read_sheet(odd)
    wb = openpyxl.load_workbook(base)
    wb.create_chartsheet("图表", 0)
    wb.save(tmp_path / "chart.xlsx")
    assert sheets.read_sheet(tmp_path / "chart.xlsx").rows == sheets.read_sheet(base).rows
    assert sheets.read_sheet(tmp_path / "chart.xlsx").names == ["Sheet"]


def test_a_sheet_dated_otherwise_than_its_existing_batch_is_warned_of(store, tmp_path):
    """第3批 already registered on one day, a sheet of 第3批 dated another: most likely the wrong batch number."""
    header = ["受理编号", "交办问题基本情况", "行政区域", "批次", "转办日期"]
    io.import_petitions(store, write_xlsx(tmp_path / "a.xlsx", header, [["D1", "甲", "道县", "3", "2024-03-13"]], title=None))
    rows = [["D2", "乙", "道县", "3", "2024-03-13"], ["D3", "丙", "道县", "3", "2024-05-20"]]
    plan = io.plan_import(store, write_xlsx(tmp_path / "b.xlsx", header, rows, title=None))
    report = plan.report(applied=False)
    assert "第3批已存在，转办日期为 2024年3月13日，表中第3行写的是 2024年5月20日" in report
    rows[1][4] = "2024-03-13"
    assert "表中第" not in io.plan_import(store, write_xlsx(tmp_path / "c.xlsx", header, rows, title=None)).report(applied=False)
