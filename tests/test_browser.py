"""End to end in a real browser (issue 17): `dutydesk serve` on a test database, headless Chromium
driven by selenium logs in, sees 值班表, presses 2 and sees 受理编号.

What the page shows is read from the websocket frames the browser received (Chrome's network
log: xterm.js paints on a canvas, there is no text to read in the page), and the page must have
written them into its terminal (textual.js marks the body ``-first-byte``). Needs Debian's
``chromium`` and ``chromium-driver`` (.ci/run installs them); skipped where they are missing.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "dutydesk-secret-1"
ESCAPES = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-_]")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="no browser: apt-get install chromium chromium-driver (Debian) to run the end-to-end test",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """`dutydesk serve` on a fresh test database with one user, on a free loopback port."""
    from dutydesk.bootstrap import open_store
    from dutydesk.users.accounts import add_user

    db = tmp_path / "served.db"
    store = open_store(db, operator="测试员", daily_backup=False)
    add_user(store, "王建国", PASSWORD)
    store.close()
    port = free_port()
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from dutydesk.launch import main; main()"
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-P", "-c", code, "--db", str(db), "serve", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/login", timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("dutydesk serve did not start: " + (tmp_path / "serve.log").read_text(errors="replace"))
            time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.fixture
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1400,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


class Received:
    """The terminal output the browser received over its websocket, as text."""

    def __init__(self, driver):
        self.driver, self.text = driver, ""

    def _read(self) -> None:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.webSocketFrameReceived":
                frame = message["params"]["response"]
                if frame["opcode"] == 2:  # binary: what the app drew
                    self.text += base64.b64decode(frame["payloadData"]).decode("utf-8", "replace")

    def wait_for(self, word: str, timeout: float = 90) -> None:
        end = time.monotonic() + timeout
        while word not in ESCAPES.sub("", self.text):
            if time.monotonic() > end:
                raise AssertionError(f"{word!r} never drawn; got {ESCAPES.sub('', self.text)[-500:]!r}")
            time.sleep(0.3)
            self._read()


def test_log_in_see_the_roster_press_2_see_the_petitions(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(served + "/")
    assert browser.current_url.endswith("/login")  # no session: the login page
    browser.find_element(By.NAME, "username").send_keys("王建国")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 30).until(EC.url_to_be(served + "/"))

    received = Received(browser)
    received.wait_for("值班表")
    WebDriverWait(browser, 30).until(lambda d: "-first-byte" in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
    assert "操作人：王建国" in browser.find_element(By.CSS_SELECTOR, ".bar").text

    browser.find_element(By.ID, "terminal").click()  # focus the terminal, then type as a person would
    browser.switch_to.active_element.send_keys("2")
    received.wait_for("受理编号")
