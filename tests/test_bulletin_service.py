"""Bulletin domain: composing, the petition section, issue freezing, corrections, numbering, CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dutydesk import refdata
from dutydesk.bulletin import service
from dutydesk.exporters.bulletin_doc import BulletinDoc, county_paragraph
from dutydesk.errors import UserError

DAY = dt.date(2024, 3, 13)
NEXT = dt.date(2024, 3, 14)


def add_news(store, day=DAY, title="测试会议召开", body="第一段。\n第二段。"):
    return service.add_item(store, day, kind="news", title=title, body=body)


def files(paths: list[Path]) -> dict[str, bytes]:
    return {p.suffix: p.read_bytes() for p in paths}


# -- composing ------------------------------------------------------------------------------
def test_preview_of_an_empty_day_creates_nothing(store):
    text = service.render_text(store, DAY)
    assert "3月13日，我市暂未收到省生态环保督察组转办信访件。" in text
    assert "第二轮第三批省生态环境保护督察" in text and "信访件交办情况" in text
    assert "报：湖南省第四生态环境保护督察组" in text
    assert store.scalar("SELECT COUNT(*) FROM bulletins") == 0


def test_items_in_order_news_then_county_then_petitions(store):
    add_news(store, title="甲会议")
    service.add_item(store, DAY, kind="county", unit="江华县", body="江华县召开会议。")
    add_news(store, title="乙会议")
    doc = service.resolve(store, DAY)
    assert [n.title for n in doc.news] == ["甲会议", "乙会议"]
    assert doc.county == ["江华县：江华县召开会议。"]
    text = service.render_text(store, DAY)
    assert text.index("甲会议") < text.index("乙会议") < text.index("【县区动态】") < text.index("信访件交办情况")


def test_county_prefix_not_doubled_and_aliases_resolved(store):
    assert county_paragraph("蓝山县", ["蓝山县"], "蓝山县：开会。") == "蓝山县：开会。"
    assert county_paragraph("蓝山县", ["蓝山县"], "开会。") == "蓝山县：开会。"
    assert county_paragraph("江华县", ["江华瑶族自治县", "江华县", "江华"], "江华瑶族自治县：开会。") == "江华瑶族自治县：开会。"
    item = service.add_item(store, DAY, kind="county", unit="永州经开区", body="经开区：\n部署工作。")
    assert service.get_item(store, item).unit == "永州经济技术开发区"
    assert service.resolve(store, DAY).county == ["经开区：部署工作。"]  # an alias counts as the prefix
    with pytest.raises(UserError, match="未知的单位"):
        service.add_item(store, DAY, kind="county", unit="火星县", body="x")


def test_news_needs_title_and_body_and_text_is_cleaned(store):
    with pytest.raises(UserError, match="标题"):
        service.add_item(store, DAY, kind="news", title=" ", body="x")
    with pytest.raises(UserError, match="正文"):
        add_news(store, body="  \n ")
    item = add_news(store, title="标\x1b[31m题", body="\u3000\u3000第一段\x07。\n\n  第二段。  ")
    got = service.get_item(store, item)
    assert got.title == "标题" and got.body == "第一段。\n第二段。"


def test_edit_move_delete(store):
    a, b, c = (add_news(store, title=t) for t in ("甲", "乙", "丙"))
    county = service.add_item(store, DAY, kind="county", unit="道县", body="开会。")
    assert service.move_item(store, c, -1)
    assert [n.title for n in service.resolve(store, DAY).news] == ["甲", "丙", "乙"]
    assert not service.move_item(store, a, -1)  # already first
    assert not service.move_item(store, county, -1)  # moves only among county items
    item = service.get_item(store, b)
    service.update_item(store, b, title="乙（改）", body="新正文。", expected_version=item.version)
    from dutydesk.errors import ConflictError

    with pytest.raises(ConflictError):
        service.update_item(store, b, body="过期的修改", expected_version=item.version)
    service.delete_item(store, a)
    assert [n.title for n in service.resolve(store, DAY).news] == ["丙", "乙（改）"]
    assert store.history("bulletin_items", b)[-1]["action"] == "修改"


def test_footer_fields_per_bulletin_and_reset(store):
    add_news(store)
    service.set_fields(store, DAY, report_to="甲单位\\n乙单位", send_to="丙单位", issue_to="丁单位", copies=30)
    doc = service.resolve(store, DAY)
    assert doc.report_to == ["甲单位", "乙单位"] and doc.send_to == ["丙单位"]
    assert doc.issue_to == ["丁单位"] and doc.copies == 30
    text = service.render_text(store, DAY)
    assert "报：甲单位\n　　乙单位" in text and "发：丁单位" in text and "（共印30份）" in text
    service.set_fields(store, DAY, clear=("report_to", "copies"))
    doc = service.resolve(store, DAY)
    assert doc.report_to[0] == "湖南省第四生态环境保护督察组" and doc.copies == 0


# -- petition section -----------------------------------------------------------------------
def test_petition_section_on_a_day_without_batch_reads_as_the_seed(store):
    assert service.resolve(store, DAY).petition_paragraphs == ["3月13日，我市暂未收到省生态环保督察组转办信访件。"]


def test_petition_section_generated_override_and_regenerate(store, monkeypatch):
    from dutydesk.petitions import stats

    calls = []

    def fake(store_, day):
        calls.append(day)
        return [f"{day.month}月{day.day}日，省第四生态环境保护督察组向我市转办第1批信访件3件，其中来电2件、来信1件。",
                "截至3月14日，累计收到转办信访件3件。"]

    monkeypatch.setattr(stats, "bulletin_paragraphs", fake)
    add_news(store, NEXT)
    doc = service.resolve(store, NEXT)
    assert doc.petition_paragraphs[0].startswith("3月14日，省第四") and len(doc.petition_paragraphs) == 2
    assert calls[-1] == NEXT and isinstance(calls[-1], dt.date)
    service.set_petition_text(store, NEXT, "3月14日，收到转办信访件3件（经核对）。")
    assert service.resolve(store, NEXT).petition_paragraphs == ["3月14日，收到转办信访件3件（经核对）。"]
    service.set_petition_text(store, NEXT, None)
    assert service.resolve(store, NEXT).petition_paragraphs == doc.petition_paragraphs


def test_preview_survives_broken_stats_but_issue_does_not(store, monkeypatch):
    from dutydesk.petitions import stats

    def broken(store_, day):
        raise RuntimeError("统计出错")

    monkeypatch.setattr(stats, "bulletin_paragraphs", broken)
    add_news(store)
    assert "信访统计暂时无法读取" in service.render_text(store, DAY, preview=True)
    with pytest.raises(RuntimeError):
        service.issue(store, DAY)
    assert service.current(store, DAY)["status"] == "draft"


def test_petition_section_with_real_batches_never_names_petitioners(store, tmp_path):
    from dutydesk.petitions.batches import add_batch
    from dutydesk.petitions.intake import PetitionInput, add_petition

    batch = add_batch(store, 1, NEXT)
    add_petition(store, batch, PetitionInput(
        case_no="D2HH202403140001", content="某厂夜间排放废气，气味刺鼻。", unit="零陵区", pollution_types=["大气"],
        petitioner_name="张三丰", petitioner_phone="13812345678", petitioner_address="零陵区某街道88号"))
    paragraphs = service.resolve(store, NEXT).petition_paragraphs
    if any("暂未收到" in p for p in paragraphs):
        pytest.skip("petitions.stats.bulletin_paragraphs is still the stub")
    assert any("第1批" in p for p in paragraphs)
    add_news(store, NEXT)
    first = files(service.export_bulletin(store, NEXT, tmp_path / "a"))
    for blob in (first[".txt"], first[".md"]):
        text = blob.decode("utf-8")
        assert "张三丰" not in text and "13812345678" not in text and "88号" not in text
    # A petition added after issue does not change the issued bulletin.
    add_petition(store, batch, PetitionInput(
        case_no="D2HH202403140002", content="河道有垃圾。", unit="道县", pollution_types=["水"]))
    assert files(service.export_bulletin(store, NEXT, tmp_path / "b")) == first


# -- issue, freeze, correct -----------------------------------------------------------------
def test_issue_freezes_and_reexport_is_byte_identical(store, tmp_path, monkeypatch):
    add_news(store)
    service.add_item(store, DAY, kind="county", unit="蓝山县", body="开会。")
    first_paths = service.export_bulletin(store, DAY, tmp_path / "a")
    first = files(first_paths)
    row = service.current(store, DAY)
    assert row["status"] == "issued" and row["number"] == 1 and row["issued_by"] == "测试员"
    snap = BulletinDoc.from_json(row["snapshot"])
    assert snap.org == "永州市配合湖南省生态环境保护督察协调联络组" and snap.fonts["font_body"] == "仿宋_GB2312"
    # Later changes to settings and to the petition log do not reach the issued bulletin.
    refdata.set_setting(store, "org", "某市协调联络组")
    refdata.set_setting(store, "report_to", "另一个单位")
    refdata.set_setting(store, "font_body", "仿宋")
    refdata.set_setting(store, "inspection", "另一轮督察")
    from dutydesk.petitions import stats

    monkeypatch.setattr(stats, "bulletin_paragraphs", lambda s, d: ["3月13日，收到转办信访件99件。"])
    monkeypatch.setattr("dutydesk.dates.now_iso", lambda: "2031-01-01 00:00:00")
    again = service.export_bulletin(store, DAY, tmp_path / "b")
    assert [p.name for p in again] == [p.name for p in first_paths]
    assert files(again) == first
    assert "某市" not in service.render_text(store, DAY)
    # A new draft uses the new settings.
    add_news(store, NEXT)
    assert service.resolve(store, NEXT).org == "某市协调联络组"


def test_editing_an_issued_bulletin_is_refused(store, tmp_path):
    item = add_news(store)
    service.issue(store, DAY)
    for call in (lambda: add_news(store),
                 lambda: service.update_item(store, item, body="改"),
                 lambda: service.delete_item(store, item),
                 lambda: service.move_item(store, item, 1),
                 lambda: service.set_fields(store, DAY, number=5),
                 lambda: service.set_petition_text(store, DAY, "改")):
        with pytest.raises(UserError, match="更正重开"):
            call()


def test_reopen_as_corrected_version_keeps_the_issued_one(store, tmp_path):
    item = add_news(store, title="原标题")
    original = files(service.export_bulletin(store, DAY, tmp_path / "v1"))
    old = service.current(store, DAY)
    new = service.reopen(store, DAY)
    assert new["revision"] == 2 and new["number"] == 1 and new["status"] == "draft" and new["corrects"] == old["id"]
    assert service.get(store, old["id"])["superseded_by"] == new["id"]
    new_item = service.items(store, new["id"])[0]
    assert new_item.id != item and new_item.title == "原标题"
    service.update_item(store, new_item.id, title="更正后的标题")
    paths = service.export_bulletin(store, DAY, tmp_path / "v2")
    assert sorted(p.name for p in paths)[0] == "工作简报-2024-03-13-第1期-更正.docx"
    text = paths[2].read_text(encoding="utf-8")
    assert "第1期（更正）" in text and "更正后的标题" in text
    # The first issue is still on record, unchanged.
    old_doc = BulletinDoc.from_json(service.get(store, old["id"])["snapshot"])
    assert old_doc.news[0].title == "原标题"
    rows, total = service.list_bulletins(store)
    assert total == 2 and [r["state"] for r in rows] == ["已签发", "已更正（旧版）"]
    with pytest.raises(UserError, match="尚未签发"):
        service.reopen(store, NEXT)
    assert original  # exported before


def test_numbers_follow_order_of_issue_and_clash_is_refused(store, tmp_path):
    add_news(store, NEXT)
    add_news(store, DAY)
    assert service.resolve(store, DAY).number == 1
    service.issue(store, NEXT)
    assert service.current(store, NEXT)["number"] == 1
    assert service.resolve(store, DAY).number == 2 and service.next_number(store) == 2
    service.set_fields(store, DAY, number=1)
    with pytest.raises(UserError, match="第1期已用于"):
        service.issue(store, DAY)
    service.set_fields(store, DAY, number=7)
    assert service.issue(store, DAY).number == 7
    assert service.next_number(store) == 8


def test_empty_bulletin_is_not_issued(store, tmp_path):
    with pytest.raises(UserError, match="还没有内容"):
        service.export_bulletin(store, DAY, tmp_path / "out")
    assert not (tmp_path / "out").exists() and service.current(store, DAY) is None


def test_default_exports_folder_and_setting(store, tmp_path):
    add_news(store)
    paths = service.export_bulletin(store, DAY)
    assert all(p.parent == store.path.parent / "exports" for p in paths)
    refdata.set_setting(store, "exports_dir", str(tmp_path / "out"))
    add_news(store, NEXT)
    assert all(p.parent == tmp_path / "out" for p in service.export_bulletin(store, NEXT))


def test_markdown_escapes_user_text(store):
    from dutydesk.exporters.bulletin_md import render_md

    add_news(store, title="关于*重点*问题", body="# 不是标题\n1. 不是列表 [链接](x)")
    md = render_md(service.resolve(store, DAY))
    assert "## 关于\\*重点\\*问题" in md and "\n\\# 不是标题" in md and "\\[链接\\](x)" in md


# -- CLI ------------------------------------------------------------------------------------
def test_cli_errors_are_one_chinese_line(run_cli):
    r = run_cli("bulletin", "add", "--date", "2024-03-13", "--body", "x")
    assert r.exit_code == 1 and "--title" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("bulletin", "add", "--date", "2024-03-13", "--county", "火星县", "--body", "x")
    assert r.exit_code == 1 and "未知的单位" in r.stderr
    r = run_cli("bulletin", "add", "--date", "2024-13-45", "--title", "t", "--body", "x")
    assert r.exit_code == 1 and "日期" in r.stderr
    r = run_cli("bulletin", "reopen", "--date", "2024-03-13")
    assert r.exit_code == 1 and "尚未签发" in r.stderr
    r = run_cli("bulletin", "export", "--date", "2024-03-13")
    assert r.exit_code == 1 and "还没有内容" in r.stderr
    r = run_cli("bulletin", "add", "--date", "2024-03-13", "--title", "t", "--body-file", "/no/such/file")
    assert r.exit_code == 1 and "文件不存在" in r.stderr


def test_cli_single_format_to_a_file_and_items_remove_reopen(run_cli, tmp_path):
    assert run_cli("bulletin", "add", "--date", "2024年3月13日", "--title", "甲", "--body", "一\\n二").exit_code == 0
    assert run_cli("bulletin", "add", "--date", "2024-03-13", "--title", "乙", "--body", "三").exit_code == 0
    items = run_cli("bulletin", "items", "--date", "2024-03-13").stdout.splitlines()
    assert items[0] == "id\tseq\tkind\ttitle\tchars" and len(items) == 3
    second_id = items[2].split("\t")[0]
    assert run_cli("bulletin", "remove", second_id).exit_code == 0
    r = run_cli("bulletin", "petition", "--date", "2024-03-13", "--text", "3月13日，收到信访件2件。")
    assert r.exit_code == 0
    target = tmp_path / "简报.txt"
    r = run_cli("bulletin", "export", "--date", "2024-03-13", "--format", "txt", "-o", str(target))
    assert r.exit_code == 0, r.stderr
    text = target.read_text(encoding="utf-8")
    assert "　　一\n\n　　二" in text and "乙" not in text and "收到信访件2件" in text
    assert run_cli("bulletin", "remove", items[1].split("\t")[0]).exit_code == 1
    r = run_cli("bulletin", "reopen", "--date", "2024-03-13")
    assert r.exit_code == 0 and "第2版" in r.stdout
    assert run_cli("bulletin", "set", "--date", "2024-03-13", "--report-to", "甲\\n乙", "--copies", "5").exit_code == 0
    shown = run_cli("bulletin", "show", "--date", "2024-03-13").stdout
    assert "第1期（更正）" in shown and "报：甲\n　　乙" in shown and "（共印5份）" in shown
    listed = run_cli("bulletin", "list").stdout.splitlines()
    assert listed[1].split("\t")[:4] == ["2024-03-13", "1", "2", "草稿"]
    assert listed[2].split("\t")[:4] == ["2024-03-13", "1", "1", "已更正（旧版）"]
    old = run_cli("bulletin", "show", "--id", listed[2].split("\t")[-1]).stdout
    assert "第1期\n" in old and "（更正）" not in old and "（共印5份）" not in old
    r = run_cli("bulletin", "export", "--date", "2024-03-13", "-o", str(tmp_path / "x.docx"))
    assert r.exit_code == 1 and "--format" in r.stderr
