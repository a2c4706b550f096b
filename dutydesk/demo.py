"""A realistic demo inspection, so a newcomer sees a living app (``dutydesk init --demo``)."""

from __future__ import annotations

import datetime as dt

from . import dates
from .store.db import Store


def fill_demo(store: Store, today: dt.date | None = None) -> str:
    from .bulletin import demo as bulletin_demo
    from .handoffs import demo as handoffs_demo
    from .petitions import demo as petitions_demo
    from .roster import demo as roster_demo

    today = today or dates.today()
    parts = [m.fill(store, today) for m in (roster_demo, petitions_demo, handoffs_demo, bulletin_demo)]
    return "；".join(p for p in parts if p) or "无"
