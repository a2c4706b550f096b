"""`dutydesk handoffs ...`: import (all rows validated first), export read back, the common steps."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import Workbook, load_workbook

from dutydesk.errors import ValidationError
from dutydesk.handoffs import io as hio
from dutydesk.handoffs import problems, progress

HEADER = ["问题编号", "来源", "问题描述", "行政区域", "牵头单位", "配合单位", "责任人", "联系电话", "整改目标", "整改措施",
          "整改时限", "时限类别", "状态", "最新进展", "进展日期", "验收人", "验收日期", "销号日期", "销号人", "销号依据"]


def write_xlsx(path, rows, *, title=True):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["问题整改台账（第一批）"])
    ws.append(HEADER)
    for r in rows:
        ws.append(r + [""] * (len(HEADER) - len(r)))
    wb.save(path)
    return path


GOOD = [
    ["", "督察组交办", "城区黑臭水体治理不到位", "零陵区", "零陵区", "市住建局、市生态环境局", "张某", "0746-8221234",
     "消除黑臭", "截污清淤", dt.datetime(2024, 4, 30), "中期", "整改中", "已完成清淤", "2024-03-18"],
    ["LS-01", "暗访发现", "砂石场扬尘", "冷水滩区", " 冷水滩区 ", "", "", "", "", "", "2024/3/18", "短期"],
    ["", "督察反馈", "乡镇污水厂出水超标", "江华县", "江华县", "市生态环境局", "", "", "稳定达标", "改造工艺", "3月15日",
     "短期", "已销号", "", "", "市生态环境局", "2024-03-16", "2024-03-18", "市协调联络组", "公示无异议"],
]


@pytest.fixture(autouse=True)
def _today(freeze_today):
    freeze_today(dt.date(2024, 3, 20))


def test_import_xlsx_then_list_and_summary(run_cli, store, tmp_path):
    path = write_xlsx(tmp_path / "ledger.xlsx", GOOD)
    r = run_cli("handoffs", "import", str(path))
    assert r.exit_code == 0, r.stderr
    assert "已导入 3 个问题" in r.stdout and "WT-2024-0001" in r.stdout and "LS-01" in r.stdout
    a = problems.by_no(store, "WT-2024-0001")
    assert (a["lead_unit"], a["deadline"], a["status"], a["coop_units"]) == ("零陵区", "2024-04-30", "整改中", "市住建局、市生态环境局")
    assert progress.latest_progress(store, a["id"])["content"] == "已完成清淤"
    c = problems.by_no(store, "WT-2024-0002")
    assert (c["lead_unit"], c["status"], c["accepted_by"], c["closed_on"], c["close_basis"]) == \
        ("江华瑶族自治县", "已销号", "市生态环境局", "2024-03-18", "公示无异议")
    assert problems.status_log(store, c["id"])[0]["note"] == "导入：ledger.xlsx"

    out = run_cli("handoffs", "list").stdout.splitlines()
    assert out[0].split("\t")[:3] == ["问题编号", "来源", "行政区域"]
    assert out[1].startswith("LS-01\t") and "超期2天\t滞后" in out[1]
    assert out[2].startswith("WT-2024-0001\t") and "剩41天\t序时推进" in out[2]
    assert out[3].startswith("WT-2024-0002\t") and "已销号" in out[3]
    assert len(run_cli("handoffs", "list", "--unit", "江华", "--status", "已销号").stdout.splitlines()) == 2
    assert len(run_cli("handoffs", "list", "--view", "超期").stdout.splitlines()) == 2
    summary = run_cli("handoffs", "summary").stdout.splitlines()
    assert summary[0] == "牵头单位\t问题总数\t未启动\t整改中\t已完成\t已验收\t已销号\t滞后\t反弹\t销号率"
    assert "冷水滩区\t1\t1\t0\t0\t0\t0\t1\t0\t0%" in summary
    assert summary[-1] == "合计\t3\t1\t1\t0\t0\t1\t1\t0\t33%"


def test_import_reports_every_bad_row_and_imports_nothing(run_cli, store, tmp_path):
    store.execute("INSERT INTO handoffs (problem_no, status, version) VALUES ('TAKEN-1', '未启动', 1)")
    store.conn.commit()
    rows = [
        GOOD[0],
        ["", "路边听说", "某问题", "", "零陵区"],                                   # 3: bad source
        ["", "暗访发现", "", "", "零陵区"],                                         # 4: no description
        ["", "暗访发现", "某问题", "", "火星县"],                                     # 5: unknown unit
        ["", "暗访发现", "某问题", "", "道县", "", "", "", "", "", "2024年13月1日"],  # 6: bad date
        ["", "暗访发现", "某问题", "", "道县", "", "", "", "", "", "", "", "已销号"],  # 7: 销号 without 验收
        ["X-1", "暗访发现", "某问题", "", "道县"],                                   # 8
        ["X-1", "暗访发现", "某问题", "", "道县"],                                   # 9: duplicate number
        ["TAKEN-1", "暗访发现", "某问题", "", "道县"],                               # 10: number taken
        ["", "暗访发现", "某问题", "", "道县", "", "", "", "", "", "", "", "已验收", "", "", "市水利局"],  # 11: no 验收日期
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ValidationError) as info:
        hio.import_file(store, path)
    bad_rows = dict(info.value.problems)
    assert sorted(bad_rows) == [4, 5, 6, 7, 8, 10, 11, 12]
    assert "来源“路边听说”不在词表中" in bad_rows[4]
    assert bad_rows[5] == "问题描述不能为空"
    assert "未知的单位" in bad_rows[6]
    assert "整改时限" in bad_rows[7]
    assert "验收人" in bad_rows[8]
    assert bad_rows[10] == "问题编号 X-1 与第9行重复"
    assert bad_rows[11] == "问题编号已存在：TAKEN-1"
    assert bad_rows[12] == "验收日期不能为空"
    assert store.scalar("SELECT COUNT(*) FROM handoffs") == 1  # nothing imported
    r = run_cli("handoffs", "import", str(path))
    assert r.exit_code == 1 and "未导入任何记录" in r.stderr and "第9行" in r.stderr and "Traceback" not in r.stderr


def test_import_csv_gbk_with_aliases(run_cli, store, tmp_path):
    path = tmp_path / "a.csv"
    with open(path, "w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["问题来源", "交办问题", "牵头责任单位", "整改目标及整改措施", "完成时限"])
        w.writerow(["未督先查", "工地扬尘", "永州经开区", "落实六个百分之百", "6月底前"])
    r = run_cli("handoffs", "import", str(path))
    assert r.exit_code == 0, r.stderr
    row = problems.by_no(store, "WT-2024-0001")
    assert (row["lead_unit"], row["measures"], row["deadline"]) == ("永州经济技术开发区", "落实六个百分之百", "2024-06-30")
    missing = tmp_path / "m.csv"
    missing.write_text("来源,问题描述\n暗访发现,x\n", encoding="utf-8")
    r = run_cli("handoffs", "import", str(missing))
    assert r.exit_code == 1 and "缺少必需的列：lead_unit" not in r.stderr and "缺少必需的列" in r.stderr


def test_walk_through_commands(run_cli, store):
    r = run_cli("handoffs", "add", "--source", "暗访发现", "--description", "铸造厂废气无组织排放", "--lead", "冷水滩区",
                "--deadline", "2024-03-25", "--category", "短期", "--phone", "0746-8331234")
    assert r.exit_code == 0 and "WT-2024-0001" in r.stdout
    assert run_cli("handoffs", "progress", "WT-2024-0001", "已停产整改", "--date", "3月18日").exit_code == 0
    r = run_cli("handoffs", "status", "WT-2024-0001", "已销号", "--by", "某人", "--basis", "x")
    assert r.exit_code == 1 and r.stderr.startswith("错误：未经验收不能销号")
    assert run_cli("handoffs", "status", "WT-2024-0001", "已完成", "--date", "2024-03-19").exit_code == 0
    r = run_cli("handoffs", "status", "WT-2024-0001", "已验收", "--by", "市生态环境局", "--basis", "现场核查合格")
    assert r.exit_code == 0, r.stderr
    r = run_cli("handoffs", "status", "WT-2024-0001", "已销号", "--by", "市协调联络组", "--basis", "公示无异议")
    assert r.exit_code == 0 and "已验收 → 已销号" in r.stdout
    r = run_cli("handoffs", "recheck", "WT-2024-0001", "--finding", "夜间偷排", "--came-back", "--deadline", "2024-04-10")
    assert r.exit_code == 0 and "发现反弹" in r.stdout
    listed = run_cli("handoffs", "list", "--view", "反弹").stdout.splitlines()
    assert len(listed) == 2 and "整改中（反弹）\t反弹" in listed[1]
    show = run_cli("handoffs", "show", "WT-2024-0001").stdout
    assert "反弹：回头看发现反弹 1 次" in show and "已停产整改" in show
    assert run_cli("handoffs", "edit", "WT-2024-0001", "--owner", "王某").exit_code == 0
    assert problems.by_no(store, "WT-2024-0001")["owner"] == "王某"
    r = run_cli("handoffs", "progress", "NOPE-1", "x")
    assert r.exit_code == 1 and "找不到问题编号" in r.stderr
    r = run_cli("handoffs", "status", "WT-2024-0001", "已完成", "--date", "明天")
    assert r.exit_code == 1 and "无法识别的日期" in r.stderr


def test_export_xlsx_reads_back_and_reimports(run_cli, store, tmp_path, db_path):
    write_xlsx(tmp_path / "in.xlsx", GOOD)
    assert run_cli("handoffs", "import", str(tmp_path / "in.xlsx")).exit_code == 0
    out = tmp_path / "ledger.xlsx"
    r = run_cli("handoffs", "export", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    ws = load_workbook(out).active
    assert "问题整改台账" in ws["A1"].value and "2024年3月20日" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[:4] == ["序号", "问题编号", "来源", "问题描述"]
    rows = [dict(zip(header, [c.value for c in row])) for row in ws.iter_rows(min_row=3)]
    assert [r["问题编号"] for r in rows] == ["LS-01", "WT-2024-0001", "WT-2024-0002"]
    first = rows[0]
    assert (first["倒排工期"], first["进度"], first["状态"], first["牵头单位"]) == ("超期2天", "滞后", "未启动", "冷水滩区")
    assert rows[1]["整改时限"] == dt.datetime(2024, 4, 30) and rows[1]["最新进展"] == "已完成清淤"
    assert rows[2]["销号依据"] == "公示无异议" and rows[2]["验收人"] == "市生态环境局"
    # the ledger goes into a fresh database as it came out
    other = tmp_path / "other.db"
    r = run_cli("handoffs", "import", str(out), db=other)
    assert r.exit_code == 0, r.stderr
    again = run_cli("handoffs", "list", db=other).stdout
    assert again == run_cli("handoffs", "list").stdout


def test_export_docx_is_a_landscape_ledger(run_cli, store, tmp_path):
    write_xlsx(tmp_path / "in.xlsx", GOOD)
    run_cli("handoffs", "import", str(tmp_path / "in.xlsx"))
    out = tmp_path / "台账.docx"
    r = run_cli("handoffs", "export", "-o", str(out), "--unit", "零陵区")
    assert r.exit_code == 0, r.stderr
    doc = Document(str(out))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert doc.paragraphs[0].text == "问题整改台账（零陵区）"
    assert "共1个问题" in doc.paragraphs[1].text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "问题编号", "问题描述"]
    assert len(table.rows) == 2
    cells = [c.text for c in table.rows[1].cells]
    assert cells[1] == "WT-2024-0001" and "配合：市住建局、市生态环境局" in cells[3]
    assert "3月18日：已完成清淤" in cells[6] and "剩41天，序时推进" in cells[8]
    fonts = {r.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
             for r in doc.paragraphs[0].runs}
    assert fonts == {"方正小标宋简体"}
    r = run_cli("handoffs", "export", "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 1 and "不支持的导出格式" in r.stderr
