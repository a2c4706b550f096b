"""A large registration writes the derived rows (petition_facts, the counts, petitioner_names)
set-based (petitions/derived.py): exactly the rows the per-row triggers write."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from fresh import new_store
from dutydesk.petitions import derived
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petitions, prepare
from dutydesk.petitions.workflow import ResultInput, record_result

DERIVED = {
    "petition_facts": "SELECT * FROM petition_facts ORDER BY petition_id",
    "petition_batch_counts": "SELECT * FROM petition_batch_counts ORDER BY batch_id, method",
    "petition_day_sums": "SELECT * FROM petition_day_sums WHERE n != 0 ORDER BY day, unit, key",
    "petition_type_days": "SELECT * FROM petition_type_days WHERE n != 0 ORDER BY day, type",
    "petitioner_names": "SELECT id, name FROM petitioner_names ORDER BY id",  # the order first stored, too
}
UNITS = ["零陵区", "冷水滩区", "道县", "江华瑶族自治县", "祁阳市"]
TYPES = ["大气", "水", "噪声", "土壤", "固废", "生态"]
NAMES = ["", "张", "张三", "张 三", "李四", "王\u3000五", "李四", "赵六六"]


def _rows(store, seed: int, n: int, start: int) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for k in range(n):
        prefix = rnd.choice(["D2HH", "X2HH", ""])
        out.append(prepare(store, PetitionInput(
            case_no=f"{prefix}2024031{start + k:07d}", content=f"第{k}件：某厂夜间排放废气{rnd.randint(0, 99)}",
            unit=rnd.choice(UNITS), pollution_types=rnd.sample(TYPES, rnd.randint(0, 3)),
            key_case=rnd.random() < 0.2, petitioner_name=rnd.choice([*NAMES, f"钱{start + k}", f"孙 {k % 7}"]),
            repeat_of=rnd.choice(["", "", "", "与D2HH20240310000001重复"]))))
    return out


def _snapshot(store) -> dict:
    return {name: store.conn.execute(sql).fetchall() for name, sql in DERIVED.items()}


@pytest.mark.parametrize("seed", [1, 2])
def test_a_large_registration_derives_exactly_what_the_triggers_do(tmp_path, seed):
    stores = [new_store(tmp_path / f"{k}.db", operator="测试员", daily_backup=False) for k in range(2)]
    try:
        for store in stores:  # the same earlier state in both: counts to add to, a result, names seen before
            b1 = add_batch(store, 1, dt.date(2024, 3, 10))
            add_batch(store, 2, dt.date(2024, 3, 11))
            first = add_petitions(store, b1, _rows(store, seed + 100, 30, 0))
            record_result(store, first[0], ResultInput(kind="已办结", date=dt.date(2024, 3, 12)))
        bulk, one_by_one = stores
        rows = _rows(bulk, seed, derived.BULK_ROWS + 37, 1000)
        for batch_id in (1, 2):
            ids = add_petitions(bulk, batch_id, rows)
            singles = [add_petitions(one_by_one, batch_id, [r])[0] for r in rows]  # under BULK_ROWS: triggers
            assert ids == singles
            rows = _rows(bulk, seed + 1, derived.BULK_ROWS, 5000)
        assert _snapshot(bulk) == _snapshot(one_by_one)
        facts = bulk.scalar("SELECT count(*) FROM petition_facts")
        assert facts == bulk.scalar("SELECT count(*) FROM petitions") == 30 + 2 * derived.BULK_ROWS + 37
        assert bulk.scalar("SELECT count(*) FROM bulk_registration") == 0  # the mark is gone with the block
    finally:
        for store in stores:
            store.close()


def test_a_failed_large_registration_leaves_neither_rows_nor_the_mark(store):
    batch = add_batch(store, 1, dt.date(2024, 3, 10))
    rows = _rows(store, 7, derived.BULK_ROWS, 0)
    rows[-1] = dict(rows[0])  # the same number twice: refused when inserted
    with pytest.raises(Exception):
        add_petitions(store, batch, rows)
    assert store.scalar("SELECT count(*) FROM petitions") == 0
    assert store.scalar("SELECT count(*) FROM bulk_registration") == 0
    assert _snapshot(store) == {name: [] for name in DERIVED}
    one = add_petitions(store, batch, _rows(store, 8, 1, 0))  # the triggers work as before
    assert store.scalar("SELECT count(*) FROM petition_facts WHERE petition_id = ?", one) == 1
