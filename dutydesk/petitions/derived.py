"""The rows derived from new petitions (``petition_facts``, the counts the 态势 figures start
from, ``petitioner_names``), written for many petitions at once.

Triggers keep them for every writer, one petition at a time (``schema.py``: m005–m007). A large
registration (an import) instead sets ``bulk_registration`` inside its transaction, which those
insert triggers skip, and fills the same rows with a few statements over the id range it
inserted (:func:`registering_many`): the same rows, in the same order, as the triggers would have
written (tests/test_petitions_derived.py compares them)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ..store.db import Store
from . import day_sums
from .schema import NAME_KEY

BULK_ROWS = 200  # from this many petitions in one call, the derived rows are written set-based

_FACTS = """
    INSERT INTO petition_facts (petition_id, batch_id, unit, method, key_case, is_repeat, due_date)
    SELECT p.id, p.batch_id, p.unit, p.method, p.key_case, p.is_repeat, p.due_date
    FROM petitions p WHERE p.id BETWEEN ?1 AND ?2 AND p.deleted_at IS NULL ORDER BY p.id"""
_BATCH_COUNTS = """
    INSERT INTO petition_batch_counts (batch_id, method, n, key_cases, repeats)
    SELECT batch_id, method, count(*), sum(key_case != 0), sum(is_repeat != 0) FROM petition_facts
    WHERE petition_id BETWEEN ?1 AND ?2 GROUP BY batch_id, method
    ON CONFLICT (batch_id, method) DO UPDATE SET n = n + excluded.n, key_cases = key_cases + excluded.key_cases,
        repeats = repeats + excluded.repeats"""
_NAMES = f"""
    INSERT OR IGNORE INTO petitioner_names (name)
    SELECT name FROM (SELECT id, {NAME_KEY.format("petitioner_name")} AS name FROM petitions
                      WHERE id BETWEEN ?1 AND ?2)
    WHERE length(name) >= 2 ORDER BY id"""


@contextmanager
def registering_many(store: Store) -> Iterator[None]:
    """Inside a write transaction: petitions (and their petition_types) inserted in this block
    get no derived rows from the triggers; the caller calls :func:`fill` for their id range
    before the block ends. The mark goes at the end of the block, whatever happens."""
    store.execute("INSERT INTO bulk_registration (one) VALUES (1)")
    try:
        yield
    finally:
        store.execute("DELETE FROM bulk_registration")


def fill(store: Store, first_id: int, last_id: int) -> None:
    """The derived rows of the petitions ``first_id``..``last_id`` inserted inside
    :func:`registering_many` (with their petition_types), as the triggers would have written them."""
    for sql in (_FACTS, _BATCH_COUNTS, day_sums.ID_RANGE, day_sums.TYPES_ID_RANGE, _NAMES):
        store.execute(sql, [first_id, last_id])
