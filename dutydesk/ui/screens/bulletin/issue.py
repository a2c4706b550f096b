"""F5's question before a bulletin is issued: what will be frozen (期号, the petition figures as of
now), and the choice to export a 征求意见稿 without issuing."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ....text import clean
from ...internals import SafeDispatch

ISSUE = "issue"
DRAFT = "draft"


class IssueModal(SafeDispatch, ModalScreen[str | None]):
    """Returns :data:`ISSUE` (签发并导出), :data:`DRAFT` (导出征求意见稿, nothing issued) or None."""

    BINDINGS = [
        Binding("y", "choose('issue')", "签发并导出", id="issue.issue"),
        Binding("d", "choose('draft')", "导出征求意见稿", id="issue.draft"),
        Binding("n,escape", "choose(None)", "取消", id="issue.cancel"),
    ]

    def __init__(self, question: str):
        super().__init__(classes="dialog-screen")
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="issue-dialog"):
            yield Static("签发简报", classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static(clean(self.question), id="issue-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("签发并导出 (Y)", id=ISSUE, variant="warning")
                yield Button("仅导出征求意见稿 (D)", id=DRAFT, variant="primary")
                yield Button("取消 (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(f"#{DRAFT}", Button).focus()  # Enter never issues by accident

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in (ISSUE, DRAFT) else None)
