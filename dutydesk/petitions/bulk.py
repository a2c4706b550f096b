"""Acting on several petitions at once (the 信访件 list's selection): 交办, a status, 公开.

A bulk action is planned first (:func:`plan`): the chosen petitions as they are now, split into
those the action applies to and those it skips, each with its reason. A 交办 applies to the
待交办 ones only (an already handed-over petition keeps its units and deadline: a second 交办 of
one petition is a deliberate edit, made on that row); 公开 to the closed ones (阶段性办结, 已办结)
not yet published; a status where it changes it (已公开 only from a closed status). The officer
sees the plan and confirms it.

Then every petition of the plan goes through the one-petition function of ``workflow``
(``hand_over``, ``set_status``, ``publish``) in ONE write transaction:

- a petition that another terminal changed or deleted since the plan (its version is not the
  one planned with) is left alone and reported (:attr:`BulkResult.conflicts`): the officer
  confirmed what it was, not what it is now;
- any other refusal (e.g. a 交办 dated before the petition's batch was transferred) rolls the
  whole transaction back: a :class:`UserError` naming the petition, nothing saved.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .. import dates
from ..errors import UserError
from ..refdata import cached_lookups, resolve_unit
from ..store.db import Store
from .deadlines import due_date_for
from .model import STATUSES
from .workflow import hand_over, publish, set_status

MAX_PETITIONS = 5000  # one bulk action (and the list's selection) at most
HAND_OVER, STATUS, PUBLISH = "交办", "改状态", "公开"
CLOSED = ("阶段性办结", "已办结")  # what can be published
CHUNK = 500  # ids per query (SQLite's parameters)


@dataclass(frozen=True)
class Target:
    """A petition as it was when the action was planned."""

    id: int
    case_no: str
    unit: str
    status: str
    version: int


@dataclass
class BulkPlan:
    action: str  # HAND_OVER, STATUS or PUBLISH
    todo: list[Target]
    skipped: list[tuple[Target, str]]  # (petition, why it is skipped)
    missing: int = 0  # chosen petitions no longer in the log (deleted)
    status: str = ""  # the new status of a STATUS plan

    def skip_summary(self) -> str:
        """已交办2件、已办结1件 (the reasons in the order met; 已删除 last; no spaces: a dialog
        wraps lines at spaces)."""
        counts = Counter(reason for _, reason in self.skipped)
        parts = [f"{reason}{n}件" for reason, n in counts.items()]
        if self.missing:
            parts.append(f"已删除{self.missing}件")
        return "、".join(parts)

    @property
    def skipped_count(self) -> int:
        return len(self.skipped) + self.missing


@dataclass
class BulkResult:
    action: str
    done: list[Target] = field(default_factory=list)
    skipped: list[tuple[Target, str]] = field(default_factory=list)  # as planned
    conflicts: list[Target] = field(default_factory=list)  # changed or deleted by someone else: left alone
    warning: str = ""  # a 交办's holiday warning (the deadline counted without a calendar)


def why_not(action: str, status: str, new_status: str = "") -> str:
    """Why ``action`` does not apply to a petition in ``status`` ("" when it does): the reason
    as the confirmation groups it."""
    if action == HAND_OVER:
        return "" if status == "待交办" else status
    if action == PUBLISH:
        return "已公开" if status == "已公开" else ("" if status in CLOSED else "尚未办结")
    if status == new_status:
        return f"已是{new_status}"
    if new_status == "已公开" and status not in CLOSED:
        return "尚未办结"
    return ""


def _current(store: Store, ids: list[int]) -> dict[int, dict]:
    """{id: row} of the live petitions among ``ids`` (the columns a plan needs)."""
    out: dict[int, dict] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        for r in store.query("SELECT id, case_no, unit, status, version FROM petitions WHERE deleted_at IS NULL "
                             f"AND id IN ({', '.join('?' for _ in chunk)})", chunk):
            out[r["id"]] = r
    return out


def plan(store: Store, ids: Iterable[int], action: str, *, status: str = "") -> BulkPlan:
    """What ``action`` would do to the petitions ``ids`` now (in the order of the log)."""
    ids = sorted({int(i) for i in ids})
    if len(ids) > MAX_PETITIONS:
        raise UserError(f"一次最多处理 {MAX_PETITIONS} 件信访件，现选了 {len(ids)} 件，请分批处理")
    if action not in (HAND_OVER, STATUS, PUBLISH):
        raise ValueError(action)
    if action == STATUS and status not in STATUSES:
        raise UserError(f"未知的状态：{status}（可用：{'、'.join(STATUSES)}）")
    rows = _current(store, ids)
    todo, skipped = [], []
    for pid in ids:
        r = rows.get(pid)
        if r is None:
            continue
        target = Target(pid, r["case_no"], r["unit"], r["status"], r["version"])
        reason = why_not(action, r["status"], status)
        if reason:
            skipped.append((target, reason))
        else:
            todo.append(target)
    return BulkPlan(action, todo, skipped, missing=len(ids) - len(rows), status=status)


def _apply(store: Store, p: BulkPlan, one: Callable[[int], object]) -> BulkResult:
    """``one(id)`` for every petition of the plan still as planned, in one transaction."""
    result = BulkResult(p.action, skipped=list(p.skipped))
    with store.write(), cached_lookups(store):  # units and settings read once, not once a petition
        now = _current(store, [t.id for t in p.todo])
        for t in p.todo:
            row = now.get(t.id)
            if row is None or row["version"] != t.version:
                result.conflicts.append(t)
                continue
            try:
                one(t.id)
            except UserError as exc:  # the whole action is refused: the transaction rolls back
                raise UserError(f"{t.case_no}：{exc}。所选信访件均未{p.action}，请修改后重试",
                                field=exc.field) from exc
            result.done.append(t)
    return result


def hand_over_all(store: Store, p: BulkPlan, lead_unit: str, coop_units: list[str] | str = (), *,
                  day: dt.date | None = None, due: dt.date | None = None, target: str | None = None) -> BulkResult:
    """交办 every petition of a :data:`HAND_OVER` plan to the same units, dated ``day`` (today),
    due ``due`` (default: counted from ``day`` by the settings, once for all)."""
    if p.action != HAND_OVER:
        raise ValueError(p.action)
    resolve_unit(store, lead_unit)  # an unknown unit is refused before anything is read
    day = day or dates.today()
    warning = ""
    if due is None:
        due, warning = due_date_for(store, day)
    result = _apply(store, p, lambda pid: hand_over(store, pid, lead_unit, coop_units, day=day, due=due,
                                                    target=target))
    result.warning = warning
    return result


def set_status_all(store: Store, p: BulkPlan, *, day: dt.date | None = None, note: str = "") -> BulkResult:
    """The status of a :data:`STATUS` plan for every petition of it (``workflow.set_status``)."""
    if p.action != STATUS:
        raise ValueError(p.action)
    day = day or dates.today()
    return _apply(store, p, lambda pid: set_status(store, pid, p.status, day=day, note=note))


def publish_all(store: Store, p: BulkPlan, day: dt.date | None = None) -> BulkResult:
    """公开 every petition of a :data:`PUBLISH` plan on ``day`` (today)."""
    if p.action != PUBLISH:
        raise ValueError(p.action)
    day = day or dates.today()
    return _apply(store, p, lambda pid: publish(store, [pid], day))


def case_list(targets: Iterable[Target], most: int = 5) -> str:
    """D2HH…、D2HH…等N件 (the first ``most`` 受理编号)."""
    targets = list(targets)
    text = "、".join(t.case_no for t in targets[:most])
    return text + (f"等{len(targets)}件" if len(targets) > most else "")
