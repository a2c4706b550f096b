"""``dutydesk serve``: the TUI in a browser, behind per-person logins.

textual-serve's :class:`~textual_serve.server.Server` runs one app process per websocket and
relays the terminal to its ``textual.js``; it has no authentication. This subclass puts a login
in front of every route but the static files, and starts each app process as
``dutydesk --db DB --operator NAME`` with NAME the logged-in person (so the audit trail and the
history name them), without a shell. A download (F5 and the other exports, offered by the app
with ``App.deliver_binary``) is handed only to the session of the person whose app offered it.

This module never imports textual: the app runs in the process textual-serve starts.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from ..refdata import get_int_setting
from ..store.db import Store
from ..text import clean_line
from ..users import accounts
from . import auth
from .pages import EXPIRED_FORM, WRONG_LOGIN, app_page, login_page

log = logging.getLogger("dutydesk.web")

MAX_APPS_PER_SESSION = 4  # browser tabs of one login running the app at once
MAX_APPS = 40  # app processes of the whole server
WATCH_SECONDS = 5.0  # how often an open app checks that its session is still live
STOP_SECONDS = 5.0  # an app asked to quit is killed after this
MAX_COLUMNS, MAX_ROWS = 500, 200  # the largest terminal a browser may ask for
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding this dutydesk package


class UserAppService(AppService):
    """One app process for one browser tab of one logged-in person."""

    def __init__(self, argv: list[str], session: auth.Session, sessions: auth.Sessions, **kwargs):
        super().__init__(argv[0], **kwargs)
        self.argv = argv
        self.session = session
        self._sessions = sessions

    async def _open_app_process(self, width: int = 80, height: int = 24):
        # textual-serve runs its command through a shell; here the argv runs as is (a name is data)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width=width, height=height),
        )
        self._stdin = process.stdin
        return process

    async def send_bytes(self, data: bytes) -> bool:
        self._sessions.touch(self.session)  # a key or a click: the session is in use
        return await super().send_bytes(data)

    async def on_data(self, payload: bytes) -> None:
        try:
            await super().on_data(payload)
        except ConnectionError:
            pass  # the browser has gone: keep reading the app's output, or it cannot finish quitting

    async def on_meta(self, data: bytes) -> None:
        try:
            await super().on_meta(data)
        except ConnectionError:
            pass

    async def set_terminal_size(self, width: int, height: int) -> None:
        # the browser says how big its terminal is: a plausible size only (a huge one is memory)
        await super().set_terminal_size(min(max(int(width), 20), MAX_COLUMNS), min(max(int(height), 5), MAX_ROWS))

    async def stop(self) -> None:
        """Ask the app to quit; an app that does not end within ``STOP_SECONDS`` is killed."""
        try:
            await asyncio.wait_for(super().stop(), STOP_SECONDS)
        except asyncio.TimeoutError:
            log.warning("app of %s did not quit: killed", self.session.name)
        process = self._process
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), STOP_SECONDS)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()


class DutydeskServer(Server):
    def __init__(self, store: Store, *, host: str = "127.0.0.1", port: int = 8000,
                 sessions: auth.Sessions | None = None):
        super().__init__("dutydesk", host=host, port=port, title="dutydesk 值班台")
        self.store = store
        self.db_path = store.path
        self.sessions = sessions if sessions is not None else auth.Sessions()
        self._sockets: dict[str, set[web.WebSocketResponse]] = {}
        self._apps: set[UserAppService] = set()
        self._ending: set[asyncio.Future] = set()
        self._login_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dutydesk-login")
        self._login_store: Store | None = None

    # -- the aiohttp application ---------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        return self.make_app()

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/login", self.handle_login_page, name="login"),
            web.post("/login", self.handle_login),
            web.post("/logout", self.handle_logout, name="logout"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
            web.get("/favicon.ico", self.handle_favicon),
        ])
        app.middlewares.append(self._check_host)
        app.on_response_prepare.append(self._security_headers)
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _check_host(self, request: web.Request, handler):
        if not auth.valid_host(request):
            raise web.HTTPBadRequest(text="bad Host header")
        return await handler(request)

    async def _security_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")  # no-referrer would make Origin "null"
        if not request.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        if auth.valid_host(request):
            ws = ("wss://" if auth.is_https(request) else "ws://") + request.host
            headers.setdefault("Content-Security-Policy", (
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                f"font-src 'self' data:; connect-src 'self' {ws}; frame-ancestors 'none'; form-action 'self'; "
                "base-uri 'none'; object-src 'none'"))

    async def handle_favicon(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=204)

    # -- sessions ---------------------------------------------------------------------------------
    def session_of(self, request: web.Request) -> auth.Session | None:
        """The request's live session: a signed cookie of a session of this server, not idle too
        long, of a user still enabled and with the password they logged in with."""
        session = self.sessions.get(request.cookies.get(auth.COOKIE))
        if session is not None and not self._still_valid(session):
            return None
        return session

    def _still_valid(self, session: auth.Session) -> bool:
        if not self.sessions.alive(session):
            return False
        if accounts.session_stamp(self.store, session.user_id) != session.stamp:
            self.end_session(session)
            return False
        return True

    def end_session(self, session: auth.Session) -> None:
        self.sessions.end(session.id)
        for websocket in list(self._sockets.get(session.id, ())):
            asyncio.ensure_future(websocket.close())

    # -- pages --------------------------------------------------------------------------------
    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        session = self.session_of(request)
        if session is None:
            raise web.HTTPFound("/login")
        self.sessions.touch(session)
        ws = ("wss://" if auth.is_https(request) else "ws://") + request.host + "/ws"
        font_size = min(max(to_int(request.query.get("fontsize", "16"), 16), 8), 40)
        return web.Response(text=app_page(websocket_url=ws, user=session.name, csrf=session.csrf, font_size=font_size),
                            content_type="text/html")

    def login_response(self, request: web.Request, message: str | None = None, *, status: int = 200,
                       username: str = "") -> web.Response:
        token = secrets.token_urlsafe(24)
        response = web.Response(text=login_page(token, message, username), content_type="text/html", status=status)
        auth.set_cookie(response, request, auth.LOGIN_COOKIE, token, path="/login")
        return response

    async def handle_login_page(self, request: web.Request) -> web.StreamResponse:
        if self.session_of(request) is not None:
            raise web.HTTPFound("/")
        return self.login_response(request)

    async def handle_login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        if not auth.same_origin(request) or not auth.matches(form.get("csrf"), request.cookies.get(auth.LOGIN_COOKIE)):
            log.warning("登录表单被拒（来源 %s 或表单令牌不符），来自 %s", clean_line(request.headers.get("Origin", "-"))[:100],
                        auth.client_address(request))
            return self.login_response(request, EXPIRED_FORM, status=403)
        name, password = form.get("username"), form.get("password")
        if not isinstance(name, str) or not isinstance(password, str):
            return self.login_response(request, WRONG_LOGIN, status=401)
        name = clean_line(name)[:64]
        address = auth.client_address(request)
        try:
            user = await asyncio.get_running_loop().run_in_executor(
                self._login_thread, self._authenticate, name, password, address)
        except accounts.LockedOut as exc:
            log.warning("登录被拒（锁定中）：%s，来自 %s", _shown(self.store, name), address)
            return self.login_response(request, str(exc), status=429, username=name)
        if user is None:
            log.warning("登录失败：%s，来自 %s", _shown(self.store, name), address)
            return self.login_response(request, WRONG_LOGIN, status=401, username=name)
        idle = max(1, get_int_setting(self.store, "web_idle_minutes", 30)) * 60
        _, cookie = self.sessions.start(user.id, user.name, user.version, idle)
        log.info("登录：%s，来自 %s", user.name, address)
        response = web.Response(status=303, headers={"Location": "/"})
        auth.set_cookie(response, request, auth.COOKIE, cookie)
        response.del_cookie(auth.LOGIN_COOKIE, path="/login")
        return response

    def _authenticate(self, name: str, password: str, address: str) -> accounts.User | None:
        """In the login thread, on its own connection: one password check at a time, each with its
        count (parallel guesses cannot slip past the lockout; argon2's 64 MiB and ~0.1 s cannot be
        used to exhaust the machine), and a database busy with an import never stalls the pages."""
        if self._login_store is None:
            self._login_store = self.store.clone()
        return accounts.authenticate(self._login_store, name, password, address)

    async def handle_logout(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        session = self.sessions.get(request.cookies.get(auth.COOKIE))
        if session is not None and (not auth.same_origin(request) or not auth.matches(form.get("csrf"), session.csrf)):
            raise web.HTTPForbidden(text="logout refused: bad form")
        if session is not None:
            log.info("退出登录：%s", session.name)
            self.end_session(session)
        response = web.Response(status=303, headers={"Location": "/login"})
        response.del_cookie(auth.COOKIE, path="/")
        return response

    # -- the app and its downloads --------------------------------------------------------------
    def app_command(self, operator: str) -> list[str]:
        """The app process: this interpreter and this dutydesk package (not one found in the
        current folder: ``-P``), the served database, the logged-in person as the operator."""
        code = f"import sys; sys.path.insert(0, {str(PACKAGE_ROOT)!r}); from dutydesk.launch import main; main()"
        return [sys.executable, "-P", "-c", code, "--db", str(self.db_path), "--operator", operator]

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        session = self.session_of(request)
        if session is None or not auth.same_origin(request):
            raise web.HTTPForbidden(text="not logged in")
        open_here = self._sockets.setdefault(session.id, set())
        if len(open_here) >= MAX_APPS_PER_SESSION or sum(map(len, self._sockets.values())) >= MAX_APPS:
            raise web.HTTPServiceUnavailable(text="too many open apps")
        width = min(max(to_int(request.query.get("width", "80"), 80), 20), MAX_COLUMNS)
        height = min(max(to_int(request.query.get("height", "24"), 24), 5), MAX_ROWS)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=256 * 1024)
        await websocket.prepare(request)
        open_here.add(websocket)
        app_service = UserAppService(
            self.app_command(session.name), session, self.sessions, write_bytes=websocket.send_bytes,
            write_str=websocket.send_str, close=websocket.close, download_manager=self.download_manager,
        )
        self._apps.add(app_service)
        watch = asyncio.create_task(self._watch(session, websocket))
        log.info("打开界面：%s", session.name)
        try:
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except Exception as error:  # a bad message from the browser: end this tab's app
            log.warning("websocket of %s ended: %r", session.name, error)
        finally:
            watch.cancel()
            open_here.discard(websocket)
            if not open_here:
                self._sockets.pop(session.id, None)
            # aiohttp may cancel this handler once the browser has gone: the app is ended all the same
            ending = asyncio.ensure_future(self._end_app(app_service, websocket))
            self._ending.add(ending)
            ending.add_done_callback(self._ending.discard)
            await asyncio.shield(ending)
        return websocket

    async def _end_app(self, app_service: UserAppService, websocket: web.WebSocketResponse) -> None:
        try:
            await app_service.stop()
        finally:
            self._apps.discard(app_service)
        await websocket.close()

    async def _watch(self, session: auth.Session, websocket: web.WebSocketResponse) -> None:
        """Close the app when its session ends (logout, idle, password changed, user disabled)."""
        while not websocket.closed:
            await asyncio.sleep(WATCH_SECONDS)
            if not self._still_valid(session):
                await websocket.close()
                return

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        session = self.session_of(request)
        if session is None:
            raise web.HTTPForbidden(text="not logged in")
        try:
            meta = await self.download_manager.get_download_metadata(request.match_info["key"])
        except KeyError:
            raise web.HTTPNotFound(text="no such download") from None
        if getattr(meta.app_service, "session", None) is None or meta.app_service.session.user_id != session.user_id:
            raise web.HTTPNotFound(text="no such download")  # another person's file: not for this session
        self.sessions.touch(session)
        name = Path(meta.file_name).name or "download"
        fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
        content_type = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        response = web.StreamResponse(headers={
            "Content-Type": content_type,
            # always a download (a file is never shown as a page of this site)
            "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(name)}",
        })
        await response.prepare(request)
        async for chunk in self.download_manager.download(meta.delivery_key):
            await response.write(chunk)
        await response.write_eof()
        return response

    # -- start and stop ---------------------------------------------------------------------------
    def initialize_logging(self) -> None:
        # plain lines (textual-serve's handler prints local variables with tracebacks: a password could be one)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")

    async def on_startup(self, app: web.Application) -> None:
        log.info("dutydesk 网页版已启动（%s 端口 %s）", self.host, self.port)

    async def on_shutdown(self, app: web.Application) -> None:
        self.sessions.end_all()
        for sockets in list(self._sockets.values()):
            for websocket in list(sockets):
                await websocket.close()
        # every app process has ended before the server does
        await asyncio.gather(*self._ending, *(app.stop() for app in list(self._apps)), return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(self._login_thread, self._close_login_store)
        self._login_thread.shutdown(wait=False)

    def _close_login_store(self) -> None:
        if self._login_store is not None:
            self._login_store.close()
            self._login_store = None


def _shown(store: Store, name: str) -> str:
    """A name for the log: only names of real users (a password typed as the name is never logged)."""
    return name if name and accounts.find_user(store, name) is not None else "（未知用户名）"
