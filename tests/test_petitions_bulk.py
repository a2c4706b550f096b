"""Bulk actions on petitions (petitions/bulk.py): plan, then 交办 / a status / 公开 in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest

from dutydesk.errors import UserError
from dutydesk.petitions import bulk, search
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition, delete_petition
from dutydesk.petitions.history import status_log
from dutydesk.petitions.rows import get_petition
from dutydesk.petitions.workflow import ResultInput, hand_over, publish, record_result

D = dt.date


def P(case_no, unit="零陵区") -> PetitionInput:
    return PetitionInput(case_no=case_no, content=f"{case_no} 某厂夜间排放废气，气味刺鼻。", unit=unit,
                         pollution_types=["大气"])


@pytest.fixture
def log(store):
    """Five petitions of batch 1 (3-14): D1-D3 待交办, D4 已交办 to 道县, D5 已办结."""
    b = add_batch(store, 1, D(2024, 3, 14))
    ids = [add_petition(store, b, P(f"D{i}")) for i in range(1, 6)]
    hand_over(store, ids[3], "道县", day=D(2024, 3, 14))
    hand_over(store, ids[4], "零陵区", day=D(2024, 3, 14))
    record_result(store, ids[4], ResultInput(kind="已办结", date=D(2024, 3, 18), truth="属实"))
    return ids


def snapshot(store, ids):
    return [(r["status"], r["lead_unit"], r["due_date"], r["version"], len(status_log(store, r["id"])))
            for r in (get_petition(store, i) for i in ids)]


def test_hand_over_applies_to_the_waiting_ones_and_skips_the_others(store, log):
    p = bulk.plan(store, log, bulk.HAND_OVER)
    assert [t.case_no for t in p.todo] == ["D1", "D2", "D3"]
    assert [(t.case_no, why) for t, why in p.skipped] == [("D4", "已交办"), ("D5", "已办结")]
    assert p.skip_summary() == "已交办1件、已办结1件"
    before_skipped = snapshot(store, log[3:])
    result = bulk.hand_over_all(store, p, "冷水滩区", "市生态环境局", day=D(2024, 3, 22), target="月底前办结")
    assert [t.case_no for t in result.done] == ["D1", "D2", "D3"] and not result.conflicts
    for pid in log[:3]:
        row = get_petition(store, pid)
        assert (row["status"], row["lead_unit"], row["coop_units"], row["assigned_date"], row["due_date"],
                row["target"]) == ("已交办", "冷水滩区", "市生态环境局", "2024-03-22", "2024-03-29", "月底前办结")
        assert [(r["old_status"], r["new_status"]) for r in status_log(store, pid)][-1] == ("待交办", "已交办")
    assert snapshot(store, log[3:]) == before_skipped  # D4 keeps 道县 and its deadline


def test_one_refusal_rolls_the_whole_hand_over_back(store, log):
    late = add_batch(store, 2, D(2024, 3, 25))  # transferred after the 交办 date typed below
    d6 = add_petition(store, late, P("D6"))
    ids = log[:3] + [d6]
    before = snapshot(store, ids)
    p = bulk.plan(store, ids, bulk.HAND_OVER)
    assert len(p.todo) == 4
    with pytest.raises(UserError, match="D6：交办时间 2024-03-22 不能早于本批转办日期 2024-03-25。所选信访件均未交办"):
        bulk.hand_over_all(store, p, "冷水滩区", day=D(2024, 3, 22))
    assert snapshot(store, ids) == before  # D1-D3 (done before D6 in the same transaction) are back too
    with pytest.raises(UserError):  # an unknown unit is refused before anything
        bulk.hand_over_all(store, p, "火星区", day=D(2024, 3, 26))
    assert snapshot(store, ids) == before


def test_a_petition_changed_or_deleted_elsewhere_since_the_plan_is_left_alone_and_reported(store, log):
    p = bulk.plan(store, log[:3], bulk.HAND_OVER)
    other = store.clone()  # another terminal: hands D2 to 道县, deletes D3
    try:
        hand_over(other, log[1], "道县", day=D(2024, 3, 20))
        delete_petition(other, log[2])
    finally:
        other.close()
    result = bulk.hand_over_all(store, p, "冷水滩区", day=D(2024, 3, 22))
    assert [t.case_no for t in result.done] == ["D1"]
    assert [t.case_no for t in result.conflicts] == ["D2", "D3"]
    assert get_petition(store, log[0])["lead_unit"] == "冷水滩区"
    assert get_petition(store, log[1])["lead_unit"] == "道县"  # theirs stays
    # planned again, the deleted one is counted as missing, the other as handed over
    again = bulk.plan(store, log[:3], bulk.HAND_OVER)
    assert (again.todo, again.missing, again.skip_summary()) == ([], 1, "已交办2件、已删除1件")


def test_status_for_all_skips_those_already_there(store, log):
    p = bulk.plan(store, log, bulk.STATUS, status="已办结")
    assert [t.case_no for t in p.todo] == ["D1", "D2", "D3", "D4"]
    assert [(t.case_no, why) for t, why in p.skipped] == [("D5", "已是已办结")]
    result = bulk.set_status_all(store, p, day=D(2024, 3, 23), note="集中办结")
    assert len(result.done) == 4
    for pid in log[:4]:
        row = get_petition(store, pid)
        assert (row["status"], row["closed_date"]) == ("已办结", "2024-03-23")
        assert status_log(store, pid)[-1]["new_status"] == "已办结"
    with pytest.raises(UserError, match="未知的状态"):
        bulk.plan(store, log, bulk.STATUS, status="办完了")


def test_status_published_only_from_a_closed_status(store, log):
    p = bulk.plan(store, log, bulk.STATUS, status="已公开")
    assert [t.case_no for t in p.todo] == ["D5"]
    assert p.skip_summary() == "尚未办结4件"
    bulk.set_status_all(store, p, day=D(2024, 3, 24))
    assert get_petition(store, log[4])["published_date"] == "2024-03-24"


def test_publish_all_closed_ones(store, log):
    record_result(store, log[3], ResultInput(kind="阶段性办结", date=D(2024, 3, 19)))
    publish(store, [log[4]], D(2024, 3, 20))
    p = bulk.plan(store, log, bulk.PUBLISH)
    assert [t.case_no for t in p.todo] == ["D4"]
    assert p.skip_summary() == "尚未办结3件、已公开1件"
    result = bulk.publish_all(store, p, D(2024, 3, 21))
    assert [t.case_no for t in result.done] == ["D4"]
    row = get_petition(store, log[3])
    assert (row["status"], row["published_date"]) == ("已公开", "2024-03-21")
    assert get_petition(store, log[4])["published_date"] == "2024-03-20"  # not published again


def test_plan_refuses_more_than_the_cap_and_lists_case_numbers(store, log):
    with pytest.raises(UserError, match="一次最多处理 5000 件"):
        bulk.plan(store, range(1, bulk.MAX_PETITIONS + 2), bulk.PUBLISH)
    p = bulk.plan(store, log, bulk.STATUS, status="待交办")
    assert bulk.case_list(p.todo, most=2) == "D4、D5"
    assert bulk.case_list(bulk.plan(store, log, bulk.HAND_OVER).todo, most=2) == "D1、D2等3件"


def test_matching_ids_are_the_list_in_its_order(store, log, freeze_today):
    freeze_today(D(2024, 3, 29))  # D1-D4 overdue (due 3-21) first, the closed D5 after them
    for filters in (search.Filters(), search.Filters(status="待交办"), search.Filters(text="D2"),
                    search.Filters(overdue_only=True)):
        rows, _ = search.page(store, filters, D(2024, 3, 29), 0, 100)
        assert search.matching_ids(store, filters, D(2024, 3, 29), 100) == [r["id"] for r in rows]
    everything = search.matching_ids(store, search.Filters(), D(2024, 3, 29), 100)
    assert everything == log
    assert search.matching_ids(store, search.Filters(), D(2024, 3, 29), 2) == everything[:2]
