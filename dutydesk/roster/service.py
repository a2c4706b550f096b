"""Roster domain functions. (Foundation stub: the roster issue fills this in.)"""

from __future__ import annotations

import datetime as dt

from ..store.db import Store


def on_duty_text(store: Store, day: dt.date) -> str:
    """One line for the app header: who is on duty on ``day`` (带班/值班)."""
    return "未排班"
