"""The duty log (值班日志) of the 值班表 screen: the log of the selected shift, its entries,
无事报平安, and the handover between shifts (交班, 接班)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual.widgets import Static

from .... import dates
from ....errors import UserError
from ....roster import dutylog
from ....roster import shifts as shiftmod
from ...base import UNDO_HINT
from ...widgets.fast_table import FastTable

if TYPE_CHECKING:
    from .forms import HandoverValue

# (key, label, shrink order, least width): on a narrow terminal the content gives up cells first,
# then the instruction and the caller; 记录人 and 状态 stay whole
LOG_COLUMNS = [("time", "时间", 0, None), ("kind", "类别", 0, None), ("caller", "来电/来访", 3, 10),
               ("content", "内容", 1, 12), ("instruction", "领导批示和处理意见", 2, 10), ("recorder", "记录人", 0, None),
               ("state", "状态", 0, None)]


class DutyLogPanel:
    """Mixin of :class:`~.screen.RosterScreen` for the log under the roster (``#log-title``,
    ``#log-table``). Uses the screen's ``slots``, ``selected_slot()``, ``duty_slot()``,
    ``log_slot``, ``entries``, ``_takeover_seen``, ``_run()`` and ``_done()``; the keys are the
    screen's bindings, and choosing an entry (Enter) is the screen's handler."""

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
        table = self.query_one("#log-table", FastTable)
        rows = []
        for e in self.entries:
            style = "" if e.done else ("bold yellow" if e.carried else "yellow")
            state = "已办结" if e.done else ("未办结·上班次转入" if e.carried else "未办结")
            # the duty office's own log: its callers in full (a call-back needs the number)
            cells = [e.time_text(slot.date), e.kind, e.caller, e.content.split("\n")[0],
                     e.instruction.split("\n")[0], e.recorder, state]
            rows.append((e.id, cells, style))
        table.set_rows(rows)  # the cursor stays on its row (or the last one)

    def selected_entry(self) -> dutylog.LogEntry | None:
        table = self.query_one("#log-table", FastTable)
        row = table.cursor_row
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _signer(self, day: dt.date, shift: str) -> str:
        """Who signs in the shift of ``day``: the person at the desk (F2) for the shift on duty,
        else that shift's first officer."""
        duty_day, duty_shift = self.duty_slot()
        if (day, shift) == (duty_day, duty_shift.name):
            return self.app.desk_signer()
        return dutylog.default_recorder(self.store, day, shift)

    def _log_target(self) -> tuple[dt.date, str]:
        if self.log_slot is None:
            day, shift = self.duty_slot()
            return day, shift.name
        return self.log_slot

    def action_log_add(self) -> None:
        day, shift = self._log_target()
        try:
            shift_obj = shiftmod.find(shiftmod.shifts(self.store), shift)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        now = shiftmod.now()
        at = now if shift_obj.begins(day) <= now < shift_obj.ends(day) else shift_obj.begins(day)
        initial = {"at": f"{at:%H:%M}", "kind": "来电", "recorder": self._signer(day, shift)}
        self._open_log_form(day, shift, initial=initial, saved="已记录")

    def action_log_edit(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self._open_log_form(entry.shift_date, entry.shift, entry=entry, saved="已保存")

    def _open_log_form(self, day: dt.date, shift: str, *, saved: str, entry: dutylog.LogEntry | None = None,
                       initial: dict | None = None) -> None:
        from ...editing import open_record_form
        from .forms import LogForm

        open_record_form(self, LogForm(self.store, day, shift, entry=entry, initial=initial),
                         lambda outcome: self._done(outcome.notice(saved)), self._done)

    def action_log_delete(self) -> None:
        from ...modals import ConfirmModal

        if self.focused is not self.query_one("#log-table", FastTable):
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
        recorder = self._signer(day, shift.name)
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
                   "by": self._signer(day, shift.name)}

        def done(v: HandoverValue | None) -> None:
            if v:
                self._run(lambda: dutylog.write_handover(self.store, day, shift.name, v.note, by=v.by),
                          f"已交班：{dates.cn_date(day, year=False)} {shift.name}，未办结事项 {len(open_items)} 项转下一班")

        self.app.push_screen(HandoverForm(self.store, day, shift.name, open_items, initial), done)

    def action_takeover(self) -> None:
        self.check_takeover(asked=True)

    def check_takeover(self, *, asked: bool = False) -> None:
        """Show the previous shift's handover to the shift on duty until it confirms (once per session
        unless asked with k). Asked, k takes over the handover of the selected row or the shift on
        duty, or of the shift before either (a shift that handed over early is taken at once)."""
        if self.app.screen is not self:
            return
        day, shift = self.duty_slot()
        if asked:
            slots = [(self.selected_slot().date, self.selected_slot().shift)] if self.slots else []
            handover = dutylog.takeover_for(self.store, [*slots, (day, shift.name)])
            if handover is None:
                last = dutylog.get_handover(self.store, day, shift.name) or dutylog.previous_handover(
                    self.store, day, shift.name)
                self.notify(f"{dates.cn_date(last.shift_date, year=False)} {last.shift}已由 {last.taken_by} "
                            f"于 {last.taken_at[:16]} 接班" if last and last.taken else "没有待接班的交班记录"
                            "（上一班尚未按 j 交班）", markup=False)
                return
        else:
            handover = dutylog.previous_handover(self.store, day, shift.name)
            if handover is None or handover.taken or handover.id in self._takeover_seen:
                return
        self._takeover_seen.add(handover.id)

        def done(name: str | None) -> None:
            if name:
                self._run(lambda: dutylog.take_over(self.store, handover.id, by=name),
                          f"已接班：上一班未办结事项 {len(handover.open_items)} 项已转入本班日志")
            else:
                self.notify("尚未接班，可随时按 k 接班", markup=False)

        from .forms import TakeoverModal

        taker = self.app.desk_signer() if self.app.desk_chosen else dutylog.taker_for(self.store, handover)
        self.app.push_screen(TakeoverModal(handover, taker), done)
