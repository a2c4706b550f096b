"""Versioned schema migrations.

Each domain owns one ``sqlite_utils`` ``Migrations`` set in its ``schema.py``; this module
applies them all, in a fixed order, inside one ``BEGIN IMMEDIATE`` transaction (so two
terminals starting at once cannot both migrate). ``PRAGMA user_version`` holds the schema
generation; a database from a newer dutydesk (a higher generation, or a migration name this
version does not know) is refused before anything is written.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils
from sqlite_utils.migrations import Migrations

from ..errors import NewerDatabaseError
from .db import Store

# Bump when a release adds migrations that older releases must not run against.
SCHEMA_GENERATION = 1
MIGRATIONS_TABLE = Migrations.migrations_table


def exec_script(db: sqlite_utils.Database, script: str) -> None:
    """Run several SQL statements without ``executescript`` (which would COMMIT)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                db.execute(buf)
            buf = ""
    if buf.strip():
        db.execute(buf)


def migration_sets() -> list[Migrations]:
    from ..bulletin import schema as bulletin_schema
    from ..handoffs import schema as handoffs_schema
    from ..petitions import schema as petitions_schema
    from ..roster import schema as roster_schema
    from . import schema as core_schema

    return [
        core_schema.migrations,
        roster_schema.migrations,
        petitions_schema.migrations,
        handoffs_schema.migrations,
        bulletin_schema.migrations,
    ]


def _check_not_newer(store: Store, sets: list[Migrations]) -> None:
    version = store.scalar("PRAGMA user_version") or 0
    if version > SCHEMA_GENERATION:
        raise NewerDatabaseError(
            f"数据库由更新版本的 dutydesk 创建（结构版本 {version}，本程序支持 {SCHEMA_GENERATION}），"
            "为防止损坏已拒绝打开，请升级 dutydesk"
        )
    if not store.db[MIGRATIONS_TABLE].exists():
        return
    known = {(s.name, m.name) for s in sets for m in s._migrations}
    names = {s.name for s in sets}
    for row in store.db.query(f"SELECT migration_set, name FROM [{MIGRATIONS_TABLE}]"):
        if row["migration_set"].startswith("dutydesk") and (row["migration_set"], row["name"]) not in known:
            raise NewerDatabaseError(
                f"数据库包含本程序不认识的结构升级（{row['migration_set']}:{row['name']}），"
                "可能由更新版本的 dutydesk 创建；为防止损坏已拒绝打开，请升级 dutydesk"
            )
    del names


def pending(store: Store) -> list[str]:
    sets = migration_sets()
    _check_not_newer(store, sets)
    return [f"{s.name}:{m.name}" for s in sets for m in s.pending(store.db)]


def is_empty(store: Store) -> bool:
    return not store.db.table_names()


def migrate(store: Store, *, backup_first: bool = True) -> list[str]:
    """Apply pending migrations; returns the names applied (empty when up to date)."""
    sets = migration_sets()
    _check_not_newer(store, sets)
    todo = [f"{s.name}:{m.name}" for s in sets for m in s.pending(store.db)]
    if not todo:
        return []
    if backup_first and not is_empty(store):
        from .backup import backup_now

        backup_now(store, reason="premigrate")
    with store.write():
        _check_not_newer(store, sets)  # re-check under the write lock
        for mset in sets:
            mset.apply(store.db)
        store.db.execute(f"PRAGMA user_version = {SCHEMA_GENERATION}")
    return todo
