"""Who is at the desk (值守人员): the name the records of this terminal are signed with (记录人, 交班人,
the audit). ``--operator``, ``DUTYDESK_OPERATOR`` and a browser login fix it; otherwise it is the
person picked at the desk (remembered per terminal by the front end) or, until someone is picked,
the first officer of the shift on duty, never the OS user while a shift is rostered."""

from __future__ import annotations

from ..store.db import Store
from . import dutylog
from .people import list_people


def shift_names(store: Store) -> list[str]:
    """The officers of the shift on duty now (值班 first, then 带班), as rostered."""
    day, shift = dutylog.current_slot(store)
    rows = store.query(
        "SELECT p.name FROM roster_days d JOIN roster_members m ON m.day_id = d.id JOIN people p ON p.id = m.person_id "
        "WHERE d.date = ? AND d.shift = ? AND d.deleted_at IS NULL ORDER BY m.sort",
        [day.isoformat(), shift.name])
    names = [r["name"] for r in rows]
    leader = store.scalar(
        "SELECT l.name FROM roster_days d JOIN people l ON l.id = d.leader_id "
        "WHERE d.date = ? AND d.shift = ? AND d.deleted_at IS NULL", [day.isoformat(), shift.name])
    return names + ([leader] if leader and leader not in names else [])


def candidates(store: Store) -> tuple[list[str], list[str]]:
    """(the shift on duty's officers, everyone else active on the roster) for the picker."""
    first = shift_names(store)
    others = [p.name for p in list_people(store) if p.name not in first]
    return first, others


def default_name(store: Store) -> str:
    """Until someone is picked: the first officer of the shift on duty, else the store's operator."""
    names = shift_names(store)
    return names[0] if names else store.operator
