"""Keys n (交办通知 for the batch under the cursor) and c (催办通知) on the 信访件 screen, and the
未发交办通知 filter (issue 14)."""

from __future__ import annotations

import datetime as dt
import stat

from docx import Document
from textual.widgets import Checkbox, Input, Select

from dutydesk.ui.widgets.fast_table import FastTable

from dutydesk import refdata
from dutydesk.petitions import search
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition
from dutydesk.petitions.workflow import hand_over
from dutydesk.ui.screens.petitions.letters import ChaseForm, NoticeForm
from dutydesk.ui.screens.petitions.screen import PetitionsScreen

D = dt.date
TODAY = D(2024, 3, 22)


def seed(store) -> None:
    b1 = add_batch(store, 1, D(2024, 3, 14))
    b2 = add_batch(store, 2, D(2024, 3, 20))
    a = add_petition(store, b1, PetitionInput("D2HH202403130001", "某村养猪场污水直排河道", "冷水滩区", ["水"],
                                                  petitioner_name="张三丰", petitioner_phone="13812345678"))
    b = add_petition(store, b1, PetitionInput("D2HH202403130002", "工地夜间施工噪声扰民", "零陵区", ["噪声"]))
    c = add_petition(store, b2, PetitionInput("X2HH202403190001", "砖厂冒黑烟", "道县", ["大气"]))
    hand_over(store, a, "冷水滩区", day=D(2024, 3, 14))  # due 3-21: overdue on 3-22
    hand_over(store, b, "零陵区", day=D(2024, 3, 14))
    hand_over(store, c, "道县", day=D(2024, 3, 20))


def case_nos(app) -> list[str]:
    table = app.screen.query_one("#pf-table").table
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_key_n_writes_the_notices_of_the_batch_under_the_cursor(make_test_app, store, freeze_today, tmp_path):
    freeze_today(TODAY)
    seed(store)
    out = tmp_path / "exports"
    refdata.set_setting(store, "exports_dir", str(out))
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PetitionsScreen)
        app.screen.query_one("#pf-status", Select).value = search.NOT_NOTIFIED
        await pilot.pause()
        assert sorted(case_nos(app)) == ["D2HH202403130001", "D2HH202403130002", "X2HH202403190001"]
        app.screen.query_one(FastTable).focus()
        assert case_nos(app)[0] == "D2HH202403130001"  # overdue first: batch 1 under the cursor
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NoticeForm)
        assert form.query_one("#batch", Select).value == 1 and form.query_one("#folder", Input).value == str(out)
        form.query_one("#with_contact", Checkbox).value = True
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PetitionsScreen)
        names = sorted(p.name for p in out.iterdir())
        assert names == ["交办通知-第1批-冷水滩区-含信访人信息.docx", "交办通知-第1批-零陵区-含信访人信息.docx"]
        assert all(stat.S_IMODE((out / n).stat().st_mode) == 0o600 for n in names)
        text = "\n".join(p.text for p in Document(str(out / names[0])).paragraphs)
        assert text.startswith("注意保密") and "已生成交办通知 2 个文件" in notes(app)
        # the list (filtered 未发交办通知) follows: only batch 2's petition is left
        assert case_nos(app) == ["X2HH202403190001"]
        # the petition's history (h) says so
        app.screen.query_one("#pf-status", Select).value = Select.NULL
        await pilot.pause()
        app.screen.query_one(FastTable).focus()
        assert case_nos(app)[0] == "D2HH202403130001"
        await pilot.press("h")
        await pilot.pause()
        history = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        assert "已发交办通知" in history and "含信访人信息" in history and "张三丰" not in history
        await pilot.press("escape")
        await pilot.pause()
        app.screen.query_one("#pf-status", Select).value = search.NOT_NOTIFIED
        await pilot.pause()
        app.screen.query_one(FastTable).focus()
        # the unit's results sheet, through the same dialog
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#batch", Select).value == 2
        app.screen.query_one("#fmt", Select).value = "xlsx"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (out / "办理结果表-第2批-道县.xlsx").exists()
        # bad input: a batch with nothing handed over is one line, nothing written
        add_batch(store, 3, TODAY)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#batch", Select).value = 3
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "第3批还没有已交办的信访件" in notes(app) and len(list(out.iterdir())) == 3


async def test_key_c_writes_the_chase_letters_and_the_summary(make_test_app, store, freeze_today, tmp_path):
    freeze_today(TODAY)
    seed(store)
    refdata.set_setting(store, "exports_dir", str(tmp_path / "exports"))
    out = tmp_path / "chase"
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ChaseForm)
        assert form.query_one("#day", Input).value == "2024-03-22" and form.query_one("#within", Input).value == "2"
        form.query_one("#within", Input).value = "x"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChaseForm)  # refused in the form
        form.query_one("#within", Input).value = "0"
        form.query_one("#folder", Input).value = str(out)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PetitionsScreen)
        assert sorted(p.name for p in out.iterdir()) == ["催办汇总-20240322.xlsx", "催办通知-20240322-冷水滩区.docx",
                                                          "催办通知-20240322-零陵区.docx"]  # 道县's is due 3-27
        doc = Document(str(out / "催办通知-20240322-冷水滩区.docx"))
        assert [[c.text for c in r.cells][5] for r in doc.tables[0].rows[1:]] == ["超期1天"]
        assert "已生成催办通知 3 个文件" in notes(app)
        assert "通知：已催办 1 次" in str(app.screen.query_one("#pf-detail").render())  # the row under the cursor
