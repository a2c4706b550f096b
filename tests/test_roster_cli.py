"""`dutydesk roster ...`: people, generate, show, log, import and export (files read back)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from docx import Document

from dutydesk.roster import shifts as shiftmod


@pytest.fixture
def people(run_cli):
    for name, phone in [("王建国", "13907461001"), ("刘志强", "0746-8221234")]:
        assert run_cli("roster", "people", "add", name, "--role", "leader", "--phone", phone,
                       "--title", "市生态环境局").exit_code == 0
    for i, name in enumerate(["李明", "赵丽", "周小红"], 1):
        assert run_cli("roster", "people", "add", name, "--phone", f"1380746200{i}").exit_code == 0
    return run_cli


def lines(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.strip().splitlines()]


def test_people_add_list_and_bad_phone(people):
    out = lines(people("roster", "people", "list").stdout)
    assert out[0] == ["姓名", "角色", "单位/职务", "电话", "在岗"]
    assert ["刘志强", "带班领导", "市生态环境局", "0746-8221234", "是"] in out
    r = people("roster", "people", "add", "孙强", "--phone", "8221234")
    assert r.exit_code == 1 and "固定电话请加区号" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = people("roster", "people", "add", "孙强", "--role", "boss")
    assert r.exit_code == 2


def test_generate_and_show(people):
    r = people("roster", "generate", "--from", "2024年9月28日", "--to", "2024/10/8", "--leaders", "王建国,刘志强",
               "--officers", "李明、赵丽、周小红", "--per-day", "2", "--skip-weekends", "--skip-holidays")
    assert r.exit_code == 0, r.stderr
    assert "新排 3 个班次" in r.stdout and "跳过 8 天" in r.stdout
    out = lines(people("roster", "show", "--date", "2024-09-29", "--days", "3").stdout)
    assert out[1] == ["2024-09-29", "星期日", "调休上班", "全天", "王建国", "李明、赵丽", "13807462001、13807462002", "", ""]
    assert out[3][:3] == ["2024-10-01", "星期二", "国庆节"] and out[3][-1] == "未排班"
    r = people("roster", "generate", "--from", "2024-10-09", "--to", "2024-10-09", "--leaders", "王建国,刘志强",
               "--officers", "李明、赵丽、周小红", "--continue")
    assert r.exit_code == 0
    # 9月29日 王建国 / 李明、赵丽; 9月30日 刘志强 / 周小红、李明; 10月8日 王建国 / 赵丽、周小红; then:
    assert lines(people("roster", "show", "--date", "2024-10-09", "--days", "1").stdout)[1][4:6] == ["刘志强", "李明"]
    r = people("roster", "generate", "--from", "2024-10-09", "--to", "2024-10-09", "--leaders", "王建国",
               "--officers", "无名氏")
    assert r.exit_code == 1 and "未知人员：无名氏" in r.stderr


def test_log_add_and_list(people, freeze_today, monkeypatch):
    freeze_today(dt.date(2024, 3, 13))
    monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(7, 0))  # still 3月12日's 24-hour shift
    r = people("roster", "log", "add", "--kind", "来电", "--content", "反映某厂偷排", "--unit", "零陵区",
               "--name", "王某", "--phone", "13800000000", "--recorder", "李明")
    assert r.exit_code == 0, r.stderr
    assert "2024-03-12 全天" in r.stdout
    r = people("roster", "log", "add", "--kind", "会议", "--content", "调度会", "--date", "2024-03-13",
               "--time", "20:00", "--done")
    assert r.exit_code == 0, r.stderr
    out = lines(people("roster", "log", "list", "--date", "2024-03-13").stdout)
    assert out[0][:4] == ["编号", "时间", "班次", "类别"]
    assert out[1][1] == "2024-03-13 07:00" and out[1][-1] == "未办结（上班次转入）"
    assert out[1][4] == "零陵区 王* 138****0000"  # callers masked in lists
    assert out[2][1:4] == ["2024-03-13 20:00", "全天", "会议"] and out[2][-1] == "已办结"
    r = people("roster", "log", "add", "--kind", "聊天", "--content", "x")
    assert r.exit_code == 1 and "类别只能是" in r.stderr


def write_xlsx(path, rows, title="2024年3月值班表"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(["日期", "带班领导", "值班人员", "联系电话", "备注"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_import_xlsx_creates_people_and_reads_date_forms(people, tmp_path, freeze_today):
    freeze_today(dt.date(2024, 3, 1))
    path = write_xlsx(tmp_path / "值班表.xlsx", [
        [dt.datetime(2024, 3, 11), "王建国", "李明、孙强", "13807462001、13907469999", "督察组进驻"],
        ["2024/3/12", "刘志强", "赵丽,钱多", "", ""],
        ["3月13日", "陈卫东", "周小红", "13907461003、13807462003", ""],
        ["2024年3月14日", "", "李明", "", "领导另行安排"],
        ["2024-03-15", "王建国", "", "", ""],
    ])
    r = people("roster", "import", str(path))
    assert r.exit_code == 0, r.stderr
    assert "导入 5 个班次" in r.stdout and "新增人员 3 人：孙强、钱多、陈卫东" in r.stdout
    out = {row[0]: row for row in lines(people("roster", "show", "--date", "2024-03-11", "--days", "5").stdout)}
    assert out["2024-03-11"][4:8] == ["王建国", "李明、孙强", "13807462001、13907469999", "督察组进驻"]
    assert out["2024-03-12"][4:6] == ["刘志强", "赵丽、钱多"]
    assert out["2024-03-13"][4:6] == ["陈卫东", "周小红"]
    assert out["2024-03-14"][-1] == "缺带班领导" and out["2024-03-15"][-1] == "无值班人员"
    listed = {row[0]: row for row in lines(people("roster", "people", "list").stdout)}
    assert listed["陈卫东"][1:4] == ["带班领导", "", "13907461003"]  # the leader's phone came first
    assert listed["孙强"][1] == "值班人员"


def test_import_csv_in_gbk(people, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("日期,带班领导,值班人员,联系电话,备注\n2024-03-11,王建国,李明、赵丽,,\n".encode("gb18030"))
    r = people("roster", "import", str(path))
    assert r.exit_code == 0, r.stderr
    assert lines(people("roster", "show", "--date", "2024-03-11", "--days", "1").stdout)[1][5] == "李明、赵丽"


def test_import_with_bad_rows_names_them_and_imports_nothing(people, tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", [
        ["2024-03-11", "王建国", "李明", "", ""],
        ["2024-13-45", "王建国", "李明", "", ""],
        ["2024-03-12", "王建国", "李明", "12345", ""],
        ["2024-03-13", "王建国", "李明、赵丽", "13807462001", ""],
        ["2024-03-11", "刘志强", "赵丽", "", ""],
        ["2024-03-14", "王建国、刘志强", "赵丽", "", ""],
    ])
    r = people("roster", "import", str(path))
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert "5 行有误，未导入任何内容" in r.stderr
    for row_no, words in [(4, "无法识别的日期"), (5, "电话号码格式不对"), (6, "无法对应"), (7, "与第3行的日期重复"),
                          (8, "带班领导只能写一人")]:
        assert f"第{row_no}行：" in r.stderr and words in r.stderr, (row_no, r.stderr)
    assert "第3行" not in r.stderr.replace("与第3行", "")
    assert lines(people("roster", "show", "--date", "2024-03-11", "--days", "1").stdout)[1][-1] == "未排班"
    r = people("roster", "import", str(tmp_path / "none.xlsx"))
    assert r.exit_code == 1 and "文件不存在" in r.stderr


def test_import_missing_date_column(people, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("姓名,电话\n李明,13807462001\n", encoding="utf-8")
    r = people("roster", "import", str(path))
    assert r.exit_code == 1 and "缺少必需的列：date" not in r.stderr and "缺少必需的列" in r.stderr


def test_export_xlsx_and_docx_read_back(people, tmp_path):
    people("roster", "generate", "--from", "2024-09-30", "--to", "2024-10-02", "--leaders", "王建国,刘志强",
           "--officers", "李明,赵丽,周小红", "--per-day", "2")
    xlsx = tmp_path / "out" / "值班表.xlsx"
    r = people("roster", "export", "-o", str(xlsx), "--from", "2024-10-01", "--to", "2024-10-02")
    assert r.exit_code == 0, r.stderr
    ws = openpyxl.load_workbook(xlsx).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert "值班表" in values[0][0] and "2024年10月1日" in values[0][0]
    assert list(values[1]) == ["日期", "星期", "带班领导", "值班人员", "联系电话", "备注"]
    assert values[2][0].date() == dt.date(2024, 10, 1)
    assert list(values[2][1:5]) == ["星期二（国庆节）", "刘志强", "周小红、李明", "13807462003、13807462001"]
    assert len(values) == 4

    docx = tmp_path / "值班表.docx"
    r = people("roster", "export", "-o", str(docx))
    assert r.exit_code == 0, r.stderr
    doc = Document(str(docx))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "值班表" and any("2024年9月30日—10月2日" in t for t in texts)
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["日期", "星期", "带班领导", "值班人员", "联系电话", "备注"]
    # one phone number a line in the printable table, so a number never breaks in the middle
    assert [c.text for c in table.rows[1].cells][:5] == ["9月30日", "星期一", "王建国", "李明、赵丽",
                                                         "13807462001\n13807462002"]
    assert len(table.rows) == 4
    contacts = {row.cells[0].text: [c.text for c in row.cells] for row in doc.tables[1].rows}
    assert contacts["刘志强"] == ["刘志强", "市生态环境局", "带班领导", "0746-8221234"]
    assert contacts["周小红"][3] == "13807462003"
    assert "值班人员联系方式" in texts

    r = people("roster", "export", "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 1 and ".xlsx 或 .docx" in r.stderr


def test_export_then_import_round_trip(people, tmp_path, run_cli):
    people("roster", "generate", "--from", "2024-03-01", "--to", "2024-03-05", "--leaders", "王建国,刘志强",
           "--officers", "李明,赵丽,周小红", "--per-day", "2")
    xlsx = tmp_path / "r.xlsx"
    assert people("roster", "export", "-o", str(xlsx)).exit_code == 0
    before = people("roster", "show", "--date", "2024-03-01", "--days", "5").stdout
    other = tmp_path / "other.db"
    r = run_cli("roster", "import", str(xlsx), db=other)
    assert r.exit_code == 0, r.stderr
    assert "新增人员 5 人" in r.stdout
    assert run_cli("roster", "show", "--date", "2024-03-01", "--days", "5", db=other).stdout == before


def test_export_nothing_is_a_clear_error(run_cli, tmp_path):
    r = run_cli("roster", "export", "-o", str(tmp_path / "a.xlsx"))
    assert r.exit_code == 1 and "还没有值班安排" in r.stderr
