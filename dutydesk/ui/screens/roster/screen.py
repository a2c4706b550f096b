"""值班表 screen: the roster of a period with conflicts, and the duty log of the selected shift
(``log_panel.py``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from .... import dates
from ....errors import UserError
from ....roster import dutylog, service, streaks
from ....roster import shifts as shiftmod
from ....roster.queries import has_active_people
from ....roster.shifts import Shift
from ....workdays import WorkCalendar
from ...base import UNDO_HINT, BaseScreen, ask_overwrite
from ...downloads import show_exported
from ...widgets.fast_table import FastTable
from ...workers import run_in_thread
from .log_panel import LOG_COLUMNS, DutyLogPanel
from ...keys import keymap

if TYPE_CHECKING:
    from .forms import GenerateValue, LeaveValue, SwapValue

# Dialogs (``..modals``, ``..editing``, ``.forms``: Input, Select, TextArea…) and the rotation and
# file modules are imported where they are used, not at start-up: this is the first screen, and
# importing them cost ~40 ms of a start (bench/ANALYSIS.md).

VIEWS = {"days": "近7天", "week": "一周", "month": "一月"}
# (key, label, shrink order, least width): on a narrow terminal the phones give up cells first
ROSTER_COLUMNS = [("date", "日期", 0, None), ("weekday", "星期", 0, None), ("holiday", "节假日", 3, 4),
                  ("shift", "班次", 0, None), ("leader", "带班领导", 0, None), ("members", "值班人员", 2, 8),
                  ("phones", "联系电话", 1, 8), ("note", "备注", 2, 4), ("conflicts", "冲突", 2, 4)]


class RosterScreen(DutyLogPanel, BaseScreen):
    SCREEN_TITLE = "值班表"
    BINDINGS = keymap("roster", [
        ("g", "generate", "排班生成"), ("e", "edit_day", "编辑当日"), ("s", "swap", "调班"), ("v", "leave", "请假"),
        ("p", "people", "人员管理"), ("n", "log_add", "记录日志"), ("b", "report_safe", "无事报平安"), ("j", "handover", "交班"),
    ], hidden=[
        ("d", "view('days')", "今天起", "view_days"), ("w", "view('week')", "周", "view_week"),
        ("m", "view('month')", "月", "view_month"), ("left_square_bracket", "shift_period(-1)", "上一段", "prev"),
        ("right_square_bracket", "shift_period(1)", "下一段", "next"), ("x", "log_done", "办结/重开"),
        ("delete,D", "log_delete", "删除日志"), ("X", "delete_day", "删除当日安排"),
        ("J", "delete_handover", "删除交班记录"), ("k", "takeover", "接班"), ("h", "history", "历史"),
        ("E", "export", "导出值班表"), ("I", "import", "导入值班表"),
    ])

    def __init__(self) -> None:
        super().__init__()
        self.view = "days"
        self.anchor: dt.date | None = None
        self.slots: list[service.Slot] = []
        self.long_runs: list[streaks.Streak] = []
        self.entries: list[dutylog.LogEntry] = []
        self.log_slot: tuple[dt.date, str] | None = None
        self._takeover_seen: set[int] = set()
        self._duty_seen: tuple[dt.date, Shift] | None = None
        self._ready = False

    def compose_body(self) -> ComposeResult:
        yield Static("", id="roster-period", classes="screen-title", markup=False)
        yield FastTable(id="roster-table")
        yield Static("", id="roster-status", markup=False)
        yield Static("", id="log-title", markup=False)
        yield FastTable(id="log-table")

    def on_mount(self) -> None:
        roster = self.query_one("#roster-table", FastTable)
        for key, label, shrink, least in ROSTER_COLUMNS:
            roster.add_column(label, key=key, shrink=shrink, min_width=least)
        log = self.query_one("#log-table", FastTable)
        for key, label, shrink, least in LOG_COLUMNS:
            log.add_column(label, key=key, shrink=shrink, min_width=least)
        self.anchor = self.duty_slot()[0]
        self._ready = True
        self.refresh_data(to_duty_slot=True)
        roster.focus()
        self._duty_seen = self.duty_slot()
        self.set_interval(30, self._watch_change_of_shift, name="roster-change-of-shift")

    def _watch_change_of_shift(self) -> None:
        """At the change of shift (e.g. 08:30) move the ▶ mark and the header, and offer the handover."""
        now = self.duty_slot()
        if now == self._duty_seen:
            return
        self._duty_seen = now
        if self.view == "days":
            self.anchor = now[0]
        if self.app.screen is self:
            self.refresh_data(to_duty_slot=True)
            self.dd.update_header(self)

    # -- data ---------------------------------------------------------------------------
    def duty_slot(self) -> tuple[dt.date, Shift]:
        return dutylog.current_slot(self.store)

    def period(self) -> tuple[dt.date, dt.date]:
        anchor = self.anchor or dates.today()
        if self.view == "week":
            start = anchor - dt.timedelta(days=anchor.weekday())
            return start, start + dt.timedelta(days=6)
        if self.view == "month":
            start = anchor.replace(day=1)
            return start, start + relativedelta(months=1) - dt.timedelta(days=1)
        return anchor, anchor + dt.timedelta(days=6)

    def refresh_data(self, *, to_duty_slot: bool = False) -> None:
        if not self._ready:
            return
        duty_day, duty_shift = self.duty_slot()
        duty_key = f"{duty_day.isoformat()}|{duty_shift.name}"
        table = self.query_one("#roster-table", FastTable)
        keep = self.selected_slot().key if (self.slots and not to_duty_slot) else duty_key
        start, end = self.period()
        cal = WorkCalendar(self.store)
        self.slots = service.load_range(self.store, start, end, calendar=cal)
        self.long_runs = streaks.long_streaks(self.store, start, end)
        rows = []
        for slot in self.slots:
            real = [c for c in slot.conflicts if c != service.NOT_ROSTERED]
            running = self._running_too_long(slot)
            style = "bold red" if real else ("dim" if slot.id is None else ("yellow" if running else ""))
            if slot.key == duty_key and not real:
                style = "bold yellow" if running else "bold"
            mark = "▶" if slot.key == duty_key else " "
            cells = [mark + dates.cn_date(slot.date, year=False), slot.weekday, slot.holiday, slot.shift,
                     slot.leader_name, slot.member_names, slot.phones, slot.note.replace("\n", " "),
                     "；".join(slot.conflicts + running)]
            rows.append((slot.key, cells, style))
        keys = [s.key for s in self.slots]
        table.set_rows(rows, cursor=keys.index(keep) if keep in keys else 0)
        what = {"days": f"{dates.cn_date(start, year=False)}起 7 天", "week": f"第{start.isocalendar()[1]}周",
                "month": f"{start.year}年{start.month}月"}[self.view]
        self.query_one("#roster-period", Static).update(
            f"值班表 · {what}（{dates.cn_date(start)}—{dates.cn_date(end, year=False)}）"
            "　d 今天起　w 周　m 月　[ ] 前后翻　Enter/e 编辑当日　Tab 切换到值班日志")
        conflicts = [f"{dates.cn_date(s.date, year=False)}{c}" for s in self.slots for c in s.conflicts
                     if c != service.NOT_ROSTERED]
        status = f"冲突 {len(conflicts)} 处：" + "；".join(conflicts[:8]) + ("…" if len(conflicts) > 8 else "") \
            if conflicts else "本期无冲突。"
        missing = sum(1 for s in self.slots if s.id is None)
        if missing:
            hint = "g 排班生成" if self._has_people() else "先按 p 添加人员，再按 g 排班生成"
            status += f"　未排班 {missing} 个班次（{hint}）"
        for warning in (streaks.warning_text(self.long_runs), cal.warning(), shiftmod.setting_problem(self.store)):
            if warning:
                status += "　" + warning
        status_line = self.query_one("#roster-status", Static)
        status_line.update(status)
        status_line.set_class(bool(conflicts), "roster-conflicts")
        status_line.set_class(bool(self.long_runs) and not conflicts, "roster-streaks")
        self.refresh_log()
        self.check_takeover()

    def _running_too_long(self, slot: service.Slot) -> list[str]:
        """赵丽连续第3天 for each person of ``slot`` on a duty day beyond the limit of a streak."""
        ids = {p.id for p in slot.people}
        return [f"{s.name}连续第{(slot.date - s.first).days + 1}天" for s in self.long_runs
                if s.person_id in ids and s.covers(slot.date) and (slot.date - s.first).days >= streaks.MAX_DAYS_RUNNING]

    def warn_streaks(self, *days: dt.date) -> None:
        """After a change to ``days``: a warning when someone is now on duty more than two days
        running through one of them (saved all the same)."""
        found = sorted({s for day in days for s in streaks.long_streaks(self.store, day, day)},
                       key=lambda s: (s.first, s.name))
        if found:
            self.notify(streaks.warning_text(found), title="注意", severity="warning", timeout=12, markup=False)

    def _has_people(self) -> bool:
        return has_active_people(self.store)

    def selected_slot(self) -> service.Slot:
        table = self.query_one("#roster-table", FastTable)
        row = table.cursor_row
        return self.slots[row] if 0 <= row < len(self.slots) else self.slots[0]

    @on(FastTable.RowHighlighted, "#roster-table")
    def _slot_changed(self) -> None:
        if self._ready and self.slots and self.log_slot != (self.selected_slot().date, self.selected_slot().shift):
            self.refresh_log()

    @on(FastTable.RowChosen, "#roster-table")
    def _slot_chosen(self) -> None:
        self.action_edit_day()

    @on(FastTable.RowChosen, "#log-table")
    def _entry_chosen(self) -> None:
        self.action_log_edit()

    def _run(self, fn, ok: str = "", *, warn: list[str] | None = None) -> bool:
        try:
            fn()
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False
        if warn:
            self.notify(f"{ok}\n注意冲突：" + "；".join(warn), severity="warning", timeout=10, markup=False)
            ok = ""
        self._done(ok)
        return True

    def _done(self, message: str = "") -> None:
        """After a change: say ``message``, reload the roster and the log, update the header."""
        if message:
            self.notify(message, markup=False)
        self.refresh_data()
        self.dd.update_header(self)

    # -- views --------------------------------------------------------------------------
    def action_view(self, view: str) -> None:
        self.view = view
        if view == "days":
            self.anchor = self.duty_slot()[0]
        self.refresh_data(to_duty_slot=view == "days")

    def action_shift_period(self, step: int) -> None:
        anchor = self.anchor or dates.today()
        self.anchor = anchor + (relativedelta(months=step) if self.view == "month" else dt.timedelta(days=7 * step))
        self.refresh_data()

    # -- roster -------------------------------------------------------------------------
    def action_edit_day(self) -> None:
        from ...editing import open_record_form
        from .forms import DayForm

        slot = self.selected_slot()
        when = f"{dates.cn_date(slot.date, year=False)} {slot.shift}"
        def saved(outcome) -> None:
            self._done(outcome.notice(f"已保存 {when} 的值班安排"))
            self.warn_streaks(slot.date)

        open_record_form(self, DayForm(self.store, slot), saved, self._done)

    def action_generate(self) -> None:
        from ....roster import rotation
        from .forms import GenerateForm

        if not self._has_people():
            self.notify("还没有值班人员：请先按 p 打开“人员管理”添加带班领导和值班人员", severity="warning",
                        markup=False)
            return
        start, end = self.period()

        def done(v: GenerateValue | None) -> None:
            if v is None:
                return
            result: list[rotation.GenerateResult] = []

            def run() -> None:
                result.append(rotation.generate(
                    self.store, v.start, v.end, v.leaders, v.officers, per_day=v.per_day,
                    skip_weekends=v.skip_weekends, skip_holidays=v.skip_holidays,
                    continue_rotation=v.continue_rotation, force=v.force))

            if self._run(run):
                warn = result[0].conflicts or result[0].kept or result[0].streaks
                self.notify(result[0].summary(), title="排班完成", timeout=12, markup=False,
                            severity="warning" if warn else "information")

        self.app.push_screen(GenerateForm(self.store, start, end), done)

    def action_swap(self) -> None:
        from .forms import SwapForm

        slot = self.selected_slot()
        if not slot.people:
            self.notify("该日无人值班，无法调班", severity="warning")
            return

        def done(v: SwapValue | None) -> None:
            if v is None:
                return
            conflicts: list[str] = []
            if self._run(lambda: conflicts.extend(service.swap(self.store, v.day1, v.name1, v.day2, v.name2,
                                                               shift=slot.shift)),
                         f"已调班：{v.name1} ↔ {v.name2}", warn=conflicts):
                self.warn_streaks(v.day1, v.day2)

        self.app.push_screen(SwapForm(self.store, slot), done)

    def action_leave(self) -> None:
        from .forms import LeaveForm

        slot = self.selected_slot()

        def done(v: LeaveValue | None) -> None:
            if v is None:
                return
            clashes: list[str] = []  # filled by run(), shown by _run()

            def run() -> None:
                days = service.add_leave(self.store, v.name, v.start, v.end, v.note)[1]
                clashes.extend(f"{v.name}在{d}已排班，请调整" for d in days)

            span = dates.cn_date(v.start, year=False) + (
                f"—{dates.cn_date(v.end, year=False)}" if v.end != v.start else "")
            self._run(run, f"已登记：{v.name} {span} 请假", warn=clashes)

        self.app.push_screen(LeaveForm(self.store, slot.date, slot.members[0].name if slot.members else None), done)

    def action_people(self) -> None:
        from .people import PeopleModal

        self.app.push_screen(PeopleModal(self.store), lambda _: self.refresh_data())

    def action_history(self) -> None:
        from ...modals import show_history

        if self.focused is self.query_one("#log-table", FastTable):
            entry = self.selected_entry()
            if entry:
                show_history(self.app, self.store, "duty_log", entry.id, title="值班日志修改记录",
                             labels=dutylog.LOG_LABELS)
            return
        slot = self.selected_slot()
        if slot.id is None:
            self.notify("该日尚未排班", severity="warning")
            return
        show_history(self.app, self.store, "roster_days", slot.id,
                     title=f"修改记录：{dates.cn_date(slot.date)} {slot.shift}", labels=service.DAY_LABELS)

    def action_delete_day(self) -> None:
        slot = self.selected_slot()
        when = f"{dates.cn_date(slot.date, year=False)} {slot.shift}"
        self.confirm_then(f"删除 {when} 的值班安排（{slot.leader_name or '—'}；{slot.member_names or '—'}）？\n"
                          "可在回收站（Ctrl+Z）恢复。", lambda: service.delete_slot(self.store, slot.date, slot.shift),
                          f"已删除 {when} 的值班安排（{UNDO_HINT}）")

    def action_delete_handover(self) -> None:
        slot = self.selected_slot()
        when = f"{dates.cn_date(slot.date, year=False)} {slot.shift}"
        self.confirm_then(f"删除 {when} 的交班记录？删除后本班次可重新交班。\n可在回收站（Ctrl+Z）恢复。",
                          lambda: dutylog.delete_handover(self.store, slot.date, slot.shift),
                          f"已删除 {when} 的交班记录（{UNDO_HINT}）")

    # -- files --------------------------------------------------------------------------
    def _exports_dir(self) -> Path:
        from ....refdata import exports_dir

        return exports_dir(self.store)

    def action_export(self) -> None:
        from ....roster import transfer

        start, end = self.period()
        folder = self._exports_dir()
        targets = [folder / f"值班表-{start.isoformat()}-{end.isoformat()}{suffix}" for suffix in (".xlsx", ".docx")]

        def begin(force: bool) -> None:
            self.notify("正在导出值班表…", markup=False)
            run_in_thread(self, lambda store: [transfer.export_roster(store, path, start, end, force=force)
                                               for path in targets], group="roster-files", failed="导出失败",
                          done=lambda paths: show_exported(self.app, paths, "值班表已导出"))

        ask_overwrite(self.app, targets, begin)

    def action_import(self) -> None:
        from .forms import ImportForm

        def done(path: str | None) -> None:
            if path:
                from ..intake.flow import start_import
                from ..intake.steps import roster_steps

                start_import(self, roster_steps(self, Path(path).expanduser()))

        self.app.push_screen(ImportForm(self.store, draft_key="roster.import"), done)
