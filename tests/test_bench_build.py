"""bench/build.py makes its databases with the real migrations at any size (issue 19): the schema
check passes, the counts follow the size, case numbers stay unique where rounds overlap."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def build():
    sys.path.insert(0, str(BENCH))
    try:
        import build as module
        yield module
    finally:
        sys.path.remove(str(BENCH))


def test_sizes_parse_and_scale(build):
    assert [build.parse_size(s) for s in ("10k", "100k", "1M", "2.5k", "1200")] == [10_000, 100_000, 1_000_000,
                                                                                     2_500, 1200]
    big, city = build.Scale(1_000_000), build.Scale(100_000)
    assert (city.batches, city.rounds, city.handoffs, city.export_batches) == (300, 10, 10_000, list(range(241, 248)))
    assert (big.batches, big.rounds, big.handoffs) == (3000, 100, 100_000)
    plan = build.batch_plan(dt.date(2026, 12, 2), random.Random(1), big)
    assert sum(n for _, _, n in plan) == 1_000_000 and len({no for no, _, _ in plan}) == 3000
    assert max(d for _, d, _ in plan) == dt.date(2026, 12, 2) and min(d for _, d, _ in plan) > dt.date(2024, 11, 1)


def test_a_small_database_builds_with_the_real_schema(build, tmp_path):
    path = tmp_path / "b.db"
    build.build(path, today=dt.date(2026, 12, 2), log=lambda *a: None, n=6_000)  # check() compares the schema
    con = sqlite3.connect(path)
    n, keys = con.execute("SELECT count(*), count(DISTINCT case_key) FROM petitions").fetchone()
    fts = con.execute("SELECT count(*) FROM petitions_fts WHERE petitions_fts MATCH '\"镇\"'").fetchone()[0]
    # the open petitions' index and the summary counts the app keeps are there too
    open_indexed = con.execute("SELECT count(*) FROM petitions_open_fts_docsize").fetchone()[0]
    open_live = con.execute("SELECT count(*) FROM petitions WHERE deleted_at IS NULL "
                            "AND status IN ('待交办', '已交办')").fetchone()[0]
    counted = con.execute("SELECT sum(n) FROM petition_batch_counts").fetchone()[0]
    registrations = [json.loads(c) for c, in con.execute("SELECT changes FROM audit WHERE entity = 'batches' "
                                                          "AND action = '登记信访件' ORDER BY id")]
    per_petition = con.execute("SELECT count(*) FROM audit WHERE entity = 'petitions' AND action = '新增'").fetchone()[0]
    registered_logged = con.execute("SELECT count(*) FROM petition_status_log WHERE old_status = ''").fetchone()[0]
    con.close()
    assert n == keys == 6_000 and 0 < fts <= 6_000
    assert 0 < open_indexed == open_live < 6_000 and counted == 6_000
    # the bench audits registrations as the real intake does, one entry a batch (the file size figure depends on it)
    assert per_petition == 0 and sum(r["count"] for r in registrations) == 6_000
    assert [(r["first_id"], r["last_id"]) for r in registrations[:2]] == \
        [(1, registrations[0]["count"]), (registrations[0]["count"] + 1, registrations[0]["count"] + registrations[1]["count"])]
    from dutydesk.bootstrap import open_store
    from dutydesk.petitions.batches import add_batch
    from dutydesk.petitions.history import history
    from dutydesk.petitions.intake import PetitionInput, add_petition

    store = open_store(tmp_path / "real.db", operator="t", daily_backup=False)
    batch = add_batch(store, 1, dt.date(2024, 3, 14))
    pid = add_petition(store, batch, PetitionInput(case_no="D2HH202403130001", content="某村养猪场污水直排", unit="零陵区"))
    real = json.loads(store.scalar("SELECT changes FROM audit WHERE action = '登记信访件'"))
    created = history(store, pid)[0]
    logged = store.scalar("SELECT count(*) FROM petition_status_log")
    store.close()
    assert set(real) == set(registrations[0]) == {"count", "first_id", "last_id"}
    assert created["action"] == "新增" and created["changes"]["case_no"] == "D2HH202403130001"
    # and, as the real intake, no status-log row for a registration (only for the changes after it)
    assert logged == 0 and registered_logged == 0
