"""Bulletin domain functions. (Foundation stub: the bulletin issue fills this in.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UserError
from ..store.db import Store


def export_bulletin(store: Store, day: dt.date, out_dir: Path | None = None) -> list[Path]:
    """Issue and export the bulletin of ``day`` as .docx, .md and .txt; return the paths."""
    raise UserError("简报导出尚未实现")
