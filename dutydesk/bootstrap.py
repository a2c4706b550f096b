"""Open the database for a session: connect, apply every domain's pending migrations (in the
registry's order), seed reference data, clean up after killed writers, take the daily backup."""

from __future__ import annotations

import os

from . import registry
from .refdata import exports_dir, seed_reference_data
from .store import backup, files, migrations
from .store.db import Store
from .store.paths import default_db_path


def open_store(path: str | os.PathLike | None = None, *, operator: str | None = None,
               daily_backup: bool = True) -> Store:
    """Open (creating and migrating as needed) the database and load reference data."""
    store = Store(path or default_db_path(), operator=operator)
    try:
        migrate(store)
        seed_reference_data(store)
        clean_up_files(store)
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


def clean_up_files(store: Store) -> None:
    """The folders dutydesk owns made private (0700), and the temporary files of backups and
    exports killed mid-write removed (``store.files.clean_temp_files``): beside the database,
    in backups/ and in the exports folder."""
    own = [store.path.parent / "backups", store.path.parent / "exports"]
    try:
        folders = [store.path.parent, *own, exports_dir(store)]
    except Exception:  # pragma: no cover - a setting that cannot be read: the default folders only
        folders = [store.path.parent, *own]
    for folder in dict.fromkeys(folders):
        if folder in own and folder.is_dir():
            files.make_private_dir(folder, ours=True)
        files.clean_temp_files(folder, legacy=folder in own)
