"""态势 figures as of a date (petitions.overview, handoffs.figures/overview): equal to a count
made directly from the raw rows, for random petition logs and several dates; the 合计 equals the
bulletin's sentence; as of today they equal the 信访件 screen's and ``handoffs summary``'s counts."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutydesk.bootstrap import open_store
from dutydesk.petitions import overview, service as S, stats
from dutydesk.petitions.model import split_list
from dutydesk.store import records

DAY0 = dt.date(2026, 11, 2)
UNITS = ["零陵区", "道县", "蓝山县", "市住建局"]
TYPES = ["水", "大气", "噪声"]
KINDS = ["已办结", "阶段性办结", "未办结"]
CHECK_OFFSETS = (-1, 0, 2, 4, 6, 8, 10, 13, 16)


def brute_force(store, day: dt.date) -> dict:
    """The figures as of ``day``, counted one petition at a time from the raw tables."""
    d = day.isoformat()
    batches = {b["id"]: b for b in store.query("SELECT * FROM batches")}
    results = defaultdict(list)
    for r in store.query("SELECT id, petition_id, kind, date FROM petition_results"):
        results[r["petition_id"]].append(r)
    units: dict[str, Counter] = defaultdict(Counter)
    daily: dict[str, Counter] = defaultdict(Counter)
    types: Counter = Counter()
    key = repeat = 0
    for p in store.query("SELECT * FROM petitions WHERE deleted_at IS NULL"):
        b = batches[p["batch_id"]]
        if b["deleted_at"] is not None or b["date"] > d:
            continue
        then = [r for r in results[p["id"]] if r["date"] <= d]
        kind = max(then, key=lambda r: (r["date"], r["id"]))["kind"] if then else None
        u = units[p["unit"]]
        u["transferred"] += 1
        u["closed"] += kind == "已办结"
        u["partial"] += kind == "阶段性办结"
        if kind not in ("已办结", "阶段性办结") and p["due_date"]:
            u["overdue"] += p["due_date"] < d
            u["due_today"] += p["due_date"] == d
        key += bool(p["key_case"])
        repeat += bool(p["is_repeat"])
        daily[b["date"]][p["method"] or "其他"] += 1
        types.update(split_list(p["pollution_types"]))
    return {"units": {k: +v for k, v in units.items() if +v}, "key": key, "repeat": repeat,
            "daily": {k: +v for k, v in daily.items()}, "types": +types}


def computed(store, day: dt.date) -> dict:
    f = overview.petition_figures(store, day)
    units = {}
    for r in f.units:
        c = +Counter(transferred=r.transferred, closed=r.closed, partial=r.partial, overdue=r.overdue,
                     due_today=r.due_today)
        if c:
            units[r.unit] = c
    daily = {c.day.isoformat(): +Counter({"来电": c.phone, "来信": c.letter, "其他": c.other}) for c in f.daily if c.total}
    return {"units": units, "key": f.key_cases, "repeat": f.repeats, "daily": daily, "types": Counter(dict(f.by_type))}


petition_st = st.fixed_dictionaries({
    "batch": st.integers(0, 3),
    "unit": st.sampled_from(UNITS),
    "types": st.lists(st.sampled_from(TYPES), max_size=2, unique=True),
    "method": st.sampled_from(["来电", "来信", ""]),
    "key": st.booleans(),
    "repeat": st.booleans(),
    "handover": st.none() | st.tuples(st.integers(0, 12), st.integers(0, 9)),
    "results": st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 15)), max_size=3),
    "deleted": st.integers(0, 9).map(lambda n: n == 0),
})
log_st = st.fixed_dictionaries({
    "batch_days": st.lists(st.integers(0, 12), min_size=4, max_size=4),
    "deleted_batch": st.none() | st.integers(0, 3),
    "petitions": st.lists(petition_st, max_size=14),
})


def fill(store, log: dict) -> None:
    batch_ids = [S.add_batch(store, n + 1, DAY0 + dt.timedelta(days=d)) for n, d in enumerate(log["batch_days"])]
    for n, p in enumerate(log["petitions"]):
        pid = S.add_petition(store, batch_ids[p["batch"]], S.PetitionInput(
            case_no=f"T{n:05d}", content=f"第{n}件：某厂排污", unit=p["unit"], pollution_types=p["types"],
            key_case=p["key"], is_repeat=p["repeat"], method=p["method"]))
        if p["handover"]:
            start, days = p["handover"]
            S.hand_over(store, pid, p["unit"], day=DAY0 + dt.timedelta(days=start),
                        due=DAY0 + dt.timedelta(days=start + days))
        for kind, offset in p["results"]:
            S.record_result(store, pid, S.ResultInput(kind=kind, date=DAY0 + dt.timedelta(days=offset)))
        if p["deleted"]:
            S.delete_petition(store, pid)
    if log["deleted_batch"] is not None:
        records.soft_delete(store, "batches", batch_ids[log["deleted_batch"]])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log_st)
def test_per_unit_figures_equal_a_brute_force_count_for_several_dates(log):
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "h.db", operator="测试员", daily_backup=False)
        try:
            fill(store, log)
            for offset in CHECK_OFFSETS:
                day = DAY0 + dt.timedelta(days=offset)
                expected = brute_force(store, day)
                assert computed(store, day) == expected, day
                units, total = overview.unit_figures(store, day)
                cumulative = stats.cumulative_stats(store, day)
                assert (total.transferred, total.closed, total.partial) == (
                    cumulative.total, cumulative.closed, cumulative.partial)
                assert total.transferred == sum(u["transferred"] for u in expected["units"].values())
                assert total.overdue == sum(u["overdue"] for u in expected["units"].values())
        finally:
            store.close()


def test_every_county_has_a_row_even_without_petitions(store):
    units, total = overview.unit_figures(store, DAY0)
    assert total.transferred == 0 and total.label == "合计"
    labels = [u.label for u in units]
    assert labels[:3] == ["零陵区", "冷水滩区", "祁阳市"] and "江华县" in labels  # short names, reference order
    assert "市生态环境局" not in labels  # departments only when they have figures


def test_as_of_today_the_counts_equal_the_petition_screens(store, freeze_today):
    from dutydesk.petitions import demo

    today = freeze_today(dt.date(2026, 11, 29))
    demo.fill(store, today)
    f = overview.petition_figures(store, today)
    alerts = S.alert_counts(store, today)
    assert f.total.transferred == store.scalar("SELECT count(*) FROM petitions WHERE deleted_at IS NULL")
    assert (f.total.overdue, f.total.due_today) == (alerts["overdue"], alerts["due_today"])
    assert f.total.overdue > 0


def test_the_total_row_is_what_the_bulletin_sentence_says(store, freeze_today):
    from dutydesk.petitions import demo

    today = freeze_today(dt.date(2026, 11, 29))
    demo.fill(store, today)
    for day in (today - dt.timedelta(days=5), today):
        table = overview.appendix_table(store, day)
        total = table.text_rows()[-1]
        assert total[0] == "合计"
        _, transferred, closed, partial, open_, _, rate = total
        sentence = stats.cumulative_sentence(stats.cumulative_stats(store, day))
        assert (f"累计收到转办信访件{transferred}件，已办结{closed}件、阶段性办结{partial}件、未办结{open_}件"
                f"（办结率{rate}）") in sentence
        assert sentence in stats.bulletin_paragraphs(store, day)
