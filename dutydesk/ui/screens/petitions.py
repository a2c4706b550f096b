"""信访件 screen. (Foundation stub: its issue builds it.)"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ..base import BaseScreen


class PetitionsScreen(BaseScreen):
    SCREEN_TITLE = "信访件"

    def compose_body(self) -> ComposeResult:
        yield Static("信访件", classes="screen-title", markup=False)
