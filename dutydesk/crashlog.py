"""Crash logs: the traceback of an unexpected error, written next to the database.

The file is private (0600), holds no local variables, and long digit runs (phone and ID
numbers) are masked, so a petitioner's identity does not end up in it. No UI imports.
"""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path

from . import __version__, dates
from .text import clean

FILE_NAME = "dutydesk-crash.log"
_LONG_NUMBER = re.compile(r"(?<![\d.])\d{7,}(?![\d.])")


def crash_log_path(db_path: str | os.PathLike) -> Path:
    return Path(db_path).expanduser().absolute().parent / FILE_NAME


def redact(text: str) -> str:
    """Mask runs of 7 or more digits (phones, ID numbers), keeping the last 2."""
    return _LONG_NUMBER.sub(lambda m: "*" * (len(m[0]) - 2) + m[0][-2:], text)


def write_crash_log(path: Path, error: BaseException) -> Path | None:
    """Append the traceback of ``error`` to ``path``; returns the path, or None if it failed."""
    try:
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        text = redact(clean(text))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(f"==== {dates.now_iso()} dutydesk {__version__}\n{text}\n")
    except OSError:
        return None
    return path
