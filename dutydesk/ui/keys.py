"""Key bindings written as a table: one row ``(keys, action, 中文描述[, name])`` a binding.

Every binding gets the id ``scope.name`` (``name``: the row's fourth item, else the action's name
without arguments), so a keymap file can rebind it. Rows in ``shown`` appear in the footer and the
command palette; rows in ``hidden`` only work (and are listed in the palette). Actions named in
``priority`` are checked before the focused widget's own keys."""

from __future__ import annotations

from typing import Iterable

from textual.binding import Binding

Row = tuple[str, ...]


def keymap(scope: str, shown: Iterable[Row], *, hidden: Iterable[Row] = (),
           priority: set[str] | frozenset[str] = frozenset()) -> list[Binding]:
    def binding(row: Row, show: bool) -> Binding:
        keys, action, description, *name = row
        ident = f"{scope}.{name[0] if name else action.split('(')[0]}"
        return Binding(keys, action, description, id=ident, show=show, priority=action in priority)

    return [binding(row, True) for row in shown] + [binding(row, False) for row in hidden]
