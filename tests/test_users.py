"""`dutydesk users` (issue 17): passwords as argon2id hashes, never in clear; lockout counting."""

from __future__ import annotations

import datetime as dt
import os
import pty
import select
import sys
import time
from pathlib import Path

import click
import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from dutydesk.users import accounts

PASSWORD = "dutydesk-secret-1"
ROOT = Path(__file__).resolve().parents[1]


def test_add_from_stdin_stores_an_argon2id_hash_never_the_password(run_cli, store):
    r = run_cli("users", "add", "王建国", "--password-stdin", input=PASSWORD + "\n")
    assert r.exit_code == 0, r.stderr
    assert PASSWORD not in r.stdout + r.stderr
    row = store.one("SELECT * FROM users WHERE name = '王建国'")
    assert row["password_hash"].startswith("$argon2id$")
    params = extract_parameters(row["password_hash"])
    assert params.type is Type.ID and params.memory_cost >= 64 * 1024 and params.time_cost >= 3
    assert PasswordHasher().verify(row["password_hash"], PASSWORD)
    dump = "\n".join(store.conn.iterdump())
    assert PASSWORD not in dump  # nowhere in the database
    audit = store.query("SELECT * FROM audit WHERE entity = 'users'")
    assert [a["action"] for a in audit] == ["新增"] and audit[0]["operator"] == "测试员"
    assert row["password_hash"] not in audit[0]["changes"]


def test_add_prompts_twice_without_echo(run_cli, store, monkeypatch):
    asked = []

    def hidden(prompt: str) -> str:  # click calls this only for hide_input=True prompts
        asked.append(prompt)
        return PASSWORD

    monkeypatch.setattr(click.termui, "hidden_prompt_func", hidden)
    r = run_cli("users", "add", "李明")
    assert r.exit_code == 0, r.stderr
    assert len(asked) == 2 and PASSWORD not in r.stdout + r.stderr
    assert accounts.authenticate(store, "李明", PASSWORD, "127.0.0.1") is not None

    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(click.termui, "hidden_prompt_func", lambda prompt: next(answers))
    r = run_cli("users", "add", "赵丽")
    assert r.exit_code == 1 and "两次输入的密码不一致" in r.stderr
    assert accounts.find_user(store, "赵丽") is None


def test_the_password_typed_at_a_real_terminal_is_not_echoed(db_path):
    """The prompt on a terminal (a pty): what is typed does not come back on the screen."""
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from dutydesk.launch import main; main()"
    pid, fd = pty.fork()
    if pid == 0:  # the child: dutydesk on the pty
        os.execv(sys.executable, [sys.executable, "-c", code, "--db", str(db_path), "--operator", "管理员",
                                  "users", "add", "王建国"])
    screen = b""

    def read_until(marker: bytes | None, timeout: float = 60) -> None:
        nonlocal screen
        end = time.monotonic() + timeout
        while marker is None or marker not in screen:
            ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
            if not ready:
                raise AssertionError(f"no {marker!r} in {screen.decode(errors='replace')!r}")
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child ended
                chunk = b""
            if not chunk:
                if marker is None:
                    return
                raise AssertionError(f"ended before {marker!r}: {screen.decode(errors='replace')!r}")
            screen += chunk

    try:
        read_until("新密码".encode())
        os.write(fd, PASSWORD.encode() + b"\n")
        read_until("再输入一次".encode())
        os.write(fd, PASSWORD.encode() + b"\n")
        read_until(None)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, screen
    assert "已添加用户：王建国".encode() in screen
    assert PASSWORD.encode() not in screen


def test_list_passwd_disable_enable(run_cli, store):
    run_cli("users", "add", "王建国", "--password-stdin", input=PASSWORD + "\n")
    run_cli("users", "add", "李明", "--password-stdin", input=PASSWORD + "\n")
    old_hash = store.scalar("SELECT password_hash FROM users WHERE name = '王建国'")
    r = run_cli("users", "passwd", "王建国", "--password-stdin", input="a-new-secret-2\n")
    assert r.exit_code == 0, r.stderr
    assert accounts.authenticate(store, "王建国", PASSWORD, "10.0.0.1") is None
    assert accounts.authenticate(store, "王建国", "a-new-secret-2", "10.0.0.1") is not None
    changed = store.one("SELECT changes FROM audit WHERE entity = 'users' AND action = '修改密码'")["changes"]
    assert "已更改" in changed and old_hash not in changed and "argon2" not in changed

    assert run_cli("users", "disable", "李明").exit_code == 0
    assert accounts.authenticate(store, "李明", PASSWORD, "10.0.0.1") is None
    listing = run_cli("users", "list").stdout
    assert "王建国\t启用" in listing and "李明\t停用" in listing and "argon2" not in listing
    assert run_cli("users", "enable", "李明").exit_code == 0
    assert accounts.authenticate(store, "李明", PASSWORD, "10.0.0.1") is not None


def test_user_errors_are_one_chinese_line(run_cli):
    assert run_cli("users", "add", "王建国", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    cases = [
        (("users", "add", "王建国", "--password-stdin"), PASSWORD + "\n", "用户已存在"),
        (("users", "add", "-x", "--password-stdin"), PASSWORD + "\n", None),  # click: no such option (exit 2)
        (("users", "add", "王 建国", "--password-stdin"), PASSWORD + "\n", "用户名只能"),
        (("users", "add", "赵丽", "--password-stdin"), "short\n", "密码至少"),
        (("users", "add", "赵丽", "--password-stdin"), "\n", "没有密码"),
        (("users", "passwd", "无此人", "--password-stdin"), PASSWORD + "\n", "没有这个用户"),
        (("users", "disable", "无此人"), None, "没有这个用户"),
    ]
    for args, given, message in cases:
        r = run_cli(*args, input=given)
        if message is None:
            assert r.exit_code == 2
            continue
        assert r.exit_code == 1 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
        assert "Traceback" not in r.stderr


def test_names_match_in_any_width_and_case(store):
    accounts.add_user(store, "Wang", PASSWORD)
    assert accounts.find_user(store, "ｗａｎｇ").name == "Wang"
    with pytest.raises(accounts.UserError, match="用户已存在"):
        accounts.add_user(store, "WANG", PASSWORD)


# -- lockout ------------------------------------------------------------------------------------
@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(accounts, "_dummy_hash", None)


def test_a_name_is_locked_15_minutes_after_5_failures_within_15_minutes(store, quick):
    accounts.add_user(store, "王建国", PASSWORD)
    t0 = dt.datetime(2026, 3, 1, 9, 0, 0)
    for i in range(4):
        assert accounts.authenticate(store, "王建国", "wrong", "10.0.0.1", t0 + dt.timedelta(minutes=i)) is None
    # four failures, then a good login: the count starts again
    assert accounts.authenticate(store, "王建国", PASSWORD, "10.0.0.1", t0 + dt.timedelta(minutes=5)) is not None
    for i in range(5):
        accounts.authenticate(store, "王建国", "wrong", "10.0.0.2", t0 + dt.timedelta(minutes=10, seconds=i))
    locked_at = t0 + dt.timedelta(minutes=10, seconds=4)
    with pytest.raises(accounts.LockedOut, match="15 分钟"):
        accounts.authenticate(store, "王建国", PASSWORD, "10.0.0.3", locked_at)
    with pytest.raises(accounts.LockedOut, match="1 分钟"):  # tries while locked do not extend the lock
        accounts.authenticate(store, "王建国", PASSWORD, "10.0.0.3", locked_at + dt.timedelta(minutes=14, seconds=30))
    assert accounts.authenticate(store, "王建国", PASSWORD, "10.0.0.3", locked_at + dt.timedelta(minutes=15)) is not None


def test_failures_older_than_15_minutes_do_not_count(store, quick):
    accounts.add_user(store, "王建国", PASSWORD)
    t0 = dt.datetime(2026, 3, 1, 9, 0, 0)
    for i in range(4):
        accounts.authenticate(store, "王建国", "wrong", "10.0.0.1", t0 + dt.timedelta(minutes=i))
    later = t0 + dt.timedelta(minutes=16)
    assert accounts.authenticate(store, "王建国", "wrong", "10.0.0.1", later) is None
    assert accounts.authenticate(store, "王建国", PASSWORD, "10.0.0.1", later) is not None


def test_an_address_is_locked_after_20_failures_and_a_new_password_unlocks_a_name(store, quick):
    accounts.add_user(store, "王建国", PASSWORD)
    t0 = dt.datetime(2026, 3, 1, 9, 0, 0)
    for i in range(19):
        accounts.authenticate(store, f"guess{i}", "wrong", "10.0.0.9", t0)
    assert accounts.authenticate(store, "王建国", PASSWORD, "10.0.0.9", t0) is not None  # 19: not yet
    accounts.authenticate(store, "guess19", "wrong", "10.0.0.9", t0)
    with pytest.raises(accounts.LockedOut):
        accounts.authenticate(store, "王建国", PASSWORD, "10.0.0.9", t0)
    assert accounts.authenticate(store, "王建国", PASSWORD, "10.0.0.10", t0) is not None

    for _ in range(5):
        accounts.authenticate(store, "王建国", "wrong", "10.0.0.11", t0)
    with pytest.raises(accounts.LockedOut):
        accounts.authenticate(store, "王建国", PASSWORD, "10.0.0.12", t0)
    accounts.set_password(store, "王建国", "a-new-secret-2")  # the administrator's way out
    assert accounts.authenticate(store, "王建国", "a-new-secret-2", "10.0.0.12", t0) is not None
