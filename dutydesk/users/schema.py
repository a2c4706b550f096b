"""Tables of the users domain: web logins and their failed-login counters (its own migration set;
append new migrations, never edit old ones)."""

from __future__ import annotations

from ..store.migration_set import MigrationSet, exec_script

migrations = MigrationSet("dutydesk.users")


@migrations()
def m001_users(db):
    exec_script(
        db,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            disabled_at TEXT,
            last_login_at TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT, updated_at TEXT, deleted_at TEXT
        );
        CREATE TABLE login_failures (
            scope TEXT NOT NULL CHECK (scope IN ('name', 'address')),
            key TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            window_start TEXT NOT NULL,
            locked_until TEXT,
            PRIMARY KEY (scope, key)
        );
        """,
    )
