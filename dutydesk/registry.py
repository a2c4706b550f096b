"""The domains of dutydesk, in migration order. Adding a domain is adding it here."""

from __future__ import annotations

from .store.migration_set import MigrationSet


def migration_sets() -> list[MigrationSet]:
    from .bulletin import schema as bulletin_schema
    from .handoffs import schema as handoffs_schema
    from .petitions import schema as petitions_schema
    from .roster import schema as roster_schema
    from .store import schema as core_schema
    from .users import schema as users_schema

    return [
        core_schema.migrations,
        roster_schema.migrations,
        petitions_schema.migrations,
        handoffs_schema.migrations,
        bulletin_schema.migrations,
        users_schema.migrations,
    ]
