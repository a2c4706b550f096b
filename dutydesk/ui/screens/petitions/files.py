"""The files of the 信访件 screen: import the inspection group's sheet, import the counties'
results, export the ledger or the public table. Each file is read or written in a thread
worker on its own connection; an import is shown in a preview first (``ui/screens/intake``) and
applied only when the preview is confirmed."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select

from ....petitions import io
from ....petitions.batches import get_batch, list_batches
from ....petitions.rows import get_petition
from ...base import ask_overwrite
from ...downloads import show_exported
from ...workers import run_in_thread
from .dialogs import ExportForm, ExportRequest, ImportForm, ImportRequest, PathForm
from ...widgets.checkbox import Checkbox

GROUP = "petitions-file"  # one file job at a time


class PetitionFiles:
    """Mixin of :class:`~.screen.PetitionsScreen` (its ``store``, ``table``, ``after_change``,
    ``_select``, ``_refresh_batches``, ``_ask_repeats`` and ``_choice``)."""

    # -- the inspection group's sheet ---------------------------------------------------------
    def action_import(self) -> None:
        def done(req: ImportRequest | None) -> None:
            if req:
                from ..intake.flow import start_import
                from ..intake.steps import petitions_steps

                start_import(self, petitions_steps(self, req.path, req.batch, req.day))

        self.app.push_screen(ImportForm(self.store), done)

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
            shown = [(pid, c) for pid, c in result.candidates if pid in labels]
            title = None
            if len(shown) < len(result.candidates):  # a large import: a list of thousands helps nobody
                title = (f"疑似重复件 {len(result.candidates)} 件，此处列出前 {len(shown)} 件（其余：在列表中选中该件按 l）："
                         "勾选确认为重复的")
            self._ask_repeats([self._choice(pid, labels[pid], c) for pid, c in shown], title)

    # -- the counties' results ------------------------------------------------------------------
    def action_import_results(self) -> None:
        def done(path: Path | None) -> None:
            if path:
                from ..intake.flow import start_import
                from ..intake.steps import results_steps

                start_import(self, results_steps(self, path))

        self.app.push_screen(PathForm(self.store, "导入县区填报的办理结果表（按受理编号匹配）",
                                      "列名如：受理编号、调查核实情况、是否属实、处理和整改情况、责任追究情况、办结情况、"
                                      "办结日期、责令整改(家)、罚款金额(万元)……"), done)

    def action_export(self) -> None:
        from ....petitions.export import export_dir, export_petitions

        batch_id = self.filter_value("#pf-batch")
        batch_no = get_batch(self.store, batch_id)["no"] if batch_id else None

        def start(req: ExportRequest, force: bool) -> None:
            self.notify("正在导出…")
            run_in_thread(self, lambda store: export_petitions(store, req.path, batch_no=req.batch_no,
                                                               public=req.public, force=force),
                          group=GROUP, failed="导出失败",
                          done=lambda path: show_exported(self.app, [path], "已导出"))

        def done(req: ExportRequest | None) -> None:
            if req:  # a file dutydesk did not write at the path: asked first
                ask_overwrite(self.app, [req.path], lambda force: start(req, force))

        self.app.push_screen(ExportForm(self.store, export_dir(self.store), list_batches(self.store), batch_no), done)

