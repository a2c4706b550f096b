"""The dutydesk Textual application."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Callable, Iterable

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import WorkerFailed

from .. import dates
from ..crashlog import crash_log_path, write_crash_log
from ..errors import UserError, ValidationError
from ..refdata import get_int_setting
from ..resources import tcss_path
from ..bootstrap import open_store
from ..store.db import Store
from ..text import clean, clean_line
from .base import BaseScreen, ask_overwrite
from .internals import (CachedStylesheet, ErrorHook, FirstFrameHook, SafeDispatch, build_mode, draw_off_screen,
                        keep_wide_chars_whole, mode_screen)
from .keys import keymap

SCREENS_ORDER = [
    ("roster", "值班表", "1"),
    ("petitions", "信访件", "2"),
    ("handoffs", "问题交办", "3"),
    ("bulletin", "工作简报", "4"),
    ("overview", "态势", "5"),
]


def _screen_factory(mode: str) -> Callable[[], Screen]:
    """Import a screen module only when its mode is first shown (keeps start-up fast)."""

    def make() -> Screen:
        import importlib

        name = "settings" if mode == "settings" else f"{mode}.screen"
        module = importlib.import_module(f"{__package__}.screens.{name}")
        cls_name = {"roster": "RosterScreen", "petitions": "PetitionsScreen", "handoffs": "HandoffsScreen",
                    "bulletin": "BulletinScreen", "overview": "OverviewScreen",
                    "settings": "SettingsScreen"}[mode]
        return getattr(module, cls_name)()

    return make


class DutyDeskApp(SafeDispatch, ErrorHook, FirstFrameHook, App):
    """Five screens over one store; keys 1-5 switch, 0 opens settings, F5 exports the bulletin,
    Ctrl+Z opens the trash (回收站) to undo a delete."""

    TITLE = "dutydesk"
    CSS_PATH = str(tcss_path())
    MODES = {m: _screen_factory(m) for m in ("roster", "petitions", "handoffs", "bulletin", "overview", "settings")}
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"
    COMMANDS = {lambda: _palette_commands()}
    BINDINGS = keymap("app", [
        ("1", "goto('roster')", "值班表", "goto_roster"), ("2", "goto('petitions')", "信访件", "goto_petitions"),
        ("3", "goto('handoffs')", "问题交办", "goto_handoffs"), ("4", "goto('bulletin')", "工作简报", "goto_bulletin"),
        ("5", "goto('overview')", "态势", "goto_overview"),
        ("0", "goto('settings')", "设置", "goto_settings"), ("f5", "export_bulletin", "签发/导出简报"),
        ("ctrl+z", "trash", "回收站"), ("f2", "desk", "值守人员"), ("ctrl+p", "command_palette", "命令", "palette"),
        ("ctrl+q", "quit", "退出"),
    ], priority={"export_bulletin", "command_palette", "quit"})

    def __init__(self, store: Store, *, strict: bool = False, start: str = "roster", prepare: bool = False,
                 css_cache: dict | None = None):
        self.store = store
        self.strict = strict
        self.start_mode = start
        self.prepare = prepare
        self.bulletin_date: dt.date | None = None
        self.desk_chosen: bool | None = None  # None: the remembered choice not read yet
        self.crash_count = 0
        self._crash_times: list[float] = []
        self._data_version: int | None = None
        self._last_input = time.monotonic()
        self._exit_after_paint = False
        # Start in the first screen's mode: Textual would build its default (empty) screen,
        # style and resume it, then switch: ~15 ms of the start for a screen nobody sees.
        self.DEFAULT_MODE = start
        keep_wide_chars_whole()  # 赵丽 whole in a list over other widgets (ui/internals.py)
        super().__init__()
        self.stylesheet = CachedStylesheet(variables=self.get_css_variables(),  # see ui/internals.py
                                           shared=css_cache)

    # -- lifecycle ----------------------------------------------------------------------
    def on_mount(self) -> None:
        self.title = "dutydesk"
        if self.current_mode != self.start_mode:
            self.switch_mode(self.start_mode)
        seconds = max(1, get_int_setting(self.store, "refresh_seconds", 5))
        self.set_interval(seconds, self.poll_changes, name="poll-changes")
        # bench/run.py times the start to the first painted screen: exit once it is on the terminal
        self._exit_after_paint = bool(os.environ.get("DUTYDESK_EXIT_AFTER_PAINT"))
        if self.prepare:
            self.set_timer(PREPARE_AFTER, self._prepare_next, name="prepare-screens")

    def _prepare_next(self, later: bool = False) -> None:
        """Build the list screens while the officer reads the first one, one per idle moment,
        so that keys 2 and 3 show a ready screen (~60 ms) instead of building it (~300 ms);
        then (``later``) the 态势 screen, once the keyboard has rested a moment."""
        for mode in LATER_MODES if later else PREPARED_MODES:
            if mode != self.current_mode and mode_screen(self, mode) is None:
                if later and time.monotonic() - self._last_input < IDLE_BEFORE_LATER:  # not under the fingers
                    self.set_timer(IDLE_BEFORE_LATER, lambda: self._prepare_next(True), name="prepare-later")
                    return
                try:
                    build_mode(self, mode)  # compose and mount it, without showing it
                    self.call_after_refresh(self._draw_prepared, mode)
                except Exception as exc:  # never in the way: the screen is then built on demand
                    self.log.warning(f"preparing {mode} failed: {exc!r}")
                    return
                self.set_timer(PREPARE_AFTER, lambda: self._prepare_next(later), name="prepare-screens")
                return
        if not later:
            self.call_after_refresh(_freeze_heap)
            self.set_interval(30, self._collect_when_idle, name="idle-gc")
            self.set_timer(PREPARE_AFTER, lambda: self._prepare_next(True), name="prepare-later")

    def _collect_when_idle(self) -> None:
        import gc

        if time.monotonic() - self._last_input > IDLE_GC_AFTER:
            gc.collect()

    async def on_event(self, event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def first_frame_written(self, screen: Screen) -> bool:
        """A whole screen was written to the terminal (``internals.FirstFrameHook``): the first
        one of dutydesk's screens ends the start."""
        if not isinstance(screen, BaseScreen):
            return False
        import gc

        gc.enable()  # off for the start (dutydesk.launch)
        if self._exit_after_paint:
            self.call_later(self.exit)
        return True

    def _draw_prepared(self, mode: str) -> None:
        """Style, lay out and draw a prepared screen off screen, so that showing it reuses all that."""
        screen = mode_screen(self, mode)
        if screen is None or screen is self.screen:
            return
        try:
            draw_off_screen(self, screen)
        except Exception as exc:  # only a head start: showing it draws it anyway
            self.log.warning(f"drawing {mode} failed: {exc!r}")

    def switch_mode(self, mode: str):
        """As Textual's, without its 50 ms pause before the first frame when the screen is built
        and up to date (nothing to hide: it is shown as it was). A screen that will reload or is
        built now keeps the pause, so a half-updated frame is never shown."""
        screen = mode_screen(self, mode)
        self._switch_without_delay = isinstance(screen, BaseScreen) and screen.is_fresh()
        try:
            return super().switch_mode(mode)
        finally:
            self._switch_without_delay = False

    def delay_update(self, delay: float = 0.05) -> None:
        if getattr(self, "_switch_without_delay", False):
            return
        super().delay_update(delay)

    def today(self) -> dt.date:
        return dates.today()

    def update_header(self, screen: Screen | None = None) -> None:
        from ..roster.service import on_duty_text
        from .widgets.header import AppHeader

        screen = screen or self.screen
        try:
            header = screen.query_one(AppHeader)
        except Exception:
            return
        today = self.today()
        try:
            duty = on_duty_text(self.store, today)
        except Exception:
            duty = "（值班信息读取失败）"
        header.show(f"dutydesk · {getattr(screen, 'SCREEN_TITLE', '')} · 值守 {self.desk_name()}",
                    dates.cn_date_long(today), f"今日值班：{duty}")

    # -- who is at the desk (ui/desk.py) ------------------------------------------------
    def desk_name(self) -> str:
        """The name records are signed with: fixed (--operator, login), picked here (F2,
        remembered per terminal), or until then the shift on duty's first officer."""
        store = self.store
        if not (store.operator_fixed or self.desk_chosen):
            from ..roster.desk import default_name
            from .desk import remembered

            if self.desk_chosen is None:  # once: the name picked at this terminal before
                name = remembered(store)
                self.desk_chosen = bool(name)
                if name:
                    store.operator = name
                    return name
            try:
                store.operator = default_name(store)
            except Exception:  # no roster tables yet: keep the operator as it is
                pass
        return store.operator

    def desk_signer(self) -> str:
        """The name a form of the shift on duty proposes (记录人, 交班人): the person at the desk when
        one was picked or logged in as someone on the roster, else the shift's first officer."""
        name = self.desk_name()
        if self.store.operator_fixed and not self.desk_chosen:
            from ..roster.desk import default_name
            from ..roster.people import find_person

            if find_person(self.store, name) is None:  # --operator root, a test operator: not a person
                return default_name(self.store)
        return name

    def action_desk(self) -> None:
        if not isinstance(self.screen, BaseScreen):
            self.notify("请先关闭当前对话框", severity="warning")
            return
        if self.store.operator_fixed:
            self.notify(f"值守人员已由登录或 --operator 指定：{self.store.operator}", markup=False)
            return
        from ..roster.desk import candidates
        from .desk import DeskModal, remember

        def chosen(name: str | None) -> None:
            if name:
                self.store.operator = name
                self.desk_chosen = True
                remember(self.store, name)
                self.update_header()
                self.notify(f"值守人员：{name}（本终端记住此选择）", markup=False)

        self.push_screen(DeskModal(self.desk_name(), *candidates(self.store)), chosen)

    def poll_changes(self) -> None:
        """Refresh the visible screen when another terminal committed something."""
        try:
            version = self.store.change_stamp()[0]  # PRAGMA data_version: commits of other connections
        except Exception:
            return
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        if changed:
            self.refresh_visible()

    def on_app_focus(self) -> None:
        """The terminal window got focus again: show what others changed meanwhile."""
        self.poll_changes()

    def refresh_visible(self) -> None:
        screen = self.screen
        if isinstance(screen, BaseScreen) and screen.is_mounted:  # (one still being built loads on its mount)
            screen.refresh_data()
            screen.mark_fresh()
            self.update_header(screen)

    # -- actions ------------------------------------------------------------------------
    def action_goto(self, mode: str) -> None:
        if len(self.screen_stack) > 1:  # a dialog is open: finish it first
            return
        self.switch_mode(mode)

    def action_export_bulletin(self) -> None:
        """F5: show what issuing would freeze and ask; an issued bulletin is exported as it was."""
        from ..bulletin.issuing import changes_since_issue, plan_issue

        if not isinstance(self.screen, BaseScreen):
            self.notify("请先关闭当前对话框", severity="warning")
            return
        day = self.bulletin_date or self.today()
        plan = plan_issue(self.store, day)
        if plan.issued:
            if changed := changes_since_issue(self.store, day):
                self.notify(f"{changed}；如需更正请在工作简报界面按 o 更正重开", severity="warning", markup=False)
            self._export_bulletin(day, draft=False)
            return
        from .screens.bulletin.issue import DRAFT, ISSUE, IssueModal

        def chosen(choice: str | None) -> None:
            if choice in (ISSUE, DRAFT):
                self._export_bulletin(day, draft=choice == DRAFT)

        self.push_screen(IssueModal(plan.question()), chosen)

    def action_export_bulletin_draft(self) -> None:
        """Export the bulletin as it stands, marked 征求意见稿, issuing nothing."""
        if not isinstance(self.screen, BaseScreen):
            self.notify("请先关闭当前对话框", severity="warning")
            return
        self._export_bulletin(self.bulletin_date or self.today(), draft=True)

    def _export_bulletin(self, day: dt.date, *, draft: bool) -> None:
        from ..bulletin.issuing import export_draft
        from ..bulletin.service import export_bulletin, export_targets
        from .workers import run_in_thread

        def start(force: bool) -> None:
            self.notify(f"正在导出 {dates.cn_date(day)} 的简报{'征求意见稿' if draft else ''}…", markup=False)
            work = (lambda store: export_draft(store, day)) if draft else \
                (lambda store: export_bulletin(store, day, force=force))
            run_in_thread(self, work, group="export", failed="导出失败", done=self._bulletin_exported)

        if draft:
            start(False)
        else:  # a file dutydesk did not write is replaced only when the user says so
            ask_overwrite(self, export_targets(self.store, day), start)

    def _bulletin_exported(self, paths: list[Path]) -> None:
        from .downloads import show_exported

        show_exported(self, paths, "简报已导出")
        self.refresh_visible()

    def action_trash(self) -> None:
        """回收站: every recently deleted record, restorable (an undo for any delete)."""
        if not isinstance(self.screen, BaseScreen):
            self.notify("请先关闭当前对话框，再按 Ctrl+Z 打开回收站", severity="warning", markup=False)
            return
        from .trash import TrashModal

        self.push_screen(TrashModal(self.store))

    async def action_quit(self) -> None:
        from .modals import ConfirmModal, FormModal  # dialogs' widgets are imported on first use

        dirty = [s for s in self.screen_stack if isinstance(s, FormModal) and s.dirty]
        if not dirty:
            self.exit()
            return
        for form in dirty:
            form.save_draft()

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmModal("有未保存的表单（草稿已保存，下次打开该表单可恢复）。确定退出？"), answered)

    # -- command palette ----------------------------------------------------------------
    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder="搜索命令（如：信访、导出、设置）…"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for mode, title, key in SCREENS_ORDER:
            yield SystemCommand(f"切换到：{title}", f"快捷键 {key}", lambda m=mode: self.action_goto(m))
        yield SystemCommand("打开设置", "单位、词表、节假日、简报设置（快捷键 0）", lambda: self.action_goto("settings"))
        yield SystemCommand("签发并导出今日简报", "先显示期号和信访数字，确认后签发并导出 .docx、.md、.txt（快捷键 F5）",
                            self.action_export_bulletin)
        yield SystemCommand("导出简报征求意见稿（不签发）", "按当前内容导出，标明征求意见稿，不占用期号",
                            self.action_export_bulletin_draft)
        yield SystemCommand("选择值守人员", "谁在这台终端值守：记录人、交班人和修改记录署此名（快捷键 F2）", self.action_desk)
        yield SystemCommand("回收站（撤销删除）", "查看最近删除的记录并恢复（快捷键 Ctrl+Z）", self.action_trash)
        if isinstance(screen, BaseScreen):
            yield from screen.palette_commands()
        yield SystemCommand("退出 dutydesk", "快捷键 Ctrl+Q", self.action_quit)

    # -- errors -------------------------------------------------------------------------
    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Notifications never carry control characters or ESC sequences (file names and error
        texts can), stay short, and text that is not valid markup is shown as is instead of crashing."""
        message, title = clean(message), clean_line(title)[:200]
        if len(message) > NOTIFY_MAX:
            message = message[: NOTIFY_MAX - 1] + "…"
        if markup:
            from textual.content import Content

            try:
                Content.from_markup(message)
            except Exception:
                markup = False
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def crash_log_path(self) -> Path:
        return crash_log_path(self.store.path)

    def report_crash(self, error: BaseException) -> Path | None:
        """Write the traceback (no local variables, no user data) next to the database."""
        self.crash_count += 1
        path = write_crash_log(self.crash_log_path(), error, secrets=self._identities_in(error))
        self.notify(
            f"发生意外错误，已记录到 {path}。可继续工作；如再出现请联系管理员。" if path else "发生意外错误。",
            severity="error", timeout=10, markup=False,
        )
        now = time.monotonic()
        self._crash_times = [t for t in self._crash_times if now - t < 60] + [now]
        if len(self._crash_times) >= CRASH_LIMIT:  # an error that repeats by itself: stop cleanly
            self.exit(return_code=1, message=f"dutydesk 连续发生意外错误，已退出（已保存的数据不受影响）。详情见：{path}")
        return path

    def _identities_in(self, error: BaseException) -> list[str]:
        """Petitioner identities an exception message quotes (hidden in the crash log)."""
        try:
            from ..crashlog import exception_messages
            from ..petitions.privacy import identities_in

            return identities_in(self.store, exception_messages(error))
        except Exception:  # the database itself may be what failed
            return []

    def handle_error(self, error: Exception) -> bool:
        """An exception Textual did not expect (a handler, a worker, a callback;
        ``internals.ErrorHook``): shown (``UserError``) or reported, and the app goes on. False:
        Textual's default follows (traceback and exit), in strict mode (tests) or if reporting
        failed."""
        if self.strict:
            return False
        if isinstance(error, WorkerFailed) and isinstance(error.error, Exception):
            error = error.error  # a thread worker (import, export): report what it raised
        if isinstance(error, UserError):
            self.notify(error.report() if isinstance(error, ValidationError) else str(error), severity="error", markup=False)
            return True
        try:
            self.report_crash(error)
        except Exception:
            return False
        return True


def _freeze_heap() -> None:
    """Keep the garbage collector's full collections out of the officer's way.

    Everything built so far (modules, screens, styles) is frozen: full collections no longer
    walk it. And they no longer come by themselves every few hundred young collections, which
    made about every tenth search keystroke take 50–150 ms longer (bench/ANALYSIS.md): the app
    runs them when the keyboard has been idle for a while (``DutyDeskApp._collect_when_idle``).
    Young collections run as usual, so memory use stays flat."""
    import gc

    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_GC_EVERY)


NOTIFY_MAX = 2000
FULL_GC_EVERY = 10_000  # middle-generation collections between automatic full ones (default 10)
IDLE_GC_AFTER = 5.0  # seconds without a key or click before a full collection may run
# Built in the background after the first paint, 信访件 last: a screen built before another
# one brings new widget CSS is restyled when first shown (~30 ms), the last one is not.
PREPARED_MODES = ("handoffs", "petitions")
# Then, once the keyboard has rested a moment, 态势 (its figures take ~40 ms at 100,000 petitions;
# built with the list screens it would delay a key 2 pressed right after the start).
LATER_MODES = ("overview",)
IDLE_BEFORE_LATER = 1.0  # seconds without a key or click
PREPARE_AFTER = 0.4  # seconds
CRASH_LIMIT = 20  # unexpected errors within a minute before the app exits cleanly


def _palette_commands():
    from .palette import DutydeskCommands  # with the palette, not at start-up

    return DutydeskCommands


def make_app(db_path: str | os.PathLike | None = None, *, operator: str | None = None,
             strict: bool = False, start: str = "roster", store: Store | None = None,
             prepare: bool = False, css_cache: dict | None = None) -> DutyDeskApp:
    """The one factory used by the CLI and the tests. ``prepare``: build the list screens in
    the background after the first paint; ``css_cache``: parsed CSS kept between runs (both as
    ``dutydesk`` runs)."""
    if store is None:
        store = open_store(db_path, operator=operator)
    return DutyDeskApp(store, strict=strict, start=start, prepare=prepare, css_cache=css_cache)


def run_tui(db_path: str | os.PathLike | None, *, operator: str | None = None) -> None:
    from .stylesheet import ParseCache, cache_path

    css_cache = ParseCache.load(cache_path())  # the CSS parsed by the last run (ui/stylesheet.py)
    app = make_app(db_path, operator=operator, prepare=True, css_cache=css_cache)
    try:
        app.run()
    finally:
        import gc

        gc.enable()  # (if the app ended before its first paint)
        app.store.close()
        css_cache.save(cache_path())
