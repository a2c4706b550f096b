"""Bulletin domain functions: compose a date's bulletin, issue it (freeze), correct it, export it.

A date has at most one *current* bulletin (draft or issued). Issuing freezes the fully
resolved document as JSON; exports of an issued bulletin render from that JSON only, so a
re-export is byte-for-byte the same. A correction (更正重开) keeps the issued one and starts a
new draft with the same 期号 and ``revision + 1``. No UI imports.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import dates, refdata
from ..errors import UserError
from ..store import records
from ..store.db import Store
from ..text import clean
from ..exporters.bulletin_doc import (FONT_KEYS, BulletinDoc, NewsItem, clean_title, county_paragraph, petition_title, split_lines,
                    split_paragraphs)

TABLE = "bulletins"
ITEMS = "bulletin_items"
KINDS = {"news": "新闻", "county": "县区动态"}
FORMATS = ("docx", "md", "txt")


@dataclass
class Item:
    id: int
    kind: str
    unit: str
    title: str
    body: str
    sort: int
    version: int

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def _day(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


# -- reading ------------------------------------------------------------------------------
def current(store: Store, day: dt.date | str) -> dict | None:
    """The current (not superseded, not deleted) bulletin row of ``day``, or None."""
    return store.one(
        "SELECT * FROM bulletins WHERE date = ? AND superseded_by IS NULL AND deleted_at IS NULL "
        "ORDER BY revision DESC, id DESC LIMIT 1",
        [_day(day)],
    )


def get(store: Store, bulletin_id: int) -> dict:
    return records.get(store, TABLE, bulletin_id)


def items(store: Store, bulletin_id: int) -> list[Item]:
    """News first, then county items, each in their order."""
    rows = store.query(
        "SELECT id, kind, unit, title, body, sort, version FROM bulletin_items "
        "WHERE bulletin_id = ? AND deleted_at IS NULL "
        "ORDER BY CASE kind WHEN 'news' THEN 0 ELSE 1 END, sort, id",
        [bulletin_id],
    )
    return [Item(**r) for r in rows]


def get_item(store: Store, item_id: int) -> Item:
    row = records.get(store, ITEMS, item_id)
    return Item(**{k: row[k] for k in ("id", "kind", "unit", "title", "body", "sort", "version")})


def next_number(store: Store) -> int:
    """The 期号 the next issued bulletin gets (numbered in order of issue)."""
    top = store.scalar("SELECT MAX(number) FROM bulletins WHERE status = 'issued' AND deleted_at IS NULL")
    return int(top or 0) + 1


def is_issued(row: dict | None) -> bool:
    return bool(row) and row["status"] == "issued"


def status_text(row: dict | None, store: Store | None = None) -> str:
    """草稿 / 已签发 第N期 (for the screen and the CLI)."""
    if not row:
        return "未建立（草稿）"
    if row["status"] == "issued":
        doc = BulletinDoc.from_json(row["snapshot"])
        return f"已签发 {doc.number_text}"
    suffix = f"（第{row['revision']}版，更正稿）" if row["revision"] > 1 else ""
    return "草稿" + suffix


def list_bulletins(store: Store, offset: int = 0, limit: int = 100) -> tuple[list[dict], int]:
    """All bulletins (corrected versions included), newest date first."""
    total = store.scalar("SELECT COUNT(*) FROM bulletins WHERE deleted_at IS NULL") or 0
    rows = store.query(
        "SELECT b.id, b.date, b.number, b.revision, b.status, b.issued_at, b.issued_by, b.superseded_by, "
        "(SELECT COUNT(*) FROM bulletin_items i WHERE i.bulletin_id = b.id AND i.deleted_at IS NULL) AS items "
        "FROM bulletins b WHERE b.deleted_at IS NULL ORDER BY b.date DESC, b.revision DESC, b.id DESC "
        "LIMIT ? OFFSET ?",
        [limit, offset],
    )
    for row in rows:
        if row["status"] == "issued":
            row["state"] = "已更正（旧版）" if row["superseded_by"] else "已签发"
        else:
            row["state"] = "草稿"
        row["number_text"] = (f"第{row['number']}期" if row["number"] else "（未定）") + (
            f" 第{row['revision']}版" if row["revision"] > 1 else "")
    return rows, total


# -- writing ------------------------------------------------------------------------------
def _refuse_issued(row: dict) -> None:
    if row["status"] == "issued":
        doc = BulletinDoc.from_json(row["snapshot"])
        raise UserError(f"{dates.cn_date(row['date'])}的简报（{doc.number_text}）已签发，不能修改；"
                        "如需更正请使用“更正重开”（简报界面按 o，或 dutydesk bulletin reopen）")


def ensure_draft(store: Store, day: dt.date | str) -> dict:
    """The current bulletin of ``day``, created as an empty draft if there is none.

    Raises :class:`UserError` when it is already issued.
    """
    with store.write():
        row = current(store, day)
        if row is None:
            new_id = records.insert(store, TABLE, {"date": _day(day), "revision": 1, "status": "draft"})
            row = get(store, new_id)
        _refuse_issued(row)
        return row


def _clean_body(body: str) -> str:
    return "\n".join(split_paragraphs(clean(body)))


def add_item(store: Store, day: dt.date | str, *, kind: str = "news", title: str = "", body: str = "",
             unit: str = "") -> int:
    """Append a news item (title + body) or a county item (unit + body). Returns its id."""
    if kind not in KINDS:
        raise UserError(f"未知的条目类型：{kind}")
    title, body = clean_title(clean(title)), _clean_body(body)
    if kind == "news":
        if not title:
            raise UserError("新闻条目需要标题")
        unit = ""
    else:
        unit = refdata.resolve_unit(store, unit)
        title = ""
    if not body:
        raise UserError("正文不能为空")
    with store.write():
        row = ensure_draft(store, day)
        sort = (store.scalar("SELECT MAX(sort) FROM bulletin_items WHERE bulletin_id = ? AND kind = ?",
                             [row["id"], kind]) or 0) + 1
        return records.insert(store, ITEMS, {"bulletin_id": row["id"], "kind": kind, "unit": unit,
                                             "title": title, "body": body, "sort": sort})


def _item_bulletin(store: Store, item_id: int) -> dict:
    row = records.get(store, ITEMS, item_id)
    bulletin = get(store, row["bulletin_id"])
    _refuse_issued(bulletin)
    if bulletin["superseded_by"]:
        raise UserError("该简报已被更正版取代，不能修改")
    return bulletin


def update_item(store: Store, item_id: int, *, title: str | None = None, body: str | None = None,
                unit: str | None = None, expected_version: int | None = None) -> Item:
    with store.write():
        _item_bulletin(store, item_id)
        item = get_item(store, item_id)
        changes: dict = {}
        if title is not None and item.kind == "news":
            title = clean_title(clean(title))
            if not title:
                raise UserError("新闻条目需要标题")
            changes["title"] = title
        if unit is not None and item.kind == "county":
            changes["unit"] = refdata.resolve_unit(store, unit)
        if body is not None:
            body = _clean_body(body)
            if not body:
                raise UserError("正文不能为空")
            changes["body"] = body
        records.update(store, ITEMS, item_id, changes, expected_version=expected_version)
        return get_item(store, item_id)


def delete_item(store: Store, item_id: int) -> None:
    with store.write():
        _item_bulletin(store, item_id)
        records.soft_delete(store, ITEMS, item_id)


def undelete_item(store: Store, item_id: int) -> None:
    """Restore a deleted item to its bulletin, while that bulletin is still a draft."""
    with store.write():
        row = records.get(store, ITEMS, item_id, include_deleted=True)
        bulletin = records.get(store, TABLE, row["bulletin_id"], include_deleted=True)
        if bulletin["deleted_at"] or bulletin["superseded_by"]:
            raise UserError("该条目所在的简报已被更正版取代，无法恢复（请在当前版本中重新添加）")
        if bulletin["status"] == "issued":
            raise UserError(f"{dates.cn_date(bulletin['date'])}的简报已签发，不能再恢复条目；"
                            "如需更正请先更正重开（简报界面按 o），再重新添加")
        records.undelete(store, ITEMS, item_id)


def move_item(store: Store, item_id: int, delta: int) -> bool:
    """Swap an item with its neighbour of the same kind (``delta`` -1 up, +1 down)."""
    with store.write():
        bulletin = _item_bulletin(store, item_id)
        item = get_item(store, item_id)
        same = [i for i in items(store, bulletin["id"]) if i.kind == item.kind]
        pos = next(n for n, i in enumerate(same) if i.id == item_id)
        other = pos + (1 if delta > 0 else -1)
        if not 0 <= other < len(same):
            return False
        order = [i.id for i in same]
        order[pos], order[other] = order[other], order[pos]
        for n, iid in enumerate(order, 1):
            current_sort = next(i.sort for i in same if i.id == iid)
            if current_sort != n:
                records.update(store, ITEMS, iid, {"sort": n}, action="调整顺序")
        return True


def _multiline(value: str | None) -> str | None:
    if value is None:
        return None
    return "\n".join(split_lines(clean(value).replace("\\n", "\n")))


def set_fields(store: Store, day: dt.date | str, *, number: int | None = None, report_to: str | None = None,
               send_to: str | None = None, issue_to: str | None = None, copies: int | None = None,
               clear: tuple[str, ...] = ()) -> dict:
    """Set 期号 and the 版记 lines of one bulletin (``None`` leaves a field; ``clear`` resets to settings)."""
    changes: dict = {}
    if number is not None:
        if int(number) < 1:
            raise UserError("期号必须是正整数")
        changes["number"] = int(number)
    for key, value in (("report_to", report_to), ("send_to", send_to), ("issue_to", issue_to)):
        if value is not None:
            changes[key] = _multiline(value)
    if copies is not None:
        if int(copies) < 0:
            raise UserError("印数不能为负数")
        changes["copies"] = int(copies)
    for key in clear:
        if key not in {"number", "report_to", "send_to", "issue_to", "copies"}:
            raise UserError(f"未知的简报字段：{key}")
        changes[key] = None
    with store.write():
        row = ensure_draft(store, day)
        return records.update(store, TABLE, row["id"], changes, action="修改版记/期号")


def set_petition_text(store: Store, day: dt.date | str, text: str | None) -> dict:
    """Replace the generated petition section with the officer's text; ``None`` regenerates."""
    value = None if text is None else "\n".join(split_paragraphs(clean(text))) or None
    with store.write():
        row = ensure_draft(store, day)
        return records.update(store, TABLE, row["id"], {"petition_text_override": value},
                              action="修改信访段" if value else "重新生成信访段")


# -- resolving ----------------------------------------------------------------------------
def generated_petition_paragraphs(store: Store, day: dt.date | str) -> list[str]:
    """The petition section from the petition log (statistics only, never a petitioner's identity)."""
    from ..petitions import stats

    day = dates.from_iso(day) if isinstance(day, str) else day
    return [clean(p).strip() for p in stats.bulletin_paragraphs(store, day) if clean(p).strip()]


def _unit_names(store: Store, name: str) -> tuple[str, list[str]]:
    for unit in refdata.list_units(store, include_inactive=True):
        if unit.name == name:
            return unit.display, [unit.name, unit.short_name, *[a for a in unit.aliases.split("、") if a]]
    return name, [name]


def resolve(store: Store, day: dt.date | str, *, row: dict | None = None, petition_fallback: bool = False) -> BulletinDoc:
    """The whole document of ``day``: the frozen snapshot when issued, else built live.

    ``petition_fallback`` (for the on-screen preview) shows a note instead of failing when the
    petition statistics cannot be read.
    """
    row = row if row is not None else current(store, day)
    if row is not None and row["status"] == "issued":
        return BulletinDoc.from_json(row["snapshot"])
    settings = refdata.all_settings(store)
    day_iso = _day(day)
    news, county = [], []
    if row is not None:
        for item in items(store, row["id"]):
            if item.kind == "news":
                news.append(NewsItem(item.title, split_paragraphs(item.body)))
            else:
                display, names = _unit_names(store, item.unit)
                county.append(county_paragraph(display, names, item.body))
    override = row["petition_text_override"] if row else None
    if override:
        petition = split_paragraphs(override)
    else:
        try:
            petition = generated_petition_paragraphs(store, day_iso)
        except Exception as exc:
            if not petition_fallback:
                raise
            petition = [f"（信访统计暂时无法读取：{exc}）"]

    def pick(key: str) -> str:
        value = row.get(key) if row else None
        return settings.get(key, "") if value is None else value

    copies_value = row.get("copies") if row else None
    if copies_value is None:
        try:
            copies_value = int(settings.get("copies") or 0)
        except ValueError:
            copies_value = 0
    return BulletinDoc(
        bulletin_title=settings.get("bulletin_title") or "工作简报",
        number=(row["number"] if row and row["number"] else next_number(store)),
        revision=row["revision"] if row else 1,
        date=day_iso,
        org=settings.get("org", ""),
        news=news,
        county=county,
        petition_title=petition_title(settings.get("inspection", "")),
        petition_paragraphs=petition,
        report_to=split_lines(pick("report_to")),
        send_to=split_lines(pick("send_to")),
        issue_to=split_lines(pick("issue_to")),
        copies=int(copies_value or 0),
        fonts={k: settings.get(k, "") for k in FONT_KEYS},
        status="draft",
    )


def render_text(store: Store, day: dt.date | str, *, preview: bool = False) -> str:
    """The bulletin as plain text (what ``bulletin show`` prints and the screen previews)."""
    from ..exporters.bulletin_txt import render_txt

    return render_txt(resolve(store, day, petition_fallback=preview))


def render_text_of(doc: BulletinDoc) -> str:
    from ..exporters.bulletin_txt import render_txt

    return render_txt(doc)


def render_bulletin_text(store: Store, bulletin_id: int) -> str:
    """The text of one bulletin row (an earlier, corrected version included)."""
    from ..exporters.bulletin_txt import render_txt

    row = records.get(store, TABLE, bulletin_id)
    return render_txt(resolve(store, row["date"], row=row, petition_fallback=True))


# -- issue and correct --------------------------------------------------------------------
def _petition_work(store: Store, day: dt.date | str) -> bool:
    from ..petitions.stats import has_activity

    return has_activity(store, dates.from_iso(day) if isinstance(day, str) else day)


def issue(store: Store, day: dt.date | str) -> BulletinDoc:
    """Freeze the bulletin of ``day`` as sent (idempotent: an issued one is returned as is)."""
    with store.write():
        row = current(store, day)
        if row is not None and row["status"] == "issued":
            return BulletinDoc.from_json(row["snapshot"])
        if row is None or not (items(store, row["id"]) or row["petition_text_override"]):
            if not _petition_work(store, day):  # a day with nothing at all
                raise UserError(f"{dates.cn_date(_day(day))}的简报还没有内容（在工作简报界面按 a 新增新闻，"
                                "或 dutydesk bulletin add）")
            row = row or ensure_draft(store, day)  # the generated petition section is the day's content
        number = row["number"] or next_number(store)
        clash = store.one(
            "SELECT date FROM bulletins WHERE number = ? AND status = 'issued' AND date <> ? AND deleted_at IS NULL",
            [number, row["date"]],
        )
        if clash:
            raise UserError(f"第{number}期已用于{dates.cn_date(clash['date'])}的简报，请先修改期号")
        doc = resolve(store, day, row=row)
        doc.number = number
        doc.status = "issued"
        doc.issued_at = dates.now_iso()
        doc.issued_by = store.operator
        records.update(store, TABLE, row["id"], {
            "status": "issued", "number": number, "snapshot": doc.to_json(),
            "issued_at": doc.issued_at, "issued_by": doc.issued_by,
        }, action="签发")
        return doc


def reopen(store: Store, day: dt.date | str) -> dict:
    """更正重开: keep the issued bulletin, start a corrected draft (same 期号, next revision)."""
    with store.write():
        row = current(store, day)
        if row is None or row["status"] != "issued":
            raise UserError(f"{dates.cn_date(_day(day))}的简报尚未签发，可直接修改")
        new_id = records.insert(store, TABLE, {
            "date": row["date"], "number": row["number"], "revision": row["revision"] + 1, "status": "draft",
            "report_to": row["report_to"], "send_to": row["send_to"], "issue_to": row["issue_to"],
            "copies": row["copies"], "petition_text_override": row["petition_text_override"],
            "corrects": row["id"],
        })
        for item in items(store, row["id"]):
            records.insert(store, ITEMS, {"bulletin_id": new_id, "kind": item.kind, "unit": item.unit,
                                          "title": item.title, "body": item.body, "sort": item.sort})
        records.update(store, TABLE, row["id"], {"superseded_by": new_id}, action="更正重开")
        return get(store, new_id)


# -- export -------------------------------------------------------------------------------
exports_dir = refdata.exports_dir


_BAD_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def file_stem(doc: BulletinDoc) -> str:
    """工作简报-2024-03-13-第1期 (and -更正, -更正2 … for corrected versions)."""
    title = _BAD_NAME.sub("", doc.bulletin_title) or "工作简报"
    stem = f"{title}-{doc.date}-第{doc.number}期"
    if doc.revision == 2:
        stem += "-更正"
    elif doc.revision > 2:
        stem += f"-更正{doc.revision - 1}"
    return stem


def render_bytes(doc: BulletinDoc, fmt: str) -> bytes:
    if fmt == "docx":
        from ..exporters.bulletin_docx import docx_bytes

        return docx_bytes(doc)
    if fmt == "md":
        from ..exporters.bulletin_md import render_md

        return render_md(doc).encode("utf-8")
    if fmt == "txt":
        from ..exporters.bulletin_txt import render_txt

        return render_txt(doc).encode("utf-8")
    raise UserError(f"未知的导出格式：{fmt}（可用：{'、'.join(FORMATS)}）")


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_formats(store: Store, day: dt.date, formats: tuple[str, ...] = FORMATS, *,
                   out_dir: Path | None = None, target: Path | None = None) -> list[Path]:
    """Issue (if needed) and write the chosen formats; ``target`` names the file of a single format."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise UserError(f"未知的导出格式：{fmt}（可用：{'、'.join(FORMATS)}）")
    doc = issue(store, day)
    folder = Path(out_dir).expanduser() if out_dir else exports_dir(store)
    paths = []
    for fmt in formats:
        path = Path(target).expanduser() if target and len(formats) == 1 else folder / f"{file_stem(doc)}.{fmt}"
        write_file(path, render_bytes(doc, fmt))
        paths.append(path)
    return paths


def export_bulletin(store: Store, day: dt.date, out_dir: Path | None = None) -> list[Path]:
    """Issue and export the bulletin of ``day`` as .docx, .md and .txt; return the paths."""
    return export_formats(store, day, FORMATS, out_dir=out_dir)
