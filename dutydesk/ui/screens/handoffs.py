"""问题交办 screen. (Foundation stub: its issue builds it.)"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ..base import BaseScreen


class HandoffsScreen(BaseScreen):
    SCREEN_TITLE = "问题交办"

    def compose_body(self) -> ComposeResult:
        yield Static("问题交办", classes="screen-title", markup=False)
