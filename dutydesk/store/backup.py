"""Backups with SQLite's online backup API, private files (``store.files``), the last N kept."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import UserError
from . import files
from .db import Store
from .migration_set import MIGRATIONS_TABLE, MigrationSet
from .migrations import SCHEMA_GENERATION, is_empty, migrate

KEEP_DEFAULT = 14


def backup_dir(store: Store) -> Path:
    return store.path.parent / "backups"


def _ro_uri(path: Path, *, immutable: bool = False) -> str:
    """A read-only SQLite URI; ``as_uri`` percent-encodes ``?``, ``#`` and ``%`` in names."""
    return Path(path).expanduser().resolve().as_uri() + "?mode=ro" + ("&immutable=1" if immutable else "")


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a database file that leaves nothing beside it.

    Opening a WAL-mode file read-only makes SQLite create ``-wal`` and ``-shm`` files, which it
    cannot remove on close: a checked or restored backup would keep them forever. Without a
    ``-wal`` beside it the file holds all its data and is opened ``immutable`` (no side files);
    with one (a copy of a live database), the ``-shm`` this opening created is removed after."""
    path = Path(path).expanduser().resolve()
    side = {suffix: Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")}
    existed = {suffix: os.path.lexists(p) for suffix, p in side.items()}
    conn = sqlite3.connect(_ro_uri(path, immutable=not existed["-wal"]), uri=True)
    try:
        yield conn
    finally:
        conn.close()
        for suffix, p in side.items():
            if not existed[suffix]:
                try:
                    if os.path.isfile(p) and not os.path.islink(p):
                        p.unlink()
                except OSError:  # pragma: no cover
                    pass


def _copy(src: sqlite3.Connection, target: Path, *, force: bool = False) -> None:
    """Copy ``src`` into ``target`` atomically: a private temporary file, then rename
    (``store.files``). A crash or a kill mid-copy leaves no half-written file under the final
    name (which would otherwise count as today's backup or be restored later); the temporary
    file of a killed backup is removed at the next start."""
    with files.private_output(target, force=force) as tmp:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            # a standalone file: rollback journal, no -wal/-shm needed to read it
            dst.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            dst.close()


def _keep_setting(store: Store) -> int:
    try:
        return int(store.scalar("SELECT value FROM settings WHERE key='backup_keep'") or KEEP_DEFAULT)
    except (sqlite3.Error, ValueError, TypeError):
        return KEEP_DEFAULT


def backup_now(store: Store, *, target: Path | None = None, reason: str = "manual", keep: int | None = None,
               force: bool = False) -> Path:
    """Write a consistent copy of the database as a private file; returns its path. An existing
    ``target`` dutydesk did not write is replaced only with ``force`` (a link is replaced, never
    followed)."""
    if target is None:
        files.make_private_dir(backup_dir(store), ours=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = backup_dir(store) / f"{store.path.stem}-{stamp}-{reason}.db"
    target = Path(target).expanduser()
    if not target.is_symlink() and target.exists() and target.resolve() == store.path:
        raise UserError("备份文件不能与数据库是同一个文件")
    if target.is_dir():
        raise UserError(f"这是一个文件夹，请给出备份文件名：{target}")
    files.check_target(target, force=force)
    with store._lock:  # not in the middle of another thread's write() on this connection
        _copy(store.conn, target, force=force)
    if keep is None:
        keep = _keep_setting(store)
    if target.parent.resolve() == backup_dir(store).resolve():
        prune(store, keep)
    return target


def _backup_name(store: Store) -> re.Pattern:
    return re.compile(re.escape(store.path.stem) + r"-\d{8}-\d{6}-\d{6}-[A-Za-z0-9_]+\.db")


def list_backups(store: Store) -> list[Path]:
    """This database's automatic and manual backups, oldest first."""
    folder = backup_dir(store)
    if not folder.is_dir():
        return []
    pattern = _backup_name(store)
    return sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name) and p.is_file())


def prune(store: Store, keep: int) -> None:
    backups = list_backups(store)
    for old in backups[: max(0, len(backups) - max(1, keep))]:
        old.unlink(missing_ok=True)


def daily_backup(store: Store) -> Path | None:
    """Once a day, on the first start: back up unless today's backup exists."""
    today = dt.date.today().strftime("%Y%m%d")
    if any(p.name.startswith(f"{store.path.stem}-{today}-") for p in list_backups(store)):
        return None
    if is_empty(store):
        return None
    return backup_now(store, reason="daily")


def check_backup_file(path: Path, sets: list[MigrationSet]) -> None:
    """Refuse a file that is not a healthy dutydesk database (from this version or older);
    ``sets`` are the migration sets this version knows."""

    path = Path(path).expanduser()
    if not path.is_file():
        raise UserError(f"备份文件不存在：{path}")
    try:
        with read_only(path) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            applied = set()
            if MIGRATIONS_TABLE in tables:
                applied = {tuple(r) for r in conn.execute(f"SELECT migration_set, name FROM [{MIGRATIONS_TABLE}]")}
    except sqlite3.DatabaseError as exc:
        raise UserError(f"不是有效的数据库文件（或已损坏、被截断）：{path}") from exc
    if ok != "ok":
        raise UserError(f"备份文件已损坏（integrity_check：{str(ok)[:100]}）")
    if "settings" not in tables or MIGRATIONS_TABLE not in tables:
        raise UserError(f"不是 dutydesk 的数据库文件：{path}")
    known = {(s.name, name) for s in sets for name in s.names}
    if version > SCHEMA_GENERATION or any(a[0].startswith("dutydesk") and a not in known for a in applied):
        raise UserError(f"备份文件由更新版本的 dutydesk 创建，请先升级 dutydesk 再恢复：{path}")


@contextmanager
def _pages_from(source: Path, store: Store) -> Iterator[sqlite3.Connection]:
    """A connection to ``source`` whose page size matches the live database.

    The backup API cannot change the page size of a WAL database, so a file with another
    page size is first rewritten (VACUUM) into a private temporary copy, removed after.
    """
    want = store.scalar("PRAGMA page_size")
    with read_only(source) as src:
        if src.execute("PRAGMA page_size").fetchone()[0] == want:
            yield src
            return
        tmp = files.create_temp(backup_dir(store), "restore")
        try:
            conv = sqlite3.connect(str(tmp))
            try:
                src.backup(conv)
                conv.execute(f"PRAGMA page_size={int(want)}")
                conv.execute("VACUUM")
                yield conv
            finally:
                conv.close()
        finally:
            for p in (tmp, Path(f"{tmp}-journal")):
                p.unlink(missing_ok=True)


def restore(store: Store, source: Path, sets: list[MigrationSet]) -> Path:
    """Replace the database's content with ``source``; the current one is backed up first.

    Other terminals keep their connections and see the restored data on their next read.
    Returns the path of the safety backup of the replaced content.
    """
    source = Path(source).expanduser()
    if source.exists() and source.resolve() == store.path:
        raise UserError("不能用数据库文件自身恢复")
    check_backup_file(source, sets)
    safety = backup_now(store, reason="prerestore")
    with _pages_from(source, store) as src, store._lock:
        if store.conn.in_transaction:
            store.conn.commit()
        try:
            src.backup(store.conn)
        except sqlite3.OperationalError as exc:
            raise UserError(f"恢复失败（数据库未改动）：{exc}；恢复前的备份在 {safety}") from exc
    migrate(store, sets)  # an older backup: bring its schema up to this version
    with store.write():
        store.audit("database", store.path.name, "恢复备份", {"file": str(source), "safety_backup": str(safety)})
    return safety

