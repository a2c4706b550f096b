"""The files of the 信访件 screen: import the inspection group's sheet, import the counties'
results, export the ledger or the public table. Each file is read or written in a thread
worker on its own connection (``ui.workers``); an import is checked first and applied only
after the report is confirmed."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, Select

from ....petitions import io
from ....petitions.batches import get_batch, list_batches
from ....petitions.rows import get_petition
from ...downloads import show_exported
from ...workers import run_in_thread
from .dialogs import ExportForm, ExportRequest, ImportForm, ImportRequest, PathForm, ReportModal

GROUP = "petitions-file"  # one file job at a time


class PetitionFiles:
    """Mixin of :class:`~.screen.PetitionsScreen` (its ``store``, ``table``, ``after_change``,
    ``_select``, ``_refresh_batches``, ``_ask_repeats`` and ``_choice``)."""

    def _show_report(self, title: str, body: str) -> None:
        self.app.push_screen(ReportModal(title, body, ask=False))

    def _report_invalid(self, title: str):
        return lambda exc: self._show_report(title, exc.report())

    # -- the inspection group's sheet ---------------------------------------------------------
    def action_import(self) -> None:
        def done(req: ImportRequest | None) -> None:
            if req:
                self.notify(f"正在检查：{req.path.name}…", markup=False)
                run_in_thread(self, lambda store: io.plan_import(store, req.path, batch=req.batch, day=req.day),
                              group=GROUP, failed="导入失败", done=self._confirm_import,
                              invalid=self._report_invalid("导入失败：表格有误，未导入任何信访件"))

        self.app.push_screen(ImportForm(self.store), done)

    def _confirm_import(self, plan: io.ImportPlan) -> None:
        if not plan.rows:
            self._show_report(f"导入：{plan.path.name}", plan.report(applied=False))
            return

        def apply(store) -> tuple[io.ImportResult, dict[int, str]]:
            result = io.apply_import(store, plan)
            return result, {pid: get_petition(store, pid)["case_no"] for pid, _ in result.candidates}

        def answered(yes: bool | None) -> None:
            if yes:
                run_in_thread(self, apply, group=GROUP, failed="导入失败", done=lambda got: self._imported(*got))

        self.app.push_screen(ReportModal(f"导入预览：{plan.path.name}", plan.report(applied=False)), answered)

    def _imported(self, result: io.ImportResult, labels: dict[int, str]) -> None:
        if result.created:  # show the batch just imported
            batch_id = get_petition(self.store, result.created[0])["batch_id"]
            self._refresh_batches()
            search_box = self.query_one("#pf-search", Input)
            with search_box.prevent(Input.Changed):
                search_box.value = ""
            for widget_id, value in (("#pf-unit", Select.NULL), ("#pf-type", Select.NULL), ("#pf-status", Select.NULL),
                                     ("#pf-batch", batch_id)):
                select = self.query_one(widget_id, Select)
                with select.prevent(Select.Changed):
                    select.value = value
            overdue = self.query_one("#pf-overdue", Checkbox)
            with overdue.prevent(Checkbox.Changed):
                overdue.value = False
            self.table.page = 0
        self.after_change(result.report(), select_id=result.created[0] if result.created else None)
        if result.candidates:
            self._ask_repeats([self._choice(pid, labels[pid], c) for pid, c in result.candidates])

    # -- the counties' results ------------------------------------------------------------------
    def action_import_results(self) -> None:
        def done(path: Path | None) -> None:
            if path:
                self.notify(f"正在检查：{path.name}…", markup=False)
                run_in_thread(self, lambda store: io.plan_results(store, path), group=GROUP, failed="导入失败",
                              done=self._confirm_results,
                              invalid=self._report_invalid("导入失败：表格有误，未录入任何结果"))

        self.app.push_screen(PathForm(self.store, "导入县区填报的办理结果表（按受理编号匹配）",
                                      "列名如：受理编号、调查核实情况、是否属实、处理和整改情况、责任追究情况、办结情况、"
                                      "办结日期、责令整改(家)、罚款金额(万元)……"), done)

    def _confirm_results(self, plan: io.ResultsImport) -> None:
        if all(r.unchanged for r in plan.rows):
            self._show_report(f"导入结果：{plan.path.name}", plan.report())
            return

        def answered(yes: bool | None) -> None:
            if yes:
                run_in_thread(self, lambda store: io.apply_results(store, plan), group=GROUP, failed="导入失败",
                              done=lambda _: self.after_change(plan.report()))

        self.app.push_screen(ReportModal(f"导入结果预览：{plan.path.name}", plan.report(), yes="确认录入"), answered)

    # -- export ---------------------------------------------------------------------------------
    def action_export(self) -> None:
        from ....petitions.export import export_dir, export_petitions

        batch_id = self._select("#pf-batch")
        batch_no = get_batch(self.store, batch_id)["no"] if batch_id else None

        def done(req: ExportRequest | None) -> None:
            if req:
                self.notify("正在导出…")
                run_in_thread(self, lambda store: export_petitions(store, req.path, batch_no=req.batch_no,
                                                                   public=req.public),
                              group=GROUP, failed="导出失败",
                              done=lambda path: show_exported(self.app, [path], "已导出"))

        self.app.push_screen(ExportForm(self.store, export_dir(self.store), list_batches(self.store), batch_no), done)

