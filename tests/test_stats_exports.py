"""``dutydesk stats`` (txt, xlsx with real numbers, GB/T 9704 docx) and the bulletin's appendix
(附件：各县市区信访件办理情况统计表): switched per bulletin, on a new page of the .docx, a table in
.md/.txt, frozen with the issued bulletin."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document
from docx.oxml.ns import qn

from dutydesk.handoffs.overview import overview
from dutydesk.petitions import overview as pov, stats, workflow

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def demo(store, freeze_today):
    from dutydesk.demo import fill_demo

    freeze_today(TODAY)
    fill_demo(store, TODAY)
    return store


def test_stats_prints_the_table_with_a_total_and_the_headline(demo, run_cli):
    r = run_cli("stats")
    assert r.exit_code == 0, r.stderr
    o = overview(demo, TODAY)
    t = o.petitions.total
    lines = r.stdout.splitlines()
    assert lines[:2] == ["信访件及问题交办情况统计", "（截至2026年11月29日）"]
    assert f"信访件：累计转办{t.transferred}件，已办结{t.closed}件，阶段性办结{t.partial}件，未办结{t.open}件" in r.stdout
    total = next(line for line in lines if line.startswith("合计")).split()
    assert total == ["合计", str(t.transferred), str(t.closed), str(t.partial), str(t.open), str(t.overdue),
                     stats._pct(t.rate), str(o.problems.total), str(o.problems.closed)]
    header = next(line for line in lines if line.startswith("单位"))
    rows = [line for line in lines if line.startswith(("零陵区", "回龙圩管理区", "合计"))]
    from rich.cells import cell_len

    assert {cell_len(line) for line in rows} == {cell_len(header)}  # aligned by display width

    earlier = run_cli("stats", "--date", "11月25日")
    assert "（截至2026年11月25日）" in earlier.stdout
    assert run_cli("stats", "--date", "明天").exit_code == 1


def test_stats_xlsx_has_real_numbers_and_a_header_row(demo, run_cli, tmp_path):
    from openpyxl import load_workbook

    r = run_cli("stats", "--format", "xlsx", "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    path = tmp_path / "信访件及问题交办情况统计-2026-11-29.xlsx"
    assert r.stdout.strip() == str(path)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.title == "各单位信访件及问题交办情况统计表"
    assert ws["A1"].value == "各单位信访件及问题交办情况统计表（截至2026年11月29日）"
    assert [c.value for c in ws[2]] == ["单位", "转办", "已办结", "阶段性办结", "未办结", "超期", "办结率", "问题数", "已销号"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    o = overview(demo, TODAY)
    assert rows[-1][0] == "合计" and rows[-1][1] == o.petitions.total.transferred
    for row in rows:
        assert all(isinstance(v, int) for v in row[1:6] + row[7:])
        assert row[6] is None or isinstance(row[6], (int, float))  # a number (0.0 reads back as 0)
    last = list(ws.iter_rows(min_row=ws.max_row))[0]
    assert last[6].number_format == "0.0%" and abs(last[6].value - o.petitions.total.rate / 100) < 1e-9
    head = {(r[0], r[1]): r[2] for r in wb["总体情况"].iter_rows(min_row=3, values_only=True)}
    assert head[("信访件", "累计转办")] == o.petitions.total.transferred
    assert head[("问题交办", "已销号")] == o.problems.closed


def test_stats_docx_is_a_gbt9704_table(demo, run_cli, tmp_path):
    out = tmp_path / "统计.docx"
    r = run_cli("stats", "--format", "docx", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    doc = Document(str(out))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "信访件及问题交办情况统计" and text[1] == "（截至2026年11月29日）"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["单位", "转办", "已办结"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header repeats on every page
    assert table.rows[-1].cells[0].text == "合计"
    assert table.rows[-1].cells[1].text == str(overview(demo, TODAY).petitions.total.transferred)
    run = table.rows[1].cells[0].paragraphs[0].runs[0]
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 28
    assert sum(c.width.mm for c in table.rows[0].cells) == pytest.approx(156, abs=0.5)


# -- the bulletin's appendix ------------------------------------------------------------------------
def test_appendix_switch_renders_in_every_format_and_freezes_on_issue(demo, run_cli, tmp_path):
    from dutydesk.bulletin import service

    assert run_cli("bulletin", "set", "--appendix", "on").exit_code == 0
    assert service.current(demo, TODAY)["appendix"] == 1
    txt = service.render_text(demo, TODAY)
    assert "附件：各县市区信访件办理情况统计表" in txt
    assert txt.index("附件：各县市区信访件办理情况统计表") < txt.index("（截至2026年11月29日）") < txt.index("报：")
    table = pov.appendix_table(demo, TODAY)
    assert table.headers == ["单位", "转办", "已办结", "阶段性办结", "未办结", "超期", "办结率"]
    total = table.text_rows()[-1]
    assert " ".join(total) in " ".join(next(line for line in txt.splitlines() if line.startswith("合计")).split())

    r = run_cli("bulletin", "export", "-o", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    paths = {p.rsplit(".", 1)[1]: p for p in r.stdout.split()}
    md = open(paths["md"], encoding="utf-8").read()
    assert "附件：各县市区信访件办理情况统计表" in md and "| 单位 | 转办 |" in md and "|---|---:|---:|" in md
    assert "| 合计 | " + " | ".join(total[1:]) + " |" in md
    doc = Document(paths["docx"])
    body = doc.element.body
    breaks = [b for b in body.iter(qn("w:br")) if b.get(qn("w:type")) == "page"]
    assert len(breaks) == 1  # the appendix starts a new page
    texts = [p.text for p in doc.paragraphs]
    note = texts.index("附件：各县市区信访件办理情况统计表")
    assert texts[note + 2:note + 5] == ["附件", "各县市区信访件办理情况统计表", "（截至2026年11月29日）"]
    grid = doc.tables[0]
    assert [c.text for c in grid.rows[-1].cells] == total
    assert len(doc.tables) == 2  # the appendix, then the 版记 at the foot of that last page

    # frozen: the figures change later, the issued bulletin does not, and its switch is locked
    before = open(paths["docx"], "rb").read()
    pid = demo.scalar("SELECT petition_id FROM petition_facts f WHERE NOT EXISTS (SELECT 1 FROM petition_results r WHERE r.petition_id = f.petition_id) LIMIT 1")
    workflow.record_result(demo, pid, workflow.ResultInput(kind="已办结", date=TODAY))
    assert pov.appendix_table(demo, TODAY).rows[-1] != table.rows[-1]
    again = run_cli("bulletin", "export", "-o", str(tmp_path))
    assert open(paths["docx"], "rb").read() == before and again.exit_code == 0
    off = run_cli("bulletin", "set", "--appendix", "off")
    assert off.exit_code == 1 and "已签发" in off.stderr
    # a correction keeps the switch and shows today's figures
    assert run_cli("bulletin", "reopen").exit_code == 0
    row = service.current(demo, TODAY)
    assert row["appendix"] == 1 and row["revision"] == 2
    assert service.resolve(demo, TODAY).appendix.rows[-1] == pov.appendix_table(demo, TODAY).rows[-1]
    assert run_cli("bulletin", "set", "--appendix", "off").exit_code == 0
    assert "附件：" not in service.render_text(demo, TODAY)


def test_a_snapshot_issued_before_the_appendix_existed_reads_as_none():
    from dutydesk.exporters.bulletin_doc import BulletinDoc

    doc = BulletinDoc(bulletin_title="工作简报", number=1, revision=1, date="2024-03-13", org="某市")
    import json

    old = json.loads(doc.to_json())
    del old["appendix"]  # a snapshot frozen by an earlier dutydesk
    data = json.dumps(old, ensure_ascii=False)
    assert BulletinDoc.from_json(data).appendix is None
    assert BulletinDoc.from_json(doc.to_json()) == doc
