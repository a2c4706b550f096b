"""信访件 screen: the petition log from batch intake to published result.

A search box and filters (批次, 单位, 污染类型, 状态, 仅超期) over a list paged from SQL, with
overdue and due-today petitions first; a detail pane for the selected petition (the
petitioner masked; Enter shows the full detail); keys for intake, hand-over (交办),
results, publication and the files (import, results import, export), which run in
thread workers on their own connection.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from .... import dates, refdata
from ....errors import UserError, ValidationError
from ....petitions import io, search, service as S
from ....petitions.detail import detail_text
from ....petitions.model import LABELS, STATUSES
from ...base import UNDO_HINT, BaseScreen
from ...modals import ConfirmModal, ConflictModal, MessageModal
from ...widgets.paged_table import Column, PagedTable
from ...widgets.search_box import SearchBox
from .forms import (BatchForm, EditOutcome, ExportForm, ExportRequest, HandOverForm, ImportForm, ImportRequest,
                             PathForm, PetitionForm, RepeatChoice, RepeatModal, ReportModal, ResultForm, StatusForm)

COLUMNS = [
    Column("mark", "标记", 8),
    Column("case_no", "受理编号", 18),
    Column("batch", "批次", 6),
    Column("unit_short", "行政区域", 10),
    Column("pollution_types", "污染类型", 10),
    Column("summary", "内容摘要", 40),
    Column("petitioner", "信访人", 6),
    Column("units", "责任单位", 14),
    Column("due", "时限", 8),
    Column("status", "状态", 10),
]
PAGE_SIZE = 30  # a screenful (about 25 rows at 45 lines) and a few more: every row is filled per keystroke
CONFLICT_LABELS = {k: LABELS[k] for k in ("case_no", "content", "unit", "repeat_of", "petitioner_name",
                                          "petitioner_phone", "petitioner_address", "target", "note")}


def _set_text(widget: Static, text: str) -> None:
    """Update a Static only when its text changes (each update lays the screen out again)."""
    if getattr(widget, "_dd_text", None) != text:
        widget._dd_text = text
        widget.update(text)


class PetitionsScreen(BaseScreen):
    SCREEN_TITLE = "信访件"
    BINDINGS = [
        Binding("a", "add", "新增", id="petitions.add"),
        Binding("e", "edit", "编辑", id="petitions.edit"),
        Binding("i", "import", "导入", id="petitions.import"),
        Binding("t", "hand_over", "交办", id="petitions.hand_over"),
        Binding("r", "result", "录入结果", id="petitions.result"),
        Binding("p", "publish", "公开", id="petitions.publish"),
        Binding("s", "status", "状态", id="petitions.status"),
        Binding("h", "history", "历史", id="petitions.history"),
        Binding("l", "repeats", "重复件", id="petitions.repeats"),
        Binding("u", "import_results", "导入结果", id="petitions.import_results"),
        Binding("x", "export", "导出", id="petitions.export"),
        Binding("b", "batch", "批次", id="petitions.batch"),
        Binding("d", "delete", "删除", id="petitions.delete", show=False),
        Binding("slash", "focus_search", "搜索", id="petitions.search"),
        Binding("f", "toggle_overdue", "仅超期", id="petitions.overdue"),
        Binding("escape", "focus_table", "回到列表", id="petitions.focus_table", show=False),
        Binding("down", "focus_table", "回到列表", id="petitions.down_to_table", show=False),
        # DataTable's own PgUp/PgDn (move the cursor) would shadow PagedTable's page turning
        Binding("pagedown", "turn_page(1)", "下一页", id="petitions.next_page", show=False, priority=True),
        Binding("pageup", "turn_page(-1)", "上一页", id="petitions.prev_page", show=False, priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._detail_pending = False
        self._batch_options: list = []

    # -- layout -------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="toolbar", id="pet-toolbar"):
            yield SearchBox(placeholder="搜索受理编号或内容（/）", id="pf-search")
            yield Select([], id="pf-batch", prompt="全部批次")
            yield Select([(u, u) for u in refdata.unit_names(self.store)], id="pf-unit", prompt="全部单位")
            yield Select([(t, t) for t in refdata.vocab(self.store, "pollution_type")], id="pf-type", prompt="全部类型")
            yield Select([(s, s) for s in STATUSES], id="pf-status", prompt="全部状态")
            yield Checkbox("仅超期", id="pf-overdue")
        yield Static("", id="pf-counts", markup=False)
        yield PagedTable(COLUMNS, self.fetch, page_size=PAGE_SIZE, id="pf-table", count=self.count)
        with VerticalScroll(classes="detail", id="pf-detail-box"):
            yield Static("", id="pf-detail", markup=False)

    def on_mount(self) -> None:
        self._refresh_batches()
        self.table.table.focus()
        self.call_after_refresh(self._after_mount)

    def _after_mount(self) -> None:
        self._update_counts()
        self.show_detail()

    # -- data ---------------------------------------------------------------------------
    @property
    def table(self) -> PagedTable:
        return self.query_one("#pf-table", PagedTable)

    def _select(self, widget_id: str):
        value = self.query_one(widget_id, Select).value
        return None if value is Select.NULL or value in (None, "") else value

    @property
    def filters(self) -> search.Filters:
        return search.Filters(
            text=self.query_one("#pf-search", Input).value,
            batch_id=self._select("#pf-batch"),
            unit=self._select("#pf-unit") or "",
            ptype=self._select("#pf-type") or "",
            status=self._select("#pf-status") or "",
            overdue_only=self.query_one("#pf-overdue", Checkbox).value,
        )

    def fetch(self, offset: int, limit: int) -> tuple[list[dict], int | None]:
        """One page; the total is counted after the page is painted (``count``)."""
        rows, total = search.page(self.store, self.filters, dates.today(), offset, limit, with_total=False)
        shorts = {u.name: u.display for u in refdata.list_units(self.store, include_inactive=True)}
        for r in rows:
            flags = ("【重点】" if r["key_case"] else "") + ("【重复】" if r["is_repeat"] else "")
            r["summary"] = flags + r["content"].replace("\n", " ")
            r["batch"] = f"第{r['batch_no']}批"
            r["unit_short"] = shorts.get(r["unit"], r["unit"])
            r["units"] = shorts.get(r["lead_unit"], r["lead_unit"]) + ("等" if r["coop_units"] else "")
            r["due"] = dates.cn_date(r["due_date"], year=False) if r["due_date"] else ""
        return rows, total

    def count(self) -> int:
        return search.count(self.store, self.filters, dates.today())

    def refresh_data(self) -> None:
        self._refresh_batches()
        self.table.reload()
        self._update_counts()
        self.show_detail()

    def _refresh_batches(self) -> None:
        batches = self.store.query("SELECT id, no, date FROM batches WHERE deleted_at IS NULL ORDER BY no DESC")
        options = [(f"第{b['no']}批（{dates.cn_date(b['date'], year=False)}）", b["id"]) for b in batches]
        if options == self._batch_options:
            return
        self._batch_options = options
        select = self.query_one("#pf-batch", Select)
        current = select.value
        with select.prevent(Select.Changed):
            select.set_options(options)
            if current is not Select.NULL and any(v == current for _, v in options):
                select.value = current

    def _update_counts(self) -> None:
        today = dates.today()
        c = S.alert_counts(self.store, today)
        text = f"超期 {c['overdue']} 件 · 今日到期 {c['due_today']} 件 · 待交办 {c['waiting']} 件 · " \
               f"办理时限 {S.deadline_text(self.store)}"
        warning = S.due_date_for(self.store, today)[1]
        batch_id = self._select("#pf-batch")
        if batch_id:
            b = S.batch_summary(self.store, batch_id)
            text += (f"\n第{b['no']}批（{dates.cn_date(b['date'], year=False)}转办，{b['group_name']}）：{b['total']}件，"
                     f"来电{b['phone']}件、来信{b['letter']}件，重点件{b['key_cases']}件、重复件{b['repeats']}件"
                     + (f"；{b['note']}" if b["note"] else ""))
        _set_text(self.query_one("#pf-counts", Static), text + (f"\n{warning}" if warning else ""))

    def selected(self) -> dict | None:
        """The selected petition, read fresh from the database (None and a notice if none)."""
        rid = self.table.selected_id
        if rid is None:
            self.notify("请先在列表中选择一件信访件", severity="warning")
            return None
        try:
            return S.get_petition(self.store, int(rid))
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.refresh_data()
            return None

    def show_detail(self) -> None:
        detail = self.query_one("#pf-detail", Static)
        rid = self.table.selected_id
        if rid is None:
            _set_text(detail, "（没有符合条件的信访件。按 i 导入督察组的转办表，按 a 逐件登记）")
            return
        try:
            _set_text(detail, detail_text(self.store, int(rid), reveal=False)
                      + "\n\n（信访人信息已隐去，按 Enter 查看完整详情）")
        except UserError:
            _set_text(detail, "")

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._detail_later()

    def _detail_later(self) -> None:
        """The detail pane follows the cursor once the list is painted (one update for a burst)."""
        if not self._detail_pending:
            self._detail_pending = True
            self.call_after_refresh(self._detail_now)

    def _detail_now(self) -> None:
        self._detail_pending = False
        self.show_detail()

    def search_text_changed(self) -> None:
        """Called by the search box as its text changes (each keystroke): the list is searched
        at once, in the same frame as the box is redrawn (bench/RESULTS.md)."""
        self._apply_filters(counts=False)

    @on(Input.Submitted, "#pf-search")
    def _search_submitted(self) -> None:
        """Enter goes to the list, which already follows the box (as ↓ and Esc do)."""
        self.action_focus_table()

    @on(Select.Changed)
    @on(Checkbox.Changed, "#pf-overdue")
    def _filter_changed(self, event) -> None:
        if getattr(event, "select", None) is None or event.select.id.startswith("pf-"):
            self._apply_filters()

    def _apply_filters(self, *, counts: bool = True) -> None:
        """The first page for the filters now; the detail pane (and the counts line, which a
        text search does not change) follow once the list is painted."""
        self.table.first_page()
        if counts:
            self.call_after_refresh(self._update_counts)
        self._detail_later()

    def show_unit(self, unit: str) -> bool:
        """The petitions of one 行政区域 and nothing else filtered (the 态势 screen's Enter).
        False, and nothing changed, when the unit is not one the filter offers."""
        select = self.query_one("#pf-unit", Select)
        if unit not in refdata.unit_names(self.store):
            return False
        search_box = self.query_one("#pf-search", Input)
        with search_box.prevent(Input.Changed):
            search_box.value = ""
        for widget_id, value in (("#pf-batch", Select.NULL), ("#pf-type", Select.NULL), ("#pf-status", Select.NULL)):
            other = self.query_one(widget_id, Select)
            with other.prevent(Select.Changed):
                other.value = value
        overdue = self.query_one("#pf-overdue", Checkbox)
        with overdue.prevent(Checkbox.Changed), select.prevent(Select.Changed):
            overdue.value = False
            select.value = unit
        self._apply_filters()
        self.action_focus_table()
        return True

    @on(PagedTable.Chosen)
    def _chosen(self) -> None:
        self.action_detail()

    def after_change(self, message: str, *, select_id: int | None = None) -> None:
        self.notify(message, markup=False)
        self._refresh_batches()
        self.table.reload()
        if select_id is not None:
            self._move_to(select_id)
        self._update_counts()
        self.show_detail()

    def _move_to(self, petition_id: int) -> None:
        for i, row in enumerate(self.table.rows):
            if row["id"] == petition_id:
                self.table.table.move_cursor(row=i, animate=False)
                return

    def _error(self, message: str, title: str = "") -> None:
        self.notify(message, title=title, severity="error", markup=False)

    # -- simple actions -----------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#pf-search", Input).focus()

    def action_focus_table(self) -> None:
        self.table.table.focus()

    def action_turn_page(self, step: int) -> None:
        if step > 0:
            self.table.action_next_page()
        else:
            self.table.action_prev_page()

    def action_toggle_overdue(self) -> None:
        box = self.query_one("#pf-overdue", Checkbox)
        box.value = not box.value

    def action_detail(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.push_screen(MessageModal(f"信访件详情：{row['case_no']}", detail_text(self.store, row["id"])))

    def action_history(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.push_screen(MessageModal(f"修改记录：{row['case_no']}", S.history_text(self.store, row["id"])))

    # -- intake and edit ----------------------------------------------------------------
    def action_add(self) -> None:
        batch_id = self._select("#pf-batch")
        batch_no = S.get_batch(self.store, batch_id)["no"] if batch_id else None

        def done(result: EditOutcome | None) -> None:
            if result and result.petition_id:
                row = S.get_petition(self.store, result.petition_id)
                self.after_change(f"已登记：{row['case_no']}（第{row['batch_no']}批）", select_id=row["id"])
                self._offer_repeats_for(row)

        self.app.push_screen(PetitionForm(self.store, draft_key="petitions.new", batch_no=batch_no), done)

    def action_edit(self) -> None:
        row = self.selected()
        if row is not None:
            self._open_edit(row)

    def _open_edit(self, row: dict, *, initial: dict | None = None, version: int | None = None) -> None:
        def done(result: EditOutcome | None) -> None:
            if result is None:
                return
            if result.petition_id:
                self.after_change(f"已保存：{row['case_no']}", select_id=row["id"])
                return
            self._resolve_conflict(row, result.mine, result.theirs or {})

        self.app.push_screen(PetitionForm(self.store, row=row, initial=initial, version=version,
                                          draft_key=f"petitions.edit.{row['id']}"), done)

    def _resolve_conflict(self, row: dict, mine: dict, theirs: dict) -> None:
        def chosen(choice: str | None) -> None:
            fresh = S.get_petition(self.store, row["id"])
            if choice == "mine":
                self._open_edit(fresh, initial=mine, version=fresh["version"])
                self.notify("已载入我的内容，请确认后按 Ctrl+S 保存", markup=False)
            elif choice == "theirs":
                self.after_change("已保留对方的修改", select_id=row["id"])
            else:
                self._open_edit(fresh, initial=mine, version=row["version"])

        from ....text import mask_name, mask_phone

        def view(values: dict) -> dict:  # the comparison never shows the petitioner in clear
            out = dict(values)
            out["petitioner_name"] = mask_name(out.get("petitioner_name") or "")
            out["petitioner_phone"] = mask_phone(out.get("petitioner_phone") or "")
            out["petitioner_address"] = "（已隐藏）" if out.get("petitioner_address") else ""
            return out

        self.app.push_screen(ConflictModal(CONFLICT_LABELS, view(mine), view(theirs)), chosen)

    def _offer_repeats_for(self, row: dict) -> None:
        if row["is_repeat"]:
            return
        cands = S.repeat_candidates(self.store, row["content"], row["unit"], before_batch_no=row["batch_no"],
                                    exclude_id=row["id"])
        if cands:
            self._ask_repeats([self._choice(row["id"], row["case_no"], c) for c in cands])

    @staticmethod
    def _choice(pid: int, case_no: str, c: S.RepeatCandidate) -> RepeatChoice:
        return RepeatChoice(pid, c.petition_id, f"{case_no} 与 {c.case_no}（第{c.batch_no}批，相似度 {c.score:.0%}）："
                                                f"{c.content[:50]}")

    def _ask_repeats(self, choices: list[RepeatChoice]) -> None:
        def done(chosen: list[RepeatChoice] | None) -> None:
            linked = 0
            for c in chosen or []:
                try:
                    S.link_repeat(self.store, c.petition_id, c.other_id)
                    linked += 1
                except UserError as exc:
                    self._error(str(exc))
            if linked:
                self.after_change(f"已关联重复件 {linked} 件")

        self.app.push_screen(RepeatModal(choices), done)

    def action_repeats(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row["is_repeat"]:
            def answered(yes: bool | None) -> None:
                if yes:
                    S.unlink_repeat(self.store, row["id"])
                    self.after_change(f"已取消重复关联：{row['case_no']}", select_id=row["id"])

            self.app.push_screen(ConfirmModal(f"{row['case_no']} 已标为重复件（{row['repeat_of'] or '未注明关联件'}）。"
                                              "取消重复关联？"), answered)
            return
        cands = S.repeat_candidates(self.store, row["content"], row["unit"], before_batch_no=row["batch_no"],
                                    exclude_id=row["id"], limit=5)
        if not cands:
            self.notify("没有找到相似的早先信访件（同一行政区域、此前批次）", markup=False)
            return
        self._ask_repeats([self._choice(row["id"], row["case_no"], c) for c in cands])

    def action_delete(self) -> None:
        row = self.selected()
        if row is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                S.delete_petition(self.store, row["id"])
                self.after_change(f"已删除：{row['case_no']}（{UNDO_HINT}）")

        self.app.push_screen(ConfirmModal(f"删除信访件 {row['case_no']}？\n删除后不再出现在列表、统计和导出中，"
                                          "可在回收站（Ctrl+Z）恢复。"), answered)

    def action_batch(self) -> None:
        batch_id = self._select("#pf-batch")
        if not batch_id:
            row = self.selected()
            if row is None:
                return
            batch_id = row["batch_id"]
        batch = S.get_batch(self.store, batch_id)

        def done(new: dict | None) -> None:
            if new:
                self._batch_options = []
                self.after_change(f"已保存：第{new['no']}批（转办日期 {dates.cn_date(new['date'])}）")

        self.app.push_screen(BatchForm(self.store, batch), done)

    # -- hand-over, results, status -------------------------------------------------------
    def action_hand_over(self) -> None:
        row = self.selected()
        if row is None:
            return

        def done(result: dict | None) -> None:
            if result:
                new = result["row"]
                self.after_change(f"已交办 {new['case_no']} 给 {new['lead_unit']}，办理时限 "
                                  f"{dates.cn_date(new['due_date'])}" + (f"\n{result['warning']}" if result["warning"] else ""),
                                  select_id=row["id"])

        self.app.push_screen(HandOverForm(self.store, row), done)

    def action_result(self) -> None:
        row = self.selected()
        if row is None:
            return

        def done(new: dict | None) -> None:
            if new:
                self.after_change(f"已录入结果：{new['case_no']}（{new['status']}）", select_id=row["id"])

        self.app.push_screen(ResultForm(self.store, row), done)

    def action_status(self) -> None:
        row = self.selected()
        if row is None:
            return

        def done(new: dict | None) -> None:
            if new:
                self.after_change(f"{row['case_no']}：{row['status']} → {new['status']}", select_id=row["id"])

        self.app.push_screen(StatusForm(self.store, row), done)

    def action_publish(self) -> None:
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
                S.publish(self.store, [row["id"]], dates.today())
                self.after_change(f"已公开：{row['case_no']}", select_id=row["id"])

        self.app.push_screen(ConfirmModal(f"将 {row['case_no']} 的办理结果标记为今天已公开？"), answered)

    # -- files --------------------------------------------------------------------------
    def action_import(self) -> None:
        def done(req: ImportRequest | None) -> None:
            if req:
                self.notify(f"正在检查：{req.path.name}…", markup=False)
                self._plan_import(req)

        self.app.push_screen(ImportForm(self.store), done)

    @work(thread=True, exclusive=True, group="petitions-file")
    def _plan_import(self, req: ImportRequest) -> None:
        store = self.store.clone()
        try:
            plan = io.plan_import(store, req.path, batch=req.batch, day=req.day)
        except ValidationError as exc:
            self.app.call_from_thread(self._show_report, "导入失败：表格有误，未导入任何信访件", exc.report())
            return
        except (UserError, OSError) as exc:
            self.app.call_from_thread(self._error, str(exc), "导入失败")
            return
        finally:
            store.close()
        self.app.call_from_thread(self._confirm_import, plan)

    def _show_report(self, title: str, body: str) -> None:
        self.app.push_screen(ReportModal(title, body, ask=False))

    def _confirm_import(self, plan: io.ImportPlan) -> None:
        if not plan.rows:
            self._show_report(f"导入：{plan.path.name}", plan.report(applied=False))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._apply_import(plan)

        self.app.push_screen(ReportModal(f"导入预览：{plan.path.name}", plan.report(applied=False)), answered)

    @work(thread=True, exclusive=True, group="petitions-file")
    def _apply_import(self, plan: io.ImportPlan) -> None:
        store = self.store.clone()
        try:
            result = io.apply_import(store, plan)
            labels = {pid: S.get_petition(store, pid)["case_no"] for pid, _ in result.candidates}
        except (UserError, OSError) as exc:
            self.app.call_from_thread(self._error, str(exc), "导入失败")
            return
        finally:
            store.close()
        self.app.call_from_thread(self._imported, result, labels)

    def _imported(self, result: io.ImportResult, labels: dict[int, str]) -> None:
        if result.created:  # show the batch just imported
            batch_id = S.get_petition(self.store, result.created[0])["batch_id"]
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

    def action_import_results(self) -> None:
        def done(path) -> None:
            if path:
                self.notify(f"正在检查：{path.name}…", markup=False)
                self._plan_results(path)

        self.app.push_screen(PathForm(self.store, "导入县区填报的办理结果表（按受理编号匹配）",
                                      "列名如：受理编号、调查核实情况、是否属实、处理和整改情况、责任追究情况、办结情况、"
                                      "办结日期、责令整改(家)、罚款金额(万元)……"), done)

    @work(thread=True, exclusive=True, group="petitions-file")
    def _plan_results(self, path) -> None:
        store = self.store.clone()
        try:
            plan = io.plan_results(store, path)
        except ValidationError as exc:
            self.app.call_from_thread(self._show_report, "导入失败：表格有误，未录入任何结果", exc.report())
            return
        except (UserError, OSError) as exc:
            self.app.call_from_thread(self._error, str(exc), "导入失败")
            return
        finally:
            store.close()
        self.app.call_from_thread(self._confirm_results, plan)

    def _confirm_results(self, plan: io.ResultsImport) -> None:
        if all(r.unchanged for r in plan.rows):
            self._show_report(f"导入结果：{plan.path.name}", plan.report())
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._apply_results(plan)

        self.app.push_screen(ReportModal(f"导入结果预览：{plan.path.name}", plan.report(), yes="确认录入"), answered)

    @work(thread=True, exclusive=True, group="petitions-file")
    def _apply_results(self, plan: io.ResultsImport) -> None:
        store = self.store.clone()
        try:
            io.apply_results(store, plan)
        except (UserError, OSError) as exc:
            self.app.call_from_thread(self._error, str(exc), "导入失败")
            return
        finally:
            store.close()
        self.app.call_from_thread(self.after_change, plan.report())

    def action_export(self) -> None:
        from ....petitions.export import export_dir

        batch_id = self._select("#pf-batch")
        batch_no = S.get_batch(self.store, batch_id)["no"] if batch_id else None

        def done(req: ExportRequest | None) -> None:
            if req:
                self.notify("正在导出…")
                self._export(req)

        self.app.push_screen(ExportForm(self.store, export_dir(self.store), S.list_batches(self.store), batch_no), done)

    @work(thread=True, exclusive=True, group="petitions-file")
    def _export(self, req: ExportRequest) -> None:
        from ....petitions.export import export_petitions

        store = self.store.clone()
        try:
            path = export_petitions(store, req.path, batch_no=req.batch_no, public=req.public)
        except (UserError, OSError) as exc:
            self.app.call_from_thread(self._error, str(exc), "导出失败")
            return
        finally:
            store.close()
        self.app.call_from_thread(self.notify, str(path), title="已导出", timeout=10, markup=False)
