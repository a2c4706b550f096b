"""The record of generated letters (交办通知, 催办通知) and sheets, their settings and 文号.

Every generated file is a row of ``letters`` (what, business date, unit, 文号, file, by whom;
audited) and, for a letter, one ``letter_petitions`` row per petition it listed. Each petition
listed gets an audit entry of its own (``已发交办通知``, ``已催办 N 次``), so its history
(``h`` on 信访件, ``petitions show``) says what was sent and how often it was chased.

The settings the letters use are owned (and checked) here: see :data:`SETTINGS`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import UserError
from ..exporters.letter_doc import check_template, fill, placeholders
from ..refdata import get_setting
from ..store import records
from ..store.db import Store

NOTICE, RESULTS_SHEET, CHASE, CHASE_SUMMARY = "交办通知", "办理结果表", "催办通知", "催办汇总表"
KINDS = (NOTICE, RESULTS_SHEET, CHASE, CHASE_SUMMARY)
NOTICE_SENT = "已发交办通知"

NOTICE_FIELDS = {"unit": "单位", "batch": "批次号", "group": "督察组", "transfer_date": "转办日期", "count": "件数",
                 "due": "办理时限", "deadline": "时限规则", "contact": "联系人", "phone": "联系电话", "date": "成文日期"}
CHASE_FIELDS = {"unit": "单位", "date": "催办日期", "summary": "超期和即将到期情况", "window": "提前工作日数",
                "contact": "联系人", "phone": "联系电话"}
DOC_NO_FIELDS = {"year": "年份", "n": "当年序号"}
MAX_WINDOW = 30


def _check_doc_no(value: str) -> None:
    if not value.strip():
        return
    check_template(value, DOC_NO_FIELDS, label="文号")
    if "n" not in placeholders(value):
        raise UserError("文号中须有序号占位符 {n}，如 永督联函〔{year}〕{n}号")
    fill(value, {"year": 2024, "n": 1})  # e.g. {n:03d} must format a number


def _check_window(value: str) -> None:
    if not value.strip().isdigit() or int(value) > MAX_WINDOW:
        raise UserError(f"催办提前工作日数应为 0 到 {MAX_WINDOW} 的整数")


def _checker(fields: dict[str, str], label: str):
    def check(value: str) -> None:
        check_template(value, fields, label=label)
        if not fill(value, {k: "x" for k in fields}):
            raise UserError(f"{label}不能为空")

    return check


SETTINGS = {
    "letter_doc_no": _check_doc_no,
    "notice_template": _checker(NOTICE_FIELDS, "交办通知正文"),
    "chase_template": _checker(CHASE_FIELDS, "催办通知正文"),
    "chase_window_days": _check_window,
}


def issuer(store: Store) -> str:
    """发文机关: the setting ``letter_issuer``, else the 编印单位 (``org``)."""
    return get_setting(store, "letter_issuer").strip() or get_setting(store, "org").strip()


def chase_window(store: Store) -> int:
    value = get_setting(store, "chase_window_days").strip()
    return int(value) if value.isdigit() else 2


def contact(store: Store) -> dict[str, str]:
    return {"contact": get_setting(store, "letter_contact").strip(), "phone": get_setting(store, "letter_phone").strip()}


# -- 文号 ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DocNo:
    text: str = ""
    year: int | None = None
    seq: int | None = None


def allocate_doc_nos(store: Store, day: dt.date, count: int) -> list[DocNo]:
    """The next ``count`` 文号 of ``day``'s year (setting ``letter_doc_no``; none when it is empty).
    Call inside the write transaction that records the letters, so two terminals never share one."""
    pattern = get_setting(store, "letter_doc_no").strip()
    if not pattern:
        return [DocNo() for _ in range(count)]
    _check_doc_no(pattern)
    top = store.scalar("SELECT max(doc_seq) FROM letters WHERE doc_year = ? AND deleted_at IS NULL", [day.year]) or 0
    return [DocNo(fill(pattern, {"year": day.year, "n": top + i})[0], day.year, top + i) for i in range(1, count + 1)]


# -- recording --------------------------------------------------------------------------------
@dataclass
class Listed:
    """A petition as a letter listed it."""

    petition_id: int
    unit: str
    due_date: str | None


def record_letter(store: Store, kind: str, day: dt.date, *, unit: str = "", batch_id: int | None = None,
                  doc_no: DocNo = DocNo(), file_name: str = "", with_contact: bool = False,
                  petitions: list[Listed] = ()) -> int:
    """Record one generated file and the petitions it listed; each petition's history says so."""
    if kind not in KINDS:
        raise UserError(f"未知的文书类型：{kind}")
    with store.write():
        letter_id = records.insert(store, "letters", {
            "kind": kind, "day": day.isoformat(), "unit": unit, "batch_id": batch_id, "doc_no": doc_no.text,
            "doc_year": doc_no.year, "doc_seq": doc_no.seq, "file_name": file_name,
            "with_contact": int(with_contact), "operator": store.operator,
        })
        if not petitions:
            return letter_id
        store.conn.executemany(
            "INSERT INTO letter_petitions (petition_id, letter_id, unit, due_date) VALUES (?, ?, ?, ?)",
            [(p.petition_id, letter_id, p.unit, p.due_date) for p in petitions])
        details = {"文书": kind, "日期": day.isoformat(), "单位": unit}
        if doc_no.text:
            details["文号"] = doc_no.text
        if with_contact:
            details["含信访人信息"] = "是"
        chased = chase_counts(store, [p.petition_id for p in petitions]) if kind == CHASE else {}
        for p in petitions:
            if kind == NOTICE:
                action = NOTICE_SENT
            elif kind == CHASE:
                action = f"已催办 {chased.get(p.petition_id, 1)} 次"
            else:
                action = f"已生成{kind}"
            store.audit("petitions", p.petition_id, action, {**details, "办理时限": p.due_date or ""})
        return letter_id


# the tables that list what a letter named: (table, its column of record ids)
LISTED = {"petitions": ("letter_petitions", "petition_id"), "handoffs": ("letter_handoffs", "handoff_id")}


def chase_counts(store: Store, ids: list[int], kind: str = "petitions") -> dict[int, int]:
    """How many 催办通知 listed each record (petitions, or ``kind="handoffs"`` problems)."""
    table, column = LISTED[kind]
    out: dict[int, int] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in store.query(
                f"SELECT t.{column} AS rid, count(*) AS n FROM {table} t JOIN letters l ON l.id = t.letter_id "
                f"WHERE l.kind = '{CHASE}' AND l.deleted_at IS NULL "
                f"AND t.{column} IN ({','.join('?' for _ in chunk)}) GROUP BY t.{column}", chunk):
            out[r["rid"]] = r["n"]
    return out


def letters_of(store: Store, petition_id: int) -> list[dict]:
    """The letters that listed a petition, oldest first."""
    return store.query(
        "SELECT l.id, l.kind, l.day, l.unit, l.doc_no, l.file_name, l.operator, l.created_at, lp.due_date "
        "FROM letter_petitions lp JOIN letters l ON l.id = lp.letter_id "
        "WHERE lp.petition_id = ? AND l.deleted_at IS NULL ORDER BY l.created_at, l.id", [petition_id])


def letters_text(store: Store, petition_id: int) -> str:
    """``已发交办通知（2024-03-14，永督联函〔2024〕3号）；已催办 2 次（最近 2024-03-22）``, or ""."""
    rows = letters_of(store, petition_id)
    notices = [r for r in rows if r["kind"] == NOTICE]
    chases = [r for r in rows if r["kind"] == CHASE]
    parts = []
    if notices:
        last = notices[-1]
        parts.append(f"{NOTICE_SENT}（{last['day']}" + (f"，{last['doc_no']}" if last["doc_no"] else "") + "）")
    if chases:
        parts.append(f"已催办 {len(chases)} 次（最近 {chases[-1]['day']}）")
    return "；".join(parts)


NOT_NOTIFIED_SQL = (
    f"NOT EXISTS (SELECT 1 FROM letter_petitions lp JOIN letters l ON l.id = lp.letter_id "
    f"WHERE lp.petition_id = p.id AND lp.unit = p.lead_unit AND l.kind = '{NOTICE}' AND l.deleted_at IS NULL)"
)
"""A petition (``p``) not yet in a 交办通知 to its current lead unit."""
