"""Petition statistics for a date, counted by business dates (transfer date, 办结日期), so a
past day's figures can be rebuilt later and come out the same. The bulletin calls
:func:`bulletin_paragraphs`; the sentences follow DOMAIN.md "Statistics sentences"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import dates
from ..refdata import get_setting, list_units, vocab
from ..store.db import Store
from ..exporters.stats_table import pct_text
from .model import COUNTERS, fmt_number, split_list
from . import day_sums
from .overview import unit_figures


@dataclass
class DailyStats:
    """The batches transferred on ``day``."""

    day: dt.date
    batch_nos: list[int]
    group_name: str
    total: int
    phone: int
    letter: int
    key_cases: int
    repeats: int
    assigned: int  # handed over (交办) by the end of ``day``
    by_unit: list[tuple[str, int]] = field(default_factory=list)
    by_type: list[tuple[str, int]] = field(default_factory=list)

    @property
    def other_method(self) -> int:
        return self.total - self.phone - self.letter


@dataclass
class CumulativeStats:
    """Everything transferred up to and including ``day``, with results dated by then."""

    day: dt.date
    total: int
    closed: int
    partial: int
    counters: dict[str, float] = field(default_factory=dict)

    @property
    def open(self) -> int:
        return self.total - self.closed - self.partial

    @property
    def rate(self) -> float:
        """办结率: 已办结 / 累计 (阶段性办结 not counted as closed), in percent."""
        return 100.0 * self.closed / self.total if self.total else 0.0


def short_group(name: str) -> str:
    """湖南省第四生态环境保护督察组 → 省第四生态环境保护督察组 (how bulletins write it)."""
    i = name.find("省")
    if 0 < i <= 4 and len(name) > i + 1:
        return "省" + name[i + 1:]
    return name


def _unit_order(store: Store) -> dict[str, tuple[int, str]]:
    return {u.name: (i, u.display) for i, u in enumerate(list_units(store, include_inactive=True))}


def daily_stats(store: Store, day: dt.date) -> DailyStats:
    rows = store.query(
        """
        SELECT b.no, b.group_name, p.method, p.key_case, p.is_repeat, p.unit, p.pollution_types, p.assigned_date
        FROM batches b JOIN petitions p ON p.batch_id = b.id
        WHERE b.date = ? AND b.deleted_at IS NULL AND p.deleted_at IS NULL
        ORDER BY b.no
        """,
        [day.isoformat()],
    )
    order = _unit_order(store)
    units: dict[str, int] = {}
    types: dict[str, int] = {}
    for r in rows:
        units[r["unit"]] = units.get(r["unit"], 0) + 1
        for t in split_list(r["pollution_types"]):
            types[t] = types.get(t, 0) + 1
    type_order = {t: i for i, t in enumerate(vocab(store, "pollution_type", include_inactive=True))}
    return DailyStats(
        day=day,
        batch_nos=sorted({r["no"] for r in rows}),
        group_name=rows[0]["group_name"] if rows else "",
        total=len(rows),
        phone=sum(r["method"] == "来电" for r in rows),
        letter=sum(r["method"] == "来信" for r in rows),
        key_cases=sum(bool(r["key_case"]) for r in rows),
        repeats=sum(bool(r["is_repeat"]) for r in rows),
        assigned=sum(bool(r["assigned_date"]) and r["assigned_date"] <= day.isoformat() for r in rows),
        by_unit=sorted(units.items(), key=lambda kv: order.get(kv[0], (999, kv[0]))),
        by_type=sorted(types.items(), key=lambda kv: (type_order.get(kv[0], 999), kv[0])),
    )


def cumulative_stats(store: Store, day: dt.date) -> CumulativeStats:
    """累计 / 已办结 / 阶段性办结 are the 合计 of :func:`overview.unit_figures` (the table the 态势
    screen, ``dutydesk stats`` and the bulletin's appendix show), so the sentence and the tables
    agree; the counters (责令整改, 罚款 …) sum each counted petition's result as of ``day``."""
    total = unit_figures(store, day)[1]
    counters = day_sums.counters_as_of(store, day.isoformat())
    return CumulativeStats(day, total.transferred, total.closed, total.partial, counters)


_pct = pct_text


def daily_sentence(store: Store, s: DailyStats) -> str:
    md = dates.cn_date(s.day, year=False)
    if not s.total:
        return f"{md}，我市暂未收到{get_setting(store, 'group_short')}转办信访件。"
    order = _unit_order(store)
    nos = "、".join(f"第{n}批" for n in s.batch_nos)
    group = short_group(s.group_name or get_setting(store, "group"))
    methods = f"来电{s.phone}件、来信{s.letter}件" + (f"、其他{s.other_method}件" if s.other_method else "")
    text = (f"{md}，{group}向我市转办{nos}信访件{s.total}件，其中{methods}，"
            f"重点件{s.key_cases}件、重复件{s.repeats}件。")
    text += "按区域分：" + "、".join(f"{order.get(u, (0, u))[1]}{n}件" for u, n in s.by_unit)
    if s.by_type:
        text += "；按污染类型分：" + "、".join(f"{t}{n}件" for t, n in s.by_type)
    text += "。"
    if s.assigned >= s.total:
        text += "已全部交办到位。"
    elif s.assigned:
        text += f"已交办{s.assigned}件，其余{s.total - s.assigned}件正在交办。"
    else:
        text += "正在抓紧交办。"
    return text


def cumulative_sentence(c: CumulativeStats) -> str:
    md = dates.cn_date(c.day, year=False)
    text = (f"截至{md}，累计收到转办信访件{c.total}件，已办结{c.closed}件、阶段性办结{c.partial}件、"
            f"未办结{c.open}件（办结率{_pct(c.rate)}）")
    parts = [f"{k.label}{fmt_number(c.counters[k.field])}{k.unit}" for k in COUNTERS if c.counters.get(k.field)]
    if parts:
        text += "；" + "，".join(parts)
    return text + "。"


def bulletin_paragraphs(store: Store, day: dt.date) -> list[str]:
    """The paragraphs of the bulletin's petition section for ``day`` (DOMAIN.md section 3):
    the day's batches (or that none came), then the running totals once there are any."""
    out = [daily_sentence(store, daily_stats(store, day))]
    cumulative = cumulative_stats(store, day)
    if cumulative.total:
        out.append(cumulative_sentence(cumulative))
    return out


def has_activity(store: Store, day: dt.date) -> bool:
    """Whether ``day`` had petition work the bulletin's petition section reports: a batch
    transferred, a petition handed over (交办) or a result dated that day."""
    d = day.isoformat()
    # one question at a time, the one read through an index first: no index has the 交办 date, so
    # that one reads every petition (0.3 s at a million) and is asked only when the others say no
    return any(store.scalar(sql, [d]) for sql in (
        "SELECT EXISTS (SELECT 1 FROM batches b JOIN petitions p ON p.batch_id = b.id AND p.deleted_at IS NULL "
        "WHERE b.date = ?1 AND b.deleted_at IS NULL)",
        "SELECT EXISTS (SELECT 1 FROM petition_results r JOIN petitions p ON p.id = r.petition_id "
        "AND p.deleted_at IS NULL WHERE r.date = ?1)",
        "SELECT EXISTS (SELECT 1 FROM petitions WHERE assigned_date = ?1 AND deleted_at IS NULL)"))


def batches_added_since(store: Store, day: dt.date, since: str) -> list[tuple[int, int]]:
    """(批次号, 件数) of the petitions stored after ``since`` (a timestamp) in batches transferred
    by ``day``: what an issued bulletin of ``day`` does not count."""
    rows = store.query(
        "SELECT b.no, count(*) AS n FROM batches b JOIN petitions p ON p.batch_id = b.id AND p.deleted_at IS NULL "
        "WHERE b.date <= ? AND b.deleted_at IS NULL AND p.created_at > ? GROUP BY b.no ORDER BY b.no",
        [day.isoformat(), since])
    return [(r["no"], r["n"]) for r in rows]
