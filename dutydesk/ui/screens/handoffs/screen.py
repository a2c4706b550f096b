"""问题交办 screen: the rectification ledger, counted back from each deadline (倒排工期).

Filters (单位, 状态, 视图), a paged list with open problems first and the most urgent on top,
a detail pane for the selected problem, and keys for the common steps.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Select, Static

from .... import dates, refdata
from ....errors import UserError
from ....handoffs import detail, lifecycle, links, lists, model, problems, progress, rechecks, summary
from ...base import UNDO_HINT, ask_overwrite
from ...downloads import show_exported
from ...editing import EditOutcome, open_record_form
from ...modals import ConfirmModal, show_history
from ...widgets.fast_table import FastTable
from ...widgets.paged_table import Column, PagedTable
from ...workers import run_in_thread
from ..record_list import RecordListScreen
from .forms import FromPetitionForm, ProblemForm, ProgressForm, RecheckForm, StatusForm, SummaryModal
from ...keys import keymap

# On a narrow terminal the latest progress, then the summary give up cells first (shrink order).
COLUMNS = [
    Column("problem_no", "问题编号", 13),
    Column("source", "来源", 10, shrink=4, min_width=6),
    Column("region", "行政区域", 8, shrink=4, min_width=6),
    Column("lead_unit", "牵头单位", 12, shrink=3, min_width=8),
    Column("summary", "问题描述摘要", 22, shrink=2, min_width=10),
    Column("deadline_short", "时限", 8),
    Column("countdown", "倒排", 9),
    Column("pace", "进度", 8),
    Column("status_text", "状态", 14),
    Column("latest_text", "最新进展", 20, shrink=1, min_width=8),
    Column("rebound_text", "反弹", 6),
]

def _row_style(row: dict) -> str:
    if row["late"]:
        return "bold red"
    if row["rebound"] and row["status"] in model.OPEN_STATUSES:
        return "bold magenta"
    if row["days_left"] is not None and row["days_left"] <= model.DUE_SOON_DAYS:
        return "yellow"
    if row["status"] == model.CLOSED:
        return "dim"
    return ""


def _latest_text(latest: str | None) -> str:
    if not latest:
        return ""
    day, _, content = latest.partition(" ")
    try:
        return f"{dates.cn_date(day, year=False)} {content}"
    except ValueError:
        return latest


class HandoffsScreen(RecordListScreen):
    SCREEN_TITLE = "问题交办"
    TABLE = "#hf-table"
    DETAIL = "#hf-detail"
    PICK_FIRST = "请先在列表中选择一个问题"
    EMPTY = "（没有符合条件的问题。按 a 新增，按 g 从信访件生成）"
    BINDINGS = keymap("handoffs", [
        ("a", "add", "新增"), ("e", "edit", "编辑"), ("p", "progress", "添加进展"), ("s", "status", "变更状态"),
        ("k", "recheck", "回头看"), ("g", "from_petition", "从信访件生成"), ("u", "summary", "按单位汇总"),
        ("h", "history", "历史"), ("x", "export", "导出台账"),
    ], hidden=[  # 100 columns hold the keys above; these are in Ctrl+P
        ("i", "import", "导入台账"), ("d,delete", "delete", "删除"), ("P", "delete_progress", "删除最新进展"), ("K", "delete_recheck", "删除最新回头看"),
        ("f", "focus_filters", "筛选", "filters"), ("escape", "focus_table", "回到列表"),
    ])

    # -- layout -------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="toolbar", id="handoff-toolbar"):
            yield Select([(u, u) for u in refdata.unit_names(self.store)], id="hf-unit", prompt="全部单位")
            yield Select([(s, s) for s in model.STATUSES], id="hf-status", prompt="全部状态")
            yield Select([(v, v) for v in model.VIEWS], id="hf-view", value="全部", allow_blank=False)
            yield Static("", id="hf-counts", markup=False)
        yield PagedTable(COLUMNS, self.fetch, id="hf-table")
        with VerticalScroll(classes="detail", id="hf-detail-box"):
            yield Static("", id="hf-detail", markup=False)

    def on_mount(self) -> None:  # BaseScreen.on_mount runs too (Textual calls each class's handler)
        self.query_one("#hf-table", PagedTable).table.focus()
        self.call_after_refresh(self._update_counts)
        self.call_after_refresh(self.show_detail)

    # -- data ---------------------------------------------------------------------------
    def _select(self, widget_id: str) -> str | None:
        value = self.query_one(widget_id, Select).value
        return None if value is Select.NULL or value in (None, "", "全部") else str(value)

    @property
    def filters(self) -> dict:
        return {"unit": self._select("#hf-unit"), "status": self._select("#hf-status"),
                "view": self._select("#hf-view")}

    _fetched_filters: dict | None = None  # the filters of the page shown

    def fetch(self, offset: int, limit: int) -> tuple[list[dict], int]:
        self._fetched_filters = self.filters
        rows, total = lists.page(self.store, offset=offset, limit=limit, today=dates.today(), **self._fetched_filters)
        for r in rows:
            r["summary"] = r["description"].replace("\n", " ")
            r["deadline_short"] = dates.cn_date(r["deadline"], year=False) if r["deadline"] else r["deadline_text"]
            r["latest_text"] = _latest_text(r["latest"])
            r["_style"] = _row_style(r)
        return rows, total

    def refresh_data(self) -> None:
        self.table.reload()
        self._update_counts()
        self.show_detail()

    def _update_counts(self) -> None:
        c = lists.alert_counts(self.store, dates.today())
        self.query_one("#hf-counts", Static).update(
            f"超期 {c['late']} 个 · {model.DUE_SOON_DAYS}天内到期 {c['due_soon']} 个 · 反弹未销号 {c['rebound_open']} 个")

    def get_record(self, record_id: int) -> dict:
        return problems.get(self.store, record_id)

    def describe(self, record_id: int) -> str:
        return detail.describe(self.store, record_id, dates.today())

    @on(FastTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.show_detail()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        # (the 视图 box reports its first value once mounted: the page shown has it already)
        if event.select.id in ("hf-unit", "hf-status", "hf-view") and self.filters != self._fetched_filters:
            self.table.first_page()
            self.show_detail()

    @on(PagedTable.Chosen)
    def _chosen(self) -> None:
        self.action_edit()

    # -- actions ------------------------------------------------------------------------
    def action_focus_filters(self) -> None:
        self.query_one("#hf-unit", Select).focus()

    def action_add(self) -> None:
        def saved(outcome: EditOutcome[int]) -> None:
            no = problems.get(self.store, outcome.value)["problem_no"]
            self.after_change(f"已新增问题：{no}", select_id=outcome.value)

        open_record_form(self, ProblemForm(self.store, draft_key="handoffs.new"), saved, self.after_change)

    def action_edit(self) -> None:
        row = self.selected()
        if row is None:
            return

        self.edit(ProblemForm(self.store, row=row, draft_key=f"handoffs.edit.{row['id']}"), row["id"],
                  lambda _: f"已保存：{problems.get(self.store, row['id'])['problem_no']}")

    def action_progress(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row["status"] == model.CLOSED:
            self.notify("已销号的问题不能再添加进展；如问题反弹，请按 k 录入回头看", severity="warning")
            return

        def done(result: int | None) -> None:
            if result:
                self.after_change(f"已添加进展：{row['problem_no']}", select_id=row["id"])

        self.app.push_screen(ProgressForm(self.store, row), done)

    def action_status(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not lifecycle.allowed_next(row["status"]):
            self.notify("已销号的问题不能直接变更状态；如回头看发现反弹，请按 k 录入回头看（会自动重新打开）",
                        severity="warning")
            return

        self.edit(StatusForm(self.store, row), row["id"],
                  lambda target: f"{row['problem_no']}：{row['status']} → {target}")

    def action_recheck(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row["status"] not in model.RECHECKABLE:
            self.notify(f"回头看只针对已验收或已销号的问题（当前：{row['status']}）", severity="warning")
            return

        def done(came_back: bool | None) -> None:
            if came_back is None:
                return
            msg = "发现反弹，问题已重新打开为“整改中”" if came_back else "已录入回头看（未反弹）"
            self.after_change(f"{row['problem_no']}：{msg}", select_id=row["id"])

        self.app.push_screen(RecheckForm(self.store, row), done)

    def action_from_petition(self) -> None:
        if not links.petitions_table_exists(self.store):
            self.notify("信访件模块尚未建立，无法从信访件生成", severity="warning")
            return

        def done(hid: int | None) -> None:
            if hid:
                self.after_change(f"已由信访件生成问题：{problems.get(self.store, hid)['problem_no']}", select_id=hid)

        self.app.push_screen(FromPetitionForm(self.store, draft_key="handoffs.from_petition"), done)

    def action_summary(self) -> None:
        today = dates.today()
        self.app.push_screen(SummaryModal(summary.summary(self.store, today),
                                          f"按牵头单位汇总（截至{dates.cn_date(today)}）"))

    def action_history(self) -> None:
        row = self.selected()
        if row is not None:
            show_history(self.app, self.store, model.ENTITY, row["id"], title=f"修改记录：{row['problem_no']}",
                         labels=model.LABELS)

    def action_delete(self) -> None:
        row = self.selected()
        if row is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                try:
                    problems.soft_delete(self.store, row["id"])
                except UserError as exc:
                    self.notify(str(exc), severity="error", markup=False)
                    self.refresh_data()
                    return
                self.after_change(f"已删除问题：{row['problem_no']}（{UNDO_HINT}）")

        gist = row["description"].replace("\n", " ")
        self.app.push_screen(ConfirmModal(
            f"删除问题 {row['problem_no']}（{row['lead_unit']}）？\n{gist[:60]}\n"
            "删除后不再出现在台账、汇总和导出中，可在回收站（Ctrl+Z）恢复。"), answered)

    def action_delete_progress(self) -> None:
        self._delete_entry(progress.last_entry, progress.delete_progress, "整改进展", "content")

    def action_delete_recheck(self) -> None:
        self._delete_entry(rechecks.last_recheck, rechecks.delete_recheck, "回头看记录", "finding")

    def _delete_entry(self, last, delete, what: str, text: str) -> None:
        """Delete the selected problem's latest progress entry or 回头看 record (to the 回收站)."""
        row = self.selected()
        if row is None:
            return
        try:
            entry = last(self.store, row["id"])
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.confirm_then(f"删除问题 {row['problem_no']} 最新的{what}？\n{entry['date']}：{entry[text][:60]}\n"
                          "可在回收站（Ctrl+Z）恢复。", lambda: delete(self.store, entry["id"]),
                          f"已删除{what}：{row['problem_no']} {entry['date']}（{UNDO_HINT}）")

    def action_import(self) -> None:
        from ..intake.flow import start_import
        from ..intake.preview import IntakePathForm
        from ..intake.steps import handoffs_steps

        def done(path) -> None:
            if path:
                start_import(self, handoffs_steps(self, path))

        self.app.push_screen(IntakePathForm(self.store, "导入整改台账（先预览，确认后才写入）", "列：来源、问题描述、牵头单位……",
                                            placeholder="如 ~/下载/整改台账.xlsx", draft_key="handoffs.import"), done)

    def action_export(self) -> None:
        from ....handoffs.export import default_export_dir, export_ledger

        filters, today = self.filters, dates.today()
        targets = [default_export_dir(self.store) / f"问题整改台账-{today:%Y%m%d}{ext}" for ext in (".xlsx", ".docx")]

        def start(force: bool) -> None:
            self.notify("正在导出问题整改台账…")
            run_in_thread(self, lambda store: [export_ledger(store, path, today=today, force=force, **filters)
                                               for path in targets],
                          group="handoffs-export", failed="导出失败",
                          done=lambda paths: show_exported(self.app, paths, "台账已导出"))

        ask_overwrite(self.app, targets, start)
