"""Versioned schema migrations.

Each domain owns one migration set (:class:`.migration_set.MigrationSet`, the declaration of a
``sqlite_utils`` ``Migrations`` set) in its ``schema.py``; this module applies them all, in a
fixed order, inside one ``BEGIN IMMEDIATE`` transaction (so two terminals starting at once
cannot both migrate). ``PRAGMA user_version`` holds the schema
generation; a database from a newer dutydesk (a higher generation, or a migration name this
version does not know) is refused before anything is written.
"""

from __future__ import annotations

from typing import Callable

from ..errors import NewerDatabaseError
from .db import Store
from .migration_set import MIGRATIONS_TABLE, MigrationSet

# Bump when a release adds migrations that older releases must not run against.
SCHEMA_GENERATION = 1


def _applied(store: Store) -> set[tuple[str, str]] | None:
    """(set, name) of every applied migration; None when the migrations table does not exist."""
    if not store.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [MIGRATIONS_TABLE]):
        return None
    return {(r["migration_set"], r["name"]) for r in store.query(
        f"SELECT migration_set, name FROM [{MIGRATIONS_TABLE}]")}


def _check_not_newer(store: Store, sets: list[MigrationSet]) -> set[tuple[str, str]]:
    """Refuse a database from a newer dutydesk; returns the applied migrations."""
    version = store.scalar("PRAGMA user_version") or 0
    if version > SCHEMA_GENERATION:
        raise NewerDatabaseError(
            f"数据库由更新版本的 dutydesk 创建（结构版本 {version}，本程序支持 {SCHEMA_GENERATION}），"
            "为防止损坏已拒绝打开，请升级 dutydesk"
        )
    applied = _applied(store)
    if applied is None:
        return set()
    known = {(s.name, name) for s in sets for name in s.names}
    for mset, name in sorted(applied):
        if mset.startswith("dutydesk") and (mset, name) not in known:
            raise NewerDatabaseError(
                f"数据库包含本程序不认识的结构升级（{mset}:{name}），"
                "可能由更新版本的 dutydesk 创建；为防止损坏已拒绝打开，请升级 dutydesk"
            )
    return applied


def _pending(sets: list[MigrationSet], applied: set[tuple[str, str]]) -> list[str]:
    return [f"{s.name}:{name}" for s in sets for name in s.names if (s.name, name) not in applied]


def pending(store: Store, sets: list[MigrationSet]) -> list[str]:
    return _pending(sets, _check_not_newer(store, sets))


def is_empty(store: Store) -> bool:
    return not store.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'")


def migrate(store: Store, sets: list[MigrationSet], *, before: Callable[[], object] | None = None) -> list[str]:
    """Apply pending migrations; returns the names applied (empty when up to date).

    An up-to-date database (the usual start) is checked with two small queries; sqlite-utils is
    imported only when something is pending."""
    todo = _pending(sets, _check_not_newer(store, sets))
    if not todo:
        return []
    if before is not None and not is_empty(store):
        before()  # e.g. a backup of the database as it was
    with store.write():
        _check_not_newer(store, sets)  # re-check under the write lock
        for mset in sets:
            mset.to_sqlite_utils().apply(store.db)
        store.execute(f"PRAGMA user_version = {SCHEMA_GENERATION}")
    return todo
