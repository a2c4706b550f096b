"""Forms and dialogs of the 工作简报 screen. The item forms are record forms (``ui.editing``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static, TextArea

from .... import dates, refdata
from ....bulletin import service
from ....exporters.bulletin_doc import split_paragraphs
from ....errors import UserError
from ...editing import Comparison, RecordForm
from ...modals import FormModal, MessageModal, field
from ...widgets.paged_table import Column, PagedTable
from ...keys import keymap


T = TypeVar("T")


class BulletinForm(FormModal[T]):
    """Base of the bulletin's forms (FormModal puts the cursor in the first field)."""


# -- items ----------------------------------------------------------------------------------
ITEM_CONFLICT_LABELS = {"title": "标题", "unit": "单位", "body": "正文"}


class ItemForm(RecordForm[int]):
    """A new item of ``day``'s bulletin, or an item edited (``item`` given); returns its id."""

    KIND = ""
    EDIT_TITLE = ""

    def __init__(self, store, day: dt.date, *, item: service.Item | None = None, draft_key: str | None = None):
        self.day, self.item = day, item
        initial, title = None, None
        if item is not None:
            self.expected_version = item.version
            # Paragraphs shown with a blank line between them (easier to see in a wrapped editor).
            initial = {"title": item.title, "unit": item.unit, "body": "\n\n".join(split_paragraphs(item.body))}
            title = self.EDIT_TITLE
        super().__init__(store, initial=initial, draft_key=draft_key, title=title)

    def fields(self, values: dict[str, Any]) -> dict[str, str]:  # pragma: no cover - abstract
        """The item's fields from the form, checked."""
        raise NotImplementedError

    def build(self, values: dict[str, Any]) -> int:
        fields = self.fields(values)
        if self.item is None:
            return service.add_item(self.store, self.day, kind=self.KIND, **fields)
        service.update_item(self.store, self.item.id, expected_version=self.expected_version, **fields)
        return self.item.id

    def compare(self, values: dict[str, Any], theirs: dict) -> Comparison:
        mine = {"title": values.get("title", ""), "unit": values.get("unit", ""), "body": values["body"]}
        return Comparison(ITEM_CONFLICT_LABELS, mine, {k: theirs.get(k) for k in ITEM_CONFLICT_LABELS})


class NewsForm(ItemForm):
    """A news item: title (a line break marks where a long centred title breaks) and body."""

    TITLE_TEXT = "新增新闻"
    EDIT_TITLE = "编辑新闻"
    KIND = "news"

    def compose_fields(self) -> ComposeResult:
        yield field("标题（长标题可按回车指定回行处）", TextArea(id="title", soft_wrap=True, classes="bulletin-title"))
        yield field("正文（每行一段，不必缩进）", TextArea(id="body", soft_wrap=True, classes="tall"))

    def fields(self, values: dict[str, Any]) -> dict[str, str]:
        if not values["title"].strip():
            raise UserError("标题不能为空")
        if not values["body"].strip():
            raise UserError("正文不能为空")
        return {"title": values["title"], "body": values["body"]}


def county_units(store) -> list[tuple[str, str]]:
    """Counties and districts first (the usual 县区动态), then the other units."""
    units = refdata.list_units(store)
    local = [u for u in units if u.kind != "部门"]
    other = [u for u in units if u.kind == "部门"]
    return [(u.display if u.display == u.name else f"{u.display}（{u.name}）", u.name) for u in local + other]


class CountyForm(ItemForm):
    """A 县区动态 item: the unit and one paragraph (written 蓝山县：… in the bulletin)."""

    TITLE_TEXT = "新增县区动态"
    EDIT_TITLE = "编辑县区动态"
    KIND = "county"

    def compose_fields(self) -> ComposeResult:
        yield field("单位", Select(county_units(self.store), id="unit", prompt="选择县市区"))
        yield field("内容（一段；开头的“蓝山县：”可写可不写）", TextArea(id="body", soft_wrap=True, classes="tall"))

    def fields(self, values: dict[str, Any]) -> dict[str, str]:
        if not values["unit"]:
            raise UserError("请选择单位")
        if not values["body"].strip():
            raise UserError("内容不能为空")
        return {"unit": values["unit"], "body": values["body"]}


class PetitionTextForm(BulletinForm[str]):
    """The petition section as text; saving an empty text goes back to the generated one."""

    TITLE_TEXT = "编辑信访件交办情况"

    def compose_fields(self) -> ComposeResult:
        yield Static("由信访台账自动生成；可在签发前修改。清空后保存 = 恢复自动生成（也可按 r）。",
                     classes="bulletin-hint", markup=False)
        yield field("信访段（每行一段）", TextArea(id="text", soft_wrap=True, classes="tall"))

    def build(self, values) -> str:
        return values["text"]


@dataclass
class FooterValue:
    number: int | None
    report_to: str
    send_to: str
    issue_to: str
    copies: int


class FooterForm(BulletinForm[FooterValue]):
    """期号 and 版记 of one bulletin (defaults come from the settings)."""

    TITLE_TEXT = "期号与版记"

    def compose_fields(self) -> ComposeResult:
        yield Static("默认值来自“设置”（报、送、发、共印份数）；在此修改只影响本期。",
                     classes="bulletin-hint", markup=False)
        yield field("期号（第N期，按签发顺序自动编号，可改）", Input(id="number", placeholder="如 3"))
        yield field("报（每行一项）", TextArea(id="report_to", soft_wrap=True))
        yield field("送（每行一项）", TextArea(id="send_to", soft_wrap=True))
        yield field("发（可空，每行一项）", TextArea(id="issue_to", soft_wrap=True))
        yield field("共印份数（0 = 不印）", Input(id="copies", placeholder="0"))

    def build(self, values) -> FooterValue:
        number = values["number"].strip()
        if number and (not number.isdigit() or int(number) < 1):
            raise UserError("期号必须是正整数")
        copies = values["copies"].strip() or "0"
        if not copies.isdigit():
            raise UserError("共印份数必须是非负整数")
        return FooterValue(int(number) if number else None, values["report_to"], values["send_to"],
                           values["issue_to"], int(copies))


class DateForm(BulletinForm[str]):
    TITLE_TEXT = "转到日期"

    def compose_fields(self) -> ComposeResult:
        yield field("日期", Input(id="date", placeholder="2024-03-13、3月13日 或 2024年3月13日"))

    def build(self, values) -> str:
        return dates.parse_date(values["date"]).isoformat()


# -- past bulletins -------------------------------------------------------------------------
class PastBulletinsModal(ModalScreen[str | None]):
    """往期简报: every issue and draft (corrected versions too). Enter opens the date; v shows the text."""

    BINDINGS = keymap("bulletin_past", [
        ("v", "view", "查看全文"), ("escape,q", "close", "关闭"),
    ])

    def __init__(self, store, render: Callable[[int], str]):
        super().__init__(classes="dialog-screen")
        self.store = store
        self.text_of = render

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="bulletin-past"):
            yield Static("往期简报（Enter 打开该日，v 查看全文，Esc 关闭）", classes="dialog-title", markup=False)
            yield PagedTable(
                [Column("date", "日期", 12), Column("number_text", "期号", 14), Column("state", "状态", 14),
                 Column("items", "条目", 6), Column("issued_at", "签发时间", 20), Column("issued_by", "签发人", 12)],
                lambda offset, limit: service.list_bulletins(self.store, offset, limit),
                page_size=50, id="bulletin-past-table",
            )
            yield Button("关闭 (Esc)", id="close")

    def on_mount(self) -> None:
        self.query_one(PagedTable).table.focus()

    @on(PagedTable.Chosen)
    def _chosen(self, event: PagedTable.Chosen) -> None:
        row = next((r for r in self.query_one(PagedTable).rows if str(r["id"]) == event.record_id), None)
        self.dismiss(row["date"] if row else None)

    def action_view(self) -> None:
        row = self.query_one(PagedTable).selected_row
        if row:
            self.app.push_screen(MessageModal(f"{row['date']} {row['number_text']} {row['state']}",
                                              self.text_of(int(row["id"]))))

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
