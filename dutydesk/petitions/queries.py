"""Petition look-ups the screens need that the service does not offer as such."""

from __future__ import annotations

from ..store.db import Store


def batch_choices(store: Store) -> list[dict]:
    """Live batches, newest first: ``id``, ``no`` and ``date`` only (the batch filter's options;
    cheap, read on every refresh of the 信访件 screen)."""
    return store.query("SELECT id, no, date FROM batches WHERE deleted_at IS NULL ORDER BY no DESC")
