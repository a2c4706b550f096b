"""SQLite store: connection, migrations, audit, backups. No UI imports."""

from __future__ import annotations

import os
from pathlib import Path

from .db import Store

__all__ = ["Store", "default_db_path", "open_store"]

ENV_DB = "DUTYDESK_DB"


def default_db_path() -> Path:
    """``$DUTYDESK_DB``, else the platform user data dir ``dutydesk/dutydesk.db``."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("dutydesk", appauthor=False)) / "dutydesk.db"


def open_store(path: str | os.PathLike | None = None, *, operator: str | None = None, daily_backup: bool = True) -> Store:
    """Open (creating and migrating as needed) the database and load reference data."""
    from ..refdata import seed_reference_data
    from . import backup, migrations

    store = Store(path or default_db_path(), operator=operator)
    try:
        migrations.migrate(store)
        seed_reference_data(store)
        if daily_backup:
            backup.daily_backup(store)
    except BaseException:
        store.close()
        raise
    return store
