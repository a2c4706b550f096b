"""Issuing with eyes open: what F5 shows before a bulletin is issued (期号 and the petition
figures as of now), a draft export that issues nothing (征求意见稿), and what changed in the
petition log after a bulletin was issued (so the screen can offer 更正重开)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import dates
from ..exporters.bulletin_doc import CONSULT
from ..petitions.stats import batches_added_since
from ..store.db import Store
from ..store.files import write_private
from . import service


@dataclass
class IssuePlan:
    """What issuing the bulletin of ``day`` now would freeze."""

    day: dt.date
    issued: bool
    number_text: str
    news: int
    county: int
    petition_paragraphs: list[str] = field(default_factory=list)
    petition_edited: bool = False

    def question(self) -> str:
        lines = [f"签发 {dates.cn_date(self.day)} 的简报 {self.number_text}？",
                 "签发后内容冻结、期号占用，不能撤回（只能更正重开）。", "",
                 f"新闻 {self.news} 条，县区动态 {self.county} 条。",
                 "信访段（" + ("已手工修改" if self.petition_edited else "按此刻的信访台账") + "）："]
        lines += [f"　{p}" for p in self.petition_paragraphs] or ["　（无）"]
        lines += ["", "此后再导入的信访件不会计入本期。"]
        return "\n".join(lines)


def plan_issue(store: Store, day: dt.date) -> IssuePlan:
    row = service.current(store, day)
    doc = service.resolve(store, day, row=row, petition_fallback=True)
    return IssuePlan(day, service.is_issued(row), doc.number_text, len(doc.news), len(doc.county),
                     list(doc.petition_paragraphs), bool(row and row["petition_text_override"]))


def draft_stem(doc) -> str:
    """工作简报-2024-03-13-征求意见稿 (no 期号: none is taken before issue)."""
    return service.file_stem(doc).split(f"-{doc.date}-")[0] + f"-{doc.date}-征求意见稿"


def export_draft(store: Store, day: dt.date, out_dir: Path | None = None) -> list[Path]:
    """Write the bulletin of ``day`` as it stands, marked 征求意见稿 and named so; nothing is issued
    (an issued bulletin is written as issued)."""
    doc = service.resolve(store, day)
    if doc.status == "issued":
        return service.export_formats(store, day, out_dir=out_dir)
    doc.status = CONSULT
    folder = Path(out_dir).expanduser() if out_dir else service.exports_dir(store)
    paths = []
    for fmt in service.FORMATS:
        path = folder / f"{draft_stem(doc)}.{fmt}"
        write_private(path, service.render_bytes(doc, fmt))  # a user's edited copy is refused, not replaced
        paths.append(path)
    return paths


def changes_since_issue(store: Store, day: dt.date) -> str:
    """One line on what the petition log has that the issued bulletin of ``day`` does not ("" if
    nothing, or not issued)."""
    row = service.current(store, day)
    if not service.is_issued(row):
        return ""
    late = batches_added_since(store, day, row["issued_at"] or "")
    parts = [f"第{no}批 {n} 件" for no, n in late]
    changed = False
    if not row["petition_text_override"]:
        from ..exporters.bulletin_doc import BulletinDoc

        frozen = BulletinDoc.from_json(row["snapshot"]).petition_paragraphs
        try:
            changed = service.generated_petition_paragraphs(store, day) != frozen
        except Exception:  # the figures cannot be read now: say only what is known
            changed = False
    if parts:
        return f"签发后又收到{'、'.join(parts)}，未计入本期"
    return "签发后信访台账有变化，本期的信访数字已与台账不同" if changed else ""
