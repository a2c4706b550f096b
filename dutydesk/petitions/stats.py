"""Petition statistics for a date, counted by business dates (transfer date, 办结日期).
(Foundation stub: the petitions issue fills this in; the bulletin calls ``bulletin_paragraphs``.)"""

from __future__ import annotations

import datetime as dt

from .. import dates
from ..refdata import get_setting
from ..store.db import Store


def bulletin_paragraphs(store: Store, day: dt.date) -> list[str]:
    """The paragraphs of the bulletin's petition section for ``day`` (DOMAIN.md section 3)."""
    group_short = get_setting(store, "group_short")
    return [f"{dates.cn_date(day, year=False)}，我市暂未收到{group_short}转办信访件。"]
