"""Roster look-ups the screens need that the service does not offer as such."""

from __future__ import annotations

from ..store.db import Store


def has_active_people(store: Store) -> bool:
    """Whether anyone can be rostered (one indexed row read, not the list of people)."""
    return bool(store.scalar("SELECT 1 FROM people WHERE deleted_at IS NULL AND active = 1 LIMIT 1"))
