"""One Chinese line on stderr for an error a user can cause, the same whichever way dutydesk was
started (plain ``dutydesk`` or a subcommand); a crash-log line for a bug."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def report_error(exc: BaseException, db_path: str | Path | None = None, opened=None) -> int:
    """One Chinese line on stderr for an error the user can cause (or a crash-log line for a
    bug); returns the exit status."""
    from .errors import UserError, ValidationError

    if isinstance(exc, ValidationError):
        msg = exc.report()
    elif isinstance(exc, UserError):
        msg = str(exc)
    elif isinstance(exc, sqlite3.OperationalError):
        msg = "数据库被其他程序锁定，请稍后再试" if "locked" in str(exc) else f"数据库错误：{exc}"
    elif isinstance(exc, sqlite3.DatabaseError):
        msg = f"数据库文件无效或已损坏（{exc}）"
    elif isinstance(exc, OSError):
        msg = f"文件操作失败：{exc.strerror or exc}（{exc.filename or ''}）"
    else:  # a bug: one line for the user, the traceback in the crash log
        path = _log_crash(exc, db_path, opened)
        msg = f"发生意外错误（{type(exc).__name__}）" + (f"，详情已记录到 {path}" if path else "")
    print(f"错误：{msg}", file=sys.stderr)
    return 1


def _log_crash(exc: BaseException, db_path, opened) -> Path | None:
    from .crashlog import crash_log_path, write_crash_log
    from .store.paths import default_db_path

    try:
        db = db_path or default_db_path()
        return write_crash_log(crash_log_path(db), exc, secrets=_identities_in(exc, opened))
    except Exception:
        return None


def _identities_in(exc: BaseException, opened) -> list[str]:
    """Petitioner identities the exception's message quotes, if the database was opened."""
    if opened is None:
        return []
    try:
        from .crashlog import exception_messages
        from .petitions.privacy import identities_in
        from .store.db import Store

        store = Store(opened.path, operator=opened.operator)  # the command's own is closed by now
        try:
            return identities_in(store, exception_messages(exc))
        finally:
            store.close()
    except Exception:
        return []
