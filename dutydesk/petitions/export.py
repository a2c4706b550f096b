"""Petition tables for export: the full ledger (台账, every field, the petitioner included)
and the disclosure table (公开表, never the petitioner). Format from the file suffix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import dates
from ..errors import UserError
from ..exporters import petitions_tables as writer
from ..exporters.docx_common import TableFonts
from ..exporters.petitions_tables import Col
from ..refdata import get_setting
from ..store.db import Store
from ..store.files import check_target
from .batches import batch_by_no
from .model import COUNTERS, RESULT_TEXT_FIELDS, fmt_number
from .privacy import names_index, public_text
from .rows import LATEST_RESULT_ID

FORMATS = {".xlsx", ".csv", ".docx"}
PUBLIC_TITLE = "群众信访举报转办和边督边改公开情况一览表"


def ledger_columns():
    return [
        Col("seq", "序号", 8, 6), Col("batch_no", "批次", 8, 6), Col("batch_date", "转办日期", 12, 12),
        Col("case_no", "受理编号", 22, 20), Col("method", "受理方式", 8, 8), Col("received_date", "受理日期", 12, 12),
        Col("content", "交办问题基本情况", 40, 50), Col("unit", "行政区域", 14, 12), Col("pollution_types", "污染类型", 10, 10),
        Col("key_case_text", "是否重点件", 8, 8), Col("repeat_text", "是否重复件", 8, 8),
        Col("repeat_of", "重复关联件编号", 16, 20), Col("petitioner_name", "信访人", 10, 8),
        Col("petitioner_phone", "联系电话", 14, 14), Col("petitioner_address", "信访人地址", 20, 20),
        Col("lead_unit", "牵头责任单位", 14, 14), Col("coop_units", "配合单位", 14, 16),
        Col("assigned_date", "交办时间", 12, 12), Col("due_date", "办理时限", 12, 12), Col("target", "办结目标", 16, 20),
        Col("status", "状态", 10, 10), Col("close_text", "是否办结", 10, 10), Col("closed_date", "办结日期", 12, 12),
        Col("investigation", "调查核实情况", 30, 40), Col("truth", "是否属实", 8, 8),
        Col("handling", "处理和整改情况", 30, 40), Col("accountability", "责任追究情况", 20, 24),
        *[Col(c.field, f"{c.label}（{c.unit}）", 10, 10) for c in COUNTERS],
        Col("published_date", "公开日期", 12, 12), Col("note", "备注", 16, 16),
    ]


def ledger_docx_columns():
    """The printable ledger: every field, combined into columns that fit a landscape page (267 mm)."""
    return [
        Col("seq", "序号", 9), Col("number_text", "批次/受理编号", 28), Col("content", "交办问题基本情况", 48),
        Col("where_text", "行政区域/污染类型", 20), Col("petitioner_text", "信访人", 24),
        Col("units_text", "责任单位", 24), Col("time_text", "交办/时限", 22),
        Col("result_text", "办理结果", 58), Col("state_text", "状态", 34),
    ]


def public_columns(*, with_closed: bool = True):
    cols = [
        Col("seq", "序号", 10, 6), Col("case_no", "受理编号", 30, 20), Col("content", "交办问题基本情况", 52, 50),
        Col("unit", "行政区域", 18, 12), Col("pollution_types", "污染类型", 14, 10),
        Col("investigation", "调查核实情况", 52, 50), Col("truth", "是否属实", 14, 8),
        Col("handling", "处理和整改情况", 45, 45), Col("accountability", "责任追究情况", 22, 24),
    ]
    if with_closed:
        cols.append(Col("close_text", "是否办结", 14, 10))
    else:
        cols[2] = Col("content", "交办问题基本情况", 59, 50)
        cols[5] = Col("investigation", "调查核实情况", 59, 50)
    return cols


def _close_text(row: dict) -> str:
    if row["status"] in ("已办结", "阶段性办结"):
        return row["status"]
    if row["status"] == "已公开":
        return "已办结" if row.get("last_kind") == "已办结" else "阶段性办结"
    return "未办结"


def fetch_rows(store: Store, *, batch_no: int | None = None) -> list[dict]:
    texts = "".join(f", coalesce(r.{f}, '') AS {f}" for f in RESULT_TEXT_FIELDS)  # (their one place: m013)
    sql = (f"SELECT p.*, b.no AS batch_no, b.date AS batch_date, r.kind AS last_kind{texts} "
           "FROM petitions p JOIN batches b ON b.id = p.batch_id "
           f"LEFT JOIN petition_results r ON r.id = ({LATEST_RESULT_ID.format(id='p.id')}) "
           "WHERE p.deleted_at IS NULL AND b.deleted_at IS NULL")
    params: list = []
    if batch_no is not None:
        sql += " AND b.no = ?"
        params.append(batch_no)
    rows = store.query(sql + " ORDER BY b.no, p.seq, p.id", params)
    for i, row in enumerate(rows, 1):
        row["seq"] = i
        row["key_case_text"] = "是" if row["key_case"] else "否"
        row["repeat_text"] = "是" if row["is_repeat"] else "否"
        row["close_text"] = _close_text(row)
        for c in COUNTERS:
            row[c.field] = float(row[c.field]) if c.is_float and row[c.field] % 1 else int(row[c.field] or 0)
    return rows


PUBLIC_TEXTS = ("content", "investigation", "handling", "accountability")


def public_rows(store: Store, rows: list[dict]) -> list[dict]:
    """Rows for the disclosure table: the petitioner's identity is dropped, and the texts made
    public (``privacy.public_text``: phones, ID numbers, any petitioner's name masked)."""
    names = names_index(store)
    out = []
    for row in rows:
        pub = {k: row[k] for k in ("seq", "case_no", "unit", "pollution_types", "truth", "close_text")}
        for key in PUBLIC_TEXTS:
            pub[key] = public_text(names, row[key] or "", row)
        out.append(pub)
    return out


def _docx_ledger_row(row: dict) -> dict:
    counters = "，".join(f"{c.label}{fmt_number(row[c.field])}{c.unit}" for c in COUNTERS if row[c.field])
    result = "\n".join(x for x in (
        f"调查核实：{row['investigation']}" if row["investigation"] else "",
        f"是否属实：{row['truth']}" if row["truth"] else "",
        f"处理整改：{row['handling']}" if row["handling"] else "",
        f"责任追究：{row['accountability']}" if row["accountability"] else "",
        counters) if x)
    return {
        **row,
        "number_text": f"第{row['batch_no']}批（{row['batch_date']}）\n{row['case_no']}"
                       + (f"\n{row['method']}" if row["method"] else "")
                       + ("\n重点件" if row["key_case"] else "")
                       + (f"\n{row['repeat_of'] or '重复件'}" if row["is_repeat"] else ""),
        "where_text": f"{row['unit']}\n{row['pollution_types']}",
        "petitioner_text": "\n".join(x for x in (row["petitioner_name"], row["petitioner_phone"], row["petitioner_address"]) if x),
        "units_text": row["lead_unit"] + (f"\n配合：{row['coop_units']}" if row["coop_units"] else ""),
        "time_text": "\n".join(x for x in (
            f"交办 {row['assigned_date']}" if row["assigned_date"] else "",
            f"时限 {row['due_date']}" if row["due_date"] else "",
            f"目标：{row['target']}" if row["target"] else "") if x),
        "result_text": result,
        "state_text": "\n".join(x for x in (
            row["status"], f"办结 {row['closed_date']}" if row["closed_date"] else "",
            f"公开 {row['published_date']}" if row["published_date"] else "", row["note"]) if x),
    }


def title_for(store: Store, *, batch_no: int | None, public: bool, today: dt.date) -> str:
    if public:
        if batch_no is not None:
            batch = batch_by_no(store, batch_no)
            return f"{PUBLIC_TITLE}（第{batch_no}批 {dates.cn_date(batch['date'])}）"
        return f"{PUBLIC_TITLE}（截至{dates.cn_date(today)}）"
    if batch_no is not None:
        return f"信访件办理台账（第{batch_no}批）"
    return f"信访件办理台账（截至{dates.cn_date(today)}）"


def export_petitions(store: Store, path: str | Path, *, batch_no: int | None = None, public: bool = False,
                     with_closed: bool = True, today: dt.date | None = None, force: bool = False) -> Path:
    """Write the ledger (or with ``public`` the disclosure table) to ``path`` (.xlsx, .csv, .docx),
    a private file (``store.files``: ``force`` overwrites a file dutydesk did not write)."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"不支持的导出格式：{path.suffix or '（无扩展名）'}（请用 .xlsx、.csv 或 .docx）")
    check_target(path, force=force)
    if batch_no is not None and batch_by_no(store, batch_no) is None:
        raise UserError(f"第{batch_no}批不存在")
    today = today or dates.today()
    rows = fetch_rows(store, batch_no=batch_no)
    title = title_for(store, batch_no=batch_no, public=public, today=today)
    if public:
        rows, cols = public_rows(store, rows), public_columns(with_closed=with_closed)
        sheet = "公开表"
    else:
        cols, sheet = ledger_columns(), "信访件台账"
    if suffix == ".csv":
        return writer.write_csv(path, rows, cols, force=force)
    if suffix == ".xlsx":
        return writer.write_xlsx(path, rows, cols, title=title, sheet_name=sheet, force=force)
    fonts = TableFonts(title=get_setting(store, "font_title"), body=get_setting(store, "font_body"),
                              header=get_setting(store, "font_heading1"), pagenum=get_setting(store, "font_pagenum"))
    if not public:
        rows, cols = [_docx_ledger_row(r) for r in rows], ledger_docx_columns()
    subtitle = "" if public else f"{get_setting(store, 'org')}    导出日期：{dates.cn_date(today)}    共{len(rows)}件"
    return writer.write_docx(path, rows, cols, title=title, subtitle=subtitle, fonts=fonts, empty_text="（无信访件）",
                             force=force)


def export_dir(store: Store) -> Path:
    """The folder exports go to (setting ``exports_dir``)."""
    from ..refdata import exports_dir

    return exports_dir(store)
