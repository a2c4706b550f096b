"""The bulletin's typography in the .docx and .txt: a long 编印单位 never pushes the date onto a
line of its own, and a title that needs two lines is broken into two about equal ones."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

from dutydesk.exporters import bulletin_txt
from dutydesk.exporters.bulletin_doc import BulletinDoc, NewsItem
from dutydesk.exporters.bulletin_docx import FOOT, TITLE, docx_bytes
from dutydesk.exporters.line_fit import TEXT_WIDTH_PT, fit_header, fit_title, print_cells, width_pt

LONG_ORG = "中共永州市委永州市人民政府迎接省生态环境保护督察协调联络组办公室"  # 32 characters
DATE = "2026年11月29日"
TITLE_21 = "永州市召开生态环境保护督察整改工作推进会议"  # 21 characters; 20 fit a line of 二号


def make_doc(org: str = LONG_ORG, title: str = TITLE_21) -> BulletinDoc:
    return BulletinDoc(bulletin_title="工作简报", number=3, revision=1, date="2026-11-29", org=org,
                       news=[NewsItem(title, ["11月29日，市委召开会议，办结率为12.5%。"]),
                             NewsItem("短标题", ["正文。"])],
                       petition_title="信访件交办情况", petition_paragraphs=["截至11月29日，共收到信访件45件。"],
                       report_to=["省督察组"], send_to=["各县市区"], copies=30)


def paragraph_lines(paragraph) -> list[tuple[str, float]]:
    """(text, size in pt) of each line of a paragraph: runs split at w:br and w:tab."""
    lines: list[tuple[str, float]] = [("", 0.0)]
    for run in paragraph.runs:
        size = run.font.size.pt if run.font.size else 0.0
        for child in run._r:
            if child.tag == qn("w:br"):
                lines.append(("", 0.0))
            elif child.tag == qn("w:tab"):
                lines[-1] = (lines[-1][0] + "\t", lines[-1][1])
            elif child.tag == qn("w:t"):
                lines[-1] = (lines[-1][0] + child.text, size or lines[-1][1])
    return lines


def header_paragraph(document):
    return next(p for p in document.paragraphs if p.text.endswith(DATE))


# -- fitting, in points ----------------------------------------------------------------------
def test_fit_header_shrinks_a_step_then_breaks_in_two_and_always_leaves_room_for_the_date():
    short = fit_header("永州市督察协调联络组办公室", DATE, size=14, width=TEXT_WIDTH_PT, sizes=(12,))
    assert short.unit_lines == ["永州市督察协调联络组办公室"] and short.unit_size == 14
    # 24 characters do not fit beside the date in 四号, they do in 小四.
    mid = fit_header("永州市迎接省生态环境保护督察工作协调联络组办公室", DATE, size=14, width=TEXT_WIDTH_PT, sizes=(12,))
    assert mid.unit_size == 12 and len(mid.unit_lines) == 1
    long = fit_header(LONG_ORG, DATE, size=14, width=TEXT_WIDTH_PT, sizes=(12,))
    assert long.unit_size == 14
    assert long.unit_lines == ["中共永州市委永州市人民政府迎接省", "生态环境保护督察协调联络组办公室"]
    for fit in (short, mid, long):
        for line in fit.unit_lines:
            assert width_pt(line, fit.unit_size) + 1.5 * 14 + width_pt(DATE, 14) <= TEXT_WIDTH_PT


def test_fit_title_balances_and_keeps_words():
    assert fit_title([TITLE_21], TITLE, TEXT_WIDTH_PT) == ["永州市召开生态环境保护", "督察整改工作推进会议"]
    assert fit_title(["关于加快推进中央生态环境保护督察反馈问题整改工作的通知"], TITLE, TEXT_WIDTH_PT) == [
        "关于加快推进中央生态环境保护", "督察反馈问题整改工作的通知"]
    # A line the writer broke stays broken there; a line that fits stays whole.
    assert fit_title(["省第四生态环境保护督察组督察永州市", "信访件交办情况"], TITLE, TEXT_WIDTH_PT) == [
        "省第四生态环境保护督察组督察永州市", "信访件交办情况"]
    assert fit_title(["二十个字的标题二十个字的标题二十个字的"], TITLE, TEXT_WIDTH_PT) == ["二十个字的标题二十个字的标题二十个字的"]


def test_print_cells_counts_latin_a_little_wider_than_half():
    assert print_cells("督察") == 4 and print_cells("12") == pytest.approx(2.4)


# -- the .docx ---------------------------------------------------------------------------------
def test_docx_header_keeps_the_date_on_the_last_line_of_a_long_unit():
    document = Document(io.BytesIO(docx_bytes(make_doc())))
    p = header_paragraph(document)
    lines = paragraph_lines(p)
    assert [text for text, _ in lines] == ["中共永州市委永州市人民政府迎接省", "生态环境保护督察协调联络组办公室\t" + DATE]
    unit, date = lines[-1][0].split("\t")
    # Every line of the unit fits beside the date's tab stop, with more than a character between.
    for text, size in lines:
        assert width_pt(text.split("\t")[0], size) + width_pt(DATE, FOOT) + FOOT <= TEXT_WIDTH_PT
    tab = p.paragraph_format.tab_stops[0]
    assert tab.position.pt == pytest.approx(TEXT_WIDTH_PT, abs=0.1)
    assert p._p.pPr.find(qn("w:autoSpaceDN")).get(qn("w:val")) == "0"  # no extra space around digits


def test_docx_header_of_a_short_unit_is_one_line_in_sihao():
    document = Document(io.BytesIO(docx_bytes(make_doc(org="永州市督察协调联络组办公室"))))
    lines = paragraph_lines(header_paragraph(document))
    assert lines == [("永州市督察协调联络组办公室\t" + DATE, 14.0)]


def test_docx_title_breaks_at_the_balanced_point():
    document = Document(io.BytesIO(docx_bytes(make_doc())))
    titles = [p for p in document.paragraphs if p.style.name == "简报标题"]
    first = titles[0]
    assert [text for text, _ in paragraph_lines(first)] == ["永州市召开生态环境保护", "督察整改工作推进会议"]
    assert len(first._p.findall(".//" + qn("w:br"))) == 1
    assert [text for text, _ in paragraph_lines(titles[1])] == ["短标题"]


# -- the .txt ----------------------------------------------------------------------------------
def test_txt_header_and_title_follow_the_docx():
    text = bulletin_txt.render_txt(make_doc())
    lines = text.split("\n")
    at = lines.index("中共永州市委永州市人民政府迎接省")
    assert lines[at + 1].startswith("生态环境保护督察协调联络组办公室") and lines[at + 1].endswith(DATE)
    assert bulletin_txt.display_width(lines[at + 1]) <= bulletin_txt.WIDTH
    # A unit the .docx keeps on one line stays on one line.
    org = "永州市配合湖南省生态环境保护督察协调联络组"
    assert bulletin_txt.header_lines(org, DATE) == [bulletin_txt.spread(org, DATE)]
    assert bulletin_txt.header_lines("永州市督察协调联络组办公室", DATE) == [
        bulletin_txt.spread("永州市督察协调联络组办公室", DATE)]
    long_title = "省第四生态环境保护督察组进驻永州市以来信访件交办情况的通报"  # 30 characters, 28 a line
    assert [line.strip("\u3000") for line in bulletin_txt.title_text_lines(long_title)] == [
        "省第四生态环境保护督察组进驻", "永州市以来信访件交办情况的通报"]


# -- as LibreOffice lays it out ------------------------------------------------------------------
@pytest.mark.skipif(not (shutil.which("libreoffice") and shutil.which("pdftotext")),
                    reason="needs libreoffice and pdftotext (apt-get install libreoffice-writer-nogui poppler-utils)")
def test_libreoffice_puts_the_date_beside_the_unit_and_balances_the_title(tmp_path):
    path = tmp_path / "b.docx"
    path.write_bytes(docx_bytes(make_doc()))
    subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(tmp_path / "b.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    rows = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
    date_row = next(row for row in rows if "2026" in row and "日" in row)
    assert date_row.startswith("生态环境保护督察协调联络组办公室")  # the date beside the unit's last line
    assert "永州市召开生态环境保护" in rows and "督察整改工作推进会议" in rows
