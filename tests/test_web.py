"""`dutydesk serve` (issue 17) through aiohttp's test client: logins, lockout, sessions, the app
over the websocket (textual-serve's protocol: binary frames are the terminal's output, text frames
JSON such as ["deliver_file_start", key]; the browser sends ["stdin", keys]), downloads."""

from __future__ import annotations

import asyncio
import codecs
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from unittest import mock

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request
from argon2 import PasswordHasher

from dutydesk import refdata
from dutydesk.users import accounts
from dutydesk.web import auth
from dutydesk.web.pages import WRONG_LOGIN
from dutydesk.web.server import DutydeskServer

PASSWORD = "dutydesk-secret-1"
F5 = "\x1b[15~"
ESCAPES = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-_]")


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """argon2id with small costs: the lockout tests check dozens of passwords (the real costs are
    the library's defaults, checked in test_users.py)."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(accounts, "_dummy_hash", None)


@pytest.fixture
def users(store):
    for name in ("王建国", "李明"):
        accounts.add_user(store, name, PASSWORD)
    return store


class Web:
    """A test client of one server; ``browser()`` is one more browser (its own cookie jar)."""

    def __init__(self, server: DutydeskServer, test_server: TestServer):
        self.server, self.test_server = server, test_server
        self.clients: list[TestClient] = []

    async def browser(self) -> TestClient:
        # cookies of an IP host (127.0.0.1) are kept only by an "unsafe" jar
        client = TestClient(self.test_server, cookie_jar=aiohttp.CookieJar(unsafe=True))
        await client.start_server()
        self.clients.append(client)
        return client


@pytest.fixture
async def web(users):
    server = DutydeskServer(users, host="127.0.0.1", port=0)
    test_server = TestServer(server.make_app(), host="127.0.0.1")
    await test_server.start_server()
    w = Web(server, test_server)
    yield w
    for client in w.clients:
        await client.close()
    await test_server.close()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html)[1]


async def login(client: TestClient, name: str = "王建国", password: str = PASSWORD, headers=None):
    page = await client.get("/login")
    token = csrf_of(await page.text())
    return await client.post("/login", data={"username": name, "password": password, "csrf": token},
                             headers=headers or {}, allow_redirects=False)


class Screen:
    """What the app drew so far (ESC sequences removed), and the JSON text frames it sent."""

    def __init__(self, ws):
        self.ws, self.text, self.frames = ws, "", []
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    async def until(self, predicate, timeout: float = 90.0) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not predicate():
            msg = await asyncio.wait_for(self.ws.receive(), max(0.1, end - loop.time()))
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.text += ESCAPES.sub("", self._decoder.decode(msg.data))
            elif msg.type == aiohttp.WSMsgType.TEXT:
                self.frames.append(json.loads(msg.data))
            else:
                raise AssertionError(f"websocket ended: {msg.type}")

    async def shows(self, word: str) -> None:
        await self.until(lambda: word in self.text)

    async def press(self, keys: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", keys]))


async def apps_end(web: Web, timeout: float = 20) -> None:
    """Every app process of the server has ended (within ``timeout``)."""
    for _ in range(int(timeout * 10)):
        if not web.server._apps:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"app processes still running: {web.server._apps}")


# -- without a session ----------------------------------------------------------------------------
async def test_without_a_session_the_app_page_is_the_login_and_the_websocket_and_downloads_are_403(web):
    client = await web.browser()
    r = await client.get("/", allow_redirects=False)
    assert r.status == 302 and r.headers["Location"] == "/login"
    r = await client.get("/")
    page = await r.text()
    assert r.status == 200 and r.url.path == "/login"
    assert "登录" in page and 'name="username"' in page and 'name="password"' in page and 'action="/login"' in page
    with pytest.raises(aiohttp.WSServerHandshakeError) as exc:
        await client.ws_connect("/ws")
    assert exc.value.status == 403
    assert (await client.get("/download/0123456789abcdef")).status == 403
    # a made-up or tampered session cookie is no session
    forged = await web.browser()
    forged.session.cookie_jar.update_cookies({auth.COOKIE: "x" * 43 + ".abc"})
    assert (await forged.get("/", allow_redirects=False)).status == 302
    with pytest.raises(aiohttp.WSServerHandshakeError) as exc:
        await forged.ws_connect("/ws")
    assert exc.value.status == 403


async def test_pages_forbid_framing_and_foreign_scripts(web):
    client = await web.browser()
    r = await client.get("/login")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["Cache-Control"] == "no-store"
    assert (await client.get("/", headers={"Host": "evil\"host"}, allow_redirects=False)).status == 400


# -- logging in -----------------------------------------------------------------------------------
async def test_a_wrong_password_or_name_gets_one_message_that_does_not_say_which(web, caplog):
    client = await web.browser()
    wrong_password = await login(client, "王建国", "not-the-password")
    text_1 = await wrong_password.text()
    unknown_name = await login(client, "张三丰", "not-the-password")
    text_2 = await unknown_name.text()
    assert wrong_password.status == unknown_name.status == 401
    assert WRONG_LOGIN in text_1 and WRONG_LOGIN in text_2
    assert re.sub(r'value="[^"]*"', "", text_1).replace("王建国", "") == \
        re.sub(r'value="[^"]*"', "", text_2).replace("张三丰", "")
    assert auth.COOKIE not in client.session.cookie_jar.filter_cookies(client.make_url("/"))
    assert "not-the-password" not in caplog.text and "not-the-password" not in text_1
    assert (await client.get("/", allow_redirects=False)).status == 302


async def test_the_login_form_needs_its_own_token_and_origin(web):
    client = await web.browser()
    page = await client.get("/login")
    token = csrf_of(await page.text())
    form = {"username": "王建国", "password": PASSWORD, "csrf": token}
    r = await client.post("/login", data=form, headers={"Origin": "http://evil.example"}, allow_redirects=False)
    assert r.status == 403
    r = await client.post("/login", data=dict(form, csrf="forged"), allow_redirects=False)
    assert r.status == 403
    other = await web.browser()  # a token without its cookie (another browser's form)
    assert (await other.post("/login", data=form, allow_redirects=False)).status == 403


async def test_a_name_is_locked_for_15_minutes_after_5_failures(web, users):
    client = await web.browser()
    for _ in range(accounts.NAME_LOCK_AFTER):
        assert (await login(client, "王建国", "wrong-password")).status == 401
    locked = await login(client, "王建国", PASSWORD)  # even the right password
    assert locked.status == 429 and "锁定" in await locked.text() and "15 分钟" in await locked.text()
    assert (await client.get("/", allow_redirects=False)).status == 302
    assert (await login(await web.browser(), "李明", PASSWORD)).status == 303  # other names are not locked
    # a name that does not exist is locked the same way (a lockout tells nothing about who exists)
    for _ in range(accounts.NAME_LOCK_AFTER):
        await login(client, "无此人", "wrong-password")
    assert (await login(client, "无此人", "wrong-password")).status == 429
    # when the 15 minutes are over the name may log in again
    users.execute("UPDATE login_failures SET locked_until = '2000-01-01 00:00:00' WHERE scope = 'name'")
    assert (await login(client, "王建国", PASSWORD)).status == 303


async def test_an_address_is_locked_after_20_failures(web):
    client = await web.browser()
    lan = {"X-Forwarded-For": "10.0.0.7"}  # a LAN client, through a proxy on this machine
    for i in range(accounts.ADDRESS_LOCK_AFTER):
        assert (await login(client, f"guess{i}", "wrong-password", headers=lan)).status == 401
    r = await login(client, "王建国", PASSWORD, headers=lan)
    assert r.status == 429 and "锁定" in await r.text()
    other = await web.browser()
    assert (await login(other, "王建国", PASSWORD, headers={"X-Forwarded-For": "10.0.0.8"})).status == 303


def test_only_a_proxy_on_this_machine_may_name_the_client_address():
    def request(peer: str, forwarded: str):
        transport = mock.Mock()
        transport.get_extra_info.side_effect = lambda key, default=None: (peer, 50000) if key == "peername" else default
        return make_mocked_request("POST", "/login", headers={"X-Forwarded-For": forwarded}, transport=transport)

    assert auth.client_address(request("127.0.0.1", "1.2.3.4, 10.0.0.9")) == "10.0.0.9"
    assert auth.client_address(request("10.0.0.5", "10.0.0.9")) == "10.0.0.5"  # a LAN client cannot choose
    assert auth.client_address(request("127.0.0.1", "nonsense")) == "127.0.0.1"


async def test_a_good_login_reaches_the_app_page_and_its_websocket_runs_the_app(web):
    client = await web.browser()
    r = await login(client)
    assert r.status == 303 and r.headers["Location"] == "/"
    cookie = next(c for c in r.headers.getall("Set-Cookie") if c.startswith(auth.COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert "Max-Age" not in cookie and "expires" not in cookie.lower()  # gone when the browser closes
    r = await client.get("/")
    page = await r.text()
    assert r.status == 200 and 'class="textual-terminal"' in page and "/static/js/textual.js" in page
    assert f'data-session-websocket-url="ws://127.0.0.1:{web.test_server.port}/ws"' in page
    assert "王建国" in page and 'action="/logout"' in page
    async with client.ws_connect("/ws?width=160&height=45") as ws:
        screen = Screen(ws)
        await screen.shows("值班表")
        await screen.press("2")
        await screen.shows("受理编号")


async def test_behind_https_the_cookie_is_secure_and_the_websocket_wss(web):
    client = await web.browser()
    https = {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{web.test_server.port}"}
    page = await client.get("/login", headers=https)
    assert "Secure" in page.headers["Set-Cookie"]
    token = csrf_of(await page.text())
    # (a client keeps a Secure cookie for https only: the test sends it itself)
    r = await client.post("/login", data={"username": "王建国", "password": PASSWORD, "csrf": token},
                          headers={**https, "Cookie": f"{auth.LOGIN_COOKIE}={token}"}, allow_redirects=False)
    assert r.status == 303
    session_cookie = next(c for c in r.headers.getall("Set-Cookie") if c.startswith(auth.COOKIE + "="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    value = session_cookie.split(";")[0]
    r = await client.get("/", headers={**https, "Cookie": value})
    assert f'data-session-websocket-url="wss://127.0.0.1:{web.test_server.port}/ws"' in await r.text()


async def test_logout_ends_the_session_and_its_app(web):
    client = await web.browser()
    await login(client)
    page = await (await client.get("/")).text()
    async with client.ws_connect("/ws?width=120&height=40") as ws:
        await Screen(ws).shows("值班表")
        r = await client.post("/logout", data={"csrf": csrf_of(page)}, allow_redirects=False)
        assert r.status == 303 and r.headers["Location"] == "/login"
        msg = await asyncio.wait_for(ws.receive(), 30)
        while msg.type == aiohttp.WSMsgType.BINARY:  # the last frames, then the close
            msg = await asyncio.wait_for(ws.receive(), 30)
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED)
    assert (await client.get("/", allow_redirects=False)).status == 302
    with pytest.raises(aiohttp.WSServerHandshakeError) as exc:
        await client.ws_connect("/ws")
    assert exc.value.status == 403
    assert len(web.server.sessions) == 0
    await apps_end(web)


async def test_disabling_a_user_closes_their_open_app(web, users, monkeypatch):
    from dutydesk.web import server as server_module

    monkeypatch.setattr(server_module, "WATCH_SECONDS", 0.2)
    client = await web.browser()
    await login(client)
    async with client.ws_connect("/ws?width=120&height=40") as ws:
        screen = Screen(ws)
        await screen.shows("值班表")
        accounts.set_disabled(users, "王建国", True)
        with pytest.raises(AssertionError, match="websocket ended"):
            await screen.until(lambda: False, timeout=30)
    await apps_end(web)


async def test_logout_needs_the_page_token(web):
    client = await web.browser()
    await login(client)
    assert (await client.post("/logout", data={"csrf": "forged"}, allow_redirects=False)).status == 403
    assert (await client.get("/", allow_redirects=False)).status == 200


async def test_a_session_ends_after_the_idle_time_of_the_settings(users):
    refdata.set_setting(users, "web_idle_minutes", "10")
    now = [1000.0]
    server = DutydeskServer(users, sessions=auth.Sessions(clock=lambda: now[0]))
    async with TestClient(TestServer(server.make_app(), host="127.0.0.1"),
                          cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        await login(client)
        now[0] += 9 * 60
        assert (await client.get("/", allow_redirects=False)).status == 200  # and this request counts as use
        now[0] += 9 * 60
        assert (await client.get("/", allow_redirects=False)).status == 200
        now[0] += 10 * 60 + 1
        assert (await client.get("/", allow_redirects=False)).status == 302


async def test_a_new_password_or_disabling_ends_the_sessions_of_that_user(web, users):
    wang, li = await web.browser(), await web.browser()
    await login(wang)
    await login(li, "李明")
    accounts.set_password(users, "王建国", "another-secret-2")
    assert (await wang.get("/", allow_redirects=False)).status == 302
    accounts.set_disabled(users, "李明", True)
    assert (await li.get("/", allow_redirects=False)).status == 302
    assert (await login(li, "李明")).status == 401


# -- what is done in the browser ----------------------------------------------------------------
async def test_f5_in_the_browser_offers_the_bulletin_as_a_download_and_audits_the_logged_in_name(web, users):
    from dutydesk.bulletin import service as bulletin

    bulletin.add_item(users, dt.date.today(), kind="news", title="督察组到宁远县调研", body="调研了水环境整治。")
    client = await web.browser()
    await login(client)
    async with client.ws_connect("/ws?width=160&height=45") as ws:
        screen = Screen(ws)
        await screen.shows("值班表")
        await screen.press(F5)
        await screen.shows("签发简报")  # F5 asks first
        await screen.press("y")
        await screen.until(lambda: any(f[0] == "deliver_file_start" for f in screen.frames))
        key = next(f[1] for f in screen.frames if f[0] == "deliver_file_start")
        # nobody else gets it: not without a session, not another person
        assert (await (await web.browser()).get(f"/download/{key}")).status == 403
        li = await web.browser()
        await login(li, "李明")
        assert (await li.get(f"/download/{key}")).status == 404
        r = await client.get(f"/download/{key}")
        assert r.status == 200 and r.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
        names = zipfile.ZipFile(io.BytesIO(await r.read())).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["docx", "md", "txt"]
    issued = users.one("SELECT operator FROM audit WHERE entity = 'bulletins' AND action = '签发'")
    assert issued["operator"] == "王建国"  # the login name, not the server's system user
    assert users.one("SELECT issued_by FROM bulletins WHERE status = 'issued'")["issued_by"] == "王建国"


def test_the_app_process_gets_the_name_as_an_argument_without_a_shell(users):
    server = DutydeskServer(users)
    argv = server.app_command("王建国")
    assert argv[-4:] == ["--db", str(users.path), "--operator", "王建国"]
    assert "-P" in argv  # not a dutydesk package found in the current folder


def test_exports_are_offered_as_a_download_only_in_a_browser(tmp_path):
    from dutydesk.ui.downloads import offer_download

    files = []
    for name in ("简报.docx", "简报.md", "简报.txt"):
        (tmp_path / name).write_bytes(name.encode())
        files.append(tmp_path / name)
    app = mock.Mock(is_web=False)
    offer_download(app, files)
    app.deliver_binary.assert_not_called()
    app = mock.Mock(is_web=True)
    offer_download(app, files[:1])
    app.deliver_binary.assert_called_once_with(files[0])
    app = mock.Mock(is_web=True)
    offer_download(app, files)
    (buffer,), options = app.deliver_binary.call_args
    assert options["save_filename"] == "简报.zip"
    assert sorted(zipfile.ZipFile(buffer).namelist()) == ["简报.docx", "简报.md", "简报.txt"]


# -- the serve command ------------------------------------------------------------------------------
def test_serve_refuses_to_start_without_a_user(run_cli, monkeypatch):
    started = []
    monkeypatch.setattr(DutydeskServer, "serve", lambda self, debug=False: started.append(self))
    r = run_cli("serve")
    assert r.exit_code == 1 and "users add" in r.stderr and not started


def test_serve_warns_of_plain_http_on_another_host(run_cli, monkeypatch):
    started = []
    monkeypatch.setattr(DutydeskServer, "serve", lambda self, debug=False: started.append(self))
    run_cli("users", "add", "王建国", "--password-stdin", input=PASSWORD + "\n")
    r = run_cli("serve")
    assert r.exit_code == 0 and started[-1].host == "127.0.0.1" and "警告" not in r.stderr
    r = run_cli("serve", "--host", "0.0.0.0", "--port", "8080")
    assert r.exit_code == 0 and started[-1].host == "0.0.0.0" and started[-1].port == 8080
    section = "Putting nginx or Caddy with TLS in front"
    assert "明文 http" in r.stderr and f"README.md 的 “{section}”" in r.stderr
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"### {section}\n" in readme and "proxy_set_header Upgrade" in readme and "reverse_proxy" in readme
