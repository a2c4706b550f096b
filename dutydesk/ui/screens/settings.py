"""设置 screen: settings, units, vocabularies, holidays, backups."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Select, Static, TabbedContent, TabPane, TextArea

from ... import dates, refdata, registry, workdays
from ...errors import UserError
from ...store import backup
from ..base import BaseScreen
from ..modals import ConfirmModal, FormModal, field
from ..widgets.cells import plain
from ..keys import keymap

MULTILINE_SETTINGS = {"report_to", "send_to", "issue_to", "shifts", "notice_template", "chase_template"}


@dataclass
class SettingValue:
    key: str
    value: str


class SettingForm(FormModal[SettingValue]):
    def __init__(self, store, key: str, value: str):
        self.key = key
        super().__init__(store, initial={"value": value}, title=f"修改设置：{refdata.setting_label(key)}（{key}）")

    def compose_fields(self) -> ComposeResult:
        if self.key in MULTILINE_SETTINGS:
            yield field("值（可多行）", TextArea(id="value", soft_wrap=True))
        else:
            yield field("值", Input(id="value"))

    def build(self, values) -> SettingValue:
        return SettingValue(self.key, values["value"])


@dataclass
class UnitValue:
    name: str
    kind: str
    short_name: str
    aliases: str


class UnitForm(FormModal[UnitValue]):
    TITLE_TEXT = "新增单位"

    def compose_fields(self) -> ComposeResult:
        yield field("名称", Input(id="name", placeholder="如 市生态环境局"))
        yield field("类别", Select([(k, k) for k in ("区", "县", "县级市", "管理区", "开发区", "部门")], id="kind", prompt="选择类别"))
        yield field("简称（可空）", Input(id="short_name"))
        yield field("别名（可空，用、分隔）", Input(id="aliases"))

    def build(self, values) -> UnitValue:
        if not values["name"]:
            raise UserError("名称不能为空")
        return UnitValue(values["name"], values["kind"], values["short_name"], values["aliases"])


class TextForm(FormModal[str]):
    """One line of text."""

    def __init__(self, store, title: str, label: str, value: str = "", placeholder: str = ""):
        self.label, self.placeholder = label, placeholder
        super().__init__(store, initial={"text": value}, title=title)

    def compose_fields(self) -> ComposeResult:
        yield field(self.label, Input(id="text", placeholder=self.placeholder))

    def build(self, values) -> str:
        if not values["text"]:
            raise UserError(f"{self.label}不能为空")
        return values["text"]


@dataclass
class HolidayValue:
    date: str
    kind: str
    name: str


class HolidayForm(FormModal[HolidayValue]):
    TITLE_TEXT = "添加节假日或调休上班日"

    def compose_fields(self) -> ComposeResult:
        yield field("日期", Input(id="date", placeholder="2027-01-01 或 2027年1月1日"))
        yield field("类型", Select([("放假", "holiday"), ("调休上班", "workday")], id="kind", value="holiday", allow_blank=False))
        yield field("名称（可空）", Input(id="name", placeholder="如 元旦"))

    def build(self, values) -> HolidayValue:
        day = dates.parse_date(values["date"])
        return HolidayValue(day.isoformat(), values["kind"], values["name"])


TAB_TABLES = {"tab-settings": "#settings-table", "tab-units": "#units-table", "tab-vocab": "#vocab-table",
              "tab-holidays": "#holidays-table", "tab-data": None}


class SettingsScreen(BaseScreen):
    """The list of the tab shown has the cursor (↑ ↓ move it, ← → change tab); Enter or e edits
    the row under it (a setting, or a unit's name), as on the other screens."""

    SCREEN_TITLE = "设置"
    BINDINGS = keymap("settings", [
        ("enter,e", "edit", "修改"), ("a", "add", "新增"), ("d", "toggle", "停用/删除"), ("r", "rename", "改名"),
        ("b", "backup", "立即备份"),
    ], hidden=[
        ("left", "switch_tab(-1)", "上一页签", "prev_tab"), ("right", "switch_tab(1)", "下一页签", "next_tab"),
        ("down", "focus_table", "到列表"),
    ], priority={"switch_tab(-1)", "switch_tab(1)"})

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="settings-tabs"):
            with TabPane("基本设置", id="tab-settings"):
                yield DataTable(id="settings-table", cursor_type="row", zebra_stripes=True)
            with TabPane("单位", id="tab-units"):
                yield DataTable(id="units-table", cursor_type="row", zebra_stripes=True)
            with TabPane("词表", id="tab-vocab"):
                yield Select([(v, k) for k, v in refdata.VOCAB_LABELS.items()], id="vocab-kind",
                             value="pollution_type", allow_blank=False)
                yield DataTable(id="vocab-table", cursor_type="row", zebra_stripes=True)
            with TabPane("节假日", id="tab-holidays"):
                yield Static("", id="holiday-note", markup=False)
                yield DataTable(id="holidays-table", cursor_type="row", zebra_stripes=True)
            with TabPane("数据与备份", id="tab-data"):
                yield Static("", id="data-info", markup=False)

    def on_mount(self) -> None:
        self.query_one("#settings-table", DataTable).add_columns("设置项", "说明", "值")
        self.query_one("#units-table", DataTable).add_columns("名称", "简称", "类别", "别名", "启用")
        self.query_one("#vocab-table", DataTable).add_columns("词条", "启用")
        self.query_one("#holidays-table", DataTable).add_columns("日期", "星期", "类型", "名称")
        self.refresh_data()
        self.call_after_refresh(self.action_focus_table)

    def action_focus_table(self) -> None:
        """The cursor goes to the list of the tab shown (not to the tab bar)."""
        table_id = TAB_TABLES.get(self.tab)
        if table_id:
            self.query_one(table_id, DataTable).focus()

    def action_switch_tab(self, step: int) -> None:
        tabs = list(TAB_TABLES)
        self.query_one(TabbedContent).active = tabs[(tabs.index(self.tab) + step) % len(tabs)]
        self.call_after_refresh(self.action_focus_table)

    @on(DataTable.RowSelected)
    def _row_chosen(self) -> None:  # Enter (or a click) on a row
        self.action_edit()

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "tab-settings"

    def refresh_data(self) -> None:
        s = self.query_one("#settings-table", DataTable)
        row = s.cursor_row
        s.clear()
        for key, value in refdata.all_settings(self.store).items():
            s.add_row(plain(key), plain(refdata.setting_label(key)), plain(value.replace("\n", " ⏎ ")), key=key)
        s.move_cursor(row=row)
        u = self.query_one("#units-table", DataTable)
        row = u.cursor_row
        u.clear()
        for unit in refdata.list_units(self.store, include_inactive=True):
            u.add_row(plain(unit.name), plain(unit.short_name), plain(unit.kind), plain(unit.aliases),
                      plain("是" if unit.active else "否"), key=unit.name)
        u.move_cursor(row=row)
        self._refresh_vocab()
        h = self.query_one("#holidays-table", DataTable)
        h.clear()
        for rec in workdays.list_holidays(self.store):
            h.add_row(plain(rec["date"]), plain(dates.weekday_cn(rec["date"])),
                      plain("放假" if rec["kind"] == "holiday" else "调休上班"), plain(rec["name"]), key=rec["date"])
        self.query_one("#holiday-note", Static).update(
            "法定节假日按国务院安排自动计算（内置数据至 2026 年）。之后的年份或更正请在此添加；按 a 添加，d 删除。"
        )
        exports = refdata.exports_dir(self.store)
        backups = backup.list_backups(self.store)
        self.query_one("#data-info", Static).update(
            f"数据库：{self.store.path}\n导出文件夹：{exports}\n备份文件夹：{backup.backup_dir(self.store)}"
            f"（共 {len(backups)} 份，最近：{backups[-1].name if backups else '无'}）\n操作人：{self.store.operator}\n\n"
            "按 b 立即备份。恢复请在命令行运行：dutydesk restore 备份文件"
        )

    def _refresh_vocab(self) -> None:
        kind = self.query_one("#vocab-kind", Select).value
        v = self.query_one("#vocab-table", DataTable)
        v.clear()
        active = set(refdata.vocab(self.store, kind))
        for value in refdata.vocab(self.store, kind, include_inactive=True):
            v.add_row(plain(value), plain("是" if value in active else "否"), key=value)

    @on(Select.Changed, "#vocab-kind")
    def _kind_changed(self) -> None:
        self._refresh_vocab()

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return key.value

    def _run(self, fn, *args, ok: str = "") -> None:
        try:
            fn(*args)
        except UserError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if ok:
            self.notify(ok, markup=False)
        self.refresh_data()

    # -- actions ------------------------------------------------------------------------
    def action_edit(self) -> None:
        if not isinstance(self.focused, DataTable):  # the tab bar: Enter goes down to the list, edits nothing
            self.action_focus_table()
            return
        if self.tab == "tab-units":
            self.action_rename()
            return
        if self.tab != "tab-settings":
            return
        key = self._selected("#settings-table")
        if not key:
            return

        def done(result: SettingValue | None) -> None:
            if result:
                self._run(registry.set_setting, self.store, result.key, result.value, ok=f"已保存：{refdata.setting_label(result.key)}")

        self.app.push_screen(SettingForm(self.store, key, refdata.get_setting(self.store, key)), done)

    def action_add(self) -> None:
        tab = self.tab
        if tab == "tab-units":
            def done(r: UnitValue | None) -> None:
                if r:
                    self._run(lambda: refdata.add_unit(self.store, r.name, kind=r.kind, short_name=r.short_name, aliases=r.aliases),
                              ok=f"已添加单位：{r.name}")
            self.app.push_screen(UnitForm(self.store, draft_key="settings.unit"), done)
        elif tab == "tab-vocab":
            kind = self.query_one("#vocab-kind", Select).value

            def done_v(text: str | None) -> None:
                if text:
                    self._run(refdata.add_vocab, self.store, kind, text, ok=f"已添加：{text}")
            self.app.push_screen(TextForm(self.store, f"添加词条：{refdata.VOCAB_LABELS[kind]}", "词条"), done_v)
        elif tab == "tab-holidays":
            def done_h(h: HolidayValue | None) -> None:
                if h:
                    self._run(lambda: workdays.add_holiday(self.store, dates.from_iso(h.date), h.kind, h.name), ok=f"已添加：{h.date}")
            self.app.push_screen(HolidayForm(self.store), done_h)

    def action_toggle(self) -> None:
        tab = self.tab
        if tab == "tab-units":
            name = self._selected("#units-table")
            if name:
                unit = next(u for u in refdata.list_units(self.store, include_inactive=True) if u.name == name)
                self._run(refdata.set_unit_active, self.store, name, not unit.active,
                          ok=f"已{'停用' if unit.active else '启用'}：{name}")
        elif tab == "tab-vocab":
            value = self._selected("#vocab-table")
            kind = self.query_one("#vocab-kind", Select).value
            if value:
                if value in refdata.vocab(self.store, kind):
                    self._run(refdata.remove_vocab, self.store, kind, value, ok=f"已停用：{value}")
                else:
                    self._run(refdata.add_vocab, self.store, kind, value, ok=f"已启用：{value}")
        elif tab == "tab-holidays":
            day = self._selected("#holidays-table")
            if day:
                def done(yes: bool | None) -> None:
                    if yes:
                        self._run(workdays.remove_holiday, self.store, dates.from_iso(day), ok=f"已删除：{day}")
                self.app.push_screen(ConfirmModal(f"删除 {day} 的节假日设置？"), done)

    def action_rename(self) -> None:
        if self.tab != "tab-units":
            return
        name = self._selected("#units-table")
        if not name:
            return

        def done(new: str | None) -> None:
            if new and new != name:
                self._run(refdata.rename_unit, self.store, name, new, ok=f"已改名：{new}")

        self.app.push_screen(TextForm(self.store, f"单位改名：{name}", "新名称", name), done)

    def action_backup(self) -> None:
        try:
            path = backup.backup_now(self.store)
        except (UserError, OSError) as exc:
            self.notify(f"备份失败：{exc}", severity="error", markup=False)
            return
        self.notify(f"已备份到：{path}", markup=False)
        self.refresh_data()
