"""Day sums: counts "as of day D" kept as signed changes per day, summed up to D.

A figure such as "petitions closed as of D" or "problems late as of D" changes on known days
only, so each record is written as a few changes ("+1 from day X", "-1 from day Y") into a table
of (key, day, unit, n) rows, one per key, day and unit that changed something; the figure as of
D is ``sum(n) WHERE day <= D``. The domains say which changes a record makes (rules over a
source of rows) and keep the table with triggers; this module only writes the SQL they share.
It knows no domain.

A rule is ``(key, day, n, when)``: SQL expressions over a source aliased ``s`` whose rows also
have ``unit`` and ``w`` (how many records the row stands for).
"""

from __future__ import annotations

from .db import Store


def table_sql(table: str) -> str:
    return f"""CREATE TABLE {table} (
            key TEXT NOT NULL,
            day TEXT NOT NULL,
            unit TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (key, day, unit)
        ) WITHOUT ROWID"""


def _case(rules: list, column: int) -> str:
    return "CASE rule.column1 " + " ".join(f"WHEN {i} THEN ({r[column]})" for i, r in enumerate(rules)) + " END"


def changes(sign: str, rules: list, source: str, where: str = "") -> str:
    """A SELECT of the changes ``rules`` make for each row of ``source`` (a SELECT), taken away
    when ``sign`` is "-"; ``where``: more conditions on ``s``. One pass over the source: each row
    is joined to the list of rules (``LIMIT -1`` keeps SQLite from running the source per rule)."""
    values = ", ".join(f"({i})" for i in range(len(rules)))
    return (f"SELECT {_case(rules, 0)} AS key, {_case(rules, 1)} AS day, s.unit AS unit, "
            f"{sign}({_case(rules, 2)}) * s.w AS n FROM ({source} LIMIT -1) s CROSS JOIN (VALUES {values}) rule "
            f"WHERE {_case(rules, 3)}{where}")


def upsert(table: str, *selects: str) -> str:
    """One statement adding the changes of ``selects`` (see :func:`changes`) to ``table``."""
    union = "\n        UNION ALL ".join(selects)
    return f"""INSERT INTO {table} (key, day, unit, n)
        SELECT key, day, unit, sum(n) FROM ({union})
        WHERE day IS NOT NULL GROUP BY key, day, unit HAVING sum(n) != 0
        ON CONFLICT (key, day, unit) DO UPDATE SET n = n + excluded.n"""


def as_of(store: Store, table: str, day: str, keys: tuple[str, ...] | None = None) -> list[dict]:
    """(unit, key, n) rows: each key's changes per unit summed up to and including ``day`` (ISO
    date), the sums that are not 0; ``keys``: only these."""
    only = "key IN ({}) AND ".format(", ".join("?" for _ in keys)) if keys else ""
    return store.query(f"SELECT unit, key, sum(n) AS n FROM {table} WHERE {only}day <= ? GROUP BY unit, key "
                       "HAVING sum(n) != 0", [*(keys or ()), day])
