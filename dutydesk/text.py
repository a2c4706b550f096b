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
_PLAIN_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def _formula_like(text: str) -> bool:
    """Whether Excel would read ``text`` in a .csv as a formula: ``=…`` always; ``+…``, ``-…``
    and ``@…`` unless a plain number follows the sign (``-5``, ``+3.2``)."""
    if not text or text[0] not in "=+-@":
        return False
    rest = text[1:]
    return text[0] == "=" or (bool(rest) and not (text[0] in "+-" and _PLAIN_NUMBER.fullmatch(rest)))


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
