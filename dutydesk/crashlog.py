"""Crash logs: the traceback of an unexpected error, written next to the database.

The file is private (0600), holds no local variables, and long digit runs (phone and ID
numbers) are masked, so a petitioner's identity does not end up in it. An exception's message
can still quote data (``ValueError: … 张三 …``): the caller passes the identities found in the
messages (:func:`exception_messages`, ``petitions.privacy.identities_in``) and they are hidden
too. No UI imports.
"""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path
from typing import Iterable

from . import __version__, dates
from .text import clean

FILE_NAME = "dutydesk-crash.log"
_LONG_NUMBER = re.compile(r"(?<![\d.])\d{7,}(?![\d.])")


def crash_log_path(db_path: str | os.PathLike) -> Path:
    return Path(db_path).expanduser().absolute().parent / FILE_NAME


def redact(text: str) -> str:
    """Mask runs of 7 or more digits (phones, ID numbers), keeping the last 2."""
    return _LONG_NUMBER.sub(lambda m: "*" * (len(m[0]) - 2) + m[0][-2:], text)


def exception_messages(error: BaseException, limit: int = 20_000) -> str:
    """The messages of ``error`` and the exceptions chained to it (the only part of a traceback
    that can quote user data), at most ``limit`` characters."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append("".join(traceback.format_exception_only(type(current), current)))
        current = current.__cause__ or current.__context__
    return clean("\n".join(parts))[:limit]


def write_crash_log(path: Path, error: BaseException, *, secrets: Iterable[str] = ()) -> Path | None:
    """Append the traceback of ``error`` to ``path``, with ``secrets`` (e.g. a petitioner's name
    quoted by an exception message) hidden; returns the path, or None if it failed."""
    try:
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        text = clean(text)
        for secret in sorted({clean(s) for s in secrets if s and s.strip()}, key=len, reverse=True):
            text = text.replace(secret, "（已隐去）")
        text = redact(text)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(f"==== {dates.now_iso()} dutydesk {__version__}\n{text}\n")
    except OSError:
        return None
    return path
