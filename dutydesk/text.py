"""Cleaning and masking of user text. Pure functions, no UI imports."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 control characters except tab and newline; also lone surrogates,
# DEL, and bidi overrides that could disguise text. CR is normalised to LF.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufeff]"
)
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


def clean(value: object, *, multiline: bool = True) -> str:
    """Return ``value`` as safe text: ESC sequences and control characters removed.

    Tab and newline survive (newline only when ``multiline``). ``None`` becomes "".
    """
    if value is None:
        return ""
    text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ANSI.sub("", text)
    text = _CONTROL.sub("", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def clean_line(value: object) -> str:
    """A single-line field: cleaned and stripped."""
    return clean(value, multiline=False).strip()


def normalize_key(value: object) -> str:
    """Normalise a header or vocabulary word for matching (full-width → half, no spaces)."""
    text = unicodedata.normalize("NFKC", clean_line(value))
    return re.sub(r"\s+", "", text)


def mask_name(name: str) -> str:
    """张三丰 → 张**; empty stays empty."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last 2 digits."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(2, len(phone) - 2) + phone[-2:] if len(phone) > 2 else "**"


def mask_address(address: str) -> str:
    """Keep the first 6 characters, hide the rest."""
    address = (address or "").strip()
    if len(address) <= 6:
        return "*" * len(address)
    return address[:6] + "****"
