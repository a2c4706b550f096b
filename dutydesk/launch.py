"""The ``dutydesk`` console script.

Plain ``dutydesk`` (optionally with ``--db FILE`` / ``--operator NAME``) opens the TUI straight
away; anything else (a subcommand, ``--help``, ``--version``, a mistake) goes to the click
command line in :mod:`dutydesk.cli`. Importing click and building the command tree is ~15 ms
that an office start does not need (bench/ANALYSIS.md, start-up).

Errors a user can cause end with one Chinese line on stderr and exit status 1, the same
lines whichever way the program was started (:func:`report_error`).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

TUI_OPTIONS = ("--db", "--operator")


def tui_options(args: list[str]) -> dict[str, str] | None:
    """``{"db": …, "operator": …}`` when ``args`` only name the database and/or the operator
    (``--db X``, ``--db=X``), else None (click handles it)."""
    found: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name not in TUI_OPTIONS or name[2:] in found:
            return None
        if not eq:
            if i + 1 >= len(args) or args[i + 1].startswith("-"):
                return None  # click says what is missing
            value = args[i + 1]
            i += 1
        if not value:
            return None
        found[name[2:]] = value
        i += 1
    return found


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
    from .store import default_db_path

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
        from .petitions.service import identities_in
        from .store.db import Store

        store = Store(opened.path, operator=opened.operator)  # the command's own is closed by now
        try:
            return identities_in(store, exception_messages(exc))
        finally:
            store.close()
    except Exception:
        return []


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    options = tui_options(args)
    if options is None:
        from .cli import main as cli_main

        cli_main(args)
        return
    # Importing Textual and building the first screen make ~120 young garbage collections, ~25 ms
    # of the start (bench/ANALYSIS.md), each walking objects that all live on. The collector is
    # off until the first screen is on the terminal (DutyDeskApp._display turns it back on).
    import gc

    gc.disable()
    from .store import default_db_path

    path = Path(options["db"]).expanduser() if "db" in options else default_db_path()
    try:
        from .ui.app import run_tui

        run_tui(path, operator=options.get("operator"))
    except Exception as exc:
        sys.exit(report_error(exc, path))
