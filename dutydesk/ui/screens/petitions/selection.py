"""The 信访件 list's selection, and 交办 / 状态 / 公开 on it or on the row under the cursor.

Space marks the petition under the cursor (✓ in the 标记 column) and moves to the next row; A
marks every petition of the current filter (pressed again, unmarks them); C clears. The
selection is a set of petition ids kept by the screen: it survives paging, searching and
filtering (a page is fetched again with its marks), and the pager line says 已选 N 件.

With a selection, t (交办), s (状态) and p (公开) act on the selected petitions: a form for what
to do (none for 公开), the plan of ``petitions.bulk`` in a confirmation (how many, which
action, which are skipped and why), then one write transaction in a thread worker: all or
nothing, except petitions another terminal changed meanwhile, which are left alone, reported
and stay selected. Without a selection they act on the row under the cursor through the record
forms, as they always did.
"""

from __future__ import annotations

from typing import Callable

from .... import dates
from ....errors import UserError
from ....petitions import bulk, search
from ....petitions.deadlines import due_date_for
from ....petitions.workflow import publish
from ....store.db import Store
from ...modals import ConfirmModal
from ...workers import run_in_thread
from .forms import BulkHandOver, BulkHandOverForm, BulkStatus, BulkStatusForm, HandOverForm, StatusForm

MARK = "✓"
GROUP = "petitions-bulk"


class PetitionSelection:
    """Mixin of :class:`~.screen.PetitionsScreen` (its ``store``, ``table``, ``filters``,
    ``selected``, ``edit``, ``after_change``)."""

    picked: set[int]  # the selected petitions' ids (set by the screen's __init__)

    # -- the selection ----------------------------------------------------------------------
    def mark(self, row: dict) -> None:
        """The 标记 cell of a fetched row: ✓ first when it is selected (``_mark``: without it)."""
        row["_mark"] = row["mark"]
        row["mark"] = (MARK if row["id"] in self.picked else "") + row["_mark"]

    def show_picked(self) -> None:
        n = len(self.picked)
        self.table.set_note(f"已选 {n} 件：t 交办、s 状态、p 公开作用于所选（C 清除选择）" if n
                            else "空格 选择多件，A 全选")

    def action_toggle_pick(self) -> None:
        """Space: the row under the cursor in or out of the selection; the cursor moves on."""
        table = self.table
        index = table.table.cursor_row
        if not table.rows or index >= len(table.rows):
            self.notify(self.PICK_FIRST, severity="warning")
            return
        row = table.rows[index]
        if row["id"] in self.picked:
            self.picked.discard(row["id"])
        elif len(self.picked) >= bulk.MAX_PETITIONS:
            self.notify(f"最多选择 {bulk.MAX_PETITIONS} 件，请先处理已选的", severity="warning", markup=False)
            return
        else:
            self.picked.add(row["id"])
        row["mark"] = (MARK if row["id"] in self.picked else "") + row.get("_mark", "")
        table.redraw_row(index)
        table.table.move_cursor(row=index + 1)
        self.show_picked()

    def action_pick_all(self) -> None:
        """A: every petition of the current filter (on all its pages); again: none of them."""
        today = dates.today()
        try:
            filters = self.filters
            total = search.count(self.store, filters, today)
            if total > bulk.MAX_PETITIONS:
                raise UserError(f"当前筛选共 {total} 件，一次最多选择 {bulk.MAX_PETITIONS} 件："
                                "请先按批次、单位、状态等缩小筛选范围")
            ids = set(search.matching_ids(self.store, filters, today, bulk.MAX_PETITIONS))
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        if not ids:
            self.notify("当前筛选没有信访件", severity="warning", markup=False)
            return
        if ids <= self.picked:
            self.picked -= ids
            message = f"已取消选择当前筛选的 {len(ids)} 件"
        elif len(self.picked | ids) > bulk.MAX_PETITIONS:
            self.notify(f"已选 {len(self.picked)} 件，再选当前筛选的 {len(ids)} 件将超过 {bulk.MAX_PETITIONS} 件，"
                        "请先处理或清除已选的", severity="warning", markup=False)
            return
        else:
            self.picked |= ids
            message = f"已选择当前筛选的 {len(ids)} 件"
        self.table.reload()
        self.show_picked()
        self.notify(f"{message}（共已选 {len(self.picked)} 件）", markup=False)

    def action_clear_picks(self) -> None:
        if not self.picked:
            self.notify("没有已选的信访件（按空格选择）", markup=False)
            return
        n = len(self.picked)
        self.picked.clear()
        self.table.reload()
        self.show_picked()
        self.notify(f"已清除选择（{n} 件）", markup=False)

    # -- 交办, 状态, 公开 --------------------------------------------------------------------
    def action_hand_over(self) -> None:
        if self.picked:
            self._bulk_hand_over()
            return
        row = self.selected()
        if row is None:
            return

        def message(result: dict) -> str:
            new = result["row"]
            return (f"已交办 {new['case_no']} 给 {new['lead_unit']}，办理时限 {dates.cn_date(new['due_date'])}"
                    + (f"\n{result['warning']}" if result["warning"] else ""))

        self.edit(HandOverForm(self.store, row), row["id"], message)

    def action_status(self) -> None:
        if self.picked:
            self._bulk_status()
            return
        row = self.selected()
        if row is None:
            return
        self.edit(StatusForm(self.store, row), row["id"],
                  lambda new: f"{row['case_no']}：{row['status']} → {new['status']}")

    def action_publish(self) -> None:
        if self.picked:
            self._bulk_publish()
            return
        row = self.selected()
        if row is None:
            return
        if row["status"] == "已公开":
            self.notify(f"{row['case_no']} 已于 {row['published_date']} 公开", markup=False)
            return
        if row["status"] not in ("阶段性办结", "已办结"):
            self.notify(f"{row['case_no']} 尚未办结（{row['status']}），请先按 r 录入办理结果", severity="warning",
                        markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                publish(self.store, [row["id"]], dates.today())
                self.after_change(f"已公开：{row['case_no']}", select_id=row["id"])

        self.app.push_screen(ConfirmModal(f"将 {row['case_no']} 的办理结果标记为今天已公开？"), answered)

    # -- on the selection -------------------------------------------------------------------
    def _plan(self, action: str, status: str = "") -> bulk.BulkPlan | None:
        """The plan for the selection, or None (and why) when there is nothing to do."""
        try:
            p = bulk.plan(self.store, self.picked, action, status=status)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return None
        if not p.todo:
            self.notify(f"所选的 {len(self.picked)} 件中没有可{action}的（{p.skip_summary()}）", severity="warning",
                        markup=False)
            return None
        return p

    def _bulk_hand_over(self) -> None:
        p = self._plan(bulk.HAND_OVER)
        if p is None:
            return
        units = {t.unit for t in p.todo}

        def filled(req: BulkHandOver | None) -> None:
            if req is None:
                return
            due = req.due or due_date_for(self.store, req.day)[0]
            self._confirm(p, f"将所选的{len(p.todo)}件待交办信访件交办给{req.lead_unit}"
                             + (f"（配合：{req.coop_units}）" if req.coop_units else "")
                             + f"，交办时间{dates.cn_date(req.day)}，办理时限{dates.cn_date(due)}？",
                          lambda store: bulk.hand_over_all(store, p, req.lead_unit, req.coop_units, day=req.day,
                                                           due=req.due, target=req.target),
                          "不是待交办的不改动，保留原责任单位和办理时限")

        skipped = f"（另有{p.skip_summary()}，跳过）" if p.skipped_count else ""
        self.app.push_screen(BulkHandOverForm(self.store, len(p.todo), unit=units.pop() if len(units) == 1 else "",
                                              note=skipped), filled)

    def _bulk_status(self) -> None:
        def filled(req: BulkStatus | None) -> None:
            if req is None:
                return
            p = self._plan(bulk.STATUS, req.status)
            if p is not None:
                self._confirm(p, f"将所选的{len(p.todo)}件信访件的状态改为“{req.status}”，日期{dates.cn_date(req.day)}？",
                              lambda store: bulk.set_status_all(store, p, day=req.day, note=req.note), "不改动")

        self.app.push_screen(BulkStatusForm(self.store, len(self.picked)), filled)

    def _bulk_publish(self) -> None:
        p = self._plan(bulk.PUBLISH)
        if p is not None:
            day = dates.today()
            self._confirm(p, f"将所选的{len(p.todo)}件已办结（含阶段性办结）信访件的办理结果标记为今天（{dates.cn_date(day)}）已公开？",
                          lambda store: bulk.publish_all(store, p, day), "不改动")

    def _confirm(self, p: bulk.BulkPlan, question: str, work: Callable[[Store], bulk.BulkResult],
                 skipped: str) -> None:
        """Show the plan and ask; on yes, ``work`` in a thread worker on its own connection. (No
        spaces around the numbers: the dialog wraps its lines at spaces.)"""
        text = f"{question}\n受理编号：{bulk.case_list(p.todo, 8)}"
        if p.skipped_count:
            text += f"\n跳过{p.skipped_count}件（{p.skip_summary()}）：{skipped}。"
        text += (f"\n一次保存：任何一件不能{p.action}时全部不改动；其间被其他终端修改过的信访件不改动，"
                 "完成后列出并保持选中。")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if len(p.todo) > 200:
                self.notify(f"正在{p.action} {len(p.todo)} 件信访件…", markup=False)
            run_in_thread(self, work, group=GROUP, failed=f"未能{p.action}所选信访件",
                          done=lambda result: self._bulk_done(p, result))

        self.app.push_screen(ConfirmModal(text, yes=f"{p.action}{len(p.todo)}件", no="取消"), answered)

    def _bulk_done(self, p: bulk.BulkPlan, result: bulk.BulkResult) -> None:
        """Say what was done; the selection keeps only what someone else changed meanwhile."""
        verb = f"改为{p.status}" if p.action == bulk.STATUS else p.action
        lines = [f"已{verb} {len(result.done)} 件"]
        if p.skipped_count:
            lines.append(f"跳过 {p.skipped_count} 件（{p.skip_summary()}）")
        if result.warning:
            lines.append(result.warning)
        self.picked = {t.id for t in result.conflicts}
        self.show_picked()
        first = result.done[0].id if result.done else None
        self.after_change("\n".join(lines), select_id=first)
        if result.conflicts:
            self.notify(f"{len(result.conflicts)} 件在此期间已被其他终端修改或删除，未改动（仍保持选中，请核对后重试）："
                        f"{bulk.case_list(result.conflicts, 8)}", severity="warning", markup=False, timeout=20)
