"""Cleaning and masking of user text. Pure functions, no UI imports."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# C0 and C1 control characters except tab and newline; also lone surrogates,
# DEL, bidi overrides and marks that could disguise text, and U+FFFE/U+FFFF (not characters:
# no .docx or .xlsx can hold them, their XML writers refuse the whole file). CR, and the
# Unicode line and paragraph separators, are normalised to LF.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff"
    "\ufffe\uffff]"
)
_NEWLINES = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def clean(value: object, *, multiline: bool = True) -> str:
    """Return ``value`` as safe text: ESC sequences and control characters removed.

    Tab and newline survive (newline only when ``multiline``). ``None`` becomes "".
    """
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():
        # Nothing to do (the common case, ~20x cheaper): every character the steps below change
        # (controls incl. tab/newline/CR/ESC, U+2028/2029, bidi marks, surrogates, U+FEFF/FFFE/FFFF)
        # is "not printable" for str.isprintable (tests/test_petitions_io.py checks every code point).
        return text
    text = text.replace("\r\n", "\n").translate(_NEWLINES)
    text = _ANSI.sub("", text)
    text = _CONTROL.sub("", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def clean_line(value: object) -> str:
    """A single-line field: cleaned and stripped."""
    return clean(value, multiline=False).strip()


_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, several times faster on Chinese text.

    Chinese text nearly always holds full-width punctuation (，：（）), which makes NFKC rebuild
    the whole string. Those forms (U+FF01–FF5E, U+3000) are first replaced by the ASCII
    characters they decompose to, which NFKC would produce anyway; what is left is usually
    already normalised (a quick check), else it is normalised as before.
    """
    for ch in set(_FULL_WIDTH.findall(text)):
        text = text.replace(ch, _HALF_WIDTH[ch])
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


_SPACES = re.compile(r"\s+")


def normalize_key(value: object) -> str:
    """Normalise a header or vocabulary word for matching (full-width → half, no spaces)."""
    if value.__class__ is str and len(value) <= 64:  # the short words of a sheet repeat row after row
        return _normalize_short(value)
    return _SPACES.sub("", nfkc(clean_line(value)))


@lru_cache(maxsize=4096)
def _normalize_short(value: str) -> str:
    return _SPACES.sub("", nfkc(clean_line(value)))


def mask_name(name: str) -> str:
    """张三丰 → 张**; empty stays empty."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678 (11 or more characters: first 3 and last 4 shown);
    8–10 characters (a landline) → only the last 4 shown; shorter → at most the last 2,
    never more than half. At least 4 characters (or half of a short number) stay hidden.
    """
    phone = (phone or "").strip()
    n = len(phone)
    if not n:
        return ""
    if n >= 11:
        return phone[:3] + "*" * (n - 7) + phone[-4:]
    if n >= 8:
        return "*" * (n - 4) + phone[-4:]
    if n <= 2:
        return "**"
    shown = min(2, n // 2)
    return "*" * (n - shown) + phone[-shown:]


def mask_address(address: str) -> str:
    """Keep the first 6 characters, hide the rest."""
    address = (address or "").strip()
    if len(address) <= 6:
        return "*" * len(address)
    return address[:6] + "****"


# -- formulas in spreadsheets -----------------------------------------------------------------
@lru_cache(maxsize=1)
def _plain_number() -> re.Pattern:
    return re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def _formula_like(text: str) -> bool:
    """Whether Excel would read ``text`` in a .csv as a formula: ``=…`` always; ``+…``, ``-…``
    and ``@…`` unless a plain number follows the sign (``-5``, ``+3.2``)."""
    if not text or text[0] not in "=+-@":
        return False
    rest = text[1:]
    return text[0] == "=" or (bool(rest) and not (text[0] in "+-" and _plain_number().fullmatch(rest)))


def neutralise_formula(text: str) -> str:
    """A text for a .csv cell that Excel shows as written and never runs (formula injection):
    a leading apostrophe before what would be a formula. A text that already starts with
    apostrophes before such a character gets one more, so :func:`restore_formula` gives back
    exactly the text (``'=x`` → ``''=x`` → ``'=x``). .xlsx cells need none of this: they are
    written as string cells (``exporters.xlsx``)."""
    return "'" + text if _formula_like(text.lstrip("'")) else text


def restore_formula(text: str) -> str:
    """The text :func:`neutralise_formula` was given (for reading a .csv dutydesk wrote, or one
    Excel saved from it): one leading apostrophe dropped before what would be a formula."""
    return text[1:] if text[:1] == "'" and _formula_like(text.lstrip("'")) else text


# -- phone-like and ID-card-like numbers in a text ------------------------------------------------
_DIGITS = "0-9\uff10-\uff19"
_LETTERS = "A-Za-z\uff21-\uff3a\uff41-\uff5a"
_SEPARATORS = "\\-\u2010-\u2015\u2212\uff0d\ufe63.\uff0e\u00b7\u30fb"  # dashes and dots
_SPACE = "[ \\t\u3000\u00a0]"
# between two groups of digits: a dash or a dot (spaces around it allowed), or spaces alone
# between groups of 3 digits or more (138 1234 5679; not "批次3 123456")
_JOIN = rf"(?:{_SPACE}{{0,2}}[{_SEPARATORS}]{_SPACE}{{0,2}}|(?<=[{_DIGITS}]{{3}}){_SPACE}{{1,3}}(?=[{_DIGITS}]{{3}}))"
_NUMBER_PATTERN = (
    # a date first (it is consumed as a date, never masked): 2024-03-13, 2024.3.13, 2024年3月13日
    rf"(?P<date>(?<![{_DIGITS}])(?:19|20|１９|２０)[{_DIGITS}]{{2}}\s?[-./年－．]\s?[{_DIGITS}]{{1,2}}\s?[-./月－．]"
    rf"\s?[{_DIGITS}]{{1,2}}(?![{_DIGITS}]))"
    # a number not inside a letters-and-digits token: groups of digits joined as above, an area
    # code in brackets before it, an ID card's X after it
    rf"|(?P<number>(?<![{_DIGITS}{_LETTERS}])(?:[(\uff08][{_DIGITS}]{{3,4}}[)\uff09]{_SPACE}{{0,3}})?"
    rf"[{_DIGITS}]+(?:{_JOIN}[{_DIGITS}]+)*[Xx\uff38\uff58]?(?![{_DIGITS}{_LETTERS}]))"
)
_TO_ASCII = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")
PHONE_MIN_DIGITS = 7
ID_MIN_DIGITS = 15
NUMBER_MAX_DIGITS = 18  # longer: several numbers written in a row, each masked alone


@lru_cache(maxsize=1)
def _number_patterns() -> tuple[re.Pattern, ...]:
    """(number, digit group, not a digit, a unit after, a compact date), compiled on first use
    (about 2 ms: not at start-up)."""
    return (re.compile(_NUMBER_PATTERN), re.compile(rf"[{_DIGITS}]+[Xx\uff38\uff58]?"), re.compile(r"[^0-9X]"),
            re.compile(r"\s?(?:[元万亿吨米亩斤克升头只户人次件辆台个株棵座家名条倍度%％‰]|平方|立方|公[里斤顷]|kg|km|t\b|m\b)"),
            re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"))


def mask_number(digits: str) -> str:
    """A phone-like number (digits only) masked: as :func:`mask_phone`; an ID-card-like one
    (15 or more characters) shows only its first 3 and last 2."""
    if len(digits) >= ID_MIN_DIGITS:
        return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]
    return mask_phone(digits)


def _digits(text: str) -> str:
    return _number_patterns()[2].sub("", text.translate(_TO_ASCII))


def _number(m: re.Match) -> str:
    found = m.group("number")
    if found is None:  # a date
        return m.group(0)
    _, group, _, unit_after, compact_date = _number_patterns()
    digits = _digits(found)
    if len(digits) < PHONE_MIN_DIGITS:
        return found
    if len(digits) > NUMBER_MAX_DIGITS:  # numbers in a row (0746-8881235-8881236): each group alone
        return group.sub(lambda g: mask_number(_digits(g[0])) if len(_digits(g[0])) >= PHONE_MIN_DIGITS
                         else g[0], found)
    text, end = m.string, m.end()
    if unit_after.match(text, end) or text[max(0, m.start() - 1):m.start()] in ("¥", "￥", "$"):
        return found  # an amount or a measure
    if len(digits) == 8 and compact_date.fullmatch(digits) and digits == found:
        return found  # 20240313
    return mask_number(digits)


def mask_numbers(text: str) -> str:
    """Every phone-like and ID-card-like number in ``text`` masked, whoever's it is: 7 or more digits
    (full-width too), in one piece or in groups split by dashes or dots (spaces around them
    allowed) or by spaces between groups of 3 or more, with a bracketed area code or an ID card's
    X; not a number inside a letters-and-digits token (a 受理编号), not a date, not an amount or a
    measure (followed by 元, 吨, 米, %, … or after ¥). ``138-1234-5679`` → ``138****5679``."""
    return _number_patterns()[0].sub(_number, text) if any(ch.isdigit() for ch in text) else text
