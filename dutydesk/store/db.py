"""The SQLite store: one file, WAL, foreign keys, long busy timeout, BEGIN IMMEDIATE writes."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..dates import now_iso
from ..errors import DatabaseLockedError, UserError
from .files import make_private_dir

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_S = 60.0
CACHE_KB = 32 * 1024
LARGE_WRITE_CACHE_KB = 16 * 1024  # while an import writes (Store.write(large=True))

# Checkpoints, and the continuous replica (`dutydesk replica run`, Litestream 0.5).
#
# Every connection keeps SQLite's own automatic checkpoint at its default (a PASSIVE checkpoint
# after a commit that leaves 1000 or more pages in the WAL), with or without a replicator
# running. Litestream's tips suggest turning automatic checkpoints off (wal_autocheckpoint=0)
# for servers under heavy write load, so that only Litestream checkpoints. We do not, because:
# - it cannot lose a change: Litestream keeps a read transaction open at all times, so an
#   application's PASSIVE checkpoint can copy into the database file only frames older than
#   Litestream's snapshot and can never reset the WAL under it (a reset needs every reader's
#   slot); Litestream drops that read lock only for its own checkpoint, while it holds the write
#   lock (its "checkpoint barrier"), so no commit of ours can slip in then. Should a reset ever
#   happen without Litestream, it notices (WAL salt and last frame) and uploads a fresh snapshot:
#   more upload, never a wrong replica (Litestream issue #547);
# - the tip is for heavy write load; a duty office commits a few times a minute, and an import
#   is one transaction;
# - with checkpoints off, the WAL (and every read) would grow without bound whenever no
#   replicator runs: not started, or stopped by kill -9, while a TUI stays open for days. The
#   database must stay healthy on its own; the replica is an extra.
# What the app must not do under Litestream it does not do: no FULL/RESTART/TRUNCATE checkpoint,
# no VACUUM of the live file, no journal mode but WAL. The 60 s busy timeout outlasts the short
# write locks Litestream takes to sync and checkpoint (its tips ask for at least 5 s), and
# synchronous=NORMAL is what the tips recommend in WAL mode.
WAL_AUTOCHECKPOINT_PAGES = 1000


ENV_OPERATOR = "DUTYDESK_OPERATOR"


def default_operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no passwd entry
        return "unknown"


def clean_operator(name: str | None) -> str:
    return (name or "").strip()


def _create_private_file(path: Path) -> None:
    """Create ``path`` with mode 0600 if it does not exist (missing folders 0700); an existing
    file is left as it is here (it is made private once it opened as a database: a file that is
    not one is refused untouched). A folder is refused (never chmod a folder)."""
    if path.is_dir():
        raise UserError(f"这是一个文件夹，不是数据库文件：{path}")
    make_private_dir(path.parent)
    if not path.exists():
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            return
        except OSError as exc:
            raise UserError(f"无法创建数据库文件 {path}：{exc.strerror or exc}") from exc
        os.close(fd)


def _make_private(path: Path) -> None:
    try:
        if path.is_file() and not path.is_symlink():
            os.chmod(path, 0o600)
    except OSError:  # pragma: no cover - not our file
        pass


class Store:
    """A connection to the dutydesk database.

    Reads go straight to the connection (``query``, ``one``, ``scalar``, ``execute``);
    ``self.db`` is a ``sqlite_utils.Database`` over the same connection, made on first use
    (importing sqlite-utils costs a sixth of a start-up). Every write runs inside
    ``with store.write():`` which opens a ``BEGIN IMMEDIATE`` transaction, so two terminals
    writing at once wait for each other instead of failing with "database is locked".
    """

    def __init__(self, path: str | os.PathLike, *, operator: str | None = None):
        self.path = Path(path).expanduser().resolve()
        fixed = clean_operator(operator) or clean_operator(os.environ.get(ENV_OPERATOR))
        self.operator_fixed = bool(fixed)  # --operator, $DUTYDESK_OPERATOR or a login: not changed at the desk
        self.operator = fixed or default_operator()
        _create_private_file(self.path)
        conn = None
        try:
            conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_S, check_same_thread=False
            )
            # Autocommit: transactions are only the explicit ones of write(). A stray statement
            # outside write() commits at once instead of opening an implicit transaction that would
            # hold the write lock (blocking every other terminal) until this process writes again.
            conn.isolation_level = None
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            self.conn = conn
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")  # the default: see above
            # 32 MB of pages kept by the connection (SQLite's default is 2 MB): a search touches
            # index pages all over a 100,000-petition database; with the default each new query
            # read most of them again (first-time search 15 ms median, 90 ms worst -> 11 / 25 ms)
            conn.execute(f"PRAGMA cache_size=-{CACHE_KB}")
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise UserError(f"无法打开数据库 {self.path}：{_explain(exc)}") from exc
        # A database (it opened as one): private, with the -wal/-shm files SQLite gives its mode
        # (an older version left them 0644).
        for suffix in ("", "-wal", "-shm", "-journal"):
            _make_private(Path(f"{self.path}{suffix}"))
        if str(mode).lower() != "wal":  # pragma: no cover - e.g. network filesystem
            pass
        self._lock = threading.RLock()
        self._depth = 0
        self._db: "sqlite_utils.Database | None" = None
        self.commits = 0  # write transactions committed through this connection

    def change_stamp(self) -> tuple[int, int]:
        """Changes since: equal stamps mean nothing was committed in between, here (``commits``)
        or by another connection (``PRAGMA data_version``)."""
        return self.scalar("PRAGMA data_version"), self.commits

    @property
    def db(self) -> "sqlite_utils.Database":
        """The connection as a ``sqlite_utils.Database`` (table helpers, migrations)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    # -- transactions -------------------------------------------------------------------
    @contextmanager
    def write(self, *, large: bool = False) -> Iterator["Store"]:
        """A write transaction (``BEGIN IMMEDIATE``); nested calls join the outer one.

        ``large`` (an import of thousands of rows): SQLite's statement journals (the undo of one
        statement, up to a few hundred KB for a row with triggers and indexes) stay in memory for
        this transaction instead of spilling to a temporary file; a 100,000-row import wrote that
        file 2.2 million times (4 s of system time). Its page cache is halved meanwhile
        (``LARGE_WRITE_CACHE_KB``): a large write fills any cache with pages it writes once, and
        the import holds its rows in memory besides (a 100,000-row import: 15 MB less at its
        peak, no slower)."""
        if large and not self._depth:
            with self._large_write_settings(), self.write() as store:
                yield store
            return
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            conn = self.conn
            if conn.in_transaction:  # an implicit transaction left open: finish it first
                conn.commit()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise DatabaseLockedError(f"数据库正忙（被其他终端长时间占用）：{_explain(exc)}") from exc
                raise UserError(f"无法写入数据库 {self.path}：{_explain(exc)}") from exc
            self._depth = 1
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                try:
                    conn.execute("COMMIT")
                    self.commits += 1
                except BaseException:
                    # e.g. a deferred foreign key: never leave a half-done transaction open
                    # (the next write would otherwise commit it)
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            finally:
                self._depth = 0

    @contextmanager
    def _large_write_settings(self) -> Iterator[None]:
        with self._lock:
            self.conn.execute("PRAGMA temp_store=MEMORY")  # (not allowed inside a transaction)
            self.conn.execute(f"PRAGMA cache_size=-{LARGE_WRITE_CACHE_KB}")
            try:
                yield
            finally:
                self.conn.execute("PRAGMA temp_store=DEFAULT")
                self.conn.execute(f"PRAGMA cache_size=-{CACHE_KB}")

    def clone(self) -> "Store":
        """A second connection to the same file (for a worker thread)."""
        return Store(self.path, operator=self.operator)

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:  # pragma: no cover
            pass

    # -- helpers ------------------------------------------------------------------------
    def query(self, sql: str, params: Any = ()) -> list[dict]:
        cur = self.conn.execute(sql, params)
        try:
            keys = [d[0] for d in cur.description or ()]
            return [dict(zip(keys, row)) for row in cur.fetchall()]
        finally:
            cur.close()

    def one(self, sql: str, params: Any = ()) -> dict | None:
        cur = self.conn.execute(sql, params)
        try:
            row = cur.fetchone()
            return dict(zip([d[0] for d in cur.description], row)) if row is not None else None
        finally:
            cur.close()  # an unfinished SELECT would hold a read snapshot (stale data, no checkpoint)

    def scalar(self, sql: str, params: Any = ()) -> Any:
        cur = self.conn.execute(sql, params)
        try:
            row = cur.fetchone()
        finally:
            cur.close()
        return row[0] if row else None

    def audit(self, entity: str, entity_id: Any, action: str, changes: dict | None = None) -> None:
        """Record who did what to which record. Call inside ``write()``."""
        self.conn.execute(
            "INSERT INTO audit (at, operator, entity, entity_id, action, changes) VALUES (?,?,?,?,?,?)",
            [now_iso(), self.operator, entity, str(entity_id), action,
             json.dumps(changes or {}, ensure_ascii=False, default=str)],
        )

    def history(self, entity: str, entity_id: Any) -> list[dict]:
        rows = self.query(
            "SELECT at, operator, action, changes FROM audit WHERE entity=? AND entity_id=? ORDER BY id",
            [entity, str(entity_id)],
        )
        for row in rows:
            row["changes"] = json.loads(row["changes"] or "{}")
        return rows


def _explain(exc: Exception) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return "数据库被锁定，请稍后再试"
    if "not a database" in text or "malformed" in text:
        return "文件不是 dutydesk 数据库或已损坏"
    if "unable to open" in text:
        return "无法打开文件（路径或权限有误）"
    if "readonly" in text or "read-only" in text:
        return "文件是只读的（请检查文件权限）"
    if "disk is full" in text or "I/O error" in text:
        return "磁盘已满或读写出错"
    return text
