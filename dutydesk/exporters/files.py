"""Writing a set of generated files all or nothing, optionally private (mode 0600).

Every file is first written to a new temporary file beside its target, created with
``os.open(..., O_CREAT | O_EXCL | O_NOFOLLOW, mode)`` (never an existing file or a symlink,
so a private file is never readable by others, not even for a moment); only when all of them
are written are they renamed onto their targets. A folder that cannot be made or written to is
one Chinese line (:class:`UserError`) and leaves nothing behind.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o666  # less the umask, as any new file


@dataclass(frozen=True)
class OutFile:
    path: Path
    data: bytes
    private: bool = False


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有写入权限"
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return "路径中有同名的文件，不是文件夹"
    if isinstance(exc, IsADirectoryError):
        return "已有同名的文件夹"
    if getattr(exc, "errno", None) == 28:
        return "磁盘已满"
    if getattr(exc, "errno", None) == 30:
        return "只读的文件系统"
    return exc.strerror or type(exc).__name__


def _temp_beside(path: Path, data: bytes, mode: int) -> Path:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(20):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, flags, mode)
        except FileExistsError:
            continue
        try:
            if mode == PRIVATE_MODE and hasattr(os, "fchmod"):
                os.fchmod(fd, PRIVATE_MODE)  # whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        os.close(fd)
        return tmp
    raise FileExistsError(f"no free temporary name beside {path}")  # pragma: no cover


def _keep_aside(path: Path) -> Path | None:
    """A second name (hard link) for an existing file about to be replaced, to restore it if the
    set cannot be written whole; None when there is none (or links are not possible there)."""
    if not path.is_file() or path.is_symlink():
        return None
    for _ in range(20):
        aside = path.with_name(f".{path.name}.{secrets.token_hex(4)}.old")
        try:
            os.link(path, aside)
            return aside
        except FileExistsError:
            continue
        except OSError:
            return None
    return None  # pragma: no cover


def write_all(files: list[OutFile]) -> list[Path]:
    """Write ``files``; all of them or (on an error) none. Returns the paths written."""
    temps: list[tuple[Path, Path]] = []
    try:
        for f in files:
            folder = f.path.parent
            try:
                if f.path.is_dir():
                    raise IsADirectoryError(21, "Is a directory", str(f.path))
                folder.mkdir(parents=True, exist_ok=True)
                temps.append((_temp_beside(f.path, f.data, PRIVATE_MODE if f.private else PUBLIC_MODE), f.path))
            except OSError as exc:
                where = f.path if isinstance(exc, IsADirectoryError) else folder
                raise UserError(f"无法写入 {where}：{_reason(exc)}，未生成任何文件") from exc
        done: list[tuple[Path, Path | None]] = []  # (target, the earlier file kept aside, if any)
        aside: Path | None = None
        try:
            for tmp, target in temps:
                aside = _keep_aside(target)
                os.replace(tmp, target)
                done.append((target, aside))
                aside = None
        except OSError as exc:
            if aside is not None:  # the file that could not be replaced stays as it was
                aside.unlink(missing_ok=True)
            for path, earlier in reversed(done):  # put the others back as they were
                if earlier is not None:
                    os.replace(earlier, path)
                else:
                    path.unlink(missing_ok=True)
            raise UserError(f"无法写入 {target}：{_reason(exc)}，未生成任何文件") from exc
        for _, earlier in done:
            if earlier is not None:
                earlier.unlink(missing_ok=True)
        temps.clear()
        return [path for path, _ in done]
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
