"""The domains of dutydesk, in migration order. Adding a domain is adding its manifest here.

The store knows no domain: :mod:`dutydesk.bootstrap` hands it :func:`migration_sets`; the
回收站 shows :func:`trash_kinds`; a setting owned by a domain is checked by it
(:func:`set_setting`).
"""

from __future__ import annotations

from . import refdata
from .bulletin.manifest import MANIFEST as BULLETIN
from .handoffs.manifest import MANIFEST as HANDOFFS
from .manifest import Manifest
from .petitions.manifest import MANIFEST as PETITIONS
from .roster.manifest import MANIFEST as ROSTER
from .store import schema as core_schema
from .store.db import Store
from .store.migration_set import MigrationSet
from .trash import Kind
from .users.manifest import MANIFEST as USERS

# Migration order: a domain comes after the domains its tables refer to.
DOMAINS: tuple[Manifest, ...] = (ROSTER, PETITIONS, HANDOFFS, BULLETIN, USERS)


def migration_sets() -> list[MigrationSet]:
    """The store's own tables first, then each domain's."""
    return [core_schema.migrations, *(d.migrations for d in DOMAINS)]


def trash_kinds() -> list[Kind]:
    return [kind for d in DOMAINS for kind in d.trash_kinds]


def set_setting(store: Store, key: str, value: str) -> None:
    """Save a setting shared by all terminals, after the domain that owns it (if any) accepted it."""
    for domain in DOMAINS:
        check = domain.settings.get(key)
        if check is not None:
            check(refdata.clean_setting(value))
    refdata.set_setting(store, key, value)
