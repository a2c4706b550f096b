"""The repeat search of a large petition import, started as soon as the sheet is read.

The search (:class:`~.repeats.background.RepeatSearch`, in a helper process) needs each row's
content, unit and batch; the check of the rows (:func:`.intake.prepare` and the rest, a few
seconds for 50,000 rows) is not needed for that. So the helper is given what the check will
make of each row (:func:`early_items`) right after the reading, and works while the rows are
checked and stored. Once the rows are checked, each row to search is matched with its early
item (:class:`Picks`): a row whose item differs (its unit was unknown when read, say) is searched
in this process instead, before anything is written. The candidates are exactly those of a
search given the checked rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..errors import UserError
from ..refdata import known_unit
from ..sheets import Row
from ..store.db import Store
from ..text import clean, clean_line
from .model import parse_yes_no
from .repeats.background import Item, RepeatSearch
from .repeats.finder import RepeatCandidate

NOTHING: Item = ("", "", None)  # a row the early search leaves out (the helper skips it)


def repeat_mark(values: dict) -> tuple[bool, str]:
    """(marked 重复件, the earlier petition it names) of a sheet row: 重复件 may be 是/否, or the
    earlier number itself; 重复关联件编号 names it."""
    mark = clean_line(values.get("repeat", ""))
    ref = clean_line(values.get("repeat_of", ""))
    is_repeat = False
    if mark:
        try:
            is_repeat = parse_yes_no(mark)
        except ValueError:
            if not ref:  # "与D2HH202403250005重复" written in the 重复件 column
                ref = mark
            is_repeat = True
    if ref:
        return True, ref if "重复" in ref or "同一" in ref else f"与{ref}重复"
    return is_repeat, ""


def early_items(store: Store, rows: list[Row], batch: int | None, batch_of: Callable[[object], int]) -> list[Item]:
    """(content, unit, batch no) of each row as the check will make them, in the rows' order;
    :data:`NOTHING` for a row marked 重复件 (not searched) or one whose unit or batch cannot be
    read without the check (it will be searched after the check, if it is valid)."""
    items: list[Item] = []
    for row in rows:
        v = row.values
        try:
            no = batch_of(v["batch"]) if str(v.get("batch") or "").strip() else batch
            unit = known_unit(store, v.get("unit", ""))
        except (UserError, ValueError):
            no = unit = None
        content = clean(v.get("content", "")).strip()
        if no is None or not unit or not content or repeat_mark(v)[0]:
            items.append(NOTHING)
        else:
            items.append((content, unit, no))
    return items


class Picks:
    """The search of a plan's rows (``wanted``: their (content, unit, batch no), in order) out of
    the early search of all rows (``numbers``: the row numbers of its items), and of this
    process for the rows without a matching early item."""

    def __init__(self, store: Store, early: RepeatSearch, numbers: list[int], row_numbers: list[int],
                 wanted: list[Item]):
        at = {n: i for i, n in enumerate(numbers)}
        self.early = early
        self.places: list[int | None] = []
        rest: list[Item] = []
        for number, item in zip(row_numbers, wanted):
            i = at.get(number)
            if i is not None and early.items[i] == item:
                self.places.append(i)
            else:
                self.places.append(None)
                rest.append(item)
        self.here = RepeatSearch.start(store, rest, background=False) if rest else None  # before any write

    # what an import asks of its search, as of a RepeatSearch
    done = property(lambda self: self.early.done)
    failed = property(lambda self: self.early.failed)
    usage = property(lambda self: self.early.usage)
    kept = property(lambda self: self.early.kept)

    def wait_ready(self) -> bool:
        return self.early.wait_ready()

    def close(self) -> None:
        self.early.close()

    def result(self, store: Store, *, leave_out: frozenset[int] = frozenset()) -> list[Sequence[RepeatCandidate]]:
        found = self.early.result(store, leave_out=leave_out)
        here = iter(self.here.result(store) if self.here else ())
        return [found[i] if i is not None else next(here) for i in self.places]
