"""Open the database for a session: connect, apply every domain's pending migrations (in the
registry's order), seed reference data, take the daily backup."""

from __future__ import annotations

import os

from . import registry
from .refdata import seed_reference_data
from .store import backup, migrations
from .store.db import Store
from .store.paths import default_db_path


def open_store(path: str | os.PathLike | None = None, *, operator: str | None = None,
               daily_backup: bool = True) -> Store:
    """Open (creating and migrating as needed) the database and load reference data."""
    store = Store(path or default_db_path(), operator=operator)
    try:
        migrate(store)
        seed_reference_data(store)
        if daily_backup:
            backup.daily_backup(store)
    except BaseException:
        store.close()
        raise
    return store


def migrate(store: Store) -> list[str]:
    """Apply every domain's pending migrations, backing up a non-empty database first."""
    return migrations.migrate(store, registry.migration_sets(),
                              before=lambda: backup.backup_now(store, reason="premigrate"))
