"""Demo data for the handoffs domain (used by `dutydesk init --demo`)."""

from __future__ import annotations

import datetime as dt

from ..store.db import Store


def fill(store: Store, today: dt.date) -> str:
    """Fill realistic demo records around ``today``; return a short Chinese summary."""
    return ""
