"""Bounded intake (issue 16: H1, H2, M3, M4 and two low items): every file is checked before a parser
runs, and every refusal is one Chinese line naming the limit. The hostile files are made here.
Peak memory is measured in bench/ (bench/intake_probe.py), not in these tests."""

from __future__ import annotations

import datetime as dt
import os
import struct
import threading
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dutydesk import sheets
from dutydesk.errors import UserError
from dutydesk.handoffs import io as handoffs_io
from dutydesk.petitions import io
from dutydesk.roster import transfer
from dutydesk.sheets import bounds, limits as L

DATA = Path(__file__).parent / "data" / "intake"
WORKBOOK = '''<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>
</sheets></workbook>'''
PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": WORKBOOK,
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>受理编号</t></is></c><c r="B1" t="inlineStr"><is><t>交办问题基本情况</t>'
              '</is></c><c r="C1" t="inlineStr"><is><t>行政区域</t></is></c><c r="D1" t="inlineStr"><is><t>日期</t></is></c>'
              '<c r="E1" t="inlineStr"><is><t>来源</t></is></c><c r="F1" t="inlineStr"><is><t>问题描述</t></is></c>'
              '<c r="G1" t="inlineStr"><is><t>牵头单位</t></is></c></row>')


def crafted_xlsx(path: Path, rows: str, extra: dict[str, bytes] | None = None) -> Path:
    """A minimal .xlsx whose one sheet holds ``rows`` (raw <row> XML) after a header every import maps."""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             f'2006/main"><sheetData>{HEADER_ROW}{rows}</sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in PARTS.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


IMPORTS = {
    "petitions": lambda store, p: io.import_petitions(store, p, batch=1),
    "results": lambda store, p: io.import_results(store, p),
    "roster": lambda store, p: transfer.import_roster(store, p),
    "handoffs": lambda store, p: handoffs_io.import_file(store, p),
}


def refused_by_all(store, path: Path, match: str) -> None:
    before = store.scalar("SELECT count(*) FROM audit_log") if store.one(
        "SELECT 1 FROM sqlite_master WHERE name='audit_log'") else None
    for name, run in IMPORTS.items():
        with pytest.raises(UserError, match=match) as info:
            run(store, path)
        message = str(info.value)
        assert "\n" not in message and any("\u4e00" <= ch <= "\u9fff" for ch in message), name
    if before is not None:
        assert store.scalar("SELECT count(*) FROM audit_log") == before


# -- H1: what a zip inflates to ------------------------------------------------------------------
def zip_bomb(path: Path) -> Path:
    """About 1 MB on disk, one member of 1 GiB of spaces (written in a stream, never held)."""
    crafted_xlsx(path, '<row r="2"><c r="A2"><v>1</v></c></row>')
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            block = b" " * (1 << 20)
            for _ in range(1024):
                out.write(block)
    return path


def test_zip_bomb_refused_before_parsing(store, tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 1_200_000
    refused_by_all(store, path, f"解压后过大（超过 {L.MAX_MEMBER_BYTES // L.MiB} MB 的上限）")


def test_high_ratio_and_a_lying_zip_directory_refused(tmp_path):
    spaces = b"<!--" + b" " * (8 << 20) + b"-->"  # 8 MB that deflate to a few KB: ratio far over the limit
    path = crafted_xlsx(tmp_path / "ratio.xlsx", "", {"xl/styles.xml": spaces})
    with pytest.raises(UserError, match=f"压缩比异常（超过 {L.MAX_RATIO} 倍的上限"):
        sheets.read_sheet(path)
    # a member whose directory entry claims 100 bytes (the data inflates to 8 MB): found out while inflating
    liar = tmp_path / "liar.xlsx"
    crafted_xlsx(liar, "", {"xl/styles.xml": spaces})
    data = bytearray(liar.read_bytes())
    with zipfile.ZipFile(liar) as z:
        info = z.getinfo("xl/styles.xml")
    offset = data.find(b"xl/styles.xml", data.find(b"PK\x01\x02"))
    central = data.rfind(b"PK\x01\x02", 0, offset)
    struct.pack_into("<I", data, central + 24, 100)  # uncompressed size in the central directory
    struct.pack_into("<I", data, info.header_offset + 22, 100)  # and in the local header
    liar.write_bytes(bytes(data))
    with pytest.raises(UserError, match="文件已损坏或被截断"):
        sheets.read_sheet(liar)


def test_encrypted_zip_member_is_refused_as_password_protected(tmp_path):
    path = crafted_xlsx(tmp_path / "p.xlsx", "")
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:  # set the "encrypted" flag of every central directory entry
        data[pos + 8] |= 1
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(UserError, match="密码保护"):
        sheets.read_sheet(path)


# -- H2: where the cells are ---------------------------------------------------------------------
def test_gap_row_sheet_refused_by_all_four_imports(store, tmp_path):
    path = crafted_xlsx(tmp_path / "gap.xlsx", '<row r="200000000"><c r="A200000000"><v>1</v></c></row>')
    assert path.stat().st_size < 5000
    refused_by_all(store, path, f"表格行数超过上限（最多 {L.MAX_ROWS:,} 行）")
    # a far column, and cells without references counted in order, the same way
    far = crafted_xlsx(tmp_path / "far.xlsx", '<row r="2"><c r="XFD2"><v>1</v></c></row>')
    refused_by_all(store, far, f"表格列数超过上限（最多 {L.MAX_COLUMNS} 列）")
    # (their place written after another attribute: read tag by tag, refused the same)
    later = crafted_xlsx(tmp_path / "later.xlsx", '<row spans="1:1" r="2"><c s="0" r="XFD2"><v>1</v></c></row>')
    with pytest.raises(UserError, match="列数超过上限"):
        sheets.read_sheet(later)
    later = crafted_xlsx(tmp_path / "later2.xlsx", '<row spans="1:1" r="200000000"><c s="0" r="A200000000"><v>1</v></c></row>')
    with pytest.raises(UserError, match="行数超过上限"):
        sheets.read_sheet(later)
    many = crafted_xlsx(tmp_path / "many.xlsx", "<row>" + "<c><v>1</v></c>" * 300 + "</row>")
    with pytest.raises(UserError, match="列数超过上限"):
        sheets.read_sheet(many)
    # empty rows and valueless cells far away take no room: read as usual
    sparse = crafted_xlsx(tmp_path / "sparse.xlsx", '<row r="2"><c r="A2" t="inlineStr"><is><t>D1</t></is></c></row>'
                                                    '<row r="200000000"/><row r="3"><c r="XFD3" s="1"/></row>')
    assert [r.values["受理编号"] for r in sheets.read_sheet(sparse).rows] == ["D1"]


def test_ods_rows_repeated_two_hundred_million_times_refused(store, tmp_path):
    src = DATA / "值班表.ods"
    with zipfile.ZipFile(src) as z:
        content = z.read("content.xml").decode()
        names = z.namelist()
        parts = {n: z.read(n) for n in names}
    row = ('<table:table-row table:number-rows-repeated="200000000"><table:table-cell office:value-type="string">'
           '<text:p>x</text:p></table:table-cell></table:table-row>')
    parts["content.xml"] = content.replace("</table:table>", row + "</table:table>", 1).encode()
    path = tmp_path / "rep.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n in names:  # mimetype first and stored, as the format wants
            z.writestr(n, parts[n], zipfile.ZIP_STORED if n == "mimetype" else zipfile.ZIP_DEFLATED)
    with pytest.raises(UserError, match="行数超过上限"):
        transfer.import_roster(store, path)


def test_xls_cell_far_away_refused(tmp_path):
    import olefile

    path = tmp_path / "far.xls"
    path.write_bytes((DATA / "值班表.xls").read_bytes())
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        pos = 0
        while pos + 4 <= len(stream):
            typ, length = struct.unpack_from("<HH", stream, pos)
            if typ in (0x0203, 0x027E, 0x00FD):  # NUMBER, RK, LABELSST: row and column first
                struct.pack_into("<HH", stream, pos + 4, 0xFFFF, 0x00FF)
                break
            pos += 4 + length
        ole.write_stream("Workbook", bytes(stream))
    with pytest.raises(UserError, match="表格范围过大|行数超过上限"):
        sheets.read_sheet(path)


def test_xlsb_records_scanned_for_rows_and_columns():
    def record(typ: int, payload: bytes) -> bytes:
        return bytes([typ]) + bytes([len(payload)]) + payload

    scan = bounds.XlsbCellScan()
    data = record(0, struct.pack("<I", 3) + b"\0" * 8) + record(5, struct.pack("<I", 4_000_000_000) + b"\0" * 12)
    for i in range(0, len(data), 3):  # cut anywhere between chunks
        scan.feed(data[i:i + 3])
    with pytest.raises(UserError, match="列数超过上限"):
        scan.check("x.xlsb")


# -- M3: devices, FIFOs, folders -----------------------------------------------------------------
def test_devices_fifos_and_folders_are_refused_without_reading(store, tmp_path):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    link = tmp_path / "zero.xlsx"
    link.symlink_to("/dev/zero")
    for path in (Path("/dev/zero"), Path("/dev/urandom"), fifo, link):
        done = threading.Event()

        def attempt(path=path):
            try:
                refused_by_all(store, path, "不是普通文件")
            finally:
                done.set()

        worker = threading.Thread(target=attempt, daemon=True)
        worker.start()
        assert done.wait(10), f"{path} was read (hang)"
        worker.join()
    with pytest.raises(UserError, match="文件夹"):
        sheets.read_sheet(tmp_path)


def test_cli_refusal_is_one_line_and_exit_1(run_cli, tmp_path):
    r = run_cli("petitions", "import", "/dev/zero", "--batch", "1")
    assert r.exit_code == 1 and r.stderr.strip().count("\n") == 0 and "不是普通文件" in r.stderr
    r = run_cli("roster", "import", str(zip_bomb(tmp_path / "b.xlsx")))
    assert r.exit_code == 1 and r.stderr.strip().count("\n") == 0 and "上限" in r.stderr


# -- M4 and the low items: rows, cell length, the same for every format --------------------------
def test_rows_capped_while_streaming_a_csv(store, tmp_path, monkeypatch):
    monkeypatch.setattr(L, "MAX_ROWS", 50)
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("受理编号,交办问题基本情况,行政区域\n")
        for i in range(200):
            fh.write(f"D{i},内容,零陵区\n")
    with pytest.raises(UserError, match="表格行数超过上限（最多 50 行）"):
        io.import_petitions(store, path, batch=1)
    assert store.scalar("SELECT count(*) FROM petitions") == 0


def _long_cell_files(tmp_path: Path, n: int) -> list[Path]:
    text = ("甲乙丙丁戊己庚辛壬癸" * (n // 10 + 1))[:n]
    header, row = ["受理编号", "交办问题基本情况", "行政区域"], ["D1", text, "零陵区"]
    out = [crafted_xlsx(tmp_path / "long.xlsx", '<row r="2"><c r="A2" t="inlineStr"><is><t>D1</t></is></c><c r="B2" '
                        f't="inlineStr"><is><t>{text}</t></is></c><c r="C2" t="inlineStr"><is><t>零陵区</t></is></c></row>')]
    # (openpyxl cuts a cell at Excel's 32,767 characters: the hostile file is written by hand)
    (tmp_path / "long.csv").write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    out.append(tmp_path / "long.csv")
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=2, cols=3)
    for r, values in enumerate((header, row)):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    doc.save(tmp_path / "long.docx")
    out.append(tmp_path / "long.docx")
    return out


def test_a_cell_too_long_is_refused_the_same_in_every_format(store, tmp_path):
    """The 10.7M-character .xlsx cell the .csv reader refused: every format now refuses a cell over
    the one limit, with the same line (the limit is that of Python's csv)."""
    import csv

    assert L.MAX_CELL_CHARS == csv.field_size_limit()
    for path in _long_cell_files(tmp_path, L.MAX_CELL_CHARS + 1):
        with pytest.raises(UserError, match=f"第2行有单元格过长（每格最多 {L.MAX_CELL_CHARS:,} 字）"):
            io.import_petitions(store, path, batch=1)
    for path in _long_cell_files(tmp_path, L.MAX_CELL_CHARS):  # at the limit: read
        assert len(sheets.read_sheet(path).rows[0].values["交办问题基本情况"]) == L.MAX_CELL_CHARS, path.suffix


def test_content_that_is_not_what_the_extension_says(tmp_path):
    xlsx = crafted_xlsx(tmp_path / "a.xlsx", "")
    as_xls = tmp_path / "a.xls"
    as_xls.write_bytes(xlsx.read_bytes())
    with pytest.raises(UserError, match="文件内容与扩展名不符：a.xls 的扩展名是 .xls，内容却是Excel .xlsx文件"):
        sheets.read_sheet(as_xls)
    html = tmp_path / "导出.xls"
    html.write_text("<html><table><tr><td>受理编号</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(UserError, match="内容却是文本"):
        sheets.read_sheet(html)
    doc = tmp_path / "函.doc"
    doc.write_bytes(b"x")
    with pytest.raises(UserError, match="不支持的文件类型"):
        sheets.read_sheet(doc)
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(UserError, match="文件是空的"):
        sheets.read_sheet(empty)


# -- two imports of one file at once ---------------------------------------------------------------
def test_two_imports_of_one_file_do_not_both_report_it_imported(store, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["受理编号", "交办问题基本情况", "行政区域"])
    for i in range(20):
        wb.active.append([f"D{i}", "内容", "零陵区"])
    wb.save(tmp_path / "a.xlsx")
    other = store.clone()
    try:
        first = io.plan_import(store, tmp_path / "a.xlsx", batch=1, day=dt.date(2024, 3, 13))
        second = io.plan_import(other, tmp_path / "a.xlsx", batch=1, day=dt.date(2024, 3, 13))
        done = io.apply_import(store, first)
        late = io.apply_import(other, second)
    finally:
        other.close()
    assert len(done.created) == 20 and "已导入第1批" in done.report() and "20 件" in done.report()
    assert late.created == [] and "20 件在导入期间已由他人登记" in late.report() and "本次已导入 0 件" in late.report()
    assert store.scalar("SELECT count(*) FROM petitions") == 20


# -- rows read as a stream ---------------------------------------------------------------------------
def test_a_sheets_rows_are_checked_as_they_are_read_not_all_read_first():
    # a 100,000-row .csv once sat whole in memory (~110 MB) before its first row was checked
    from dutydesk.sheets.reader import _Table
    from dutydesk.sheets.workbook import SheetSource

    read = [0]

    def rows():
        yield 1, ["受理编号", "交办问题基本情况", "行政区域"]
        for n in range(2, 100_002):
            read[0] = n
            yield n, [f"D{n}", "内容", "零陵区"]

    table = _Table(SheetSource("表", rows), None)
    it = table.rows()
    for _ in range(100):
        number, cells = next(it)
    assert number == 101 and cells[0] == "D101"
    assert read[0] < 1000  # the source is read a little ahead of the rows taken, not to its end
    assert sum(1 for _ in it) == 100_000 - 100 and read[0] == 100_001
