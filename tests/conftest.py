"""Shared fixtures. Tests never read the shared folder: copies of what they need live in tests/data."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from dutydesk import dates

from fresh import new_store

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _own_config_folder(tmp_path_factory, monkeypatch):
    """The terminal's remembered choices (who is at the desk, the last import folder) go to a folder
    of the test run, never the developer's ~/.config."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "dutydesk.db"


@pytest.fixture
def store(db_path: Path):
    s = new_store(db_path, operator="测试员", daily_backup=False)
    yield s
    s.close()


@pytest.fixture
def freeze_today(monkeypatch):
    """Call ``freeze_today(date)`` to fix ``dutydesk.dates.today()``."""

    def freeze(day: dt.date) -> dt.date:
        monkeypatch.setattr(dates, "today", lambda: day)
        return day

    return freeze


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(db_path: Path, monkeypatch):
    """Run ``dutydesk --db <tmp db> ARGS`` in-process through the real entry point."""
    from dutydesk.cli.main import main

    monkeypatch.delenv("DUTYDESK_DB", raising=False)

    def run(*args: str, input: str | None = None, db: Path | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        argv = ["--db", str(db or db_path), "--operator", "测试员", *args]
        if input is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(input))
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def make_test_app(store):
    """Build the app over the test store; ``strict`` re-raises unexpected errors in tests."""
    from dutydesk.ui.app import make_app

    def make(start: str = "roster", **kw):
        return make_app(store=store, strict=kw.pop("strict", True), start=start, **kw)

    return make
