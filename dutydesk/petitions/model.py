"""Vocabulary of the petitions domain: statuses, counters, labels, and the pure rules for
case numbers (受理编号), yes/no cells and repeat references. No database, no UI."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from ..text import clean_line, mask_address, mask_name, mask_phone, normalize_key

STATUSES = ("待交办", "已交办", "阶段性办结", "已办结", "已公开")
OPEN_STATUSES = ("待交办", "已交办")
CLOSED_STATUSES = ("阶段性办结", "已办结", "已公开")
RESULT_KINDS = ("已办结", "阶段性办结", "未办结")
METHODS = ("来电", "来信")


@dataclass(frozen=True)
class Counter:
    field: str
    label: str
    unit: str
    is_float: bool = False


COUNTERS: tuple[Counter, ...] = (
    Counter("n_rectify", "责令整改", "家"),
    Counter("n_penalty", "立案处罚", "家"),
    Counter("fine", "罚款", "万元", True),
    Counter("n_investigate", "立案侦查", "件"),
    Counter("n_admin_detention", "行政拘留", "人"),
    Counter("n_criminal_detention", "刑事拘留", "人"),
    Counter("n_interview", "约谈", "人"),
    Counter("n_accountable", "问责", "人"),
    Counter("n_clues", "移送问题线索", "件"),
)
COUNTER_FIELDS = tuple(c.field for c in COUNTERS)
RESULT_TEXT_FIELDS = ("investigation", "truth", "handling", "accountability")
RESULT_FIELDS = RESULT_TEXT_FIELDS + COUNTER_FIELDS

PRIVATE_FIELDS = frozenset({"petitioner_name", "petitioner_phone", "petitioner_address"})

_IDENTITY_PARTS = (("petitioner_name", mask_name, 2), ("petitioner_phone", mask_phone, 5),
                   ("petitioner_address", mask_address, 4))
IDENTITY_MIN_LENGTH = {key: minimum for key, _, minimum in _IDENTITY_PARTS}  # shorter ones are not looked for


def identity_needles(row: dict) -> list[tuple[str, str]]:
    """(text, masked text) for each part of ``row``'s identity long enough to be hidden, in the
    order :func:`scrub_identity` replaces them."""
    out = []
    for key, fn, minimum in _IDENTITY_PARTS:
        value = (row.get(key) or "").strip()
        if len(value) >= minimum:
            out.append((value, fn(value)))
    return out


def scrub_needles(text: str, needles: list[tuple[str, str]]) -> str:
    for value, masked in needles:
        if value in text:
            text = text.replace(value, masked)
    return text


def scrub_identity(text: str, row: dict) -> str:
    """Hide the petitioner's identity (``row``'s name, phone, address) where it was typed into
    a text (content, results), for anything shown outside the detail view and the full ledger."""
    return scrub_needles(text, identity_needles(row))


LABELS = {
    "case_no": "受理编号",
    "batch_id": "批次",
    "seq": "序号",
    "method": "受理方式",
    "received_date": "受理日期",
    "content": "交办问题基本情况",
    "unit": "行政区域",
    "pollution_types": "污染类型",
    "key_case": "是否重点件",
    "is_repeat": "是否重复件",
    "repeat_of": "重复关联件",
    "repeat_of_id": "重复关联件ID",
    "petitioner_name": "信访人",
    "petitioner_phone": "联系电话",
    "petitioner_address": "信访人地址",
    "lead_unit": "牵头责任单位",
    "coop_units": "配合单位",
    "assigned_date": "交办时间",
    "due_date": "办理时限",
    "target": "办结目标",
    "status": "状态",
    "closed_date": "办结日期",
    "published_date": "公开日期",
    "investigation": "调查核实情况",
    "truth": "是否属实",
    "handling": "处理和整改情况",
    "accountability": "责任追究情况",
    "note": "备注",
    "no": "批次号",
    "date": "转办日期",
    "group_name": "督察组",
    **{c.field: f"{c.label}（{c.unit}）" for c in COUNTERS},
}

_YES = {"是", "Y", "YES", "1", "√", "✓", "✔", "TRUE", "重点", "重点件", "重复", "重复件", "对"}
_NO = {"", "否", "N", "NO", "0", "×", "✗", "FALSE", "非重点", "不重复", "无", "-", "/"}


def parse_yes_no(value: object) -> bool:
    """是/否 cells as sheets write them; raises ValueError for anything else."""
    key = normalize_key(value).upper()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"应为“是”或“否”，不是“{clean_line(value)[:20]}”")


_SPACES = re.compile(r"\s+")


def case_norm(case_no: str) -> str:
    """A case number as compared: full-width forms half-width, letters upper case, no spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", clean_line(case_no)).upper())


def number_facts(case_no: str, unit: str = "") -> tuple[str, str, str, dt.date | None]:
    """What a new petition's columns take from its number, with one normalisation: (its
    :func:`case_key`, the key reversed for a search by the last digits (without a ``*``),
    :func:`derive_method`, :func:`derive_received_date`)."""
    folded = unicodedata.normalize("NFKC", clean_line(case_no))
    norm = _SPACES.sub("", folded.upper())
    return _key_of(norm, unit), norm.rstrip("*")[::-1], _method_in(folded.upper()), _date_in(folded)


def case_key(case_no: str, unit: str = "") -> str:
    """The normalised case number used to find duplicates.

    A trailing ``*`` marks a merged multi-site case, which may appear once per unit.
    """
    return _key_of(case_norm(case_no), unit)


def _key_of(norm: str, unit: str) -> str:
    return f"{norm}|{unit}" if norm.endswith("*") else norm


_METHOD_PREFIX = re.compile(r"^([DX])(?=[0-9A-Z]*\d)")
_CITY_PREFIX = re.compile(r"^[A-Z]{1,4}?([DX])(?=\d{6,})")


def derive_method(case_no: str) -> str:
    """受理方式 from the number: D… = 来电, X… = 来信; city prefix forms like SPD2022…; else ""."""
    return _method_in(unicodedata.normalize("NFKC", clean_line(case_no)).upper())


def _method_in(key: str) -> str:
    m = _METHOD_PREFIX.match(key) or _CITY_PREFIX.match(key)
    if not m:
        return ""
    return "来电" if m.group(1) == "D" else "来信"


_DATE_IN_NO = re.compile(r"(20\d{2})(\d{2})(\d{2})")


def derive_received_date(case_no: str) -> dt.date | None:
    """The date inside a number such as D2HH202403250005 (2024-03-25), when there is one."""
    return _date_in(unicodedata.normalize("NFKC", clean_line(case_no)))


def _date_in(key: str) -> dt.date | None:
    for m in _DATE_IN_NO.finditer(key):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            continue
    return None


_NUMBER_TOKEN = re.compile(r"[A-Za-z0-9*]{3,}")


def referenced_numbers(text: str) -> list[str]:
    """Case numbers mentioned in a repeat note: "与D2HH202403250005重复" → [D2HH202403250005];
    "与第三十一批受理编号3438号为同一案件" → [3438]."""
    norm = unicodedata.normalize("NFKC", clean_line(text))
    return [t for t in _NUMBER_TOKEN.findall(norm) if any(ch.isdigit() for ch in t)]


def join_list(values) -> str:
    return "、".join(v for v in values if v)


def split_list(value: str | None) -> list[str]:
    return [v for v in (value or "").split("、") if v]


def fmt_number(value: float | int | None) -> str:
    """1.0 → "1", 2.5 → "2.5", None/0 → "0"."""
    if not value:
        return "0"
    if float(value).is_integer():
        return str(int(value))
    return f"{float(value):.4f}".rstrip("0").rstrip(".")
