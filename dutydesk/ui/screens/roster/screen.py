"""值班表 screen: the roster of a period with conflicts, and the duty log of the selected shift."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from .... import dates
from ....errors import ConflictError, UserError
from ....roster import dutylog, service
from ....roster import shifts as shiftmod
from ....roster.people import get_person
from ....roster.shifts import Shift
from ....workdays import WorkCalendar
from ...base import UNDO_HINT, BaseScreen
from ...widgets.cells import plain
from ...widgets.fast_table import FastTable

if TYPE_CHECKING:
    from .forms import DayValue, GenerateValue, HandoverValue, LeaveValue, LogValue, SwapValue

# Dialogs (``..modals``, ``.roster_forms``: Input, Select, TextArea…) and the rotation and file
# modules are imported where they are used, not at start-up: this is the first screen, and
# importing them cost ~40 ms of a start (bench/ANALYSIS.md).

VIEWS = {"days": "近7天", "week": "一周", "month": "一月"}
LOG_CONFLICT_LABELS = {k: dutylog.LOG_LABELS[k] for k in ("at_time", "kind", "from_unit", "from_name", "from_phone",
                                                            "content", "instruction", "recorder", "done")}


def _log_view(values: dict) -> dict:
    """A duty-log entry as the conflict dialog compares it (办结 in words)."""
    out = {k: values.get(k) for k in LOG_CONFLICT_LABELS}
    out["done"] = "是" if out["done"] else "否"
    return out
ROSTER_COLUMNS = [("date", "日期"), ("weekday", "星期"), ("holiday", "节假日"), ("shift", "班次"),
                  ("leader", "带班领导"), ("members", "值班人员"), ("phones", "联系电话"), ("note", "备注"),
                  ("conflicts", "冲突")]
LOG_COLUMNS = [("time", "时间"), ("kind", "类别"), ("caller", "来电/来访"), ("content", "内容"),
               ("instruction", "领导批示和处理意见"), ("recorder", "记录人"), ("state", "状态")]


class RosterScreen(BaseScreen):
    SCREEN_TITLE = "值班表"
    BINDINGS = [
        Binding("d", "view('days')", "今天起", id="roster.view_days", show=False),
        Binding("w", "view('week')", "周", id="roster.view_week", show=False),
        Binding("m", "view('month')", "月", id="roster.view_month", show=False),
        Binding("left_square_bracket", "shift_period(-1)", "上一段", id="roster.prev", show=False),
        Binding("right_square_bracket", "shift_period(1)", "下一段", id="roster.next", show=False),
        Binding("g", "generate", "排班生成", id="roster.generate"),
        Binding("e", "edit_day", "编辑当日", id="roster.edit_day"),
        Binding("s", "swap", "调班", id="roster.swap"),
        Binding("v", "leave", "请假", id="roster.leave"),
        Binding("p", "people", "人员管理", id="roster.people"),
        Binding("n", "log_add", "记录日志", id="roster.log_add"),
        Binding("x", "log_done", "办结/重开", id="roster.log_done", show=False),
        Binding("delete,D", "log_delete", "删除日志", id="roster.log_delete", show=False),
        Binding("b", "report_safe", "无事报平安", id="roster.report_safe"),
        Binding("j", "handover", "交班", id="roster.handover"),
        Binding("k", "takeover", "接班", id="roster.takeover", show=False),
        Binding("h", "history", "历史", id="roster.history", show=False),
        Binding("E", "export", "导出值班表", id="roster.export", show=False),
        Binding("I", "import", "导入值班表", id="roster.import", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "days"
        self.anchor: dt.date | None = None
        self.slots: list[service.Slot] = []
        self.entries: list[dutylog.LogEntry] = []
        self.log_slot: tuple[dt.date, str] | None = None
        self._takeover_seen: set[int] = set()
        self._duty_seen: tuple[dt.date, Shift] | None = None
        self._ready = False

    def compose_body(self) -> ComposeResult:
        yield Static("", id="roster-period", classes="screen-title", markup=False)
        yield FastTable(id="roster-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="roster-status", markup=False)
        yield Static("", id="log-title", markup=False)
        yield FastTable(id="log-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        roster = self.query_one("#roster-table", DataTable)
        for key, label in ROSTER_COLUMNS:
            roster.add_column(label, key=key)
        log = self.query_one("#log-table", DataTable)
        for key, label in LOG_COLUMNS:
            log.add_column(label, key=key)
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
        table = self.query_one("#roster-table", DataTable)
        keep = self.selected_slot().key if (self.slots and not to_duty_slot) else duty_key
        start, end = self.period()
        cal = WorkCalendar(self.store)
        self.slots = service.load_range(self.store, start, end, calendar=cal)
        table.clear()
        for slot in self.slots:
            real = [c for c in slot.conflicts if c != service.NOT_ROSTERED]
            style = "bold red" if real else ("dim" if slot.id is None else "")
            if slot.key == duty_key and not real:
                style = "bold"
            mark = "▶" if slot.key == duty_key else " "
            cells = [mark + dates.cn_date(slot.date, year=False), slot.weekday, slot.holiday, slot.shift,
                     slot.leader_name, slot.member_names, slot.phones, slot.note.split("\n")[0], "；".join(slot.conflicts)]
            table.add_row(*(plain(c, style) for c in cells), key=slot.key)
        keys = [s.key for s in self.slots]
        table.move_cursor(row=keys.index(keep) if keep in keys else 0, animate=False)
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
        for warning in (cal.warning(), shiftmod.setting_problem(self.store)):
            if warning:
                status += "　" + warning
        status_line = self.query_one("#roster-status", Static)
        status_line.update(status)
        status_line.set_class(bool(conflicts), "roster-conflicts")
        self.refresh_log()
        self.check_takeover()

    def _has_people(self) -> bool:
        return bool(self.store.scalar("SELECT 1 FROM people WHERE deleted_at IS NULL AND active = 1 LIMIT 1"))

    def selected_slot(self) -> service.Slot:
        table = self.query_one("#roster-table", DataTable)
        row = table.cursor_row
        return self.slots[row] if 0 <= row < len(self.slots) else self.slots[0]

    def refresh_log(self) -> None:
        if not self.slots:
            return
        slot = self.selected_slot()
        self.log_slot = (slot.date, slot.shift)
        try:
            self.entries = dutylog.shift_log(self.store, slot.date, slot.shift)
        except UserError:  # a shift name no longer configured
            self.entries = []
        duty_day, duty_shift = self.duty_slot()
        current = (slot.date, slot.shift) == (duty_day, duty_shift.name)
        open_count = sum(1 for e in self.entries if not e.done)
        handover = dutylog.get_handover(self.store, slot.date, slot.shift) if slot.shift else None
        state = ""
        if handover:
            state = f"　已交班（{handover.by_operator}）" + (f"，{handover.taken_by} 已接班" if handover.taken else "，待接班")
        self.query_one("#log-title", Static).update(
            f"值班日志 · {dates.cn_date(slot.date, year=False)} {slot.weekday} {slot.shift}"
            f"{'（当前班次）' if current else ''}　共 {len(self.entries)} 条，未办结 {open_count} 项{state}"
            "　n 记录　x 办结　D 删除　b 无事报平安　j 交班　k 接班")
        table = self.query_one("#log-table", DataTable)
        row = table.cursor_row
        table.clear()
        for e in self.entries:
            style = "" if e.done else ("bold yellow" if e.carried else "yellow")
            state = "已办结" if e.done else ("未办结·上班次转入" if e.carried else "未办结")
            cells = [e.time_text(slot.date), e.kind, e.caller_masked, e.content.split("\n")[0],
                     e.instruction.split("\n")[0], e.recorder, state]
            table.add_row(*(plain(c, style) for c in cells), key=str(e.id))
        if self.entries:
            table.move_cursor(row=min(max(row, 0), len(self.entries) - 1), animate=False)

    @on(DataTable.RowHighlighted, "#roster-table")
    def _slot_changed(self) -> None:
        if self._ready and self.slots and self.log_slot != (self.selected_slot().date, self.selected_slot().shift):
            self.refresh_log()

    @on(DataTable.RowSelected, "#roster-table")
    def _slot_chosen(self) -> None:
        self.action_edit_day()

    @on(DataTable.RowSelected, "#log-table")
    def _entry_chosen(self) -> None:
        self.action_log_edit()

    def selected_entry(self) -> dutylog.LogEntry | None:
        table = self.query_one("#log-table", DataTable)
        row = table.cursor_row
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _run(self, fn, ok: str = "", *, warn: list[str] | None = None) -> bool:
        try:
            fn()
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False
        if warn:
            self.notify(f"{ok}\n注意冲突：" + "；".join(warn), severity="warning", timeout=10, markup=False)
        elif ok:
            self.notify(ok, markup=False)
        self.refresh_data()
        self.dd.update_header(self)
        return True

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
    def action_edit_day(self, initial: dict | None = None) -> None:
        from ...modals import ConfirmModal
        from .forms import DayForm

        slot = self.selected_slot()

        def done(value: DayValue | None) -> None:
            if value is None:
                return
            conflicts = service.check_slot(self.store, slot.date, value.leader_id, value.member_ids)
            if not conflicts:
                self._save_day(slot, value)
                return

            def answered(yes: bool | None) -> None:
                if yes:
                    self._save_day(slot, value)
                else:
                    self.action_edit_day(self._day_initial(value))

            self.app.push_screen(ConfirmModal(
                f"{dates.cn_date(slot.date, year=False)} {slot.shift} 存在冲突：{'；'.join(conflicts)}。\n仍然保存？"),
                answered)

        self.app.push_screen(DayForm(self.store, slot, initial=initial), done)

    @staticmethod
    def _day_initial(value: DayValue) -> dict:
        return {"leader": value.leader_id, "members": value.member_ids, "note": value.note}

    def _save_day(self, slot: service.Slot, value: DayValue, *, check_version: bool = True) -> None:
        from ...modals import ConflictModal

        try:
            service.save_slot(self.store, slot.date, slot.shift, value.leader_id, value.member_ids, note=value.note,
                              expected_version=slot.version if (check_version and slot.id) else None)
        except ConflictError as exc:
            mine = {"leader": get_person(self.store, value.leader_id).name if value.leader_id else "",
                    "members": "、".join(get_person(self.store, i).name for i in value.member_ids), "note": value.note}

            def chosen(choice: str | None) -> None:
                if choice == "mine":
                    self._save_day(slot, value, check_version=False)
                elif choice == "theirs":
                    self.refresh_data()
                else:
                    self.refresh_data()
                    self.action_edit_day(self._day_initial(value))

            labels = {k: service.DAY_LABELS[k] for k in ("leader", "members", "note")}
            self.app.push_screen(ConflictModal(labels, mine, exc.current), chosen)
            return
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"已保存 {dates.cn_date(slot.date, year=False)} {slot.shift} 的值班安排", markup=False)
        self.refresh_data()
        self.dd.update_header(self)

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
                self.notify(result[0].summary(), title="排班完成", timeout=12, markup=False,
                            severity="warning" if result[0].conflicts or result[0].kept else "information")

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
            self._run(lambda: conflicts.extend(service.swap(self.store, v.day1, v.name1, v.day2, v.name2,
                                                            shift=slot.shift)),
                      f"已调班：{v.name1} ↔ {v.name2}", warn=conflicts)

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
        from .forms import PeopleModal

        self.app.push_screen(PeopleModal(self.store), lambda _: self.refresh_data())

    def action_history(self) -> None:
        from ...modals import show_history

        if self.focused is self.query_one("#log-table", DataTable):
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

    # -- duty log -----------------------------------------------------------------------
    def _log_target(self) -> tuple[dt.date, str]:
        if self.log_slot is None:
            day, shift = self.duty_slot()
            return day, shift.name
        return self.log_slot

    def action_log_add(self) -> None:
        from .forms import LogForm

        day, shift = self._log_target()
        try:
            shift_obj = shiftmod.find(shiftmod.shifts(self.store), shift)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        now = shiftmod.now()
        at = now if shift_obj.begins(day) <= now < shift_obj.ends(day) else shift_obj.begins(day)
        initial = {"at": f"{at:%H:%M}", "kind": "来电", "recorder": dutylog.default_recorder(self.store, day, shift)}

        def done(v: LogValue | None) -> None:
            if v:
                self._run(lambda: dutylog.add_entry(
                    self.store, day, shift, kind=v.kind, content=v.content, at=v.at, from_unit=v.from_unit,
                    from_name=v.from_name, from_phone=v.from_phone, instruction=v.instruction, recorder=v.recorder,
                    done=v.done), "已记录")

        title = f"记录值班日志：{dates.cn_date(day, year=False)} {shift}"
        self.app.push_screen(LogForm(self.store, title=title, initial=initial, draft_key="roster.log.new"), done)

    def action_log_edit(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self._open_log_edit(entry)

    def _open_log_edit(self, entry: dutylog.LogEntry, *, initial: dict | None = None,
                       version: int | None = None) -> None:
        from .forms import LogForm

        version = entry.version if version is None else version
        initial = initial or {"at": f"{entry.when:%Y-%m-%d %H:%M}", "kind": entry.kind, "from_unit": entry.from_unit,
                              "from_name": entry.from_name, "from_phone": entry.from_phone, "content": entry.content,
                              "instruction": entry.instruction, "recorder": entry.recorder, "done": entry.done}

        def done(v: LogValue | None) -> None:
            if v:
                self._save_log_entry(entry, v, version)

        title = f"修改值班日志：{dates.cn_date(entry.shift_date, year=False)} {entry.shift}"
        self.app.push_screen(LogForm(self.store, title=title, initial=initial,
                                     draft_key=f"roster.log.edit.{entry.id}"), done)

    def _save_log_entry(self, entry: dutylog.LogEntry, v: LogValue, version: int | None) -> None:
        """Save an edited entry; if someone else saved first, compare (mine, theirs, or back to editing)."""
        from ...modals import ConflictModal

        try:
            dutylog.update_entry(self.store, entry.id, expected_version=version, at=v.at, kind=v.kind,
                                 content=v.content, from_unit=v.from_unit, from_name=v.from_name,
                                 from_phone=v.from_phone, instruction=v.instruction, recorder=v.recorder, done=v.done)
        except ConflictError as exc:
            theirs = exc.current

            def chosen(choice: str | None) -> None:
                if choice == "mine":
                    self._save_log_entry(entry, v, theirs.get("version"))
                elif choice == "theirs":
                    self.notify("已保留对方的修改", markup=False)
                    self.refresh_data()
                else:
                    self.refresh_data()
                    self._open_log_edit(entry, initial=vars(v).copy(), version=theirs.get("version"))

            mine = {**vars(v), "at_time": v.at}
            self.app.push_screen(ConflictModal(LOG_CONFLICT_LABELS, _log_view(mine), _log_view(theirs)), chosen)
            return
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("已保存", markup=False)
        self.refresh_data()

    def action_log_delete(self) -> None:
        from ...modals import ConfirmModal

        if self.focused is not self.query_one("#log-table", DataTable):
            self.notify("请先按 Tab 切换到值班日志，选中要删除的记录", severity="warning", markup=False)
            return
        entry = self.selected_entry()
        if entry is None:
            self.notify("值班日志中没有可删除的记录", severity="warning", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(lambda: dutylog.delete_entry(self.store, entry.id), f"已删除值班日志（{UNDO_HINT}）")

        when = entry.time_text(entry.shift_date)
        first_line = entry.content.splitlines()[0][:60] if entry.content else ""
        self.app.push_screen(ConfirmModal(
            f"删除这条值班日志？\n{dates.cn_date(entry.shift_date, year=False)} {entry.shift} {when} {entry.kind}："
            f"{first_line}\n可在回收站（Ctrl+Z）恢复。"), answered)

    def action_log_done(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            self.notify("请先在值班日志中选中一条记录（Tab 切换）", severity="warning")
            return
        self._run(lambda: dutylog.set_done(self.store, entry.id, not entry.done),
                  "已办结" if not entry.done else "已改为未办结")

    def action_report_safe(self) -> None:
        day, shift = self.duty_slot()
        recorder = dutylog.default_recorder(self.store, day, shift.name)
        self._run(lambda: dutylog.report_safe(self.store, recorder, day=day, shift=shift.name),
                  f"已记录：{dutylog.SAFE_TEXT}（{dates.cn_date(day, year=False)} {shift.name}，{recorder}）")

    # -- handover -----------------------------------------------------------------------
    def action_handover(self) -> None:
        from .forms import HandoverForm

        day, shift = self.duty_slot()
        existing = dutylog.get_handover(self.store, day, shift.name)
        if existing and existing.taken:
            self.notify(f"本班次已由 {existing.taken_by} 接班", severity="warning", markup=False)
            return
        open_items = [e for e in dutylog.shift_log(self.store, day, shift.name) if not e.done]
        initial = {"note": existing.note if existing else dutylog.handover_draft(self.store, day, shift.name),
                   "by": dutylog.default_recorder(self.store, day, shift.name)}

        def done(v: HandoverValue | None) -> None:
            if v:
                self._run(lambda: dutylog.write_handover(self.store, day, shift.name, v.note, by=v.by),
                          f"已交班：{dates.cn_date(day, year=False)} {shift.name}，未办结事项 {len(open_items)} 项转下一班")

        self.app.push_screen(HandoverForm(self.store, day, shift.name, open_items, initial), done)

    def action_takeover(self) -> None:
        self.check_takeover(asked=True)

    def check_takeover(self, *, asked: bool = False) -> None:
        """Show the previous shift's handover to the shift on duty until it confirms (once per session
        unless asked with k)."""
        if self.app.screen is not self:
            return
        day, shift = self.duty_slot()
        handover = dutylog.previous_handover(self.store, day, shift.name)
        if handover is None or handover.taken:
            if asked:
                msg = (f"上一班已由 {handover.taken_by} 于 {handover.taken_at[:16]} 接班" if handover
                       else "上一班尚未交班")
                self.notify(msg, markup=False)
            return
        if handover.id in self._takeover_seen and not asked:
            return
        self._takeover_seen.add(handover.id)

        def done(name: str | None) -> None:
            if name:
                self._run(lambda: dutylog.take_over(self.store, handover.id, by=name),
                          f"已接班：上一班未办结事项 {len(handover.open_items)} 项已转入本班日志")
            else:
                self.notify("尚未接班，可随时按 k 接班", markup=False)

        from .forms import TakeoverModal

        self.app.push_screen(TakeoverModal(handover, dutylog.default_recorder(self.store, day, shift.name)), done)

    # -- files --------------------------------------------------------------------------
    def _exports_dir(self) -> Path:
        from ....refdata import exports_dir

        return exports_dir(self.store)

    def action_export(self) -> None:
        start, end = self.period()
        folder = self._exports_dir()
        self.notify("正在导出值班表…", markup=False)
        self.run_worker(lambda: self._export(start, end, folder), thread=True, group="roster-files", exclusive=True)

    def _export(self, start: dt.date, end: dt.date, folder: Path) -> None:
        from ....roster import transfer

        store = self.store.clone()
        try:
            paths = [transfer.export_roster(store, folder / f"值班表-{start.isoformat()}-{end.isoformat()}{suffix}",
                                            start, end) for suffix in (".xlsx", ".docx")]
        except (UserError, OSError) as exc:
            self.app.call_from_thread(self.notify, str(exc), title="导出失败", severity="error", markup=False)
            return
        finally:
            store.close()
        self.app.call_from_thread(self.notify, "\n".join(str(p) for p in paths), title="值班表已导出", timeout=10,
                                  markup=False)

    def action_import(self) -> None:
        from .forms import ImportForm

        def done(path: str | None) -> None:
            if path:
                from ..intake.flow import start_import
                from ..intake.steps import roster_steps

                start_import(self, roster_steps(self, Path(path).expanduser()))

        self.app.push_screen(ImportForm(self.store, draft_key="roster.import"), done)
