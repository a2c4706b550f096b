"""The bulletin as Markdown: same order and words as the .docx and .txt.

User text is escaped so that a ``*`` or ``#`` in a sentence stays a character.
"""

from __future__ import annotations

import re

from .bulletin_doc import APPENDIX_LABEL, COUNTY_HEADING, BulletinDoc, appendix_note, title_lines
from .stats_table import render_md as md_table

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(#|[-+=]|\d+[.)])")


def esc(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(r"\\\1", text)


def render_md(doc: BulletinDoc) -> str:
    out: list[str] = [
        f"# {esc(doc.bulletin_title)}",
        "",
        f"**{esc(doc.number_text)}**",
        "",
        f"{esc(doc.org)}　　{esc(doc.date_text)}",
        "",
        "---",
    ]

    def section(title: str, paragraphs: list[str]) -> None:
        out.extend(["", f"## {esc(''.join(title_lines(title)))}"])
        for para in paragraphs:
            out.extend(["", esc(para)])

    for item in doc.news:
        section(item.title, item.paragraphs)
    if doc.county:
        section(COUNTY_HEADING, doc.county)
    section(doc.petition_title, doc.petition_paragraphs)
    if doc.appendix:
        table = doc.appendix
        out.extend(["", esc(appendix_note(doc)), "", "---", "", f"**{APPENDIX_LABEL}**", "",
                    f"## {esc(table.title)}", "", esc(table.subtitle), "", *md_table(table)])
        out.extend(["", esc(table.note)] if table.notes else [])

    out.extend(["", "---"])
    for label, lines in (("报", doc.report_to), ("送", doc.send_to), ("发", doc.issue_to)):
        if lines:
            # Two trailing spaces: a line break inside one paragraph.
            text = "  \n".join([f"{label}：{esc(lines[0])}", *[f"　　{esc(x)}" for x in lines[1:]]])
            out.extend(["", text])
    if doc.copies:
        out.extend(["", f"（共印{doc.copies}份）"])
    out.extend(["", "---", ""])
    return "\n".join(out)
