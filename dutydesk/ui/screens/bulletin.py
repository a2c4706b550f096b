"""工作简报 screen. (Foundation stub: its issue builds it.)"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ..base import BaseScreen


class BulletinScreen(BaseScreen):
    SCREEN_TITLE = "工作简报"

    def compose_body(self) -> ComposeResult:
        yield Static("工作简报", classes="screen-title", markup=False)
