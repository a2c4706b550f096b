"""Every place dutydesk overrides or reads a private Textual name (textual is pinned exactly)."""

from __future__ import annotations


class SafeDispatch:
    """Mixin for the app, screens and widgets: an exception in one of their handlers is
    reported by the app (crash log + message, or a notification for ``UserError``) and the
    node keeps processing messages. Textual's default stops the node's message loop, which
    freezes the screen (or, for key bindings handled by the app, the whole app).
    In ``strict`` mode (tests) and outside a dutydesk app the default behaviour is kept.
    """

    async def _dispatch_message(self, message) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            app = self.app  # type: ignore[attr-defined]
            if getattr(app, "strict", True) or not hasattr(app, "report_crash"):
                raise
            app._handle_exception(error)
