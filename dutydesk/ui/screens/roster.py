"""值班表 screen. (Foundation stub: its issue builds it.)"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ..base import BaseScreen


class RosterScreen(BaseScreen):
    SCREEN_TITLE = "值班表"

    def compose_body(self) -> ComposeResult:
        yield Static("值班表", classes="screen-title", markup=False)
