"""Backups with SQLite's online backup API, private files, the last N kept."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

from ..errors import UserError
from .db import Store, _create_private_file

KEEP_DEFAULT = 14


def backup_dir(store: Store) -> Path:
    return store.path.parent / "backups"


def _copy(src: sqlite3.Connection, target: Path) -> None:
    _create_private_file(target)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
    os.chmod(target, 0o600)


def backup_now(store: Store, *, target: Path | None = None, reason: str = "manual", keep: int | None = None) -> Path:
    """Write a consistent copy of the database; returns its path."""
    if target is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = backup_dir(store) / f"{store.path.stem}-{stamp}-{reason}.db"
    target = Path(target).expanduser()
    if target.exists() and target.resolve() == store.path:
        raise UserError("备份文件不能与数据库是同一个文件")
    _copy(store.db.conn, target)
    if keep is None:
        try:
            keep = int(store.scalar("SELECT value FROM settings WHERE key='backup_keep'") or KEEP_DEFAULT)
        except sqlite3.Error:
            keep = KEEP_DEFAULT
    if target.parent == backup_dir(store):
        prune(store, keep)
    return target


def list_backups(store: Store) -> list[Path]:
    folder = backup_dir(store)
    if not folder.exists():
        return []
    return sorted(folder.glob(f"{store.path.stem}-*.db"))


def prune(store: Store, keep: int) -> None:
    backups = list_backups(store)
    for old in backups[: max(0, len(backups) - max(1, keep))]:
        old.unlink(missing_ok=True)


def daily_backup(store: Store) -> Path | None:
    """Once a day, on the first start: back up unless today's backup exists."""
    today = dt.date.today().strftime("%Y%m%d")
    if any(p.name.startswith(f"{store.path.stem}-{today}-") for p in list_backups(store)):
        return None
    if not store.db.table_names():
        return None
    return backup_now(store, reason="daily")


def check_backup_file(path: Path) -> None:
    """Refuse a file that is not a healthy dutydesk database."""
    if not path.is_file():
        raise UserError(f"备份文件不存在：{path}")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"不是有效的数据库文件：{path}") from exc
    if ok != "ok":
        raise UserError(f"备份文件已损坏（integrity_check：{ok}）")
    if "settings" not in tables or "_sqlite_migrations" not in tables:
        raise UserError(f"不是 dutydesk 的数据库文件：{path}")


def restore(store: Store, source: Path) -> Path:
    """Replace the database's content with ``source``; the current one is backed up first."""
    source = Path(source).expanduser()
    check_backup_file(source)
    safety = backup_now(store, reason="prerestore")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with store._lock:
            src.backup(store.db.conn)
    finally:
        src.close()
    return safety


def copy_file(src: Path, dst: Path) -> None:  # pragma: no cover - convenience
    shutil.copy2(src, dst)
    os.chmod(dst, 0o600)
