"""The command palette's commands in Chinese to the end: the app's commands (App.get_system_commands)
as Textual's SystemCommandsProvider offers them, and, when nothing matches what was typed, a line
in Chinese instead of Textual's "No matches found" (which is shown only when no provider yields a
hit). Public API only (Provider, Hit)."""

from __future__ import annotations

from textual.command import Hit, Hits
from textual.system_commands import SystemCommandsProvider

NO_MATCH = "没有匹配的命令"
NO_MATCH_HELP = "试试：信访、值班、交办、简报、导出、设置、回收站；Esc 关闭"


class DutydeskCommands(SystemCommandsProvider):
    async def search(self, query: str) -> Hits:
        found = False
        async for hit in super().search(query):
            found = True
            yield hit
        if not found and query.strip():
            yield Hit(1.0, f"{NO_MATCH}：{query.strip()[:30]}", lambda: None, text=NO_MATCH, help=NO_MATCH_HELP)
