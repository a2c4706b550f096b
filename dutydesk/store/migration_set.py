"""A domain's list of schema migrations, declared without importing sqlite-utils.

Each ``<domain>/schema.py`` registers its migrations here (``@migrations()`` as with
``sqlite_utils.migrations.Migrations``). Opening an up-to-date database compares these names with
the ``_sqlite_migrations`` table and needs nothing else; only when something is pending does
:meth:`MigrationSet.to_sqlite_utils` build the ``sqlite_utils`` set that applies them (importing
sqlite-utils costs ~60 ms, a sixth of a start-up).
"""

from __future__ import annotations

import sqlite3

from typing import Callable, NamedTuple

MIGRATIONS_TABLE = "_sqlite_migrations"  # sqlite_utils.migrations.Migrations.migrations_table


class Migration(NamedTuple):
    name: str
    fn: Callable
    transactional: bool


class MigrationSet:
    def __init__(self, name: str):
        self.name = name
        self._migrations: list[Migration] = []

    def __call__(self, *, name: str | None = None, transactional: bool = True) -> Callable[[Callable], Callable]:
        def inner(fn: Callable) -> Callable:
            migration_name = name or fn.__name__
            if any(m.name == migration_name for m in self._migrations):
                raise ValueError(f"migration {migration_name!r} is registered twice in {self.name!r}")
            self._migrations.append(Migration(migration_name, fn, transactional))
            return fn

        return inner

    @property
    def names(self) -> list[str]:
        return [m.name for m in self._migrations]

    def to_sqlite_utils(self):
        """The same migrations as a ``sqlite_utils.migrations.Migrations`` set (to apply them)."""
        from sqlite_utils.migrations import Migrations

        mset = Migrations(self.name)
        for m in self._migrations:
            mset(name=m.name, transactional=m.transactional)(m.fn)
        return mset


def exec_script(db, script: str) -> None:
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
