"""How the files in this folder were made (run once by hand; CI only reads the committed files).

    python tests/data/intake/make_files.py

Needs LibreOffice (``apt-get install libreoffice-calc-nogui libreoffice-writer-nogui``) for the
.xlsx/.xls/.ods/.docx files, and Node with SheetJS (``npm install xlsx@0.18.5`` in a scratch
folder, given as SHEETJS=/path/to/node_modules) for the .xlsb: LibreOffice reads .xlsb but has
no filter to write one. Each sheet is first written with openpyxl (title rows, merged cells,
numbers, dates), then saved by LibreOffice as the office would get it; the .xlsb is SheetJS's
save of LibreOffice's .xlsx.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent

# 交办表: a note sheet first, then the batch with a two-row merged title, 批次 merged down the
# rows, a numeric 受理编号, a serial-number date, units as governments write them.
PETITION_HEADER = ["序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "批次", "转办日期", "责任单位", "备注"]
PETITIONS = [
    [1, 2145, "冷水滩区岚角山街道某养殖场粪污直排河道，臭气熏天。", "冷水滩区人民政府", "水", "第3批",
     dt.date(2024, 3, 13), "中共冷水滩区委、区政府", ""],
    [2, "D2HH202403130002", "永州经开区某化工厂夜间偷排废气。", "永州经开区管委会", "大气", None, 45364, "永州经开区管委会", "重点"],
    [3, "2146", "江华县沱江镇砂石场非法采砂，破坏河道生态。", "江华瑶族自治县人民政府", "生态", None, "2024年3月13日",
     "江华县", ""],
    [4, 2147, "冷水滩区某工地夜间施工噪声扰民。", "冷水滩区政府", "噪声", None, dt.date(2024, 3, 13), "冷水滩区委、区政府",
     ""],
]
RESULT_HEADER = ["序号", "受理编号", "调查核实情况", "是否属实", "处理和整改情况", "办结情况", "办结日期", "责令整改(家)",
                 "罚款金额(万元)"]
RESULTS = [
    [1, 2145, "经核查，该养殖场存在粪污直排问题。", "属实", "已责令停产整改，拆除排污管。", "已办结", dt.date(2024, 3, 20), 1, 2.5],
    [2, "D2HH202403130002", "现场核查未发现偷排。", "不属实", "加强夜间巡查。", "阶段性办结", dt.date(2024, 3, 21), 0, 0],
]
ROSTER_HEADER = ["日期", "星期", "带班领导", "值班人员", "联系电话", "备注"]
ROSTER = [
    [dt.date(2024, 3, 13), "星期三", "王建国", "李明", 13800001111, ""],
    [dt.date(2024, 3, 14), "星期四", "王建国", "赵敏、钱进", "13800002222、13800003333", "督察组进驻"],
    [dt.date(2024, 3, 15), "星期五", "孙立", "周华", 13800004444, ""],
]
LEDGER_HEADER = ["序号", "来源", "问题描述", "行政区域", "牵头单位", "配合单位", "整改时限", "时限类别", "整改目标"]
LEDGER = [
    [1, "督察组交办", "湘江冷水滩段沿岸垃圾堆放。", "冷水滩区", "冷水滩区人民政府", "市城管局", dt.date(2024, 6, 30), "短期",
     "清理完毕并建立长效机制"],
    [2, "信访件", "江华县某稀土矿尾水超标排放。", "江华瑶族自治县", "江华瑶族自治县人民政府", "市生态环境局、市自然资源局",
     dt.date(2024, 12, 31), "中期", "尾水稳定达标"],
    [3, "暗访发现", "经开区某企业危废露天堆放。", "永州经开区", "永州经开区管委会", "", dt.date(2024, 4, 30), "立行立改",
     "规范贮存"],
]


def _titled(ws, title: str, subtitle: str | None, header: list, rows: list, merge_down: int | None = None) -> None:
    width = len(header)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    first = 2
    if subtitle:
        ws.append([subtitle])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        first = 3
    ws.append(header)
    for row in rows:
        ws.append(row)
    if merge_down is not None:  # one value written once for all the data rows
        col = merge_down + 1
        ws.merge_cells(start_row=first + 1, start_column=col, end_row=first + len(rows), end_column=col)
    for row in ws.iter_rows(min_row=first + 1):
        for c in row:
            if isinstance(c.value, dt.date):
                c.number_format = "yyyy-mm-dd"
    ws.cell(row=first + len(rows) + 3, column=width + 3).number_format = "0.00"  # a styled empty cell far off


def sources(folder: Path) -> dict[str, Path]:
    out = {}
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["本表由督察组转办，请各单位按时限办理。"])
    _titled(wb.create_sheet("第3批"), "第3批信访件交办表", "（2024年3月13日转办）", PETITION_HEADER, PETITIONS, merge_down=5)
    wb.save(out.setdefault("交办表", folder / "交办表.xlsx"))
    for name, title, header, rows in (("办理结果", "第3批信访件办理结果", RESULT_HEADER, RESULTS),
                                      ("值班表", "值班表（2024年3月）", ROSTER_HEADER, ROSTER),
                                      ("整改台账", "督察反馈问题整改台账", LEDGER_HEADER, LEDGER)):
        wb = openpyxl.Workbook()
        wb.active.title = name
        _titled(wb.active, title, None, header, rows)
        wb.save(out.setdefault(name, folder / f"{name}.xlsx"))
    return out


def soffice(src: Path, fmt: str, outdir: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", str(outdir), str(src)], check=True,
                   capture_output=True, timeout=300)
    return outdir / f"{src.stem}.{fmt.split(':')[0]}"


def letter(folder: Path) -> Path:
    """转办函.docx: text, a table whose header row repeats on the second page, text after it."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(14)
    doc.add_paragraph("关于转办第3批信访件的函")
    doc.add_paragraph("永州市生态环境保护督察协调联络组：")
    doc.add_paragraph("现将中央第三生态环境保护督察组转办的信访件（第3批）转交你组，请按要求办理。")
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型"]):
        cell.text = text
    header_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_pr.append(repeat)
    units = ["冷水滩区人民政府", "零陵区", "江华瑶族自治县人民政府", "永州经开区管委会", "祁阳县"]
    for i in range(1, 17):
        row = table.add_row().cells
        row[0].text = str(i)
        row[1].text = f"D2HH2024031300{i:02d}"
        row[2].text = f"某企业环境问题{i}"
        row[3].text = units[i % len(units)]
        row[4].text = "水" if i % 2 else "大气"
    a, b = table.rows[15].cells[3], table.rows[16].cells[3]  # one unit written once for two rows
    a.merge(b).text = "道县人民政府"
    doc.add_paragraph("请于15个工作日内反馈办理结果。")
    doc.add_paragraph("附件：信访件交办表")
    path = folder / "转办函-源.docx"
    doc.save(path)
    return path


def main() -> None:
    sheetjs = os.environ.get("SHEETJS")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lo = tmp / "lo"
        lo.mkdir()
        for name, src in sources(tmp).items():
            xlsx = soffice(src, "xlsx", lo)
            shutil.copy(xlsx, HERE / f"{name}.xlsx")
            for fmt in ("xls", "ods"):
                shutil.copy(soffice(xlsx, fmt, lo), HERE / f"{name}.{fmt}")
            if sheetjs:
                out = HERE / f"{name}.xlsb"
                subprocess.run(["node", "-e", "const X=require('xlsx');const [src,dst]=process.argv.slice(1);"
                                "X.writeFile(X.readFile(src,{cellDates:true}),dst,{bookType:'xlsb'})", str(xlsx), str(out)],
                               check=True, env={**os.environ, "NODE_PATH": sheetjs}, timeout=120)
        shutil.copy(soffice(letter(tmp), "docx:MS Word 2007 XML", lo), HERE / "转办函.docx")
        pdf = soffice(HERE / "转办函.docx", "pdf", lo)
        pages = max(int(n) for n in re.findall(rb"/Count\s*(\d+)", pdf.read_bytes()))
        print(f"转办函.docx: {pages} pages")
        assert pages == 2, "the letter's table should go on over a second page"


if __name__ == "__main__":
    main()
