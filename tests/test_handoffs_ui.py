"""问题交办 screen through Textual's Pilot: one problem from creation to a second closure."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select, Static, TextArea

from dutydesk.handoffs import intake, lifecycle, links, problems
from dutydesk.ui.modals import ConflictModal, FormModal, MessageModal
from dutydesk.ui.screens.handoffs.forms import SummaryModal
from dutydesk.ui.screens.handoffs.screen import HandoffsScreen
from dutydesk.ui.widgets.fast_table import FastTable

SIZE = (160, 45)


@pytest.fixture(autouse=True)
def _today(freeze_today):
    freeze_today(dt.date(2024, 3, 20))


async def fill(pilot, **values) -> None:
    """Set form fields by id (Chinese text cannot be typed through pilot.press)."""
    screen = pilot.app.screen
    for key, value in values.items():
        widget = screen.query_one(f"#{key}")
        if isinstance(widget, TextArea):
            widget.load_text(value)
        elif isinstance(widget, (Input, Select, Checkbox)):
            widget.value = value
    await pilot.pause()


async def save(pilot) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()


def cells(app) -> list[list[str]]:
    table = app.screen.query_one("#hf-table").query_one(FastTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def detail(app) -> str:
    return str(app.screen.query_one("#hf-detail", Static).render())


def form_error(app) -> str:
    return str(app.screen.query_one("#form-error", Static).render())


async def test_one_problem_from_creation_to_second_closure(make_test_app, store, freeze_today):
    app = make_test_app(start="handoffs")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HandoffsScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, FormModal)
        await fill(pilot, source="暗访发现", description="铸造厂废气无组织排放，车间外烟尘明显", lead_unit="冷水滩区",
                   region="冷水滩区", coop_units="市生态环境局", deadline="2024-03-25", deadline_category="短期",
                   measures="停产整改，加装除尘设施")
        await save(pilot)
        assert isinstance(app.screen, HandoffsScreen)
        row = cells(app)[0]
        assert row[0] == "WT-2024-0001" and row[6] == "剩5天" and row[7] == "序时推进" and row[8] == "未启动"

        # progress: the first entry starts the rectification
        await pilot.press("p")
        await pilot.pause()
        await fill(pilot, content="已停产，正在安装布袋除尘设施", date="2024-03-18")
        await save(pilot)
        row = cells(app)[0]
        assert row[8] == "整改中" and row[9] == "3月18日 已停产，正在安装布袋除尘设施"

        # 销号 before 验收 is refused in the form, which stays open
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.query_one("#to_status", Select).value == "已完成"
        await fill(pilot, to_status="已完成", date="2024-03-19")
        await save(pilot)
        await pilot.press("s")
        await pilot.pause()
        await fill(pilot, to_status="已验收", date="2024-03-20", by="")
        await save(pilot)
        assert isinstance(app.screen, FormModal) and "验收须填写验收人" in form_error(app)
        await fill(pilot, by="市生态环境局", basis="现场核查，设施运行正常")
        await save(pilot)
        assert cells(app)[0][8] == "已验收"
        await pilot.press("s")
        await pilot.pause()
        await fill(pilot, to_status="已销号", by="市协调联络组", basis="验收合格，公示无异议")
        await save(pilot)
        row = cells(app)[0]
        assert row[8] == "已销号" and row[7] == "按期完成" and row[6] == ""
        assert "销号：2024年3月20日 市协调联络组，依据：验收合格，公示无异议" in detail(app)

        # 回头看 a month later finds it back: reopened, flagged everywhere
        freeze_today(dt.date(2024, 4, 20))
        await pilot.press("k")
        await pilot.pause()
        await fill(pilot, finding="夜间偷排，烟尘再次超标", checker="现场核查组", came_back=True, new_deadline="2024-04-30")
        await save(pilot)
        row = cells(app)[0]
        assert row[8] == "整改中（反弹）" and row[10] == "反弹" and row[6] == "剩10天"
        assert "反弹：回头看发现反弹 1 次" in detail(app)
        await fill(pilot, **{"hf-view": "反弹"})
        assert [r[0] for r in cells(app)] == ["WT-2024-0001"]
        await fill(pilot, **{"hf-view": "全部"})

        # and closed again
        for target, extra in (("已完成", {}), ("已验收", {"by": "市生态环境局"}),
                              ("已销号", {"by": "市协调联络组", "basis": "复验合格"})):
            await pilot.press("s")
            await pilot.pause()
            await fill(pilot, to_status=target, **extra)
            await save(pilot)
        row = cells(app)[0]
        assert row[8] == "已销号" and row[10] == "反弹"

        # every change kept, with who and when
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, MessageModal)
        await pilot.press("escape")
        await pilot.pause()
    hid = problems.by_no(store, "WT-2024-0001")["id"]
    assert [r["to_status"] for r in problems.status_log(store, hid)] == \
        ["未启动", "整改中", "已完成", "已验收", "已销号", "整改中", "已完成", "已验收", "已销号"]
    assert {r["operator"] for r in problems.status_log(store, hid)} == {"测试员"}
    actions = [h["action"] for h in store.history("handoffs", hid)]
    assert "回头看发现反弹：已销号 → 整改中" in actions and "添加进展" in actions


async def test_edit_conflict_shows_both_versions(make_test_app, store):
    hid = intake.create(store, source="未督先查", description="工地扬尘", lead_unit="零陵区", deadline="2024-04-10")
    app = make_test_app(start="handoffs")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, owner="张三")
        # meanwhile, in another terminal
        intake.update_problem(store, hid, {"owner": "李四"}, expected_version=problems.get(store, hid)["version"])
        await save(pilot)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, HandoffsScreen)
    assert problems.get(store, hid)["owner"] == "张三"
    assert problems.get(store, hid)["version"] == 3


async def test_filters_summary_refusals_and_bindings(make_test_app, store):
    intake.create(store, source="督察组交办", description="黑臭水体", lead_unit="零陵区", deadline="2024-03-18",
                  assigned_on="2024-03-01")
    closed = intake.create(store, source="暗访发现", description="非法采砂", lead_unit="道县", deadline="2024-03-22")
    lifecycle.change_status(store, closed, "已完成")
    lifecycle.change_status(store, closed, "已验收", by="市水利局")
    lifecycle.change_status(store, closed, "已销号", by="市协调联络组", basis="公示无异议")
    app = make_test_app(start="handoffs")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = cells(app)
        assert rows[0][6] == "超期2天" and rows[0][7] == "滞后"
        assert "超期 1 个" in str(app.screen.query_one("#hf-counts", Static).render())
        await fill(pilot, **{"hf-unit": "道县"})
        assert [r[3] for r in cells(app)] == ["道县"]
        # a closed problem takes no progress and no status change
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, HandoffsScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, HandoffsScreen)
        await fill(pilot, **{"hf-unit": Select.NULL, "hf-view": "超期"})
        assert [r[1] for r in cells(app)] == ["督察组交办"]
        await pilot.press("k")  # not closed: no 回头看
        await pilot.pause()
        assert isinstance(app.screen, HandoffsScreen)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, SummaryModal)
        table = app.screen.query_one(DataTable)
        summary = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert summary[0][:2] == ["零陵区", "1"] and summary[0][7] == "1"
        assert summary[-1][0] == "合计" and summary[-1][6] == "1"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HandoffsScreen)
        await pilot.press("x")  # 导出台账, with the current filter (超期), in a worker
        await app.workers.wait_for_complete()
        await pilot.pause()
        exports = sorted(p.name for p in (store.path.parent / "exports").iterdir())
        assert exports == ["问题整改台账-20240320.docx", "问题整改台账-20240320.xlsx"]
        for b in HandoffsScreen.BINDINGS:
            assert b.id and b.id.startswith("handoffs.") and any("\u4e00" <= ch <= "\u9fff" for ch in b.description)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("新增", "编辑", "添加进展", "变更状态", "回头看", "从信访件生成", "按单位汇总", "历史", "导出台账"):
            assert f"问题交办：{title}" in titles


async def test_problem_from_petition_keeps_the_link(make_test_app, store):
    from test_handoffs_domain import make_petition

    pid = make_petition(store, case_no="D2HH202403150007", content="反映养殖场粪污直排", unit="道县", lead_unit="道县",
                        coop_units="")
    app = make_test_app(start="handoffs")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        await fill(pilot, case_no="D2HH209901010001")
        await save(pilot)
        assert "找不到受理编号" in form_error(app)
        await fill(pilot, case_no="D2HH202403150007", deadline="2024-04-15")
        await save(pilot)
        assert isinstance(app.screen, HandoffsScreen)
        row = cells(app)[0]
        assert row[1] == "信访件" and row[3] == "道县"
        assert "关联信访件：D2HH202403150007" in detail(app)
    hid = problems.by_no(store, "WT-2024-0001")["id"]
    assert [p["id"] for p in links.linked_petitions(store, hid)] == [pid]
