"""Modal dialogs: confirm, message, conflict, and the form base with crash-safe drafts."""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, Switch, TextArea

from .. import dates
from ..errors import UserError
from ..store import drafts
from ..store.db import Store
from ..text import clean, clean_line
from .internals import SafeDispatch
from .widgets.cjk_text import CjkText
from .keys import keymap
from .widgets.checkbox import Checkbox

T = TypeVar("T")


class ConfirmModal(SafeDispatch, ModalScreen[bool]):
    """Yes/no question. Enter or y = yes, Esc or n = no."""

    BINDINGS = keymap("confirm", [
        ("y,enter", "answer(True)", "是", "yes"), ("n,escape", "answer(False)", "否", "no"),
    ])

    def __init__(self, question: str, *, yes: str = "是", no: str = "否"):
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(clean(self.question), classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (Y)", id="yes", variant="primary")
                yield Button(f"{self.no} (N)", id="no")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class MessageModal(SafeDispatch, ModalScreen[None]):
    """Read-only text (history, details, import reports). Esc closes."""

    BINDINGS = keymap("message", [
        ("escape,enter,q", "close", "关闭"),
    ])
    def __init__(self, title: str, body: str):
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(clean_line(self.title_text), classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static(CjkText(clean(self.body)), markup=False)
            yield Button("关闭 (Esc)", id="close")

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)


class ConflictModal(SafeDispatch, ModalScreen[str | None]):
    """Someone else saved the record first: compare and choose.

    Returns ``"mine"``, ``"theirs"`` or None (back to editing); what each choice does is
    :mod:`dutydesk.ui.editing`'s one meaning.
    """

    BINDINGS = keymap("conflict", [
        ("m", "choose('mine')", "用我的", "mine"), ("t", "choose('theirs')", "保留对方的", "theirs"),
        ("escape", "choose(None)", "返回编辑", "back"),
    ])

    def __init__(self, labels: dict[str, str], mine: dict[str, Any], theirs: dict[str, Any]):
        super().__init__(classes="dialog-screen")
        self.labels, self.mine, self.theirs = labels, mine, theirs

    def compose(self) -> ComposeResult:
        lines = []
        for key, label in self.labels.items():
            a, b = self.mine.get(key), self.theirs.get(key)
            if (a or "") != (b or ""):
                lines.append(f"【{label}】\n  我的：{a or ''}\n  对方：{b or ''}")
        body = "\n".join(lines) or "（内容相同）"
        with Vertical(classes="dialog wide"):
            yield Static("该记录在您编辑期间已被他人修改", classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static(clean(body), markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("用我的覆盖 (M)", id="mine", variant="warning")
                yield Button("保留对方的 (T)", id="theirs")
                yield Button("返回编辑 (Esc)", id="back")

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss({"mine": "mine", "theirs": "theirs"}.get(event.button.id or ""))


class FormModal(SafeDispatch, ModalScreen[T], Generic[T]):
    """Base of every form: Ctrl+S saves, Esc cancels (asking if something was typed).

    Subclasses implement ``compose_fields`` (widgets with ids) and ``build(values)`` which
    returns the result or raises :class:`UserError`. A form that saves a record itself is a
    :class:`~dutydesk.ui.editing.RecordForm` (it handles a record someone else saved first).
    Values are cleaned of control characters. While the user types, the values are kept as a
    draft in the database (``draft_key``) so a crash or a closed terminal loses nothing; the
    draft comes back the next time the same form opens.
    """

    BINDINGS = keymap("form", [
        ("ctrl+s", "submit", "保存", "save"), ("escape", "cancel", "取消"),
    ])
    TITLE_TEXT = "表单"
    SUBMIT_LABEL = "保存"  # what the Ctrl+S button says (an import form: 导入)
    FOCUS = ""  # id of the field that gets the cursor when the form opens (default: the first)
    MULTILINE: set[str] = set()

    def __init__(self, store: Store, *, initial: dict | None = None, draft_key: str | None = None, title: str | None = None):
        super().__init__(classes="form-screen")
        self.store = store
        self.initial = initial or {}
        self.draft_key = draft_key
        self.form_title = title or self.TITLE_TEXT
        self.dirty = False
        self._loading = True
        self._draft_timer = None
        self._baseline: dict[str, Any] | None = None

    def compose_fields(self) -> ComposeResult:  # pragma: no cover - abstract
        yield from ()

    def build(self, values: dict[str, Any]) -> T:  # pragma: no cover - abstract
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(self.form_title, classes="form-title", markup=False)
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static("", id="form-error", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button(f"{self.SUBMIT_LABEL} (Ctrl+S)", id="form-save", variant="primary")
                yield Button("取消 (Esc)", id="form-cancel")

    # -- values -------------------------------------------------------------------------
    def _fields(self):
        return [w for w in self.query("Input, TextArea, Select, Checkbox, Switch") if w.id and not w.id.startswith("form-")]

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for w in self._fields():
            if isinstance(w, TextArea):
                out[w.id] = clean(w.text)
            elif isinstance(w, Input):
                out[w.id] = clean_line(w.value)
            elif isinstance(w, Select):
                out[w.id] = "" if w.value is Select.NULL or w.value is None else w.value
            elif isinstance(w, (Checkbox, Switch)):
                out[w.id] = bool(w.value)
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        for w in self._fields():
            if w.id not in values:
                continue
            value = values[w.id]
            try:
                if isinstance(w, TextArea):
                    w.load_text(str(value or ""))
                elif isinstance(w, Input):
                    w.value = "" if value is None else str(value)
                elif isinstance(w, Select):
                    w.value = value if value not in ("", None) else Select.NULL
                elif isinstance(w, (Checkbox, Switch)):
                    w.value = bool(value)
            except Exception:  # an option that no longer exists: leave the field as is
                pass

    FRAME_ROWS = 12  # the form's border, title, error line and buttons around its body

    def _fit_body(self) -> None:
        """The fields scroll in what the screen leaves after the form's frame, so the buttons stay
        on screen at any terminal height."""
        height = self.size.height or self.app.size.height
        self.query_one(".form-body").styles.max_height = max(6, height - self.FRAME_ROWS)

    def on_resize(self) -> None:
        self._fit_body()

    def on_mount(self) -> None:
        self._fit_body()
        self.set_values(self.initial)
        if self.draft_key:
            draft = drafts.load_draft(self.store, self.draft_key)
            if draft:
                self.set_values(draft)
                self.dirty = True
                self.notify("已恢复上次未保存的草稿", title=self.form_title, markup=False)
        # Changed events from filling the fields arrive later: only a real edit makes the form dirty
        self._baseline = self.values()
        self.call_after_refresh(self._loaded)

    def _loaded(self) -> None:
        self._loading = False
        self.focus_first_field()

    def focus_first_field(self) -> None:
        """Put the cursor in ``FOCUS`` (a field id) or the first focusable field."""
        fields = [w for w in self._fields() if w.focusable]
        chosen = next((w for w in fields if w.id == self.FOCUS), fields[0] if fields else None)
        if chosen is not None:
            chosen.focus()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event=None) -> None:
        widget = getattr(event, "control", None)
        if widget is not None and widget.has_class("field-error"):
            widget.remove_class("field-error")
        if self._loading or (not self.dirty and self.values() == self._baseline):
            return
        self.dirty = True
        if self.draft_key:
            if self._draft_timer is not None:
                self._draft_timer.stop()
            self._draft_timer = self.set_timer(0.5, self.save_draft)

    def save_draft(self) -> None:
        if self.draft_key and self.dirty:
            try:
                drafts.save_draft(self.store, self.draft_key, self.values())
            except Exception:  # a draft must never break typing
                pass

    def _drop_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if self.draft_key:
            drafts.delete_draft(self.store, self.draft_key)

    def show_error(self, message: str, field: str | None = None) -> None:
        """Show ``message`` in the form (which stays open, nothing typed is lost); ``field`` (an
        id) is marked and gets the cursor, until it is changed."""
        self.query_one("#form-error", Static).update(clean(message))
        for w in self.query(".field-error"):
            w.remove_class("field-error")
        target = next((w for w in self._fields() if w.id == field), None) if field else None
        if target is not None:
            target.add_class("field-error")
            if target.focusable:
                target.focus()
        self.notify(message, severity="error", markup=False)

    # -- actions ------------------------------------------------------------------------
    def action_submit(self) -> None:
        try:
            result = self.build(self.values())
        except UserError as exc:
            self.show_error(str(exc), exc.field)
            return
        self._drop_draft()
        self.dismiss(result)

    def action_cancel(self) -> None:
        if not self.dirty:
            self._drop_draft()
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._drop_draft()
                self.dismiss(None)

        self.app.push_screen(ConfirmModal("放弃已填写的内容？"), answered)

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


def field(label: str, widget) -> Vertical:
    """A labelled form row."""
    return Vertical(Label(label, markup=False), widget, classes="field")


def choices(values: list[str], current: str | None = None) -> list[tuple[str, str]]:
    """Select options; a current value no longer in the list (a disabled unit) stays choosable."""
    items = list(values)
    if current and current not in items:
        items.append(current)
    return [(v, v) for v in items]


def typed_day(text: str, label: str, *, optional: bool = False) -> dt.date | None:
    """The date typed in the field ``label`` (2024-03-13, 3月13日, …); an error names the field.
    With ``optional`` an empty field is None."""
    try:
        return dates.parse_optional_date(text) if optional else dates.parse_date(text)
    except UserError as exc:
        raise UserError(f"{label}：{exc}") from None


def show_history(app, store: Store, entity: str, record_id: Any, *, title: str = "修改记录",
                 labels: dict[str, str] | None = None, hidden: set[str] = frozenset()) -> None:
    """Open the audit history of one record in a modal."""
    from ..store.records import history_text

    app.push_screen(MessageModal(title, history_text(store, entity, record_id, labels=labels, hidden=hidden)))
