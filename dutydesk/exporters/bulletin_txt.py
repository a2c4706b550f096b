"""The bulletin as plain text (UTF-8): same order and words as the .docx.

Layout: a 28-character page width (GB/T 9704's line), header name and 期号 centred, org and
date on one line (a long org on the two balanced lines of the .docx, the date on the last),
titles centred (one too long broken into lines of about equal length), rules drawn with ``─``, body paragraphs indented by two ideographic spaces,
报/送/发 continuation lines aligned after the colon. Also used for the on-screen preview.
"""

from __future__ import annotations

import unicodedata

from ..linebreak import balance
from .bulletin_doc import APPENDIX_LABEL, COUNTY_HEADING, BulletinDoc, appendix_note, title_lines
from .line_fit import TITLE_WORDS, bulletin_header
from .stats_table import text_table

WIDTH = 28  # characters of a line (full-width units)
RULE = "─" * WIDTH
HEAVY_RULE = "━" * WIDTH
INDENT = "\u3000\u3000"


def display_width(text: str) -> float:
    """Width in full-width characters (a Latin letter or digit counts half)."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def center(text: str, width: int = WIDTH) -> str:
    pad = int((width - display_width(text)) // 2)
    return "\u3000" * pad + text if pad > 0 else text


def spread(left: str, right: str, width: int = WIDTH) -> str:
    gap = int(width - display_width(left) - display_width(right))
    return f"{left}{chr(0x3000) * max(2, gap)}{right}"


def header_lines(org: str, date: str, width: int = WIDTH) -> list[str]:
    """``编印单位　　日期``: on one line, or the unit on the lines the .docx breaks it into with the
    date at the right of the last one (the date never stands alone)."""
    *first, last = bulletin_header(org, date).unit_lines
    return [*first, spread(last, date, width)]


def title_text_lines(title: str, width: int = WIDTH) -> list[str]:
    """A title's lines, centred; a line too long is broken into lines of about equal length."""
    lines = [part for line in title_lines(title) for part in balance(line, width * 2, words=TITLE_WORDS)]
    return [center(line) if display_width(line) <= width else line for line in lines]


def recipients(label: str, lines: list[str]) -> list[str]:
    out = []
    for n, line in enumerate(lines):
        out.append(f"{label}：{line}" if n == 0 else f"{INDENT}{line}")
    return out


def render_txt(doc: BulletinDoc) -> str:
    out: list[str] = [
        center(doc.bulletin_title),
        center(doc.number_text),
        *header_lines(doc.org, doc.date_text),
        HEAVY_RULE,
    ]

    def section(title: str, paragraphs: list[str]) -> None:
        out.append("")
        out.extend(title_text_lines(title))
        for para in paragraphs:
            out.append("")
            out.append(INDENT + para)

    for item in doc.news:
        section(item.title, item.paragraphs)
    if doc.county:
        out.append("")
        out.append(COUNTY_HEADING)
        for para in doc.county:
            out.append("")
            out.append(INDENT + para)
    section(doc.petition_title, doc.petition_paragraphs)
    if doc.appendix:
        table = doc.appendix
        out += ["", INDENT + appendix_note(doc), "", RULE, APPENDIX_LABEL, "", center(table.title), center(table.subtitle),
                "", *text_table(table, gap=1)]
        out += ["", table.note] if table.notes else []

    out.append("")
    blocks = [b for b in (recipients("报", doc.report_to), recipients("送", doc.send_to),
                          recipients("发", doc.issue_to)) if b]
    out.append(HEAVY_RULE)
    for n, block in enumerate(blocks):
        if n:
            out.append(RULE)
        out.extend(block)
    if doc.copies:
        if blocks:
            out.append(RULE)
        out.append(f"（共印{doc.copies}份）")
    out.append(HEAVY_RULE)
    return "\n".join(out) + "\n"
