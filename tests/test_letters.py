"""交办通知 and the unit's results sheet (issue 14): one file per lead unit, only its petitions,
the deadline, the petitioner withheld unless asked (then 注意保密 and 0600), the GB/T 9704
layout, the sheet importing back, the record of what was sent, bad input."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from dutydesk import refdata, registry
from dutydesk.errors import UserError
from dutydesk.exporters import files
from dutydesk.petitions import letter_log, letters, search
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition
from dutydesk.petitions.rows import find_by_case_no, get_petition
from dutydesk.petitions.workflow import hand_over

D = dt.date
TODAY = D(2024, 3, 15)
IDENTITY = ("张三丰", "13812345678", "梅湾路12号", "李四光", "13900001111")


def seed(store) -> dict[str, int]:
    """Batch 1 (3-14): A to 冷水滩区 (配合 市生态环境局), B and C to 零陵区, D not handed over;
    batch 2 (3-15): nothing handed over yet."""
    b1 = add_batch(store, 1, D(2024, 3, 14))
    add_batch(store, 2, D(2024, 3, 15))
    ids = {
        "A": add_petition(store, b1, PetitionInput(
            "D2HH202403130001", "张三丰反映某村养猪场污水直排河道", "冷水滩区", ["水"], key_case=True,
            petitioner_name="张三丰", petitioner_phone="13812345678", petitioner_address="冷水滩区梅湾路12号")),
        "B": add_petition(store, b1, PetitionInput("D2HH202403130002", "工地夜间施工噪声扰民", "零陵区", ["噪声"],
                                                       petitioner_name="李四光", petitioner_phone="13900001111")),
        "C": add_petition(store, b1, PetitionInput("X2HH202403130003", "砖厂冒黑烟", "零陵区", ["大气"])),
        "D": add_petition(store, b1, PetitionInput("D2HH202403130004", "饭店油烟扰民", "道县", ["餐饮油烟"])),
    }
    hand_over(store, ids["A"], "冷水滩区", ["市生态环境局"], day=D(2024, 3, 14))  # due 3-21
    hand_over(store, ids["B"], "零陵区", day=D(2024, 3, 14), due=D(2024, 3, 22))
    hand_over(store, ids["C"], "零陵区", day=D(2024, 3, 14), due=D(2024, 3, 22))
    return ids


@pytest.fixture
def ready(store, freeze_today, tmp_path):
    freeze_today(TODAY)
    refdata.set_setting(store, "exports_dir", str(tmp_path / "exports"))
    registry.set_setting(store, "letter_contact", "王明")
    registry.set_setting(store, "letter_phone", "0746-8888888")
    return seed(store)


def doc_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for s in doc.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(parts)


def table_rows(path: Path, n: int = 0) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in Document(str(path)).tables[n].rows]


def listed_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != ".dutydesk-written") if folder.exists() else []


# -- 交办通知 ---------------------------------------------------------------------------------
def test_one_letter_per_lead_unit_with_only_its_petitions_and_no_identity(ready, store, run_cli, tmp_path):
    out = tmp_path / "letters"
    r = run_cli("petitions", "notice", "--batch", "1", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    paths = [Path(line) for line in r.stdout.splitlines()]
    assert [p.name for p in paths] == ["交办通知-第1批-零陵区.docx", "交办通知-第1批-冷水滩区.docx"]  # the units' order
    assert listed_files(out) == sorted(p.name for p in paths)  # nothing else (no temporary files)
    lingling, lengshuitan = paths
    rows = table_rows(lingling)
    assert rows[0] == ["序号", "受理编号", "交办问题基本情况", "污染类型", "是否重点件", "配合单位", "办理时限"]
    assert [r[1] for r in rows[1:]] == ["D2HH202403130002", "X2HH202403130003"]
    assert [r[6] for r in rows[1:]] == ["3月22日", "3月22日"]
    rows = table_rows(lengshuitan)
    assert [r[1:] for r in rows[1:]] == [["D2HH202403130001", "张**反映某村养猪场污水直排河道", "水", "是", "市生态环境局",
                                          "3月21日"]]
    for path in paths:
        text = doc_text(path)
        assert not any(x in text for x in IDENTITY) and "注意保密" not in text
        assert "D2HH202403130004" not in text  # not handed over: in nobody's letter
        assert stat.S_IMODE(path.stat().st_mode) != 0o600
    text = doc_text(lingling)
    paragraphs = [p.text for p in Document(str(lingling)).paragraphs]
    assert paragraphs[0] == refdata.get_setting(store, "org") and paragraphs[1] == "永督联函〔2024〕1号"
    assert "关于转办第1批生态环境保护" in text and "零陵区：" in paragraphs
    assert "请于2024年3月22日前" in text and "联系人：王明；联系电话：0746-8888888。" in text
    assert "附件：第1批生态环境保护督察信访件交办清单（零陵区，共2件）" in text
    assert "2024年3月15日" in paragraphs  # 成文日期
    assert "永督联函〔2024〕2号" in doc_text(lengshuitan) and "请于2024年3月21日前" in doc_text(lengshuitan)


def test_letter_layout_is_gbt_9704(ready, store, tmp_path):
    path = letters.write_notices(store, 1, unit="零陵区", out_dir=tmp_path)[0]
    doc = Document(str(path))
    letter, attachment = doc.sections
    assert (round(letter.page_width.mm), round(letter.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (letter.top_margin, letter.left_margin, letter.bottom_margin, letter.right_margin)] \
        == [37, 28, 35, 26]
    assert (round(attachment.page_width.mm), round(attachment.page_height.mm)) == (297, 210)
    assert attachment.orientation == 1  # landscape
    assert round((attachment.page_width - attachment.left_margin - attachment.right_margin) / Mm(1)) == 225
    normal = doc.styles["Normal"]
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    assert normal.font.size.pt == 16 and rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert round(normal.paragraph_format.line_spacing.pt, 2) == 28.95
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in runs)
    issuer = doc.paragraphs[0].runs[0]
    assert str(issuer.font.color.rgb) == "FF0000" and issuer._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) \
        == "方正小标宋简体"
    title = next(p for p in doc.paragraphs if p.text.startswith("关于转办"))
    assert title.runs[0].font.size.pt == 22 and title.alignment == 1
    body = next(p for p in doc.paragraphs if p.text.startswith("现将"))
    assert body.paragraph_format.first_line_indent.pt == 32 and body.runs[0].font.size.pt == 16
    footer = letter.footer._element.xml
    assert "PAGE" in footer and "— " in "".join(p.text for p in letter.footer.paragraphs)
    assert doc.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header repeats on every page
    assert abs(sum(c.width for c in doc.tables[0].columns) - Mm(225)) < Mm(1)


def test_with_contact_says_keep_secret_and_is_private(ready, store, run_cli, tmp_path):
    out = tmp_path / "letters"
    r = run_cli("petitions", "notice", "--batch", "1", "--unit", "冷水滩区", "--with-contact", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    (path,) = [Path(line) for line in r.stdout.splitlines()]
    assert path.name == "交办通知-第1批-冷水滩区-含信访人信息.docx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = Document(str(path))
    assert doc.paragraphs[0].text == "注意保密"
    rows = table_rows(path)
    assert rows[0][-1] == "信访人及联系方式" and rows[1][-1] == "张三丰\n13812345678\n冷水滩区梅湾路12号"
    assert rows[1][2] == "张三丰反映某村养猪场污水直排河道"
    assert "严禁泄露" in doc_text(path)
    r = run_cli("petitions", "notice", "--batch", "1", "--unit", "冷水滩区", "--with-contact", "--format", "xlsx",
                "-o", str(out))
    (sheet,) = [Path(line) for line in r.stdout.splitlines()]
    assert stat.S_IMODE(sheet.stat().st_mode) == 0o600


def test_doc_numbers_per_year_and_none_without_a_pattern(ready, store, tmp_path, freeze_today):
    letters.write_notices(store, 1, out_dir=tmp_path / "a")  # 1, 2
    letters.write_notices(store, 1, unit="零陵区", out_dir=tmp_path / "b")  # 3
    assert "永督联函〔2024〕3号" in doc_text(tmp_path / "b" / "交办通知-第1批-零陵区.docx")
    freeze_today(D(2025, 1, 2))
    letters.write_notices(store, 1, unit="零陵区", out_dir=tmp_path / "c")
    assert "永督联函〔2025〕1号" in doc_text(tmp_path / "c" / "交办通知-第1批-零陵区.docx")
    registry.set_setting(store, "letter_doc_no", "")
    letters.write_notices(store, 1, unit="零陵区", out_dir=tmp_path / "d")
    paragraphs = [p.text for p in Document(str(tmp_path / "d" / "交办通知-第1批-零陵区.docx")).paragraphs]
    assert not any("〕" in p for p in paragraphs) and paragraphs[1].startswith("关于转办")
    # the letter settings are checked when set
    with pytest.raises(UserError, match="序号占位符"):
        registry.set_setting(store, "letter_doc_no", "永督联函〔{year}〕号")
    with pytest.raises(UserError, match="未知的占位符"):
        registry.set_setting(store, "notice_template", "请于{deadlines}前报送")
    with pytest.raises(UserError, match="0 到 30"):
        registry.set_setting(store, "chase_window_days", "abc")


# -- the results sheet -----------------------------------------------------------------------
def test_results_sheet_has_lists_and_imports_back_unchanged(ready, store, run_cli, tmp_path):
    r = run_cli("petitions", "notice", "--batch", "1", "--format", "xlsx", "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    paths = [Path(line) for line in r.stdout.splitlines()]
    assert [p.name for p in paths] == ["办理结果表-第1批-零陵区.xlsx", "办理结果表-第1批-冷水滩区.xlsx"]
    wb = openpyxl.load_workbook(paths[0])
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[2]]
    assert headers[:10] == ["序号", "受理编号", "交办问题基本情况", "办理时限", "调查核实情况", "是否属实", "处理和整改情况",
                            "责任追究情况", "办结状态", "办结日期"]
    assert "责令整改（家）" in headers and "罚款（万元）" in headers
    assert [ws.cell(row=r, column=2).value for r in (3, 4)] == ["D2HH202403130002", "X2HH202403130003"]
    assert ws.cell(row=3, column=4).value.date() == D(2024, 3, 22) and ws.max_row == 4
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists == {"F3:F4": '"属实,基本属实,部分属实,不属实"', "I3:I4": '"已办结,阶段性办结,未办结"'}
    assert "李四光" not in str([[c.value for c in row] for row in ws.iter_rows()])
    # the unit fills in one row and sends the sheet back as it is
    col = {h: i + 1 for i, h in enumerate(headers)}
    for header, value in (("调查核实情况", "经查，工地夜间施工属实"), ("是否属实", "属实"), ("处理和整改情况", "已责令停止夜间施工"),
                          ("办结状态", "已办结"), ("办结日期", dt.datetime(2024, 3, 18)), ("责令整改（家）", 1),
                          ("罚款（万元）", 0.5)):
        ws.cell(row=3, column=col[header], value=value)
    wb.save(paths[0])
    r = run_cli("petitions", "results", str(paths[0]))
    assert r.exit_code == 0, r.stderr
    assert "已录入 1 件办理结果" in r.stdout
    b = get_petition(store, find_by_case_no(store, "D2HH202403130002")["id"])
    assert (b["status"], b["truth"], b["closed_date"], b["n_rectify"], b["fine"]) == ("已办结", "属实", "2024-03-18", 1, 0.5)
    assert find_by_case_no(store, "X2HH202403130003")["status"] == "已交办"  # a row not filled in: untouched
    r = run_cli("petitions", "results", str(paths[0]))  # the same sheet again changes nothing
    assert r.exit_code == 0 and "未做任何修改" in r.stdout


# -- the record ------------------------------------------------------------------------------
def test_letters_are_recorded_in_the_history_and_the_unnotified_filter(ready, store, run_cli, tmp_path):
    def unnotified() -> list[str]:
        r = run_cli("petitions", "list", "--no-notice")
        return sorted(line.split("\t")[1] for line in r.stdout.splitlines()[1:])

    assert unnotified() == ["D2HH202403130001", "D2HH202403130002", "X2HH202403130003"]
    assert run_cli("petitions", "notice", "--batch", "1", "--unit", "零陵区", "-o", str(tmp_path)).exit_code == 0
    assert unnotified() == ["D2HH202403130001"]
    assert run_cli("petitions", "notice", "--batch", "1", "--format", "xlsx", "-o", str(tmp_path)).exit_code == 0
    assert unnotified() == ["D2HH202403130001"]  # a results sheet is not the notice
    show = run_cli("petitions", "show", "D2HH202403130002").stdout
    assert "已发交办通知" in show and "永督联函〔2024〕1号" in show and "测试员" in show
    assert "通知：已发交办通知（2024-03-15，永督联函〔2024〕1号）" in show
    row = store.one("SELECT * FROM letters WHERE kind = '交办通知'")
    assert (row["unit"], row["day"], row["operator"], row["file_name"]) == ("零陵区", "2024-03-15", "测试员",
                                                                             "交办通知-第1批-零陵区.docx")
    assert [r["petition_id"] for r in store.query("SELECT petition_id FROM letter_petitions WHERE letter_id = ? "
                                                  "ORDER BY petition_id", [row["id"]])] == [ready["B"], ready["C"]]
    assert store.history("letters", row["id"])[0]["action"] == "新增"
    # handed over to another unit: that unit has not had its notice yet
    hand_over(store, ready["B"], "道县", day=TODAY)
    assert unnotified() == ["D2HH202403130001", "D2HH202403130002"]
    assert search.count(store, search.Filters(status=search.NOT_NOTIFIED), TODAY) == 2


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (("--batch", "9"), "第9批不存在"),
    (("--batch", "2"), "第2批还没有已交办的信访件"),
    (("--batch", "1", "--unit", "道县"), "第1批中没有由道县牵头办理的信访件"),
    (("--batch", "1", "--unit", "火星县"), "未知的单位"),
])
def test_bad_batch_or_unit_is_one_line_and_writes_nothing(ready, store, run_cli, tmp_path, args, message):
    out = tmp_path / "letters"
    r = run_cli("petitions", "notice", *args, "-o", str(out))
    assert r.exit_code == 1 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr and r.stdout == "" and not out.exists()
    assert store.scalar("SELECT count(*) FROM letters") == 0


def test_unwritable_folder_is_one_line_and_leaves_nothing(ready, store, run_cli, tmp_path):
    (tmp_path / "w").mkdir()
    blocker = tmp_path / "w" / "a-file"
    blocker.write_text("x")
    for target in (blocker / "letters", blocker):
        r = run_cli("petitions", "notice", "--batch", "1", "-o", str(target))
        assert r.exit_code == 1 and "无法写入" in r.stderr and "未生成任何文件" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and r.stdout == ""
    assert listed_files(tmp_path / "w") == ["a-file"] and not (tmp_path / "exports").exists()
    assert store.scalar("SELECT count(*) FROM letters") == 0
    assert not [h for h in store.history("petitions", ready["B"]) if h["action"] == "已发交办通知"]


def test_a_failure_while_renaming_puts_everything_back(ready, store, tmp_path, monkeypatch):
    out = tmp_path / "letters"
    first = letters.write_notices(store, 1, out_dir=out)
    before = {p.name: p.read_bytes() for p in first}
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied")
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", flaky)
    with pytest.raises(UserError, match="无法写入.*没有写入权限，未生成任何文件"):
        letters.write_notices(store, 1, out_dir=out)
    monkeypatch.setattr(files.os, "replace", real)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != ".dutydesk-written"} == before  # the earlier
    # letters, and nothing else (but the manifest of the files dutydesk wrote, store.files)
    assert store.scalar("SELECT count(*) FROM letters") == 2  # only the first run's
    with pytest.raises(UserError, match="无法写入.*未生成任何文件"):  # a new folder: nothing left in it
        monkeypatch.setattr(files.os, "replace", flaky)
        calls.clear()
        letters.write_notices(store, 1, out_dir=tmp_path / "new")
    assert listed_files(tmp_path / "new") == []


def test_template_paragraphs_without_values_are_left_out(ready, store, tmp_path):
    registry.set_setting(store, "letter_contact", "")
    registry.set_setting(store, "letter_phone", "")
    registry.set_setting(store, "notice_template", "第一段：{count}件。\\n联系人：{contact}{phone}")
    text = doc_text(letters.write_notices(store, 1, unit="零陵区", out_dir=tmp_path)[0])
    assert "第一段：2件。" in text and "联系人" not in text
    assert letter_log.issuer(store) == refdata.get_setting(store, "org")
