"""The seed bulletin (tests/data/seed_bulletin_2024-03-13.txt) rebuilt through the CLI, exported,
and read back: the .txt has the seed's structure and words, the .docx the GB/T 9704 layout."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed_bulletin_2024-03-13.txt"
FIXTURE = json.loads((DATA / "bulletin_seed_2024-03-13.json").read_text(encoding="utf-8"))
DAY = FIXTURE["date"]


def norm(text: str) -> str:
    """Drop whitespace (the seed's line breaks and the spaces around digits) and drawn rules."""
    return re.sub(r"[\s\u3000─━]+", "", text)


def esc_lines(lines: list[str]) -> str:
    return "\\n".join(lines)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Build the seed bulletin once through the CLI and export it (module scope: fast)."""
    import contextlib
    import io

    from dutydesk.cli.main import main

    tmp = tmp_path_factory.mktemp("seed")
    db = tmp / "dd.db"

    def run(*args: str, stdin: str | None = None) -> str:
        out, err = io.StringIO(), io.StringIO()
        old = None
        if stdin is not None:
            import sys

            old = sys.stdin
            sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    main(["--db", str(db), "--operator", "测试员", *args])
                except SystemExit as exc:
                    assert not exc.code, err.getvalue()
        finally:
            if old is not None:
                import sys

                sys.stdin = old
        return out.getvalue()

    st = FIXTURE["settings"]
    for key in ("org", "inspection", "group_short", "bulletin_title"):
        run("settings", "set", key, st[key])
    run("settings", "set", "report_to", esc_lines(st["report_to"]))
    run("settings", "set", "send_to", esc_lines(st["send_to"]))
    run("settings", "set", "issue_to", "")
    run("settings", "set", "copies", "0")
    run("bulletin", "set", "--date", DAY, "--number", str(FIXTURE["number"]))
    for n, item in enumerate(FIXTURE["news"]):
        body = "\n".join(item["paragraphs"])
        if n % 2:
            f = tmp / f"news{n}.txt"
            f.write_text(body, encoding="utf-8")
            run("bulletin", "add", "--date", "2024年3月13日", "--title", item["title"].replace("\n", "\\n"),
                "--body-file", str(f))
        else:
            run("bulletin", "add", "--date", DAY, "--title", item["title"].replace("\n", "\\n"), "--body-file", "-",
                stdin=body)
    lanshan, jiangyong = FIXTURE["county"]
    # The first is written with its prefix (must not be doubled), the second without it.
    run("bulletin", "add", "--date", DAY, "--county", lanshan["unit"], "--body", lanshan["paragraph"])
    run("bulletin", "add", "--date", DAY, "--county", "江永县",
        "--body", jiangyong["paragraph"].removeprefix("江永县："))
    out_dir = tmp / "out"
    printed = run("bulletin", "export", "--date", DAY, "-o", str(out_dir))
    paths = [Path(line) for line in printed.splitlines() if line.strip()]
    again = run("bulletin", "export", "--date", DAY, "-o", str(tmp / "again"))
    return {"paths": paths, "again": [Path(x) for x in again.splitlines() if x.strip()], "run": run, "tmp": tmp}


def by_ext(paths: list[Path], ext: str) -> Path:
    return next(p for p in paths if p.suffix == f".{ext}")


def expected_blocks() -> list[str]:
    st = FIXTURE["settings"]
    blocks = [f"{st['bulletin_title']}第{FIXTURE['number']}期{st['org']}2024年3月13日"]
    for item in FIXTURE["news"]:
        blocks.append(item["title"])
        blocks.extend(item["paragraphs"])
    blocks.append("【县区动态】")
    blocks.extend(c["paragraph"] for c in FIXTURE["county"])
    blocks.append(FIXTURE["petition_title"])
    blocks.extend(FIXTURE["petition"])
    blocks.append("报：" + "".join(st["report_to"]) + "送：" + "".join(st["send_to"]))
    return [norm(b) for b in blocks]


def test_three_files_named_by_date_and_number(exported):
    names = sorted(p.name for p in exported["paths"])
    assert names == ["工作简报-2024-03-13-第1期.docx", "工作简报-2024-03-13-第1期.md", "工作简报-2024-03-13-第1期.txt"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in exported["paths"])


def test_txt_has_the_seed_words_in_the_seed_order(exported):
    txt = by_ext(exported["paths"], "txt").read_text(encoding="utf-8")
    seed = SEED.read_text(encoding="utf-8")
    # The seed lost its header "工作简报 / 第N期" in extraction; everything else is word for word.
    assert norm(txt) == norm("工作简报第1期" + seed)


def test_txt_paragraph_structure(exported):
    txt = by_ext(exported["paths"], "txt").read_text(encoding="utf-8")
    blocks = [norm(b) for b in re.split(r"\n\s*\n", txt) if norm(b)]
    assert blocks == expected_blocks()
    lines = txt.splitlines()
    assert lines[0].strip() == "工作简报" and lines[1].strip() == "第1期"
    assert lines[2].startswith(FIXTURE["settings"]["org"]) and lines[2].endswith("2024年3月13日")
    assert "　　蓝山县：3月13日下午" in txt and "蓝山县：蓝山县：" not in txt
    assert "　　江永县：3月13日，江永县召开" in txt
    # Title lines keep the seed's breaks; body paragraphs are indented two characters.
    assert "市生态环境保护委员会第一次全体会议研究" in [x.strip("\u3000") for x in lines]
    assert "　　2月23日上午，市委书记" in txt
    assert "报：湖南省第四生态环境保护督察组\n　　洪武书记、爱林市长、市协调联络组各副组长" in txt


def test_md_same_order_and_words(exported):
    md = by_ext(exported["paths"], "md").read_text(encoding="utf-8")
    txt = by_ext(exported["paths"], "txt").read_text(encoding="utf-8")
    assert norm(re.sub(r"[#*\-\\]", "", md)) == norm(txt)
    assert "## 【县区动态】" in md and "## 第二轮第三批省生态环境保护督察信访件交办情况" in md


def test_reexport_is_byte_identical(exported):
    for first in exported["paths"]:
        second = next(p for p in exported["again"] if p.name == first.name)
        assert first.read_bytes() == second.read_bytes(), first.name


# -- the .docx read back --------------------------------------------------------------------
@pytest.fixture(scope="module")
def docx_doc(exported):
    return Document(str(by_ext(exported["paths"], "docx")))


def east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def close(a, b, tol=Mm(0.2)) -> bool:
    return abs(int(a) - int(b)) <= int(tol)


def test_docx_page_a4_and_gbt9704_margins(docx_doc):
    s = docx_doc.sections[0]
    assert close(s.page_width, Mm(210)) and close(s.page_height, Mm(297))
    assert close(s.top_margin, Mm(37)) and close(s.left_margin, Mm(28))
    assert close(s.bottom_margin, Mm(35)) and close(s.right_margin, Mm(26))


def test_docx_masthead(docx_doc):
    paras = docx_doc.paragraphs
    name = paras[0]
    assert name.text == "工作简报" and name.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = name.runs[0]
    assert str(run.font.color.rgb) == "FF0000" and run.font.size >= Pt(22)
    assert east_asia(run) == "方正小标宋简体"
    assert paras[1].text == "第1期"
    org_line = paras[2]
    assert org_line.text == "永州市配合湖南省生态环境保护督察协调联络组\t2024年3月13日"
    stop = org_line.paragraph_format.tab_stops[0]
    assert stop.alignment == WD_TAB_ALIGNMENT.RIGHT and close(stop.position, Mm(156))
    bottom = org_line._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"


def test_docx_titles_are_centred_bold_headings(docx_doc):
    titles = [p for p in docx_doc.paragraphs if p.style.name == "简报标题"]
    expected = [norm(i["title"]) for i in FIXTURE["news"]] + [norm(FIXTURE["petition_title"])]
    assert [norm(p.text) for p in titles] == expected
    for p in titles:
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
        for run in p.runs:
            assert run.font.bold and run.font.size == Pt(22) and east_asia(run) == "方正小标宋简体"
    # The seed's manual break is kept as a line break inside the title.
    assert titles[0]._p.xpath(".//w:br")
    assert docx_doc.styles["简报标题"].element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"
    section = [p for p in docx_doc.paragraphs if p.style.name == "简报栏目"]
    assert [p.text for p in section] == ["【县区动态】"]
    assert east_asia(section[0].runs[0]) == "黑体" and section[0].runs[0].font.size == Pt(16)


def test_docx_body_runs_fangsong_16pt_indented(docx_doc):
    body = [p for p in docx_doc.paragraphs if p.style.name == "Normal" and p.text.strip()][3:]
    assert len(body) == sum(len(i["paragraphs"]) for i in FIXTURE["news"]) + 2 + 1
    first = next(p for p in body if p.text.startswith("2月23日上午"))
    assert first.paragraph_format.first_line_indent == Pt(32)
    for p in body:
        for run in p.runs:
            assert east_asia(run) == "仿宋_GB2312" and run.font.size == Pt(16)
    county = next(p for p in body if p.text.startswith("蓝山县："))
    assert county.runs[0].text == "蓝山县：" and county.runs[0].font.bold
    assert [norm(p.text) for p in body if p.text.startswith(("蓝山县", "江永县"))] == \
        [norm(c["paragraph"]) for c in FIXTURE["county"]]


def test_docx_footer_block_between_rules(docx_doc):
    table = docx_doc.tables[-1]
    rows = [norm(row.cells[0].text) for row in table.rows]
    assert rows == [norm("报：" + "".join(FIXTURE["settings"]["report_to"])),
                    norm("送：" + "".join(FIXTURE["settings"]["send_to"]))]
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:top")).get(qn("w:val")) == "single"
    assert borders.find(qn("w:bottom")).get(qn("w:val")) == "single"
    assert borders.find(qn("w:insideH")).get(qn("w:val")) == "single"
    assert tbl_pr.find(qn("w:tblpPr")).get(qn("w:tblpYSpec")) == "bottom"  # at the foot of the last page
    for row in table.rows:
        for p in row.cells[0].paragraphs:
            for run in p.runs:
                assert run.font.size == Pt(14) and east_asia(run) == "仿宋_GB2312"
    second = table.rows[0].cells[0].paragraphs[1]
    assert second.text == "洪武书记、爱林市长、市协调联络组各副组长"
    assert second.paragraph_format.left_indent == Pt(42)  # aligned after "报："


def test_docx_page_numbers_dash_n_dash_outside(docx_doc):
    s = docx_doc.sections[0]
    assert docx_doc.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align
        assert " PAGE " in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert all(east_asia(r) == "宋体" and r.font.size == Pt(14) for r in p.runs)


def test_docx_language_fonts_and_fixed_metadata(exported, docx_doc):
    defaults = docx_doc.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    path = by_ext(exported["paths"], "docx")
    with zipfile.ZipFile(path) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
        stamps = {i.date_time for i in z.infolist()}
        assert "docProps/thumbnail.jpeg" not in z.namelist()
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', fonts)
    assert re.search(r'w:name="方正小标宋简体"><w:altName w:val="宋体"/>', fonts)
    props = docx_doc.core_properties
    assert props.created == props.modified
    assert len(stamps) == 1 and stamps.pop()[:3] == (props.created.year, props.created.month, props.created.day)
    assert props.title == "工作简报 第1期"


def test_show_and_list_after_issue(exported):
    run = exported["run"]
    shown = run("bulletin", "show", "--date", DAY)
    assert shown == by_ext(exported["paths"], "txt").read_text(encoding="utf-8")
    listed = run("bulletin", "list")
    assert "2024-03-13\t1\t1\t已签发\t7" in listed


def test_docx_property_elements_in_schema_order(exported):
    """Word rejects out-of-order property elements: every w:pPr/w:rPr/w:tblPr is in sequence."""
    from lxml import etree

    from dutydesk.exporters.docx_common import _ORDER

    with zipfile.ZipFile(by_ext(exported["paths"], "docx")) as z:
        parts = [n for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")]
        roots = [etree.fromstring(z.read(n)) for n in parts]
        settings = etree.fromstring(z.read("word/settings.xml"))
    checked = 0
    for root in roots:
        for tag, order in _ORDER.items():
            for el in root.iter(tag):
                ranks = [order.get(child.tag, len(order)) for child in el]
                assert ranks == sorted(ranks), (etree.QName(tag).localname, [etree.QName(c).localname for c in el])
                checked += 1
    assert checked > 50
    names = [etree.QName(c).localname for c in settings]
    assert names.index("evenAndOddHeaders") < names.index("characterSpacingControl")
