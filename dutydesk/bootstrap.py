"""Open the database for a session: connect, apply every domain's pending migrations (in the
registry's order), seed reference data, clean up after killed writers, take the daily backup."""

from __future__ import annotations

import os
import sys

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
    """Apply every domain's pending migrations, backing up a non-empty database first. Upgrading
    a large database takes a while (a backup, then e.g. m011's day sums and m013's column drops:
    about a minute at a million petitions), so on a terminal a line on stderr says what is going on."""

    upgraded = []

    def before() -> None:  # (only for a database with tables: a new one is made in a moment)
        _say("正在升级数据库：先备份，再更新结构；数据较多时需要一两分钟，请勿关闭……")
        backup.backup_now(store, reason="premigrate")
        upgraded.append(True)

    done = migrations.migrate(store, registry.migration_sets(), before=before)
    if upgraded:
        _say("数据库升级完成。")
    return done


def _say(line: str) -> None:
    if sys.stderr is not None and sys.stderr.isatty():
        print(line, file=sys.stderr, flush=True)


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
