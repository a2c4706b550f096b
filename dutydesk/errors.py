"""Exceptions a user can cause. Their message is one clear Chinese line."""

from __future__ import annotations


class UserError(Exception):
    """An error caused by input; the message is shown to the user as is. ``field`` (optional)
    names the form field at fault, so a form can mark it."""

    def __init__(self, *args, field: str | None = None):
        super().__init__(*args)
        self.field = field


class ValidationError(UserError):
    """One or more rows/fields are invalid. ``problems`` lists (row, message)."""

    def __init__(self, message: str, problems: list[tuple[int | str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def report(self) -> str:
        lines = [str(self)]
        for where, what in self.problems:
            lines.append(f"  第{where}行：{what}" if isinstance(where, int) else f"  {where}：{what}")
        return "\n".join(lines)


class ConflictError(UserError):
    """A record changed since it was read (optimistic locking)."""

    def __init__(self, message: str, current: dict | None = None):
        super().__init__(message)
        self.current = current or {}


class NewerDatabaseError(UserError):
    """The database was written by a newer dutydesk."""


class DatabaseLockedError(UserError):
    """The database stayed locked longer than the busy timeout."""
