"""信访件 screen: the petition log from batch intake to published result.

A search box and filters (批次, 单位, 污染类型, 状态, 仅超期) over a list paged from SQL, with
overdue and due-today petitions first; a detail pane for the selected petition (the
petitioner masked; Enter shows the full detail); keys for intake, hand-over (交办),
results, publication and the files (import, results import, export), which run in
thread workers on their own connection.
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Select, Static

from .... import dates, refdata
from ....errors import UserError
from ....petitions import search
from ....petitions.batches import batch_summary, delete_batch, get_batch
from ....petitions.deadlines import alert_counts, deadline_text, due_date_for
from ....petitions.intake import delete_petition
from ....petitions.repeats.finder import RepeatCandidate, repeat_candidates
from ....petitions.repeats.links import link_repeat, unlink_repeat
from ....petitions.history import history_text
from ....petitions.rows import get_petition
from ....petitions.detail import audit_reveal, detail_text
from ....petitions.model import STATUSES
from ....petitions.queries import batch_choices
from ...base import UNDO_HINT
from ...editing import EditOutcome, open_record_form
from ...modals import ConfirmModal, MessageModal
from ...widgets.fast_table import FastTable
from ...widgets.paged_table import Column, PagedTable
from ...widgets.search_box import SearchBox
from ..record_list import RecordListScreen, set_text
from .dialogs import RepeatChoice, RepeatModal
from .files import PetitionFiles
from .forms import BatchForm, PetitionForm, ResultForm
from .selection import PetitionSelection
from ...keys import keymap
from ...widgets.checkbox import Checkbox

# On a narrow terminal the summary gives up cells first, then the units and the marks (shrink order);
# 时限 and 状态 stay whole, the 受理编号 keeps its 16 characters.
COLUMNS = [
    Column("mark", "标记", 8, shrink=3, min_width=4),
    Column("case_no", "受理编号", 18, shrink=5, min_width=16),  # D2HH202403120001: 16
    Column("batch", "批次", 6),
    Column("unit_short", "行政区域", 10, shrink=3, min_width=6),
    Column("pollution_types", "污染类型", 10, shrink=3, min_width=6),
    Column("summary", "内容摘要", 40, shrink=1, min_width=10),
    Column("petitioner", "信访人", 6, shrink=4, min_width=4),
    Column("units", "责任单位", 14, shrink=2, min_width=8),
    Column("due", "时限", 10, shrink=6, min_width=8),  # 12月1日; 25年1月5日 in another year
    Column("status", "状态", 10),
]
def _due_text(due: str, today: dt.date) -> str:
    """3月29日, with the year (25年1月5日) when it is not this year's."""
    day = dates.from_iso(due)
    return dates.cn_date(day, year=False) if day.year == today.year else f"{day.year % 100:02d}年{day.month}月{day.day}日"


PAGE_SIZE = 30  # a screenful (about 25 rows at 45 lines) and a few more: every row is filled per keystroke


class PetitionsScreen(PetitionSelection, PetitionFiles, RecordListScreen):
    SCREEN_TITLE = "信访件"
    TABLE = "#pf-table"
    DETAIL = "#pf-detail"
    PICK_FIRST = "请先在列表中选择一件信访件"
    NOTHING_YET = "（还没有信访件。按 i 导入督察组的转办表，按 a 逐件登记）"

    @property
    def EMPTY(self) -> str:  # noqa: N802 (RecordListScreen's name for the empty list's text)
        """What the detail pane says of an empty list: a filter that matches nothing is not an
        empty log (no "按 i 导入" then)."""
        f = self.filters
        shown = [w for w, on in (("仅超期", f.overdue_only), (f"搜索“{f.text.strip()[:20]}”", f.text.strip()),
                                 ("所选批次", f.batch_id), (f.unit, f.unit), (f.ptype, f.ptype),
                                 (f.status or "未发交办通知", f.status or f.not_notified)) if on]
        if not shown:
            return self.NOTHING_YET
        return f"（没有符合筛选条件的信访件：{'、'.join(shown)}。按 f 切换仅超期，清空搜索框或选“全部…”可看全部）"
    BINDINGS = keymap("petitions", [
        ("a", "add", "新增"), ("e", "edit", "编辑"), ("i", "import", "导入"), ("t", "hand_over", "交办"),
        ("r", "result", "录入结果"), ("p", "publish", "公开"), ("s", "status", "状态"), ("h", "history", "历史"),
        ("l", "repeats", "重复件"), ("u", "import_results", "导入结果"), ("x", "export", "导出"), ("b", "batch", "批次"),
        ("f", "toggle_overdue", "仅超期", "overdue"),
    ], hidden=[  # the footer is full at 160 columns: these are in Ctrl+P (and the README); the box says （/）
        ("n", "notice", "交办通知"), ("c", "chase", "催办通知"), ("d", "delete", "删除"), ("B", "delete_batch", "删除空批次"),
        ("slash", "focus_search", "搜索", "search"), ("v", "reveal", "显示联系方式"), ("w", "make_problem", "生成交办问题"),
        ("escape", "focus_table", "回到列表"),
        ("down", "focus_table", "回到列表", "down_to_table"), ("pagedown", "turn_page(1)", "下一页", "next_page"),
        ("pageup", "turn_page(-1)", "上一页", "prev_page"), ("space", "toggle_pick", "多选：选中或取消本行"),
        ("A", "pick_all", "多选：全选当前筛选（再按取消）"), ("C", "clear_picks", "多选：清除选择"),
    ], priority={"turn_page(1)", "turn_page(-1)"})

    def __init__(self) -> None:
        super().__init__()
        self._detail_pending = False
        self._batch_options: list = []
        self._revealed: int | None = None  # the petition whose contact v shows in the detail pane
        self._revealed_text = ""
        self.picked: set[int] = set()  # the selection (selection.py): petition ids

    # -- layout -------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="toolbar", id="pet-toolbar"):
            yield SearchBox(placeholder="搜索受理编号或内容（/）", id="pf-search")
            yield Select([], id="pf-batch", prompt="全部批次")
            yield Select([(u, u) for u in refdata.unit_names(self.store)], id="pf-unit", prompt="全部单位")
            yield Select([(t, t) for t in refdata.vocab(self.store, "pollution_type")], id="pf-type", prompt="全部类型")
            yield Select([(s, s) for s in (*STATUSES, search.NOT_NOTIFIED)], id="pf-status", prompt="全部状态")
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
        self.show_picked()
        self._update_counts()
        self.show_detail()

    # -- data ---------------------------------------------------------------------------
    def filter_value(self, widget_id: str):
        value = self.query_one(widget_id, Select).value
        return None if value is Select.NULL or value in (None, "") else value

    @property
    def filters(self) -> search.Filters:
        return search.Filters(
            text=self.query_one("#pf-search", Input).value,
            batch_id=self.filter_value("#pf-batch"),
            unit=self.filter_value("#pf-unit") or "",
            ptype=self.filter_value("#pf-type") or "",
            status=self.filter_value("#pf-status") or "",
            overdue_only=self.query_one("#pf-overdue", Checkbox).value,
        )

    def fetch(self, offset: int, limit: int) -> tuple[list[dict], int | None]:
        """One page; the total is counted after the page is painted (``count``)."""
        today = dates.today()
        rows, total = search.page(self.store, self.filters, today, offset, limit, with_total=False)
        shorts = {u.name: u.display for u in refdata.list_units(self.store, include_inactive=True)}
        for r in rows:
            flags = ("【重点】" if r["key_case"] else "") + ("【重复】" if r["is_repeat"] else "")
            r["summary"] = flags + r["content"].replace("\n", " ")
            r["batch"] = f"第{r['batch_no']}批"
            r["unit_short"] = shorts.get(r["unit"], r["unit"])
            r["units"] = shorts.get(r["lead_unit"], r["lead_unit"]) + ("等" if r["coop_units"] else "")
            r["due"] = _due_text(r["due_date"], today) if r["due_date"] else ""
            self.mark(r)
        return rows, total

    def count(self) -> int:
        return search.count(self.store, self.filters, dates.today())

    def refresh_data(self) -> None:
        self._refresh_batches()
        self.table.reload()
        self._update_counts()
        self.show_detail()

    def _refresh_batches(self) -> None:
        batches = batch_choices(self.store)
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
        c = alert_counts(self.store, today)
        text = f"超期 {c['overdue']} 件 · 今日到期 {c['due_today']} 件 · 待交办 {c['waiting']} 件 · " \
               f"办理时限 {deadline_text(self.store)}"
        warning = due_date_for(self.store, today)[1]
        batch_id = self.filter_value("#pf-batch")
        if batch_id:
            b = batch_summary(self.store, batch_id)
            text += (f"\n第{b['no']}批（{dates.cn_date(b['date'], year=False)}转办，{b['group_name']}）：{b['total']}件，"
                     f"来电{b['phone']}件、来信{b['letter']}件，重点件{b['key_cases']}件、重复件{b['repeats']}件"
                     + (f"；{b['note']}" if b["note"] else ""))
        set_text(self.query_one("#pf-counts", Static), text + (f"\n{warning}" if warning else ""))

    def get_record(self, record_id: int) -> dict:
        return get_petition(self.store, record_id)

    def describe(self, record_id: int) -> str:
        if record_id == self._revealed:  # shown with v (audited) until the cursor moves on
            return self._revealed_text + "\n\n（联系方式已显示，查看已留痕；移到其他行即隐去）"
        return detail_text(self.store, record_id, reveal=False) \
            + "\n\n（信访人信息已隐去，按 v 显示联系方式、Enter 查看完整详情（均留痕）；按 n 生成本批交办通知，按 c 生成催办通知）"

    def action_make_problem(self) -> None:
        """w: a problem (问题交办) from the petition under the cursor (the 受理编号 filled in)."""
        from ....handoffs.problems import get as get_problem
        from ..handoffs.forms import FromPetitionForm

        row = self.selected()
        if row is None:
            return

        def done(hid: int | None) -> None:
            if hid:
                self.notify(f"已由 {row['case_no']} 生成问题：{get_problem(self.store, hid)['problem_no']}（按 3 到问题交办查看）",
                            markup=False)

        self.app.push_screen(FromPetitionForm(self.store, initial={"case_no": row["case_no"]}), done)

    def action_reveal(self) -> None:
        """v: the petitioner's name, phone and address in the detail pane, for a call-back (audited)."""
        row = self.selected()
        if row is None:
            return
        self._revealed_text = detail_text(self.store, row["id"])
        audit_reveal(self.store, row["id"])
        self._revealed = row["id"]
        self.show_detail()

    @on(FastTable.RowHighlighted)
    def _highlighted(self) -> None:
        if self._revealed is not None and self.table.selected_id != str(self._revealed):
            self._revealed = None  # masked again once the cursor leaves it
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

    def reload_list(self) -> None:
        self._refresh_batches()
        self.table.reload()

    def _error(self, message: str, title: str = "") -> None:
        self.notify(message, title=title, severity="error", markup=False)

    # -- simple actions -----------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#pf-search", Input).focus()

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
            text = detail_text(self.store, row["id"])
            audit_reveal(self.store, row["id"])
            self.app.push_screen(MessageModal(f"信访件详情：{row['case_no']}", text))

    def action_history(self) -> None:
        row = self.selected()
        if row is not None:
            self.app.push_screen(MessageModal(f"修改记录：{row['case_no']}", history_text(self.store, row["id"])))

    # -- intake and edit ----------------------------------------------------------------
    def action_add(self) -> None:
        batch_id = self.filter_value("#pf-batch")
        batch_no = get_batch(self.store, batch_id)["no"] if batch_id else None

        def saved(outcome: EditOutcome[int]) -> None:
            row = get_petition(self.store, outcome.value)
            self.after_change(f"已登记：{row['case_no']}（第{row['batch_no']}批）", select_id=row["id"])
            self._offer_repeats_for(row)

        open_record_form(self, PetitionForm(self.store, draft_key="petitions.new", batch_no=batch_no), saved,
                         self.after_change)

    def action_edit(self) -> None:
        row = self.selected()
        if row is not None:
            self.edit(PetitionForm(self.store, row=row, draft_key=f"petitions.edit.{row['id']}"), row["id"],
                       lambda _: f"已保存：{row['case_no']}")

    def _offer_repeats_for(self, row: dict) -> None:
        if row["is_repeat"]:
            return
        cands = repeat_candidates(self.store, row["content"], row["unit"], before_batch_no=row["batch_no"],
                                    exclude_id=row["id"])
        if cands:
            self._ask_repeats([self._choice(row["id"], row["case_no"], c) for c in cands])

    @staticmethod
    def _choice(pid: int, case_no: str, c: RepeatCandidate) -> RepeatChoice:
        return RepeatChoice(pid, c.petition_id, f"{case_no} 与 {c.case_no}（第{c.batch_no}批，相似度 {c.score:.0%}）："
                                                f"{c.content[:50]}")

    def _ask_repeats(self, choices: list[RepeatChoice], title: str | None = None) -> None:
        def done(chosen: list[RepeatChoice] | None) -> None:
            linked = 0
            for c in chosen or []:
                try:
                    link_repeat(self.store, c.petition_id, c.other_id)
                    linked += 1
                except UserError as exc:
                    self._error(str(exc))
            if linked:
                self.after_change(f"已关联重复件 {linked} 件")

        self.app.push_screen(RepeatModal(choices, title) if title else RepeatModal(choices), done)

    def action_repeats(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row["is_repeat"]:
            def answered(yes: bool | None) -> None:
                if yes:
                    unlink_repeat(self.store, row["id"])
                    self.after_change(f"已取消重复关联：{row['case_no']}", select_id=row["id"])

            self.app.push_screen(ConfirmModal(f"{row['case_no']} 已标为重复件（{row['repeat_of'] or '未注明关联件'}）。"
                                              "取消重复关联？"), answered)
            return
        cands = repeat_candidates(self.store, row["content"], row["unit"], before_batch_no=row["batch_no"],
                                    exclude_id=row["id"], limit=5)
        if not cands:
            self.notify("没有找到相似的早先信访件（同一行政区域、此前批次）", markup=False)
            return
        self._ask_repeats([self._choice(row["id"], row["case_no"], c) for c in cands])

    def action_delete_batch(self) -> None:
        """Delete the (empty) batch chosen in the batch filter."""
        batch_id = self.filter_value("#pf-batch")
        if not batch_id:
            self.notify("请先在批次筛选中选择要删除的（空）批次", severity="warning", markup=False)
            return
        batch = get_batch(self.store, batch_id)
        self.confirm_then(f"删除第{batch['no']}批？只能删除没有信访件的批次。\n可在回收站（Ctrl+Z）恢复。",
                          lambda: delete_batch(self.store, batch_id), f"已删除第{batch['no']}批（{UNDO_HINT}）")

    def action_delete(self) -> None:
        row = self.selected()
        if row is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                delete_petition(self.store, row["id"])
                self.after_change(f"已删除：{row['case_no']}（{UNDO_HINT}）")

        self.app.push_screen(ConfirmModal(f"删除信访件 {row['case_no']}？\n删除后不再出现在列表、统计和导出中，"
                                          "可在回收站（Ctrl+Z）恢复。"), answered)

    def action_batch(self) -> None:
        batch_id = self.filter_value("#pf-batch")
        if not batch_id:
            row = self.selected()
            if row is None:
                return
            batch_id = row["batch_id"]
        batch = get_batch(self.store, batch_id)

        def saved(outcome: EditOutcome[dict]) -> None:
            new = outcome.value
            self._batch_options = []
            self.after_change(outcome.notice(f"已保存：第{new['no']}批（转办日期 {dates.cn_date(new['date'])}）"))

        def kept(notice: str) -> None:
            self._batch_options = []
            self.after_change(notice)

        open_record_form(self, BatchForm(self.store, batch), saved, kept)

    # -- results (交办, 状态 and 公开 are in selection.py: on the selection or this row) ---------------
    def action_result(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.edit(ResultForm(self.store, row), row["id"], lambda new: f"已录入结果：{new['case_no']}（{new['status']}）")

    # -- letters ------------------------------------------------------------------------
    def action_notice(self) -> None:
        from .letters import open_notice  # the letters' dialogs are imported when used

        open_notice(self)

    def action_chase(self) -> None:
        from .letters import open_chase

        open_chase(self)
