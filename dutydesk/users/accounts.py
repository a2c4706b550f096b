"""Web users: add, list, change password, disable/enable; password checks and login lockout.

Passwords are kept only as argon2id hashes (argon2-cffi's defaults, RFC 9106): never in clear,
never in the audit log (it records the name and that the password changed, not the hash).
A user's ``version`` moves with every change of password or state, so a web session taken with
an older version ends (``session_stamp``).

Lockout: after ``NAME_LOCK_AFTER`` failed logins within ``LOCK_MINUTES`` a name is refused for
``LOCK_MINUTES`` (even with the right password), and an address after ``ADDRESS_LOCK_AFTER``.
Names are counted whether or not such a user exists, so a lockout tells nothing about who exists.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..dates import now_iso
from ..errors import UserError
from ..store import records
from ..store.db import Store
from ..text import clean_line, nfkc

TABLE = "users"
NAME_LOCK_AFTER = 5
ADDRESS_LOCK_AFTER = 20
LOCK_MINUTES = 15
MIN_PASSWORD = 8
MAX_PASSWORD = 256
MAX_NAME = 32

HASHER = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4
_NAME = re.compile(r"^[^\W_][\w.·\-]*$")
_dummy_hash: str | None = None


@dataclass(frozen=True)
class User:
    id: int
    name: str
    disabled: bool
    version: int
    created_at: str
    last_login_at: str | None


class LockedOut(UserError):
    """Too many failed logins for this name or from this address; try again later."""


def _user(row: dict) -> User:
    return User(row["id"], row["name"], bool(row["disabled_at"]), row["version"], row["created_at"] or "",
                row["last_login_at"])


# -- names and passwords ----------------------------------------------------------------------
def name_key(name: str) -> str:
    """The form a name is matched in (full-width → half-width, case folded)."""
    return nfkc(clean_line(name)).casefold()[:64]


def validate_name(name: str) -> str:
    value = nfkc(clean_line(name))
    if not value:
        raise UserError("用户名不能为空")
    if len(value) > MAX_NAME or not _NAME.match(value):
        raise UserError(f"用户名只能由汉字、字母、数字和 . · - 组成（不超过 {MAX_NAME} 个字，不以符号开头）：{value[:40]}")
    return value


def validate_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"密码不能超过 {MAX_PASSWORD} 个字符")
    if password != password.strip() or any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise UserError("密码不能以空格开头或结尾，也不能含控制字符")
    return password


def hash_password(password: str) -> str:
    return HASHER.hash(validate_password(password))


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Check ``password`` against an argon2 hash (slow on purpose: run it off the event loop).

    ``None`` (no such user) is checked against a dummy hash, so it takes as long as a real one."""
    global _dummy_hash
    if stored_hash is None:
        if _dummy_hash is None:
            _dummy_hash = HASHER.hash("dutydesk: no such user")
        _verify(_dummy_hash, password)
        return False
    return _verify(stored_hash, password)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password[:MAX_PASSWORD + 1])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# -- users ---------------------------------------------------------------------------------------
def find_user(store: Store, name: str) -> User | None:
    row = _row(store, name)
    return _user(row) if row else None


def _row(store: Store, name: str) -> dict | None:
    return store.one("SELECT * FROM users WHERE name_key = ? AND deleted_at IS NULL", [name_key(name)])


def _require(store: Store, name: str) -> dict:
    row = _row(store, name)
    if row is None:
        raise UserError(f"没有这个用户：{clean_line(name)[:40]}")
    return row


def add_user(store: Store, name: str, password: str) -> User:
    name = validate_name(name)
    password_hash = hash_password(password)
    now = now_iso()
    with store.write():
        if _row(store, name) is not None:
            raise UserError(f"用户已存在：{name}（改密码用 dutydesk users passwd）")
        cur = store.execute(
            "INSERT INTO users (name, name_key, password_hash, version, created_at, updated_at) VALUES (?,?,?,1,?,?)",
            [name, name_key(name), password_hash, now, now],
        )
        store.audit(TABLE, cur.lastrowid, "新增", {"name": name})  # never the hash
        return _user(_row(store, name))


def list_users(store: Store) -> list[User]:
    return [_user(r) for r in store.query("SELECT * FROM users WHERE deleted_at IS NULL ORDER BY name_key")]


def has_active_users(store: Store) -> bool:
    return bool(store.scalar("SELECT 1 FROM users WHERE disabled_at IS NULL AND deleted_at IS NULL LIMIT 1"))


def _hide_hash(diff: dict) -> dict:
    return {k: ("（已更改）" if k == "password_hash" else v) for k, v in diff.items()}


def set_password(store: Store, name: str, password: str) -> None:
    """A new password; ends the user's web sessions and lifts a lockout of the name."""
    password_hash = hash_password(password)
    with store.write():
        row = _require(store, name)
        records.update(store, TABLE, row["id"], {"password_hash": password_hash}, action="修改密码",
                       audit_view=_hide_hash)
        store.execute("DELETE FROM login_failures WHERE scope = 'name' AND key = ?", [row["name_key"]])


def set_disabled(store: Store, name: str, disabled: bool) -> None:
    """Disable (ends the user's web sessions at once) or enable a user."""
    with store.write():
        row = _require(store, name)
        if bool(row["disabled_at"]) == disabled:
            return
        records.update(store, TABLE, row["id"], {"disabled_at": now_iso() if disabled else None},
                       action="停用" if disabled else "启用")


def login_record(store: Store, name: str) -> tuple[User, str] | None:
    """The active user of this name and their hash, for a password check; None otherwise."""
    row = store.one("SELECT * FROM users WHERE name_key = ? AND disabled_at IS NULL AND deleted_at IS NULL",
                    [name_key(name)])
    return (_user(row), row["password_hash"]) if row else None


def session_stamp(store: Store, user_id: int) -> int | None:
    """The version a live session of this user must carry; None when the user may not log in."""
    return store.scalar("SELECT version FROM users WHERE id = ? AND disabled_at IS NULL AND deleted_at IS NULL",
                        [user_id])


# -- lockout -------------------------------------------------------------------------------------
def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).replace(microsecond=0)


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ")


def check_not_locked(store: Store, name: str, address: str, now: dt.datetime | None = None) -> None:
    """Raise :class:`LockedOut` while the name or the address is locked."""
    now = _now(now)
    row = store.one(
        "SELECT MAX(locked_until) AS until FROM login_failures WHERE locked_until > ? AND "
        "((scope = 'name' AND key = ?) OR (scope = 'address' AND key = ?))",
        [_stamp(now), name_key(name), address],
    )
    if row and row["until"]:
        minutes = max(1, -(-int((dt.datetime.fromisoformat(row["until"]) - now).total_seconds()) // 60))
        raise LockedOut(f"登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试")


def record_failure(store: Store, name: str, address: str, now: dt.datetime | None = None) -> None:
    now = _now(now)
    window = dt.timedelta(minutes=LOCK_MINUTES)
    with store.write():
        store.execute("DELETE FROM login_failures WHERE window_start < ? AND (locked_until IS NULL OR locked_until < ?)",
                      [_stamp(now - window), _stamp(now)])
        for scope, key, limit in (("name", name_key(name), NAME_LOCK_AFTER), ("address", address, ADDRESS_LOCK_AFTER)):
            row = store.one("SELECT * FROM login_failures WHERE scope = ? AND key = ?", [scope, key])
            if row is not None and (row["locked_until"] or "") > _stamp(now):
                continue  # locked already: attempts while locked do not extend the lock
            if row is None or row["locked_until"] or row["window_start"] < _stamp(now - window):
                failures, start = 0, _stamp(now)  # a new window
            else:
                failures, start = row["failures"], row["window_start"]
            failures += 1
            until = _stamp(now + window) if failures >= limit else None
            store.execute(
                "INSERT INTO login_failures (scope, key, failures, window_start, locked_until) VALUES (?,?,?,?,?) "
                "ON CONFLICT (scope, key) DO UPDATE SET failures = excluded.failures, "
                "window_start = excluded.window_start, locked_until = excluded.locked_until",
                [scope, key, failures, start, until],
            )


def record_success(store: Store, user: User, now: dt.datetime | None = None) -> None:
    with store.write():
        store.execute("DELETE FROM login_failures WHERE scope = 'name' AND key = ?", [name_key(user.name)])
        store.execute("UPDATE users SET last_login_at = ? WHERE id = ?", [_stamp(_now(now)), user.id])


def authenticate(store: Store, name: str, password: str, address: str, now: dt.datetime | None = None) -> User | None:
    """Check a login at once (the web server runs the same steps with the hash check off its event
    loop). Raises :class:`LockedOut`; returns None for a wrong name or password."""
    check_not_locked(store, name, address, now)
    found = login_record(store, name)
    if password_matches(found[1] if found else None, password) and found:
        record_success(store, found[0], now)
        return found[0]
    record_failure(store, name, address, now)
    return None
