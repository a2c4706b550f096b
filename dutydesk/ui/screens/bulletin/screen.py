"""工作简报 screen: compose a date's bulletin with a live preview; F5 (the app's key) issues and exports it.

Left: the items in bulletin order (news, 县区动态, then the petition section and the 版记 as
rows you can open). Right: the whole bulletin as the .txt export renders it, wrapped to the pane by Chinese rules
(``CjkText``: no line starts with "，", "12.5%" stays whole). Top: the date
([ ] previous/next day, g go to a date), the 期号 and the status (草稿 / 已签发 第N期).
An issued bulletin is a record: editing it is refused with a hint to 更正重开 (o).
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from .... import dates, refdata
from ....bulletin import issuing, service
from ....exporters.bulletin_doc import title_lines
from ....errors import UserError
from ...base import UNDO_HINT, BaseScreen
from ...editing import EditOutcome, open_record_form
from ...modals import ConfirmModal, show_history
from ...widgets.cells import plain
from ...widgets.cjk_text import CjkText
from .forms import CountyForm, DateForm, FooterForm, FooterValue, NewsForm, PastBulletinsModal, PetitionTextForm
from ...keys import keymap

ITEM_LABELS = {"kind": "类型", "unit": "单位", "title": "标题", "body": "正文", "sort": "顺序", "bulletin_id": "简报"}
BULLETIN_LABELS = {"date": "日期", "number": "期号", "revision": "版次", "status": "状态", "report_to": "报",
                   "send_to": "送", "issue_to": "发", "copies": "印数", "petition_text_override": "信访段",
                   "snapshot": "签发内容", "issued_at": "签发时间", "issued_by": "签发人", "superseded_by": "更正版",
                   "corrects": "更正自", "appendix": "附件统计表"}
PETITION_ROW = "petition"
APPENDIX_ROW = "appendix"
FOOTER_ROW = "footer"


class BulletinScreen(BaseScreen):
    SCREEN_TITLE = "工作简报"
    BINDINGS = keymap("bulletin", [
        ("a", "add_news", "新增新闻"), ("c", "add_county", "新增县区动态"), ("e", "edit", "编辑"),
        ("d,delete", "delete", "删除"), ("r", "regenerate", "重新生成信访段"), ("t", "edit_petition", "编辑信访段"),
        ("f", "footer", "版记设置"), ("b", "toggle_appendix", "附件统计表", "appendix"), ("l", "past", "往期简报"),
        ("o", "reopen", "更正重开"), ("h", "history", "历史"),
    ], hidden=[
        ("left_square_bracket", "shift_day(-1)", "前一天", "prev_day"),
        ("right_square_bracket", "shift_day(1)", "后一天", "next_day"), ("g", "goto_date", "转到日期"),
        ("K,ctrl+up", "move(-1)", "上移", "move_up"), ("J,ctrl+down", "move(1)", "下移", "move_down"),
    ])

    def __init__(self) -> None:
        super().__init__()
        self.row: dict | None = None

    # -- layout -------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static("", id="bulletin-status", markup=False)
        with Horizontal(id="bulletin-body"):
            with Vertical(id="bulletin-left"):
                yield DataTable(id="bulletin-items", cursor_type="row", zebra_stripes=True)
                yield Static("", id="bulletin-hint", markup=False)
            with VerticalScroll(id="bulletin-preview-box"):
                yield Static("", id="bulletin-preview", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#bulletin-items", DataTable)
        table.add_column("序", key="seq", width=4)
        table.add_column("类型", key="kind", width=8)
        table.add_column("标题/单位", key="title")
        self.refresh_data()
        table.focus()

    # -- state --------------------------------------------------------------------------
    @property
    def day(self) -> dt.date:
        return self.dd.bulletin_date or dates.today()

    def set_day(self, day: dt.date) -> None:
        # Leave the app's date unset for today, so F5 keeps meaning "today" after midnight.
        self.dd.bulletin_date = None if day == dates.today() else day
        self.refresh_data(keep_cursor=False)

    @property
    def issued(self) -> bool:
        return service.is_issued(self.row)

    def refresh_data(self, keep_cursor: bool = True) -> None:
        if not self.query("#bulletin-items") or not self.query_one("#bulletin-items", DataTable).columns:
            return  # not mounted yet
        store = self.store
        day = self.day
        self.row = service.current(store, day)
        doc = service.resolve(store, day, row=self.row, petition_fallback=True)
        status = service.status_text(self.row) if self.row else "草稿（尚未建立）"
        proposed = "" if self.issued or (self.row and self.row["number"]) else "（拟）"
        today = "  今天" if day == dates.today() else ""
        self.query_one("#bulletin-status", Static).update(
            f"日期：{dates.cn_date_long(day)}{today}   期号：{doc.number_text}{proposed}   状态：{status}"
            "      [ ] 换日  g 转到日期  F5 签发/导出"
        )
        self.query_one("#bulletin-preview", Static).update(CjkText(service.render_text_of(doc)))
        table = self.query_one("#bulletin-items", DataTable)
        old = table.cursor_row if keep_cursor else 0
        table.clear()
        n = 0
        if self.row:
            for item in service.items(store, self.row["id"]):
                n += 1
                label = "".join(title_lines(item.title)) if item.kind == "news" else self._unit(item.unit)
                table.add_row(plain(n), plain(item.kind_label), plain(label), key=str(item.id))
        petition_state = "已修改" if self.row and self.row["petition_text_override"] else "自动生成"
        table.add_row(plain("—"), plain("信访"), plain(f"{''.join(title_lines(doc.petition_title))}（{petition_state}）"),
                      key=PETITION_ROW)
        appendix = ("已附" if doc.appendix else "未附") + ("" if self.issued else "，b 去掉" if doc.appendix else "，b 附上")
        table.add_row(plain("—"), plain("附件"), plain(f"统计表（{appendix}）"), key=APPENDIX_ROW)
        table.add_row(plain("—"), plain("版记"), plain(f"报{len(doc.report_to)}项 送{len(doc.send_to)}项"
                                                   + (f" 发{len(doc.issue_to)}项" if doc.issue_to else "")
                                                   + (f" 共印{doc.copies}份" if doc.copies else "")), key=FOOTER_ROW)
        table.move_cursor(row=min(old, table.row_count - 1), animate=False)
        hint = self.query_one("#bulletin-hint", Static)
        if self.issued:
            changed = issuing.changes_since_issue(store, day)
            hint.update((f"注意：{changed}。如需更正请按 o 更正重开。\n" if changed else "")
                        + "本期已签发，内容已冻结，可按 F5 原样重新导出；如需修改请按 o 更正重开。")
        elif not n:
            hint.update("按 a 新增新闻，c 新增县区动态；信访段由信访台账自动生成。")
        else:
            hint.update("Enter/e 编辑  d 删除  K/J 上移/下移  t 改信访段  f 版记  h 历史")

    def _unit(self, name: str) -> str:
        for unit in refdata.list_units(self.store, include_inactive=True):
            if unit.name == name:
                return unit.display
        return name

    def _selected_key(self) -> str | None:
        table = self.query_one("#bulletin-items", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _selected_item_id(self) -> int | None:
        key = self._selected_key()
        return int(key) if key and key.isdigit() else None

    def _editable(self) -> bool:
        if self.issued:
            self.notify(f"{dates.cn_date(self.day)}的简报已签发，不能修改；如需更正请按 o 更正重开",
                        severity="warning", markup=False)
            return False
        return True

    def _run(self, fn, *args, ok: str = "", **kw) -> bool:
        try:
            fn(*args, **kw)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.refresh_data()
            return False
        if ok:
            self.notify(ok, markup=False)
        self.refresh_data()
        return True

    def _select(self, key: str) -> None:
        table = self.query_one("#bulletin-items", DataTable)
        try:
            table.move_cursor(row=table.get_row_index(key), animate=False)
        except Exception:
            pass

    # -- date -----------------------------------------------------------------------------
    def action_shift_day(self, delta: int) -> None:
        self.set_day(self.day + dt.timedelta(days=delta))

    def action_goto_date(self) -> None:
        def done(value: str | None) -> None:
            if value:
                self.set_day(dates.from_iso(value))

        self.app.push_screen(DateForm(self.store, initial={"date": self.day.isoformat()}), done)

    # -- items ----------------------------------------------------------------------------
    def _open_item_form(self, form, added: str = "") -> None:
        """A new item (``added`` says so) or an edited one: afterwards the list shows it selected."""

        def saved(outcome: EditOutcome[int]) -> None:
            self.refresh_data()
            self._select(str(outcome.value))
            self.notify(added or outcome.notice("已保存"), markup=False)

        def kept(notice: str) -> None:
            self.refresh_data()
            self.notify(notice, markup=False)

        open_record_form(self, form, saved, kept)

    def action_add_news(self) -> None:
        if self._editable():
            day = self.day
            self._open_item_form(NewsForm(self.store, day, draft_key=f"bulletin.news.{day.isoformat()}"), "已新增新闻")

    def action_add_county(self) -> None:
        if self._editable():
            day = self.day
            self._open_item_form(CountyForm(self.store, day, draft_key=f"bulletin.county.{day.isoformat()}"),
                                 "已新增县区动态")

    @on(DataTable.RowSelected, "#bulletin-items")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        key = self._selected_key()
        if key == PETITION_ROW:
            self.action_edit_petition()
            return
        if key == FOOTER_ROW:
            self.action_footer()
            return
        if key == APPENDIX_ROW:
            self.action_toggle_appendix()
            return
        item_id = self._selected_item_id()
        if item_id is None or not self._editable():
            return
        try:
            item = service.get_item(self.store, item_id)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.refresh_data()
            return
        form = NewsForm if item.kind == "news" else CountyForm
        self._open_item_form(form(self.store, self.day, item=item, draft_key=f"bulletin.item.{item.id}"))

    def action_delete(self) -> None:
        item_id = self._selected_item_id()
        if item_id is None:
            if self._selected_key() in (PETITION_ROW, APPENDIX_ROW, FOOTER_ROW):
                self.notify("信访段、附件和版记不能删除（信访段可按 t 修改，附件按 b 去掉）", severity="warning",
                            markup=False)
            return
        if not self._editable():
            return
        item = service.get_item(self.store, item_id)
        label = "".join(title_lines(item.title)) if item.kind == "news" else self._unit(item.unit)

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(service.delete_item, self.store, item_id, ok=f"已删除：{label}（{UNDO_HINT}）")

        self.app.push_screen(ConfirmModal(f"删除{item.kind_label}“{label[:30]}”？\n签发前可在回收站（Ctrl+Z）恢复。"),
                             answered)

    def action_history(self) -> None:
        """The history of the selected item, or (on the 信访段 / 版记 rows) of the bulletin itself."""
        item_id = self._selected_item_id()
        if item_id is not None:
            show_history(self.app, self.store, service.ITEMS, item_id, title="修改记录：简报条目", labels=ITEM_LABELS)
            return
        if self.row is None:
            self.notify(f"{dates.cn_date(self.day)}的简报尚未建立，没有修改记录", markup=False)
            return
        show_history(self.app, self.store, service.TABLE, self.row["id"],
                     title=f"修改记录：{dates.cn_date(self.day)}的简报", labels=BULLETIN_LABELS)

    def action_move(self, delta: int) -> None:
        item_id = self._selected_item_id()
        if item_id is None or not self._editable():
            return
        try:
            moved = service.move_item(self.store, item_id, delta)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.refresh_data()
        self._select(str(item_id))
        if not moved:
            self.notify("已在同类条目的" + ("最前" if delta < 0 else "最后"), markup=False)

    # -- petition section, footer -----------------------------------------------------------
    def action_regenerate(self) -> None:
        if not self._editable():
            return
        self._run(service.set_petition_text, self.store, self.day, None, ok="已按信访台账重新生成信访段")

    def action_edit_petition(self) -> None:
        if not self._editable():
            return
        day = self.day
        doc = service.resolve(self.store, day, row=self.row, petition_fallback=True)

        def done(text: str | None) -> None:
            if text is None:
                return
            generated = "\n".join(service.generated_petition_paragraphs(self.store, day))
            value = None if not text.strip() or text.strip() == generated else text
            self._run(service.set_petition_text, self.store, day, value,
                      ok="已保存信访段" if value else "信访段恢复为自动生成")

        self.app.push_screen(PetitionTextForm(self.store, initial={"text": "\n".join(doc.petition_paragraphs)},
                                              draft_key=f"bulletin.petition.{day.isoformat()}"), done)

    def action_toggle_appendix(self) -> None:
        """附件：各县市区信访件办理情况统计表 on or off for this bulletin (frozen on issue)."""
        if not self._editable():
            return
        on = not (self.row and self.row["appendix"])
        self._run(service.set_fields, self.store, self.day, appendix=on,
                  ok="已附上附件：各县市区信访件办理情况统计表（导出时另起一页）" if on else "已去掉附件统计表")
        self._select(APPENDIX_ROW)

    def action_footer(self) -> None:
        if not self._editable():
            return
        day = self.day
        doc = service.resolve(self.store, day, row=self.row, petition_fallback=True)
        settings = refdata.all_settings(self.store)
        initial = {"number": str(self.row["number"]) if self.row and self.row["number"] else "",
                   "report_to": "\n".join(doc.report_to), "send_to": "\n".join(doc.send_to),
                   "issue_to": "\n".join(doc.issue_to), "copies": str(doc.copies)}

        def same(a: str, b: str) -> bool:
            return [x.strip() for x in a.split("\n") if x.strip()] == [x.strip() for x in b.split("\n") if x.strip()]

        def done(v: FooterValue | None) -> None:
            if v is None:
                return
            # A value equal to the setting follows the setting until issue.
            fields = {}
            reset = []
            for key in ("report_to", "send_to", "issue_to"):
                value = getattr(v, key)
                if same(value, settings.get(key, "")):
                    reset.append(key)
                else:
                    fields[key] = value
            if str(v.copies) == (settings.get("copies") or "0"):
                reset.append("copies")
            else:
                fields["copies"] = v.copies
            if v.number is None:
                reset.append("number")
            else:
                fields["number"] = v.number
            self._run(service.set_fields, self.store, day, clear=tuple(reset), ok="已保存期号与版记", **fields)

        self.app.push_screen(FooterForm(self.store, initial=initial, draft_key=f"bulletin.footer.{day.isoformat()}",
                                        title=f"期号与版记：{dates.cn_date(day)}"), done)

    # -- past, correction -------------------------------------------------------------------
    def action_past(self) -> None:
        def done(day: str | None) -> None:
            if day:
                self.set_day(dates.from_iso(day))

        self.app.push_screen(PastBulletinsModal(self.store, lambda bid: service.render_bulletin_text(self.store, bid)),
                             done)

    def action_reopen(self) -> None:
        if not self.issued:
            self.notify("本期尚未签发，可直接修改（F5 签发并导出）", severity="warning", markup=False)
            return
        doc = service.resolve(self.store, self.day, row=self.row)
        day = self.day

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(service.reopen, self.store, day,
                          ok=f"已重开为更正稿（{doc.number_text}的第{self.row['revision'] + 1}版），原签发版本已保留")

        self.app.push_screen(ConfirmModal(
            f"更正重开 {dates.cn_date(day)} 的{doc.number_text}？\n已签发的版本将原样保留在往期简报中；"
            "新的更正稿沿用同一期号，修改后按 F5 签发。"), answered)
