"""An outgoing official letter (交办通知, 催办通知) as plain data, and the settings templates
its body is written from. Built by the domains, written by :mod:`letter_docx`; nothing here
reads the store."""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from ..errors import UserError
from ..text import clean

FONT_DEFAULTS = {
    "font_title": "方正小标宋简体", "font_title_fallback": "宋体", "font_body": "仿宋_GB2312",
    "font_body_fallback": "仿宋", "font_heading1": "黑体", "font_heading2": "楷体_GB2312",
    "font_heading2_fallback": "楷体", "font_pagenum": "宋体",
}
CONFIDENTIAL = "注意保密"


@dataclass
class LetterTable:
    """An attachment (附件): a titled table laid out on landscape pages."""

    title: str
    headers: list[str]
    widths_mm: list[float]  # of a 225 mm landscape text block
    rows: list[list[str]]
    note: str = ""  # a line under the title (e.g. why it carries the petitioners' contacts)


@dataclass
class LetterDoc:
    issuer: str  # 发文机关
    doc_no: str  # 文号, may be ""
    title: str  # "\n" where the title breaks
    addressee: str  # 主送
    paragraphs: list[str]
    date: str  # 成文日期, ISO
    attachments: list[LetterTable] = field(default_factory=list)
    confidential: bool = False  # 注意保密 (the petitioners' contacts are in it)
    fonts: dict[str, str] = field(default_factory=dict)
    signature: str = ""  # 署名 (default: the issuer)

    def font(self, key: str) -> str:
        return self.fonts.get(key) or FONT_DEFAULTS[key]

    @property
    def signer(self) -> str:
        return self.signature or self.issuer


def placeholders(template: str) -> list[str]:
    """The ``{name}`` fields of a template; a malformed one is a :class:`UserError`."""
    try:
        return [name for _, name, spec, conv in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise UserError(f"模板格式有误（花括号不配对）：{exc}") from None


def check_template(template: str, allowed: dict[str, str], *, label: str = "模板") -> None:
    """Refuse fields a template may not use, naming the ones it may (``{name}`` → meaning)."""
    bad = [n for n in placeholders(template) if n not in allowed]
    if bad:
        known = "、".join(f"{{{k}}}{v}" for k, v in allowed.items())
        raise UserError(f"{label}中有未知的占位符：{'、'.join('{' + b + '}' for b in bad)}（可用：{known}）")


def fill(template: str, values: dict[str, str]) -> list[str]:
    """The template's paragraphs (one a line) with the values filled in. A paragraph whose
    fields are all empty is left out (e.g. the 联系人 line while none is set)."""
    out: list[str] = []
    for line in clean(template).replace("\\n", "\n").split("\n"):
        names = placeholders(line)
        if names and not any(str(values.get(n, "")).strip() for n in names):
            continue
        text = string.Formatter().vformat(line, (), _Missing(values)).strip()
        if text:
            out.append(text)
    return out


class _Missing(dict):
    def __init__(self, values: dict[str, str]):
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return ""
