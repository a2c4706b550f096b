"""The users domain (web logins) as the registry sees it: its tables only (a user is disabled,
never deleted, so nothing goes to the 回收站)."""

from __future__ import annotations

from ..manifest import Manifest
from . import schema

MANIFEST = Manifest("users", schema.migrations)
