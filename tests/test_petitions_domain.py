"""Petitions domain: intake, numbers, deadlines, status flow, repeats, search, statistics, privacy."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutydesk import refdata
from dutydesk.errors import ConflictError, UserError
from dutydesk.petitions import demo, search, stats
from dutydesk.petitions.batches import add_batch, batch_by_no, batch_summary, ensure_batch, update_batch
from dutydesk.petitions.intake import PetitionInput, add_petition, add_petitions, delete_petition, prepare, undelete_petition, update_petition
from dutydesk.petitions.privacy import _MASKS, masked_audit
from dutydesk.petitions.repeats.bigrams import BOILERPLATE, text_bigrams
from dutydesk.petitions.repeats.counters import Counters
from dutydesk.petitions.repeats.finder import RepeatFinder, repeat_candidates
from dutydesk.petitions.repeats.links import link_repeat, unlink_repeat
from dutydesk.petitions.history import history, history_text, status_log
from dutydesk.petitions.rows import get_petition
from dutydesk.petitions.workflow import ResultInput, hand_over, publish, record_result, set_status
from dutydesk.petitions.model import case_key, case_norm, derive_method, derive_received_date, number_facts, referenced_numbers

D = dt.date


def P(case_no, content="某厂夜间排放废气，气味刺鼻。", unit="零陵区", types=("大气",), **kw) -> PetitionInput:
    return PetitionInput(case_no=case_no, content=content, unit=unit, pollution_types=list(types), **kw)


@pytest.fixture
def batch1(store):
    return add_batch(store, 1, D(2024, 3, 14))


# -- numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case_no, method", [
    ("D410000201806210057", "来电"), ("X2GD202109130057", "来信"), ("D3HN202406020040", "来电"),
    ("D2HH202403250005", "来电"), ("x2hh202403250006", "来信"), ("ＤＰ2024", "来电"),
    ("SPD20220926001", "来电"), ("2145", ""), ("第3438号", ""), ("DX", ""),
])
def test_method_derived_from_the_number_where_present(case_no, method):
    assert derive_method(case_no) == method


def test_number_date_and_key():
    assert derive_received_date("D2HH202403250005") == D(2024, 3, 25)
    assert derive_received_date("2145") is None
    assert case_key(" d2hh 2024 0325 0005 ") == "D2HH202403250005"
    assert case_key("D2HH202403250005*", "道县") == "D2HH202403250005*|道县"
    assert referenced_numbers("与D2HH202403250005重复") == ["D2HH202403250005"]
    assert referenced_numbers("与第三十一批受理编号3438号为同一案件") == ["3438"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="DXdxSPＤＸ０１２９0123456789*-　 \t第号年月日", max_size=24), st.sampled_from(["", "道县"]))
def test_number_facts_are_the_four_functions_at_once(case_no, unit):
    # prepare() takes the four from number_facts (one normalisation); they must stay what the
    # separate functions say, for any number
    assert number_facts(case_no, unit) == (case_key(case_no, unit), case_norm(case_no).rstrip("*")[::-1],
                                           derive_method(case_no), derive_received_date(case_no))
    assert number_facts("D2HH202403250005*", "道县") == ("D2HH202403250005*|道县", "500052304202HH2D", "来电",
                                                      D(2024, 3, 25))


def test_an_import_writes_the_search_indexes_once_at_the_end(store, batch1):
    # add_petitions(index_later=…) hands the index rows to its caller, which writes them with
    # search.index_new before the transaction ends: found in both indexes, as a form's petition is
    def ids(table, word):
        return [r[0] for r in store.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", [f'"{word}"'])]

    later: list = []
    with store.write():
        first = add_petitions(store, batch1, [prepare(store, P("D2HH202403140001", content="河道里倾倒砂石"))],
                              index_later=later)
        second = add_petitions(store, batch1, [prepare(store, P("D2HH202403140002", content="砂石场扬尘"))],
                               index_later=later)
        assert ids("petitions_fts", "砂 石") == [] and later == [(first[0], ["河道里倾倒砂石"]), (second[0], ["砂石场扬尘"])]
        search.index_new(store, later, chunk=1)
    for table in search.INDEXES:
        assert ids(table, "砂 石") == first + second and ids(table, "扬 尘") == second
    form = add_petition(store, batch1, P("D2HH202403140003", content="砂石厂噪声"))  # written at once
    assert ids("petitions_fts", "砂 石") == first + second + [form]
    # parts cut into chunks: each id gets its own text
    words = ["黑臭水体", "餐饮油烟", "夜间施工", "养殖废水", "露天焚烧"]
    later = []
    with store.write():
        many = add_petitions(store, batch1, [prepare(store, P(f"D2HH20240314010{k}", content=w))
                                             for k, w in enumerate(words)], index_later=later)
        search.index_new(store, later, chunk=2)
    for pid, word in zip(many, words):
        for table in search.INDEXES:
            assert ids(table, " ".join(word)) == [pid]


def test_unknown_pattern_is_stored_as_given(store, batch1):
    pid = add_petition(store, batch1, P("  第3438号 "))
    row = get_petition(store, pid)
    assert row["case_no"] == "第3438号" and row["method"] == "" and row["received_date"] is None


# -- intake ----------------------------------------------------------------------------------
def test_add_validates_and_refuses_a_number_seen_before(store, batch1):
    pid = add_petition(store, batch1, P("D2HH202403130001", types=["大气污染", "噪音"], unit="江华县",
                                        key_case=True))
    row = get_petition(store, pid)
    assert row["unit"] == "江华瑶族自治县" and row["pollution_types"] == "大气、噪声" and row["method"] == "来电"
    assert row["status"] == "待交办" and row["key_case"] == 1 and row["seq"] == 1
    assert row["due_date"] == "2024-03-21"  # 7 calendar days from the transfer date, provisionally
    b2 = add_batch(store, 2, D(2024, 3, 15))
    with pytest.raises(UserError, match="已登记过.*第1批"):
        add_petition(store, b2, P("d2hh202403130001"))
    with pytest.raises(UserError, match="未知的单位"):
        prepare(store, P("X1", unit="火星县"))
    with pytest.raises(UserError, match="未知的污染类型：光"):
        prepare(store, P("X1", types=["光"]))
    with pytest.raises(UserError, match="不能为空"):
        prepare(store, P("X1", content="  "))
    with pytest.raises(UserError, match="第1批已存在"):
        add_batch(store, 1, D(2024, 3, 16))


def test_merged_case_may_repeat_once_per_unit(store, batch1):
    add_petition(store, batch1, P("D2HH202403130009*", unit="道县"))
    add_petition(store, batch1, P("D2HH202403130009*", unit="宁远县"))
    with pytest.raises(UserError):
        add_petition(store, batch1, P("D2HH202403130009*", unit="道县"))


def test_petitioner_identity_is_audited_masked_and_hidden_in_history(store, batch1):
    pid = add_petition(store, batch1, P("D1", petitioner_name="张三丰", petitioner_phone="13812345678",
                                        petitioner_address="零陵区某街道88号"))
    update_petition(store, pid, P("D1", petitioner_name="李四光", petitioner_phone="13900001111",
                                  petitioner_address="零陵区另一街道99号"))
    audit = json.dumps(store.query("SELECT * FROM audit"), ensure_ascii=False)
    for secret in ("张三丰", "13812345678", "88号", "李四光", "13900001111", "99号"):
        assert secret not in audit
    assert "张**" in audit and "138****5678" in audit
    text = history_text(store, pid)
    assert "信访人：（已隐藏）" in text and "李" not in text.split("状态变更")[0].replace("（已隐藏）", "")


def test_creation_audit_names_the_petition_without_its_text_and_edits_keep_both(store, batch1):
    pid = add_petition(store, batch1, P("D1", "河道两岸堆满废渣"))
    created = history(store, pid)[0]
    assert created["action"] == "新增" and created["changes"] == {"case_no": "D1", "unit": "零陵区",
                                                                "batch_id": batch1, "seq": 1}
    update_petition(store, pid, P("D1", "河道两岸堆满垃圾"))
    edit = store.history("petitions", pid)[-1]
    assert edit["changes"]["content"] == ["河道两岸堆满废渣", "河道两岸堆满垃圾"]  # the first text is still known


def test_update_with_stale_version_conflicts(store, batch1):
    pid = add_petition(store, batch1, P("D1"))
    v = get_petition(store, pid)["version"]
    update_petition(store, pid, P("D1", content="改过的内容"), expected_version=v)
    with pytest.raises(ConflictError):
        update_petition(store, pid, P("D1", content="又改"), expected_version=v)


# -- deadlines -------------------------------------------------------------------------------
def test_working_day_deadline_across_national_day_2024(store, batch1):
    refdata.set_setting(store, "deadline_mode", "workday")
    pid = add_petition(store, batch1, P("D1"))
    row, warning = hand_over(store, pid, "零陵区", ["市生态环境局"], day=D(2024, 9, 30))
    # 10-1..10-7 off; 10-12 (Saturday) is a make-up working day
    assert row["due_date"] == "2024-10-15" and warning == ""
    refdata.set_setting(store, "deadline_mode", "calendar")
    row, _ = hand_over(store, pid, "零陵区", day=D(2024, 9, 30))
    assert row["due_date"] == "2024-10-07"


def test_unknown_year_counts_weekends_only_with_a_warning_and_user_holidays(store, batch1):
    from dutydesk import workdays

    refdata.set_setting(store, "deadline_mode", "workday")
    refdata.set_setting(store, "deadline_days", "3")
    pid = add_petition(store, batch1, P("D1"))
    row, warning = hand_over(store, pid, "零陵区", day=D(2031, 1, 2))  # Thursday
    assert row["due_date"] == "2031-01-07" and "2031" in warning
    workdays.add_holiday(store, D(2031, 1, 6), "holiday", "假")
    row, _ = hand_over(store, pid, "零陵区", day=D(2031, 1, 2))
    assert row["due_date"] == "2031-01-08"


def test_changing_a_batch_date_moves_its_figures_and_provisional_deadlines(store, batch1):
    waiting = add_petition(store, batch1, P("D1"))
    handed = add_petition(store, batch1, P("D2"))
    hand_over(store, handed, "零陵区", day=D(2024, 3, 14))
    assert stats.daily_stats(store, D(2024, 3, 14)).total == 2
    update_batch(store, batch1, day=D(2024, 3, 15), note="分解后交办2件")
    assert stats.daily_stats(store, D(2024, 3, 14)).total == 0
    assert stats.daily_stats(store, D(2024, 3, 15)).total == 2
    assert get_petition(store, waiting)["due_date"] == "2024-03-22"
    assert get_petition(store, handed)["due_date"] == "2024-03-21"  # counted from its hand-over
    assert batch_summary(store, batch1)["total"] == 2


# -- status flow -----------------------------------------------------------------------------
def test_hand_over_result_publish_with_status_log(store, batch1):
    pid = add_petition(store, batch1, P("D1"))
    hand_over(store, pid, "江华县", "市生态环境局、江华瑶族自治县", day=D(2024, 3, 14))
    row = get_petition(store, pid)
    assert (row["status"], row["lead_unit"], row["coop_units"]) == ("已交办", "江华瑶族自治县", "市生态环境局")
    with pytest.raises(UserError, match="尚未办结"):
        publish(store, [pid], D(2024, 3, 18))
    record_result(store, pid, ResultInput(kind="阶段性办结", date=D(2024, 3, 17), truth="属实",
                                          investigation="经查属实", counters={"n_rectify": "1家", "fine": "0.5"}))
    row = get_petition(store, pid)
    assert row["status"] == "阶段性办结" and row["closed_date"] == "2024-03-17" and row["fine"] == 0.5
    record_result(store, pid, ResultInput(kind="已办结", date=D(2024, 3, 20), truth="属实",
                                          investigation="经查属实", handling="已整改", counters={"n_rectify": 2}))
    assert publish(store, [pid], D(2024, 3, 21)) == 1
    row = get_petition(store, pid)
    assert row["status"] == "已公开" and row["published_date"] == "2024-03-21" and row["n_rectify"] == 2
    log = [(r["old_status"], r["new_status"], r["day"], r["operator"]) for r in status_log(store, pid)]
    assert log == [("", "待交办", "2024-03-14", "测试员"), ("待交办", "已交办", "2024-03-14", "测试员"),
                   ("已交办", "阶段性办结", "2024-03-17", "测试员"), ("阶段性办结", "已办结", "2024-03-20", "测试员"),
                   ("已办结", "已公开", "2024-03-21", "测试员")]
    # reopening by hand records a 未办结 entry, so figures after that day count it open again
    set_status(store, pid, "已交办", day=D(2024, 3, 25))
    assert get_petition(store, pid)["status"] == "已交办"
    assert stats.cumulative_stats(store, D(2024, 3, 24)).closed == 1
    assert stats.cumulative_stats(store, D(2024, 3, 25)).closed == 0


def test_registration_is_not_logged_but_shown_from_the_audit(store, batch1):
    """A registration writes no status-log row; status_log() makes it from the creation's audit entry:
    its time, operator and the batch it was registered in (also after a move), and the first status."""
    pid = add_petition(store, batch1, P("D1"))
    other = add_petition(store, batch1, P("D2", lead_unit="道县"))  # registered handed over
    assert store.scalar("SELECT count(*) FROM petition_status_log") == 0
    created = history(store, pid)[0]
    log = status_log(store, pid)
    assert [(r["old_status"], r["new_status"], r["day"], r["operator"], r["at"], r["note"]) for r in log] == \
        [("", "待交办", "2024-03-14", "测试员", created["at"], "登记")]
    assert [r["new_status"] for r in status_log(store, other)] == ["已交办"]
    batch2 = add_batch(store, 2, D(2024, 3, 20))
    update_petition(store, pid, P("D1"), batch_id=batch2)  # moved: registered in the first batch still
    hand_over(store, pid, "道县", day=D(2024, 3, 21))
    assert [(r["old_status"], r["new_status"], r["day"]) for r in status_log(store, pid)] == \
        [("", "待交办", "2024-03-14"), ("待交办", "已交办", "2024-03-21")]
    assert "（登记） → 待交办" in history_text(store, pid)
    assert "批次：第1批 → 第2批" in history_text(store, pid)  # batches as officers name them, not by id
    # the 新增 of the history has the values it was registered with, taken back through the later changes
    update_petition(store, pid, P("D9"))
    created = history(store, pid)[0]
    assert created["action"] == "新增" and created["changes"] == {"case_no": "D1", "unit": "零陵区",
                                                                "batch_id": batch1, "seq": 1}
    assert [h["action"] for h in history(store, pid)] == ["新增", "修改", "交办", "修改"]
    # many petitions registered at once: one audit entry, on their batch
    before = store.scalar("SELECT count(*) FROM audit")
    ids = add_petitions(store, batch2, [prepare(store, P(f"D{n}")) for n in (3, 4, 5)])
    assert store.scalar("SELECT count(*) FROM audit") == before + 1
    assert [history(store, i)[0]["changes"]["seq"] for i in ids] == [2, 3, 4]
    # a petition registered by an earlier version has its registration logged: it is not made twice
    store.conn.execute("INSERT INTO petition_status_log (petition_id, old_status, new_status, day, at, operator, note) "
                       "VALUES (?, '', '已交办', '2024-03-14', '2024-03-14 09:00:00', '旧版', '登记')", [other])
    assert [(r["new_status"], r["operator"]) for r in status_log(store, other)] == [("已交办", "旧版")]


def test_result_validation(store, batch1):
    pid = add_petition(store, batch1, P("D1"))
    with pytest.raises(UserError, match="是否属实"):
        record_result(store, pid, ResultInput(truth="大概吧"))
    with pytest.raises(UserError, match="约谈应为整数"):
        record_result(store, pid, ResultInput(counters={"n_interview": "1.5"}))
    with pytest.raises(UserError, match="罚款应为数字"):
        record_result(store, pid, ResultInput(counters={"fine": "很多"}))
    with pytest.raises(UserError, match="不能为负"):
        record_result(store, pid, ResultInput(counters={"n_rectify": -1}))


def test_result_date_defaults_to_today(store, batch1, freeze_today):
    freeze_today(D(2024, 3, 19))
    pid = add_petition(store, batch1, P("D1"))
    record_result(store, pid, ResultInput(truth="不属实"))
    assert get_petition(store, pid)["closed_date"] == "2024-03-19"


# -- repeats ---------------------------------------------------------------------------------
def test_repeat_reference_is_linked_and_candidates_offered(store, batch1):
    first = add_petition(store, batch1, P("D2HH202403130001", "冷水滩区岚角山街道某养猪场粪污直排河道，臭气熏天。",
                                          unit="冷水滩区", types=["水"]))
    b2 = add_batch(store, 2, D(2024, 3, 15))
    linked = add_petition(store, b2, P("D2HH202403140001", "养猪场又排污", unit="冷水滩区",
                                       repeat_of="与D2HH202403130001重复"))
    row = get_petition(store, linked)
    assert row["is_repeat"] == 1 and row["repeat_of_id"] == first
    cands = repeat_candidates(store, "冷水滩区岚角山街道一养猪场粪污直排入河道，臭味很大。", "冷水滩区",
                              before_batch_no=3)
    assert cands and cands[0].petition_id == first and cands[0].score > 0.4
    assert not repeat_candidates(store, "冷水滩区岚角山街道一养猪场粪污直排入河道，臭味很大。", "道县")
    assert not repeat_candidates(store, "冷水滩区岚角山街道一养猪场粪污直排入河道", "冷水滩区", before_batch_no=1)
    other = add_petition(store, b2, P("D2HH202403140002", "冷水滩区岚角山街道一养猪场粪污直排入河道", unit="冷水滩区"))
    assert link_repeat(store, other, first)["repeat_of"] == "与D2HH202403130001重复"
    assert unlink_repeat(store, other)["is_repeat"] == 0


# -- search and the list ---------------------------------------------------------------------
def _many(store, n=240, seed=7):
    rng = random.Random(seed)
    today = D(2024, 3, 30)
    ids = []
    for b in range(1, 7):
        bid = add_batch(store, b, D(2024, 3, 10 + 2 * b))
        for j in range(n // 6):
            g = demo.make_petition(rng)
            pid = add_petition(store, bid, PetitionInput(
                case_no=f"D2HH202403{10 + b:02d}{b * 100 + j:04d}", content=g.content, unit=g.unit,
                pollution_types=g.types, petitioner_name=g.name))
            if rng.random() < 0.6:
                hand_over(store, pid, g.unit, day=D(2024, 3, 10 + 2 * b))
            if rng.random() < 0.4:
                record_result(store, pid, ResultInput(date=D(2024, 3, 20)))
            ids.append(pid)
    if ids:
        delete_petition(store, ids[3])
    # the open petitions' index follows every way a petition opens, closes or changes its text
    closed = [pid for pid in ids[5:] if get_petition(store, pid) and get_petition(store, pid)["status"] == "已办结"]
    for pid in closed[:6]:
        set_status(store, pid, "已交办", day=D(2024, 3, 25))  # reopened
    for pid in ids[10:40:6]:
        row = get_petition(store, pid)
        if row:
            update_petition(store, pid, PetitionInput(case_no=row["case_no"], content=row["content"][::-1] + "反映噪声",
                                                      unit=row["unit"]), expected_version=row["version"])
    for pid in ids[50:55]:
        delete_petition(store, pid)
    undelete_petition(store, ids[52])
    publish(store, closed[6:8], D(2024, 3, 26))
    return today


def _open_index_holds_the_open_petitions(store) -> None:
    """petitions_open_fts has exactly the live open petitions, each under its current text."""
    indexed = {r[0] for r in store.execute("SELECT id FROM petitions_open_fts_docsize")}
    live_open = store.query("SELECT id, content FROM petitions WHERE deleted_at IS NULL AND status IN ('待交办', '已交办')")
    assert indexed == {r["id"] for r in live_open}
    for r in live_open:
        hits = store.execute("SELECT rowid FROM petitions_open_fts WHERE petitions_open_fts MATCH ?",
                             [f'"{search.tokens_text(r["content"])}"']).fetchall()
        assert (r["id"],) in hits


def _brute(store, f: search.Filters, today):
    rows = store.query("SELECT p.*, b.no AS bno FROM petitions p JOIN batches b ON b.id = p.batch_id "
                       "WHERE p.deleted_at IS NULL")
    types = {}
    for r in store.query("SELECT petition_id, type FROM petition_types"):
        types.setdefault(r["petition_id"], set()).add(r["type"])

    def ok(r):
        if f.batch_id and r["batch_id"] != f.batch_id:
            return False
        if f.unit and r["unit"] != f.unit or f.status and r["status"] != f.status:
            return False
        if f.ptype and f.ptype not in types.get(r["id"], set()):
            return False
        urgent_open = r["status"] in ("待交办", "已交办") and r["due_date"]
        if f.overdue_only and not (urgent_open and r["due_date"] < today.isoformat()):
            return False
        terms = [search.tokens_text(term).replace(" ", "") for term in f.text.split()]
        if f.text.strip() and not any(terms):
            return False  # only punctuation typed
        for t in filter(None, terms):
            body = search.tokens_text(r["content"]).replace(" ", "")
            num = r["case_key"]
            if not (t in body or (t.isascii() and (num.startswith(t.upper()) or num.endswith(t.upper())))):
                return False
        return True

    hits = [r for r in rows if ok(r)]
    urgent = sorted((r for r in hits if r["status"] in ("待交办", "已交办") and r["due_date"]
                     and r["due_date"] <= today.isoformat()), key=lambda r: (r["due_date"], r["id"]))
    u = {r["id"] for r in urgent}
    rest = [r for r in hits if r["id"] not in u]
    rest.sort(key=(lambda r: (r["seq"], r["id"])) if f.batch_id else (lambda r: -r["id"]))
    return [r["id"] for r in urgent + rest]


@pytest.mark.parametrize("strategy", ["as tuned", "every set probed per row"])
def test_paged_list_matches_a_brute_force_reading(store, monkeypatch, strategy):
    if strategy != "as tuned":  # the paths large data takes: dense content terms, big number sets
        monkeypatch.setattr(search, "DENSE_SHARE", 0.0)
        monkeypatch.setattr(search, "MATERIALIZE_MAX", 1)
        monkeypatch.setattr(search, "REST_WINDOW", 5)  # the content matches of a wide number read in windows
        monkeypatch.setattr(search, "FEW_OPEN", 0)  # urgent matches found by walking the due dates
    else:  # (every content search here has few open matches: each is looked up by its id)
        assert search.FEW_OPEN >= 30
    today = _many(store)
    _open_index_holds_the_open_petitions(store)
    bid = batch_by_no(store, 3)["id"]
    cases = [search.Filters(), search.Filters(text="水"), search.Filters(text="噪声"), search.Filters(text="养猪场"),
             search.Filters(text="零陵 排放"), search.Filters(text="0203"), search.Filters(text="d2hh20240314"),
             search.Filters(text="D2HH"), search.Filters(text="x2", unit="道县"), search.Filters(text="3 水"),
             search.Filters(unit="道县"), search.Filters(unit="道县", text="水"), search.Filters(ptype="大气"),
             search.Filters(ptype="大气", text="夜间"), search.Filters(status="已交办"), search.Filters(overdue_only=True),
             search.Filters(batch_id=bid), search.Filters(batch_id=bid, text="反映", unit="零陵区"),
             search.Filters(overdue_only=True, unit="宁远县", text="村"), search.Filters(text="，！"),
             search.Filters(text="火星"), search.Filters(text="噪声", unit="道县"), search.Filters(text="声噪")]
    for f in cases:
        expected = _brute(store, f, today)
        got = []
        for offset in range(0, len(expected) + 30, 30):
            rows, total = search.page(store, f, today, offset, 30)
            assert total == len(expected), f
            got += [r["id"] for r in rows]
            quick, unknown = search.page(store, f, today, offset, 30, with_total=False)  # as the screen asks
            assert unknown in (None, total) and [r["id"] for r in quick] == [r["id"] for r in rows], (f, offset)
        assert got == expected, f
        assert search.count(store, f, today) == len(expected), f


def test_two_character_query_and_marks(store, batch1):
    add_petition(store, batch1, P("D1", "某村养猪场污水直排"))
    add_petition(store, batch1, P("D2", "工地夜间噪声扰民", types=["噪声"], petitioner_name="王小明"))
    rows, total = search.page(store, search.Filters(text="噪声"), D(2024, 3, 21), 0, 10)
    assert total == 1 and rows[0]["case_no"] == "D2"
    assert rows[0]["mark"] == "今日到期" and rows[0]["petitioner"] == "王**"
    rows, _ = search.page(store, search.Filters(text="污"), D(2024, 3, 22), 0, 10)
    assert [r["case_no"] for r in rows] == ["D1"] and rows[0]["mark"] == "超期" and rows[0]["_style"]


def test_search_index_follows_edits_and_deletes(store, batch1):
    pid = add_petition(store, batch1, P("D1", "河道有垃圾"))
    f = search.Filters(text="垃圾")
    assert search.count(store, f, D(2024, 3, 1)) == 1
    update_petition(store, pid, P("D1", "河道有油污"))
    assert search.count(store, f, D(2024, 3, 1)) == 0
    assert search.count(store, search.Filters(text="油污"), D(2024, 3, 1)) == 1
    delete_petition(store, pid)
    assert search.count(store, search.Filters(text="油污"), D(2024, 3, 1)) == 0
    undelete_petition(store, pid)
    assert search.rebuild_index(store) == 1
    assert search.count(store, search.Filters(text="油污"), D(2024, 3, 1)) == 1
    phrases, numbers = search.Filters(text='污水" OR 噪*  (x)').text_terms()
    assert phrases == ['"污 水"', '"噪"', '"x"'] and numbers == ["OR"]  # no FTS syntax gets through
    assert search.count(store, search.Filters(text='油" OR "污'), D(2024, 3, 1)) == 0


def test_rebuild_index_in_chunks_reports_progress_and_finds_the_same(store, batch1):
    texts = ["河道有垃圾", "夜间施工噪声", "养猪场污水直排", "垃圾焚烧冒黑烟", "噪声扰民"]
    ids = [add_petition(store, batch1, P(f"D{i}", t)) for i, t in enumerate(texts)]
    delete_petition(store, ids[1])
    queries = ["垃圾", "噪声", "污水", "烟", "河道 垃圾"]
    before = {q: search.count(store, search.Filters(text=q), D(2024, 3, 1)) for q in queries}
    calls = []
    assert search.rebuild_index(store, lambda stage, done, total: calls.append((stage, done, total)), chunk=2) == 4
    assert calls == [("重建搜索索引", 2, 4), ("重建搜索索引", 4, 4), ("整理索引", 4, 4)]
    after = {q: search.count(store, search.Filters(text=q), D(2024, 3, 1)) for q in queries}
    assert after == before == {"垃圾": 2, "噪声": 1, "污水": 1, "烟": 1, "河道 垃圾": 1}


# -- statistics ------------------------------------------------------------------------------
def test_bulletin_sentences_daily_cumulative_and_none(store):
    assert stats.bulletin_paragraphs(store, D(2024, 3, 13)) == ["3月13日，我市暂未收到省生态环保督察组转办信访件。"]
    b1 = add_batch(store, 1, D(2024, 3, 14))
    a = add_petition(store, b1, P("D2HH202403130001", unit="冷水滩区", types=["大气", "噪声"], key_case=True))
    add_petition(store, b1, P("X2HH202403130002", unit="零陵区", types=["水"]))
    c = add_petition(store, b1, P("D2HH202403130003", unit="零陵区", types=["大气"], repeat_of="与第3438号为同一案件"))
    for pid in (a, c):
        hand_over(store, pid, "零陵区", day=D(2024, 3, 14))
    assert stats.bulletin_paragraphs(store, D(2024, 3, 14)) == [
        "3月14日，省第四生态环境保护督察组向我市转办第1批信访件3件，其中来电2件、来信1件，重点件1件、重复件1件。"
        "按区域分：零陵区2件、冷水滩区1件；按污染类型分：水1件、大气2件、噪声1件。已交办2件，其余1件正在交办。",
        "截至3月14日，累计收到转办信访件3件，已办结0件、阶段性办结0件、未办结3件（办结率0%）。",
    ]
    record_result(store, a, ResultInput(date=D(2024, 3, 16), truth="属实",
                                        counters={"n_rectify": 2, "fine": 1.5, "n_interview": 1}))
    record_result(store, c, ResultInput(kind="阶段性办结", date=D(2024, 3, 18)))
    assert stats.bulletin_paragraphs(store, D(2024, 3, 17)) == [
        "3月17日，我市暂未收到省生态环保督察组转办信访件。",
        "截至3月17日，累计收到转办信访件3件，已办结1件、阶段性办结0件、未办结2件（办结率33.3%）；"
        "责令整改2家，罚款1.5万元，约谈1人。",
    ]
    # typed in later, dated earlier: the earlier day's figures are rebuilt the same
    before = stats.cumulative_stats(store, D(2024, 3, 17))
    record_result(store, c, ResultInput(kind="已办结", date=D(2024, 3, 25), counters={"n_penalty": 1}))
    assert stats.cumulative_stats(store, D(2024, 3, 17)) == before
    assert stats.cumulative_stats(store, D(2024, 3, 18)).partial == 1
    after = stats.cumulative_stats(store, D(2024, 3, 25))
    assert (after.closed, after.partial, after.open, after.counters["n_penalty"]) == (2, 0, 1, 1)


def test_results_as_of_a_day_whatever_the_order_they_were_written(store, batch1):
    a = add_petition(store, batch1, P("D1"))
    b = add_petition(store, batch1, P("D2"))
    record_result(store, a, ResultInput(kind="已办结", date=D(2024, 3, 20), counters={"n_rectify": 3}))
    record_result(store, a, ResultInput(kind="阶段性办结", date=D(2024, 3, 16), counters={"n_rectify": 1}))
    # another writer (an office script) inserting rows directly: the triggers keep superseded_on
    store.execute("INSERT INTO petition_results (petition_id, kind, date, n_rectify) VALUES (?, '阶段性办结', '2024-03-17', 2)", [b])
    store.execute("INSERT INTO petition_results (petition_id, kind, date, n_rectify) VALUES (?, '已办结', '2024-03-17', 5)", [b])
    store.conn.commit()
    seen = {d: stats.cumulative_stats(store, D(2024, 3, d)) for d in (15, 16, 17, 20)}
    assert [(c.closed, c.partial, c.counters["n_rectify"]) for c in seen.values()] == [
        (0, 0, 0), (0, 1, 1), (1, 1, 6), (2, 0, 8)]
    store.execute("DELETE FROM petition_results WHERE petition_id = ? AND date = '2024-03-20'", [a])
    store.conn.commit()
    assert stats.cumulative_stats(store, D(2024, 3, 20)).partial == 1


def test_counts_add_up_with_the_log(store):
    today = D(2024, 3, 22)
    demo.fill(store, today)
    days = [today - dt.timedelta(days=i) for i in range(12, -1, -1)]
    running = 0
    for day in days:
        daily = stats.daily_stats(store, day)
        running += daily.total
        cum = stats.cumulative_stats(store, day)
        assert cum.total == running
        assert cum.closed + cum.partial + cum.open == cum.total
        assert daily.phone + daily.letter + daily.other_method == daily.total
        assert sum(n for _, n in daily.by_unit) == daily.total
        assert sum(n for _, n in daily.by_type) >= daily.total
        # the status log, read as of ``day``, gives the same closed / partial counts
        last: dict[int, str] = {}
        for r in store.query("SELECT petition_id, new_status FROM petition_status_log WHERE day <= ? ORDER BY day, id",
                             [day.isoformat()]):
            if r["new_status"] != "已公开":
                last[r["petition_id"]] = r["new_status"]
        assert sum(s == "已办结" for s in last.values()) == cum.closed
        assert sum(s == "阶段性办结" for s in last.values()) == cum.partial
    assert running == store.scalar("SELECT count(*) FROM petitions WHERE deleted_at IS NULL")


def test_demo_has_batches_repeats_key_cases_results_and_overdue(store):
    today = D(2024, 3, 22)
    summary = demo.fill(store, today)
    assert "信访件 4 批" in summary
    assert store.scalar("SELECT count(*) FROM batches") == 4
    assert store.scalar("SELECT count(*) FROM petitions WHERE is_repeat = 1 AND repeat_of_id IS NOT NULL") >= 1
    assert store.scalar("SELECT count(*) FROM petitions WHERE key_case = 1") >= 1
    assert store.scalar("SELECT count(DISTINCT status) FROM petitions") >= 4
    assert store.scalar("SELECT sum(n_rectify) FROM petitions") > 0
    rows, _ = search.page(store, search.Filters(overdue_only=True), today, 0, 10)
    assert 1 <= len(rows) <= 2
    assert demo.fill(store, today) == ""  # only once


def test_bulletin_petition_section_never_names_a_petitioner(store):
    b1 = add_batch(store, 1, D(2024, 3, 14))
    pid = add_petition(store, b1, P("D1", "张三丰反映：某厂排污，电话13812345678", petitioner_name="张三丰",
                                    petitioner_phone="13812345678", petitioner_address="零陵区某街道88号"))
    record_result(store, pid, ResultInput(date=D(2024, 3, 15), investigation="已联系张三丰（13812345678）"))
    text = "".join(stats.bulletin_paragraphs(store, D(2024, 3, 14)) + stats.bulletin_paragraphs(store, D(2024, 3, 15)))
    assert "第1批" in text
    for secret in ("张三丰", "13812345678", "88号"):
        assert secret not in text


def test_short_letter_or_digit_fragments_match_case_numbers_only(store, batch1):
    """The first keystrokes of a 受理编号 ("D", "G2") match the start or end of case numbers;
    from three characters on, a letter/digit term also finds the content (a road name)."""
    add_petition(store, batch1, P("D2HH202403130001", "G207国道旁砂场扬尘"))
    add_petition(store, batch1, P("X2HH202403130002", "村口河道有垃圾"))
    add_petition(store, batch1, P("G2HH202403130003", "某厂夜间排放废气"))
    day = D(2024, 3, 14)

    def found(text):
        rows, total = search.page(store, search.Filters(text=text), day, 0, 10)
        assert total == search.count(store, search.Filters(text=text), day) == len(rows)
        return sorted(r["case_no"] for r in rows)

    assert found("D") == ["D2HH202403130001"]
    assert found("g2") == ["G2HH202403130003"]  # not the content's G207
    assert found("02") == ["X2HH202403130002"]  # the end of a number
    assert found("G207") == ["D2HH202403130001"]  # content, from three characters on
    assert found("D 扬尘") == ["D2HH202403130001"] and found("X 扬尘") == []


# -- import speed-ups keep the behaviour (issue 8) ---------------------------------------------
def _masked_audit_reference(values: dict, identity: dict | None = None) -> dict:
    """masked_audit as it was: every text value through scrub_identity for every identity in turn."""
    from dutydesk.petitions.model import PRIVATE_FIELDS, scrub_identity

    known = [identity or {}]
    for key in PRIVATE_FIELDS & set(values):
        value = values[key]
        known += [{key: v} for v in (value if isinstance(value, list) else [value])]

    def hide(value):
        if isinstance(value, str):
            for who in known:
                value = scrub_identity(value, who)
        return value

    out = {}
    for key, value in values.items():
        if key in PRIVATE_FIELDS:
            fn = _MASKS[key]
            value = [fn(v or "") for v in value] if isinstance(value, list) else fn(value or "")
        else:
            value = [hide(v) for v in value] if isinstance(value, list) else hide(value)
        out[key] = value
    return out


def test_masked_audit_matches_scrubbing_every_value():
    rng = random.Random(8)
    names, phones, addresses = ["张三丰", "李四", "王", "", None, "张三"], ["13812345678", "8123", "", None], \
        ["零陵区某街道88号", "零陵区", "", None, "某街道88号"]
    pieces = ["张三丰", "张三", "李四", "13812345678", "8123", "零陵区某街道88号", "零陵区", "某街道", "88号", "反映",
              "，", "张*", "***"]
    for _ in range(3000):
        def text():
            return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))

        values = {"case_no": text(), "content": text(), "key_case": rng.randint(0, 1), "note": text(),
                  "due_date": None}
        for key, pool in (("petitioner_name", names), ("petitioner_phone", phones),
                          ("petitioner_address", addresses)):
            if rng.random() < 0.8:
                values[key] = [rng.choice(pool), rng.choice(pool)] if rng.random() < 0.3 else rng.choice(pool)
        if rng.random() < 0.3:
            values["handling"] = [text(), text()]
        identity = rng.choice([None, {}, {"petitioner_name": rng.choice(names[:4]),
                                          "petitioner_phone": rng.choice(phones[:3]),
                                          "petitioner_address": rng.choice(addresses[:3])}])
        got = masked_audit(values, identity)
        assert got == _masked_audit_reference(values, identity)
        assert list(got) == list(values)  # the audit's JSON keeps the order


def test_fast_text_helpers_match_the_library_on_every_code_point():
    """text.nfkc = unicodedata NFKC; text.clean's early exit changes nothing; search.searchable (the
    index and the repeat bigrams are made with it) = the definition with unicodedata."""
    import re
    import unicodedata

    from dutydesk import text

    def clean_reference(value, multiline=True):
        s = str(value).replace("\r\n", "\n").translate(text._NEWLINES)
        s = text._ANSI.sub("", s)
        s = text._CONTROL.sub("", s)
        return s if multiline else s.replace("\n", " ").replace("\t", " ")

    for cp in range(0x110000):
        ch = chr(cp)
        assert text.nfkc(ch) == unicodedata.normalize("NFKC", ch)
        if ch.isprintable():  # the early exit: nothing clean() would change
            assert clean_reference(ch) == ch == clean_reference(ch, multiline=False)
    rng = random.Random(3)
    alphabet = "ａＢ１，：（）！\u3000 \t\nAe\u0301\u0308ﬁ①²㍿カ\u3099ｶﾞ污水直排\u200e\x1b[31m\r\u2028\ufeff\u00a0"
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert text.nfkc(s) == unicodedata.normalize("NFKC", s)
        assert text.clean(s) == clean_reference(s) and text.clean(s, multiline=False) == clean_reference(s, False)
        assert search.searchable(s) == re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", s).lower())
        assert text.normalize_key(s) == re.sub(r"\s+", "", unicodedata.normalize("NFKC", text.clean_line(s)))
    # the index's tokens (a contentless index is deleted from with the same text): the plain join, also
    # on long texts, characters outside the BMP and a lone surrogate (typed search terms are not cleaned)
    alphabet += "𠀀𪚥\U0001f600\ud800"
    for _ in range(5000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert search.tokens_text(s) == " ".join(search.searchable(s))


def _bigrams_reference(text: str, unit: str = "") -> set:
    """The repeat bigrams as they were (strings), in the int form _bigrams gives them."""
    chars = search.searchable(text)
    for word in ((unit,) if unit else ()) + BOILERPLATE:
        chars = chars.replace(word, " ")
    out = set()
    for part in chars.split():
        out |= {part[i:i + 2] for i in range(len(part) - 1)} or {part}
    return {ord(g) if len(g) == 1 else int.from_bytes(g.encode("utf-32-le"), "little") for g in out}


def test_bigrams_as_ints_are_the_string_bigrams():
    rng = random.Random(4)
    alphabet = "群众来电信反映某县ab1 ，。Ａ２\u3000xyz处理问题督察组整改零陵区𠀀"
    for text, unit in [("", ""), (" ", ""), ("a", ""), ("ab", ""), ("某a某", ""), ("群众", ""), ("x某", "某"),
                       ("a  b", ""), ("零陵区某厂", "零陵区"), ("零陵区", "零陵区")]:
        assert text_bigrams(text, unit) == _bigrams_reference(text, unit), (text, unit)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        unit = rng.choice(["", "零陵区", "某县", "ab", "x"])
        assert text_bigrams(text, unit) == _bigrams_reference(text, unit), (text, unit)


def _add_pool(store, rng, words, batches=(1, 2, 3), per_batch=60, units=("零陵区", "道县")):
    texts = []
    for no in batches:
        bid = ensure_batch(store, no, D(2024, 3, no))[0]
        for i in range(per_batch):
            text = "".join(rng.choice(words) for _ in range(rng.randint(3, 14)))
            texts.append(text)
            add_petition(store, bid, PetitionInput(case_no=f"D{no:03d}{i:05d}", content=text,
                                                      unit=units[i % len(units)]))
    return texts


def test_find_many_matches_scoring_every_petition_in_each_way_of_counting(store, monkeypatch):
    """Scoring directly, counting over the pool (a few texts) and counting over the texts (more texts
    than pooled petitions) all give what scoring every petition of the pool gives."""
    rng = random.Random(6)
    words = ["养猪场", "粪污", "直排", "河道", "臭气", "夜间", "施工", "噪声", "砂石场", "非法", "采砂", "工地",
             "废气", "油烟", "餐馆", "化工厂", "偷排", "污水", "黑烟", "垃圾", "焚烧", "沱江镇", "岚角山"]
    texts = _add_pool(store, rng, words)
    monkeypatch.setattr(RepeatFinder, "POOL", 70)  # pools of 70 out of 90 petitions per unit
    items = [(rng.choice(texts)[: rng.randint(4, 40)] + "".join(rng.choice(words) for _ in range(rng.randint(0, 6))),
              rng.choice(["零陵区", "道县"]), rng.choice([None, 2, 3, 4])) for _ in range(400)]
    items += [("", "零陵区", None), ("。，", "道县", 4), ("养猪场", "", None), ("养猪场", "火星县", None)]
    finder = RepeatFinder(store)

    def expected(content, unit, before):
        mine = text_bigrams(content, unit) if unit and content else set()
        if not mine or unit not in ("零陵区", "道县"):
            return []
        rows, grams = finder._pool(unit)[:2]
        scored = [(round(2 * len(mine & g) / (len(mine) + len(g)), 2), r["no"], r["id"]) for r, g in zip(rows, grams)
                  if 2 * len(mine & g) / (len(mine) + len(g)) >= 0.5 and (before is None or r["no"] < before)]
        return sorted(scored, key=lambda c: (-c[0], -c[1], c[2]))[:3]

    want = [expected(*item) for item in items]
    assert sum(map(len, want)) > 50  # the test finds something
    for direct, transpose in [(10_000, 1), (8, 10_000), (8, 1)]:  # direct; over the pool; over the texts
        monkeypatch.setattr(RepeatFinder, "DIRECT", direct)
        monkeypatch.setattr(RepeatFinder, "TRANSPOSE", transpose)
        got = RepeatFinder(store).find_many(items)
        assert [[(c.score, c.batch_no, c.petition_id) for c in cands] for cands in got] == want
    one = RepeatFinder(store)
    assert [[(c.score, c.batch_no, c.petition_id) for c in one.find(c, u, before_batch_no=b)] for c, u, b in items] \
        == want


def test_counters_are_built_in_blocks_of_texts(monkeypatch):
    """The masks over many texts are built a block at a time; they are the plain masks."""
    rng = random.Random(2)
    sets = [{rng.randrange(40) for _ in range(rng.randint(0, 12))} for _ in range(300)]
    monkeypatch.setattr(Counters, "BLOCK", 64)
    counters = Counters(sets, [len(s) for s in sets], 0.5)
    for gram in range(40):
        assert counters.masks.get(gram, 0) == sum(1 << k for k, s in enumerate(sets) if gram in s)
    assert counters.full == (1 << 300) - 1


def test_pools_read_batch_by_batch_are_the_pools_of_the_query(store, monkeypatch):
    rng = random.Random(7)
    words = ["养猪场", "粪污", "直排", "河道", "臭气", "夜间", "施工", "噪声"]
    _add_pool(store, rng, words, batches=(5, 1, 3, 2), per_batch=25, units=("零陵区", "道县", "江华瑶族自治县"))
    # a deleted petition, and a deleted batch whose number was given again (its petitions stay live)
    delete_petition(store, store.scalar("SELECT id FROM petitions WHERE unit = '道县' ORDER BY id LIMIT 1"))
    old = batch_by_no(store, 3)["id"]
    with store.write():
        store.execute("UPDATE batches SET deleted_at = '2024-03-20T00:00:00' WHERE id = ?", [old])
    ensure_batch(store, 3, D(2024, 3, 21))
    new = batch_by_no(store, 3)["id"]
    add_petition(store, new, PetitionInput(case_no="D3NEW1", content="养猪场粪污直排河道", unit="零陵区"))
    monkeypatch.setattr(RepeatFinder, "POOL", 30)
    units = {"零陵区", "道县", "江华瑶族自治县", "火星县"}
    by_query, by_batches = RepeatFinder(store), RepeatFinder(store)
    by_batches.prefetch(units)
    assert set(by_batches._prefetched) == units  # read ahead (their bigrams are made when searched)
    for unit in units:
        rows = by_query._pool(unit)[0]
        assert by_batches._pool(unit)[0] == rows and by_batches._pool(unit)[1] == by_query._pool(unit)[1]
    assert len(by_query._pool("零陵区")[0]) == 30 and not by_query._pool("火星县")[0]


def test_a_repeat_of_an_earlier_row_in_the_same_call_is_linked(store, batch1):
    rows = [prepare(store, P("D2HH202403130001")),
            prepare(store, P("D2HH202403130002", repeat_of="与D2HH202403130001重复")),
            prepare(store, P("D2HH202403130003"))]
    first, second, third = add_petitions(store, batch1, rows)
    assert get_petition(store, second)["repeat_of_id"] == first
    assert [get_petition(store, p)["seq"] for p in (first, second, third)] == [1, 2, 3]
    assert store.scalar("SELECT count(*) FROM petitions_fts WHERE petitions_fts MATCH '\"夜 间\"'") == 3
    with pytest.raises(UserError):  # a number seen before: nothing stored
        add_petitions(store, batch1, [prepare(store, P("D2HH202403130004")), rows[0]])
    assert store.scalar("SELECT count(*) FROM petitions") == 3


def test_a_hand_over_before_the_batch_was_transferred_is_refused(store):
    import datetime as _dt

    from dutydesk.errors import UserError as _UserError
    from dutydesk.petitions.batches import add_batch as _add_batch
    from dutydesk.petitions.intake import PetitionInput as _Input, add_petition as _add
    from dutydesk.petitions.workflow import hand_over as _hand_over

    b = _add_batch(store, 1, _dt.date(2024, 3, 13))
    pid = _add(store, b, _Input("D2HH202403130001", "养猪场污水直排", "零陵区", ["水"]))
    try:
        _hand_over(store, pid, "零陵区", day=_dt.date(2024, 3, 12))
    except _UserError as exc:
        assert "不能早于本批转办日期 2024-03-13" in str(exc) and exc.field == "day"
    else:
        raise AssertionError("accepted a 交办时间 before the 转办日期")
    row, _ = _hand_over(store, pid, "零陵区", day=_dt.date(2024, 3, 13))
    assert row["assigned_date"] == "2024-03-13"


def test_a_new_petition_comes_after_every_number_its_batch_gave(store, batch1):
    """序号 (batches.last_seq): the live petitions' highest through petitions_batch, the deleted ones'
    through petitions_deleted_batch; a number a deleted petition had is not given again."""
    from dutydesk.petitions.batches import last_seq

    first, second, third = add_petitions(store, batch1, [prepare(store, P(f"D2HH20240313000{k}")) for k in (1, 2, 3)])
    delete_petition(store, third)
    assert last_seq(store, batch1) == 3
    assert get_petition(store, add_petition(store, batch1, P("D2HH202403130004")))["seq"] == 4
    delete_petition(store, second)
    other = add_batch(store, 2, dt.date(2024, 3, 14))
    assert (last_seq(store, other), last_seq(store, batch1)) == (0, 4)
    plan = store.query("EXPLAIN QUERY PLAN SELECT max(coalesce((SELECT max(seq) FROM petitions WHERE batch_id = ?1 AND "
                       "deleted_at IS NULL), 0), coalesce((SELECT max(seq) FROM petitions WHERE batch_id = ?1 AND "
                       "deleted_at IS NOT NULL), 0))", [batch1])
    assert {"petitions_batch", "petitions_deleted_batch"} <= {w for r in plan for w in r["detail"].split()}
