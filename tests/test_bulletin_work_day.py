"""A bulletin on any day with work (issue 14): a day whose only content is the generated petition
section exports (``bulletin export`` and F5); a day with nothing at all is still refused."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document

from dutydesk import refdata
from dutydesk.bulletin import service
from dutydesk.errors import UserError
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition
from dutydesk.petitions.workflow import ResultInput, hand_over, record_result

DAY = dt.date(2024, 3, 13)


def batch_on(store, day=DAY) -> int:
    b = add_batch(store, 1, day)
    return add_petition(store, b, PetitionInput("D2HH202403120001", "养猪场污水直排", "零陵区", ["水"],
                                                    petitioner_name="张三丰"))


def test_a_batch_day_exports_with_the_petition_section_only(store, run_cli, tmp_path):
    batch_on(store)
    r = run_cli("bulletin", "export", "--date", "2024-03-13", "-o", str(tmp_path / "b.docx"), "--format", "docx")
    assert r.exit_code == 0, r.stderr
    text = "\n".join(p.text for p in Document(str(tmp_path / "b.docx")).paragraphs)
    assert "3月13日，省第四生态环境保护督察组向我市转办第1批信访件1件" in text and "张三丰" not in text
    row = service.current(store, DAY)
    assert row["status"] == "issued" and row["number"] == 1


@pytest.mark.parametrize("work", ["hand_over", "result"])
def test_a_hand_over_or_a_result_is_work_too(store, tmp_path, work):
    pid = batch_on(store, dt.date(2024, 3, 10))
    if work == "hand_over":
        hand_over(store, pid, "零陵区", day=DAY)
    else:
        record_result(store, pid, ResultInput(kind="已办结", date=DAY))
    paths = service.export_bulletin(store, DAY, tmp_path)
    assert len(paths) == 3 and "累计收到转办信访件1件" in paths[-1].read_text(encoding="utf-8")


def test_a_day_with_nothing_at_all_is_still_refused(store, tmp_path):
    batch_on(store, dt.date(2024, 3, 10))  # work on another day
    with pytest.raises(UserError, match="2024年3月13日的简报还没有内容"):
        service.export_bulletin(store, DAY, tmp_path / "out")
    assert not (tmp_path / "out").exists() and service.current(store, DAY) is None


async def test_f5_on_a_batch_day_without_news(make_test_app, store, freeze_today, tmp_path):
    freeze_today(DAY)
    out = tmp_path / "exports"
    refdata.set_setting(store, "exports_dir", str(out))
    batch_on(store)
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("y")  # F5 shows what will be issued and asks
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(p.suffix for p in out.iterdir() if p.name != ".dutydesk-written") == [".docx", ".md", ".txt"]
        assert "简报已导出" in "\n".join(str(n.title) for n in app._notifications)
    assert service.current(store, DAY)["status"] == "issued"


async def test_f5_shows_what_it_will_issue_offers_a_draft_and_the_screen_says_what_came_after(
        make_test_app, store, freeze_today, tmp_path, monkeypatch):
    from dutydesk import dates
    from dutydesk.store import records
    from dutydesk.ui.screens.bulletin.issue import IssueModal
    from textual.widgets import Static

    freeze_today(DAY)
    out = tmp_path / "exports"
    refdata.set_setting(store, "exports_dir", str(out))
    batch_on(store)
    app = make_test_app(start="bulletin")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, IssueModal)
        question = str(app.screen.query_one("#issue-text", Static).render())
        assert "第1期" in question and "转办第1批信访件1件" in question
        await pilot.press("escape")  # nothing issued, nothing written
        await pilot.pause()
        assert service.current(store, DAY) is None and not out.exists()
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("d")  # the draft: marked and named so, no 期号 taken
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [f"工作简报-2024-03-13-征求意见稿.{x}" for x in ("docx", "md", "txt")]
        assert "征求意见稿" in "\n".join(p.text for p in Document(str(out / "工作简报-2024-03-13-征求意见稿.docx")).paragraphs)
        assert not service.is_issued(service.current(store, DAY))
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert service.is_issued(service.current(store, DAY))
        # a batch stored after the issue is not in it: the screen says so and offers 更正重开
        later = lambda: "2099-01-01 00:00:00"  # noqa: E731 (stored after the issue, whatever the clock)
        monkeypatch.setattr(records, "now_iso", later)
        monkeypatch.setattr(dates, "now_iso", later)
        b = add_batch(store, 2, DAY)
        for i in range(3):
            add_petition(store, b, PetitionInput(f"D2HH20240313000{i}", "噪声扰民", "零陵区", ["噪声"]))
        app.screen.refresh_data()
        hint = str(app.screen.query_one("#bulletin-hint", Static).render())
        assert "签发后又收到第2批 3 件" in hint and "o 更正重开" in hint
