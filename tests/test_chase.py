"""催办通知 (issue 14): on a date, one letter per unit listing exactly its open petitions and
problems that are overdue or due within N working days, with 超期N天 / 今日到期 / 剩N个工作日
(checked by brute force over a generated log), a summary sheet, the record (已催办 N 次)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import chinese_calendar
import openpyxl
import pytest
from docx import Document

from dutydesk import refdata
from dutydesk.errors import UserError
from dutydesk.handoffs import chase, intake, lifecycle
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition, delete_petition
from dutydesk.petitions.workflow import ResultInput, hand_over, record_result

D = dt.date
UNITS = ["零陵区", "冷水滩区", "道县", "宁远县"]
START = D(2024, 3, 25)  # the log spans 清明 (4-4 to 4-6 off, Sunday 4-7 a working day)


def generate(store, rng: random.Random) -> None:
    """Petitions in four batches, handed over with deadlines around 清明, some closed, some not
    handed over, some deleted; problems likewise."""
    n = 0
    for no in range(1, 5):
        bday = START + dt.timedelta(days=2 * no)
        bid = add_batch(store, no, bday)
        for _ in range(9):
            n += 1
            unit = rng.choice(UNITS)
            pid = add_petition(store, bid, PetitionInput(
                f"D2HH2024032{no}{n:04d}", f"第{n}件：某企业排污扰民，信访人王五{n}反映", unit, ["水"],
                petitioner_name=f"王五{n}", petitioner_phone=f"1380000{n:04d}"))
            fate = rng.random()
            if fate < 0.15:
                continue  # 待交办: no lead unit
            lead = unit if rng.random() < 0.8 else rng.choice(UNITS)
            due = bday + dt.timedelta(days=rng.randint(1, 14))
            hand_over(store, pid, lead, day=bday, due=due)
            if fate < 0.35:
                record_result(store, pid, ResultInput(kind=rng.choice(["已办结", "阶段性办结"]), date=bday))
            elif fate < 0.42:
                delete_petition(store, pid)
            elif fate < 0.5:
                record_result(store, pid, ResultInput(kind="未办结", date=bday))  # progress only: still open
    for i in range(12):
        hid = intake.create(store, source="暗访发现", description=f"问题{i}：河道排污口整治", lead_unit=rng.choice(UNITS),
                       deadline=(START + dt.timedelta(days=rng.randint(3, 20))).isoformat(), assigned_on=START.isoformat())
        fate = rng.random()
        if fate < 0.3:
            lifecycle.change_status(store, hid, "整改中", on=START.isoformat())
        elif fate < 0.5:
            lifecycle.change_status(store, hid, "已完成", on=START.isoformat())


def expected_text(due: D, day: D) -> str | None:
    """Brute force: None when not chased on ``day`` with the window of the call."""
    if due < day:
        return f"超期{(day - due).days}天"
    if due == day:
        return "今日到期"
    left = sum(chinese_calendar.is_workday(day + dt.timedelta(days=k)) for k in range(1, (due - day).days + 1))
    return f"剩{left}个工作日" if left else f"剩{(due - day).days}天"


def in_window(due: D, day: D, within: int) -> bool:
    if due <= day:
        return True
    return sum(chinese_calendar.is_workday(day + dt.timedelta(days=k)) for k in range(1, (due - day).days + 1)) <= within


def expected(store, day: D, within: int) -> tuple[set, set]:
    pets = {(r["lead_unit"], r["case_no"], expected_text(D.fromisoformat(r["due_date"]), day))
            for r in store.query("SELECT * FROM petitions WHERE deleted_at IS NULL")
            if r["status"] in ("待交办", "已交办") and r["lead_unit"] and r["due_date"]
            and in_window(D.fromisoformat(r["due_date"]), day, within)}
    probs = {(r["lead_unit"], r["problem_no"], expected_text(D.fromisoformat(r["deadline"]), day))
             for r in store.query("SELECT * FROM handoffs WHERE deleted_at IS NULL")
             if r["status"] in ("未启动", "整改中") and in_window(D.fromisoformat(r["deadline"]), day, within)}
    return pets, probs


def listed(paths: list[Path]) -> tuple[set, set, dict]:
    pets, probs, letters = set(), set(), {}
    for path in paths:
        if path.suffix != ".docx":
            continue
        doc = Document(str(path))
        unit = next(p.text for p in doc.paragraphs if p.text.endswith("："))[:-1]
        assert path.name.endswith(f"-{unit}.docx")
        letters[unit] = doc
        for table in doc.tables:
            head = [c.text for c in table.rows[0].cells]
            for row in table.rows[1:]:
                cells = dict(zip(head, (c.text for c in row.cells)))
                if "受理编号" in cells:
                    pets.add((unit, cells["受理编号"], cells["办理情况"]))
                else:
                    probs.add((unit, cells["问题编号"], cells["办理情况"]))
    return pets, probs, letters


@pytest.mark.parametrize("seed", [3, 14])
def test_chase_lists_exactly_the_open_overdue_and_nearly_due(store, freeze_today, tmp_path, seed):
    freeze_today(START)
    generate(store, random.Random(seed))
    closed = {r["case_no"] for r in store.query("SELECT case_no FROM petitions WHERE status IN ('已办结', '阶段性办结')")}
    assert closed
    for day, within in ((D(2024, 4, 3), 2), (D(2024, 4, 3), 0), (D(2024, 4, 8), 3), (D(2024, 4, 30), 0)):
        out = tmp_path / f"{day}-{within}"
        result = chase.write_chase(store, day, within=within, out_dir=out)
        pets, probs, letters = listed(result.paths)
        want_pets, want_probs = expected(store, day, within)
        assert pets == want_pets and probs == want_probs, (day, within)
        assert not closed & {case for _, case, _ in pets}
        assert result.paths[-1].name == f"催办汇总-{day:%Y%m%d}.xlsx"
        assert len(result.paths) == len({u for u, _, _ in pets | probs}) + 1  # one letter per unit
        ws = openpyxl.load_workbook(result.paths[-1]).worksheets[0]
        rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
        assert {(r[1], r[3], r[6]) for r in rows if r[2] == "信访件"} == want_pets
        assert {(r[1], r[3], r[6]) for r in rows if r[2] == "交办问题"} == want_probs
        everything = "\n".join(c.text for d in letters.values() for t in d.tables for r in t.rows for c in r.cells)
        sheet = str(rows)
        assert "王五" not in everything and "王五" not in sheet and "13800" not in everything + sheet
    # 4-30 is after every deadline: with no window the letters list exactly the open overdue ones
    assert all(text.startswith("超期") for _, _, text in pets | probs)


def test_chase_letter_counts_and_history(store, freeze_today, tmp_path, run_cli):
    freeze_today(D(2024, 3, 22))
    refdata.set_setting(store, "exports_dir", str(tmp_path / "exports"))
    b = add_batch(store, 1, D(2024, 3, 14))
    late = add_petition(store, b, PetitionInput("D2HH202403130001", "养猪场污水直排", "零陵区", ["水"]))
    soon = add_petition(store, b, PetitionInput("D2HH202403130002", "工地噪声扰民", "零陵区", ["噪声"]))
    done = add_petition(store, b, PetitionInput("D2HH202403130003", "砖厂冒黑烟", "零陵区", ["大气"]))
    hand_over(store, late, "零陵区", day=D(2024, 3, 14), due=D(2024, 3, 19))
    hand_over(store, soon, "零陵区", day=D(2024, 3, 14), due=D(2024, 3, 26))  # Fri 3-22: Mon, Tue left
    hand_over(store, done, "零陵区", day=D(2024, 3, 14), due=D(2024, 3, 19))
    record_result(store, done, ResultInput(kind="已办结", date=D(2024, 3, 20)))
    problem = intake.create(store, source="暗访发现", description="排污口未封堵", lead_unit="零陵区", deadline="2024-03-20",
                       assigned_on="2024-03-14")
    r = run_cli("petitions", "chase")
    assert r.exit_code == 0, r.stderr
    paths = [Path(line) for line in r.stdout.splitlines()]
    assert [p.name for p in paths] == ["催办通知-20240322-零陵区.docx", "催办汇总-20240322.xlsx"]
    assert all(p.parent == tmp_path / "exports" for p in paths)
    doc = Document(str(paths[0]))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于催办生态环境保护督察信访件" in text and "和交办问题的通知" in text and "零陵区：" in text
    assert "永督联函〔2024〕1号" in text
    assert ("截至2024年3月22日，你单位牵头办理的生态环境保护督察交办事项中，超期未办结的信访件1件，"
            "2个工作日内到期（含今日）的信访件1件，超期未完成整改的交办问题1个（详见附件）。") in text
    assert "附件：1. 超期和即将到期的生态环境保护督察信访件清单（零陵区，共2件）" in text
    pets = [[c.text for c in row.cells] for row in doc.tables[0].rows[1:]]
    assert [(p[1], p[4], p[5], p[6]) for p in pets] == [("D2HH202403130001", "3月19日", "超期3天", "第1次"),
                                                     ("D2HH202403130002", "3月26日", "剩2个工作日", "第1次")]
    probs = [[c.text for c in row.cells] for row in doc.tables[1].rows[1:]]
    assert [(p[3], p[4], p[5]) for p in probs] == [("3月20日", "未启动", "超期2天")]
    assert run_cli("petitions", "chase", "--within", "0", "-o", str(tmp_path / "again")).exit_code == 0
    doc = Document(str(tmp_path / "again" / "催办通知-20240322-零陵区.docx"))
    assert [[c.text for c in row.cells][6] for row in doc.tables[0].rows[1:]] == ["第2次"]
    show = run_cli("petitions", "show", "D2HH202403130001").stdout
    assert "已催办 1 次" in show and "已催办 2 次" in show and "通知：已催办 2 次（最近 2024-03-22）" in show
    assert "已催办" not in run_cli("petitions", "show", "D2HH202403130003").stdout
    assert [h["action"] for h in store.history("handoffs", problem)][-2:] == ["已催办 1 次", "已催办 2 次"]
    assert [r["kind"] for r in store.query("SELECT kind FROM letters ORDER BY id")] == ["催办通知", "催办汇总表"] * 2


def test_nothing_to_chase_and_bad_input(store, freeze_today, tmp_path, run_cli):
    freeze_today(D(2024, 3, 22))
    r = run_cli("petitions", "chase", "-o", str(tmp_path / "out"))
    assert r.exit_code == 1 and "无需催办" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
    r = run_cli("petitions", "chase", "--date", "2024-13-45")
    assert r.exit_code == 1 and "日期" in r.stderr
    b = add_batch(store, 1, D(2024, 3, 14))
    pid = add_petition(store, b, PetitionInput("D2HH202403130001", "养猪场污水直排", "零陵区", ["水"]))
    hand_over(store, pid, "零陵区", day=D(2024, 3, 14), due=D(2024, 3, 19))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run_cli("petitions", "chase", "-o", str(blocker / "sub"))
    assert r.exit_code == 1 and "无法写入" in r.stderr and store.scalar("SELECT count(*) FROM letters") == 0
    with pytest.raises(UserError, match="0 到 30"):
        chase.write_chase(store, within=99, out_dir=tmp_path / "x")
