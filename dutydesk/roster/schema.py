"""Tables of the roster domain (its own migration set; append new migrations, never edit old ones)."""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("dutydesk.roster")
