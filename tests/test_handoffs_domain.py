"""问题交办 domain: life cycle rules, lateness across dates, progress, 回头看, summary, petitions."""

from __future__ import annotations

import datetime as dt

import pytest

from dutydesk.errors import ConflictError, UserError
from dutydesk.handoffs import detail, intake, lifecycle, links, lists, model, problems, progress, rechecks, summary

D = dt.date


def make(store, **kw) -> int:
    fields = dict(source="暗访发现", description="某河段排污口污水直排", lead_unit="零陵区", coop_units="市生态环境局，市水利局",
                  deadline="2024-03-31", deadline_category="短期", assigned_on="2024-03-14")
    fields.update(kw)
    return intake.create(store, **fields)


def statuses(store, hid) -> list[tuple[str | None, str]]:
    return [(r["from_status"], r["to_status"]) for r in problems.status_log(store, hid)]


@pytest.fixture
def day(freeze_today):
    return freeze_today(D(2024, 3, 20))


# -- creating ---------------------------------------------------------------------------------
def test_create_generates_unique_numbers_and_normalises_units(store, day):
    a, b = make(store), make(store, lead_unit="江华县", region="江华")
    ra, rb = problems.get(store, a), problems.get(store, b)
    assert (ra["problem_no"], rb["problem_no"]) == ("WT-2024-0001", "WT-2024-0002")
    assert rb["lead_unit"] == rb["region"] == "江华瑶族自治县"
    assert ra["coop_units"] == "市生态环境局、市水利局"
    assert ra["status"] == "未启动" and statuses(store, a) == [(None, "未启动")]
    c = make(store, problem_no="LL-001")
    assert problems.get(store, c)["problem_no"] == "LL-001"
    with pytest.raises(UserError, match="问题编号已存在：LL-001"):
        make(store, problem_no="LL-001")
    with pytest.raises(UserError, match="问题编号已存在"):
        intake.update_problem(store, a, {"problem_no": "LL-001"})


@pytest.mark.parametrize("field,value,message", [
    ("source", "路边听说", "来源“路边听说”不在词表中"),
    ("source", "", "来源不能为空"),
    ("description", "  ", "问题描述不能为空"),
    ("lead_unit", "", "牵头单位不能为空"),
    ("lead_unit", "火星县", "未知的单位"),
    ("deadline", "2024年13月1日", "整改时限：无法识别的日期"),
    ("deadline_category", "马上", "时限类别“马上”不在词表中"),
    ("owner_phone", "call me", "联系电话格式有误"),
    ("deadline", "2024-03-01", "整改时限不能早于交办日期"),
])
def test_create_refuses_bad_fields(store, day, field, value, message):
    with pytest.raises(UserError, match=message):
        make(store, **{field: value})


def test_deadline_forms_ledgers_use(store, day):
    assert intake.parse_deadline("6月底前") == "2024-06-30"
    assert intake.parse_deadline("2024年2月底") == "2024-02-29"
    assert intake.parse_deadline("2024年底前") == "2024-12-31"
    assert intake.parse_deadline("2024年5月1日前") == "2024-05-01"
    hid = make(store, deadline="长期坚持", deadline_category="")
    row = problems.get(store, hid)
    assert row["deadline"] is None and row["deadline_category"] == "长期坚持"


# -- life cycle -------------------------------------------------------------------------------
def test_no_closure_without_acceptance(store, day):
    hid = make(store)
    for current in ("未启动", "整改中", "已完成"):
        if current != "未启动":
            lifecycle.change_status(store, hid, current)
        with pytest.raises(UserError, match="未经验收不能销号"):
            lifecycle.change_status(store, hid, "已销号", by="市协调联络组", basis="公示无异议")
    assert problems.get(store, hid)["status"] == "已完成"


@pytest.mark.parametrize("path,target,message", [
    ([], "已验收", "不能从“未启动”直接变更为“已验收”"),
    (["整改中"], "已验收", "不能从“整改中”直接变更为“已验收”（当前只能变更为：“已完成”）"),
    (["整改中"], "未启动", "不能从“整改中”直接变更为“未启动”"),
    (["整改中"], "整改中", "问题已是“整改中”状态"),
    ([], "办结", "未知的状态"),
])
def test_illegal_jumps_are_refused_in_chinese(store, day, path, target, message):
    hid = make(store)
    for step in path:
        lifecycle.change_status(store, hid, step)
    version = problems.get(store, hid)["version"]
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        lifecycle.change_status(store, hid, target, by="某人", basis="某依据")
    assert problems.get(store, hid)["version"] == version  # nothing written


def test_acceptance_and_closure_need_who_when_and_basis(store, day):
    hid = make(store)
    lifecycle.change_status(store, hid, "整改中", on="3月15日")
    lifecycle.change_status(store, hid, "已完成", on="2024-03-18")
    with pytest.raises(UserError, match="验收须填写验收人"):
        lifecycle.change_status(store, hid, "已验收")
    with pytest.raises(UserError, match="验收日期不能早于完成日期"):
        lifecycle.change_status(store, hid, "已验收", by="市生态环境局", on="2024-03-17")
    with pytest.raises(UserError, match="验收日期不能晚于今天"):
        lifecycle.change_status(store, hid, "已验收", by="市生态环境局", on="2024-03-21")
    lifecycle.change_status(store, hid, "已验收", by="市生态环境局", on="2024-03-19", basis="现场核查合格")
    with pytest.raises(UserError, match="销号须填写销号人"):
        lifecycle.change_status(store, hid, "已销号", basis="公示无异议")
    with pytest.raises(UserError, match="销号须填写销号依据"):
        lifecycle.change_status(store, hid, "已销号", by="市协调联络组")
    with pytest.raises(UserError, match="销号日期不能早于验收日期"):
        lifecycle.change_status(store, hid, "已销号", by="市协调联络组", basis="公示无异议", on="2024-03-18")
    row = lifecycle.change_status(store, hid, "已销号", by="市协调联络组", basis="公示10个工作日无异议")
    assert (row["accepted_on"], row["accepted_by"], row["acceptance_note"]) == ("2024-03-19", "市生态环境局", "现场核查合格")
    assert (row["closed_on"], row["closed_by"], row["close_basis"]) == ("2024-03-20", "市协调联络组", "公示10个工作日无异议")
    assert statuses(store, hid)[-1] == ("已验收", "已销号")
    with pytest.raises(UserError, match="已销号的问题不能直接变更状态"):
        lifecycle.change_status(store, hid, "整改中", basis="想重开")
    audit = [h["action"] for h in store.history("handoffs", hid)]
    assert audit[-1] == "变更状态：已验收 → 已销号"


def test_sending_back_needs_a_reason_and_keeps_the_old_acceptance_in_the_log(store, day):
    hid = make(store)
    lifecycle.change_status(store, hid, "已完成", on="2024-03-16")  # 立行立改: straight to 已完成 is allowed
    lifecycle.change_status(store, hid, "已验收", by="市水利局", on="2024-03-17")
    with pytest.raises(UserError, match="须说明原因"):
        lifecycle.change_status(store, hid, "整改中")
    row = lifecycle.change_status(store, hid, "整改中", basis="复核发现仍有渗漏")
    assert row["accepted_on"] is None and row["accepted_by"] == "" and row["completed_on"] is None
    log = problems.status_log(store, hid)
    assert [(r["to_status"], r["by_whom"]) for r in log][-2:] == [("已验收", "市水利局"), ("整改中", "")]
    assert log[-1]["basis"] == "复核发现仍有渗漏" and log[-1]["operator"] == "测试员"


def test_status_change_with_stale_version_is_a_conflict(store, day):
    hid = make(store)
    v = problems.get(store, hid)["version"]
    intake.update_problem(store, hid, {"owner": "张三"}, expected_version=v)
    with pytest.raises(ConflictError):
        lifecycle.change_status(store, hid, "整改中", expected_version=v)
    with pytest.raises(ConflictError) as info:
        intake.update_problem(store, hid, {"owner": "李四"}, expected_version=v)
    assert info.value.current["owner"] == "张三"


# -- lateness ---------------------------------------------------------------------------------
@pytest.mark.parametrize("today,countdown,pace,late", [
    (D(2024, 3, 26), "剩5天", "序时推进", False),
    (D(2024, 3, 31), "今天到期", "序时推进", False),
    (D(2024, 4, 1), "超期1天", "滞后", True),
    (D(2024, 4, 3), "超期3天", "滞后", True),
])
def test_countdown_and_pace_follow_the_date(store, freeze_today, today, countdown, pace, late):
    freeze_today(D(2024, 3, 20))
    make(store)
    freeze_today(today)
    rows, _ = lists.page(store)
    assert (rows[0]["countdown"], rows[0]["pace"], rows[0]["late"]) == (countdown, pace, late)
    assert summary.summary(store)[0]["late"] == int(late)


def test_finished_problems_are_not_late_but_say_whether_on_time(store, freeze_today):
    freeze_today(D(2024, 3, 20))
    on_time, late_done = make(store, deadline="2024-03-25"), make(store, deadline="2024-03-21")
    freeze_today(D(2024, 3, 24))
    lifecycle.change_status(store, on_time, "已完成", on="2024-03-24")
    lifecycle.change_status(store, late_done, "已完成", on="2024-03-23")
    freeze_today(D(2024, 4, 30))
    rows = {r["id"]: r for r in lists.page(store)[0]}
    assert (rows[on_time]["pace"], rows[on_time]["countdown"], rows[on_time]["late"]) == ("按期完成", "", False)
    assert rows[late_done]["pace"] == "逾期完成" and not rows[late_done]["late"]
    assert model.schedule("整改中", None, D(2024, 4, 30), category="长期坚持").countdown == "长期坚持"
    assert model.schedule("未启动", None, D(2024, 4, 30)) == model.Schedule(None, "未定时限", "序时推进", False)


def test_views_order_and_filters(store, freeze_today):
    freeze_today(D(2024, 3, 10))
    early = {"assigned_on": "2024-03-01"}
    far = make(store, deadline="2024-06-30", lead_unit="道县", **early)
    soon = make(store, deadline="2024-03-25", lead_unit="零陵区", coop_units="道县", **early)
    over = make(store, deadline="2024-03-15", lead_unit="东安县", **early)
    done = make(store, deadline="2024-03-12", lead_unit="道县", **early)
    none = make(store, deadline="", deadline_category="长期坚持", lead_unit="东安县", region="道县", **early)
    lifecycle.change_status(store, done, "已完成", on="2024-03-09")
    freeze_today(D(2024, 3, 20))
    ids = lambda **kw: [r["id"] for r in lists.page(store, **kw)[0]]  # noqa: E731
    assert ids() == [over, soon, far, none, done]  # open first, most urgent on top
    assert ids(view="超期") == [over]
    assert ids(view="即将到期") == [soon]
    assert ids(unit="道县") == [soon, far, none, done]  # lead, 配合 or 行政区域
    assert ids(status="已完成") == [done]
    assert lists.alert_counts(store) == {"late": 1, "due_soon": 1, "rebound_open": 0}
    with pytest.raises(UserError, match="未知的视图"):
        lists.page(store, view="随便")
    rows, total = lists.page(store, offset=1, limit=2)
    assert total == 5 and [r["id"] for r in rows] == [soon, far]
    # the unfiltered list walks the index of its order (schema m005), sorting nothing
    plan = " ".join(r["detail"] for r in store.query(
        f"EXPLAIN QUERY PLAN SELECT h.id FROM handoffs h WHERE h.deleted_at IS NULL {lists.ORDER_SQL} LIMIT 10"))
    assert "handoffs_list_order" in plan and "TEMP B-TREE" not in plan


# -- progress and 回头看 -----------------------------------------------------------------------
def test_progress_starts_a_problem_and_latest_is_listed(store, day):
    hid = make(store)
    progress.add_progress(store, hid, "已制定整改方案", on="2024-03-16")
    assert problems.get(store, hid)["status"] == "整改中" and problems.get(store, hid)["started_on"] == "2024-03-16"
    progress.add_progress(store, hid, "已封堵排污口", on="2024-03-19")
    progress.add_progress(store, hid, "补记：已约谈企业负责人", on="2024-03-17")
    rows, _ = lists.page(store)
    assert rows[0]["latest"] == "2024-03-19 已封堵排污口"
    assert [p["content"] for p in progress.progress_entries(store, hid)] == ["已制定整改方案", "补记：已约谈企业负责人", "已封堵排污口"]
    with pytest.raises(UserError, match="进展日期不能晚于今天"):
        progress.add_progress(store, hid, "明天的事", on="2024-03-21")
    with pytest.raises(UserError, match="整改进展不能为空"):
        progress.add_progress(store, hid, " \n ")
    assert statuses(store, hid) == [(None, "未启动"), ("未启动", "整改中")]


def close(store, hid, on="2024-03-20"):
    lifecycle.change_status(store, hid, "已完成", on=on)
    lifecycle.change_status(store, hid, "已验收", by="市生态环境局", on=on)
    lifecycle.change_status(store, hid, "已销号", by="市协调联络组", basis="公示无异议", on=on)


def test_recheck_that_finds_it_back_reopens_with_rebound(store, freeze_today):
    freeze_today(D(2024, 3, 20))
    hid = make(store)
    with pytest.raises(UserError, match="回头看只针对已验收或已销号的问题"):
        rechecks.recheck(store, hid, finding="看看")
    close(store, hid)
    freeze_today(D(2024, 5, 10))
    rechecks.recheck(store, hid, finding="设施运行正常", checker="现场核查组", on="2024-04-20")
    assert problems.get(store, hid)["status"] == "已销号"
    with pytest.raises(UserError, match="新的整改时限不能早于回头看日期"):
        rechecks.recheck(store, hid, finding="又见排污", came_back=True, new_deadline="2024-05-01")
    row = problems.get(store, hid)
    rechecks.recheck(store, hid, finding="原排口旁新设暗管偷排", came_back=True, new_deadline="2024-05-31")
    row = problems.get(store, hid)
    assert (row["status"], row["rebound"], row["deadline"]) == ("整改中", 1, "2024-05-31")
    assert row["closed_on"] is None and row["accepted_by"] == ""
    listed = lists.page(store, view="反弹")[0]
    assert [r["id"] for r in listed] == [hid]
    assert listed[0]["status_text"] == "整改中（反弹）" and listed[0]["rebound_text"] == "反弹"
    assert "反弹：回头看发现反弹 1 次" in detail.describe(store, hid)
    assert [c["came_back"] for c in rechecks.rechecks(store, hid)] == [0, 1]
    assert statuses(store, hid)[-1] == ("已销号", "整改中")
    # closed again, the history keeps both closures
    close(store, hid, on="2024-05-10")
    assert lists.page(store)[0][0]["rebound_text"] == "反弹"
    assert [r["to_status"] for r in problems.status_log(store, hid)].count("已销号") == 2
    assert summary.summary(store)[0]["rebound"] == 1


# -- summary ----------------------------------------------------------------------------------
def test_summary_per_lead_unit(store, freeze_today):
    freeze_today(D(2024, 3, 1))
    early = {"assigned_on": "2024-02-20"}
    make(store, lead_unit="冷水滩区", deadline="2024-03-10", **early)
    make(store, lead_unit="冷水滩区", deadline="2024-04-10", **early)
    a3 = make(store, lead_unit="冷水滩区", deadline="2024-03-05", **early)
    b1 = make(store, lead_unit="零陵区", deadline="2024-03-05", **early)
    make(store, lead_unit="市生态环境局", deadline="", **early)
    close(store, a3, on="2024-03-01")
    lifecycle.change_status(store, b1, "整改中", on="2024-03-01")
    freeze_today(D(2024, 3, 20))
    rows = {r["unit"]: r for r in summary.summary(store)}
    assert list(rows) == ["零陵区", "冷水滩区", "市生态环境局", "合计"]  # reference-list order, total last
    assert {k: rows["冷水滩区"][k] for k in ("total", "closed", "late", "not_started", "close_rate")} == \
        {"total": 3, "closed": 1, "late": 1, "not_started": 2, "close_rate": "33%"}
    assert (rows["零陵区"]["in_progress"], rows["零陵区"]["late"]) == (1, 1)
    assert rows["合计"]["total"] == 5 and rows["合计"]["late"] == 2 and rows["合计"]["closed"] == 1


# -- petitions --------------------------------------------------------------------------------
def _insert_minimal(store, table: str, values: dict) -> int:
    """Insert a row filling the table's other NOT NULL columns (the petitions schema is another engineer's)."""
    row = dict(values)
    for col in store.query(f"PRAGMA table_info([{table}])"):
        name = col["name"]
        if name in row or col["pk"] or not col["notnull"] or col["dflt_value"] is not None:
            continue
        if name == "batch_id" and table == "petitions":
            row[name] = _insert_minimal(store, "batches", {"no": 1, "date": "2024-03-14"})
        else:
            row[name] = 0 if "INT" in (col["type"] or "").upper() else ""
    cols = ", ".join(f"[{c}]" for c in row)
    with store.write():
        return store.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({', '.join('?' * len(row))})",
                                list(row.values())).lastrowid


def make_petition(store, **kw) -> int:
    if not links.petitions_table_exists(store):
        pytest.skip("petitions table missing (built concurrently by the petitions issue)")
    values = dict(case_no="D2HH202403140001", content="反映某养殖场粪污直排入河", unit="道县", lead_unit="道县",
                  coop_units="市农业农村局、市生态环境局")
    values.update(kw)
    if "case_key" in {c["name"] for c in store.query("PRAGMA table_info(petitions)")}:
        values.setdefault("case_key", values["case_no"])
    return _insert_minimal(store, "petitions", values)


def test_create_from_petition_keeps_the_link(store, day):
    pid = make_petition(store)
    hid = links.create_from_petition(store, pid, deadline="2024-04-15", deadline_category="短期")
    row = problems.get(store, hid)
    assert (row["source"], row["description"], row["region"], row["lead_unit"], row["coop_units"]) == \
        ("信访件", "反映某养殖场粪污直排入河", "道县", "道县", "市农业农村局、市生态环境局")
    assert row["deadline"] == "2024-04-15"
    assert links.linked_petitions(store, hid) == [{"id": pid, "case_no": "D2HH202403140001", "deleted": 0}]
    assert links.problems_for_petition(store, pid)[0]["id"] == hid
    assert links.find_petition(store, "D2HH202403140001") == pid
    assert "关联信访件：D2HH202403140001" in detail.describe(store, hid)
    with pytest.raises(UserError, match="已生成问题"):
        links.create_from_petition(store, pid)
    with pytest.raises(UserError, match="找不到受理编号"):
        links.find_petition(store, "D2HH209912310001")
    other = make(store)
    links.link_petition(store, other, pid)
    links.link_petition(store, other, pid)  # twice is once
    assert len(links.linked_petitions(store, other)) == 1
    assert "关联信访件" in [h["action"] for h in store.history("handoffs", other)]


def test_petitions_missing_is_a_clear_error(store, day, monkeypatch):
    monkeypatch.setattr(links, "petitions_table_exists", lambda store: False)
    with pytest.raises(UserError, match="信访件模块尚未建立"):
        links.create_from_petition(store, 1)
    with pytest.raises(UserError, match="信访件模块尚未建立"):
        links.find_petition(store, "D2HH202403140001")


def test_demo_fills_every_status_once(store, freeze_today):
    from dutydesk.handoffs import demo

    today = freeze_today(D(2024, 3, 20))
    filled = demo.fill(store, today)
    assert "12" in filled
    statuses_seen = {r["status"] for r in store.query("SELECT status FROM handoffs")}
    assert statuses_seen == set(model.STATUSES)
    assert lists.alert_counts(store, today)["late"] >= 2
    assert store.scalar("SELECT COUNT(*) FROM handoffs WHERE rebound > 0 AND status = '整改中'") == 1
    assert store.scalar("SELECT COUNT(*) FROM handoff_rechecks") == 2
    assert "已有数据" in demo.fill(store, today)
