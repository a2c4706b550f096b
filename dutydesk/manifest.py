"""What a domain tells the rest of dutydesk about itself (see :mod:`dutydesk.registry`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from .store.migration_set import MigrationSet
from .trash import Kind


@dataclass(frozen=True)
class Manifest:
    """A domain's schema (its migration set, applied in the registry's order), the kinds of record
    it soft-deletes (shown and restored by the 回收站), and the settings it owns with a check for
    each (called with the new value before it is saved; raises ``UserError``)."""

    name: str
    migrations: MigrationSet
    trash_kinds: tuple[Kind, ...] = ()
    settings: Mapping[str, Callable[[str], object]] = field(default_factory=dict)
