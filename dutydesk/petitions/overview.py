"""Petition figures as of a date: per unit (行政区域), in total, per day and per 污染类型.

The one query the bulletin's statistics sentences (``stats.cumulative_stats``), the bulletin's
appendix table, ``dutydesk stats`` and the 态势 screen read, so they can never disagree.
The rules, "as of" day D (the same as DOMAIN.md's statistics sentences):

- counted (累计转办): a live petition in a live batch transferred on or before D;
- its result as of D: the latest result (by 办结日期, then entry) dated on or before D;
  已办结 / 阶段性办结 count as such, a 未办结 result or none leaves it 未办结;
- 超期: 未办结 as of D and its 办理时限 before D; 今日到期: due on D (the 信访件 screen's counts, as of
  today; the 办理时限 is the petition's current one);
- 重点件 / 重复件: counted petitions so marked; by type: each 污染类型 of a counted petition.

The per-unit figures and the 污染类型 counts are each one sum over a small table of signed changes
per day (``day_sums.py``, schema m011: ``petition_day_sums``, ``petition_type_days``; kept by
triggers). 重点件, 重复件 and the petitions per day come from the counts per batch and 受理方式
(schema m007), a few thousand rows at a province's million petitions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..exporters.stats_table import INT, PCT, TEXT, TOTAL_LABEL, StatsTable
from ..refdata import list_units, vocab
from ..store.db import Store
from . import day_sums

NO_UNIT = "（未填区域）"
APPENDIX_TITLE = "各县市区信访件办理情况统计表"
APPENDIX_HEADERS = ["单位", "转办", "已办结", "阶段性办结", "未办结", "超期", "办结率"]
NOTES = ["累计转办为截至统计日已转办的信访件；办结率＝已办结÷累计转办（阶段性办结不计入）；"
         "超期为截至统计日未办结且已过办理时限的信访件。"]


@dataclass
class UnitFigures:
    unit: str  # the unit's name as stored ("" when none was given; 合计 for the total)
    label: str  # as shown (short name)
    transferred: int = 0  # 累计转办
    closed: int = 0  # 已办结
    partial: int = 0  # 阶段性办结
    overdue: int = 0  # 超期
    due_today: int = 0  # 今日到期

    @property
    def open(self) -> int:
        return self.transferred - self.closed - self.partial

    @property
    def rate(self) -> float:
        """办结率 in percent: 已办结 / 累计转办 (阶段性办结 not counted as closed)."""
        return 100.0 * self.closed / self.transferred if self.transferred else 0.0

    def add(self, other: "UnitFigures") -> None:
        for key in ("transferred", "closed", "partial", "overdue", "due_today"):
            setattr(self, key, getattr(self, key) + getattr(other, key))


@dataclass
class DayCount:
    day: dt.date
    phone: int = 0
    letter: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.phone + self.letter + self.other


@dataclass
class PetitionFigures:
    day: dt.date
    units: list[UnitFigures]  # reference order; every 县市区 (zeros included), then any other unit with petitions
    total: UnitFigures  # 合计
    key_cases: int = 0
    repeats: int = 0
    daily: list[DayCount] = field(default_factory=list)  # each day from the first batch to ``day``
    by_type: list[tuple[str, int]] = field(default_factory=list)


# -- the batches a day counts ---------------------------------------------------------------------
def _counted_batches(store: Store, day: str) -> dict[int, str]:
    """id -> transfer date of the live batches transferred on or before ``day``."""
    return {b["id"]: b["date"] for b in store.query(
        "SELECT id, date FROM batches WHERE deleted_at IS NULL AND date <= ?", [day])}


def _since_last_commit(store: Store, key: str, load):
    """``load()``, kept while nothing was written: the counts over every live petition do not
    depend on the day, so moving the day ([ ]) does not count them again. A commit by another
    connection changes ``PRAGMA data_version``; any write through this one, inside
    ``store.write()`` or not (an office script's ``INSERT``), changes its ``total_changes``."""
    stamp = (store.scalar("PRAGMA data_version"), store.conn.total_changes)
    memo = getattr(store, "_overview_memo", None)
    if memo is None or memo[0] != stamp:
        memo = store._overview_memo = (stamp, {})
    if key not in memo[1]:
        memo[1][key] = load()
    return memo[1][key]


def _per_batch(store: Store) -> list[dict]:
    """Live petitions by batch and 受理方式: ``n``, ``key_cases`` (重点件), ``repeats`` (重复件)."""
    return _since_last_commit(store, "per_batch", lambda: store.query(
        "SELECT batch_id, method, n, key_cases, repeats FROM petition_batch_counts WHERE n > 0"))


def unit_figures(store: Store, day: dt.date) -> tuple[list[UnitFigures], UnitFigures]:
    """The per-unit figures as of ``day`` (module docstring) and their 合计."""
    rows: dict[str, UnitFigures] = {}
    for unit, n in day_sums.as_of(store, day.isoformat()).items():
        rows[unit] = UnitFigures(unit, unit or NO_UNIT, transferred=n["transferred"], closed=n["closed"],
                                 partial=n["partial"], overdue=n["late"] - n["late_closing"],
                                 due_today=n["due"] - n["due_closing"])
    return _ordered(store, rows)


def _ordered(store: Store, rows: dict[str, UnitFigures]) -> tuple[list[UnitFigures], UnitFigures]:
    units = list_units(store, include_inactive=True)
    out = []
    for u in units:
        r = rows.pop(u.name, None)
        if r is None and u.active and u.kind != "部门":
            r = UnitFigures(u.name, u.display)  # every 县市区, none yet
        elif r is not None:
            r.label = u.display
        if r is not None and (r.transferred or r.overdue or r.due_today or u.kind != "部门"):
            out.append(r)
    out += [r for _, r in sorted(rows.items()) if r.transferred]  # not in the reference list
    total = UnitFigures(TOTAL_LABEL, TOTAL_LABEL)
    for r in out:
        total.add(r)
    return out, total


# -- days and types ---------------------------------------------------------------------------------
def _daily(counted: dict[int, str], per_batch: list[dict], day: dt.date) -> list[DayCount]:
    by_day: dict[str, DayCount] = {}
    for r in per_batch:
        date = counted.get(r["batch_id"])
        if date is None:
            continue
        c = by_day.setdefault(date, DayCount(dt.date.fromisoformat(date)))
        if r["method"] == "来电":
            c.phone += r["n"]
        elif r["method"] == "来信":
            c.letter += r["n"]
        else:
            c.other += r["n"]
    if not by_day:
        return []
    first = min(c.day for c in by_day.values())
    return [by_day.get((first + dt.timedelta(days=i)).isoformat()) or DayCount(first + dt.timedelta(days=i))
            for i in range((day - first).days + 1)]


def _types(store: Store, day: str) -> list[tuple[str, int]]:
    counts = day_sums.types_as_of(store, day)
    order = {t: i for i, t in enumerate(vocab(store, "pollution_type", include_inactive=True))}
    return sorted(counts.items(), key=lambda tn: (order.get(tn[0], 999), tn[0]))


def petition_figures(store: Store, day: dt.date) -> PetitionFigures:
    """Everything the 态势 screen and ``dutydesk stats`` show about petitions, as of ``day``."""
    d = day.isoformat()
    counted = _counted_batches(store, d)
    per_batch = _per_batch(store)
    key_cases = sum(r["key_cases"] for r in per_batch if r["batch_id"] in counted)
    repeats = sum(r["repeats"] for r in per_batch if r["batch_id"] in counted)
    units, total = unit_figures(store, day)
    return PetitionFigures(day, units, total, key_cases, repeats, _daily(counted, per_batch, day), _types(store, d))


# -- the table ------------------------------------------------------------------------------------
def unit_cells(r: UnitFigures) -> list:
    return [r.label, r.transferred, r.closed, r.partial, r.open, r.overdue, r.rate if r.transferred else None]


def appendix_table(store: Store, day: dt.date) -> StatsTable:
    """附件：各县市区信访件办理情况统计表, as of ``day`` (the bulletin's appendix)."""
    units, total = unit_figures(store, day)
    return StatsTable(APPENDIX_TITLE, day.isoformat(), list(APPENDIX_HEADERS),
                      [TEXT, INT, INT, INT, INT, INT, PCT], [unit_cells(r) for r in [*units, total]], list(NOTES))
