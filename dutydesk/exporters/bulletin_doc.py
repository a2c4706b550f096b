"""The resolved bulletin document: everything an exporter needs, nothing it must look up.

A :class:`BulletinDoc` is built from the database (items, the bulletin's own fields, the
settings, the petition statistics) while the bulletin is a draft; on issue it is frozen as
JSON (``bulletins.snapshot``) and every later export renders from that JSON, so what was
sent stays as sent. No UI imports.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from .. import dates
from .stats_table import StatsTable

SNAPSHOT_FORMAT = 1
COUNTY_HEADING = "【县区动态】"
APPENDIX_LABEL = "附件"
PETITION_TITLE_SUFFIX = "信访件交办情况"

# Font settings frozen into a snapshot (names as in data/settings.json).
FONT_KEYS = ("font_title", "font_title_fallback", "font_body", "font_body_fallback", "font_heading1",
             "font_heading2", "font_heading2_fallback", "font_pagenum")


@dataclass
class NewsItem:
    title: str
    paragraphs: list[str]


def correction_mark(revision: int, first: str, later: str) -> str:
    """What marks a corrected bulletin: nothing for the first version, ``first`` for the first
    correction (revision 2), ``later`` with ``{n}`` the correction's number after that."""
    if revision == 2:
        return first
    return later.format(n=revision - 1) if revision > 2 else ""


CONSULT = "consult"  # the status of a draft exported without issuing: marked 征求意见稿


@dataclass
class BulletinDoc:
    bulletin_title: str
    number: int
    revision: int
    date: str  # ISO
    org: str
    news: list[NewsItem] = field(default_factory=list)
    county: list[str] = field(default_factory=list)  # "蓝山县：…" paragraphs
    petition_title: str = ""
    petition_paragraphs: list[str] = field(default_factory=list)
    report_to: list[str] = field(default_factory=list)
    send_to: list[str] = field(default_factory=list)
    issue_to: list[str] = field(default_factory=list)
    copies: int = 0
    fonts: dict[str, str] = field(default_factory=dict)
    status: str = "draft"  # draft, issued, or CONSULT (a draft exported for comment)
    issued_at: str = ""
    issued_by: str = ""
    appendix: StatsTable | None = None  # 附件：各县市区信访件办理情况统计表, when the bulletin carries it
    format: int = SNAPSHOT_FORMAT

    # -- derived text ---------------------------------------------------------------------
    @property
    def number_text(self) -> str:
        """第3期, 第3期（更正）, 第3期（第2次更正）."""
        return f"第{self.number}期" + correction_mark(self.revision, "（更正）", "（第{n}次更正）") \
            + ("（征求意见稿）" if self.status == CONSULT else "")

    @property
    def date_text(self) -> str:
        return dates.cn_date(self.date)

    def font(self, key: str, default: str) -> str:
        return self.fonts.get(key) or default

    # -- JSON -----------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "BulletinDoc":
        data = json.loads(text)
        data["news"] = [NewsItem(**n) for n in data.get("news", [])]
        data["appendix"] = StatsTable.from_dict(data.get("appendix"))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


# -- text helpers -------------------------------------------------------------------------
_LEAD = re.compile(r"^[\s\u3000]+|[\s\u3000]+$")


def split_paragraphs(body: str) -> list[str]:
    """One paragraph per non-empty line; leading indentation (spaces, 全角空格) dropped."""
    return [p for p in (_LEAD.sub("", line) for line in (body or "").split("\n")) if p]


def clean_title(title: str) -> str:
    """A title: at most three lines (a line break is a deliberate break of a long centred title)."""
    lines = split_paragraphs(title)
    return "\n".join(lines[:2] + ["".join(lines[2:])] if len(lines) > 3 else lines)


def title_lines(title: str) -> list[str]:
    return split_paragraphs(title) or [""]


TITLE_CHARS = 20  # characters of a 二号 title line in a 156 mm text block


def petition_title(inspection: str) -> str:
    """``<inspection>信访件交办情况``, broken after the inspection's name when it cannot fit one line."""
    inspection = inspection.strip()
    if len(inspection) + len(PETITION_TITLE_SUFFIX) > TITLE_CHARS and inspection:
        return f"{inspection}\n{PETITION_TITLE_SUFFIX}"
    return f"{inspection}{PETITION_TITLE_SUFFIX}"


def split_lines(value: str | None) -> list[str]:
    """报/送/发 recipients: one entry a line."""
    return [line for line in (_LEAD.sub("", x) for x in (value or "").split("\n")) if line]


def county_paragraph(display: str, names: list[str], body: str) -> str:
    """``蓝山县：…`` — one paragraph per unit; the prefix is not doubled when already written."""
    text = "".join(split_paragraphs(body))
    for name in sorted({n for n in [display, *names] if n}, key=len, reverse=True):
        for colon in ("：", ":"):
            if text.startswith(name + colon):
                return text
    return f"{display}：{text}" if text else f"{display}："


def appendix_note(doc: BulletinDoc) -> str:
    """附件说明 under the body: ``附件：各县市区信访件办理情况统计表`` ('' without an appendix)."""
    return f"{APPENDIX_LABEL}：{doc.appendix.title}" if doc.appendix else ""
