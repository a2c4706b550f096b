"""Reliability of the app shell (issue 7): the conflict dialog, crash-safe form drafts, the
crash handler, hostile text on screen, and changes from another terminal."""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import threading
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Button, DataTable, Input, Static, TextArea

from dutydesk import refdata
from dutydesk.errors import UserError, ValidationError
from dutydesk.store import drafts
from dutydesk.store.db import Store
from dutydesk.text import clean, clean_line
from dutydesk.ui.base import BaseScreen
from dutydesk.ui.modals import ConfirmModal, ConflictModal, FormModal, MessageModal, field
from dutydesk.ui.widgets.cells import CELL_MAX, plain


class Host(App):
    """A bare app that opens one modal and records what it returns."""

    def __init__(self, make_screen):
        super().__init__()
        self.make_screen = make_screen
        self.results: list = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)


def text_of(widget: Static) -> str:
    return str(widget.render())


def notifications(app: App) -> list:
    return list(app._notifications)


# -- conflict dialog ---------------------------------------------------------------------------
LABELS = {"title": "标题", "unit": "责任单位", "note": "备注"}
MINE = {"title": "我改的标题", "unit": "零陵区", "note": "[b]粗[/b] [@click=app.quit]x[/]", "version": 1}
THEIRS = {"title": "对方改的标题", "unit": "零陵区", "note": "对方备注", "version": 2}


@pytest.mark.parametrize("key, expected", [("m", "mine"), ("t", "theirs"), ("escape", None)])
async def test_conflict_modal_shows_differences_and_returns_choice(key, expected):
    app = Host(lambda: ConflictModal(LABELS, MINE, THEIRS))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConflictModal)
        body = "\n".join(text_of(s) for s in app.screen.query(Static))
        assert "已被他人修改" in body
        assert "【标题】" in body and "我改的标题" in body and "对方改的标题" in body
        assert "【备注】" in body and "[b]粗[/b] [@click=app.quit]x[/]" in body  # markup shown as text
        assert "【责任单位】" not in body  # same on both sides: not listed
        await pilot.press(key)
        await pilot.pause()
        assert app.results == [expected]
        assert not isinstance(app.screen, ConflictModal)


async def test_conflict_modal_buttons():
    for button, expected in [("#mine", "mine"), ("#theirs", "theirs"), ("#back", None)]:
        app = Host(lambda: ConflictModal(LABELS, MINE, THEIRS))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.screen.query_one(button, Button).press()
            await pilot.pause()
            assert app.results == [expected]


async def test_conflict_modal_identical_records():
    app = Host(lambda: ConflictModal(LABELS, {"title": "同"}, {"title": "同", "note": None}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "（内容相同）" in "\n".join(text_of(s) for s in app.screen.query(Static))


# -- form drafts --------------------------------------------------------------------------------
class NoteForm(FormModal[dict]):
    TITLE_TEXT = "测试表单"

    def compose_fields(self) -> ComposeResult:
        yield field("名称", Input(id="name"))
        yield field("内容", TextArea(id="body"))

    def build(self, values: dict) -> dict:
        if not values["name"]:
            raise UserError("名称不能为空")
        return values


async def wait_for(predicate, pilot, timeout: float = 2.0) -> float:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError("timed out")
        await pilot.pause(0.05)
    return time.monotonic() - start


async def test_typing_saves_a_draft_that_survives_a_crash(store):
    key = "test.note"
    app = Host(lambda: NoteForm(store, draft_key=key))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NoteForm) and not form.dirty
        assert drafts.load_draft(store, key) is None
        form.query_one("#name", Input).focus()
        await pilot.press("a", "b", "c")
        form.query_one("#body", TextArea).focus()
        await pilot.pause()
        app.post_message(events.Paste("第一行\x1b[31m\n第二行 [/] 𠀀😀"))
        waited = await wait_for(lambda: (drafts.load_draft(store, key) or {}).get("body", "").endswith("😀"), pilot)
        assert waited < 1.0
        assert drafts.load_draft(store, key) == {"name": "abc", "body": "第一行\n第二行 [/] 𠀀😀"}
        assert form.dirty
    # the app is gone without saving (as after kill -9): a new form with the same key restores it
    app = Host(lambda: NoteForm(store, draft_key=key))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = app.screen
        assert form.query_one("#name", Input).value == "abc"
        assert form.query_one("#body", TextArea).text == "第一行\n第二行 [/] 𠀀😀"
        assert form.dirty
        assert any("已恢复" in n.message for n in notifications(app))
        # Esc on a dirty form asks; "no" keeps the form and the draft
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and app.results == []
        assert drafts.load_draft(store, key) is not None
        # saving returns the cleaned values and deletes the draft
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == [{"name": "abc", "body": "第一行\n第二行 [/] 𠀀😀"}]
        assert drafts.load_draft(store, key) is None


async def test_cancel_dirty_form_after_confirm_drops_draft(store):
    key = "test.cancel"
    app = Host(lambda: NoteForm(store, draft_key=key))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#name", Input).value = "市卫健委"
        await wait_for(lambda: drafts.load_draft(store, key) is not None, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert app.results == [None]
        assert drafts.load_draft(store, key) is None


async def test_bad_input_is_shown_in_the_form_and_nothing_returned(store):
    app = Host(lambda: NoteForm(store, draft_key="test.bad"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoteForm) and app.results == []
        assert "名称不能为空" in text_of(app.screen.query_one("#form-error", Static))


async def test_form_with_initial_values_is_not_dirty_until_edited(store):
    key = "test.edit"
    app = Host(lambda: NoteForm(store, initial={"name": "原名", "body": "原内容\n第二行"}, draft_key=key))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.8)  # longer than the draft delay
        assert not app.screen.dirty
        assert drafts.load_draft(store, key) is None  # no stale draft of unchanged values
        await pilot.press("escape")  # nothing typed: closes without asking
        await pilot.pause()
        assert app.results == [None]


# -- crash handling -----------------------------------------------------------------------------
def crash_log(store: Store):
    return store.path.parent / "dutydesk-crash.log"


async def test_unexpected_exception_is_logged_and_the_app_stays_usable(make_test_app, store):
    app = make_test_app(start="settings", strict=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.screen

        def broken_backup():
            petitioner_phone = "13812345678"  # a local: must not be dumped into the log
            raise RuntimeError("备份模块故障 " + str(len(petitioner_phone)))

        screen.action_backup = broken_backup
        await pilot.press("b")  # a screen binding: runs in the app's message loop
        await pilot.pause()
        assert app.is_running and app.crash_count == 1
        log = crash_log(store)
        assert log.exists() and stat.S_IMODE(os.stat(log).st_mode) == 0o600
        text = log.read_text(encoding="utf-8")
        assert "Traceback" in text and "RuntimeError: 备份模块故障 11" in text and "broken_backup" in text
        assert "13812345678" not in text
        assert any(n.severity == "error" and "意外错误" in n.message for n in notifications(app))

        # still usable: the same key now does its real work
        del screen.action_backup
        await pilot.press("b")
        await pilot.pause()
        assert any("已备份到" in n.message for n in notifications(app))
        assert (store.path.parent / "backups").is_dir()

        # a callback on the app's own queue; long numbers (phones, ID numbers) are masked in the log
        app.call_later(lambda: int("13812345678x"))
        await pilot.pause()
        text = log.read_text(encoding="utf-8")
        assert app.crash_count == 2 and "ValueError" in text and "*********78x" in text
        assert "13812345678" not in text

        # a handler in the screen's own message loop: the screen keeps processing messages
        def boom_refresh():
            raise KeyError("refresh")

        screen.refresh_data = boom_refresh
        from dutydesk import refdata

        refdata.set_setting(store, "org", "某市生态环境保护督察协调联络组")  # a change: shown again, it reloads
        screen.post_message(events.ScreenSuspend())
        screen.post_message(events.ScreenResume())
        await pilot.pause()
        assert app.crash_count == 3
        ran = []
        screen.call_later(ran.append, "alive")
        await pilot.pause()
        assert ran == ["alive"]
        del screen.refresh_data
        await pilot.press("ctrl+p")  # an app binding
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette" and app.is_running


async def test_an_error_that_keeps_repeating_exits_cleanly(make_test_app, store):
    from dutydesk.ui.app import CRASH_LIMIT

    app = make_test_app(start="settings", strict=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        app.set_interval(0.01, lambda: 1 / 0)
        await wait_for(lambda: app._exit, pilot, timeout=10)
    assert app.return_code == 1 and app.crash_count == CRASH_LIMIT
    assert crash_log(store).read_text(encoding="utf-8").count("ZeroDivisionError") == CRASH_LIMIT


async def test_user_error_in_handler_is_a_message_not_a_crash(make_test_app, store):
    app = make_test_app(start="settings", strict=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()

        def refuse():
            raise UserError("单位名称不能为空 \x1b[31m[/]")

        def refuse_rows():
            raise ValidationError("导入失败，未写入任何数据", problems=[(3, "日期无法识别")])

        app.screen.action_backup = refuse
        await pilot.press("b")
        await pilot.pause()
        app.screen.action_backup = refuse_rows
        await pilot.press("b")
        await pilot.pause()
        assert app.is_running and app.crash_count == 0
        assert not crash_log(store).exists()
        messages = [n.message for n in notifications(app) if n.severity == "error"]
        assert "单位名称不能为空 [/]" in messages  # cleaned, shown as text
        assert any("第3行：日期无法识别" in m for m in messages)


async def test_crash_in_a_worker_is_logged(make_test_app, store):
    app = make_test_app(start="settings", strict=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()

        def work():
            raise OSError("磁盘已满")

        app.run_worker(work, thread=True)
        await wait_for(lambda: app.crash_count == 1, pilot)
        assert "OSError: 磁盘已满" in crash_log(store).read_text(encoding="utf-8")
        assert app.is_running

        def refused():
            raise UserError("文件不是表格")

        app.run_worker(refused, thread=True)
        await wait_for(lambda: any("文件不是表格" in n.message for n in notifications(app)), pilot)
        assert app.crash_count == 1


# -- hostile text on screen ----------------------------------------------------------------------
SPECIAL = ["[/]", "[@click=app.quit]x[/]", "\x1b[31m红\x1b[0m", "[b]粗", "😀👨‍👩‍👧", "𠀀𪚥", "\x00\x07\r\n\t",
           "[link=file:///etc/passwd]点[/link]", "\u202e反向", "\\[转义]"]
hostile = st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(max_size=12)), min_size=1, max_size=6).map("".join)


@contextlib.contextmanager
def live(app: App, setup=None, size=(140, 40)):
    """Run ``app`` under Pilot in its own thread and event loop, so that many hypothesis
    examples run against one app; yields ``run(fn)``, which runs ``async fn(app, pilot)`` there.
    (Under pytest-asyncio each example would stop and restart the loop, ~1 s each.)"""
    from textual._context import active_app

    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict = {}

    async def main() -> None:
        try:
            async with app.run_test(size=size, notifications=True) as pilot:
                await pilot.pause()
                if setup is not None:
                    await setup(app, pilot)
                state.update(pilot=pilot, stop=asyncio.Event())
                ready.set()
                await state["stop"].wait()
        finally:
            ready.set()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(60) and "pilot" in state

    def run(fn):
        async def call():
            active_app.set(app)
            return await fn(app, state["pilot"])

        return asyncio.run_coroutine_threadsafe(call(), loop).result(60)

    try:
        yield run
    finally:
        loop.call_soon_threadsafe(state["stop"].set)
        thread.join(30)
        loop.close()


@pytest.fixture
def live_settings(store):
    """The settings screen, 单位 tab (visible, so its rows are rendered), plus a probe Static."""
    from dutydesk.ui.app import make_app

    async def setup(app, pilot):
        await pilot.press("right")
        await pilot.pause()
        await app.screen.mount(Static("", id="probe", markup=False))

    with live(make_app(store=store, strict=True, start="settings"), setup) as run:
        yield run


class Blank(App):
    """A bare host for forms opened one after another."""


@pytest.fixture
def live_forms():
    with live(Blank(), size=(120, 40)) as run:
        yield run


def _rendered(app: App) -> str:
    return "".join(seg.text for strip in app.screen._compositor.render_strips() for seg in strip)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=hostile)
@example(raw="单位" + "长" * 100_000)
@example(raw="𠀀")
@example(raw="[@click=app.quit]x[/]")
def test_hostile_unit_names_show_as_text(live_settings, store, raw):
    name = clean_line(raw)
    if not name or name in refdata.unit_names(store):
        return
    unit_id = refdata.add_unit(store, raw, short_name=raw)
    assert store.one("SELECT name, short_name FROM units WHERE id=?", [unit_id]) == {"name": name, "short_name": name}
    shown = name if len(name) <= CELL_MAX else name[: CELL_MAX - 1] + "…"
    assert plain(raw).plain == shown

    async def show(app, pilot):
        app.screen.refresh_data()
        table = app.screen.query_one("#units-table", DataTable)
        cell = table.get_row(name)[0]
        widths = [c.content_width for c in table.columns.values()]
        app.screen.query_one("#probe", Static).update(clean(raw))
        app.notify(raw, markup=False)
        app.notify(raw)  # even with markup on, bad markup must not crash
        await pilot.pause(0.02)
        return cell, widths, _rendered(app), app.is_running, isinstance(app.screen, BaseScreen)

    cell, widths, screen, running, on_settings = live_settings(show)
    assert cell.plain == shown  # a Rich Text, never parsed as markup
    assert max(widths) <= 2 * CELL_MAX  # a huge name does not make the column (and every redraw) huge
    assert running and on_settings
    assert "\x1b" not in screen and "\x00" not in screen
    with store.write():  # keep the next examples fast (a 100 KB row would be laid out every time)
        store.execute("DELETE FROM units WHERE id=?", [unit_id])

    async def tidy(app, pilot):
        app.clear_notifications()

    live_settings(tidy)


NOT_LINE_BREAKS = "".join(ch for ch in map(chr, range(0x3000)) if ch not in "\n\r" and len(("a" + ch + "b").splitlines()) > 1)
body_text = st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(st.characters(blacklist_characters=NOT_LINE_BREAKS),
                                                                max_size=12)), max_size=6).map("".join)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=hostile, body=body_text)
@example(name="[@click=app.quit]x[/]", body="𠀀😀\n" + "长" * 100_000)
def test_forms_return_exactly_the_cleaned_input(live_forms, store, name, body):
    """Whatever is typed or pasted, a form returns (and its draft keeps) the cleaned text."""
    drafts.delete_draft(store, "test.hypothesis")

    async def fill_and_save(app, pilot):
        results = []
        form = NoteForm(store, draft_key="test.hypothesis")
        await app.push_screen(form, results.append)
        await pilot.pause()
        form.query_one("#name", Input).value = name
        form.query_one("#body", TextArea).focus()
        app.post_message(events.Paste(body))
        await pilot.pause()
        draft_values = form.values()
        form.save_draft()
        draft_values = (draft_values, drafts.load_draft(store, "test.hypothesis"))
        if not clean_line(name):
            await pilot.press("ctrl+s")  # refused in the form, nothing returned
            await pilot.pause()
            refused = app.screen is form and "名称不能为空" in text_of(form.query_one("#form-error", Static))
            await pilot.press("escape")  # give up: asks only if something was typed
            await pilot.pause()
            if isinstance(app.screen, ConfirmModal):
                await pilot.press("y")
                await pilot.pause()
            return results[0] if results else "no result", draft_values, refused and app.screen is not form
        await pilot.press("ctrl+s")
        await pilot.pause()
        return results[0], draft_values, app.screen is not form

    result, draft_values, ok = live_forms(fill_and_save)
    expected = {"name": clean_line(name), "body": clean(body)}
    assert ok
    assert draft_values[0] == expected
    assert draft_values[1] == (expected if any(expected.values()) else None)  # the draft round-trips
    if expected["name"]:
        assert result == expected
    else:
        assert result is None
    assert drafts.load_draft(store, "test.hypothesis") is None  # saved or given up: draft gone


async def test_message_and_confirm_modals_show_hostile_text(store):
    raw = "[@click=app.quit]点我[/] \x1b[2J\x1b]0;标题\x07 [/] 𠀀😀\n" + "长" * 20_000
    app = Host(lambda: MessageModal("标题 [/]\x1b[31m", raw))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = "\n".join(text_of(s) for s in app.screen.query(Static))
        assert "[@click=app.quit]点我[/]" in shown and "\x1b" not in shown and "标题 [/]" in shown
        assert "\x1b" not in _rendered(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
    app = Host(lambda: ConfirmModal(raw))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "\x1b" not in _rendered(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.results == [False]


# -- another terminal ----------------------------------------------------------------------------
async def test_changes_from_another_terminal_refresh_the_visible_screen(make_test_app, store, db_path):
    from dutydesk.ui.app import make_app

    refdata.set_setting(store, "refresh_seconds", "1")
    other_store = Store(db_path, operator="乙")
    app = make_test_app(start="settings")
    other = make_app(store=other_store, strict=True, start="settings")
    try:
        async with app.run_test(size=(140, 40)) as pilot, other.run_test(size=(140, 40)) as other_pilot:
            await pilot.pause()
            await other_pilot.pause()
            screen = app.screen
            calls = []
            original = screen.refresh_data

            def spy():
                calls.append(time.monotonic())
                original()

            screen.refresh_data = spy
            app.poll_changes()  # baseline
            await pilot.pause(1.1)  # at least one timer tick
            assert calls == []  # nothing changed: no refresh

            refdata.add_unit(other_store, "另一终端新增的单位")  # the other terminal commits
            await wait_for(lambda: calls, pilot, timeout=3.0)
            table = screen.query_one("#units-table", DataTable)
            assert "另一终端新增的单位" in [str(k.value) for k in table.rows]

            # our own writes do not trigger a refresh storm
            calls.clear()
            refdata.add_unit(store, "本终端新增的单位")
            app.poll_changes()
            await pilot.pause(0.1)
            assert calls == []
            # and the other app sees ours
            other_calls = []
            other.screen.refresh_data = lambda: other_calls.append(1)
            other.poll_changes()  # catch up (no await in between: the timer cannot interleave)
            other_calls.clear()
            refdata.add_unit(store, "本终端又新增的单位")
            other.poll_changes()
            assert other_calls == [1]
    finally:
        other_store.close()
