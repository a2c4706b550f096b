"""Web sessions and the request facts the server trusts.

A session is a random id (32 bytes) kept in this server's memory; the browser holds it in a
cookie signed with HMAC-SHA256 under a secret made at start-up (never written anywhere). A
session ends on logout, after ``idle`` seconds without a request or a key/mouse event in the app,
after ``MAX_AGE`` in any case, when the user's password or state changes (the user's ``version``
is the session's ``stamp``), and when the server stops.

Lockout counters live in the database (:mod:`dutydesk.users.accounts`); this module only says
which address a request comes from.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Callable

from aiohttp import web

COOKIE = "dutydesk_session"
LOGIN_COOKIE = "dutydesk_login"  # the login form's CSRF token (double submit)
MAX_AGE = 12 * 3600  # seconds a session lives at most, active or not
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


@dataclass
class Session:
    id: str
    user_id: int
    name: str
    stamp: int  # the user's version at login
    idle: float  # seconds
    created: float
    last_seen: float
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))


class Sessions:
    """The live sessions of one server."""

    def __init__(self, *, secret: bytes | None = None, clock: Callable[[], float] = time.monotonic):
        self._secret = secret or secrets.token_bytes(32)
        self._clock = clock
        self._live: dict[str, Session] = {}

    def _sign(self, value: str) -> str:
        mac = hmac.new(self._secret, value.encode("utf-8", "replace"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")

    def start(self, user_id: int, name: str, stamp: int, idle: float) -> tuple[Session, str]:
        """A new session (a new id at every login); returns it and the cookie value."""
        now = self._clock()
        sid = secrets.token_urlsafe(32)
        session = Session(sid, user_id, name, stamp, idle, now, now)
        self._live[sid] = session
        return session, f"{sid}.{self._sign(sid)}"

    def get(self, cookie: str | None) -> Session | None:
        """The live session of a cookie value; None (and the session ended) once it expired."""
        sid, _, mac = (cookie or "").partition(".")
        if not sid or not mac or len(cookie or "") > 200:
            return None
        if not matches(mac, self._sign(sid)):
            return None
        session = self._live.get(sid)
        return session if session is not None and self.alive(session) else None

    def alive(self, session: Session) -> bool:
        """Still live (not ended, not idle too long, not too old); an expired session is ended."""
        if self._live.get(session.id) is not session:
            return False
        now = self._clock()
        if now - session.last_seen > session.idle or now - session.created > MAX_AGE:
            self.end(session.id)
            return False
        return True

    def touch(self, session: Session) -> None:
        session.last_seen = self._clock()

    def end(self, sid: str) -> None:
        self._live.pop(sid, None)

    def end_all(self) -> None:
        self._live.clear()

    def __len__(self) -> int:
        return len(self._live)


def is_https(request: web.Request) -> bool:
    """Served over https: directly, or behind a proxy that says so (X-Forwarded-Proto). A client
    that fakes the header only makes its own cookie Secure."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https"


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def client_address(request: web.Request) -> str:
    """The address lockouts count: the peer, or for a proxy on this machine (a loopback peer)
    the last address of X-Forwarded-For (the one that proxy added). A LAN client cannot choose it."""
    peer = request.remote or ""
    if _loopback(peer):
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return peer


def valid_host(request: web.Request) -> bool:
    return bool(_HOST.match(request.host or ""))


def origin(request: web.Request) -> str:
    """This server's origin as the browser sees it."""
    return f"{'https' if is_https(request) else 'http'}://{request.host}"


def same_origin(request: web.Request) -> bool:
    """A browser names the page that sent a POST or opened a websocket (Origin); it must be ours.
    Clients that send no Origin are not browsers (no cross-site request can come from them)."""
    sent = request.headers.get("Origin")
    return sent is None or sent == origin(request)


def set_cookie(response: web.StreamResponse, request: web.Request, name: str, value: str, path: str = "/") -> None:
    response.set_cookie(name, value, path=path, httponly=True, samesite="Strict", secure=is_https(request))


def matches(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and bool(a) and hmac.compare_digest(
        a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))
