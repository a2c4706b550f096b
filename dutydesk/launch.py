"""The ``dutydesk`` console script.

Plain ``dutydesk`` (optionally with ``--db FILE`` / ``--operator NAME``) opens the TUI straight
away; anything else (a subcommand, ``--help``, ``--version``, a mistake) goes to the click
command line in :mod:`dutydesk.cli`. Importing click and building the command tree is ~15 ms
that an office start does not need (bench/ANALYSIS.md, start-up).

Errors a user can cause end with one Chinese line on stderr and exit status 1, the same
lines whichever way the program was started (:func:`report_error`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .reporting import report_error

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


def _open_tui(path: Path, operator: str | None) -> None:
    from .ui.app import run_tui

    run_tui(path, operator=operator)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    options = tui_options(args)
    if options is None:
        from .cli.main import main as cli_main

        cli_main(args, open_tui=_open_tui)
        return
    # Importing Textual and building the first screen make ~120 young garbage collections, ~25 ms
    # of the start (bench/ANALYSIS.md), each walking objects that all live on. The collector is
    # off until the first screen is on the terminal (DutyDeskApp._display turns it back on).
    import gc

    gc.disable()
    from .store.paths import default_db_path

    path = Path(options["db"]).expanduser() if "db" in options else default_db_path()
    try:
        from .ui.app import run_tui

        run_tui(path, operator=options.get("operator"))
    except Exception as exc:
        sys.exit(report_error(exc, path))


if __name__ == "__main__":  # python3 -m dutydesk.launch, as the console script
    main()
