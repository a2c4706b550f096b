"""Private files: how dutydesk writes every file that can hold an identity (ledgers, exports,
letters, backups, crash logs), so that no other account reads it and no planted link or
half-written file ever takes its place.

- A file is written to a temporary file beside it (``.NAME.HOST-PID-TOKEN.dd.tmp``), created
  with ``O_CREAT | O_EXCL | O_NOFOLLOW`` and mode 0600, synced, then renamed over the target.
  A kill mid-write leaves only the temporary file, which :func:`clean_temp_files` removes at
  the next start (``bootstrap.open_store``) or the next write into that folder.
- A symbolic link at the target is replaced by the file, never followed (the rename replaces
  the link itself); a folder, a device or a FIFO at the target is refused.
- Missing folders are created 0700 (the folders dutydesk owns, its data, exports and backups
  folders, are made 0700 when it opens them).
- An existing file that dutydesk did not write is overwritten only with ``force=True``
  (``--force`` on the command line, a confirmation in the TUI); otherwise
  :class:`NotOursError` is raised before anything is written.

How "dutydesk wrote it" is known: each folder dutydesk writes into holds a small manifest,
``.dutydesk-written`` (JSON, 0600), of the files it wrote there with their size and
modification time (ns) just after the rename. A file is dutydesk's while both still match:
a file put there by someone else, or edited and saved since (by Excel, say), is not, and
overwriting it needs ``force``. Nothing else is stored (no xattrs, nothing inside the files),
so it works on every filesystem and for every format, .csv and .db included. Losing the
manifest only means one more ``--force``; two processes writing into one folder at once may
drop each other's entry, with the same result.

This module is in ``store`` so that every layer (exporters, domains, crash logs, backups)
writes through it; it knows no domain.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import stat
import time
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from ..errors import UserError

MANIFEST = ".dutydesk-written"
TEMP_SUFFIX = ".dd.tmp"
FILE_MODE = 0o600
DIR_MODE = 0o700
FOREIGN_TEMP_AGE_S = 24 * 3600  # a temporary file of another machine (a shared folder) is stale after a day
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class NotOursError(UserError):
    """The target exists and dutydesk did not write it: overwrite only when the user confirms."""

    def __init__(self, path: Path):
        super().__init__(f"文件已存在，且不是 dutydesk 写的：{path}（确认覆盖请加 --force）")
        self.path = Path(path)


def _host_tag() -> str:
    """8 hex digits naming this machine (temporary files in a shared folder tell whose they are)."""
    try:
        name = os.uname().nodename
    except AttributeError:  # pragma: no cover - Windows
        name = os.environ.get("COMPUTERNAME", "")
    return f"{zlib.crc32(name.encode('utf-8', 'replace')):08x}"


_HOST = _host_tag()
_TEMP_NAME = re.compile(r"^\..*\.([0-9a-f]{8})-(\d+)-[0-9a-f]+" + re.escape(TEMP_SUFFIX) + "$", re.S)
# temporary files of dutydesk 0.1 (backups: ``.NAME.PID.tmp``, ``.restore-PID.tmp``; bulletins: ``.tmp-XXXX``)
_LEGACY_PID_TEMP = re.compile(r"^\.(?:.+\.|restore-)(\d+)\.tmp$", re.S)
_LEGACY_ANON_TEMP = re.compile(r"^\.tmp-[A-Za-z0-9_]{6,}$")
LEGACY_ANON_AGE_S = 3600


# -- folders ------------------------------------------------------------------------------------
def make_private_dir(folder: str | os.PathLike, *, ours: bool = False) -> Path:
    """Create ``folder`` and its missing parents with mode 0700; with ``ours`` (a folder dutydesk
    owns: its data, exports or backups folder) an existing one is made 0700 too. Raises
    :class:`UserError` if it is not a folder."""
    folder = Path(folder)
    missing = []
    p = folder
    while not os.path.lexists(p) and p != p.parent:
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, DIR_MODE)
        except FileExistsError:
            continue
        except OSError as exc:
            raise UserError(f"无法创建文件夹 {d}：{exc.strerror or exc}") from exc
        _chmod_quietly(d, DIR_MODE)
    if not folder.is_dir():
        raise UserError(f"不是文件夹：{folder}")
    if ours and not folder.is_symlink():
        _chmod_quietly(folder, DIR_MODE)
    return folder


def _chmod_quietly(path: Path, mode: int) -> None:
    try:
        if not hasattr(os, "getuid") or os.stat(path).st_uid == os.getuid():
            os.chmod(path, mode)
    except OSError:  # pragma: no cover - someone else's folder: left as it is
        pass


# -- the manifest of files dutydesk wrote ------------------------------------------------------------
def _manifest_path(folder: Path) -> Path:
    return folder / MANIFEST


def _read_manifest(folder: Path) -> dict:
    try:
        fd = os.open(_manifest_path(folder), os.O_RDONLY | _NOFOLLOW | _BINARY)
    except OSError:
        return {}
    try:
        with os.fdopen(fd, "rb") as fh:
            data = json.loads(fh.read(4 * 1024 * 1024).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _fingerprint(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns]


def is_ours(path: str | os.PathLike) -> bool:
    """Whether dutydesk wrote the file at ``path`` (and nobody changed it since)."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and _read_manifest(path.parent).get(path.name) == _fingerprint(st)


def record(path: Path) -> None:
    """Add ``path`` (just written by dutydesk) to its folder's manifest; entries of files gone or
    changed are dropped. Never fails."""
    folder = path.parent
    entries = _read_manifest(folder)
    keep = {}
    for name, fp in entries.items():
        if name == path.name or not isinstance(name, str) or "/" in name:
            continue
        try:
            st = os.lstat(folder / name)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and fp == _fingerprint(st):
            keep[name] = fp
    try:
        keep[path.name] = _fingerprint(os.lstat(path))
        data = json.dumps(keep, ensure_ascii=False, sort_keys=True).encode("utf-8")
        with _temp_beside(_manifest_path(folder)) as (tmp, fd):
            _write_all(fd, data)
            os.replace(tmp, _manifest_path(folder))
    except OSError:  # pragma: no cover - the file is written; only the next overwrite will ask
        pass


# -- temporary files ----------------------------------------------------------------------------
def temp_name(target_name: str) -> str:
    """``.NAME.HOST-PID-TOKEN.dd.tmp``: the host and process that write it, so that
    :func:`clean_temp_files` knows when its writer is gone."""
    return f".{target_name[:80]}.{_HOST}-{os.getpid()}-{os.urandom(4).hex()}{TEMP_SUFFIX}"


@contextmanager
def _temp_beside(target: Path) -> Iterator[tuple[Path, int]]:
    """A new private temporary file in ``target``'s folder: (path, fd open for writing). It is
    removed on error and on exit unless it was renamed away."""
    tmp = target.parent / temp_name(target.name)
    try:
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, FILE_MODE)
    except OSError as exc:
        raise UserError(f"无法写入 {target.parent}：{exc.strerror or exc}") from exc
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)  # whatever the umask
        yield tmp, fd
    finally:
        os.close(fd)
        try:
            if os.path.lexists(tmp):
                os.unlink(tmp)
        except OSError:  # pragma: no cover
            pass


def create_temp(folder: str | os.PathLike, name: str) -> Path:
    """An empty private temporary file in ``folder`` (a scratch copy the caller removes); named
    like every temporary file here, so a killed process's one is cleaned at the next start."""
    folder = make_private_dir(folder)
    tmp = folder / temp_name(name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, FILE_MODE)
    os.close(fd)
    return tmp


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_temp_files(folder: str | os.PathLike, *, legacy: bool = False, now: float | None = None) -> list[Path]:
    """Remove the temporary files of writers that are gone (killed mid-backup or mid-export):
    this machine's whose process has ended, another machine's after a day; with ``legacy``
    (dutydesk's own backups and exports folders) also those of dutydesk 0.1. Returns what was
    removed. Never follows a link, never fails."""
    folder = Path(folder)
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    now = time.time() if now is None else now
    for name in names:
        if not name.startswith("."):
            continue
        stale = False
        if m := _TEMP_NAME.match(name):
            host, pid = m[1], int(m[2])
            stale = not _pid_alive(pid) if host == _HOST else _older_than(folder / name, FOREIGN_TEMP_AGE_S, now)
        elif legacy and (m := _LEGACY_PID_TEMP.match(name)):
            stale = not _pid_alive(int(m[1]))
        elif legacy and _LEGACY_ANON_TEMP.match(name):
            stale = _older_than(folder / name, LEGACY_ANON_AGE_S, now)
        if stale:
            try:
                if stat.S_ISREG(os.lstat(folder / name).st_mode) or os.path.islink(folder / name):
                    os.unlink(folder / name)
                    removed.append(folder / name)
            except OSError:
                continue
    return removed


def _older_than(path: Path, seconds: float, now: float) -> bool:
    try:
        return now - os.lstat(path).st_mtime > seconds
    except OSError:
        return False


# -- writing ------------------------------------------------------------------------------------
def check_target(path: str | os.PathLike, *, force: bool = False) -> Path:
    """Refuse a target that cannot be replaced: a folder, a device or FIFO, or (unless ``force``)
    an existing file dutydesk did not write. A symbolic link is fine: it will be replaced.
    Called before the work of an export, so the refusal comes first."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{exc.strerror or exc}") from exc
    if stat.S_ISLNK(st.st_mode):
        return path
    if stat.S_ISDIR(st.st_mode):
        raise UserError(f"这是一个文件夹，请给出文件名：{path}")
    if not stat.S_ISREG(st.st_mode):
        raise UserError(f"目标不是普通文件，不能覆盖：{path}")
    if not force and not is_ours(path):
        raise NotOursError(path)
    return path


@contextmanager
def private_output(path: str | os.PathLike, *, force: bool = False) -> Iterator[Path]:
    """Write ``path`` through a private temporary file: yields the temporary file's path (for
    writers that need a path, e.g. SQLite's backup); when the block ends without error it is
    renamed over ``path``. See the module's docstring for the rules."""
    path = Path(path)
    check_target(path, force=force)
    make_private_dir(path.parent)
    clean_temp_files(path.parent)
    with _temp_beside(path) as (tmp, fd):
        yield tmp
        _commit(tmp, fd, path, force)


@contextmanager
def private_stream(path: str | os.PathLike, *, force: bool = False) -> Iterator[IO[bytes]]:
    """:func:`private_output` as a binary file object (openpyxl, python-docx and csv write to it)."""
    path = Path(path)
    check_target(path, force=force)
    make_private_dir(path.parent)
    clean_temp_files(path.parent)
    with _temp_beside(path) as (tmp, fd):
        fh = os.fdopen(fd, "w+b", closefd=False)
        try:
            yield fh
            fh.flush()
        finally:
            fh.close()
        _commit(tmp, fd, path, force)


@contextmanager
def private_text(path: str | os.PathLike, *, force: bool = False, encoding: str = "utf-8",
                 newline: str | None = None) -> Iterator[IO[str]]:
    """:func:`private_stream` as a text file object."""
    with private_stream(path, force=force) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline=newline)
        try:
            yield text
            text.flush()
        finally:
            text.detach()


def write_private(path: str | os.PathLike, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` as a private file (see the module's docstring); returns ``path``."""
    with private_stream(path, force=force) as fh:
        fh.write(data)
    return Path(path)


def _commit(tmp: Path, fd: int, path: Path, force: bool) -> None:
    """Rename the finished temporary file over ``path``, after checking that it is still the file
    we created (nobody swapped it while a writer had only its name) and that the target may
    still be replaced (a file put there meanwhile is refused as before)."""
    st_fd, st_tmp = os.fstat(fd), os.lstat(tmp)
    if not stat.S_ISREG(st_tmp.st_mode) or (st_fd.st_dev, st_fd.st_ino) != (st_tmp.st_dev, st_tmp.st_ino):
        raise UserError(f"临时文件在写入时被替换，已放弃写入：{path}")
    if hasattr(os, "fchmod"):
        os.fchmod(fd, FILE_MODE)
    try:
        os.fsync(fd)
    except OSError as exc:  # pragma: no cover - e.g. a network drive that cannot sync
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    check_target(path, force=force)
    os.replace(tmp, path)
    record(path)


def read_private(path: str | os.PathLike, limit: int) -> bytes:
    """The last ``limit`` bytes of a regular file at ``path``, never through a link (b"" if
    there is none): for appending to a log by rewriting it."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY)
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            return b""
        if st.st_size > limit:
            fh.seek(st.st_size - limit)
        return fh.read(limit)
