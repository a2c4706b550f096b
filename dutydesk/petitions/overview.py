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

The counts over every live petition come from summary tables kept by triggers (schema m007:
per batch and 受理方式, per unit and latest result's kind, per 污染类型; a few thousand rows at a
million petitions); then the few it must not count as of D are taken out (later or deleted
batches, from ``petition_facts``, schema m005: one narrow row per live petition with its latest
result's kind; or the counted batches are counted instead when they are fewer) and the few with
a result dated after D are looked up. For a day long past, with many results dated after it,
each counted petition is joined to its result then instead (bench/: the 态势 screen's data).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..exporters.stats_table import INT, PCT, TEXT, TOTAL_LABEL, StatsTable
from ..refdata import list_units, vocab
from ..store.db import Store

CLOSED, PARTIAL = "已办结", "阶段性办结"
CLOSING = (CLOSED, PARTIAL)
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
@dataclass
class _Batches:
    counted: dict[int, str]  # id -> transfer date, for live batches on or before the day
    left_out: list[int]  # later or deleted batches


def _batches(store: Store, day: str) -> _Batches:
    counted, left_out = {}, []
    for b in store.query("SELECT id, date, deleted_at FROM batches"):
        if b["deleted_at"] is None and b["date"] <= day:
            counted[b["id"]] = b["date"]
        else:
            left_out.append(b["id"])
    return _Batches(counted, left_out)


def _ids(values) -> str:
    return ",".join(str(int(v)) for v in values)


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


def _kinds_by_unit(store: Store, batches: _Batches, sizes: Counter) -> Counter:
    """(unit, latest result kind) -> counted petitions: over every live petition minus the
    left-out batches, or over the counted batches when they are fewer."""
    out: Counter = Counter()
    left = [b for b in batches.left_out if sizes.get(b)]
    per_batch = ("SELECT unit, result_kind, count(*) AS n FROM petition_facts INDEXED BY petition_facts_batch "
                 "WHERE batch_id IN ({}) GROUP BY unit, result_kind")
    if left and sum(sizes[b] for b in left) > sum(sizes[b] for b in batches.counted):
        counted = [b for b in batches.counted if sizes.get(b)]
        for r in store.query(per_batch.format(_ids(counted))) if counted else []:
            out[(r["unit"], r["result_kind"])] += r["n"]
        return out
    for r in _since_last_commit(store, "unit_kind", lambda: store.query(
            "SELECT unit, result_kind, n FROM petition_unit_kinds WHERE n > 0")):
        out[(r["unit"], r["result_kind"])] += r["n"]
    if left:
        for r in store.query(per_batch.format(_ids(left))):
            out[(r["unit"], r["result_kind"])] -= r["n"]
    return out


_LATER = "SELECT petition_id FROM petition_results INDEXED BY petition_results_date WHERE date > ?1"


def _later_results(store: Store, day: str) -> list[dict]:
    """Live petitions with a result dated after ``day``: their result as of the day, looked up."""
    return store.query(
        f"""SELECT f.petition_id, f.unit, f.batch_id, f.due_date, f.result_kind,
                   coalesce((SELECT r.kind FROM petition_results r WHERE r.petition_id = f.petition_id AND r.date <= ?1
                             ORDER BY r.date DESC, r.id DESC LIMIT 1), '') AS kind_then
            FROM petition_facts f WHERE f.petition_id IN ({_LATER})""", [day])


DIRECT_AFTER = 30_000  # results dated after the day beyond which they are not looked up one by one (bench/)


def _later_count(store: Store, day: str) -> int:
    return store.scalar("SELECT count(*) FROM petition_results INDEXED BY petition_results_date WHERE date > ?",
                        [day]) or 0


def _as_of_directly(store: Store, day: str, counted: list[int]) -> list[dict]:
    """Counted petitions by unit, result kind as of ``day`` and due date (before / on the day),
    joining each to its result then (the covering index of results as of a day, schema m002)."""
    if not counted:
        return []
    return store.query(
        f"""WITH as_of AS MATERIALIZED (
                SELECT petition_id, kind FROM petition_results INDEXED BY petition_results_asof
                WHERE date <= ?1 AND (superseded_on IS NULL OR superseded_on > ?1))
            SELECT f.unit, coalesce(t.kind, '') AS kind, f.due_date < ?1 AS late, f.due_date = ?1 AS today,
                   count(*) AS n
            FROM petition_facts f INDEXED BY petition_facts_batch LEFT JOIN as_of t ON t.petition_id = f.petition_id
            WHERE f.batch_id IN ({_ids(counted)}) GROUP BY 1, 2, 3, 4""", [day])


def _open_due(store: Store, day: str) -> list[dict]:
    """Petitions without a closing result (and none dated after ``day``) due by the day, by
    unit, batch and whether due on the day."""
    return store.query(
        f"""SELECT unit, batch_id, due_date = ?1 AS today, count(*) AS n FROM petition_facts INDEXED BY petition_facts_due_open
            WHERE due_date IS NOT NULL AND result_kind NOT IN ('已办结', '阶段性办结')
              AND due_date <= ?1 AND petition_id NOT IN ({_LATER})
            GROUP BY unit, batch_id, today""", [day])


def unit_figures(store: Store, day: dt.date) -> tuple[list[UnitFigures], UnitFigures]:
    """The per-unit figures as of ``day`` (module docstring) and their 合计."""
    d = day.isoformat()
    batches = _batches(store, d)
    sizes: Counter = Counter()
    for r in _per_batch(store):
        sizes[r["batch_id"]] += r["n"]
    return _unit_rows(store, d, batches, sizes)


def _unit_rows(store: Store, d: str, batches: _Batches, sizes: Counter) -> tuple[list[UnitFigures], UnitFigures]:
    rows: dict[str, UnitFigures] = {}

    def row(unit: str) -> UnitFigures:
        if unit not in rows:
            rows[unit] = UnitFigures(unit, unit or NO_UNIT)
        return rows[unit]

    def count(unit: str, kind: str, n: int) -> None:
        r = row(unit)
        r.transferred += n
        if kind == CLOSED:
            r.closed += n
        elif kind == PARTIAL:
            r.partial += n

    if _later_count(store, d) > DIRECT_AFTER:  # a day long past: each counted petition's result then, at once
        for r in _as_of_directly(store, d, [b for b in batches.counted if sizes.get(b)]):
            count(r["unit"], r["kind"], r["n"])
            if r["kind"] not in CLOSING:
                row(r["unit"]).overdue += r["n"] * bool(r["late"])
                row(r["unit"]).due_today += r["n"] * bool(r["today"])
        return _ordered(store, rows)
    for (unit, kind), n in _kinds_by_unit(store, batches, sizes).items():
        count(unit, kind, n)
    for p in _later_results(store, d):
        if p["batch_id"] not in batches.counted:
            continue
        count(p["unit"], p["result_kind"], -1)  # counted above by its latest result …
        count(p["unit"], p["kind_then"], 1)  # … which came after the day
        if p["kind_then"] not in CLOSING and p["due_date"]:
            if p["due_date"] < d:
                row(p["unit"]).overdue += 1
            elif p["due_date"] == d:
                row(p["unit"]).due_today += 1
    for r in _open_due(store, d):
        if r["batch_id"] in batches.counted:
            if r["today"]:
                row(r["unit"]).due_today += r["n"]
            else:
                row(r["unit"]).overdue += r["n"]
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
def _daily(batches: _Batches, per_batch: list[dict], day: dt.date) -> list[DayCount]:
    by_day: dict[str, DayCount] = {}
    for r in per_batch:
        date = batches.counted.get(r["batch_id"])
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


def _types(store: Store, batches: _Batches, sizes: Counter) -> list[tuple[str, int]]:
    per_batch = ("SELECT t.type, count(*) AS n FROM petition_facts f INDEXED BY petition_facts_batch "
                 "JOIN petition_types t ON t.petition_id = f.petition_id WHERE f.batch_id IN ({}) GROUP BY t.type")
    left = [b for b in batches.left_out if sizes.get(b)]
    counts: Counter = Counter()
    if left and sum(sizes[b] for b in left) > sum(sizes[b] for b in batches.counted):
        counted = [b for b in batches.counted if sizes.get(b)]
        for r in store.query(per_batch.format(_ids(counted))) if counted else []:
            counts[r["type"]] += r["n"]
    else:
        for r in _since_last_commit(store, "types", lambda: store.query(
                "SELECT type, n FROM petition_type_counts WHERE n > 0")):
            counts[r["type"]] += r["n"]
        if left:
            for r in store.query(per_batch.format(_ids(left))):
                counts[r["type"]] -= r["n"]
    order = {t: i for i, t in enumerate(vocab(store, "pollution_type", include_inactive=True))}
    return sorted(((t, n) for t, n in counts.items() if n > 0), key=lambda tn: (order.get(tn[0], 999), tn[0]))


def petition_figures(store: Store, day: dt.date) -> PetitionFigures:
    """Everything the 态势 screen and ``dutydesk stats`` show about petitions, as of ``day``."""
    d = day.isoformat()
    batches = _batches(store, d)
    per_batch = _per_batch(store)
    sizes: Counter = Counter()
    key_cases = repeats = 0
    for r in per_batch:
        sizes[r["batch_id"]] += r["n"]
        if r["batch_id"] in batches.counted:
            key_cases += r["key_cases"]
            repeats += r["repeats"]
    units, total = _unit_rows(store, d, batches, sizes)
    return PetitionFigures(day, units, total, key_cases, repeats, _daily(batches, per_batch, day),
                           _types(store, batches, sizes))


# -- the table ------------------------------------------------------------------------------------
def unit_cells(r: UnitFigures) -> list:
    return [r.label, r.transferred, r.closed, r.partial, r.open, r.overdue, r.rate if r.transferred else None]


def appendix_table(store: Store, day: dt.date) -> StatsTable:
    """附件：各县市区信访件办理情况统计表, as of ``day`` (the bulletin's appendix)."""
    units, total = unit_figures(store, day)
    return StatsTable(APPENDIX_TITLE, day.isoformat(), list(APPENDIX_HEADERS),
                      [TEXT, INT, INT, INT, INT, INT, PCT], [unit_cells(r) for r in [*units, total]], list(NOTES))
