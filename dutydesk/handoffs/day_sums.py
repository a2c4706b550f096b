"""``handoff_day_sums``: the problems' figures of any day as one sum over a small table.

What ``figures.problem_figures`` reports as of day D, per 牵头单位: the problems by status, 滞后
and 反弹 (its module docstring has the rules). Each is a count that changes on known days only:
a status log entry is in force from its business date until the next entry of the problem (by
date, then entry); a problem in 未启动 or 整改中 is late from the day after its 整改时限; it counts
as come back (反弹) from its first 回头看 that found it back. So each problem is written here as
a few signed changes, "+1 from day X" and "-1 from day Y", summed per (key, day, unit): the
figures as of D are ``sum(n) WHERE day <= D`` (a few thousand rows at 100,000 problems, where
reading every problem and the log of those changed since took 0.1-0.4 s; bench/ANALYSIS.md).

Keys: each status (the problems in it), ``late`` and ``rebound``. A problem without any dated
log entry (none should be) counts with its current status from the first day.

The triggers (m006) take a problem's changes away before any write that touches it (its row,
its status log, its 回头看 records) and add them again after, computed from the tables then.
"""

from __future__ import annotations

from ..store import day_sums as sums
from ..store.db import Store
from .model import OPEN_STATUSES

FIRST_DAY = "0001-01-01"  # before any business date
_OPEN = "(" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"
_LATE_FROM = "max(s.a, date(s.dl, '+1 day'))"

# (key, day, n, when: store.day_sums) over a source ``s``: unit, dl (整改时限), st (a status), a and z
# (the days it is in force: from a, until z; z NULL while it is the latest)
STATUS_CHANGES = [
    ("s.st", "s.a", 1, "s.z IS NULL OR s.z > s.a"),
    ("s.st", "s.z", -1, "s.z > s.a"),
    ("'late'", _LATE_FROM, 1, f"s.st IN {_OPEN} AND s.dl IS NOT NULL AND (s.z IS NULL OR s.z > {_LATE_FROM})"),
    ("'late'", "s.z", -1, f"s.st IN {_OPEN} AND s.z > {_LATE_FROM}"),
]
# ... and over a source with unit and a (the day it came back)
REBOUND_CHANGES = [("'rebound'", "s.a", 1, "1")]


def _statuses(problems: str) -> str:
    """The statuses in force of the live problems matching ``problems`` (about ``h``)."""
    return f"""SELECT h.lead_unit AS unit, 1 AS w, h.deadline AS dl, e.to_status AS st, e.date AS a,
                   (SELECT min(x.date) FROM handoff_status_log x WHERE x.handoff_id = e.handoff_id
                    AND (x.date > e.date OR (x.date = e.date AND x.id > e.id))) AS z
               FROM handoffs h JOIN handoff_status_log e ON e.handoff_id = h.id
               WHERE {problems} AND h.deleted_at IS NULL AND e.date IS NOT NULL
               UNION ALL
               SELECT h.lead_unit, 1, h.deadline, h.status, '{FIRST_DAY}', NULL FROM handoffs h
               WHERE {problems} AND h.deleted_at IS NULL AND NOT EXISTS (
                   SELECT 1 FROM handoff_status_log e WHERE e.handoff_id = h.id AND e.date IS NOT NULL)"""


def _rebounds(problems: str) -> str:
    """The day each live problem matching ``problems`` counts as come back: its first 回头看 that
    found it back, once it counts at all (its first dated status)."""
    return f"""SELECT h.lead_unit AS unit, 1 AS w, max(
                   coalesce((SELECT min(e.date) FROM handoff_status_log e WHERE e.handoff_id = h.id), '{FIRST_DAY}'),
                   (SELECT min(k.date) FROM handoff_rechecks k WHERE k.handoff_id = h.id AND k.came_back
                    AND k.deleted_at IS NULL)) AS a
               FROM handoffs h WHERE {problems} AND h.deleted_at IS NULL"""


def of_problems(sign: str, problems: str) -> str:
    """One statement adding (``sign`` "+") or taking away ("-") the changes of the problems
    matching ``problems`` (a condition on ``h``)."""
    return sums.upsert("handoff_day_sums", sums.changes(sign, STATUS_CHANGES, _statuses(problems)),
                       sums.changes(sign, REBOUND_CHANGES, _rebounds(problems)))


def _around(name: str, event: str, problems: str, when: str = "") -> str:
    """A pair of triggers: the problems' changes taken away before ``event``, added after."""
    cond = f" WHEN {when}" if when else ""
    return f"""
        CREATE TRIGGER {name}_before BEFORE {event}{cond} BEGIN {of_problems("-", problems)}; END;
        CREATE TRIGGER {name}_after AFTER {event}{cond} BEGIN {of_problems("+", problems)}; END;"""


def create_script() -> str:
    """The table, its rows for every problem and the triggers that keep it (handoffs m006)."""
    moved = "h.id IN (OLD.handoff_id, NEW.handoff_id)"  # a log entry or record moved to another problem
    return f"""
        {sums.table_sql("handoff_day_sums")};
        {of_problems("+", "1")};
        CREATE TRIGGER handoff_day_sums_ai AFTER INSERT ON handoffs BEGIN {of_problems("+", "h.id = NEW.id")}; END;
        CREATE TRIGGER handoff_day_sums_bd BEFORE DELETE ON handoffs BEGIN {of_problems("-", "h.id = OLD.id")}; END;
        {_around("handoff_day_sums_u", "UPDATE OF lead_unit, deadline, status, deleted_at ON handoffs", "h.id = OLD.id")}
        {_around("handoff_day_sums_log_i", "INSERT ON handoff_status_log", "h.id = NEW.handoff_id")}
        {_around("handoff_day_sums_log_d", "DELETE ON handoff_status_log", "h.id = OLD.handoff_id")}
        {_around("handoff_day_sums_log_u", "UPDATE OF handoff_id, date, to_status ON handoff_status_log", moved)}
        {_around("handoff_day_sums_back_i", "INSERT ON handoff_rechecks", "h.id = NEW.handoff_id", "NEW.came_back")}
        {_around("handoff_day_sums_back_d", "DELETE ON handoff_rechecks", "h.id = OLD.handoff_id", "OLD.came_back")}
        {_around("handoff_day_sums_back_u", "UPDATE OF handoff_id, date, came_back, deleted_at ON handoff_rechecks",
                 moved)}
        """


def as_of(store: Store, day: str) -> list[dict]:
    """(unit, key, n) rows: each key's sum of changes per unit up to and including ``day``."""
    return sums.as_of(store, "handoff_day_sums", day)
