"""Tables of the handoffs domain (its own migration set; append new migrations, never edit old ones).

- ``handoffs``: one problem handed to a responsible unit (问题交办 / 整改台账 row). ``rebound``
  counts how often a 回头看 found the problem back (反弹); the ``accepted_*`` and ``closed_*``
  columns hold the current acceptance (验收) and closure (销号); earlier ones stay in
  ``handoff_status_log``.
- ``handoff_status_log``: every status change, append-only (who, when, business date, basis).
- ``handoff_progress``: dated 整改进展 entries.
- ``handoff_rechecks``: 回头看 records (date, who, finding, came back or not).
- ``handoff_petitions``: petitions (信访件) a problem came from.
- ``letter_handoffs``: the problems each generated 催办通知 listed.
"""

from __future__ import annotations

from ..store.migration_set import MigrationSet, exec_script

migrations = MigrationSet("dutydesk.handoffs")


@migrations()
def m001_handoffs(db):
    exec_script(
        db,
        """
        CREATE TABLE handoffs (
            id INTEGER PRIMARY KEY,
            problem_no TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            region TEXT NOT NULL DEFAULT '',
            lead_unit TEXT NOT NULL DEFAULT '',
            coop_units TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            owner_phone TEXT NOT NULL DEFAULT '',
            target TEXT NOT NULL DEFAULT '',
            measures TEXT NOT NULL DEFAULT '',
            deadline TEXT,
            deadline_category TEXT NOT NULL DEFAULT '',
            assigned_on TEXT,
            status TEXT NOT NULL DEFAULT '未启动',
            started_on TEXT,
            completed_on TEXT,
            accepted_on TEXT,
            accepted_by TEXT NOT NULL DEFAULT '',
            acceptance_note TEXT NOT NULL DEFAULT '',
            closed_on TEXT,
            closed_by TEXT NOT NULL DEFAULT '',
            close_basis TEXT NOT NULL DEFAULT '',
            rebound INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT,
            updated_at TEXT,
            deleted_at TEXT
        );
        CREATE UNIQUE INDEX handoffs_problem_no ON handoffs (problem_no);
        CREATE INDEX handoffs_lead_unit ON handoffs (lead_unit);
        CREATE INDEX handoffs_status_deadline ON handoffs (status, deadline);

        CREATE TABLE handoff_status_log (
            id INTEGER PRIMARY KEY,
            handoff_id INTEGER NOT NULL REFERENCES handoffs (id),
            at TEXT NOT NULL,
            operator TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            date TEXT,
            by_whom TEXT NOT NULL DEFAULT '',
            basis TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX handoff_status_log_handoff ON handoff_status_log (handoff_id, id);

        CREATE TABLE handoff_progress (
            id INTEGER PRIMARY KEY,
            handoff_id INTEGER NOT NULL REFERENCES handoffs (id),
            date TEXT NOT NULL,
            content TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT,
            updated_at TEXT,
            deleted_at TEXT
        );
        CREATE INDEX handoff_progress_handoff ON handoff_progress (handoff_id, date, id);

        CREATE TABLE handoff_rechecks (
            id INTEGER PRIMARY KEY,
            handoff_id INTEGER NOT NULL REFERENCES handoffs (id),
            date TEXT NOT NULL,
            checker TEXT NOT NULL DEFAULT '',
            finding TEXT NOT NULL,
            came_back INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT,
            updated_at TEXT,
            deleted_at TEXT
        );
        CREATE INDEX handoff_rechecks_handoff ON handoff_rechecks (handoff_id, date, id);

        CREATE TABLE handoff_petitions (
            handoff_id INTEGER NOT NULL REFERENCES handoffs (id),
            petition_id INTEGER NOT NULL REFERENCES petitions (id),
            PRIMARY KEY (handoff_id, petition_id)
        );
        CREATE INDEX handoff_petitions_petition ON handoff_petitions (petition_id);
        """,
    )


@migrations()
def m002_letter_handoffs(db):
    """The problems each generated 催办通知 listed (``letters`` is the petitions domain's record
    of generated letters), with the deadline then."""
    exec_script(
        db,
        """
        CREATE TABLE letter_handoffs (
            handoff_id INTEGER NOT NULL REFERENCES handoffs (id),
            letter_id INTEGER NOT NULL REFERENCES letters (id),
            deadline TEXT,
            PRIMARY KEY (handoff_id, letter_id)
        ) WITHOUT ROWID;
        CREATE INDEX letter_handoffs_letter ON letter_handoffs (letter_id);
        """,
    )


@migrations()
def m003_figures(db):
    """For the figures as of a date (``figures.py``): the live problems by 牵头单位 and status in
    a narrow covering index, and the status changes by business date (to find the few problems
    whose status changed after the day)."""
    exec_script(
        db,
        """
        CREATE INDEX handoffs_figures ON handoffs (lead_unit, status, deadline, rebound, deleted_at)
            WHERE deleted_at IS NULL;
        CREATE INDEX handoff_status_log_date ON handoff_status_log (date, handoff_id);
        """,
    )


@migrations()
def m004_deleted_entries(db):
    """Progress entries and 回头看 records are deleted to the 回收站 (soft delete): the recently
    deleted are read through these indexes."""
    exec_script(
        db,
        """
        CREATE INDEX handoff_progress_deleted ON handoff_progress (deleted_at) WHERE deleted_at IS NOT NULL;
        CREATE INDEX handoff_rechecks_deleted ON handoff_rechecks (deleted_at) WHERE deleted_at IS NOT NULL;
        """,
    )


@migrations()
def m005_list_order(db):
    """The problem list's order (``lists.ORDER_SQL``: open ones first, by deadline) as an index, so
    a page is an index walk that stops after it instead of a sort of every problem (0.4 s at a
    province's 100,000 problems, bench/ANALYSIS.md)."""
    exec_script(
        db,
        """
        CREATE INDEX handoffs_list_order ON handoffs (
            CASE WHEN status IN ('未启动', '整改中') THEN 0 ELSE 1 END, deadline IS NULL, deadline, problem_no
        ) WHERE deleted_at IS NULL;
        """,
    )


@migrations()
def m006_day_sums(db):
    """``handoff_day_sums``: the problems' figures of any day (by status, 滞后, 反弹, per 牵头单位) as
    sums of signed changes per day, kept by triggers on the problems, their status log and their
    回头看 records (``day_sums.py``). Reading every problem and the log of those changed after the
    day took 0.1-0.4 s at a province's 100,000 problems (bench/ANALYSIS.md); the two indexes
    that served it go."""
    from . import day_sums

    exec_script(db, day_sums.create_script() + "\nDROP INDEX handoffs_figures;\nDROP INDEX handoff_status_log_date;")
