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

from fresh import new_store
from dutydesk.petitions import batches, day_sums, deadlines, intake, overview, rows, stats, workflow
from dutydesk.petitions.model import split_list
from dutydesk.store import records

DAY0 = dt.date(2026, 11, 2)
UNITS = ["零陵区", "道县", "蓝山县", "市住建局"]
TYPES = ["水", "大气", "噪声"]
KINDS = ["已办结", "阶段性办结", "未办结"]
CHECK_OFFSETS = (-1, 0, 2, 4, 6, 8, 10, 13, 16, 25)


def brute_force(store, day: dt.date) -> dict:
    """The figures as of ``day``, counted one petition at a time from the raw tables."""
    d = day.isoformat()
    batches = {b["id"]: b for b in store.query("SELECT * FROM batches")}
    results = defaultdict(list)
    for r in store.query("SELECT id, petition_id, kind, date, n_rectify, fine FROM petition_results"):
        results[r["petition_id"]].append(r)
    units: dict[str, Counter] = defaultdict(Counter)
    daily: dict[str, Counter] = defaultdict(Counter)
    types: Counter = Counter()
    counters: Counter = Counter()
    key = repeat = 0
    for p in store.query("SELECT * FROM petitions WHERE deleted_at IS NULL"):
        b = batches[p["batch_id"]]
        if b["deleted_at"] is not None or b["date"] > d:
            continue
        then = [r for r in results[p["id"]] if r["date"] <= d]
        result = max(then, key=lambda r: (r["date"], r["id"])) if then else None
        kind = result["kind"] if result else None
        if result:
            counters.update(n_rectify=result["n_rectify"], fine=result["fine"])
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
            "daily": {k: +v for k, v in daily.items()}, "types": +types,
            "counters": {k: round(v, 6) for k, v in counters.items() if v}}


def facts_recomputed(store) -> list[tuple]:
    """petition_facts as it should be: one row per live petition."""
    return [(p["id"], p["batch_id"], p["unit"], p["method"], p["key_case"], p["is_repeat"], p["due_date"])
            for p in store.query("SELECT * FROM petitions WHERE deleted_at IS NULL ORDER BY id")]


def facts(store) -> list[tuple]:
    return [tuple(r.values()) for r in store.query(
        "SELECT petition_id, batch_id, unit, method, key_case, is_repeat, due_date FROM petition_facts "
        "ORDER BY petition_id")]


def counts(store) -> dict:
    """The summary tables (schema m007, m011), zero rows left out."""
    return {
        "batch": sorted(tuple(r.values()) for r in store.query(
            "SELECT batch_id, method, n, key_cases, repeats FROM petition_batch_counts WHERE n != 0")),
        "day": sorted(tuple(r.values()) for r in store.query("SELECT day, unit, key, n FROM petition_day_sums WHERE n != 0")),
        "type": sorted(tuple(r.values()) for r in store.query("SELECT day, type, n FROM petition_type_days WHERE n != 0")),
    }


def counts_recomputed(store) -> dict:
    """What the summary tables should hold: counted from the live petitions themselves (the day
    sums: written again from scratch by the migration's statement, inside a savepoint)."""
    batch: dict = defaultdict(Counter)
    for p in store.query("SELECT * FROM petitions WHERE deleted_at IS NULL"):
        batch[(p["batch_id"], p["method"])].update(n=1, key=bool(p["key_case"]), repeat=bool(p["is_repeat"]))
    store.execute("SAVEPOINT recount")
    try:
        store.execute("DELETE FROM petition_day_sums")
        store.execute("DELETE FROM petition_type_days")
        store.execute(day_sums.ALL)
        store.execute(day_sums.ALL_TYPES)
        days = sorted(tuple(r.values()) for r in store.query("SELECT day, unit, key, n FROM petition_day_sums"))
        types = sorted(tuple(r.values()) for r in store.query("SELECT day, type, n FROM petition_type_days"))
    finally:
        store.execute("ROLLBACK TO recount")
        store.execute("RELEASE recount")
    return {"batch": sorted((*k, c["n"], c["key"], c["repeat"]) for k, c in batch.items()), "day": days, "type": types}


def computed(store, day: dt.date) -> dict:
    f = overview.petition_figures(store, day)
    units = {}
    for r in f.units:
        c = +Counter(transferred=r.transferred, closed=r.closed, partial=r.partial, overdue=r.overdue,
                     due_today=r.due_today)
        if c:
            units[r.unit] = c
    daily = {c.day.isoformat(): +Counter({"来电": c.phone, "来信": c.letter, "其他": c.other}) for c in f.daily if c.total}
    counters = {k: v for k, v in stats.cumulative_stats(store, day).counters.items() if v}
    return {"units": units, "key": f.key_cases, "repeat": f.repeats, "daily": daily, "types": Counter(dict(f.by_type)),
            "counters": counters}


petition_st = st.fixed_dictionaries({
    "batch": st.integers(0, 3),
    "unit": st.sampled_from(UNITS),
    "types": st.lists(st.sampled_from(TYPES), max_size=2, unique=True),
    "method": st.sampled_from(["来电", "来信", ""]),
    "key": st.booleans(),
    "repeat": st.booleans(),
    "handover": st.none() | st.tuples(st.integers(0, 12), st.integers(0, 9)),
    "results": st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 15), st.integers(0, 2),
                                  st.sampled_from([0, 0.5, 1.2])), max_size=3),
    "deleted": st.integers(0, 9).map(lambda n: n == 0),
})
log_st = st.fixed_dictionaries({
    "batch_days": st.lists(st.integers(0, 12), min_size=4, max_size=4),
    "deleted_batch": st.none() | st.integers(0, 3),
    "petitions": st.lists(petition_st, max_size=14),
    # afterwards: a batch's transfer date corrected; a result deleted or its date changed by hand;
    # a petition restored; a petition moved to another batch by hand
    "later": st.lists(st.tuples(st.sampled_from(["batch_day", "drop_result", "result_day", "restore", "move"]),
                                st.integers(0, 20), st.integers(0, 15)), max_size=4),
})


def fill(store, log: dict) -> None:
    batch_ids = [batches.add_batch(store, n + 1, DAY0 + dt.timedelta(days=d)) for n, d in enumerate(log["batch_days"])]
    for n, p in enumerate(log["petitions"]):
        pid = intake.add_petition(store, batch_ids[p["batch"]], intake.PetitionInput(
            case_no=f"T{n:05d}", content=f"第{n}件：某厂排污", unit=p["unit"], pollution_types=p["types"],
            key_case=p["key"], is_repeat=p["repeat"], method=p["method"]))
        if p["handover"]:
            start, days = p["handover"]  # handed over on or after the batch's transfer day
            start += log["batch_days"][p["batch"]]
            workflow.hand_over(store, pid, p["unit"], day=DAY0 + dt.timedelta(days=start),
                               due=DAY0 + dt.timedelta(days=start + days))
        for kind, offset, rectify, fine in p["results"]:
            workflow.record_result(store, pid, workflow.ResultInput(kind=kind, date=DAY0 + dt.timedelta(days=offset),
                                                                    counters={"n_rectify": rectify, "fine": fine}))
        if p["deleted"]:
            intake.delete_petition(store, pid)
    if log["deleted_batch"] is not None:
        records.soft_delete(store, "batches", batch_ids[log["deleted_batch"]])
    for what, pick, offset in log.get("later", []):
        day = (DAY0 + dt.timedelta(days=offset)).isoformat()
        if what == "batch_day":
            store.execute("UPDATE batches SET date = ? WHERE id = ?", [day, batch_ids[pick % 4]])
        elif what == "move":
            store.execute("UPDATE petitions SET batch_id = ? WHERE id = (SELECT min(id) + ? FROM petitions)",
                          [batch_ids[offset % 4], pick % 3])
        elif what == "restore":
            deleted = store.query("SELECT id FROM petitions WHERE deleted_at IS NOT NULL ORDER BY id")
            if deleted:
                intake.undelete_petition(store, deleted[pick % len(deleted)]["id"])
            elif log["deleted_batch"] is not None:
                store.execute("UPDATE batches SET deleted_at = NULL WHERE id = ?", [batch_ids[log["deleted_batch"]]])
        else:
            ids = [r["id"] for r in store.query("SELECT id FROM petition_results ORDER BY id")]
            if ids and what == "drop_result":
                store.execute("DELETE FROM petition_results WHERE id = ?", [ids[pick % len(ids)]])
            elif ids:
                store.execute("UPDATE petition_results SET date = ? WHERE id = ?", [day, ids[pick % len(ids)]])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log_st)
def test_per_unit_figures_equal_a_brute_force_count_for_several_dates(log):
    with tempfile.TemporaryDirectory() as tmp:
        store = new_store(Path(tmp) / "h.db", operator="测试员", daily_backup=False)
        try:
            fill(store, log)
            assert facts(store) == facts_recomputed(store)  # the triggers kept the derived rows
            assert counts(store) == counts_recomputed(store)  # … and the summary counts
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
    alerts = deadlines.alert_counts(store, today)
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


# -- 问题交办 -----------------------------------------------------------------------------------------
def problem_brute_force(store, day: dt.date) -> dict:
    """Problems as of ``day`` from the status log and 回头看 records, one problem at a time."""
    d = day.isoformat()
    logs = defaultdict(list)
    for r in store.query("SELECT id, handoff_id, to_status, date FROM handoff_status_log"):
        logs[r["handoff_id"]].append(r)
    rechecks = Counter(r["handoff_id"] for r in store.query(
        "SELECT handoff_id FROM handoff_rechecks WHERE came_back AND deleted_at IS NULL AND date <= ?", [d]))
    units: dict[str, Counter] = defaultdict(Counter)
    statuses: Counter = Counter()
    for h in store.query("SELECT * FROM handoffs WHERE deleted_at IS NULL"):
        then = [r for r in logs[h["id"]] if r["date"] <= d]
        if not then:
            continue
        status = max(then, key=lambda r: (r["date"], r["id"]))["to_status"]
        late = status in ("未启动", "整改中") and bool(h["deadline"]) and h["deadline"] < d
        u = units[h["lead_unit"]]
        u.update(total=1, closed=status == "已销号", late=late, rebound=rechecks[h["id"]] > 0)
        statuses[status] += 1
    return {"units": {k: +v for k, v in units.items()}, "statuses": +statuses}


def problem_computed(store, day: dt.date) -> dict:
    from dutydesk.handoffs.figures import problem_figures

    f = problem_figures(store, day)
    units = {u: +Counter(total=x.total, closed=x.closed, late=x.late, rebound=x.rebound) for u, x in f.units.items()}
    return {"units": {k: v for k, v in units.items() if v}, "statuses": +Counter(f.by_status)}


STEPS = ["整改中", "已完成", "已验收", "已销号", "反弹", "退回"]
problem_st = st.fixed_dictionaries({
    "unit": st.sampled_from(UNITS),
    "assigned": st.integers(0, 6),
    "deadline": st.none() | st.integers(0, 12),
    "steps": st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 3)), max_size=6),
    "deleted": st.integers(0, 9).map(lambda n: n == 0),
    # afterwards: a 回头看 record deleted (and restored), the 牵头单位 or 整改时限 changed, a log entry redated
    "later": st.lists(st.sampled_from(["drop_recheck", "restore_recheck", "unit", "deadline", "redate"]), max_size=3),
})


def fill_problems(store, plan: list[dict]) -> None:
    from dutydesk.errors import UserError
    from dutydesk.handoffs import intake as h_intake, lifecycle, model, problems, rechecks

    for p in plan:
        assigned = DAY0 + dt.timedelta(days=p["assigned"])
        deadline = None if p["deadline"] is None else assigned + dt.timedelta(days=p["deadline"])
        hid = h_intake.create(store, source="暗访发现", description="某河段排污口污水直排", lead_unit=p["unit"],
                       deadline=deadline.isoformat() if deadline else "长期坚持", assigned_on=assigned.isoformat())
        day = assigned
        for step, gap in p["steps"]:
            day += dt.timedelta(days=gap)
            status = problems.get(store, hid)["status"]
            try:
                if step == "反弹":
                    rechecks.recheck(store, hid, finding="回头看发现问题反弹", came_back=True, on=day)
                elif step == "退回":
                    lifecycle.change_status(store, hid, "整改中", on=day, basis="验收未通过")
                elif step in ("已验收", "已销号"):
                    lifecycle.change_status(store, hid, step, on=day, by="市协调联络组", basis="验收合格")
                else:
                    lifecycle.change_status(store, hid, step, on=day)
            except UserError:
                assert status in model.STATUSES  # a step the life cycle does not allow from here: skipped
        for what in p["later"]:
            back = store.one("SELECT id, deleted_at FROM handoff_rechecks WHERE handoff_id = ? AND came_back", [hid])
            if what == "drop_recheck" and back and not back["deleted_at"]:
                rechecks.delete_recheck(store, back["id"])
            elif what == "restore_recheck" and back and back["deleted_at"]:
                rechecks.undelete_recheck(store, back["id"])
            elif what == "unit":
                store.execute("UPDATE handoffs SET lead_unit = '道县' WHERE id = ?", [hid])
            elif what == "deadline":
                store.execute("UPDATE handoffs SET deadline = ? WHERE id = ?", [(assigned + dt.timedelta(days=3)).isoformat(), hid])
            elif what == "redate":
                store.execute("UPDATE handoff_status_log SET date = ? WHERE id = (SELECT max(id) FROM handoff_status_log "
                              "WHERE handoff_id = ?)", [(assigned + dt.timedelta(days=1)).isoformat(), hid])
        if p["deleted"]:
            problems.soft_delete(store, hid)


def problem_sums_recomputed(store) -> tuple[list, list]:
    """handoff_day_sums as kept by the triggers, and as written from scratch (inside a savepoint)."""
    from dutydesk.handoffs import day_sums as problem_sums

    kept = sorted(tuple(r.values()) for r in store.query("SELECT * FROM handoff_day_sums WHERE n != 0"))
    store.execute("SAVEPOINT recount")
    try:
        store.execute("DELETE FROM handoff_day_sums")
        store.execute(problem_sums.of_problems("+", "1"))
        fresh = sorted(tuple(r.values()) for r in store.query("SELECT * FROM handoff_day_sums"))
    finally:
        store.execute("ROLLBACK TO recount")
        store.execute("RELEASE recount")
    return kept, fresh


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(problem_st, max_size=10))
def test_problem_figures_equal_a_brute_force_count_for_several_dates(problems):
    from dutydesk import dates

    real_today = dates.today
    dates.today = lambda: DAY0 + dt.timedelta(days=40)  # business dates may not be after today
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = new_store(Path(tmp) / "h.db", operator="测试员", daily_backup=False)
            try:
                fill_problems(store, problems)
                kept, fresh = problem_sums_recomputed(store)
                assert kept == fresh
                for offset in (*CHECK_OFFSETS, 20, 40):
                    day = DAY0 + dt.timedelta(days=offset)
                    assert problem_computed(store, day) == problem_brute_force(store, day), day
            finally:
                store.close()
    finally:
        dates.today = real_today


def test_problem_figures_as_of_today_are_the_summary(store, freeze_today):
    from dutydesk.handoffs import demo, model, summary
    from dutydesk.handoffs.figures import problem_figures

    today = freeze_today(dt.date(2026, 11, 29))
    demo.fill(store, today)
    f = problem_figures(store, today)
    by_unit = {r["unit"]: r for r in summary.summary(store, today)}
    total = by_unit.pop("合计")
    assert (f.total, f.closed, f.late, f.rebound) == (total["total"], total["closed"], total["late"], total["rebound"])
    assert [f.by_status[s] for s in model.STATUSES] == [total[k] for k in
                                                    ("not_started", "in_progress", "completed", "accepted", "closed")]
    for unit, row in by_unit.items():
        u = f.units[unit]
        assert (u.total, u.closed, u.late, u.rebound) == (row["total"], row["closed"], row["late"], row["rebound"])
    assert f.late and f.rebound and f.closed  # the demo has some of each


def test_overview_joins_petitions_and_problems_per_unit(store, freeze_today):
    from dutydesk.demo import fill_demo
    from dutydesk.handoffs.overview import overview

    today = freeze_today(dt.date(2026, 11, 29))
    fill_demo(store, today)
    o = overview(store, today)
    table = o.table()
    assert table.headers == ["单位", "转办", "已办结", "阶段性办结", "未办结", "超期", "办结率", "问题数", "已销号"]
    assert table.rows[-1][0] == "合计" and table.rows[-1][1] == o.petitions.total.transferred
    assert table.rows[-1][7] == o.problems.total == sum(r[7] for r in table.rows[:-1])
    assert table.rows[-1][1] == sum(r[1] for r in table.rows[:-1])
    labels = [r[0] for r in table.rows]
    assert labels.index("零陵区") < labels.index("道县") < labels.index("合计")
    assert all(isinstance(v, int) for r in table.rows for v in r[1:6] + r[7:])
    heads = dict((name, {f.label: f for f in figs}) for name, figs in o.sections())
    assert heads["信访件"]["累计转办"].value == o.petitions.total.transferred
    assert heads["问题交办"]["销号率"].text.endswith("%")


def test_the_derived_facts_follow_edits_deletes_restores_and_results(store):
    bid = batches.add_batch(store, 1, DAY0)
    other = batches.add_batch(store, 2, DAY0 + dt.timedelta(days=1))
    pid = intake.add_petition(store, bid, intake.PetitionInput(case_no="T1", content="某厂排污", unit="道县", method="来电"))
    assert facts(store) == facts_recomputed(store) and facts(store)[0][2] == "道县"
    assert counts(store) == counts_recomputed(store)
    row = rows.get_petition(store, pid)
    intake.update_petition(store, pid, intake.PetitionInput(case_no="T1", content="某厂排污", unit="蓝山县", key_case=True,
                                                            pollution_types=["水", "噪声"]),
                           expected_version=row["version"])
    workflow.hand_over(store, pid, "蓝山县", day=DAY0, due=DAY0 + dt.timedelta(days=3))
    workflow.record_result(store, pid, workflow.ResultInput(kind="阶段性办结", date=DAY0 + dt.timedelta(days=2)))
    workflow.record_result(store, pid, workflow.ResultInput(kind="已办结", date=DAY0 + dt.timedelta(days=1)))  # earlier-dated
    assert counts(store) == counts_recomputed(store)
    assert facts(store) == facts_recomputed(store) and facts(store)[0][2:] == (
        "蓝山县", "", 1, 0, (DAY0 + dt.timedelta(days=3)).isoformat())
    store.execute("UPDATE petitions SET batch_id = ? WHERE id = ?", [other, pid])  # a batch corrected by hand
    intake.delete_petition(store, pid)
    assert facts(store) == facts_recomputed(store) == []
    assert counts(store) == counts_recomputed(store) == {"batch": [], "day": [], "type": []}
    intake.undelete_petition(store, pid)
    assert facts(store) == facts_recomputed(store) and facts(store)[0][1] == other
    assert counts(store) == counts_recomputed(store)
    store.execute("DELETE FROM petition_results WHERE petition_id = ? AND kind = '阶段性办结'", [pid])
    assert facts(store) == facts_recomputed(store)
    assert counts(store) == counts_recomputed(store)


def test_problem_sums_follow_a_rebound_deleted_and_restored(store, freeze_today):
    """A 回头看 that found the problem back counts as 反弹 from its date; deleting the record to the
    回收站 takes it out of every day's figures, restoring it puts it back (handoff_day_sums)."""
    from dutydesk.handoffs import intake as h_intake, lifecycle, rechecks
    from dutydesk.handoffs.figures import problem_figures

    freeze_today(DAY0 + dt.timedelta(days=30))
    hid = h_intake.create(store, source="暗访发现", description="某河段排污口污水直排", lead_unit="道县",
                          deadline=(DAY0 + dt.timedelta(days=20)).isoformat(), assigned_on=DAY0.isoformat())
    for step, days in (("整改中", 1), ("已完成", 2), ("已验收", 3)):
        lifecycle.change_status(store, hid, step, on=DAY0 + dt.timedelta(days=days), by="市协调联络组", basis="验收合格")
    back = rechecks.recheck(store, hid, finding="回头看发现问题反弹", came_back=True, on=DAY0 + dt.timedelta(days=5))
    back_id = back["id"] if isinstance(back, dict) else store.scalar("SELECT max(id) FROM handoff_rechecks")

    def figures(days: int) -> tuple:
        f = problem_figures(store, DAY0 + dt.timedelta(days=days))
        return f.rebound, f.by_status["整改中"], f.late, problem_brute_force(store, DAY0 + dt.timedelta(days=days))

    assert figures(4)[:3] == (0, 0, 0) and figures(5)[:3] == (1, 1, 0) and figures(21)[:3] == (1, 1, 1)
    rechecks.delete_recheck(store, back_id)
    assert [figures(d)[0] for d in (4, 5, 21)] == [0, 0, 0]
    assert problem_sums_recomputed(store)[0] == problem_sums_recomputed(store)[1]
    rechecks.undelete_recheck(store, back_id)
    assert [figures(d)[0] for d in (4, 5, 21)] == [0, 1, 1]
    for d in (4, 5, 21):
        rebound, _, _, expected = figures(d)
        assert rebound == sum(u["rebound"] for u in expected["units"].values())
