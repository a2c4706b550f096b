"""Tables of the roster domain (its own migration set; append new migrations, never edit old ones)."""

from __future__ import annotations

from ..store.migration_set import MigrationSet, exec_script

migrations = MigrationSet("dutydesk.roster")


@migrations()
def m001_roster(db):
    exec_script(
        db,
        """
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL DEFAULT 'officer' CHECK (role IN ('leader', 'officer')),
            active INTEGER NOT NULL DEFAULT 1,
            sort INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT, updated_at TEXT, deleted_at TEXT
        );
        CREATE UNIQUE INDEX people_name ON people (name) WHERE deleted_at IS NULL;

        CREATE TABLE roster_days (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            shift TEXT NOT NULL,
            leader_id INTEGER REFERENCES people (id),
            note TEXT NOT NULL DEFAULT '',
            manual INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT, updated_at TEXT, deleted_at TEXT
        );
        CREATE UNIQUE INDEX roster_days_slot ON roster_days (date, shift) WHERE deleted_at IS NULL;

        CREATE TABLE roster_members (
            day_id INTEGER NOT NULL REFERENCES roster_days (id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people (id),
            sort INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX roster_members_day ON roster_members (day_id, sort);
        CREATE INDEX roster_members_person ON roster_members (person_id);

        CREATE TABLE leaves (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people (id),
            start TEXT NOT NULL,
            end TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT, updated_at TEXT, deleted_at TEXT
        );
        CREATE INDEX leaves_range ON leaves (start, end);

        CREATE TABLE duty_log (
            id INTEGER PRIMARY KEY,
            shift_date TEXT NOT NULL,
            shift TEXT NOT NULL,
            at_time TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT '',
            from_unit TEXT NOT NULL DEFAULT '',
            from_name TEXT NOT NULL DEFAULT '',
            from_phone TEXT NOT NULL DEFAULT '',
            content TEXT NOT NULL DEFAULT '',
            instruction TEXT NOT NULL DEFAULT '',
            recorder TEXT NOT NULL DEFAULT '',
            done INTEGER NOT NULL DEFAULT 0,
            done_at TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT, updated_at TEXT, deleted_at TEXT
        );
        CREATE INDEX duty_log_shift ON duty_log (shift_date, shift, at_time);
        CREATE INDEX duty_log_open ON duty_log (done, at_time);

        CREATE TABLE handovers (
            id INTEGER PRIMARY KEY,
            shift_date TEXT NOT NULL,
            shift TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            open_items TEXT NOT NULL DEFAULT '[]',
            by_operator TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            taken_by TEXT,
            taken_at TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT, updated_at TEXT, deleted_at TEXT
        );
        CREATE UNIQUE INDEX handovers_slot ON handovers (shift_date, shift) WHERE deleted_at IS NULL;
        """,
    )


@migrations()
def m002_deleted_days(db):
    """Roster days and handovers are deleted to the 回收站 (soft delete): the recently deleted are
    read through these indexes."""
    exec_script(
        db,
        """
        CREATE INDEX roster_days_deleted ON roster_days (deleted_at) WHERE deleted_at IS NOT NULL;
        CREATE INDEX handovers_deleted ON handovers (deleted_at) WHERE deleted_at IS NOT NULL;
        """,
    )
